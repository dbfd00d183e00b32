using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Koumu.Interop.Api.Auth;

namespace Koumu.Interop.Tests.Api;

public sealed class ClientAdminTests(KoumuApiFactory hub) : IClassFixture<KoumuApiFactory>
{
    [Fact]
    public async Task Created_client_gets_its_secret_once_and_can_request_a_token()
    {
        using var admin = await hub.AdminAsync("board-a");

        using var created = await admin.PostAsJsonAsync("/koumu/admin/v1/clients",
            new { tenant = "board-a", displayName = "学習eポータル", scopes = new[] { KoumuScopes.RosterReadonly }, orgs = new[] { "org-school" } });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var clientId = body.GetProperty("clientId").GetString()!;
        var secret = body.GetProperty("clientSecret").GetString()!;
        Assert.True(secret.Length >= 40);
        Assert.Equal($"/koumu/admin/v1/clients/{clientId}", created.Headers.Location?.OriginalString);
        using var token = await hub.RequestTokenAsync(clientId, secret, KoumuScopes.RosterReadonly);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);

        // Listing and reading never show the secret again.
        var list = await admin.GetStringAsync("/koumu/admin/v1/clients");
        Assert.Contains(clientId, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", list, StringComparison.OrdinalIgnoreCase);
        var one = await admin.GetFromJsonAsync<JsonElement>($"/koumu/admin/v1/clients/{clientId}");
        Assert.Equal("board-a", one.GetProperty("tenant").GetString());
        Assert.Equal("org-school", one.GetProperty("orgs")[0].GetString());
        Assert.False(one.TryGetProperty("clientSecret", out _));
    }

    [Fact]
    public async Task Deleted_client_can_no_longer_get_tokens()
    {
        using var admin = await hub.AdminAsync("board-a");
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.RosterReadonly]);

        using var deleted = await admin.DeleteAsync($"/koumu/admin/v1/clients/{credential.Client.ClientId}");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var token = await hub.RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret, KoumuScopes.RosterReadonly);
        Assert.Equal(HttpStatusCode.Unauthorized, token.StatusCode);
        using var again = await admin.DeleteAsync($"/koumu/admin/v1/clients/{credential.Client.ClientId}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Tenant_admin_cannot_create_clients_for_another_tenant_or_for_every_tenant()
    {
        using var admin = await hub.AdminAsync("board-a");

        using var other = await admin.PostAsJsonAsync("/koumu/admin/v1/clients", new { tenant = "board-b", scopes = new[] { KoumuScopes.Admin } });
        using var all = await admin.PostAsJsonAsync("/koumu/admin/v1/clients", new { tenant = "*", scopes = new[] { KoumuScopes.Admin } });

        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, all.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Tenant_admin_sees_and_deletes_only_its_own_tenants_clients()
    {
        var foreign = await hub.CreateClientAsync("board-b", [KoumuScopes.RosterReadonly]);
        using var admin = await hub.AdminAsync("board-a");

        var list = await admin.GetFromJsonAsync<JsonElement>("/koumu/admin/v1/clients");
        using var read = await admin.GetAsync($"/koumu/admin/v1/clients/{foreign.Client.ClientId}");
        using var delete = await admin.DeleteAsync($"/koumu/admin/v1/clients/{foreign.Client.ClientId}");

        Assert.All(list.EnumerateArray(), c => Assert.Equal("board-a", c.GetProperty("tenant").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        using var token = await hub.RequestTokenAsync(foreign.Client.ClientId, foreign.ClientSecret, KoumuScopes.RosterReadonly);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task Operator_of_every_tenant_manages_clients_of_any_tenant()
    {
        using var op = await hub.AdminAsync("*");

        using var created = await op.PostAsJsonAsync("/koumu/admin/v1/clients", new { tenant = "board-z", scopes = new[] { KoumuScopes.Admin } });
        var list = await op.GetFromJsonAsync<JsonElement>("/koumu/admin/v1/clients");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("tenant").GetString() == "board-z");
        Assert.Contains(list.EnumerateArray(), c => c.GetProperty("tenant").GetString() == "*");
    }

    public static TheoryData<string> InvalidBodies => new()
    {
        """{"tenant":"board-a","scopes":["https://purl.imsglobal.org/spec/or/v1p2/scope/roster.all"]}""",
        """{"tenant":"board-a","scopes":[]}""",
        """{"tenant":"board-a"}""",
        """{"tenant":"../etc","scopes":["koumu.admin"]}""",
        """{"tenant":"board-a","scopes":["koumu.admin"],"orgs":[""]}""",
        """{"scopes":["koumu.admin"]}""",
        """{"tenant":"board-a","scopes":["koumu.admin"],"displayName":"%LONG%"}""",
        """{"tenant":""",
        "[]",
    };

    [Theory, MemberData(nameof(InvalidBodies))]
    public async Task Malformed_client_requests_are_400_and_create_nothing(string json)
    {
        using var admin = await hub.AdminAsync("board-a");
        var before = (await admin.GetFromJsonAsync<JsonElement>("/koumu/admin/v1/clients")).GetArrayLength();

        using var response = await admin.PostAsync("/koumu/admin/v1/clients",
            new StringContent(json.Replace("%LONG%", new string('x', 300), StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, (await admin.GetFromJsonAsync<JsonElement>("/koumu/admin/v1/clients")).GetArrayLength());
    }

    [Fact]
    public async Task Deleting_a_client_revokes_the_access_tokens_it_already_holds()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.Admin]);
        using var holder = await BearerAsync(credential);
        using var before = await holder.GetAsync("/koumu/admin/v1/clients");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using var admin = await hub.AdminAsync("board-a");
        using var deleted = await admin.DeleteAsync($"/koumu/admin/v1/clients/{credential.Client.ClientId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var after = await holder.GetAsync("/koumu/admin/v1/clients");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Rotating_a_secret_revokes_earlier_tokens_and_new_tokens_work()
    {
        var credential = await hub.CreateClientAsync("board-a", [KoumuScopes.Admin]);
        using var old = await BearerAsync(credential);
        using var before = await old.GetAsync("/koumu/admin/v1/clients");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        ClientCredential rotated;
        await using (var scope = hub.Services.CreateAsyncScope())
            rotated = await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RotateAsync(
                credential.Client.ClientId, "board-a", "rotated", [KoumuScopes.Admin]);

        using var stale = await old.GetAsync("/koumu/admin/v1/clients");
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        using var oldSecret = await hub.RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret, KoumuScopes.Admin);
        Assert.Equal(HttpStatusCode.Unauthorized, oldSecret.StatusCode);
        using var fresh = await BearerAsync(rotated);
        using var now = await fresh.GetAsync("/koumu/admin/v1/clients");
        Assert.Equal(HttpStatusCode.OK, now.StatusCode);
    }

    private async Task<HttpClient> BearerAsync(ClientCredential credential)
    {
        using var response = await hub.RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret, string.Join(' ', credential.Client.Scopes));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var http = hub.CreateHttpsClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
