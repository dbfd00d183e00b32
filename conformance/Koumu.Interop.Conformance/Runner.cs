using System.Reflection;

namespace Koumu.Interop.Conformance;

/// <summary>
/// Which assertions a run evaluates (issue #7 §2: "a run can be limited to a target, a section or an id"). Each list
/// is a filter of its own (empty = no limit); an assertion is selected when it passes all three. Ids match exactly or
/// by a prefix ending in <c>*</c> (<c>OR-REST-PAGE-*</c>), and an id without <c>@version</c> matches each version's; sections and targets match case-insensitively.
/// </summary>
public sealed record AssertionSelection
{
    public IReadOnlyList<string> Targets { get; init; } = [];

    public IReadOnlyList<string> Sections { get; init; } = [];

    public IReadOnlyList<string> Ids { get; init; } = [];

    public static AssertionSelection All { get; } = new();

    public bool Includes(AssertionDefinition assertion)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        if (Targets.Count > 0 && !Targets.Any(t => string.Equals(t, assertion.Target, StringComparison.OrdinalIgnoreCase))) return false;
        if (Sections.Count > 0 && !Sections.Any(s => string.Equals(s, assertion.Section, StringComparison.OrdinalIgnoreCase))) return false;
        if (Ids.Count > 0 && !Ids.Any(i => Matches(i, assertion.Id))) return false;
        return true;
    }

    /// <summary>
    /// A pattern without a version also names every versioned run of an assertion: <c>XAPI-STMT-POST-001</c> selects
    /// <c>XAPI-STMT-POST-001@1.0.3</c> and <c>@2.0.0</c> (xAPI results carry the version they were tested with).
    /// </summary>
    private static bool Matches(string pattern, string id) => pattern.EndsWith('*')
        ? id.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
        : string.Equals(pattern, id, StringComparison.OrdinalIgnoreCase)
          || (!pattern.Contains('@', StringComparison.Ordinal) && id.StartsWith(pattern + "@", StringComparison.OrdinalIgnoreCase));
}

/// <summary>Progress of a run, for a console display: the assertion just finished and how many are done.</summary>
public sealed record ConformanceProgress(string Target, int Done, int Total, AssertionResult Last);

/// <summary>A system under test. It evaluates the selected assertions of its catalogue and records one result each.</summary>
public interface IConformanceTarget
{
    /// <summary>One of <see cref="ConformanceTargets"/>.</summary>
    string Target { get; }

    TestedTarget Describe();

    IReadOnlyList<AssertionDefinition> Assertions { get; }

    Task RunAsync(ConformanceRun run, CancellationToken cancellationToken);
}

/// <summary>The state of one target's run: what is selected and the results so far.</summary>
public sealed class ConformanceRun
{
    private readonly Dictionary<string, AssertionResult> _results = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<AssertionDefinition> _selected;
    private readonly IProgress<ConformanceProgress>? _progress;
    private readonly string _target;

    internal ConformanceRun(string target, IReadOnlyList<AssertionDefinition> selected, IProgress<ConformanceProgress>? progress)
    {
        _target = target;
        _selected = selected;
        _progress = progress;
    }

    public IReadOnlyList<AssertionDefinition> Selected => _selected;

    public bool IsSelected(AssertionDefinition assertion) => _selected.Contains(assertion);

    public bool IsSelected(string id) => _selected.Any(a => a.Id == id);

    /// <summary>Records the result of a selected assertion; a second result for the same assertion is a bug in the target.</summary>
    public void Record(AssertionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!IsSelected(result.Assertion)) return;
        if (!_results.TryAdd(result.Assertion.Id, result))
            throw new InvalidOperationException($"Assertion {result.Assertion.Id} was evaluated twice.");
        _progress?.Report(new ConformanceProgress(_target, _results.Count, _selected.Count, result));
    }

    internal IEnumerable<AssertionResult> Results() => _selected.Select(a => _results.TryGetValue(a.Id, out var r)
        ? r
        // A target that forgets an assertion must not make it look passed.
        : new AssertionResult(a, Outcome.Skipped, "Not evaluated by this target (tool defect: please report it)."));
}

/// <summary>Runs targets one after the other and assembles the report.</summary>
public static class ConformanceRunner
{
    public static string ToolVersion { get; } =
        typeof(ConformanceRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<ConformanceReport> RunAsync(
        IEnumerable<IConformanceTarget> targets, AssertionSelection? selection = null, IProgress<ConformanceProgress>? progress = null,
        TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        selection ??= AssertionSelection.All;
        time ??= TimeProvider.System;
        var started = time.GetUtcNow();
        var results = new List<AssertionResult>();
        var tested = new List<TestedTarget>();
        foreach (var target in targets)
        {
            var selected = target.Assertions.Where(selection.Includes).ToList();
            if (selected.Count == 0) continue;
            tested.Add(target.Describe());
            var run = new ConformanceRun(target.Target, selected, progress);
            await target.RunAsync(run, cancellationToken).ConfigureAwait(false);
            results.AddRange(run.Results());
        }
        return new ConformanceReport(ToolVersion, started, time.GetUtcNow(), tested, results);
    }
}
