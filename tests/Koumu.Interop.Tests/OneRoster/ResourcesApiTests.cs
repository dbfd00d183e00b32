using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Tests.Json;

namespace Koumu.Interop.Tests.OneRoster;

/// <summary>The OneRoster 1.2 Resources service on the embedded SQLite store.</summary>
public sealed class ResourcesApiTests(RosteringHub hub) : ResourcesApiSpecification(hub), IClassFixture<RosteringHub>;

/// <summary>The same specification on PostgreSQL (the membership SQL runs on both providers).</summary>
public sealed class PostgresResourcesApiTests(PostgresRosteringHub hub) : ResourcesApiSpecification(hub), IClassFixture<PostgresRosteringHub>;

/// <summary>
/// The OneRoster 1.2 Resources service (5 GET operations, OAS-Res) through the real hub pipeline, on the roster of
/// <see cref="RosteringHub"/>: res-1 and res-2 in class-1 (org-school), res-1 in course-1, res-3 in course-2
/// (org-school2), res-2 for user-s1, res-3 for user-s3.
/// </summary>
public abstract partial class ResourcesApiSpecification
{
    private readonly RosteringHub hub;

    protected ResourcesApiSpecification(RosteringHub hub)
    {
        // Skipped locally when PostgreSQL is unreachable; under CI the fixture fails instead.
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private const string Base = ResourcesRoutes.Base;

    private static readonly Dictionary<string, string> Ids = new()
    {
        ["sourcedId"] = "res-1", ["classSourcedId"] = "class-1", ["courseSourcedId"] = "course-1", ["userSourcedId"] = "user-s1",
    };

    public static TheoryData<string> Operations() => [.. ResourcesRoutes.All.Select(r => r.OperationId)];

    private static RosteringRoute Route(string operationId) => ResourcesRoutes.All.Single(r => r.OperationId == operationId);

    [SkippableFact]
    public void The_route_table_has_the_operations_paths_and_scopes_of_the_official_resources_service()
    {
        using var official = JsonDocument.Parse(File.ReadAllText(Path.Combine(OasSchemas.StandardsFolder(), OasSchemas.Resources)));
        var expected = official.RootElement.GetProperty("paths").EnumerateObject()
            .Select(p => (Path: p.Name, Operation: p.Value.GetProperty("get")))
            .Select(p => $"{p.Path} {p.Operation.GetProperty("operationId").GetString()} " + string.Join(' ',
                p.Operation.GetProperty("security").EnumerateArray().SelectMany(s => s.GetProperty("OAuth2CC").EnumerateArray())
                    .Select(s => s.GetString()).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal);
        var served = ResourcesRoutes.All
            .Select(r => $"{r.Path} {r.OperationId} {string.Join(' ', r.Scopes.Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(expected, served);
        Assert.All(ResourcesRoutes.All, r => Assert.Equal("/ims/oneroster/resources/v1p2", r.Base));
        Assert.Equal(65, OneRosterRoutes.All.Select(r => r.Base + r.Path).Distinct().Count()); // 41 Rostering + 19 Gradebook reads + 5 Resources
    }

    [SkippableTheory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_returns_200_with_its_OAS_wrapper_valid_against_the_official_schema(string operationId)
    {
        var route = Route(operationId);
        using var http = await hub.OneRosterClientAsync(route.Scopes.Take(1).ToArray());
        using var response = await http.GetAsync(Base + PathParameter().Replace(route.Path, m => Ids[m.Groups[1].Value]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operationId}: {(int)response.StatusCode} {body}");

        var schema = route.Shape == RouteShape.Single ? "SingleResourceDType" : "ResourceSetDType";
        Assert.Equal(schema, route.Shape == RouteShape.Single ? route.Resource.SingleSchema : route.Resource.SetSchema);
        Assert.Empty(OasSchemas.Errors(OasSchemas.Resources, schema, body));
        using var json = JsonDocument.Parse(body);
        if (route.Shape == RouteShape.Single)
        {
            Assert.Equal("res-1", json.RootElement.GetProperty("resource").GetProperty("sourcedId").GetString());
            Assert.False(response.Headers.Contains("X-Total-Count"));
        }
        else
        {
            var items = json.RootElement.GetProperty("resources");
            Assert.True(items.GetArrayLength() > 0, $"{operationId} returned no records");
            Assert.Equal(items.GetArrayLength().ToString(CultureInfo.InvariantCulture), Header(response, "X-Total-Count"));
            Assert.Contains("rel=\"first\"", Header(response, "Link"), StringComparison.Ordinal);
        }
    }

    [SkippableTheory]
    [InlineData("/resources", "res-1,res-2,res-3")]
    [InlineData("/classes/class-1/resources", "res-1,res-2")]
    [InlineData("/courses/course-1/resources", "res-1")]
    [InlineData("/courses/course-2/resources", "res-3")]
    [InlineData("/users/user-s1/resources", "res-2")]
    [InlineData("/users/user-s3/resources", "res-3")]
    [InlineData("/classes/class-2/resources", "")]   // a known class without resources: an empty page, not 404
    [InlineData("/users/user-t1/resources", "")]
    public async Task Collections_hold_exactly_the_resources_linked_to_their_parent(string path, string expected)
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.ResourceReadonly]);
        using var response = await http.GetAsync(Base + path);
        var ids = await SourcedIdsAsync(response);
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), ids);
        Assert.Equal(ids.Count.ToString(CultureInfo.InvariantCulture), Header(response, "X-Total-Count"));
    }

    [SkippableFact]
    public async Task A_resource_is_the_OAS_ResourceDType_with_Japanese_text_as_utf8()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.ResourceCoreReadonly]);
        using var response = await http.GetAsync(Base + "/resources/res-1");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"title\":\"国語デジタル教科書\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var resource = json.RootElement.GetProperty("resource");
        Assert.Equal("vr-001", resource.GetProperty("vendorResourceId").GetString());
        Assert.Equal("primary", resource.GetProperty("importance").GetString());
        Assert.Equal(["student"], resource.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("active", resource.GetProperty("status").GetString());
    }

    [SkippableFact]
    public async Task No_token_or_a_forged_token_is_401_unauthorisedrequest()
    {
        using var anonymous = hub.CreateHttpsClient();
        using (var response = await anonymous.GetAsync(Base + "/resources"))
            await AssertFailureAsync(response, HttpStatusCode.Unauthorized, "unauthorisedrequest");

        using var forged = hub.CreateHttpsClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        using (var response = await forged.GetAsync(Base + "/classes/class-1/resources"))
            await AssertFailureAsync(response, HttpStatusCode.Unauthorized, "unauthorisedrequest");
    }

    [SkippableTheory]
    [InlineData(KoumuScopes.ResourceCoreReadonly, "/classes/class-1/resources")] // relationship reads need resource.readonly
    [InlineData(KoumuScopes.ResourceCoreReadonly, "/courses/course-1/resources")]
    [InlineData(KoumuScopes.ResourceCoreReadonly, "/users/user-s1/resources")]
    [InlineData(KoumuScopes.RosterReadonly, "/resources")]                       // a rostering scope is not a resources scope
    [InlineData(KoumuScopes.RosterReadonly, "/resources/res-1")]
    [InlineData(KoumuScopes.Admin, "/resources")]
    public async Task A_token_without_the_operations_scope_is_403_forbidden(string scope, string path)
    {
        using var http = await hub.OneRosterClientAsync([scope]);
        using var response = await http.GetAsync(Base + path);
        await AssertFailureAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [SkippableTheory]
    [InlineData("/resources/nope")]
    [InlineData("/resources/cr-1")]                                // a link row is not a resource
    [InlineData("/classes/nope/resources")]
    [InlineData("/classes/course-1/resources")]                    // a course is not a class
    [InlineData("/courses/nope/resources")]
    [InlineData("/users/nope/resources")]
    [InlineData("/resources/%27%20OR%20%271%27%3D%271")]           // hostile id is only ever a parameter
    [InlineData("/users/%27%20OR%20%271%27%3D%271/resources")]
    public async Task Unknown_resources_and_unknown_parents_are_404_unknownobject(string path)
    {
        using var http = await hub.OneRosterClientAsync(RosteringHub.AllResourceScopes);
        using var response = await http.GetAsync(Base + path);
        await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
    }

    [SkippableTheory]
    [InlineData("/resources?filter=nosuch%3D'x'", "invalid_filter_field")]
    [InlineData("/resources?filter=title", "invalid_filter_field")]
    [InlineData("/classes/class-1/resources?filter=classSourcedId%3D'class-1'", "invalid_filter_field")] // the link's column is not a resource field
    [InlineData("/resources?fields=sourcedId,nosuch", "invalid_selection_field")]
    [InlineData("/resources/res-1?fields=", "invalid_selection_field")]
    [InlineData("/resources?sort=nosuch", "invalid_sort_field")]              // only the OAS-Res codeMinor enum has invalid_sort_field
    [InlineData("/courses/course-1/resources?limit=0", "invaliddata")]
    [InlineData("/resources?offset=-1", "invaliddata")]
    [InlineData("/users/user-s1/resources?orderBy=up", "invaliddata")]
    [InlineData("/resources?cursor=forged", "invaliddata")]
    public async Task Bad_query_parameters_are_400_with_the_engines_codeMinor(string pathAndQuery, string codeMinor)
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.ResourceReadonly]);
        using var response = await http.GetAsync(Base + pathAndQuery);
        await AssertFailureAsync(response, HttpStatusCode.BadRequest, codeMinor);
    }

    [SkippableFact]
    public async Task Filter_sort_and_fields_apply_within_a_parents_resources_and_OR_cannot_leave_the_parent()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.ResourceReadonly]);
        using (var response = await http.GetAsync(Base + "/classes/class-1/resources?filter=" + Uri.EscapeDataString("sourcedId='res-3' OR sourcedId='res-1'")))
            Assert.Equal(["res-1"], await SourcedIdsAsync(response));
        using (var response = await http.GetAsync(Base + "/resources?filter=" + Uri.EscapeDataString("importance='secondary'")))
            Assert.Equal(["res-2"], await SourcedIdsAsync(response));

        using var sorted = await http.GetAsync(Base + "/classes/class-1/resources?sort=vendorResourceId&orderBy=desc&fields=sourcedId,vendorResourceId");
        using var json = JsonDocument.Parse(await sorted.Content.ReadAsStringAsync());
        var items = json.RootElement.GetProperty("resources").EnumerateArray().ToList();
        Assert.Equal(["vr-002", "vr-001"], items.Select(i => i.GetProperty("vendorResourceId").GetString()));
        Assert.All(items, i => Assert.Equal(["sourcedId", "vendorResourceId"], i.EnumerateObject().Select(p => p.Name)));
    }

    [SkippableFact]
    public async Task A_school_confined_client_sees_the_catalogue_but_not_classes_courses_or_users_outside_its_orgs()
    {
        using var http = await hub.OneRosterClientAsync(RosteringHub.AllResourceScopes, ["org-school"]);

        // Resources carry no org and no personal data: the catalogue is the tenant's.
        using (var response = await http.GetAsync(Base + "/resources"))
            Assert.Equal(["res-1", "res-2", "res-3"], await SourcedIdsAsync(response));
        using (var response = await http.GetAsync(Base + "/resources/res-3"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var response = await http.GetAsync(Base + "/classes/class-1/resources"))
            Assert.Equal(["res-1", "res-2"], await SourcedIdsAsync(response));
        using (var response = await http.GetAsync(Base + "/users/user-s1/resources"))
            Assert.Equal(["res-2"], await SourcedIdsAsync(response));

        // The parent is confined: a class, course or user of another school does not exist for this client.
        foreach (var path in new[] { "/classes/class-2/resources", "/courses/course-2/resources", "/users/user-s3/resources" })
        {
            using var response = await http.GetAsync(Base + path);
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        }
    }

    [SkippableFact]
    public async Task Another_tenants_client_sees_no_resource_and_no_parent_of_this_tenant()
    {
        using var http = await hub.OneRosterClientAsync(RosteringHub.AllResourceScopes, tenant: "board-empty");
        using (var response = await http.GetAsync(Base + "/resources"))
            Assert.Empty(await SourcedIdsAsync(response));
        foreach (var path in new[] { "/resources/res-1", "/classes/class-1/resources" })
        {
            using var response = await http.GetAsync(Base + path);
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        }
    }

    [SkippableFact]
    public async Task Following_next_links_visits_every_resource_once()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.ResourceReadonly]);
        var seen = new List<string>();
        string? url = Base + "/resources?limit=1&sort=title";
        while (url is not null)
        {
            using var response = await http.GetAsync(url);
            Assert.Equal("3", Header(response, "X-Total-Count"));
            var links = LinkPattern().Matches(Header(response, "Link")).ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
            Assert.EndsWith("offset=2", links["last"], StringComparison.Ordinal);
            seen.AddRange(await SourcedIdsAsync(response));
            url = links.GetValueOrDefault("next");
            Assert.True(seen.Count <= 3, "the next links do not end");
        }
        Assert.Equal(["res-1", "res-2", "res-3"], seen.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task A_tobedeleted_link_no_longer_associates_while_the_resource_stays_served()
    {
        await hub.ImportAsync("board-res-del", RosteringHub.Package());
        // A bulk classResources file without cr-2 marks the link tobedeleted; res-2 itself is still in resources.csv.
        await hub.ImportAsync("board-res-del", RosteringHub.Package()
            .File("classResources", "bulk", TestSupport.PackageBuilder.Header("classResources"), RosteringHub.ClassResourceRows[0]));
        using var http = await hub.OneRosterClientAsync([KoumuScopes.ResourceReadonly], tenant: "board-res-del");
        using (var response = await http.GetAsync(Base + "/classes/class-1/resources"))
            Assert.Equal(["res-1"], await SourcedIdsAsync(response));
        using (var response = await http.GetAsync(Base + "/resources/res-2"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [SkippableFact]
    public async Task Oversized_and_hostile_input_gets_a_OneRoster_answer_never_a_crash()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.ResourceReadonly]);
        using (var response = await http.GetAsync(Base + "/resources?limit=99999999999999"))
            Assert.Equal(3, (await SourcedIdsAsync(response)).Count);
        using (var response = await http.GetAsync(Base + "/resources/" + new string('x', 20_000)))
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        using (var response = await http.GetAsync(Base + "/classes/" + new string('x', 20_000) + "/resources"))
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        using (var response = await http.GetAsync(Base + "/resources?fields=" + string.Join(',', Enumerable.Repeat("nosuch", 5_000))))
            await AssertFailureAsync(response, HttpStatusCode.BadRequest, "invalid_selection_field");
        // SQL text in a filter value is a parameter value: it matches nothing and widens nothing.
        using (var response = await http.GetAsync(Base + "/classes/class-1/resources?filter=" + Uri.EscapeDataString("title='x'' OR 1=1 --'")))
            Assert.Empty(await SourcedIdsAsync(response));
        using (var response = await http.GetAsync(Base + "/resources?filter=" + Uri.EscapeDataString("title~'" + new string('\'', 10_000) + "'")))
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, response.StatusCode.ToString());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static async Task<List<string>> SourcedIdsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty("resources").EnumerateArray().Select(e => e.GetProperty("sourcedId").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task AssertFailureAsync(HttpResponseMessage response, HttpStatusCode status, string codeMinor)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Empty(OasSchemas.Errors(OasSchemas.Resources, "imsx_StatusInfoDType", body));
        using var json = JsonDocument.Parse(body);
        Assert.Equal("failure", json.RootElement.GetProperty("imsx_codeMajor").GetString());
        Assert.Equal(codeMinor, json.RootElement.GetProperty("imsx_CodeMinor").GetProperty("imsx_codeMinorField")[0].GetProperty("imsx_codeMinorFieldValue").GetString());
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : "";

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex PathParameter();

    [GeneratedRegex("<([^>]*)>; rel=\"(\\w+)\"")]
    private static partial Regex LinkPattern();
}
