using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.Api;
using Koumu.Interop.Tests.OneRoster;
using Koumu.Interop.Tests.TestSupport;
using Xunit.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Changes;

/// <summary>
/// Issue #4 "Done when": the hub process is killed (SIGKILL) in the middle of a burst of 10,000 changes while a receiver
/// on 127.0.0.1 records deliveries; after a restart every change has been delivered at least once. On PostgreSQL also
/// with two hub processes sharing the queue, one of them killed and never restarted.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Burst = 10_000;

    [Fact]
    public Task Sqlite_hub_killed_mid_burst_delivers_every_change_after_restart() => RunAsync(postgres: false, processes: 1);

    [SkippableFact]
    public Task Postgres_hub_killed_mid_burst_delivers_every_change_after_restart() => RunAsync(postgres: true, processes: 1);

    [SkippableFact]
    public Task Postgres_two_hubs_share_the_queue_and_the_survivor_delivers_what_the_killed_one_had_claimed() => RunAsync(postgres: true, processes: 2);

    private async Task RunAsync(bool postgres, int processes)
    {
        using var receiver = new WebhookReceiver();
        var folder = Path.Combine(Path.GetTempPath(), "koumu-crash-" + Guid.NewGuid().ToString("N"));
        string? connection = null;
        if (postgres)
        {
            await using var isolated = await TestStore.CreateIsolatedPostgresAsync();
            connection = isolated.Store.Options.ConnectionString;
        }
        // Set up with the in-process hub (roster, client, subscription), then hand the folder and database to real processes.
        StorageOptions storage;
        using (var setup = postgres ? new CrashSetupHub(folder, connection!) : new CrashSetupHub(folder, null))
        {
            setup.KeepFolder = true;
            await setup.ImportAsync(RosteringHub.Tenant, RosteringHub.Package());
            var client = await setup.ChangeClientAsync();
            await setup.SubscribeAsync(client, receiver.Url, resources: ["users"]);
            storage = setup.Services.GetRequiredService<RosterStore>().Options;
            try { Directory.Delete(setup.Folder, recursive: true); } catch (IOException) { }
        }
        var hubs = new List<Process>();
        try
        {
            for (var i = 0; i < processes; i++) hubs.Add(await StartHubAsync(folder, storage));
            var store = new RosterStore(storage);
            var tenantId = (await store.FindTenantAsync(RosteringHub.Tenant))!.Value;
            var before = await VersionAsync(store, tenantId);
            var import = Task.Run(() => ImportBurstAsync(store, tenantId));

            // Kill (SIGKILL) once deliveries are flowing: claimed, in-flight and unsent deliveries are all at stake.
            await receiver.WaitForAsync(l => l.Count >= 500, seconds: 120);
            hubs[0].Kill();
            await hubs[0].WaitForExitAsync();
            var atKill = Versions([.. receiver.Requests]).Count;
            // The kill really happened mid-burst: most changes were still to be delivered.
            Assert.True(atKill < Burst / 2, $"{atKill} of {Burst} already delivered at the kill");
            await import;
            if (processes == 1) hubs[0] = await StartHubAsync(folder, storage);

            var expected = Enumerable.Range(1, Burst).Select(v => before + v).ToHashSet();
            var received = await receiver.WaitForAsync(l => expected.IsSubsetOf(Versions(l)), seconds: 240);
            Assert.Empty(Versions(received).Except(expected));
            // At-least-once: duplicates are allowed (the killed process may have sent some it never recorded), losses are not.
            Assert.True(received.Count >= Burst);
            output.WriteLine($"{(postgres ? "PostgreSQL" : "SQLite")}, {processes} process(es): {atKill} changes delivered before the SIGKILL, " +
                $"{received.Count} deliveries for {Burst} changes after recovery ({received.Count - Burst} duplicates), none lost.");
        }
        finally
        {
            foreach (var hub in hubs.Where(h => !h.HasExited)) { hub.Kill(); await hub.WaitForExitAsync(); }
            foreach (var hub in hubs) hub.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    internal static HashSet<long> Versions(List<WebhookReceiver.Received> list) =>
        list.Select(r => r.Json.GetProperty("data").GetProperty("version").GetInt64()).ToHashSet();

    internal static async Task<long> VersionAsync(RosterStore store, int tenantId)
    {
        await using var db = store.CreateDbContext();
        return db.Tenants.Single(t => t.Id == tenantId).ChangeVersion;
    }

    /// <summary>10,000 new users in ten delta imports of 1,000: a burst of changes while the hubs deliver.</summary>
    private static async Task ImportBurstAsync(RosterStore store, int tenantId)
    {
        for (var batch = 0; batch < 10; batch++)
        {
            var rows = Enumerable.Range(batch * 1000, 1000)
                .Select(i => OutboxTests.Delta($"burst-{i:D5},,,true,burst{i},,名{i},姓,,,,,,,P1,,,,,,org-school,"));
            var folder = new PackageBuilder().File("users", "delta", UsersHeader, [.. rows]).WriteFolder();
            try
            {
                using var source = new FolderPackageSource(folder);
                var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions());
                Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems.Take(5)));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Starts the hub as its own process on the folder and database, and waits until it serves.</summary>
    internal static Task<Process> StartHubAsync(string folder, StorageOptions storage, params string[] settings) =>
        StartHubAsync(folder, storage, FreePort(), settings);

    /// <summary>A loopback port nobody listens on (for a hub process the test talks to).</summary>
    internal static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Starts the hub as its own process on 127.0.0.1:<paramref name="port"/>, and waits until it serves.</summary>
    internal static async Task<Process> StartHubAsync(string folder, StorageOptions storage, int port, params string[] settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(HubAssembly());
        foreach (var argument in new[]
        {
            $"--urls=http://127.0.0.1:{port}",
            $"--Koumu:DataDirectory={folder}",
            $"--Koumu:Database:Provider={(storage.Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite")}",
            $"--Koumu:Database:ConnectionString={storage.ConnectionString}",
            "--Koumu:Demo:Enabled=false",
            "--Koumu:Webhooks:AllowPrivateTargets=true",
            "--Koumu:Webhooks:LeaseSeconds=5",
            "--Koumu:Webhooks:PollMilliseconds=50",
            "--Koumu:Webhooks:RetryBaseMilliseconds=100",
            "--Koumu:Webhooks:MaxAttempts=20",
            "--Logging:LogLevel:Default=Warning",
        }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited) break;
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/openapi.yaml"));
                if (response.IsSuccessStatusCode) return process;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        if (!process.HasExited) process.Kill();
        lock (output) throw new InvalidOperationException("The hub process did not start:\n" + output);
    }

    /// <summary>The hub's own build output (api/Koumu.Interop.Api/bin/&lt;configuration&gt;/&lt;tfm&gt;/), next to this test build's.</summary>
    private static string HubAssembly()
    {
        var testDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testDirectory.Name;
        var configuration = testDirectory.Parent!.Name;
        var root = testDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Koumu.Interop.sln"))) root = root.Parent;
        var path = Path.Combine(root?.FullName ?? throw new InvalidOperationException("Repository root not found."),
            "api", "Koumu.Interop.Api", "bin", configuration, tfm, "Koumu.Interop.Api.dll");
        return File.Exists(path) ? path : throw new InvalidOperationException("Hub build not found: " + path);
    }
}

/// <summary>The in-process hub used to set up a crash test's folder and database.</summary>
internal sealed class CrashSetupHub(string folder, string? postgres) : ChangesHub
{
    private readonly string? _postgres = postgres;

    public string CrashFolder { get; } = folder;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Koumu:DataDirectory", CrashFolder);
        builder.UseSetting("Koumu:Database:ConnectionString", _postgres ?? $"Data Source={Path.Combine(CrashFolder, "hub.db")}");
        if (_postgres is not null) builder.UseSetting("Koumu:Database:Provider", "postgres");
    }
}
