using System.Data.Common;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;
using Microsoft.Data.Sqlite;

namespace Koumu.Interop.Storage.Import;

/// <summary>
/// SQLite writer: one transaction, prepared and reused commands (pitfalls.md). Upserts skip unchanged rows; a temporary
/// table of the sourcedIds seen lets a bulk file mark the records it no longer contains as tobedeleted.
/// </summary>
internal sealed class SqliteRosterWriter(SqliteConnection connection, SqliteTransaction transaction, int tenantId, DateTime importedAt)
    : RosterWriter(connection, transaction, tenantId, importedAt)
{
    private DbCommand? _upsert;
    private DbCommand? _delete;
    private DbCommand? _seen;
    private DbParameter[] _values = [];
    private DbParameter? _deleteId;
    private DbParameter? _seenId;
    private List<(string Name, string Sql)>? _deferredIndexes;
    private bool _markMissing;

    private async Task<bool> HasRowsAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) != 0;
    }

    public override async ValueTask BeginFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        var table = file.StorageName;
        var names = new[] { "tenant_id" }.Concat(file.Columns.Select(c => c.SqlName)).Append("metadata").ToArray();
        var compared = ComparedColumns(file).ToList();
        _upsert = Command(
            $"INSERT INTO {table} ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => "$p" + i))}) " +
            $"ON CONFLICT (tenant_id, sourced_id) DO UPDATE SET " +
            string.Join(", ", compared.Append("date_last_modified").Select(c => $"{c} = excluded.{c}")) +
            " WHERE " + string.Join(" OR ", compared.Select(c => $"{table}.{c} IS NOT excluded.{c}")));
        _values = names.Select((_, i) => AddParameter(_upsert, "$p" + i, null)).ToArray();
        _upsert.Prepare();

        _delete = Command($"UPDATE {table} SET status = 'tobedeleted', date_last_modified = $now WHERE tenant_id = $tenant AND sourced_id = $id AND status <> 'tobedeleted'");
        AddParameter(_delete, "$now", ImportedAt);
        AddParameter(_delete, "$tenant", TenantId);
        _deleteId = AddParameter(_delete, "$id", null);
        _delete.Prepare();

        _deferredIndexes = null;
        _markMissing = false;
        if (mode == ProcessingMode.Bulk && !await HasRowsAsync($"SELECT EXISTS (SELECT 1 FROM {table})", cancellationToken).ConfigureAwait(false))
        {
            // Initial load of an empty table: drop its secondary indexes and rebuild them after the file (sort-based
            // builds instead of random B-tree inserts). Inside the transaction: a rejected import gets them back.
            _deferredIndexes = [];
            await using (var list = Command("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $table AND sql IS NOT NULL"))
            {
                AddParameter(list, "$table", table);
                await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    _deferredIndexes.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (name, _) in _deferredIndexes) await ExecuteAsync($"DROP INDEX \"{name}\"", cancellationToken).ConfigureAwait(false);
        }
        else if (mode == ProcessingMode.Bulk)
        {
            // Only a tenant that already has records of this type can have some that the file no longer contains.
            _markMissing = await HasRowsAsync($"SELECT EXISTS (SELECT 1 FROM {table} WHERE tenant_id = {TenantId})", cancellationToken).ConfigureAwait(false);
        }
        if (mode == ProcessingMode.Bulk && !_markMissing) FreshTables.Add(table);
        if (_markMissing)
        {
            await ExecuteAsync("CREATE TEMP TABLE IF NOT EXISTS seen_ids (sourced_id TEXT PRIMARY KEY)", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync("DELETE FROM temp.seen_ids", cancellationToken).ConfigureAwait(false);
            _seen = Command("INSERT OR IGNORE INTO temp.seen_ids (sourced_id) VALUES ($id)");
            _seenId = AddParameter(_seen, "$id", null);
            _seen.Prepare();
        }
    }

    protected override async ValueTask WriteRecordAsync(CsvRecord record, CancellationToken cancellationToken)
    {
        if (_seen is not null)
        {
            _seenId!.Value = record.SourcedId;
            await _seen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (record.IsDeletion)
        {
            _deleteId!.Value = record.SourcedId;
            await _delete!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        _values[0].Value = TenantId;
        var columns = record.File.Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            object? value = columns[i].Kind switch
            {
                ColumnKind.Status => "active",
                ColumnKind.DateLastModified => ImportedAt,
                _ => record.Values[i],
            };
            _values[i + 1].Value = value ?? DBNull.Value;
        }
        _values[^1].Value = (object?)record.MetadataJson ?? DBNull.Value;
        await _upsert!.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask EndFileCoreAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        if (_deferredIndexes is not null)
        {
            foreach (var (_, sql) in _deferredIndexes) await ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
            _deferredIndexes = null;
        }
        if (_markMissing)
        {
            await using var mark = Command(
                $"UPDATE {file.StorageName} SET status = 'tobedeleted', date_last_modified = $now " +
                "WHERE tenant_id = $tenant AND status = 'active' AND sourced_id NOT IN (SELECT sourced_id FROM temp.seen_ids)");
            AddParameter(mark, "$now", ImportedAt);
            AddParameter(mark, "$tenant", TenantId);
            await mark.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync("DELETE FROM temp.seen_ids", cancellationToken).ConfigureAwait(false);
        }
        foreach (var command in new[] { _upsert, _delete, _seen })
            if (command is not null) await command.DisposeAsync().ConfigureAwait(false);
        _upsert = _delete = _seen = null;
    }

    public override async ValueTask AbandonFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        // The package will be rolled back: no index rebuild, no bulk deletion marks.
        _deferredIndexes = null;
        _markMissing = false;
        foreach (var command in new[] { _upsert, _delete, _seen })
            if (command is not null) await command.DisposeAsync().ConfigureAwait(false);
        _upsert = _delete = _seen = null;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override DbCommand CreateFindCommand(CsvFileDefinition file, IReadOnlyCollection<string> sourcedIds)
    {
        // json_each keeps it one statement for any number of ids.
        var command = Command($"SELECT sourced_id FROM {file.StorageName} WHERE tenant_id = $tenant AND status = 'active' AND sourced_id IN (SELECT value FROM json_each($ids))");
        AddParameter(command, "$tenant", TenantId);
        AddParameter(command, "$ids", System.Text.Json.JsonSerializer.Serialize(sourcedIds));
        return command;
    }
}
