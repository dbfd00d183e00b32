using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.Api;

/// <summary>
/// The real hub (Program) on a temp SQLite file and a temp data folder (signing keys), demo mode off, HTTPS required
/// as in production. Two factories given the same folder are "the same hub, restarted".
/// </summary>
public class KoumuApiFactory : WebApplicationFactory<Program>
{
    public const long UploadLimit = 256 * 1024;

    public KoumuApiFactory() : this(Path.Combine(Path.GetTempPath(), "koumu-api-" + Guid.NewGuid().ToString("N")))
    {
    }

    /// <summary>A hub on an existing folder: the same hub, restarted.</summary>
    internal KoumuApiFactory(string folder)
    {
        Folder = folder;
        Directory.CreateDirectory(folder);
    }

    public string Folder { get; }

    public string DatabaseFile => Path.Combine(Folder, "hub.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Koumu:DataDirectory", Folder);
        builder.UseSetting("Koumu:Database:Provider", "sqlite");
        builder.UseSetting("Koumu:Database:ConnectionString", $"Data Source={DatabaseFile};Pooling=False");
        builder.UseSetting("Koumu:Demo:Enabled", "false");
        builder.UseSetting("Koumu:Imports:MaxUploadBytes", UploadLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Koumu:Imports:TempDirectory", Path.Combine(Folder, "uploads"));
    }

    /// <summary>A client over https (the token endpoint refuses plain http outside demo mode).</summary>
    public HttpClient CreateHttpsClient() => CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

    /// <summary>Registers a client directly in the hub (as an operator would with the admin API).</summary>
    public async Task<ClientCredential> CreateClientAsync(string tenant, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string>? orgs = null)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ClientRegistry>().CreateAsync(tenant, "test client", scopes, orgs ?? []);
    }

    public async Task<HttpResponseMessage> RequestTokenAsync(string clientId, string secret, string? scope)
    {
        using var http = CreateHttpsClient();
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null) form["scope"] = scope;
        return await http.PostAsync("/koumu/oauth/v1/token", new FormUrlEncodedContent(form));
    }

    /// <summary>An https client carrying a bearer token of a new client of <paramref name="tenant"/> with <paramref name="scopes"/>.</summary>
    public async Task<HttpClient> ClientWithTokenAsync(string tenant, params string[] scopes)
    {
        var credential = await CreateClientAsync(tenant, scopes);
        using var response = await RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret, string.Join(' ', scopes));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var http = CreateHttpsClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public Task<HttpClient> AdminAsync(string tenant) => ClientWithTokenAsync(tenant, KoumuScopes.Admin);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && !KeepFolder)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Set when another factory will reuse the folder (restart tests).</summary>
    public bool KeepFolder { get; set; }
}
