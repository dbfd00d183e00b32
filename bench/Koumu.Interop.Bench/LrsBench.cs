extern alias hub;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using hub::Koumu.Interop.Api.Auth;
using hub::Koumu.Interop.Api.Hosting;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Xapi;
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
/// Issue #5 "done when": the xAPI LRS on PostgreSQL (docs/benchmarks.md, "xAPI LRS"). A tenant with a demo roster (its
/// pupils are the actors, so every Statement is linked), seeded by binary COPY (<see cref="LrsCopy"/>) to
/// <c>--statements</c> Statements; then the hub's real pipeline (<see cref="KoumuHubApplication"/>) on Kestrel at
/// 127.0.0.1 with an HTTP Basic credential, measured by real HTTP clients for <c>--seconds</c> per phase:
/// <list type="number">
/// <item>ingest: <c>--clients</c> closed-loop clients POSTing batches of 100 distinct Statements → Statements/s;</item>
/// <item>single: <c>--single-clients</c> clients POSTing one Statement at a time → p50/p99;</item>
/// <item>query: GET by agent and by activity (<c>--sample</c> distinct each, <c>--page</c> Statements a page) → p50/p99;</item>
/// <item>learning: the roster link's per-pupil activity (<c>/koumu/learning/v1/users/{id}/activity</c>) → p50/p99.</item>
/// </list>
/// </summary>
internal static class LrsBench
{
    public const string HomePage = "https://portal.koumu-bench.example.jp";
    private const string Credential = "LRS benchmark";
    private const string LearningClient = "bench-learning";

    public static async Task<int> RunAsync(Arguments arguments, string[] args)
    {
        var pg = arguments.Required("pg");
        var target = long.Parse(arguments.Optional("statements") ?? "10000000", NumberStyles.Integer, CultureInfo.InvariantCulture);
        var seconds = TimeSpan.FromSeconds(arguments.Int("seconds", 20));
        // Tiered JIT and cold caches: every measured phase runs this long first, unmeasured.
        var warmup = TimeSpan.FromSeconds(arguments.Int("warmup", 5));
        var clients = arguments.Int("clients", 4);
        var singleClients = arguments.Int("single-clients", 2);
        var queryClients = arguments.Int("query-clients", 2);
        var pupilCount = arguments.Int("pupils", 10_000);
        var page = arguments.Int("page", 50);
        var sample = arguments.Int("sample", 300);
        var phases = (arguments.Optional("phases") ?? "seed,ingest,single,query,learning").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Console.WriteLine($"# Koumu Interop xAPI LRS benchmark — PostgreSQL, {target:N0} statements, {pupilCount:N0} pupils");
        Console.WriteLine("command: bench " + string.Join(' ', args.Select(a => Redact(a) is var r && r.Contains(' ', StringComparison.Ordinal) ? $"\"{r}\"" : r)));
        Console.WriteLine($"machine: {BenchMachine.Describe()}; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");

        // (1) The tenant and its roster (loaded once, reused).
        var store = new RosterStore(new StorageOptions(DatabaseProvider.Postgres, pg));
        await store.MigrateAsync();
        var tenantCode = string.Create(CultureInfo.InvariantCulture, $"lrs-{pupilCount}");
        var tenantId = await store.EnsureTenantAsync(tenantCode, $"LRS benchmark board ({pupilCount:N0} pupils)");
        if (await ScalarAsync<long>(pg, "SELECT COUNT(*) FROM users WHERE tenant_id = @t", tenantId) == 0)
            await LoadRosterAsync(store, tenantId, pupilCount);
        var pupils = await PupilsAsync(pg, tenantId);
        Console.WriteLine($"tenant {tenantCode}: {pupils.Count:N0} pupils, Statements up to sequence {await ScalarAsync<long>(pg, "SELECT COALESCE(MAX(sequence), 0) FROM xapi_statements WHERE tenant_id = @t", tenantId):N0}");
        var generator = new LrsStatements(HomePage, pupils);
        // Not a fixed seed: Statement ids must be new on every run (a repeated id with other content is a 409).
        var random = new Random();

        var dataDirectory = Path.Combine(Path.GetTempPath(), $"koumu-lrs-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dataDirectory);
        var rows = new List<string>();
        try
        {
            // (2) The hub, as Program composes it, on Kestrel at 127.0.0.1.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dataDirectory, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Koumu:DataDirectory"] = dataDirectory,
                ["Koumu:Database:Provider"] = "postgres",
                ["Koumu:Database:ConnectionString"] = pg,
                ["Koumu:Demo:Enabled"] = "false",
                ["Koumu:Auth:RequireHttps"] = "false",
                ["Koumu:Xapi:AccountHomePage"] = HomePage,
            });
            builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            await using var app = KoumuHubApplication.Build(builder);
            await HubStartup.InitializeAsync(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var (info, secret) = await app.Services.GetRequiredService<XapiCredentialStore>().CreateAsync(tenantCode, Credential, read: true, write: true, CancellationToken.None);
            // The authority the LRS writes for this credential (XapiAuth, HTTP Basic): seeded Statements carry the same.
            var authority = new JsonObject
            {
                ["objectType"] = "Agent",
                ["name"] = Credential,
                ["account"] = new JsonObject { ["homePage"] = address.TrimEnd('/') + "/xapi", ["name"] = info.Key },
            };
            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Math.Max(clients, Math.Max(singleClients, queryClients)),
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                AutomaticDecompression = DecompressionMethods.None,
            })
            { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(120) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{info.Key}:{secret}")));
            http.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
            Console.WriteLine($"hub: {address}; warm-up {warmup.TotalSeconds:N0} s, then {seconds.TotalSeconds:N0} s per phase");

            // (3) Seed to the target by COPY, then VACUUM ANALYZE (visibility map and statistics, as autovacuum would leave them).
            if (phases.Contains("seed"))
            {
                var stored = await CountAsync(pg, tenantId);
                if (stored < target)
                {
                    var (count, elapsed) = await SeedAsync(pg, tenantId, generator, authority, target - stored);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed: {count:N0} statements by COPY in {elapsed.TotalSeconds:N0} s ({count / elapsed.TotalSeconds:N0} statements/s)"));
                    var clock = Stopwatch.StartNew();
                    await ExecuteAsync(pg, "VACUUM (ANALYZE) xapi_statements, xapi_statement_links");
                    Console.WriteLine($"vacuum analyze: {clock.Elapsed.TotalSeconds:N0} s");
                }
                Console.WriteLine($"stored: {await CountAsync(pg, tenantId):N0} statements, database {await ScalarAsync<string>(pg, "SELECT pg_size_pretty(pg_database_size(current_database()))", tenantId)}");
            }

            // (4) Sustained batch ingest.
            if (phases.Contains("ingest"))
            {
                var batches = new ConcurrentQueue<byte[]>();
                var prepared = (int)Math.Min(4000, (seconds + warmup).TotalSeconds * 80 + clients);
                for (var i = 0; i < prepared; i++) batches.Enqueue(Encoding.UTF8.GetBytes(generator.Batch(random, 100, DateTimeOffset.UtcNow)));
                async Task<long> PostBatch(int _, Random rng)
                {
                    var body = batches.TryDequeue(out var b) ? b : Encoding.UTF8.GetBytes(generator.Batch(rng, 100, DateTimeOffset.UtcNow));
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync("/xapi/statements", content);
                    await response.Content.CopyToAsync(Stream.Null);
                    return response.StatusCode == HttpStatusCode.OK ? 100 : -1;
                }
                await DriveAsync(clients, warmup, pg, PostBatch);
                // What the run stored is counted above the last sequence before it (a primary-key range), not as the
                // difference of two COUNT(*)s: at 10 M Statements a COUNT(*) reads gigabytes of heap, which pushed the
                // index pages the ingest needs out of the OS cache just before the measured window (stop 15).
                var lastSequence = await ScalarAsync<long>(pg, "SELECT COALESCE(MAX(sequence), 0) FROM xapi_statements WHERE tenant_id = @t", tenantId);
                var before = lastSequence;
                var result = await DriveAsync(clients, seconds, pg, PostBatch);
                var counted = await ScalarAsync<long>(pg, "SELECT COUNT(*) FROM xapi_statements WHERE tenant_id = @t AND sequence > " + lastSequence.ToString(CultureInfo.InvariantCulture), tenantId);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"ingest: {result.Units / result.Seconds:N0} statements/s ({result.Units:N0} stored by 200s, {counted:N0} counted in the table; {result.Requests / result.Seconds:N1} batches/s), batch p50 {result.P50:N1} ms, p99 {result.P99:N1} ms, errors {result.Errors}; {result.Cpu}"));
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| sustained ingest, batches of 100, {clients} clients, {seconds.TotalSeconds:N0} s (store at sequence {before:N0}) | **{result.Units / result.Seconds:N0} statements/s** | batch p50 {result.P50:N1} ms | batch p99 {result.P99:N1} ms | ≥ 5,000 statements/s | {result.Errors} |"));
                if (counted != result.Units) throw new InvalidOperationException($"The table grew by {counted:N0} but {result.Units:N0} were acknowledged.");
            }

            // (5) Single-Statement POST latency under light concurrency.
            if (phases.Contains("single"))
            {
                async Task<long> PostOne(int _, Random rng)
                {
                    using var content = new StringContent(generator.Next(rng, DateTimeOffset.UtcNow), Encoding.UTF8, "application/json");
                    using var response = await http.PostAsync("/xapi/statements", content);
                    await response.Content.CopyToAsync(Stream.Null);
                    return response.StatusCode == HttpStatusCode.OK ? 1 : -1;
                }
                await DriveAsync(singleClients, warmup, pg, PostOne);
                var result = await DriveAsync(singleClients, seconds, pg, PostOne);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"single POST: {result.Requests / result.Seconds:N0} req/s, p50 {result.P50:N2} ms, p99 {result.P99:N2} ms, max {result.Max:N1} ms, errors {result.Errors}; {result.Cpu}"));
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| single-Statement POST, {singleClients} clients | {result.Requests / result.Seconds:N0} req/s | {result.P50:N1} | **{result.P99:N1}** | p99 < 20 ms | {result.Errors} |"));
            }

            // (6) GET by agent and by activity at the stored volume.
            if (phases.Contains("query"))
            {
                var stored = await CountAsync(pg, tenantId);
                var agents = pupils.OrderBy(_ => random.Next()).Take(sample)
                    .Select(p => "/xapi/statements?limit=" + page.ToString(CultureInfo.InvariantCulture) + "&agent=" +
                                 Uri.EscapeDataString(new JsonObject { ["account"] = new JsonObject { ["homePage"] = HomePage, ["name"] = p } }.ToJsonString()))
                    .ToArray();
                var activities = Enumerable.Range(0, LrsStatements.Activities).OrderBy(_ => random.Next()).Take(sample)
                    .Select(a => "/xapi/statements?limit=" + page.ToString(CultureInfo.InvariantCulture) + "&activity=" + Uri.EscapeDataString(LrsStatements.ActivityId(a)))
                    .ToArray();
                foreach (var (name, urls) in new[] { ("agent", agents), ("activity", activities) })
                {
                    await Sanity(http, urls[0], page);
                    await DriveAsync(queryClients, warmup, pg, (i, _) => GetAsync(http, urls[i % urls.Length]));
                    var result = await DriveAsync(queryClients, seconds, pg, (i, _) => GetAsync(http, urls[i % urls.Length]));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"GET by {name}: {result.Requests / result.Seconds:N0} req/s, p50 {result.P50:N2} ms, p99 {result.P99:N2} ms, max {result.Max:N1} ms, {result.Units / Math.Max(1, result.Requests):N0} bytes/response, errors {result.Errors}; {result.Cpu}"));
                    rows.Add(string.Create(CultureInfo.InvariantCulture,
                        $"| GET by {name}, {urls.Length} distinct, limit={page}, {queryClients} clients ({stored:N0} stored) | {result.Requests / result.Seconds:N0} req/s | {result.P50:N1} | **{result.P99:N1}** | p99 < 50 ms | {result.Errors} |"));
                }
            }

            // (7) The roster link: one pupil's activity summary and newest page.
            if (phases.Contains("learning"))
            {
                string learningSecret;
                await using (var scope = app.Services.CreateAsyncScope())
                    learningSecret = (await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RotateAsync(LearningClient, tenantCode, "LRS benchmark", [KoumuScopes.LearningReadonly])).ClientSecret;
                using var bearer = new HttpClient { BaseAddress = new Uri(address) };
                using (var tokenResponse = await bearer.PostAsync(AuthSetup.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials", ["client_id"] = LearningClient, ["client_secret"] = learningSecret, ["scope"] = KoumuScopes.LearningReadonly,
                })))
                {
                    tokenResponse.EnsureSuccessStatusCode();
                    var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
                    bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                var stored = await CountAsync(pg, tenantId);
                var urls = pupils.OrderBy(_ => random.Next()).Take(sample)
                    .Select(p => $"/koumu/learning/v1/users/{Uri.EscapeDataString(p)}/activity?limit={page}").ToArray();
                await DriveAsync(queryClients, warmup, pg, (i, _) => GetAsync(bearer, urls[i % urls.Length]));
                var result = await DriveAsync(queryClients, seconds, pg, (i, _) => GetAsync(bearer, urls[i % urls.Length]));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"learning activity per pupil: {result.Requests / result.Seconds:N0} req/s, p50 {result.P50:N2} ms, p99 {result.P99:N2} ms, errors {result.Errors}; {result.Cpu}"));
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| roster link: `/koumu/learning/v1/users/{{id}}/activity?limit={page}`, {urls.Length} pupils, {queryClients} clients ({stored:N0} stored) | {result.Requests / result.Seconds:N0} req/s | {result.P50:N1} | {result.P99:N1} | — | {result.Errors} |"));
            }
            await app.StopAsync();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine("| case | throughput | p50 ms | p99 ms | goal | errors |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|");
        foreach (var row in rows) Console.WriteLine(row);
        return 0;
    }

    /// <summary>
    /// Seeds <paramref name="count"/> Statements with <c>stored</c> spread evenly over the 180 days before now (after the
    /// tenant's last Statement), prepared by the LRS's own <see cref="XapiStatements.Prepare"/> on one thread while
    /// <see cref="LrsCopy"/> copies on another.
    /// </summary>
    private static async Task<(long Count, TimeSpan Elapsed)> SeedAsync(string pg, int tenantId, LrsStatements generator, JsonObject authority, long count)
    {
        var last = await ScalarAsync<DateTime?>(pg, "SELECT MAX(stored) FROM xapi_statements WHERE tenant_id = @t", tenantId);
        var end = DateTime.UtcNow.AddMinutes(-1);
        var start = end.AddDays(-180);
        if (last is { } l && l.AddMilliseconds(1) > start) start = DateTime.SpecifyKind(l, DateTimeKind.Utc).AddMilliseconds(1);
        var step = Math.Max(0, (end - start).Ticks / Math.Max(1, count));
        var queue = new BlockingCollection<(PreparedStatement, DateTime)>(boundedCapacity: 20_000);
        var clock = Stopwatch.StartNew();
        var producer = Task.Run(() =>
        {
            try
            {
                var random = new Random(Random.Shared.Next());
                for (long i = 0; i < count; i++)
                {
                    var stored = new DateTime(start.Ticks + i * step, DateTimeKind.Utc);
                    stored = new DateTime(stored.Ticks - stored.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
                    using var document = JsonDocument.Parse(generator.Next(random, new DateTimeOffset(stored).AddSeconds(-random.Next(1, 120))), XapiStatements.DocumentOptions);
                    queue.Add((XapiStatements.Prepare(document.RootElement, XapiVersion.V103, new DateTimeOffset(stored), authority), stored));
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        });
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        var lastReport = Stopwatch.StartNew();
        var written = await LrsCopy.CopyAsync(connection, tenantId, queue.GetConsumingEnumerable(), chunk: 100_000, progress: total =>
        {
            if (lastReport.Elapsed < TimeSpan.FromSeconds(30) && total < count) return;
            lastReport.Restart();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  seeded {total:N0} / {count:N0} ({total / clock.Elapsed.TotalSeconds:N0}/s)"));
        });
        await producer;
        return (written, clock.Elapsed);
    }

    private static async Task LoadRosterAsync(RosterStore store, int tenantId, int pupils)
    {
        var options = DemoOptions.Demo with { Pupils = pupils, Boards = Math.Max(1, pupils / 25_000) };
        var folder = Path.Combine(Path.GetTempPath(), $"koumu-lrs-bench-package-{Environment.ProcessId}");
        try
        {
            var clock = Stopwatch.StartNew();
            DemoGenerator.Write(options, folder);
            using var source = PackageSource.Open(folder);
            var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions { Profile = OneRosterProfiles.JapanV121 });
            if (!outcome.Committed) throw new InvalidOperationException($"The demo roster was rejected: {outcome.Result.Problems.FirstOrDefault()}");
            Console.WriteLine($"roster: {pupils:N0} pupils generated and imported in {clock.Elapsed.TotalSeconds:N1} s");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<List<string>> PupilsAsync(string pg, int tenantId)
    {
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT DISTINCT user_sourced_id FROM roles WHERE tenant_id = @t AND role = 'student' AND status = 'active' ORDER BY 1", connection);
        command.Parameters.AddWithValue("t", tenantId);
        var pupils = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) pupils.Add(reader.GetString(0));
        if (pupils.Count == 0) throw new InvalidOperationException("The roster has no pupils.");
        return pupils;
    }

    private static async Task Sanity(HttpClient http, string url, int page)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {body}");
        var count = JsonNode.Parse(body)!["statements"]!.AsArray().Count;
        if (count == 0) throw new InvalidOperationException($"GET {url} found no Statements: the query phase would measure empty answers.");
        Console.WriteLine($"  {url[..Math.Min(url.Length, 100)]}…: {count} statements (page {page})");
    }

    private static async Task<long> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16384];
        long read = 0;
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) read += n;
        return response.StatusCode == HttpStatusCode.OK ? read : -1;
    }

    private sealed record Result(long Requests, long Units, double Seconds, double P50, double P99, double Max, int Errors, string Cpu);

    /// <summary>
    /// <paramref name="workers"/> closed-loop workers for <paramref name="duration"/>; each call returns its units (Statements
    /// stored, bytes read) or a negative number for an error. Latencies are per call, percentiles over all calls.
    /// </summary>
    private static async Task<Result> DriveAsync(int workers, TimeSpan duration, string pg, Func<int, Random, Task<long>> call)
    {
        using var process = Process.GetCurrentProcess();
        var processCpu = process.TotalProcessorTime;
        var postgresCpu = PostgresCpu(pg);
        var samples = new List<long>[workers];
        long units = 0;
        var errors = 0;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = samples[w] = new List<long>(1 << 14);
            var random = new Random(Random.Shared.Next());
            var i = w;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var sent = Stopwatch.GetTimestamp();
                var result = await call(i, random);
                mine.Add(Stopwatch.GetTimestamp() - sent);
                if (result < 0) Interlocked.Increment(ref errors); else Interlocked.Add(ref units, result);
                i += workers;
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        var all = samples.SelectMany(s => s).ToArray();
        Array.Sort(all);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => all.Length == 0 ? double.NaN : Ms(all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)]);
        var cpu = string.Create(CultureInfo.InvariantCulture,
            $"CPU per request: bench process (hub + clients) {(process.TotalProcessorTime - processCpu).TotalMilliseconds / Math.Max(1, all.Length):N2} ms, PostgreSQL {(PostgresCpu(pg) - postgresCpu).TotalMilliseconds / Math.Max(1, all.Length):N2} ms; load {(File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?")}");
        return new Result(all.Length, units, elapsed, Percentile(0.50), Percentile(0.99), all.Length == 0 ? double.NaN : Ms(all[^1]), errors, cpu);
    }

    /// <summary>CPU time of the PostgreSQL backends of this benchmark's role and database (Linux /proc), as in the REST benchmark.</summary>
    private static TimeSpan PostgresCpu(string pg)
    {
        var builder = new NpgsqlConnectionStringBuilder(pg);
        var marker = $" {builder.Username} {builder.Database} ";
        long ticks = 0;
        if (!Directory.Exists("/proc")) return TimeSpan.Zero;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _)) continue;
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (!commandLine.StartsWith("postgres: ", StringComparison.Ordinal) || !commandLine.Contains(marker, StringComparison.Ordinal)) continue;
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return TimeSpan.FromMilliseconds(ticks * 10.0);
    }

    private static Task<long> CountAsync(string pg, int tenantId) => ScalarAsync<long>(pg, "SELECT COUNT(*) FROM xapi_statements WHERE tenant_id = @t", tenantId);

    private static async Task<T> ScalarAsync<T>(string pg, string sql, int tenantId)
    {
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("t", tenantId);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)value;
    }

    private static async Task ExecuteAsync(string pg, string sql)
    {
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A connection string as printed: without its password.</summary>
    private static string Redact(string argument) =>
        argument.Contains("Password=", StringComparison.OrdinalIgnoreCase)
            ? string.Join(';', argument.Split(';').Select(p => p.TrimStart().StartsWith("Password=", StringComparison.OrdinalIgnoreCase) ? "Password=…" : p))
            : argument;
}
