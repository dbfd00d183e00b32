using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Storage;

public enum DatabaseProvider { Sqlite, Postgres }

/// <summary>Which database the hub uses. SQLite (a file under data/) is the embedded default; PostgreSQL is the server database.</summary>
public sealed record StorageOptions(DatabaseProvider Provider, string ConnectionString)
{
    public static StorageOptions EmbeddedDefault(string dataDirectory) =>
        new(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(dataDirectory, "koumu.db")}");
}

/// <summary>Outcome of one import: the validation result and whether the store was changed.</summary>
public sealed record ImportOutcome(ProcessingResult Result, bool Committed, DateTime ImportedAt);

/// <summary>How a CSV package export is shaped.</summary>
public sealed record ExportOptions
{
    public ProfileDefinition Profile { get; init; } = OneRosterProfiles.Base;

    /// <summary>Delta export: records changed since <see cref="Since"/>, with status and dateLastModified filled, deletions included.</summary>
    public bool Delta { get; init; }

    public DateTime? Since { get; init; }

    /// <summary>Quote every value (some Japanese importers require it).</summary>
    public bool QuoteAll { get; init; }

    /// <summary>users.csv layout: null follows the profile; true = original 1.2 (with resourceSourcedIds); false = 1.2.1.</summary>
    public bool? UsersLayout12 { get; init; }
}
