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
    private bool _staged;
    private List<string>? _deferred;
    private HashSet<string>? _emptyTables;

    /// <summary>
    /// Decides, before this import touches any roster table, which tables it may load as initial loads (no rows at all,
    /// bulk in this package). Initial loads drop and rebuild keys and indexes under exclusive table locks, so they run
    /// alone: such an import holds the hub-wide import lock exclusively, every other import holds it shared. Under the
    /// lock the emptiness is checked again (a concurrent import may have committed rows meanwhile).
    /// </summary>
    public override async ValueTask BeginPackageAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        // AllFiles: a REST write reaches the writer as a one-file package of a REST-only type too.
        var bulk = CsvBinding.AllFiles.Where(f => manifest.ModeOf(f) == ProcessingMode.Bulk).Select(f => f.StorageName).ToList();
        // The first look goes through a separate connection: a read inside this transaction would hold its table
        // locks until commit, and an initial loader waiting for them while we wait for its lock is a deadlock.
        HashSet<string> empty;
        await using (var probe = (NpgsqlConnection)((ICloneable)Connection).Clone())
        {
            await probe.OpenAsync(cancellationToken).ConfigureAwait(false);
            empty = bulk.Count == 0 ? [] : await QueryEmptyAsync(probe, null, bulk).ConfigureAwait(false);
        }
        if (empty.Count == 0)
        {
            await ExecuteAsync("SELECT pg_advisory_xact_lock_shared(7302)", cancellationToken).ConfigureAwait(false);
            _emptyTables = [];
            return;
        }
        await ExecuteAsync("SELECT pg_advisory_xact_lock(7302)", cancellationToken).ConfigureAwait(false);
        _emptyTables = await QueryEmptyAsync(Connection, (NpgsqlTransaction)Transaction, bulk).ConfigureAwait(false);

        async Task<HashSet<string>> QueryEmptyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, List<string> tables)
        {
            await using var command = new NpgsqlCommand("SELECT " + string.Join(", ", tables.Select(t => $"NOT EXISTS (SELECT 1 FROM {t})")), connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var result = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < tables.Count; i++)
                if (reader.GetBoolean(i)) result.Add(tables[i]);
            return result;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // Disposing an importer that was not completed cancels the COPY: nothing of it is kept.
        if (_copy is not null) await _copy.DisposeAsync().ConfigureAwait(false);
        _copy = null;
    }

    private new NpgsqlConnection Connection => (NpgsqlConnection)base.Connection;

    public override async ValueTask BeginFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        var table = file.StorageName;
        _staged = true;
        _deferred = null;
        if (mode == ProcessingMode.Bulk)
        {
            await using var exists = Command($"SELECT EXISTS (SELECT 1 FROM {table} WHERE tenant_id = @tenant)");
            AddParameter(exists, "tenant", TenantId);
            _staged = (bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (!_staged) FreshTables.Add(table);
            // Initial load of an empty table (a new hub, a prefecture's first import): build keys and indexes once
            // after the copy instead of maintaining them row by row, as pg_restore does. The drops are part of the
            // import's transaction, so a rejected import restores them untouched.
            if (_emptyTables?.Contains(table) == true) _deferred = await DeferConstraintsAndIndexesAsync(table, cancellationToken).ConfigureAwait(false);
        }
        // A tenant's first load into a table other tenants already use goes through staging as well: the reference layer
        // finds duplicate sourcedIds only when the file ends, and the table's live primary key would fail the COPY first.
        if (!_staged && _deferred is null) _staged = true;
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

    /// <summary>Drops the table's indexes and constraints (remembering their definitions) for an initial bulk load.</summary>
    private async Task<List<string>> DeferConstraintsAndIndexesAsync(string table, CancellationToken cancellationToken)
    {
        var recreate = new List<string>();
        var drop = new List<string>();
        await using (var constraints = Command(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = @table::regclass AND contype IN ('p', 'f', 'u') ORDER BY contype DESC"))
        {
            AddParameter(constraints, "table", table);
            await using var reader = await constraints.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                drop.Add($"ALTER TABLE {table} DROP CONSTRAINT \"{name}\"");
                recreate.Add($"ALTER TABLE {table} ADD CONSTRAINT \"{name}\" {reader.GetString(1)}");
            }
        }
        await using (var indexes = Command(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename = @table " +
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)"))
        {
            AddParameter(indexes, "table", table);
            await using var reader = await indexes.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                drop.Add($"DROP INDEX \"{reader.GetString(0)}\"");
                recreate.Add(reader.GetString(1));
            }
        }
        // Constraints first (the primary key before the foreign keys that may rely on it), then plain indexes.
        recreate.Sort((a, b) => Rank(a).CompareTo(Rank(b)));
        foreach (var sql in drop) await ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
        return recreate;

        static int Rank(string sql) => sql.Contains("PRIMARY KEY", StringComparison.Ordinal) ? 0 : sql.Contains("FOREIGN KEY", StringComparison.Ordinal) ? 1 : 2;
    }

    protected override ValueTask WriteRecordAsync(CsvRecord record, CancellationToken cancellationToken)
    {
        // Synchronous writes into Npgsql's buffer: an async state machine per value costs more than the rare
        // blocking flush of a 64 KiB buffer (this runs ~50 times per row on a prefecture's package).
        var copy = _copy!;
        copy.StartRow();
        copy.Write(TenantId, NpgsqlDbType.Integer);
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
                copy.WriteNull();
                continue;
            }
            switch (column.StorageType)
            {
                case StorageType.Date: copy.Write((DateOnly)value, NpgsqlDbType.Date); break;
                case StorageType.Instant: copy.Write((DateTime)value, NpgsqlDbType.TimestampTz); break;
                case StorageType.Boolean: copy.Write((bool)value, NpgsqlDbType.Boolean); break;
                case StorageType.Float: copy.Write((double)value, NpgsqlDbType.Double); break;
                default: copy.Write((string)value, NpgsqlDbType.Text); break;
            }
        }
        if (record.MetadataJson is null) copy.WriteNull();
        else copy.Write(record.MetadataJson, NpgsqlDbType.Jsonb);
        return ValueTask.CompletedTask;
    }

    public override async ValueTask AbandonFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        // Complete, not cancel: a cancelled COPY would abort the transaction, and the package's remaining checks still
        // query the store through this connection. No key or index is rebuilt (the rows may break them); rollback restores all.
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await _copy.DisposeAsync().ConfigureAwait(false);
            _copy = null;
        }
        _deferred = null;
    }

    protected override async ValueTask EndFileCoreAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken)
    {
        if (_copy is not null)
        {
            await _copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            await _copy.DisposeAsync().ConfigureAwait(false);
            _copy = null;
        }
        if (_deferred is not null)
        {
            // Sort-based builds: far cheaper than a million random B-tree inserts.
            await ExecuteAsync("SET LOCAL maintenance_work_mem = '1GB'", cancellationToken).ConfigureAwait(false);
            foreach (var sql in _deferred) await ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
            _deferred = null;
        }
        if (!_staged) return;

        var table = file.StorageName;
        var staging = "staging_" + table;
        var columns = ColumnList(file);
        var compared = ComparedColumns(file).ToList();
        // An index and fresh statistics on the staging table: without them the planner may pick a nested-loop
        // anti-join for the bulk deletion below (seen taking minutes at 100k rows).
        await ExecuteAsync($"CREATE UNIQUE INDEX ON {staging} (sourced_id)", cancellationToken).ConfigureAwait(false);
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
