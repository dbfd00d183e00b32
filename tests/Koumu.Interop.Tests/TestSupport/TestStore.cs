using System.Data.Common;
using System.Globalization;
using System.Text;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Npgsql;

namespace Koumu.Interop.Tests.TestSupport;

/// <summary>
/// A migrated store for one test, on SQLite (a temp file per test) or PostgreSQL (one database per test run; every test
/// gets its own tenant, which also exercises tenant isolation). PostgreSQL comes from KOUMU_TEST_POSTGRES, or the local
/// default server; when it is unreachable the test is skipped — except under CI (CI=true), where it fails.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    private static readonly SemaphoreSlim PostgresGate = new(1, 1);
    private static string? _postgresConnection;
    private readonly string? _sqliteFile;

    private TestStore(RosterStore store, int tenantId, string tenantCode, string? sqliteFile)
    {
        Store = store;
        TenantId = tenantId;
        TenantCode = tenantCode;
        _sqliteFile = sqliteFile;
    }

    public RosterStore Store { get; }

    public int TenantId { get; }

    public string TenantCode { get; }

    public DatabaseProvider Provider => Store.Options.Provider;

    public static async Task<TestStore> CreateAsync(string provider)
    {
        var tenantCode = "t" + Guid.NewGuid().ToString("N")[..12];
        if (provider == "sqlite")
        {
            var file = Path.Combine(Path.GetTempPath(), $"koumu-test-{Guid.NewGuid():N}.db");
            var sqlite = new RosterStore(new StorageOptions(DatabaseProvider.Sqlite, $"Data Source={file};Pooling=False"));
            await sqlite.MigrateAsync();
            return new TestStore(sqlite, await sqlite.EnsureTenantAsync(tenantCode, "Test board"), tenantCode, file);
        }
        var connection = await PostgresDatabaseAsync();
        var store = new RosterStore(new StorageOptions(DatabaseProvider.Postgres, connection));
        return new TestStore(store, await store.EnsureTenantAsync(tenantCode, "Test board"), tenantCode, null);
    }

    /// <summary>A store on a PostgreSQL database of its own (for tests that need empty tables).</summary>
    public static async Task<TestStore> CreateIsolatedPostgresAsync()
    {
        await PostgresDatabaseAsync(); // skips or fails exactly like the shared database when PostgreSQL is missing
        await using var admin = new NpgsqlConnection(PostgresServerConnection);
        await admin.OpenAsync();
        var name = $"koumu_test_iso_{Environment.ProcessId}_{Guid.NewGuid():N}";
        await using (var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin)) await create.ExecuteNonQueryAsync();
        // Every isolated database gets its own Npgsql pool, kept for the rest of the run: idle connections are closed after
        // a few seconds so that hundreds of finished fixtures do not hold PostgreSQL's max_connections (53300).
        var store = new RosterStore(new StorageOptions(DatabaseProvider.Postgres, new NpgsqlConnectionStringBuilder(PostgresServerConnection)
        {
            Database = name, ConnectionIdleLifetime = 5, ConnectionPruningInterval = 1, MaxPoolSize = 20,
        }.ConnectionString));
        await store.MigrateAsync();
        var code = "t" + Guid.NewGuid().ToString("N")[..12];
        return new TestStore(store, await store.EnsureTenantAsync(code, "Test board"), code, null);
    }

    /// <summary>Another tenant in the same database (tenant isolation tests).</summary>
    public async Task<int> CreateOtherTenantAsync(string code) => await Store.EnsureTenantAsync(code, "Other board");

    /// <summary>
    /// Drops the databases of earlier test runs whose process is gone (the test host is killed at the end of a run, so a
    /// run cannot drop its own): a developer machine running the suite again and again must not collect thousands of
    /// ≈ 10 MB databases. Only on a local server, where the process id in a database's name is one of this machine's.
    /// </summary>
    private static async Task DropAbandonedDatabasesAsync(NpgsqlConnection admin)
    {
        if (admin.Host is not ("127.0.0.1" or "localhost" or "::1")) return;
        var abandoned = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'koumu\\_test\\_%'", admin))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var name = reader.GetString(0);
                // koumu_test_{yyyyMMddHHmmss}_{pid} and koumu_test_iso_{pid}_{guid}
                var parts = name.Split('_');
                var pidText = parts.Length >= 4 && parts[2] == "iso" ? parts[3] : parts.Length == 4 ? parts[3] : null;
                if (!int.TryParse(pidText, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
                if (!ProcessAlive(pid)) abandoned.Add(name);
            }
        }
        foreach (var name in abandoned)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static bool ProcessAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static string PostgresServerConnection =>
        Environment.GetEnvironmentVariable("KOUMU_TEST_POSTGRES") ?? "Host=127.0.0.1;Username=postgres;Password=postgres";

    private static async Task<string> PostgresDatabaseAsync()
    {
        await PostgresGate.WaitAsync();
        try
        {
            if (_postgresConnection is not null) return _postgresConnection;
            var server = PostgresServerConnection;
            try
            {
                await using var admin = new NpgsqlConnection(server + ";Timeout=5");
                await admin.OpenAsync();
                await DropAbandonedDatabasesAsync(admin);
                var name = $"koumu_test_{DateTime.UtcNow:yyyyMMddHHmmss}_{Environment.ProcessId}";
                await using (var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin)) await create.ExecuteNonQueryAsync();
                var connection = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
                await new RosterStore(new StorageOptions(DatabaseProvider.Postgres, connection)).MigrateAsync();
                _postgresConnection = connection;
                return connection;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
            {
                if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                    throw new InvalidOperationException($"PostgreSQL is required in CI but unreachable ({server}): {e.Message}", e);
                Skip.If(true, $"PostgreSQL unreachable ({e.Message}); set KOUMU_TEST_POSTGRES or run bash .ci/run");
                throw;
            }
        }
        finally
        {
            PostgresGate.Release();
        }
    }

    public Task<ImportOutcome> ImportAsync(PackageBuilder package, ProfileDefinition? profile = null, bool zip = false)
    {
        var path = zip ? package.WriteZip() : package.WriteFolder();
        return ImportAsync(path, profile);
    }

    public async Task<ImportOutcome> ImportAsync(string path, ProfileDefinition? profile = null)
    {
        using var source = PackageSource.Open(path);
        return await Store.ImportAsync(TenantId, source, new ProcessingOptions { Profile = profile ?? OneRosterProfiles.Base });
    }

    public async Task<long> CountAsync(string table, string? where = null, int? tenantId = null)
    {
        await using var connection = await Store.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE tenant_id = {tenantId ?? TenantId}" + (where is null ? "" : " AND " + where);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>One stored row as column → text (null for NULL), or null when absent.</summary>
    public async Task<Dictionary<string, string?>?> RowAsync(string table, string sourcedId)
    {
        await using var connection = await Store.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table} WHERE tenant_id = {TenantId} AND sourced_id = @id";
        var p = command.CreateParameter();
        p.ParameterName = "id";
        p.Value = sourcedId;
        command.Parameters.Add(p);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        var row = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++) row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Text(reader, i);
        return row;
    }

    /// <summary>Writes rows of one type (REST-only types included) through the import writer: <see cref="GradebookSamples.WriteAsync"/>.</summary>
    public Task WriteAsync(CsvFileDefinition file, params object?[][] rows) => GradebookSamples.WriteAsync(Store, TenantId, file, rows);

    /// <summary>A canonical text dump of every roster table of the tenant, for "the store is unchanged" assertions.</summary>
    public async Task<string> SnapshotAsync()
    {
        var sb = new StringBuilder();
        await using var connection = await Store.OpenConnectionAsync(CancellationToken.None);
        foreach (var file in CsvBinding.AllFiles)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {file.StorageName} WHERE tenant_id = {TenantId} ORDER BY sourced_id";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                sb.Append(file.Name).Append(':');
                for (var i = 0; i < reader.FieldCount; i++) sb.Append(reader.GetName(i)).Append('=').Append(reader.IsDBNull(i) ? "∅" : Text(reader, i)).Append('|');
                sb.Append('\n');
            }
        }
        return sb.ToString();
    }

    private static string Text(DbDataReader reader, int i) => reader.GetValue(i) switch
    {
        DateTime d => d.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };

    public ValueTask DisposeAsync()
    {
        if (_sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var f in new[] { _sqliteFile, _sqliteFile + "-wal", _sqliteFile + "-shm" })
                try { File.Delete(f); } catch (IOException) { }
        }
        return ValueTask.CompletedTask;
    }
}
