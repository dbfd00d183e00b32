using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Api.Auth;

namespace Koumu.Interop.Tests.Api;

public sealed class TokenEndpointTests(KoumuApiFactory hub) : IClassFixture<KoumuApiFactory>
{
    [Fact]
    public async Task Valid_client_gets_a_bearer_JWT_with_its_tenant_orgs_and_the_requested_scopes()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly, KoumuScopes.RosterCoreReadonly], ["org-school"]);

        using var response = await hub.RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret, KoumuScopes.RosterCoreReadonly);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.True(body.GetProperty("expires_in").GetInt32() > 0);
        var token = body.GetProperty("access_token").GetString()!;
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length); // a signed JWS, not an encrypted JWE (5 parts)
        var header = Decode(parts[0]);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        var payload = Decode(parts[1]);
        Assert.Equal("board-a", payload.GetProperty(Caller.TenantClaim).GetString());
        Assert.Equal(credential.Client.ClientId, payload.GetProperty("sub").GetString());
        Assert.Equal(KoumuScopes.RosterCoreReadonly, payload.GetProperty("scope").GetString());
        Assert.Equal("org-school", payload.GetProperty(Caller.OrgsClaim).ToString().Trim('[', ']', '"'));
    }

    [Fact]
    public async Task Without_a_scope_parameter_the_token_carries_every_scope_the_client_holds()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly, KoumuScopes.Admin]);

        using var response = await hub.RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret, scope: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var payload = Decode((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!.Split('.')[1]);
        var scopes = payload.GetProperty("scope").GetString()!.Split(' ');
        Assert.Equal([KoumuScopes.Admin, KoumuScopes.RosterReadonly], scopes.OrderByDescending(s => s, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Wrong_secret_is_401_invalid_client()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly]);

        using var response = await hub.RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret + "x", KoumuScopes.RosterReadonly);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(response));
    }

    [Fact]
    public async Task Unknown_client_is_401_invalid_client()
    {
        using var response = await hub.RequestTokenAsync("no-such-client", "secret", KoumuScopes.RosterReadonly);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(response));
    }

    [Fact]
    public async Task Unknown_scope_is_400_invalid_scope()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly]);

        using var response = await hub.RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret,
            "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.everything");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_scope", await ErrorAsync(response));
    }

    [Fact]
    public async Task Known_scope_the_client_does_not_hold_is_refused()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly]);

        using var response = await hub.RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret, KoumuScopes.Admin);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorAsync(response), new[] { "invalid_scope", "invalid_request" });
    }

    [Fact]
    public async Task Grant_types_other_than_client_credentials_are_refused()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly]);
        using var http = hub.CreateHttpsClient();

        using var response = await http.PostAsync("/koumu/oauth/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password", ["username"] = "admin", ["password"] = "admin",
            ["client_id"] = credential.Client.ClientId, ["client_secret"] = credential.ClientSecret,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", await ErrorAsync(response));
    }

    [Fact]
    public async Task Plain_http_is_refused_outside_demo_mode()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly]);
        using var http = hub.CreateClient(); // http://localhost

        using var response = await http.PostAsync("/koumu/oauth/v1/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = credential.Client.ClientId, ["client_secret"] = credential.ClientSecret,
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("access_token", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_are_stored_hashed_never_in_plain_text()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly]);

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var database = await File.ReadAllBytesAsync(hub.DatabaseFile);

        Assert.DoesNotContain(credential.ClientSecret, Encoding.UTF8.GetString(database), StringComparison.Ordinal);
        Assert.Contains(credential.Client.ClientId, Encoding.UTF8.GetString(database), StringComparison.Ordinal);
    }

    internal static JsonElement Decode(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        s += new string('=', (4 - s.Length % 4) % 4);
        return JsonDocument.Parse(Convert.FromBase64String(s)).RootElement.Clone();
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString();
}
