using System.Data.Common;
using System.Globalization;
using Koumu.Interop.Schemas.Csv;
using Npgsql;
using NpgsqlTypes;

namespace Koumu.Interop.Storage.Changes;

/// <summary>
/// The writing half of the transactional outbox (docs/decisions/0006-change-feed.md). Every write to roster, gradebook
/// and resources storage goes through <see cref="RosterStore.ImportAsync(int, Schemas.Packages.IPackageSource, Schemas.Validation.ProcessingOptions, CancellationToken)"/>,
/// and every row an import changes carries exactly that import's time as dateLastModified (decision 0001). So one
/// set-based <c>INSERT … SELECT</c> per table, run inside the import's transaction just before it commits, records a
/// change for every row the import changed — whatever the write path (CSV bulk or delta, REST writes as one-file delta
/// packages, users touched through their roles). A rolled-back import records nothing.
/// </summary>
internal static class ChangeLog
{
    /// <summary>
    /// The import's time, taken after the per-tenant import lock: strictly later than the tenant's previous import (kept in
    /// <c>tenants.last_imported_at</c>), so two imports in the same millisecond or after a clock step back can never share
    /// a timestamp — which would make the next step record the earlier import's rows again, and would make
    /// <c>dateLastModified&gt;…</c> sync miss changes.
    /// On PostgreSQL the value is read on a separate connection: the tenant's advisory lock (7301) already keeps every
    /// other import of the tenant out until this one commits, and a read of <c>tenants</c> inside the import's transaction
    /// would hold a table lock until commit that an initial load (which drops and re-adds the foreign keys to
    /// <c>tenants</c> under the hub-wide lock 7302) needs — a deadlock, seen in testing.
    /// </summary>
    public static async Task<DateTime> NextImportTimeAsync(DbConnection connection, DbTransaction transaction, int tenantId, CancellationToken cancellationToken)
    {
        object? last;
        if (connection is NpgsqlConnection npgsql)
        {
            await using var separate = (NpgsqlConnection)((ICloneable)npgsql).Clone();
            await separate.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var read = separate.CreateCommand();
            read.CommandText = "SELECT last_imported_at FROM tenants WHERE id = @tenant";
            Add(read, "tenant", tenantId);
            last = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // SQLite: the transaction began IMMEDIATE, so this connection is the only writer until it commits.
            await using var read = connection.CreateCommand();
            read.Transaction = transaction;
            read.CommandText = "SELECT last_imported_at FROM tenants WHERE id = @tenant";
            Add(read, "tenant", tenantId);
            last = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }
        var now = DateTime.UtcNow;
        // Millisecond precision: the instant survives export (…T…sss Z), PostgreSQL (µs) and SQLite alike.
        var importedAt = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        if (last is not null and not DBNull)
        {
            var previous = last is DateTime d ? d : DateTime.Parse((string)last, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            previous = DateTime.SpecifyKind(previous, DateTimeKind.Utc);
            if (importedAt <= previous) importedAt = previous.AddMilliseconds(1);
        }
        return importedAt;
    }

    /// <summary>
    /// Records a change for every row of every roster table stamped with <paramref name="importedAt"/>, numbering versions
    /// from the tenant's counter (files in dependency order, so an org's change precedes the classes that reference it),
    /// then moves the counter and the tenant's last import time. Returns the number of changes recorded.
    /// </summary>
    public static async Task<long> RecordAsync(DbConnection connection, DbTransaction transaction, int tenantId, DateTime importedAt,
        CancellationToken cancellationToken)
    {
        var version = await LockedChangeVersionAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
        var first = version;
        foreach (var file in CsvBinding.AllFiles)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandTimeout = 0; // a prefecture's first load records millions of changes
            // ROW_NUMBER() OVER () numbers rows in scan order: within one import the order of a file's rows carries no meaning
            // (they share one changedAt), and an ORDER BY would sort millions of rows on a first load for nothing.
            insert.CommandText =
                "INSERT INTO changes (tenant_id, version, resource, sourced_id, operation, changed_at) " +
                $"SELECT @tenant, @base + ROW_NUMBER() OVER (), @resource, t.sourced_id, " +
                $"CASE WHEN t.status = 'tobedeleted' THEN '{ChangeOperation.Delete}' ELSE '{ChangeOperation.Upsert}' END, @now " +
                $"FROM {file.StorageName} t WHERE t.tenant_id = @tenant AND t.date_last_modified = @now";
            Add(insert, "tenant", tenantId);
            Add(insert, "base", version);
            Add(insert, "resource", file.Name);
            AddInstant(insert, "now", importedAt);
            version += await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE tenants SET change_version = @version, last_imported_at = @now WHERE id = @tenant";
            Add(update, "version", version);
            AddInstant(update, "now", importedAt);
            Add(update, "tenant", tenantId);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (version > first) await NotifyAsync(connection, transaction, tenantId, version, cancellationToken).ConfigureAwait(false);
        return version - first;
    }

    /// <summary>
    /// Records one change per given row (in the given order) for a writer outside the roster import — the xAPI LRS's
    /// Statement batches (resource <c>statements</c>, docs/decisions/0007-xapi-lrs.md). Same outbox, same per-tenant version
    /// counter as <see cref="RecordAsync"/>; only the counter moves (<c>last_imported_at</c> belongs to roster imports and
    /// their dateLastModified stamps). Must run inside the writer's transaction, so a rolled-back batch records nothing.
    /// </summary>
    public static async Task<long> RecordRowsAsync(DbConnection connection, DbTransaction transaction, int tenantId,
        IReadOnlyList<(string Resource, string SourcedId, string Operation)> rows, DateTime changedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) return 0;
        if (connection is NpgsqlConnection npgsql)
        {
            // One statement, one round trip: writers call this while they hold the tenant's write lock (xAPI batches,
            // attendance mornings), and the counter read, the rows, the counter update and the notification were four.
            // The UPDATE takes the same row lock the counter read FOR NO KEY UPDATE took (see LockedChangeVersionAsync:
            // a concurrent writer waits for our commit, then sees our counter) and returns the moved counter; versions
            // follow the rows' order (WITH ORDINALITY); pg_notify is delivered only if the transaction commits.
            await using var record = new NpgsqlCommand(
                "WITH counter AS (UPDATE tenants SET change_version = change_version + @count WHERE id = @tenant RETURNING change_version), " +
                "recorded AS (INSERT INTO changes (tenant_id, version, resource, sourced_id, operation, changed_at) " +
                "SELECT @tenant, counter.change_version - @count + c.ord, c.resource, c.sourced_id, c.operation, @now " +
                "FROM counter, unnest(@resources, @sourcedIds, @operations) WITH ORDINALITY AS c(resource, sourced_id, operation, ord)) " +
                "SELECT change_version, pg_notify('koumu_changes', @tenant::text || ':' || change_version::text) FROM counter",
                npgsql, (NpgsqlTransaction)transaction);
            record.Parameters.Add(new NpgsqlParameter<int>("tenant", tenantId));
            record.Parameters.Add(new NpgsqlParameter<long>("count", rows.Count));
            record.Parameters.Add(new NpgsqlParameter("now", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = DateTime.SpecifyKind(changedAt, DateTimeKind.Utc) });
            record.Parameters.Add(new NpgsqlParameter<string[]>("resources", [.. rows.Select(r => r.Resource)]));
            record.Parameters.Add(new NpgsqlParameter<string[]>("sourcedIds", [.. rows.Select(r => r.SourcedId)]));
            record.Parameters.Add(new NpgsqlParameter<string[]>("operations", [.. rows.Select(r => r.Operation)]));
            var moved = await record.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (moved is null or DBNull) throw new InvalidOperationException($"Tenant {tenantId} does not exist.");
            return rows.Count;
        }
        var version = await LockedChangeVersionAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText =
            "INSERT INTO changes (tenant_id, version, resource, sourced_id, operation, changed_at) " +
            "VALUES (@tenant, @version, @resource, @sourcedId, @operation, @now)";
        Add(insert, "tenant", tenantId);
        Add(insert, "version", 0L);
        Add(insert, "resource", "");
        Add(insert, "sourcedId", "");
        Add(insert, "operation", "");
        AddInstant(insert, "now", changedAt);
        foreach (var (resource, sourcedId, operation) in rows)
        {
            insert.Parameters["version"].Value = ++version;
            insert.Parameters["resource"].Value = resource;
            insert.Parameters["sourcedId"].Value = sourcedId;
            insert.Parameters["operation"].Value = operation;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = transaction;
            update.CommandText = "UPDATE tenants SET change_version = @version WHERE id = @tenant";
            Add(update, "version", version);
            Add(update, "tenant", tenantId);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return rows.Count; // SQLite: one process, no NOTIFY (the dispatchers poll)
    }

    /// <summary>
    /// The tenant's change counter, read for update. Two writers number changes from it under different locks (imports:
    /// advisory lock 7301; xAPI batches: 7401), so on PostgreSQL the row lock is what serialises them: the second waits
    /// until the first commits and then reads its counter, so versions increase in commit order and a feed reader that
    /// passed version n never misses a later-committed smaller one. <c>FOR NO KEY UPDATE</c>, not <c>FOR UPDATE</c>:
    /// both writers already hold <c>FOR KEY SHARE</c> on the tenant row (the foreign-key checks of the rows they wrote),
    /// and upgrading both to <c>FOR UPDATE</c> deadlocks (seen in testing); NO KEY UPDATE conflicts only with itself and
    /// stronger locks — the same lock the counter's UPDATE takes anyway. SQLite has a single writer (the transaction
    /// began IMMEDIATE) and no row locks.
    /// </summary>
    private static async Task<long> LockedChangeVersionAsync(DbConnection connection, DbTransaction transaction, int tenantId, CancellationToken cancellationToken)
    {
        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = connection is NpgsqlConnection
            ? "SELECT change_version FROM tenants WHERE id = @tenant FOR NO KEY UPDATE"
            : "SELECT change_version FROM tenants WHERE id = @tenant";
        Add(read, "tenant", tenantId);
        var value = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (value is null or DBNull) throw new InvalidOperationException($"Tenant {tenantId} does not exist.");
        return Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Wakes the hub processes' stream and webhook dispatchers at commit (PostgreSQL delivers it only if the transaction commits).</summary>
    private static async Task NotifyAsync(DbConnection connection, DbTransaction transaction, int tenantId, long version, CancellationToken cancellationToken)
    {
        if (connection is not NpgsqlConnection) return;
        await using var notify = connection.CreateCommand();
        notify.Transaction = transaction;
        notify.CommandText = "SELECT pg_notify('koumu_changes', @payload)";
        Add(notify, "payload", tenantId.ToString(CultureInfo.InvariantCulture) + ":" + version.ToString(CultureInfo.InvariantCulture));
        await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        // EF Core keeps Guids as upper-case text on SQLite; Microsoft.Data.Sqlite would bind a Guid as a blob and match nothing.
        parameter.Value = value is Guid guid && command is Microsoft.Data.Sqlite.SqliteCommand ? guid.ToString("D").ToUpperInvariant() : value;
        command.Parameters.Add(parameter);
    }

    internal static void AddInstant(DbCommand command, string name, DateTime value)
    {
        if (command is NpgsqlCommand npgsql) npgsql.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = value });
        else Add(command, name, value);
    }
}
