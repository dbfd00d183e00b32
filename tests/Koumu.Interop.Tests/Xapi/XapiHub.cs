using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Tests.Api;
using Koumu.Interop.Tests.TestSupport;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>The real hub for LRS tests (SQLite); every test works in a tenant of its own.</summary>
public class XapiHub : KoumuApiFactory, IAsyncLifetime
{
    /// <summary>The LRS body limit the hub is configured with (small, so 413 is cheap to provoke).</summary>
    public const long MaxRequestBytes = 512 * 1024;

    public string? Unavailable { get; protected set; }

    public virtual Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Koumu:Xapi:MaxRequestBytes", MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Koumu:Xapi:MaxLimit", "50");
    }

    public static string NewTenant() => "lrs-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A Basic credential created through the admin API, and an https client that sends it with the version header.</summary>
    public async Task<HttpClient> LrsClientAsync(string tenant, bool read = true, bool write = true, string version = "1.0.3")
    {
        using var admin = await AdminAsync(tenant);
        using var response = await admin.PostAsJsonAsync("/koumu/admin/v1/xapi-credentials", new { tenant, displayName = "test app", read, write });
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var http = CreateHttpsClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(created.GetProperty("key").GetString() + ":" + created.GetProperty("secret").GetString())));
        if (version.Length > 0) http.DefaultRequestHeaders.Add("X-Experience-API-Version", version);
        return http;
    }
}

/// <summary>The same hub on a PostgreSQL database of its own.</summary>
public sealed class PostgresXapiHub : XapiHub
{
    private string? _connection;

    public override async Task InitializeAsync()
    {
        try
        {
            await using var store = await TestStore.CreateIsolatedPostgresAsync();
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
