namespace Koumu.Interop.Storage;

/// <summary>A tenant is one board of education (教育委員会); a prefecture's joint procurement hosts many.</summary>
public sealed class Tenant
{
    public int Id { get; set; }

    /// <summary>Stable key used in URLs and configuration (e.g. "demo" or a 教育委員会コード).</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>
    /// Moves by one with every committed import, in the import's own transaction: cached REST totals
    /// (<c>X-Total-Count</c>, Query.TotalCountCache) are keyed on it, so none outlives the data it counted.
    /// </summary>
    public long DataVersion { get; set; }

    /// <summary>The tenant's last change version (the outbox's per-tenant counter; 0 before the first change).</summary>
    public long ChangeVersion { get; set; }

    /// <summary>The dateLastModified of the tenant's last committed import: the next one is strictly later.</summary>
    public DateTime? LastImportedAt { get; set; }
}

public static class ImportJobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    /// <summary>Validated and stored.</summary>
    public const string Succeeded = "succeeded";
    /// <summary>Validation found errors: nothing was stored.</summary>
    public const string Rejected = "rejected";
    /// <summary>The hub failed (not the package): nothing was stored.</summary>
    public const string Failed = "failed";
}

/// <summary>One import of a CSV package, with its outcome and problem list.</summary>
public sealed class ImportJob
{
    public Guid Id { get; set; }

    public int TenantId { get; set; }

    public required string Status { get; set; }

    public required string Profile { get; set; }

    public string? FileName { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? FinishedAt { get; set; }

    public long ErrorCount { get; set; }

    public long WarningCount { get; set; }

    /// <summary>Per-file summary (mode, rows, deletions, layout) as JSON.</summary>
    public string? SummaryJson { get; set; }

    public string? FailureMessage { get; set; }
}

/// <summary>One problem of an import job (file, line, column, rule id, message in English and Japanese).</summary>
public sealed class ImportProblem
{
    public long Id { get; set; }

    public Guid JobId { get; set; }

    public int Sequence { get; set; }

    public string? File { get; set; }

    public long? Line { get; set; }

    public string? Column { get; set; }

    public required string RuleId { get; set; }

    public required string Severity { get; set; }

    public required string MessageEn { get; set; }

    public required string MessageJa { get; set; }

    public string? Value { get; set; }
}

/// <summary>
/// An extension column (<c>metadata.*</c>) seen in a tenant's imports of a file, so exports can write it back
/// (import → export → import leaves the store identical).
/// </summary>
public sealed class RosterExtensionColumn
{
    public int TenantId { get; set; }

    public required string File { get; set; }

    public required string Column { get; set; }
}
