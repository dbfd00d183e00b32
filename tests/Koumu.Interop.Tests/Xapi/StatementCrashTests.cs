using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.Changes;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>
/// Issue #5 "Done when" (C §3.2, a batch is all or nothing): a real hub process (Kestrel on 127.0.0.1, PostgreSQL) is
/// killed with SIGKILL while a batch of 5,000 Statements is inside its transaction (its Statements and links written, its
/// change records not yet); after a restart none of that batch
/// exists, and the same batch can then be stored whole. Reuses the child-process harness of the change-feed crash tests.
/// </summary>
public sealed class StatementCrashTests(ITestOutputHelper output)
{
    private const int Batch = 5_000;

    [SkippableFact]
    public async Task Postgres_hub_killed_mid_batch_stores_nothing_of_that_batch()
    {
        await using var isolated = await TestStore.CreateIsolatedPostgresAsync();
        var connection = isolated.Store.Options.ConnectionString;
        var folder = Path.Combine(Path.GetTempPath(), "koumu-lrs-crash-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var tenant = XapiHub.NewTenant();
        AuthenticationHeaderValue authorization;
        // Set up the tenant and a Basic credential with the in-process hub on the same folder and database.
        using (var setup = new CrashXapiHub(folder, connection))
        {
            using var lrs = await setup.LrsClientAsync(tenant);
            authorization = lrs.DefaultRequestHeaders.Authorization!;
        }
        var storage = new StorageOptions(DatabaseProvider.Postgres, connection);
        var port = CrashTests.FreePort();
        // The batch is ~1.5 MB; the default 8 MiB limit holds it.
        Process? hub = await CrashTests.StartHubAsync(folder, storage, port);
        try
        {
            var ids = Enumerable.Range(0, Batch).Select(_ => Guid.NewGuid().ToString()).ToList();
            var body = new JsonArray([.. ids.Select((id, i) => (JsonNode)JsonNode.Parse(
                $"{{\"id\":\"{id}\",\"actor\":{{\"mbox\":\"mailto:learner{i % 300}@example.org\"}},\"verb\":{{\"id\":\"http://adlnet.gov/expapi/verbs/answered\"}}," +
                $"\"object\":{{\"id\":\"http://example.org/q/{i}\"}},\"context\":{{\"contextActivities\":{{\"parent\":[{{\"id\":\"http://example.org/course\"}}]}}}}}}")!)]).ToJsonString();
            using var http = Client(port, authorization);
            http.Timeout = TimeSpan.FromMinutes(5);
            var tenantId = (await isolated.Store.FindTenantAsync(tenant))!.Value;
            await using var probe = new NpgsqlConnection(connection);
            await probe.OpenAsync();
            // Hold the batch inside its transaction, after its Statements and links are written: the tenant row is locked
            // FOR NO KEY UPDATE here, which the rows' foreign-key checks (FOR KEY SHARE) pass but the change records' update
            // of tenants.change_version waits for. (Watching for the COPY instead raced: the batch can be done in less time
            // than the poll takes to see it.)
            await using var holder = new NpgsqlConnection(connection);
            await holder.OpenAsync();
            await using var hold = await holder.BeginTransactionAsync();
            await using (var lockTenant = new NpgsqlCommand("SELECT 1 FROM tenants WHERE id = @t FOR NO KEY UPDATE", holder, hold))
            {
                lockTenant.Parameters.AddWithValue("t", tenantId);
                await lockTenant.ExecuteScalarAsync();
            }
            var post = http.PostAsync("/xapi/statements", new StringContent(body, Encoding.UTF8, "application/json"));

            // Kill once the batch's transaction holds the tenant lock (advisory 7401) and waits to record its changes.
            var watch = Stopwatch.StartNew();
            while (!await WaitingToRecordChangesAsync(probe, tenantId))
            {
                Assert.False(post.IsCompleted, "the batch finished before it was seen inside its transaction");
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), "the batch never reached its change records");
                await Task.Delay(10);
            }
            Assert.False(post.IsCompleted, "the batch committed before the kill");
            hub.Kill();
            await hub.WaitForExitAsync();
            hub.Dispose();
            hub = null;
            await hold.RollbackAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => post);
            output.WriteLine($"killed {watch.ElapsedMilliseconds} ms after the POST, inside the batch's transaction");

            // PostgreSQL rolls the dead connection's transaction back; the restarted hub sees none of the batch.
            hub = await CrashTests.StartHubAsync(folder, storage, port);
            using var after = Client(port, authorization);
            using var all = await after.GetAsync("/xapi/statements?limit=0");
            Assert.Equal(HttpStatusCode.OK, all.StatusCode);
            Assert.Empty(JsonNode.Parse(await all.Content.ReadAsStringAsync())!["statements"]!.AsArray());
            foreach (var id in new[] { ids[0], ids[Batch / 2], ids[^1] })
            {
                using var one = await after.GetAsync($"/xapi/statements?statementId={id}");
                Assert.Equal(HttpStatusCode.NotFound, one.StatusCode);
            }
            Assert.Equal(0L, await ScalarAsync(probe, "SELECT COUNT(*) FROM xapi_statements WHERE tenant_id = @t", tenantId));
            Assert.Equal(0L, await ScalarAsync(probe, "SELECT COUNT(*) FROM xapi_statement_links WHERE tenant_id = @t", tenantId));
            Assert.Equal(0L, await ScalarAsync(probe, "SELECT COUNT(*) FROM changes WHERE tenant_id = @t AND resource = 'statements'", tenantId));

            // Nothing of it is half-taken: the same batch is stored whole after the restart.
            using var again = await after.PostAsync("/xapi/statements", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(Batch, await ScalarAsync(probe, "SELECT COUNT(*) FROM xapi_statements WHERE tenant_id = @t", tenantId));
        }
        finally
        {
            if (hub is { HasExited: false }) { hub.Kill(); await hub.WaitForExitAsync(); }
            hub?.Dispose();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    private static HttpClient Client(int port, AuthenticationHeaderValue authorization)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Authorization = authorization;
        http.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        return http;
    }

    private static async Task<bool> WaitingToRecordChangesAsync(NpgsqlConnection probe, int tenantId)
    {
        await using var command = new NpgsqlCommand(
            "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid " +
            "WHERE l.locktype = 'advisory' AND l.classid = 7401 AND l.objid = @t AND l.granted " +
            "AND a.wait_event_type = 'Lock' AND a.query LIKE '%UPDATE tenants SET change_version%'", probe);
        command.Parameters.AddWithValue("t", tenantId);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection probe, string sql, int tenantId)
    {
        await using var command = new NpgsqlCommand(sql, probe);
        command.Parameters.AddWithValue("t", tenantId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The in-process LRS hub on the crash test's folder and PostgreSQL database (setup only).</summary>
    private sealed class CrashXapiHub(string folder, string connection) : XapiHub
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Koumu:DataDirectory", folder);
            builder.UseSetting("Koumu:Database:Provider", "postgres");
            builder.UseSetting("Koumu:Database:ConnectionString", connection);
        }
    }
}
