extern alias hub;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using hub::Koumu.Interop.Api.Auth;
using hub::Koumu.Interop.Api.Hosting;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Koumu.Interop.Bench;

/// <summary>
/// Issue #4 benchmark: write-to-webhook-received latency at a steady rate of changes (goal at 500 changes/s: p50 under
/// 200 ms, p99 under 1 s) and the maximum sustained delivery rate, on PostgreSQL. The hub runs as its own process(es)
/// (the build's <c>Koumu.Interop.Api.dll</c>, default webhook settings except that a 127.0.0.1 receiver is allowed);
/// this process writes (delta imports of new users through <see cref="RosterStore"/>, the path every write takes) and
/// receives on 127.0.0.1. Latency runs from the moment the writing import's commit returns to the moment the receiver
/// has read the delivery (one clock, one machine).
/// </summary>
internal static class WebhookBench
{
    private const string Tenant = "bench-webhooks";

    public static async Task<int> RunAsync(Arguments arguments)
    {
        var pg = arguments.Required("pg");
        var rate = arguments.Int("rate", 500);
        var duration = TimeSpan.FromSeconds(arguments.Int("duration", 20));
        var burst = arguments.Int("burst", 20_000);
        var processes = arguments.Int("processes", 1);
        const int ticksPerSecond = 10;
        if (rate < ticksPerSecond || rate % ticksPerSecond != 0) throw new ArgumentException("--rate is a multiple of 10 changes/s");

        Console.WriteLine($"# Koumu Interop webhook delivery benchmark — PostgreSQL, {processes} hub process(es)");
        Console.WriteLine($"machine: {BenchMachine.Describe()}");

        // (1) A fresh database with a small roster (the users' school must exist).
        var database = $"koumu_bench_webhooks_{Environment.ProcessId}";
        await using (var admin = new NpgsqlConnection(pg))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var connection = new NpgsqlConnectionStringBuilder(pg) { Database = database }.ConnectionString;
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"koumu-webhook-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dataDirectory);
        using var receiver = new Receiver();
        var hubs = new List<Process>();
        try
        {
            var store = new RosterStore(new StorageOptions(DatabaseProvider.Postgres, connection));
            await store.MigrateAsync();
            var tenantId = await store.EnsureTenantAsync(Tenant, "Webhook benchmark board");
            var roster = Path.Combine(dataDirectory, "roster");
            DemoGenerator.Write(DemoOptions.Demo, roster);
            using (var source = PackageSource.Open(roster))
            {
                var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions());
                if (!outcome.Committed) throw new InvalidOperationException("The benchmark roster was rejected: " + string.Join("; ", outcome.Result.Problems.Take(3)));
            }
            Directory.Delete(roster, recursive: true);
            string school;
            await using (var pgConnection = new NpgsqlConnection(connection))
            {
                await pgConnection.OpenAsync();
                await using var query = new NpgsqlCommand("SELECT sourced_id FROM orgs WHERE tenant_id = @t AND type = 'school' ORDER BY sourced_id LIMIT 1", pgConnection);
                query.Parameters.AddWithValue("t", tenantId);
                school = (string)(await query.ExecuteScalarAsync())!;
            }

            // (2) A subscription through the admin API of an in-process hub (the real validation), for a client of the tenant.
            await SubscribeAsync(connection, dataDirectory, receiver.Url);

            // (3) The hub process(es), as deployed.
            for (var i = 0; i < processes; i++) hubs.Add(await StartHubAsync(dataDirectory, connection));
            Console.WriteLine($"hub: {processes} process(es), webhook settings at their defaults (Koumu:Webhooks:*), receiver {receiver.Url}");

            // (4) Latency at a steady rate: an import of rate/10 new users every 100 ms.
            var perTick = rate / ticksPerSecond;
            var committed = new Dictionary<long, DateTime>();
            var next = 0;
            var ticks = (int)(duration.TotalSeconds * ticksPerSecond);
            var clock = Stopwatch.StartNew();
            for (var tick = 0; tick < ticks; tick++)
            {
                var due = TimeSpan.FromMilliseconds(tick * 1000.0 / ticksPerSecond);
                if (clock.Elapsed < due) await Task.Delay(due - clock.Elapsed);
                var before = await VersionAsync(connection, tenantId);
                await ImportUsersAsync(store, tenantId, school, next, perTick);
                var at = DateTime.UtcNow;
                next += perTick;
                for (var v = before + 1; v <= before + perTick; v++) committed[v] = at;
            }
            var writing = clock.Elapsed;
            var offered = committed.Count / writing.TotalSeconds;
            await receiver.WaitForAsync(committed.Keys, TimeSpan.FromSeconds(120));
            var latencies = committed.Select(c => (receiver.FirstArrival(c.Key) - c.Value).TotalMilliseconds).Order().ToList();
            double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"steady: offered {offered:N0} changes/s for {writing.TotalSeconds:N1} s ({latencies.Count:N0} changes): " +
                $"write-to-received p50 {P(0.50):N0} ms, p90 {P(0.90):N0} ms, p99 {P(0.99):N0} ms, max {latencies[^1]:N0} ms " +
                $"→ goal p50 < 200 ms and p99 < 1 s {(P(0.50) < 200 && P(0.99) < 1000 ? "MET" : "NOT MET")}"));

            // (5) Maximum sustained delivery rate: one import of --burst new users, drained by the hub(s).
            var burstBefore = await VersionAsync(connection, tenantId);
            var importClock = Stopwatch.StartNew();
            await ImportUsersAsync(store, tenantId, school, next, burst);
            var burstCommitted = DateTime.UtcNow;
            var importSeconds = importClock.Elapsed.TotalSeconds;
            var versions = Enumerable.Range(1, burst).Select(i => burstBefore + i).ToList();
            await receiver.WaitForAsync(versions, TimeSpan.FromSeconds(900));
            var last = versions.Max(receiver.FirstArrival);
            var drain = (last - burstCommitted).TotalSeconds;
            var duplicates = receiver.Count - receiver.Distinct;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"burst: {burst:N0} changes committed in one import ({importSeconds:N1} s), all delivered {drain:N1} s after the commit = {burst / drain:N0} deliveries/s; " +
                $"{duplicates:N0} duplicate deliveries in the whole run"));
            Console.WriteLine();
            Console.WriteLine("| date | hub processes | offered changes/s | p50 ms | p90 ms | p99 ms | max ms | burst | sustained deliveries/s |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {DateTime.UtcNow:yyyy-MM-dd} | {processes} | {offered:N0} | {P(0.50):N0} | {P(0.90):N0} | {P(0.99):N0} | {latencies[^1]:N0} | {burst:N0} | {burst / drain:N0} |"));
        }
        finally
        {
            foreach (var process in hubs.Where(h => !h.HasExited)) { process.Kill(); await process.WaitForExitAsync(); }
            foreach (var process in hubs) process.Dispose();
            NpgsqlConnection.ClearAllPools();
            if (!arguments.Flag("keep"))
            {
                await using var admin = new NpgsqlConnection(pg);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
            }
            Directory.Delete(dataDirectory, recursive: true);
        }
        return 0;
    }

    /// <summary>
    /// Creates a changes client and, through <c>POST /koumu/admin/v1/webhooks</c> with an admin token, its subscription to
    /// users changes; the in-process hub also creates the data directory's signing key the hub processes then share.
    /// </summary>
    private static async Task SubscribeAsync(string connection, string dataDirectory, string url)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dataDirectory, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(Settings(dataDirectory, connection).ToDictionary(s => s.Key, s => (string?)s.Value));
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var app = KoumuHubApplication.Build(builder);
        await HubStartup.InitializeAsync(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        string adminSecret;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
            await registry.RotateAsync("bench-receiver", Tenant, "Webhook benchmark receiver", [KoumuScopes.ChangesReadonly]);
            adminSecret = (await registry.RotateAsync("bench-admin", Tenant, "Webhook benchmark admin", [KoumuScopes.Admin])).ClientSecret;
        }
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        using (var token = await http.PostAsync(AuthSetup.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = "bench-admin", ["client_secret"] = adminSecret, ["scope"] = KoumuScopes.Admin,
        })))
        {
            token.EnsureSuccessStatusCode();
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
                (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
        }
        using var created = await http.PostAsJsonAsync("/koumu/admin/v1/webhooks", new { clientId = "bench-receiver", url, resources = new[] { "users" } });
        if (created.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException("Subscription refused: " + await created.Content.ReadAsStringAsync());
        await app.StopAsync();
    }

    private static Dictionary<string, string> Settings(string dataDirectory, string connection) => new()
    {
        ["Koumu:DataDirectory"] = dataDirectory,
        ["Koumu:Database:Provider"] = "postgres",
        ["Koumu:Database:ConnectionString"] = connection,
        ["Koumu:Demo:Enabled"] = "false",
        ["Koumu:Auth:RequireHttps"] = "false",
        // The receiver is on 127.0.0.1, which the SSRF guard refuses by default.
        ["Koumu:Webhooks:AllowPrivateTargets"] = "true",
    };

    /// <summary>Starts the hub's own build (copied next to this program) as a process, and waits until it serves.</summary>
    private static async Task<Process> StartHubAsync(string dataDirectory, string connection)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
        }
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = dataDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Koumu.Interop.Api.dll"));
        start.ArgumentList.Add($"--urls=http://127.0.0.1:{port}");
        foreach (var (key, value) in Settings(dataDirectory, connection)) start.ArgumentList.Add($"--{key}={value}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300 && !process.HasExited; i++)
        {
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

    private static async Task<long> VersionAsync(string connection, int tenantId)
    {
        await using var pg = new NpgsqlConnection(connection);
        await pg.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT change_version FROM tenants WHERE id = @t", pg);
        command.Parameters.AddWithValue("t", tenantId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A delta import of <paramref name="count"/> new users of <paramref name="school"/>: that many changes in one commit.</summary>
    private static async Task ImportUsersAsync(RosterStore store, int tenantId, string school, int from, int count)
    {
        var users = CsvBinding.Find("users")!;
        var folder = Path.Combine(Path.GetTempPath(), $"koumu-webhook-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var csv = new StringBuilder().AppendJoin(',', users.Columns.Select(c => c.Name)).Append('\n');
            for (var i = from; i < from + count; i++)
            {
                var row = users.Columns.Select(c => c.Name switch
                {
                    "sourcedId" => string.Create(CultureInfo.InvariantCulture, $"bench-{i:D8}"),
                    "status" => "active",
                    "dateLastModified" => "2026-05-01T00:00:00.000Z",
                    "enabledUser" => "true",
                    "username" => string.Create(CultureInfo.InvariantCulture, $"bench{i}"),
                    "givenName" => "名",
                    "familyName" => "姓",
                    "grades" => "P1",
                    "primaryOrgSourcedId" => school,
                    _ => "",
                });
                csv.AppendJoin(',', row).Append('\n');
            }
            await File.WriteAllTextAsync(Path.Combine(folder, "users.csv"), csv.ToString());
            await File.WriteAllTextAsync(Path.Combine(folder, "manifest.csv"), Manifest());
            using var source = PackageSource.Open(folder);
            var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions());
            if (!outcome.Committed) throw new InvalidOperationException("Import rejected: " + string.Join("; ", outcome.Result.Problems.Take(3)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A OneRoster 1.2 manifest with users as a delta file and every other file absent.</summary>
    private static string Manifest()
    {
        var lines = new StringBuilder("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n");
        foreach (var file in CsvBinding.Files)
            lines.Append(file.ManifestKey).Append(',').Append(file.Name == "users" ? "delta" : "absent").Append('\n');
        return lines.ToString();
    }

    /// <summary>A webhook receiver on 127.0.0.1 that records when each change version first arrived.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentDictionary<long, DateTime> _first = new();
        private int _count;

        public Receiver()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
            }
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public int Port { get; }

        public string Url => $"http://127.0.0.1:{Port}/hook";

        public int Count => Volatile.Read(ref _count);

        public int Distinct => _first.Count;

        public DateTime FirstArrival(long version) => _first[version];

        private async Task LoopAsync()
        {
            while (true)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                _ = Task.Run(async () =>
                {
                    try
                    {
                        using var body = new MemoryStream();
                        await context.Request.InputStream.CopyToAsync(body);
                        var at = DateTime.UtcNow;
                        var version = JsonDocument.Parse(body.ToArray()).RootElement.GetProperty("data").GetProperty("version").GetInt64();
                        _first.TryAdd(version, at);
                        Interlocked.Increment(ref _count);
                        context.Response.StatusCode = 204;
                        context.Response.Close();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException or JsonException) { }
                });
            }
        }

        public async Task WaitForAsync(IReadOnlyCollection<long> versions, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (!versions.All(_first.ContainsKey))
            {
                if (clock.Elapsed > timeout)
                    throw new TimeoutException($"{versions.Count(v => !_first.ContainsKey(v)):N0} of {versions.Count:N0} changes not delivered within {timeout.TotalSeconds:N0} s");
                await Task.Delay(20);
            }
        }

        public void Dispose() => _listener.Close();
    }
}
