using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Tests.Json;

namespace Koumu.Interop.Tests.OneRoster;

/// <summary>The OneRoster 1.2 Rostering service on the embedded SQLite store.</summary>
public sealed class RosteringApiTests(RosteringHub hub) : RosteringApiSpecification(hub), IClassFixture<RosteringHub>;

/// <summary>The same specification on PostgreSQL (the service's SQL differs per provider).</summary>
public sealed class PostgresRosteringApiTests(PostgresRosteringHub hub) : RosteringApiSpecification(hub), IClassFixture<PostgresRosteringHub>;

/// <summary>The OneRoster 1.2 Rostering service (41 GET operations, OAS-R) through the real hub pipeline.</summary>
public abstract partial class RosteringApiSpecification
{
    private readonly RosteringHub hub;

    protected RosteringApiSpecification(RosteringHub hub)
    {
        // Skipped locally when PostgreSQL is unreachable; under CI the fixture fails instead.
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private const string Base = RosteringRoutes.Base;

    /// <summary>An existing record for every path parameter of the route table.</summary>
    private static readonly Dictionary<string, string> Ids = new()
    {
        ["orgs"] = "org-school", ["schools"] = "org-school", ["academicSessions"] = "ay-2026", ["terms"] = "term-1",
        ["gradingPeriods"] = "gp-1", ["courses"] = "course-1", ["classes"] = "class-1", ["users"] = "user-t1",
        ["students"] = "user-s1", ["teachers"] = "user-t1", ["enrollments"] = "enr-s1", ["demographics"] = "user-s1",
        ["classSourcedId"] = "class-1", ["courseSourcedId"] = "course-1", ["schoolSourcedId"] = "org-school",
        ["studentSourcedId"] = "user-s1", ["teacherSourcedId"] = "user-t1", ["userSourcedId"] = "user-s1", ["termSourcedId"] = "term-1",
    };

    public static TheoryData<string> Operations() => [.. RosteringRoutes.All.Select(r => r.OperationId)];

    private static RosteringRoute Route(string operationId) => RosteringRoutes.All.Single(r => r.OperationId == operationId);

    private static string Url(RosteringRoute route) => Base + PathParameter().Replace(route.Path, m =>
        Ids[m.Groups[1].Value == "sourcedId" ? route.Path.Split('/')[1] : m.Groups[1].Value]);

    [SkippableFact]
    public void The_route_table_has_the_41_operations_of_the_rostering_service_once_each()
    {
        Assert.Equal(41, RosteringRoutes.All.Count);
        Assert.Equal(41, RosteringRoutes.All.Select(r => r.Path).Distinct().Count());
        Assert.Equal(41, RosteringRoutes.All.Select(r => r.OperationId).Distinct().Count());
    }

    [SkippableTheory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_returns_200_with_its_OAS_wrapper_valid_against_the_official_schema(string operationId)
    {
        var route = Route(operationId);
        using var http = await hub.OneRosterClientAsync(route.Scopes.Take(1).ToArray());
        using var response = await http.GetAsync(Url(route));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operationId}: {(int)response.StatusCode} {body}");

        var schema = route.Shape == RouteShape.Single ? route.Resource.SingleSchema : route.Resource.SetSchema;
        Assert.Empty(OasSchemas.Errors(OasSchemas.Rostering, schema, body));
        using var json = JsonDocument.Parse(body);
        if (route.Shape == RouteShape.Single)
        {
            Assert.Equal(Ids[route.Path.Split('/')[1]], json.RootElement.GetProperty(route.Resource.Singular).GetProperty("sourcedId").GetString());
            Assert.False(response.Headers.Contains("X-Total-Count"));
        }
        else
        {
            var items = json.RootElement.GetProperty(route.Resource.Plural);
            Assert.True(items.GetArrayLength() > 0, $"{operationId} returned no records");
            Assert.Equal(items.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "X-Total-Count"));
            Assert.Contains("rel=\"first\"", Header(response, "Link"), StringComparison.Ordinal);
        }
    }

    [SkippableTheory]
    [InlineData("/schools", "orgs", "org-school,org-school2")]
    [InlineData("/orgs", "orgs", "org-district,org-school,org-school2")]
    [InlineData("/students", "users", "user-s1,user-s2,user-s3")]
    [InlineData("/teachers", "users", "user-t1,user-t2")]
    [InlineData("/terms", "academicSessions", "term-1")]
    [InlineData("/gradingPeriods", "academicSessions", "gp-1")]
    [InlineData("/classes/class-1/students", "users", "user-s1,user-s2")]
    [InlineData("/classes/class-1/teachers", "users", "user-t1")]
    [InlineData("/schools/org-school2/students", "users", "user-s3")]
    [InlineData("/schools/org-school/classes/class-1/enrollments", "enrollments", "enr-s1,enr-s2,enr-t1")]
    [InlineData("/schools/org-school/terms", "academicSessions", "term-1")]
    [InlineData("/terms/term-1/classes", "classes", "class-1,class-2")]
    [InlineData("/terms/term-1/gradingPeriods", "academicSessions", "gp-1")]
    [InlineData("/users/user-s3/classes", "classes", "class-2")]
    [InlineData("/courses/course-2/classes", "classes", "class-2")]
    public async Task Collections_hold_exactly_their_records_in_the_shared_wrapper(string path, string wrapper, string expected)
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly]);
        Assert.Equal(expected.Split(','), await SourcedIdsAsync(http, Base + path, wrapper));
    }

    [SkippableFact]
    public async Task Japanese_text_is_written_as_utf8_not_as_unicode_escapes()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterCoreReadonly]);
        var body = await http.GetStringAsync(new Uri(Base + "/users/user-t1", UriKind.Relative));
        Assert.Contains("\"givenName\":\"花子\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", body, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Users_carry_their_roles_and_string_booleans_and_GUIDRefs_with_href()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterCoreReadonly]);
        using var json = await GetJsonAsync(http, Base + "/users/user-t1");
        var user = json.RootElement.GetProperty("user");
        Assert.Equal("true", user.GetProperty("enabledUser").GetString());
        var role = Assert.Single(user.GetProperty("roles").EnumerateArray());
        Assert.Equal("teacher", role.GetProperty("role").GetString());
        Assert.Equal("https://localhost" + Base + "/orgs/org-school", role.GetProperty("org").GetProperty("href").GetString());
        Assert.Equal("org", role.GetProperty("org").GetProperty("type").GetString());
    }

    [SkippableFact]
    public async Task No_token_or_a_forged_token_is_401_unauthorisedrequest()
    {
        using var anonymous = hub.CreateHttpsClient();
        using (var response = await anonymous.GetAsync(Base + "/users"))
            await AssertFailureAsync(response, HttpStatusCode.Unauthorized, "unauthorisedrequest");

        using var forged = hub.CreateHttpsClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        using (var response = await forged.GetAsync(Base + "/orgs"))
            await AssertFailureAsync(response, HttpStatusCode.Unauthorized, "unauthorisedrequest");
    }

    [SkippableTheory]
    [InlineData(KoumuScopes.RosterCoreReadonly, "/classes/class-1/students")] // nested reads need roster.readonly
    [InlineData(KoumuScopes.RosterReadonly, "/demographics")]                // demographics need their own scope
    [InlineData(KoumuScopes.RosterDemographicsReadonly, "/users")]
    [InlineData(KoumuScopes.GradebookReadonly, "/orgs/org-school")]
    [InlineData(KoumuScopes.Admin, "/schools")]
    public async Task A_token_without_the_operations_scope_is_403_forbidden(string scope, string path)
    {
        using var http = await hub.OneRosterClientAsync([scope]);
        using var response = await http.GetAsync(Base + path);
        await AssertFailureAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [SkippableTheory]
    [InlineData("/users/nobody")]
    [InlineData("/students/user-t1")]                                 // a teacher is not a student
    [InlineData("/schools/org-district")]                             // a district is not a school
    [InlineData("/terms/ay-2026")]
    [InlineData("/classes/nope/students")]                            // nested with unknown parent
    [InlineData("/schools/org-school/classes/class-2/students")]      // class of another school
    [InlineData("/teachers/user-s1/classes")]
    [InlineData("/terms/gp-1/gradingPeriods")]
    [InlineData("/users/%27%20OR%20%271%27%3D%271")]                  // hostile id is only ever a parameter
    public async Task Unknown_objects_and_unknown_parents_are_404_unknownobject(string path)
    {
        using var http = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
        using var response = await http.GetAsync(Base + path);
        await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
    }

    [SkippableTheory]
    [InlineData("/users?filter=password%3D'x'", "invalid_filter_field")]
    [InlineData("/users?filter=nosuch%3D'x'", "invalid_filter_field")]
    [InlineData("/users?filter=givenName", "invalid_filter_field")]
    [InlineData("/classes?fields=sourcedId,nosuch", "invalid_selection_field")]
    [InlineData("/classes/class-1?fields=", "invalid_selection_field")]
    [InlineData("/orgs?sort=nosuch", "invalid_selection_field")]
    [InlineData("/orgs?limit=0", "invaliddata")]
    [InlineData("/orgs?offset=-1", "invaliddata")]
    [InlineData("/orgs?orderBy=up", "invaliddata")]
    [InlineData("/orgs?cursor=forged", "invaliddata")]
    public async Task Bad_query_parameters_are_400_with_the_engines_codeMinor(string pathAndQuery, string codeMinor)
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly]);
        using var response = await http.GetAsync(Base + pathAndQuery);
        await AssertFailureAsync(response, HttpStatusCode.BadRequest, codeMinor);
    }

    [SkippableFact]
    public async Task A_school_confined_client_sees_only_its_school_even_through_OR_nested_routes_and_singles()
    {
        using var http = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes, ["org-school"]);

        Assert.Equal(["user-s1", "user-s2", "user-t1"], await SourcedIdsAsync(http, Base + "/users", "users"));
        Assert.Equal(["org-school"], await SourcedIdsAsync(http, Base + "/orgs", "orgs"));
        Assert.Equal(["class-1"], await SourcedIdsAsync(http, Base + "/classes", "classes"));
        Assert.Equal(["enr-s1", "enr-s2", "enr-t1"], await SourcedIdsAsync(http, Base + "/enrollments", "enrollments"));
        Assert.Equal(["user-s1"], await SourcedIdsAsync(http, Base + "/demographics", "demographics"));
        // The Ed-Fi leak: an OR must not escape the authorisation predicate.
        Assert.Equal(["user-s1"], await SourcedIdsAsync(http, Base + "/users?filter=" + Uri.EscapeDataString("sourcedId='user-s3' OR sourcedId='user-s1'"), "users"));
        Assert.Equal(["class-1"], await SourcedIdsAsync(http, Base + "/terms/term-1/classes", "classes"));
        Assert.Empty(await SourcedIdsAsync(http, Base + "/classes?filter=" + Uri.EscapeDataString("school.sourcedId='org-school2' OR title~'A'"), "classes"));

        foreach (var path in new[] { "/users/user-s3", "/classes/class-2", "/demographics/user-s3", "/schools/org-school2/students",
                     "/classes/class-2/students", "/users/user-t2/classes", "/orgs/org-district" })
        {
            using var response = await http.GetAsync(Base + path);
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        }
    }

    [SkippableFact]
    public async Task A_district_confined_client_sees_the_schools_below_it()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly], ["org-district"]);
        Assert.Equal(["org-district", "org-school", "org-school2"], await SourcedIdsAsync(http, Base + "/orgs", "orgs"));
        Assert.Equal(["user-s1", "user-s2", "user-s3"], await SourcedIdsAsync(http, Base + "/students", "users"));
    }

    [SkippableFact]
    public async Task Roles_at_orgs_outside_a_confined_clients_view_are_not_shown()
    {
        await hub.ImportAsync("board-roles", RosteringHub.Package().File("roles", "bulk", TestSupport.SamplePackages.RolesHeader,
        [
            .. TestSupport.SamplePackages.RoleRows,
            "role-t2,,,user-t2,primary,teacher,,,org-school2,",
            "role-s3,,,user-s3,primary,student,,,org-school2,",
            "role-t1b,,,user-t1,secondary,teacher,,,org-school2,",
        ]));
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly], ["org-school"], "board-roles");
        using var json = await GetJsonAsync(http, Base + "/users/user-t1");
        var role = Assert.Single(json.RootElement.GetProperty("user").GetProperty("roles").EnumerateArray());
        Assert.Equal("org-school", role.GetProperty("org").GetProperty("sourcedId").GetString());
    }

    [SkippableFact]
    public async Task Another_tenants_client_sees_nothing_of_this_tenant()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly], tenant: "board-empty");
        Assert.Empty(await SourcedIdsAsync(http, Base + "/users", "users"));
        using var response = await http.GetAsync(Base + "/users/user-s1");
        await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
    }

    [SkippableFact]
    public async Task Following_next_links_visits_every_record_once_with_total_and_last_links()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly]);
        var seen = new List<string>();
        string? url = Base + "/users?limit=2&sort=familyName";
        var pages = 0;
        while (url is not null)
        {
            using var response = await http.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("5", Header(response, "X-Total-Count"));
            var links = Links(response);
            Assert.EndsWith("offset=4", links["last"], StringComparison.Ordinal);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            seen.AddRange(json.RootElement.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("sourcedId").GetString()!));
            url = links.GetValueOrDefault("next");
            if (url is not null) Assert.Contains("cursor=", url, StringComparison.Ordinal);
            pages++;
        }
        Assert.Equal(3, pages);
        Assert.Equal(5, seen.Distinct().Count());
        Assert.Equal(5, seen.Count);

        using var offsetPage = await http.GetAsync(Base + "/users?limit=2&offset=2");
        var offsetLinks = Links(offsetPage);
        Assert.EndsWith("limit=2&offset=0", offsetLinks["prev"], StringComparison.Ordinal);
        Assert.Contains("cursor=", offsetLinks["next"], StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Fields_trim_the_output_as_a_comma_list_or_repeated_parameter()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly]);
        foreach (var query in new[] { "fields=sourcedId,givenName", "fields=sourcedId&fields=givenName" })
        {
            using var json = await GetJsonAsync(http, Base + "/students?" + query);
            foreach (var user in json.RootElement.GetProperty("users").EnumerateArray())
                Assert.Equal(["sourcedId", "givenName"], user.EnumerateObject().Select(p => p.Name));
        }
        using var single = await GetJsonAsync(http, Base + "/classes/class-1?fields=title");
        Assert.Equal(["title"], single.RootElement.GetProperty("class").EnumerateObject().Select(p => p.Name));
    }

    [SkippableFact]
    public async Task Tobedeleted_records_are_served_so_delta_consumers_learn_of_deletions()
    {
        await hub.ImportAsync("board-del", RosteringHub.Package());
        // Bulk files without class-2 (and its enrollments) mark it tobedeleted.
        await hub.ImportAsync("board-del", RosteringHub.Package()
            .File("classes", "bulk", TestSupport.SamplePackages.ClassesHeader, "class-1,,,1年1組,P1,course-1,,homeroom,,org-school,term-1,,,")
            .File("enrollments", "bulk", TestSupport.SamplePackages.EnrollmentsHeader, TestSupport.SamplePackages.EnrollmentRows));
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly], tenant: "board-del");
        using var json = await GetJsonAsync(http, Base + "/classes/class-2");
        Assert.Equal("tobedeleted", json.RootElement.GetProperty("class").GetProperty("status").GetString());
        Assert.Equal(["class-1"], await SourcedIdsAsync(http, Base + "/classes?filter=" + Uri.EscapeDataString("status='active'"), "classes"));
    }

    [SkippableFact]
    public async Task Oversized_and_hostile_input_gets_a_OneRoster_answer_never_a_crash()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.RosterReadonly]);
        // An absurd limit is clamped, not refused.
        Assert.Equal(5, (await SourcedIdsAsync(http, Base + "/users?limit=99999999999999", "users")).Count);
        using (var response = await http.GetAsync(Base + "/users/" + new string('x', 20_000)))
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        using (var response = await http.GetAsync(Base + "/users?fields=" + string.Join(',', Enumerable.Repeat("nosuch", 5_000))))
            await AssertFailureAsync(response, HttpStatusCode.BadRequest, "invalid_selection_field");
        using (var response = await http.GetAsync(Base + "/users?filter=" + Uri.EscapeDataString("givenName='" + new string('\'', 10_000) + "'")))
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        // SQL text in a filter value is a parameter value: it matches nothing and drops nothing.
        Assert.Empty(await SourcedIdsAsync(http, Base + "/users?filter=" + Uri.EscapeDataString("familyName='x'' OR 1=1 --'"), "users"));
        Assert.Equal(5, (await SourcedIdsAsync(http, Base + "/users", "users")).Count);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static async Task<List<string>> SourcedIdsAsync(HttpClient http, string url, string wrapper)
    {
        using var json = await GetJsonAsync(http, url);
        return [.. json.RootElement.GetProperty(wrapper).EnumerateArray().Select(e => e.GetProperty("sourcedId").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private static async Task AssertFailureAsync(HttpResponseMessage response, HttpStatusCode status, string codeMinor)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Empty(OasSchemas.Errors(OasSchemas.Rostering, "imsx_StatusInfoDType", body));
        using var json = JsonDocument.Parse(body);
        Assert.Equal("failure", json.RootElement.GetProperty("imsx_codeMajor").GetString());
        Assert.Equal(codeMinor, json.RootElement.GetProperty("imsx_CodeMinor").GetProperty("imsx_codeMinorField")[0].GetProperty("imsx_codeMinorFieldValue").GetString());
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    private static Dictionary<string, string> Links(HttpResponseMessage response) =>
        LinkPattern().Matches(Header(response, "Link")).ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex("<([^>]*)>; rel=\"(\\w+)\"")]
    private static partial Regex LinkPattern();
}
