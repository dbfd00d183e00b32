using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;

namespace Koumu.Interop.Tests.Api;

public sealed partial class DemoModeTests
{
    /// <summary>The hub in demo mode, printing to a writer the test can read, with every log message captured.</summary>
    private sealed class DemoHub(string folder, bool demo) : KoumuApiFactory(folder)
    {
        public StringWriter Console { get; } = new();

        public ConcurrentQueue<string> Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Koumu:Demo:Enabled", demo ? "true" : "false");
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(new DemoConsole(Console));
                services.AddLogging(l => l.AddProvider(new CapturingLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Trace));
            });
        }

        public (string ClientId, string Secret) PrintedCredential()
        {
            _ = Server;
            var text = Console.ToString();
            return (ClientIdLine().Match(text).Groups[1].Value, SecretLine().Match(text).Groups[1].Value);
        }
    }

    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "koumu-demo-" + Guid.NewGuid().ToString("N"));

    /// <summary>A store that already has a tenant, so demo mode does not seed (seeding is covered separately).</summary>
    private static async Task<string> FolderWithTenantAsync()
    {
        var folder = NewFolder();
        using var production = new DemoHub(folder, demo: false) { KeepFolder = true };
        await production.Services.GetRequiredService<RosterStore>().EnsureTenantAsync("board-x", "board-x");
        return folder;
    }

    [Fact]
    public async Task Demo_start_prints_a_demo_admin_credential_that_works_and_is_replaced_at_the_next_start()
    {
        var folder = await FolderWithTenantAsync();
        string firstSecret;
        using (var first = new DemoHub(folder, demo: true) { KeepFolder = true })
        {
            var (clientId, secret) = first.PrintedCredential();
            firstSecret = secret;
            Assert.Equal(ClientRegistry.DemoAdminClientId, clientId);
            using var token = await first.RequestTokenAsync(clientId, secret, KoumuScopes.Admin + " " + KoumuScopes.RosterReadonly);
            Assert.Equal(HttpStatusCode.OK, token.StatusCode);
            Assert.DoesNotContain(first.Logs, l => l.Contains(secret, StringComparison.Ordinal));
        }

        using var second = new DemoHub(folder, demo: true);
        var (_, newSecret) = second.PrintedCredential();

        Assert.NotEqual(firstSecret, newSecret);
        using var old = await second.RequestTokenAsync(ClientRegistry.DemoAdminClientId, firstSecret, KoumuScopes.Admin);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using var fresh = await second.RequestTokenAsync(ClientRegistry.DemoAdminClientId, newSecret, KoumuScopes.Admin);
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        var payload = TokenEndpointTests.Decode((await fresh.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!.Split('.')[1]);
        Assert.Equal("demo", payload.GetProperty(Caller.TenantClaim).GetString());
    }

    [Fact]
    public async Task Production_start_prints_no_credential_creates_no_demo_client_and_never_logs_secrets()
    {
        using var hub = new DemoHub(NewFolder(), demo: false);
        using var op = await hub.AdminAsync("*");

        using var created = await op.PostAsJsonAsync("/koumu/admin/v1/clients", new { tenant = "board-p", scopes = new[] { KoumuScopes.RosterReadonly } });
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = body.GetProperty("clientSecret").GetString()!;
        using var token = await hub.RequestTokenAsync(body.GetProperty("clientId").GetString()!, secret, null);

        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal("", hub.Console.ToString());
        await using var scope = hub.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(ClientRegistry.DemoAdminClientId));
        Assert.NotEmpty(hub.Logs);
        Assert.Contains(hub.Logs, l => l.Contains("Audit: client", StringComparison.Ordinal));
        Assert.DoesNotContain(hub.Logs, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_start_on_an_empty_store_seeds_tenant_demo_with_the_demo_roster()
    {
        using var hub = new DemoHub(NewFolder(), demo: true);
        var (clientId, secret) = hub.PrintedCredential();
        using var token = await hub.RequestTokenAsync(clientId, secret, KoumuScopes.Admin);
        using var http = hub.CreateHttpsClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());

        using var export = await http.GetAsync("/koumu/admin/v1/tenants/demo/exports?profile=jp-1.2.1");

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(await export.Content.ReadAsByteArrayAsync()));
        using var users = new StreamReader(zip.GetEntry("users.csv")!.Open());
        Assert.True((await users.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length > 10);
    }

    [GeneratedRegex(@"client_id:\s+(\S+)")]
    private static partial Regex ClientIdLine();

    [GeneratedRegex(@"client_secret:\s+(\S+)")]
    private static partial Regex SecretLine();

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(sink);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
