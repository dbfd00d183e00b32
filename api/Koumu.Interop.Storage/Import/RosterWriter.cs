using System.Data.Common;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Storage.Import;

/// <summary>
/// Writes validated records into one tenant's roster tables inside the import's transaction, and answers the
/// pipeline's questions about stored records (delta references, hierarchy cycles).
/// Semantics (OneRoster 1.2 CSV binding, manifest modes):
/// bulk — the file replaces that type's records: rows are upserted, stored active records not in the file become
/// <c>tobedeleted</c>; delta — rows are upserted, <c>tobedeleted</c> rows mark stored records deleted.
/// A row whose values did not change keeps its dateLastModified, so a re-import of an export changes nothing.
/// </summary>
internal abstract class RosterWriter(DbConnection connection, DbTransaction transaction, int tenantId, DateTime importedAt)
    : IRecordSink, IStoredRecordLookup, IAsyncDisposable
{
    /// <summary>Abandons any unfinished bulk copy so the transaction can roll back.</summary>
    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    protected DbConnection Connection { get; } = connection;

    protected DbTransaction Transaction { get; } = transaction;

    protected int TenantId { get; } = tenantId;

    /// <summary>One timestamp for the whole import: the hub's dateLastModified of every record it changes (docs/decisions/0001).</summary>
    protected DateTime ImportedAt { get; } = importedAt;

    /// <summary>Tables this import bulk-loaded for a tenant that had no rows in them: every row now has <see cref="ImportedAt"/>.</summary>
    protected HashSet<string> FreshTables { get; } = new(StringComparer.Ordinal);

    /// <summary>The tables this import loaded for a tenant that had no rows in them (bulk files into empty tables).</summary>
    public IReadOnlyCollection<string> LoadedFresh => FreshTables;

    private readonly Dictionary<string, HashSet<string>> _extensionColumns = new(StringComparer.Ordinal);

    public virtual ValueTask BeginPackageAsync(Manifest manifest, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public abstract ValueTask BeginFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken);

    public ValueTask WriteAsync(CsvRecord record, CancellationToken cancellationToken)
    {
        if (record.Extensions is { Count: > 0 } extensions)
        {
            if (!_extensionColumns.TryGetValue(record.File.Name, out var set))
                _extensionColumns[record.File.Name] = set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in extensions.Keys) set.Add(key);
        }
        return WriteRecordAsync(record, cancellationToken);
    }

    protected abstract ValueTask WriteRecordAsync(CsvRecord record, CancellationToken cancellationToken);

    public async ValueTask EndFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        await EndFileCoreAsync(file, mode, cancellationToken).ConfigureAwait(false);
        await TouchOwningUsersAsync(file, cancellationToken).ConfigureAwait(false);
    }

    protected abstract ValueTask EndFileCoreAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken);

    /// <summary>Ends a file of a package that will be rolled back: finish the copy, skip index builds and merges.</summary>
    public abstract ValueTask AbandonFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken);

    /// <summary>
    /// A user's OneRoster JSON embeds its roles and userProfiles (OAS-R UserDType), so a change to one of those rows is a
    /// change to the user: its dateLastModified moves too, or REST clients syncing with filter=dateLastModified>… would
    /// miss it. Rows this import changed carry exactly <see cref="ImportedAt"/>.
    /// </summary>
    private async Task TouchOwningUsersAsync(CsvFileDefinition file, CancellationToken cancellationToken)
    {
        if (file != CsvBinding.Roles && file != CsvBinding.UserProfiles) return;
        // Users bulk-loaded into a tenant that had none all carry this import's timestamp already (the initial load).
        if (FreshTables.Contains(CsvBinding.Users.StorageName)) return;
        await using var command = Command(
            "UPDATE users SET date_last_modified = @now WHERE tenant_id = @tenant AND date_last_modified <> @now AND sourced_id IN " +
            $"(SELECT user_sourced_id FROM {file.StorageName} WHERE tenant_id = @tenant AND date_last_modified = @now)");
        AddParameter(command, "tenant", TenantId);
        AddParameter(command, "now", ImportedAt);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlySet<string>> FindActiveAsync(CsvFileDefinition file, IReadOnlyCollection<string> sourcedIds, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        await using var command = CreateFindCommand(file, sourcedIds);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) found.Add(reader.GetString(0));
        return found;
    }

    protected abstract DbCommand CreateFindCommand(CsvFileDefinition file, IReadOnlyCollection<string> sourcedIds);

    public async Task<IReadOnlyList<KeyValuePair<string, string?>>> ParentsAsync(CsvFileDefinition file, CancellationToken cancellationToken)
    {
        var list = new List<KeyValuePair<string, string?>>();
        await using var command = Command(
            $"SELECT sourced_id, parent_sourced_id FROM {file.StorageName} WHERE tenant_id = @tenant AND status = 'active'");
        AddParameter(command, "tenant", TenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        return list;
    }

    /// <summary>Records the extension columns seen, so exports can write them back.</summary>
    public async Task SaveExtensionColumnsAsync(CancellationToken cancellationToken)
    {
        foreach (var (file, columns) in _extensionColumns)
        {
            foreach (var column in columns)
            {
                await using var command = Command(
                    "INSERT INTO roster_extension_columns (tenant_id, file, column_name) VALUES (@tenant, @file, @column) ON CONFLICT DO NOTHING");
                AddParameter(command, "tenant", TenantId);
                AddParameter(command, "file", file);
                AddParameter(command, "column", column);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected DbCommand Command(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        command.CommandTimeout = 0; // bulk statements on a prefecture take minutes, not seconds
        return command;
    }

    protected static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        command.Parameters.Add(p);
        return p;
    }

    /// <summary>Columns written for a file: tenant_id, every CSV column, metadata.</summary>
    protected static string ColumnList(CsvFileDefinition file, string prefix = "") =>
        string.Join(", ", new[] { prefix + "tenant_id" }.Concat(file.Columns.Select(c => prefix + c.SqlName)).Append(prefix + "metadata"));

    /// <summary>Every value column except the key and dateLastModified: what decides whether a row changed.</summary>
    protected static IEnumerable<string> ComparedColumns(CsvFileDefinition file) =>
        file.Columns.Where(c => c.Kind is not ColumnKind.SourcedId and not ColumnKind.DateLastModified)
            .Select(c => c.SqlName).Append("metadata");
}
