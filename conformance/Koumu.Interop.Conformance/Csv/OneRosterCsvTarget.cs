using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Profiles.Japan;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Conformance.Csv;

public sealed record CsvTargetOptions
{
    /// <summary>A .zip or a folder with manifest.csv at its root.</summary>
    public required string Path { get; init; }

    /// <summary>The profile the package claims (<see cref="OneRosterProfiles.All"/>: oneroster-1.2, jp-2, jp-1.2.1, jp-k12, eportal-v3, …).</summary>
    public ProfileDefinition Profile { get; init; } = OneRosterProfiles.Base;

    /// <summary>null = UTF-8; Shift_JIS only when asked for (as <c>koumu validate --encoding</c>).</summary>
    public System.Text.Encoding? SourceEncoding { get; init; }
}

/// <summary>
/// The OneRoster CSV package target: the hub's own validator (schemas/ PackageProcessor, the same pipeline as
/// <c>koumu validate</c> and the import API) run on a package, its rule ids mapped one to one onto assertions
/// <c>OR-CSV-&lt;rule id&gt;</c> (docs/validation-rules.md, docs/profiles.md). An error rule is a MUST, a warning
/// rule a SHOULD; a rule that reported nothing passed.
/// </summary>
public sealed partial class OneRosterCsvTarget(CsvTargetOptions options) : IConformanceTarget
{
    public const string PackageAccepted = "OR-CSV-PACKAGE-001";

    public string Target => ConformanceTargets.OneRosterCsv;

    public IReadOnlyList<AssertionDefinition> Assertions => Catalogue;

    /// <summary>Every rule of the validator as an assertion, after the package-level verdict.</summary>
    public static IReadOnlyList<AssertionDefinition> Catalogue { get; } = BuildCatalogue();

    public TestedTarget Describe() => new(Target, System.IO.Path.GetFileName(options.Path.TrimEnd('/', '\\')), new Dictionary<string, string>
    {
        ["profile"] = options.Profile.Id,
        ["encoding"] = options.SourceEncoding?.WebName ?? "utf-8",
    });

    public static string AssertionId(string ruleId) => "OR-CSV-" + ruleId;

    public async Task RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        ProcessingResult result;
        try
        {
            using var source = PackageSource.Open(options.Path);
            result = await PackageProcessor.ProcessAsync(source, new ProcessingOptions { Profile = options.Profile, SourceEncoding = options.SourceEncoding },
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (PackageRejectedException e)
        {
            result = new ProcessingResult { Manifest = null, Problems = [e.Problem], ErrorCount = 1, WarningCount = 0, Files = [] };
        }
        var byRule = result.Problems.ToLookup(p => p.RuleId, StringComparer.Ordinal);
        var japanese = options.Profile.Japanese;
        foreach (var assertion in run.Selected)
        {
            if (assertion.Id == PackageAccepted)
            {
                run.Record(result.Accepted
                    ? new AssertionResult(assertion, Outcome.Passed, $"Accepted: {result.Files.Sum(f => f.Rows):N0} rows in {result.Files.Count} files, {result.WarningCount:N0} warnings.")
                    : new AssertionResult(assertion, Outcome.Failed, $"Rejected: {result.ErrorCount:N0} errors, {result.WarningCount:N0} warnings.",
                        [.. result.Problems.Where(p => p.Severity == Severity.Error).Take(50).Select(Line)]));
                continue;
            }
            var ruleId = assertion.Id["OR-CSV-".Length..];
            var problems = byRule[ruleId].ToList();
            if (problems.Count > 0)
            {
                run.Record(new AssertionResult(assertion, Outcome.Failed,
                    string.Format(CultureInfo.InvariantCulture, "{0:N0} problems ({1}).", problems.Count, problems[0].MessageEn),
                    [.. problems.Take(50).Select(Line)]));
            }
            else if (ruleId.StartsWith("jp.", StringComparison.Ordinal) && !japanese)
            {
                run.Record(new AssertionResult(assertion, Outcome.Skipped, $"A Japan Profile rule; the package is checked against {options.Profile.Id}."));
            }
            else
            {
                run.Record(new AssertionResult(assertion, Outcome.Passed));
            }
        }
    }

    private static string Line(Problem p) => p.ToString();

    private static List<AssertionDefinition> BuildCatalogue()
    {
        var list = new List<AssertionDefinition>
        {
            new(PackageAccepted, ConformanceTargets.OneRosterCsv, "package", AssertionLevel.Must,
                "OneRoster 1.2 CSV Binding (1EdTech), and the chosen profile (docs/validation-rules.md, docs/profiles.md)",
                "The package passes the hub's validator for the chosen profile without any error.",
                "パッケージが、選択したプロファイルについてハブの検証でエラーなく受け付けられること。"),
        };
        foreach (var rule in AllRules())
        {
            var doc = rule.Id.StartsWith("jp.", StringComparison.Ordinal) ? "docs/profiles.md" : "docs/validation-rules.md";
            var source = rule.Id.StartsWith("jp.", StringComparison.Ordinal) ? "OneRoster Japan Profile / 学習eポータル標準モデル" : "OneRoster 1.2 CSV Binding";
            list.Add(new(AssertionId(rule.Id), ConformanceTargets.OneRosterCsv, rule.Layer.ToString().ToLowerInvariant(),
                rule.Severity == Severity.Error ? AssertionLevel.Must : AssertionLevel.Should,
                $"{source}; hub rule `{rule.Id}` ({doc})", Template(rule.MessageEn), Template(rule.MessageJa)));
        }
        return list;
    }

    /// <summary>
    /// Every rule of the validator: the base rules (<see cref="Rules"/>, and the zip safety rules that
    /// <see cref="ZipPackageSource"/> keeps private) and the Japan Profile catalogue (<see cref="JapanRules"/>).
    /// Reflection reads the same fields the hub's own documentation tests read, so a new rule joins the catalogue.
    /// </summary>
    internal static IEnumerable<Rule> AllRules() =>
        typeof(Rules).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Concat(typeof(ZipPackageSource).GetFields(BindingFlags.NonPublic | BindingFlags.Static))
            .Concat(typeof(JapanRules).GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.FieldType == typeof(Rule)).Select(f => (Rule)f.GetValue(null)!)
            .DistinctBy(r => r.Id);

    /// <summary>A message template as a requirement text: its {0} placeholders read "…".</summary>
    private static string Template(string message) => Placeholder().Replace(message, "…").Replace("{{", "{", StringComparison.Ordinal).Replace("}}", "}", StringComparison.Ordinal);

    [GeneratedRegex(@"(?<!\{)\{\d+(:[^}]*)?\}(?!\})")]
    private static partial Regex Placeholder();
}
