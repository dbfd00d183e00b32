using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Client;
using Koumu.Interop.Tests.Api;
using Koumu.Interop.Tests.OneRoster;

namespace Koumu.Interop.Tests.Client;

/// <summary>The hub driven end to end through the C# client NSwag generates from openapi.yaml, on SQLite.</summary>
public sealed class GeneratedClientTests(RosteringHub hub) : GeneratedClientSpecification(hub), IClassFixture<RosteringHub>;

/// <summary>The same, on PostgreSQL.</summary>
public sealed class PostgresGeneratedClientTests(PostgresRosteringHub hub) : GeneratedClientSpecification(hub), IClassFixture<PostgresRosteringHub>;

/// <summary>
/// What a vendor does with a client generated from the hub's openapi.yaml (issue #3 §5, README "first five minutes"):
/// the board's operator creates the vendor's credential through the admin API, the vendor gets a token, lists schools,
/// pages through students by following the <c>next</c> link, and reads OneRoster errors as typed imsx_StatusInfo. If
/// openapi.yaml and the hub drift apart (a path, a parameter, a property's type), these calls fail.
/// </summary>
public abstract partial class GeneratedClientSpecification
{
    private readonly RosteringHub hub;

    protected GeneratedClientSpecification(RosteringHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private KoumuClient Client(HttpClient http) => new(http);

    /// <summary>Client credentials through the generated token operation; the returned HttpClient carries the bearer token.</summary>
    private async Task<(KoumuClient Client, HttpClient Http)> SignInAsync(string clientId, string secret, string scope)
    {
        var http = hub.CreateHttpsClient();
        var token = await Client(http).TokenAsync(new TokenRequest
        {
            Grant_type = TokenRequestGrant_type.Client_credentials, Client_id = clientId, Client_secret = secret, Scope = scope,
        });
        Assert.Equal(200, token.StatusCode);
        Assert.Equal(TokenResponseToken_type.Bearer, token.Result.Token_type);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Result.Access_token);
        return (Client(http), http);
    }

    private async Task<(KoumuClient Client, HttpClient Http)> VendorAsync(params string[] scopes)
    {
        var admin = await hub.CreateClientAsync(RosteringHub.Tenant, [KoumuScopes.Admin]);
        var (operatorClient, operatorHttp) = await SignInAsync(admin.Client.ClientId, admin.ClientSecret, KoumuScopes.Admin);
        using (operatorHttp)
        {
            var created = await operatorClient.CreateClientAsync(new CreateClientRequest
            {
                Tenant = RosteringHub.Tenant, DisplayName = "学習eポータル vendor", Scopes = scopes,
            });
            Assert.Equal(201, created.StatusCode);
            return await SignInAsync(created.Result.ClientId, created.Result.ClientSecret, string.Join(' ', scopes));
        }
    }

    [SkippableFact]
    public async Task A_vendor_created_through_the_admin_API_lists_schools_with_typed_orgs()
    {
        var (client, http) = await VendorAsync(KoumuScopes.RosterCoreReadonly);
        using var _ = http;

        var schools = await client.GetAllSchoolsAsync(null, "sourcedId", OrderBy.Asc, null, null, null, null);

        Assert.Equal(["org-school", "org-school2"], schools.Result.Orgs.Select(o => o.SourcedId));
        Assert.All(schools.Result.Orgs, o => Assert.Equal("school", o.Type));
        Assert.All(schools.Result.Orgs, o => Assert.Equal(Status.Active, o.Status));
        Assert.Equal("2", schools.Headers["X-Total-Count"].Single());
    }

    [SkippableFact]
    public async Task Following_next_links_pages_through_every_student_exactly_once()
    {
        var (client, http) = await VendorAsync(KoumuScopes.RosterCoreReadonly);
        using var _ = http;

        var seen = new List<string>();
        string? cursor = null;
        for (var page = 0; page < 10; page++)
        {
            var students = await client.GetAllStudentsAsync(null, null, null, 1, null, null, cursor);
            seen.AddRange(students.Result.Users.Select(u => u.SourcedId));
            Assert.All(students.Result.Users, u => Assert.Contains(u.Roles, r => r.Role1 == "student"));
            Assert.All(students.Result.Users, u => Assert.Equal(StringBoolean.True, u.EnabledUser));
            cursor = NextCursor(students);
            if (cursor is null) break;
        }

        Assert.Equal(["user-s1", "user-s2", "user-s3"], seen.Order(StringComparer.Ordinal));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [SkippableFact]
    public async Task Nested_and_single_reads_deserialise_into_the_generated_types()
    {
        var (client, http) = await VendorAsync(KoumuScopes.RosterReadonly, KoumuScopes.RosterDemographicsReadonly);
        using var _ = http;

        var enrollments = await client.GetEnrollmentsForClassInSchoolAsync(null, "sourcedId", null, null, null, null, null, "org-school", "class-1");
        Assert.NotEmpty(enrollments.Result.Enrollments);
        Assert.All(enrollments.Result.Enrollments, e => Assert.Equal("class-1", e.Class.SourcedId));
        Assert.All(enrollments.Result.Enrollments, e => Assert.Equal(GUIDRefType.Class, e.Class.Type));

        var term = await client.GetTermAsync(null, "term-1");
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), term.Result.AcademicSession.StartDate);

        var demographics = await client.GetDemographicsAsync(null, "user-s1");
        Assert.Equal("male", demographics.Result.Demographics.Sex);
    }

    [SkippableFact]
    public async Task Unknown_school_is_a_typed_404_unknownobject()
    {
        var (client, http) = await VendorAsync(KoumuScopes.RosterCoreReadonly);
        using var _ = http;

        var error = await Assert.ThrowsAsync<KoumuApiException<ImsxStatusInfo>>(() => client.GetSchoolAsync(null, "no-such-school"));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal(ImsxStatusInfoImsx_codeMajor.Failure, error.Result.Imsx_codeMajor);
        Assert.Equal(Imsx_codeMinorFieldValue.Unknownobject, error.Result.Imsx_CodeMinor!.Imsx_codeMinorField!.Single().Imsx_codeMinorFieldValue);
    }

    [SkippableFact]
    public async Task Filter_on_an_unknown_field_is_a_typed_400_invalid_filter_field()
    {
        var (client, http) = await VendorAsync(KoumuScopes.RosterCoreReadonly);
        using var _ = http;

        var error = await Assert.ThrowsAsync<KoumuApiException<ImsxStatusInfo>>(() =>
            client.GetAllUsersAsync("password='x' OR familyName~'%'", null, null, null, null, null, null));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(Imsx_codeMinorFieldValue.Invalid_filter_field, error.Result.Imsx_CodeMinor!.Imsx_codeMinorField!.Single().Imsx_codeMinorFieldValue);
    }

    [SkippableFact]
    public async Task A_token_without_the_operation_scope_is_a_typed_403_forbidden()
    {
        var (client, http) = await VendorAsync(KoumuScopes.RosterCoreReadonly);
        using var _ = http;

        // getAllDemographics needs roster-demographics.readonly (OAS-R security).
        var error = await Assert.ThrowsAsync<KoumuApiException<ImsxStatusInfo>>(() => client.GetAllDemographicsAsync(null, null, null, null, null, null, null));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal(Imsx_codeMinorFieldValue.Forbidden, error.Result.Imsx_CodeMinor!.Imsx_codeMinorField!.Single().Imsx_codeMinorFieldValue);
    }

    [SkippableFact]
    public async Task The_served_contract_is_the_repository_openapi_yaml()
    {
        using var http = hub.CreateHttpsClient();

        using var document = await Client(http).GetOpenApiDocumentAsync();
        using var reader = new StreamReader(document.Stream);

        Assert.Equal(200, document.StatusCode);
        Assert.Equal(await File.ReadAllTextAsync(OpenApiContractTests.OpenApiPath()), await reader.ReadToEndAsync());
    }

    /// <summary>The cursor of the RFC 8288 <c>next</c> link, or null on the last page.</summary>
    private static string? NextCursor(KoumuResponse response)
    {
        if (!response.Headers.TryGetValue("Link", out var values)) return null;
        var next = values.SelectMany(v => v.Split(", ")).FirstOrDefault(l => l.EndsWith("rel=\"next\"", StringComparison.Ordinal));
        if (next is null) return null;
        var match = CursorParameter().Match(next);
        Assert.True(match.Success, "next link without a cursor: " + next);
        return Uri.UnescapeDataString(match.Groups[1].Value);
    }

    [GeneratedRegex("[?&]cursor=([^&>]+)")]
    private static partial Regex CursorParameter();
}
