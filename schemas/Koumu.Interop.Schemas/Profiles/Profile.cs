using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Schemas.Profiles;

/// <summary>
/// A profile: a named set of extra rules over base OneRoster 1.2, selectable per import, plus how an export in that
/// profile is shaped. See shared/reference/oneroster.md §3 for the lineage of the Japanese profiles.
/// </summary>
public sealed class ProfileDefinition
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    /// <summary>The <c>oneroster.version</c> value written to manifest.csv on export.</summary>
    public required string ManifestOneRosterVersion { get; init; }

    /// <summary>Whether exports use the original 1.2 users.csv layout (with <c>resourceSourcedIds</c>) instead of 1.2.1.</summary>
    public bool UsersLayout12 { get; init; }

    /// <summary>Whether enrollment extensions are written with the legacy capitalised names (metadata.jp.ShussekiNo / PublicFlg).</summary>
    public bool LegacyEnrollmentExtensionNames { get; init; }

    /// <summary>Whether the profile is Japanese (metadata.jp.* columns are exported).</summary>
    public bool Japanese { get; init; }

    public IReadOnlyList<IProfileRule> Rules { get; init; } = [];

    /// <summary>
    /// Values a profile adds to a base enumeration, keyed "file.column" (e.g. the Japan Profile's guardian in
    /// "enrollments.role"): the type layer accepts them, the profile layer then decides.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ExtraEnumerationValues { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();

    public override string ToString() => Id;
}

/// <summary>Settings a board can change per import, because sources disagree (oneroster.md §3.3).</summary>
public sealed class ProfileOptions
{
    /// <summary>Allowed grade codes; null uses the profile's default list.</summary>
    public IReadOnlySet<string>? GradeCodes { get; init; }

    /// <summary>Allowed subject codes; null uses the profile's default list.</summary>
    public IReadOnlySet<string>? SubjectCodes { get; init; }
}

/// <summary>What a profile rule may look at besides the row itself.</summary>
public sealed class ProfileContext
{
    public ProfileContext(ProfileDefinition profile, ProfileOptions options, IReadOnlyDictionary<string, ProcessingMode> modes, string? manifestOneRosterVersion)
    {
        Profile = profile;
        Options = options;
        Modes = modes;
        ManifestOneRosterVersion = manifestOneRosterVersion;
    }

    public ProfileDefinition Profile { get; }

    public ProfileOptions Options { get; }

    /// <summary>Processing mode of every data file, by file name (e.g. "users").</summary>
    public IReadOnlyDictionary<string, ProcessingMode> Modes { get; }

    public string? ManifestOneRosterVersion { get; }

    /// <summary>Files whose header or content could not be read (already reported): rules should not report knock-on errors.</summary>
    public ISet<string> BrokenFiles { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Files (by name, e.g. "users") that began with a UTF-8 byte order mark; the pipeline accepts and strips it.</summary>
    public ISet<string> FilesWithByteOrderMark { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Scratch space for rules that need state across rows (keyed by the rule's own key).</summary>
    public Dictionary<string, object> State { get; } = new(StringComparer.Ordinal);

    /// <summary>The package's memory budget for hashes (set by the pipeline; unlimited for a context made elsewhere).</summary>
    internal SpillBudget Budget { get; set; } = new(long.MaxValue);

    private readonly List<HashPartitions> _partitions = [];

    /// <summary>Hash partitions for a rule's per-row state, within <see cref="Budget"/>; released with the context.</summary>
    internal HashPartitions NewPartitions()
    {
        var partitions = new HashPartitions(Budget);
        _partitions.Add(partitions);
        return partitions;
    }

    internal void ReleasePartitions()
    {
        foreach (var partitions in _partitions) partitions.Dispose();
        _partitions.Clear();
    }
}

/// <summary>A profile rule. Rules must keep memory bounded (compact state, never whole rows).</summary>
public interface IProfileRule
{
    /// <summary>Checks a file's header (spec columns plus <c>metadata.*</c> extension columns, as written).</summary>
    void CheckHeader(CsvFileDefinition file, IReadOnlyList<string> header, ProfileContext context, IProblemSink sink) { }

    /// <summary>Checks one row that passed the type layer.</summary>
    void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink) { }

    /// <summary>Called once after every file was read, for rules across rows and files.</summary>
    void Complete(ProfileContext context, IProblemSink sink) { }
}
