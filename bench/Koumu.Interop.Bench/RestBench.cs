extern alias hub;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using hub::Koumu.Interop.Api.Auth;
using hub::Koumu.Interop.Api.Hosting;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenIddict.Abstractions;

namespace Koumu.Interop.Bench;

/// <summary>
/// Issue #3 acceptance: the OneRoster REST read side at prefecture scale (1,000,000 pupils on PostgreSQL). Loads the
/// demo prefecture once into a tenant of its own (reused by later runs), starts the hub's real pipeline
/// (<see cref="KoumuHubApplication"/>) on Kestrel at 127.0.0.1, gets a bearer token through the real OAuth client
/// credentials flow, and drives each case with N concurrent HttpClient workers for a fixed time after a warm-up.
/// Beside the hub's cases, the ceiling: the same pipeline (Kestrel, authentication, scope check) answering with a
/// pre-serialized page of the same bytes, i.e. everything but the query and the JSON work.
/// </summary>
internal static class RestBench
{
    private const string Rostering = "/ims/oneroster/rostering/v1p2";
    private const string CeilingPath = "/bench/ceiling";
    private const string ClientId = "bench-rest";

    public static async Task<int> RunAsync(Arguments arguments)
    {
        var pg = arguments.Required("pg");
        var pupils = arguments.Int("pupils", DemoOptions.Prefecture.Pupils);
        var options = DemoOptions.Prefecture with
        {
            Pupils = pupils,
            Seed = arguments.Int("seed", DemoOptions.Prefecture.Seed),
            Boards = Math.Max(1, pupils / 25_000),
        };
        var workers = arguments.Int("workers", 16);
        var warmup = TimeSpan.FromSeconds(arguments.Int("warmup", 5));
        var duration = TimeSpan.FromSeconds(arguments.Int("duration", 20));
        var deepRecord = arguments.Int("deep", options.Pupils * 9 / 10);
        var only = arguments.Optional("cases")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Console.WriteLine($"# Koumu Interop REST benchmark — {options.Pupils:N0} pupils, {options.Boards} board(s), PostgreSQL");
        Console.WriteLine($"machine: {BenchMachine.Describe()}; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");

        // (1) The tenant: loaded once, reused afterwards (an import is all-or-nothing, so any user means a complete load).
        var store = new RosterStore(new StorageOptions(DatabaseProvider.Postgres, pg));
        await store.MigrateAsync();
        var tenantCode = string.Create(CultureInfo.InvariantCulture, $"rest-{options.Pupils}-{options.Seed}");
        var tenantId = await store.EnsureTenantAsync(tenantCode, $"REST benchmark prefecture ({options.Pupils:N0} pupils)");
        if (await ScalarAsync<bool>(pg, "SELECT EXISTS (SELECT 1 FROM users WHERE tenant_id = @t)", tenantId))
            Console.WriteLine($"tenant {tenantCode}: already loaded, reused");
        else
            await LoadAsync(store, tenantId, tenantCode, options);
        var users = await ScalarAsync<long>(pg, "SELECT COUNT(*) FROM users WHERE tenant_id = @t", tenantId);
        Console.WriteLine($"tenant {tenantCode}: {users:N0} users");

        // (2) The hub, as Program composes it, on Kestrel at 127.0.0.1 (plain http: TLS is terminated in front of it).
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"koumu-rest-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dataDirectory);
        var ceiling = new CeilingPage();
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = dataDirectory, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Koumu:DataDirectory"] = dataDirectory,
                ["Koumu:Database:Provider"] = "postgres",
                ["Koumu:Database:ConnectionString"] = pg,
                ["Koumu:Demo:Enabled"] = "false",
                ["Koumu:Auth:RequireHttps"] = "false",
            });
            // A deployment's usual levels (the ASP.NET template's appsettings): no per-request log lines.
            builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            await using var app = KoumuHubApplication.Build(builder);
            app.MapGet(CeilingPath, ceiling.HandleAsync);
            await HubStartup.InitializeAsync(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Console.WriteLine($"hub: {address}, {workers} client workers, warm-up {warmup.TotalSeconds:N0} s, {duration.TotalSeconds:N0} s per case");

            // (3) A real token: client credentials at the token endpoint.
            string secret;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var registry = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
                secret = (await registry.RotateAsync(ClientId, tenantCode, "REST benchmark", [KoumuScopes.RosterReadonly, KoumuScopes.RosterCoreReadonly])).ClientSecret;
            }
            using var http = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = workers,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                AutomaticDecompression = DecompressionMethods.None,
            })
            { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
            using (var tokenResponse = await http.PostAsync(AuthSetup.TokenPath, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = ClientId,
                ["client_secret"] = secret,
                ["scope"] = $"{KoumuScopes.RosterReadonly} {KoumuScopes.RosterCoreReadonly}",
            })))
            {
                tokenResponse.EnsureSuccessStatusCode();
                var token = (await tokenResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            // (4) The cases' URLs.
            var first = $"{Rostering}/users?limit=100";
            var firstPage = await GetAsync(http, first);
            ceiling.Body = firstPage.Body;
            Console.WriteLine($"first page: {firstPage.Body.Length:N0} bytes, X-Total-Count {firstPage.TotalCount}");

            var (deep, deepOffset, walkSeconds) = await WalkToAsync(http, deepRecord);
            var offsetUrl = string.Create(CultureInfo.InvariantCulture, $"{Rostering}/users?limit=100&offset={deepOffset}");
            var deepPage = await GetAsync(http, deep);
            var offsetPage = await GetAsync(http, offsetUrl);
            var sameRecords = FirstSourcedId(deepPage.Body) == FirstSourcedId(offsetPage.Body);
            Console.WriteLine($"deep page: record {deepOffset:N0} reached by following next links in {walkSeconds:N1} s; " +
                              $"cursor page and offset page start at the same record: {sameRecords}");
            if (!sameRecords) throw new InvalidOperationException("The cursor walk and the offset disagree: the deep page is not at the record it claims.");

            var (familyName, familyCount) = await MostCommonAsync(pg, tenantId,
                "SELECT family_name, COUNT(*) FROM users WHERE tenant_id = @t AND family_name IS NOT NULL GROUP BY family_name ORDER BY 2 DESC, 1 LIMIT 1");
            var filter = $"{Rostering}/users?limit=100&filter={Uri.EscapeDataString($"familyName='{familyName}'")}";
            var (classId, classStudents) = await MostCommonAsync(pg, tenantId,
                "SELECT class_sourced_id, COUNT(*) FROM enrollments WHERE tenant_id = @t AND role = 'student' AND status = 'active' " +
                "GROUP BY class_sourced_id ORDER BY 2 DESC, 1 LIMIT 1");
            var students = $"{Rostering}/classes/{Uri.EscapeDataString(classId)}/students";
            Console.WriteLine($"filter: familyName='{familyName}' ({familyCount:N0} users); class {classId} ({classStudents:N0} students)");

            var cases = new List<(string Name, string Description, string Url)>
            {
                ("first", "first page `/users?limit=100`", first),
                ("deep", $"page at record {deepOffset:N0} via the `next` link (keyset cursor)", deep),
                ("filter", $"`/users?limit=100&filter=familyName='{familyName}'` ({familyCount:N0} matches)", filter),
                ("students", $"`/classes/{{id}}/students` ({classStudents:N0} students)", students),
                ("ceiling", "ceiling: pre-serialized first page, same auth", CeilingPath),
                ("offset", $"contrast: `/users?limit=100&offset={deepOffset:N0}` (offset, not cursor)", offsetUrl),
            };

            // (5) Each case: warm-up, then a fixed time of N closed-loop workers.
            var results = new List<(string Description, CaseResult Result)>();
            foreach (var (name, description, url) in cases)
            {
                if (only is not null && !only.Contains(name, StringComparer.Ordinal)) continue;
                await DriveAsync(http, url, workers, warmup, pg);
                var result = await DriveAsync(http, url, workers, duration, pg);
                results.Add((description, result));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50:N2} ms, p99 {result.P99:N2} ms, max {result.Max:N1} ms, {result.Bytes:N0} bytes, errors {result.Errors}, " +
                    $"CPU per request: bench process (hub + client) {result.ProcessCpuMs:N2} ms, PostgreSQL backends {result.PostgresCpuMs:N2} ms; machine load {result.Load}"));
            }

            Console.WriteLine();
            Console.WriteLine($"| case ({options.Pupils:N0} pupils, {users:N0} users, {workers} workers) | requests/s | p50 ms | p99 ms | response bytes | CPU ms/request: hub+client / PostgreSQL | errors |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var (description, r) in results)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {description} | {r.RequestsPerSecond:N0} | {r.P50:N1} | {r.P99:N1} | {r.Bytes:N0} | {r.ProcessCpuMs:N2} / {r.PostgresCpuMs:N2} | {r.Errors} |"));
            await app.StopAsync();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(dataDirectory, recursive: true);
        }
        return 0;
    }

    private static async Task LoadAsync(RosterStore store, int tenantId, string tenantCode, DemoOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"koumu-rest-bench-package-{Environment.ProcessId}");
        try
        {
            var clock = Stopwatch.StartNew();
            var counts = DemoGenerator.Write(options, folder);
            Console.WriteLine($"generate: {counts.TotalRows:N0} rows in {clock.Elapsed.TotalSeconds:N1} s");
            clock.Restart();
            using var source = PackageSource.Open(folder);
            var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions { Profile = OneRosterProfiles.JapanV121 });
            if (!outcome.Committed)
                throw new InvalidOperationException($"The demo package was rejected ({outcome.Result.ErrorCount} errors; first: {outcome.Result.Problems.FirstOrDefault()}).");
            Console.WriteLine($"import into tenant {tenantCode}: {clock.Elapsed.TotalSeconds:N1} s");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Follows <c>next</c> links from the first page to the page that starts at record <paramref name="record"/>, with
    /// the largest page size (fewer requests), and returns that page's URL at limit=100: a cursor fixes where a page
    /// starts, not its size (RosterQuery.Shape), so the deep page is exactly what a client paging through would request.
    /// </summary>
    private static async Task<(string Url, long Offset, double Seconds)> WalkToAsync(HttpClient http, int record)
    {
        const int step = 10_000;
        if (record % step != 0) throw new ArgumentException($"--deep must be a multiple of {step}.", nameof(record));
        var clock = Stopwatch.StartNew();
        var url = string.Create(CultureInfo.InvariantCulture, $"{Rostering}/users?limit={step}");
        for (var offset = 0L; offset < record; offset += step)
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await response.Content.CopyToAsync(Stream.Null);
            url = NextLink(response) ?? throw new InvalidOperationException($"No next link after record {offset + step:N0}.");
        }
        var uri = new Uri(url);
        var query = uri.Query.TrimStart('?').Split('&').Select(p => p.StartsWith("limit=", StringComparison.Ordinal) ? "limit=100" : p);
        return (uri.AbsolutePath + "?" + string.Join('&', query), record, clock.Elapsed.TotalSeconds);
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        foreach (var link in values.SelectMany(v => v.Split(", <")))
            if (link.EndsWith("rel=\"next\"", StringComparison.Ordinal))
                return link.TrimStart('<')[..link.TrimStart('<').IndexOf('>', StringComparison.Ordinal)];
        return null;
    }

    private static async Task<(byte[] Body, string? TotalCount)> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        return (body, response.Headers.TryGetValues("X-Total-Count", out var total) ? total.First() : null);
    }

    private static string? FirstSourcedId(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var users = document.RootElement.GetProperty("users");
        return users.GetArrayLength() == 0 ? null : users[0].GetProperty("sourcedId").GetString();
    }

    /// <summary>N workers, each sending the next request when its previous response has been read in full.</summary>
    private static async Task<CaseResult> DriveAsync(HttpClient http, string url, int workers, TimeSpan duration, string pg)
    {
        using var process = Process.GetCurrentProcess();
        var processCpu = process.TotalProcessorTime;
        var postgresCpu = PostgresCpu(pg);
        var samples = new List<long>[workers];
        var errors = 0;
        string? firstError = null;
        long bytes = 0;
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var buffer = new byte[workers][];
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var mine = samples[w] = new List<long>(1 << 16);
            var chunk = buffer[w] = new byte[1 << 16];
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var sent = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
                await using var stream = await response.Content.ReadAsStreamAsync();
                long read = 0;
                int n;
                while ((n = await stream.ReadAsync(chunk)) > 0) read += n;
                mine.Add(Stopwatch.GetTimestamp() - sent);
                if (response.StatusCode != HttpStatusCode.OK && Interlocked.Increment(ref errors) == 1)
                    firstError = $"{(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(chunk, 0, (int)Math.Min(read, 300))}";
                Interlocked.Exchange(ref bytes, read);
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(start);
        // Errors are counted in the table; the first one is shown so that a failing case cannot pass unnoticed.
        if (firstError is not null) Console.WriteLine($"  first error of {errors:N0} on {url}: {firstError}");
        process.Refresh();
        var processCpuMs = (process.TotalProcessorTime - processCpu).TotalMilliseconds;
        var postgresCpuMs = (PostgresCpu(pg) - postgresCpu).TotalMilliseconds;
        var all = samples.SelectMany(s => s).ToArray();
        Array.Sort(all);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => all.Length == 0 ? double.NaN : Ms(all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)]);
        return new CaseResult(all.Length / elapsed.TotalSeconds, Percentile(0.50), Percentile(0.99), all.Length == 0 ? double.NaN : Ms(all[^1]), bytes, errors,
            processCpuMs / Math.Max(1, all.Length), postgresCpuMs / Math.Max(1, all.Length),
            File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?");
    }

    /// <summary>
    /// CPU time (user + system) of the PostgreSQL backends serving this benchmark's role and database (Linux /proc;
    /// other databases' backends — e.g. test runs on the same server — are not counted).
    /// </summary>
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
                // Fields 14 and 15 of /proc/<pid>/stat (utime, stime) are the 12th and 13th after "(comm) ".
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException) { } // the backend ended meanwhile
            catch (UnauthorizedAccessException) { }
        }
        // USER_HZ is 100 on Linux.
        return TimeSpan.FromMilliseconds(ticks * 10.0);
    }

    private static async Task<T> ScalarAsync<T>(string pg, string sql, int tenantId)
    {
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("t", tenantId);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(string Value, long Count)> MostCommonAsync(string pg, int tenantId, string sql)
    {
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("t", tenantId);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) throw new InvalidOperationException("The tenant has no data for: " + sql);
        return (reader.GetString(0), reader.GetInt64(1));
    }

    private sealed record CaseResult(double RequestsPerSecond, double P50, double P99, double Max, long Bytes, int Errors,
        double ProcessCpuMs, double PostgresCpuMs, string Load);

    /// <summary>
    /// The ceiling endpoint, mapped only in this benchmark host: the same authentication and scope check as the OneRoster
    /// handlers, then a page of the same bytes from memory — no database, no JSON.
    /// </summary>
    private sealed class CeilingPage
    {
        public byte[] Body { get; set; } = [];

        public async Task HandleAsync(HttpContext context)
        {
            var user = context.User;
            if (user.Identity?.IsAuthenticated != true || !user.HasScope(KoumuScopes.RosterCoreReadonly))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json; charset=utf-8";
            context.Response.Headers["X-Total-Count"] = "0";
            await context.Response.Body.WriteAsync(Body, context.RequestAborted);
        }
    }
}
