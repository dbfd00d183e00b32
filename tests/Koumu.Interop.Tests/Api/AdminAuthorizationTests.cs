using System.Net;
using System.Net.Http.Headers;
using Koumu.Interop.Api.Auth;

namespace Koumu.Interop.Tests.Api;

public sealed class AdminAuthorizationTests(KoumuApiFactory hub) : IClassFixture<KoumuApiFactory>
{
    public static TheoryData<string, string> AdminRoutes => new()
    {
        { "GET", "/koumu/admin/v1/clients" },
        { "POST", "/koumu/admin/v1/clients" },
        { "GET", "/koumu/admin/v1/clients/some-client" },
        { "DELETE", "/koumu/admin/v1/clients/some-client" },
        { "POST", "/koumu/admin/v1/tenants/board-a/imports?profile=jp-1.2.1" },
        { "GET", $"/koumu/admin/v1/tenants/board-a/imports/{Guid.Empty}" },
        { "GET", $"/koumu/admin/v1/tenants/board-a/imports/{Guid.Empty}/problems" },
        { "GET", "/koumu/admin/v1/tenants/board-a/exports" },
    };

    [Theory, MemberData(nameof(AdminRoutes))]
    public async Task Admin_routes_without_a_token_are_401(string method, string path)
    {
        using var http = hub.CreateHttpsClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory, MemberData(nameof(AdminRoutes))]
    public async Task Admin_routes_with_a_forged_token_are_401(string method, string path)
    {
        using var http = hub.CreateHttpsClient();
        // A well-formed JWT signed with a key the hub does not have.
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4Iiwia291bXVfdGVuYW50IjoiKiIsInNjb3BlIjoia291bXUuYWRtaW4ifQ.c2lnbmF0dXJl");

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory, MemberData(nameof(AdminRoutes))]
    public async Task Admin_routes_with_a_read_only_OneRoster_token_are_403(string method, string path)
    {
        using var http = await hub.ClientWithTokenAsync("board-a", KoumuScopes.RosterReadonly, KoumuScopes.RosterCoreReadonly);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Unauthenticated_admin_answers_are_problem_json()
    {
        using var http = hub.CreateHttpsClient();

        using var response = await http.GetAsync("/koumu/admin/v1/clients");

        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
