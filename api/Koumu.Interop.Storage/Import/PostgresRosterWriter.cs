using System.Data.Common;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;
using Npgsql;
using NpgsqlTypes;

namespace Koumu.Interop.Storage.Import;

/// <summary>
/// PostgreSQL writer: binary COPY, never row-by-row INSERTs (pitfalls.md: EF SaveChanges runs at a few thousand rows/s).
/// First load of a type into a tenant COPYs straight into the table; later loads COPY into a temporary staging table
/// and merge set-based (INSERT … ON CONFLICT … WHERE IS DISTINCT FROM, UPDATE … FROM).
/// </summary>
internal sealed class PostgresRosterWriter(NpgsqlConnection connection, NpgsqlTransaction transaction, int tenantId, DateTime importedAt)
    : RosterWriter(connection, transaction, tenantId, importedAt)
{
    private NpgsqlBinaryImporter? _copy;
    private CsvFileDefinition? _file;
    private bool _staged;

    public override async ValueTask DisposeAsync()
    {
        // Disposing an importer that was not completed cancels the COPY: nothing of it is kept.
        if (_copy is not null) await _copy.DisposeAsync().ConfigureAwait(false);
        _copy = null;
    }

    private new NpgsqlConnection Connection => (NpgsqlConnection)base.Connection;

    public override async ValueTask BeginFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        _file = file;
        var table = file.StorageName;
        _staged = true;
        if (mode == ProcessingMode.Bulk)
        {
            await using var exists = Command($"SELECT EXISTS (SELECT 1 FROM {table} WHERE tenant_id = @tenant)");
            AddParameter(exists, "tenant", TenantId);
            _staged = (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        var target = table;
        if (_staged)
        {
            target = "staging_" + table;
            await using var create = Command($"CREATE TEMP TABLE {target} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP");
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        _copy = await Connection.BeginBinaryImportAsync(
            $"COPY {target} ({ColumnList(file)}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask WriteRecordAsync(CsvRecord record, CancellationToken cancellationToken)
    {
        var copy = _copy!;
        await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
        await copy.WriteAsync(TenantId, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
        var columns = record.File.Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            object? value = column.Kind switch
            {
                ColumnKind.Status => record.Status ?? "active",
                ColumnKind.DateLastModified => ImportedAt,
                _ => record.Values[i],
            };
            if (value is null)
            {
                await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }
            switch (column.StorageType)
            {
                case StorageType.Date: await copy.WriteAsync((DateOnly)value, NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false); break;
                case StorageType.Instant: await copy.WriteAsync((DateTime)value, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false); break;
                case StorageType.Boolean: await copy.WriteAsync((bool)value, NpgsqlDbType.Boolean, cancellationToken).ConfigureAwait(false); break;
                case StorageType.Float: await copy.WriteAsync((double)value, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false); break;
                default: await copy.WriteAsync((string)value, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false); break;
            }
        }
        if (record.MetadataJson is null) await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
        else await copy.WriteAsync(record.MetadataJson, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask EndFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await _copy.DisposeAsync().ConfigureAwait(false);
            _copy = null;
        }
        if (!_staged) return;

        var table = file.StorageName;
        var staging = "staging_" + table;
        var columns = ColumnList(file);
        var compared = ComparedColumns(file).ToList();
        await ExecuteAsync($"ANALYZE {staging}", cancellationToken).ConfigureAwait(false);

        // Upsert active rows; a row whose values are unchanged is left alone (keeps its dateLastModified).
        var set = string.Join(", ", compared.Append("date_last_modified").Select(c => $"{c} = EXCLUDED.{c}"));
        var changed = $"({string.Join(", ", compared.Select(c => "t." + c))}) IS DISTINCT FROM ({string.Join(", ", compared.Select(c => "EXCLUDED." + c))})";
        await ExecuteAsync(
            $"INSERT INTO {table} AS t ({columns}) SELECT {columns} FROM {staging} WHERE status = 'active' " +
            $"ON CONFLICT (tenant_id, sourced_id) DO UPDATE SET {set} WHERE {changed}", cancellationToken).ConfigureAwait(false);

        // Delta deletions: status=tobedeleted marks the stored record deleted (a deletion of an unknown record is a no-op).
        await ExecuteAsync(
            $"UPDATE {table} AS t SET status = 'tobedeleted', date_last_modified = @now FROM {staging} AS s " +
            $"WHERE t.tenant_id = @tenant AND t.sourced_id = s.sourced_id AND s.status = 'tobedeleted' AND t.status <> 'tobedeleted'",
            cancellationToken).ConfigureAwait(false);

        // Bulk: stored active records that are no longer in the file become tobedeleted.
        if (mode == ProcessingMode.Bulk)
        {
            await ExecuteAsync(
                $"UPDATE {table} AS t SET status = 'tobedeleted', date_last_modified = @now " +
                $"WHERE t.tenant_id = @tenant AND t.status = 'active' AND NOT EXISTS (SELECT 1 FROM {staging} AS s WHERE s.sourced_id = t.sourced_id)",
                cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync($"DROP TABLE {staging}", cancellationToken).ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        if (sql.Contains("@tenant", StringComparison.Ordinal)) AddParameter(command, "tenant", TenantId);
        if (sql.Contains("@now", StringComparison.Ordinal))
            ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = ImportedAt });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override DbCommand CreateFindCommand(CsvFileDefinition file, IReadOnlyCollection<string> sourcedIds)
    {
        var command = Command($"SELECT sourced_id FROM {file.StorageName} WHERE tenant_id = @tenant AND status = 'active' AND sourced_id = ANY(@ids)");
        AddParameter(command, "tenant", TenantId);
        ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = sourcedIds.ToArray() });
        return command;
    }
}
