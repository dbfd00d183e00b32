using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;

namespace Koumu.Interop.Schemas.Validation;

/// <summary>Where valid records go (a store writer; nothing for <c>koumu validate</c>).</summary>
public interface IRecordSink
{
    /// <summary>Called once, after manifest.csv was read and before the first file (only while the package has no error).</summary>
    ValueTask BeginPackageAsync(Manifest manifest, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    ValueTask BeginFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken);

    /// <summary>Called for each record, in file order, only while the package has no error so far.</summary>
    ValueTask WriteAsync(CsvRecord record, CancellationToken cancellationToken);

    /// <summary>Called when a file ends without an error in the package.</summary>
    ValueTask EndFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken);

    /// <summary>
    /// Called instead of <see cref="EndFileAsync"/> when the file ends with an error in the package (found while it was
    /// written, or by the reference checks at its end — records with duplicate sourcedIds or dangling references may
    /// have been written). The package will not be committed: the sink only has to stay usable for lookups.
    /// </summary>
    ValueTask AbandonFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>What a delta package may reference outside itself: the tenant's stored records.</summary>
public interface IStoredRecordLookup
{
    /// <summary>Which of <paramref name="sourcedIds"/> exist as active records of <paramref name="file"/> in the tenant.</summary>
    Task<IReadOnlySet<string>> FindActiveAsync(CsvFileDefinition file, IReadOnlyCollection<string> sourcedIds, CancellationToken cancellationToken);

    /// <summary>(sourcedId, parentSourcedId) of the tenant's active orgs or academicSessions, for cycle checks across delta imports.</summary>
    Task<IReadOnlyList<KeyValuePair<string, string?>>> ParentsAsync(CsvFileDefinition file, CancellationToken cancellationToken);
}

public sealed record ProcessingProgress(string File, long Rows, long Problems);

public sealed class ProcessingOptions
{
    public ProfileDefinition Profile { get; init; } = OneRosterProfiles.Base;

    public ProfileOptions ProfileOptions { get; init; } = new();

    /// <summary>Encoding of the CSV files; null is UTF-8 (with or without BOM). Shift_JIS only when asked for.</summary>
    public System.Text.Encoding? SourceEncoding { get; init; }

    public PackageLimits Limits { get; init; } = PackageLimits.Default;

    public IProgress<ProcessingProgress>? Progress { get; init; }

    /// <summary>
    /// Accept the REST-only files (<see cref="CsvBinding.RestOnlyFiles"/>: assessmentLineItems, assessmentResults) in
    /// the manifest and the package. Only the hub's own packages for OneRoster REST writes set it; an uploaded CSV
    /// package never does (those types have no CSV file in the OneRoster 1.2 CSV binding).
    /// </summary>
    public bool AcceptRestOnlyFiles { get; init; }
}

public sealed record FileSummary(string File, ProcessingMode Mode, long Rows, long Deletions, string? Layout);

public sealed class ProcessingResult
{
    public required Manifest? Manifest { get; init; }

    /// <summary>The problems found, in order (at most <see cref="PackageLimits.MaxProblemsKept"/>).</summary>
    public required IReadOnlyList<Problem> Problems { get; init; }

    public required long ErrorCount { get; init; }

    public required long WarningCount { get; init; }

    public required IReadOnlyList<FileSummary> Files { get; init; }

    /// <summary>True when nothing was rejected: the package may be stored.</summary>
    public bool Accepted => ErrorCount == 0;
}

/// <summary>Collects problems with a cap on how many are kept (every one is still counted).</summary>
public sealed class ProblemCollector(int maxKept) : IProblemSink
{
    private readonly List<Problem> _problems = [];

    public long ErrorCount { get; private set; }

    public long WarningCount { get; private set; }

    public IReadOnlyList<Problem> Problems => _problems;

    public void Report(Problem problem)
    {
        if (problem.Severity == Severity.Error) ErrorCount++;
        else WarningCount++;
        if (_problems.Count < maxKept) _problems.Add(problem);
    }
}
