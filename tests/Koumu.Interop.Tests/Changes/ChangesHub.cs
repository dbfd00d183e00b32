using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.OneRoster;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Changes;

/// <summary>
/// The two-school hub of <see cref="RosteringHub"/> with fast webhook timings (retries in tens of milliseconds, three
/// attempts) and private targets allowed, so a receiver on 127.0.0.1 can be reached.
/// </summary>
public class ChangesHub : RosteringHub
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Koumu:Webhooks:AllowPrivateTargets", "true");
        builder.UseSetting("Koumu:Webhooks:RetryBaseMilliseconds", "50");
        builder.UseSetting("Koumu:Webhooks:RetryCapSeconds", "2");
        builder.UseSetting("Koumu:Webhooks:MaxAttempts", "3");
        builder.UseSetting("Koumu:Webhooks:PollMilliseconds", "50");
        builder.UseSetting("Koumu:Webhooks:TimeoutSeconds", "5");
        builder.UseSetting("Koumu:Changes:StreamPollMilliseconds", "50");
        builder.UseSetting("Koumu:Changes:HeartbeatSeconds", "1");
    }

    /// <summary>A delta import of one user with a new given name (a change of that user only).</summary>
    public async Task RenameAsync(string userRow, string givenName, string oldGivenName)
    {
        await ImportAsync(Tenant, new PackageBuilder().File("users", "delta", UsersHeader,
            OutboxTests.Delta(userRow.Replace(oldGivenName, givenName, StringComparison.Ordinal))));
    }

    public static readonly string UserS1 = UserRows[1];
    public const string UserS3 = "user-s3,,,true,pupil3,,三郎,田中,,,,,,,07,,,,,,org-school2,";

    /// <summary>The tenant's current change version.</summary>
    public async Task<long> VersionAsync()
    {
        var store = Services.GetRequiredService<RosterStore>();
        await using var db = store.CreateDbContext();
        return db.Tenants.Single(t => t.Code == Tenant).ChangeVersion;
    }

    /// <summary>A client of the tenant (optionally confined) holding the change scope; returns its id.</summary>
    public async Task<string> ChangeClientAsync(string[]? orgs = null) =>
        (await CreateClientAsync(Tenant, [KoumuScopes.ChangesReadonly], orgs)).Client.ClientId;

    /// <summary>Stores xAPI Statements in the hub's tenant through the LRS (a Basic credential made by the admin API).</summary>
    public async Task PostStatementsAsync(params string[] statements)
    {
        using var admin = await AdminAsync(Tenant);
        using var created = await admin.PostAsJsonAsync("/koumu/admin/v1/xapi-credentials", new { tenant = Tenant, displayName = "feed test", read = false, write = true });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var credential = await created.Content.ReadFromJsonAsync<JsonElement>();
        using var lrs = CreateHttpsClient();
        lrs.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(
            System.Text.Encoding.UTF8.GetBytes(credential.GetProperty("key").GetString() + ":" + credential.GetProperty("secret").GetString())));
        lrs.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        using var body = new StringContent("[" + string.Join(",", statements) + "]", System.Text.Encoding.UTF8, "application/json");
        using var response = await lrs.PostAsync("/xapi/statements", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Creates a subscription through the admin API; returns (id, secret).</summary>
    public async Task<(string Id, string Secret)> SubscribeAsync(string clientId, string url, string[]? resources = null, string[]? orgs = null)
    {
        using var admin = await AdminAsync(Tenant);
        using var response = await admin.PostAsJsonAsync("/koumu/admin/v1/webhooks", new { clientId, url, resources, orgs });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("subscription").GetProperty("id").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
    }
}

/// <summary>The same hub on PostgreSQL.</summary>
public sealed class PostgresChangesHub : ChangesHub
{
    protected override bool OnPostgres => true;
}

/// <summary>A webhook receiver on 127.0.0.1: records every request and answers with <see cref="Respond"/>'s status.</summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();

    public sealed record Received(DateTime At, Dictionary<string, string> Headers, byte[] Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;
    }

    public WebhookReceiver()
    {
        // A free port: bind port 0, read it, release it (HttpListener cannot listen on port 0 itself).
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

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The answer to the n-th request (0-based): status and an optional Retry-After value.</summary>
    public Func<int, (int Status, string? RetryAfter)> Respond { get; set; } = _ => (204, null);

    private int _count;

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            // Concurrent, like a real receiver: the hub sends several deliveries at once.
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k.ToLowerInvariant(), k => context.Request.Headers[k]!);
            var (status, retryAfter) = Respond(Interlocked.Increment(ref _count) - 1);
            Requests.Enqueue(new Received(DateTime.UtcNow, headers, body.ToArray()));
            context.Response.StatusCode = status;
            if (retryAfter is not null) context.Response.Headers["Retry-After"] = retryAfter;
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The sender went away (a killed hub): nothing was acknowledged, so it will be sent again.
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over the received requests (or fails after <paramref name="seconds"/>).</summary>
    public async Task<List<Received>> WaitForAsync(Func<List<Received>, bool> condition, double seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            var list = Requests.ToList();
            if (condition(list)) return list;
            await Task.Delay(25);
        }
        var got = string.Join("\n", Requests.Select(r => System.Text.Encoding.UTF8.GetString(r.Body)));
        throw new TimeoutException($"The receiver did not get the expected deliveries within {seconds} s. Received:\n{got}");
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
