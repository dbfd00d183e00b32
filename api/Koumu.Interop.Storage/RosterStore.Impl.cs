using System.Data.Common;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage.Import;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Koumu.Interop.Storage;

public sealed partial class RosterStore
{
    public partial KoumuDbContext CreateDbContext() => StorageContexts.Create(Options);

    public partial async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (Options.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(Options.ConnectionString);
            var directory = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (directory is not null) Directory.CreateDirectory(directory);
        }
        await using var db = CreateDbContext();
        // No command timeout: a migration that rewrites a table (XapiLeanerIngest, XapiLinksLeaveOutColumns) takes minutes on
        // a prefecture's store — the 30-second default failed XapiLinksLeaveOutColumns on the 10,000,000-Statement bench
        // store (the migration's transaction rolled back, so nothing was lost, but the hub could not start).
        db.Database.SetCommandTimeout(0);
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        if (Options.Provider == DatabaseProvider.Sqlite)
        {
            // WAL lets readers (the REST API) run while an import writes.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }
    }

    public partial async Task<int> EnsureTenantAsync(string code, string name, CancellationToken cancellationToken)
    {
        await using var db = CreateDbContext();
        var existing = await db.Tenants.Where(t => t.Code == code).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (existing is int id) return id;
        var tenant = new Tenant { Code = code, Name = name, CreatedAt = DateTime.UtcNow };
        db.Tenants.Add(tenant);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return tenant.Id;
    }

    public partial async Task<int?> FindTenantAsync(string code, CancellationToken cancellationToken)
    {
        await using var db = CreateDbContext();
        return await db.Tenants.Where(t => t.Code == code).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    public partial Task<ImportOutcome> ImportAsync(int tenantId, IPackageSource source, ProcessingOptions options, CancellationToken cancellationToken) =>
        ImportAsync(tenantId, source, options, sinkDecorator: null, cancellationToken);

    /// <summary>
    /// The import transaction. <paramref name="sinkDecorator"/> lets tests force a failure mid-import.
    /// </summary>
    internal async Task<ImportOutcome> ImportAsync(int tenantId, IPackageSource source, ProcessingOptions options,
        Func<IRecordSink, IRecordSink>? sinkDecorator, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        RosterWriter writer;
        if (connection is NpgsqlConnection npgsql)
        {
            // One import at a time per tenant, across every hub process.
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7301, @tenant)", npgsql, (NpgsqlTransaction)transaction))
            {
                lockCommand.Parameters.AddWithValue("tenant", tenantId);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        // After the lock (SQLite transactions begin IMMEDIATE: one writer): strictly later than the tenant's last import.
        var importedAt = await Changes.ChangeLog.NextImportTimeAsync(connection, transaction, tenantId, cancellationToken).ConfigureAwait(false);
        if (connection is NpgsqlConnection npgsqlConnection)
        {
            writer = new PostgresRosterWriter(npgsqlConnection, (NpgsqlTransaction)transaction, tenantId, importedAt);
        }
        else
        {
            writer = new SqliteRosterWriter((SqliteConnection)connection, (SqliteTransaction)transaction, tenantId, importedAt);
        }

        try
        {
            IRecordSink sink = sinkDecorator is null ? writer : sinkDecorator(writer);
            var result = await PackageProcessor.ProcessAsync(source, options, sink, writer, cancellationToken).ConfigureAwait(false);
            if (!result.Accepted)
            {
                await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                return new ImportOutcome(result, Committed: false, importedAt);
            }
            await writer.SaveExtensionColumnsAsync(cancellationToken).ConfigureAwait(false);
            // The tenant's data version moves with the data, in the same transaction: a reader that sees the new
            // version also sees the new rows, so a cached X-Total-Count of the old data is never served again.
            await using (var bump = connection.CreateCommand())
            {
                bump.Transaction = transaction;
                bump.CommandText = "UPDATE tenants SET data_version = data_version + 1 WHERE id = @tenant";
                var parameter = bump.CreateParameter();
                parameter.ParameterName = "tenant";
                parameter.Value = tenantId;
                bump.Parameters.Add(parameter);
                await bump.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            // The outbox: one change per row this import changed, in this transaction (issue #4).
            await Changes.ChangeLog.RecordAsync(connection, transaction, tenantId, importedAt, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (connection is NpgsqlConnection analyzed && writer.LoadedFresh.Count > 0)
                await AnalyzeAsync(analyzed, writer.LoadedFresh).ConfigureAwait(false);
            return new ImportOutcome(result, Committed: true, importedAt);
        }
        catch
        {
            try { await writer.DisposeAsync().ConfigureAwait(false); }
            catch (NpgsqlException) { /* the copy failed too: the rollback below discards it */ }
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private string? npgsqlConnectionString;

    /// <summary>
    /// The hub's PostgreSQL connection settings, computed once (parsing a connection string per connection costs CPU on
    /// every request): bigger socket buffers mean fewer round trips for COPY and big result sets; and unless the
    /// operator chose otherwise, automatic preparation of the hub's hot statements (xAPI batches, OneRoster pages), which
    /// halves PostgreSQL's CPU per single-Statement POST in bench lrs. Set <c>Max Auto Prepare=0</c> behind a
    /// transaction-mode pooler that cannot hold prepared statements.
    /// </summary>
    internal static string TuneNpgsql(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { WriteBufferSize = 1 << 16, ReadBufferSize = 1 << 16 };
        // NpgsqlConnectionStringBuilder.ContainsKey answers true for every keyword it knows: look at what was written.
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!written.Keys.Cast<string>().Any(k => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "maxautoprepare", StringComparison.OrdinalIgnoreCase)))
            builder.MaxAutoPrepare = 64;
        return builder.ConnectionString;
    }

    /// <summary>
    /// Statistics for tables a first load just filled. Until autovacuum gets to them the planner believes they are as
    /// small as before, and joins of the fresh rows (enrolments → classes for attendance, roles → users for confinement)
    /// were seen running as nested loops over 300,000 rows for minutes (bench attendance). The import is committed by
    /// then: a failure here must not turn a successful import into a reported failure, so it is left to autovacuum.
    /// </summary>
    private static async Task AnalyzeAsync(NpgsqlConnection connection, IReadOnlyCollection<string> tables)
    {
        try
        {
            // Storage names come from the CSV binding, never from input.
            await using var analyze = new NpgsqlCommand("ANALYZE " + string.Join(", ", tables.Order(StringComparer.Ordinal)) + ", changes", connection);
            analyze.CommandTimeout = 600;
            await analyze.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
        }
    }

    /// <summary>
    /// An open connection for reads (the OneRoster pages): no EF context per request, PostgreSQL with the tuned
    /// settings above, SQLite without the import pragmas (nothing is written on it).
    /// </summary>
    public async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = Options.Provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(npgsqlConnectionString ??= TuneNpgsql(Options.ConnectionString))
            : new SqliteConnection(Options.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return connection;
    }

    internal async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        DbConnection connection = Options.Provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(npgsqlConnectionString ??= TuneNpgsql(Options.ConnectionString))
            : new SqliteConnection(Options.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (connection is SqliteConnection sqlite)
        {
            await using var pragma = sqlite.CreateCommand();
            // Foreign keys on (tenant_id → tenants); wait for a concurrent writer instead of failing at once.
            // A 128 MiB page cache keeps the hot part of the roster indexes in memory during an import (random UUID keys otherwise
            // thrash SQLite's default 2 MiB cache). Temp tables stay on disk so memory stays bounded.
            pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; " +
                "PRAGMA cache_size = -131072;";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        return connection;
    }
}

public sealed partial class RosterStore
{
    public partial async Task ExportAsync(int tenantId, ExportOptions options, Stream output, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        // One snapshot for the whole package, so files agree with each other while imports run.
        await using var transaction = await connection.BeginTransactionAsync(
            Options.Provider == DatabaseProvider.Postgres ? System.Data.IsolationLevel.RepeatableRead : System.Data.IsolationLevel.Serializable,
            cancellationToken).ConfigureAwait(false);
        await Export.RosterExport.WriteAsync(connection, transaction, tenantId, options, output, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
