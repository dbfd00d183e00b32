using System.Net.Http.Json;
using System.Text.Json;
using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Xapi;
using Koumu.Interop.Tests.Xapi;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>
/// The real hub's LRS for the conformance tool: a tenant with one read/write Basic credential created through the admin
/// API, reached through the hub's in-memory handler at https://localhost/xapi/ as a board would reach it.
/// </summary>
public class XapiConformanceHub : XapiHub
{
    public const string Endpoint = "https://localhost/xapi/";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Key, string Secret)? _credential;

    public string Tenant { get; } = NewTenant();

    public async Task<(string Key, string Secret)> CredentialAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_credential is { } known) return known;
            using var admin = await AdminAsync(Tenant);
            using var response = await admin.PostAsJsonAsync("/koumu/admin/v1/xapi-credentials", new { tenant = Tenant, displayName = "koumu-conformance", read = true, write = true });
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            var created = await response.Content.ReadFromJsonAsync<JsonElement>();
            _credential = (created.GetProperty("key").GetString()!, created.GetProperty("secret").GetString()!);
            return _credential.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Options for the tool against this LRS; <paramref name="wrap"/> may put a fault injector in front.</summary>
    public async Task<XapiTargetOptions> TargetAsync(XapiVersion version, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null)
    {
        var (key, secret) = await CredentialAsync();
        var handler = Server.CreateHandler();
        return new XapiTargetOptions
        {
            Endpoint = new Uri(Endpoint),
            Username = key,
            Password = secret,
            Version = version,
            Handler = wrap is null ? handler : wrap(handler),
        };
    }

    public async Task<ConformanceReport> RunAsync(XapiVersion version, AssertionSelection? selection = null, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null) =>
        await ConformanceRunner.RunAsync([new XapiLrsTarget(await TargetAsync(version, wrap))], selection);
}

public sealed class PostgresXapiConformanceHub : XapiConformanceHub
{
    private string? _connection;

    public override async Task InitializeAsync()
    {
        try
        {
            await using var store = await TestSupport.TestStore.CreateIsolatedPostgresAsync();
            _connection = store.Store.Options.ConnectionString;
        }
        catch (SkipException e)
        {
            Unavailable = e.Message;
        }
    }

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Koumu:Database:Provider", "postgres");
        builder.UseSetting("Koumu:Database:ConnectionString", _connection ?? throw new InvalidOperationException("PostgreSQL database not created"));
    }
}
