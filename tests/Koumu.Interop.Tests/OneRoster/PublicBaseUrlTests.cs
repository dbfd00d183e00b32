using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Koumu.Interop.Tests.OneRoster;

/// <summary>
/// GUIDRef hrefs and Link headers are absolute URLs of the hub. With <c>Koumu:PublicBaseUrl</c> they are built from the
/// configuration, so a client (or anyone in front of a shared cache) forging the Host header cannot make the hub hand
/// out URLs of another server.
/// </summary>
public sealed class PublicBaseUrlTests(RosteringHub hub) : IClassFixture<RosteringHub>
{
    private const string Public = "https://koumu.example.ed.jp/hub";

    private async Task<(string Body, string Link)> GetSchoolsAsync(WebApplicationFactory<Program> factory)
    {
        var credential = await hub.CreateClientAsync(RosteringHub.Tenant, [KoumuScopes.RosterReadonly]);
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") });
        // The token is issued under the same forged host: its issuer is the host it was requested at, so the attacker
        // gets one that validates there.
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/koumu/oauth/v1/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = credential.Client.ClientId, ["client_secret"] = credential.ClientSecret,
            }),
        };
        tokenRequest.Headers.Host = "attacker.example";
        using var token = await http.SendAsync(tokenRequest);
        var access = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/ims/oneroster/rostering/v1p2/schools/org-school/classes?limit=1");
        request.Headers.Authorization = new("Bearer", access);
        request.Headers.Host = "attacker.example";
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return (body, string.Join(", ", response.Headers.GetValues("Link")));
    }

    [Fact]
    public async Task Without_a_public_base_url_hrefs_follow_the_request_host()
    {
        var (body, link) = await GetSchoolsAsync(hub);
        Assert.Contains("https://attacker.example/ims/oneroster/rostering/v1p2/", body, StringComparison.Ordinal);
        Assert.Contains("<https://attacker.example/ims/oneroster/rostering/v1p2/", link, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_public_base_url_hrefs_and_links_ignore_a_forged_host_header()
    {
        using var configured = hub.WithWebHostBuilder(b => b.UseSetting("Koumu:PublicBaseUrl", Public + "/"));

        var (body, link) = await GetSchoolsAsync(configured);

        Assert.DoesNotContain("attacker.example", body, StringComparison.Ordinal);
        Assert.DoesNotContain("attacker.example", link, StringComparison.Ordinal);
        Assert.Contains($"\"href\":\"{Public}/ims/oneroster/rostering/v1p2/", body, StringComparison.Ordinal);
        Assert.StartsWith($"<{Public}/ims/oneroster/rostering/v1p2/schools/org-school/classes", link, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://koumu.example.ed.jp")]
    [InlineData("/relative")]
    [InlineData("https://koumu.example.ed.jp/?x=1")]
    public void A_public_base_url_that_is_not_an_absolute_http_url_stops_the_hub(string value)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Koumu:PublicBaseUrl"] = value }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => Koumu.Interop.Api.Hosting.HubSettings.From(configuration, Path.GetTempPath()));
        Assert.Contains("Koumu:PublicBaseUrl", error.Message, StringComparison.Ordinal);
    }
}
