using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.Json;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.OneRoster;

/// <summary>The rostering hub's two-school roster plus <see cref="GradebookSamples"/>: categories, scoreScales, lineItems, results and assessments.</summary>
public class GradebookHub : RosteringHub
{
    public override async Task InitializeAsync() => await SeedAsync(this);

    internal static async Task SeedAsync(RosteringHub hub)
    {
        await hub.ImportAsync(Tenant, Package().WithGradebook());
        var store = hub.Services.GetRequiredService<RosterStore>();
        await GradebookSamples.WriteAssessmentsAsync(store, await store.EnsureTenantAsync(Tenant, Tenant));
    }
}

/// <summary>
/// The assessment mapping refuses stored learningObjectiveSet text that is not the OAS JSON array, rather than serving
/// something that is not an AssessmentLineItemDType / AssessmentResultDType.
/// </summary>
public sealed class AssessmentMappingTests
{
    [Theory]
    [InlineData("not json")]
    [InlineData("{\"source\":\"case\"}")]
    [InlineData("[null]")]
    [InlineData("[{\"source\":\"case\"}]")]                 // learningObjectiveIds is required
    public void Stored_learningObjectiveSet_that_is_not_the_OAS_array_is_a_FormatException(string text)
    {
        var mapper = new Koumu.Interop.Schemas.Json.OneRosterJsonMapper("https://hub.example.jp");
        var row = GradebookSamples.AssessmentLineItem("ali-x", "x", learningObjectiveSet: text);
        row[2] = DateTime.UtcNow;
        Assert.Throws<FormatException>(() => mapper.ToAssessmentLineItem(new(Koumu.Interop.Schemas.Csv.CsvBinding.AssessmentLineItems, 0, row, null)));
    }

    [Fact]
    public void An_empty_learningObjectiveSet_is_left_out()
    {
        var mapper = new Koumu.Interop.Schemas.Json.OneRosterJsonMapper("https://hub.example.jp");
        var row = GradebookSamples.AssessmentResult("ar-x", "ali-1", "user-s1", 1, learningObjectiveSet: "[]");
        row[2] = DateTime.UtcNow;
        Assert.Null(mapper.ToAssessmentResult(new(Koumu.Interop.Schemas.Csv.CsvBinding.AssessmentResults, 0, row, null)).LearningObjectiveSet);
    }
}

/// <summary>The same gradebook hub on a PostgreSQL database of its own.</summary>
public sealed class PostgresGradebookHub : GradebookHub
{
    protected override bool OnPostgres => true;
}

/// <summary>The Gradebook read service on the embedded SQLite store.</summary>
public sealed class GradebookReadApiTests(GradebookHub hub) : GradebookReadApiSpecification(hub), IClassFixture<GradebookHub>;

/// <summary>The same specification on PostgreSQL (the membership and confinement SQL runs on both providers).</summary>
public sealed class PostgresGradebookReadApiTests(PostgresGradebookHub hub) : GradebookReadApiSpecification(hub), IClassFixture<PostgresGradebookHub>;

/// <summary>
/// The 19 GET operations of the OneRoster 1.2 Gradebook service (OAS-G) through the real hub pipeline, on
/// <see cref="GradebookHub"/>'s data (see <see cref="GradebookSamples"/>).
/// </summary>
public abstract partial class GradebookReadApiSpecification
{
    private readonly RosteringHub hub;

    protected GradebookReadApiSpecification(RosteringHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private const string Base = GradebookRoutes.Base;

    private static readonly string[] AllScopes =
        [KoumuScopes.GradebookReadonly, KoumuScopes.GradebookCoreReadonly, KoumuScopes.AssessmentReadonly];

    private static readonly Dictionary<string, string> Ids = new()
    {
        ["classSourcedId"] = "class-1", ["lineItemSourcedId"] = "li-1", ["studentSourcedId"] = "user-s1", ["schoolSourcedId"] = "org-school",
    };

    /// <summary>The sourcedId each single route is called with.</summary>
    private static readonly Dictionary<string, string> SingleIds = new()
    {
        ["categories"] = "cat-1", ["lineItems"] = "li-1", ["results"] = "rs-1", ["scoreScales"] = "ss-1",
        ["assessmentLineItems"] = "ali-2", ["assessmentResults"] = "ar-1",
    };

    public static TheoryData<string> Operations() => [.. GradebookRoutes.All.Select(r => r.OperationId)];

    private static RosteringRoute Route(string operationId) => GradebookRoutes.All.Single(r => r.OperationId == operationId);

    private static string PathOf(RosteringRoute route) => Base + PathParameter().Replace(route.Path, m =>
        m.Groups[1].Value == "sourcedId" ? SingleIds[route.Resource.Plural] : Ids[m.Groups[1].Value]);

    [SkippableFact]
    public void The_route_table_has_the_get_operations_paths_and_scopes_of_the_official_gradebook_service()
    {
        using var official = JsonDocument.Parse(File.ReadAllText(Path.Combine(OasSchemas.StandardsFolder(), OasSchemas.Gradebook)));
        var expected = official.RootElement.GetProperty("paths").EnumerateObject()
            .Where(p => p.Value.TryGetProperty("get", out _))
            .Select(p => (Path: p.Name, Operation: p.Value.GetProperty("get")))
            .Select(p => $"{p.Path} {p.Operation.GetProperty("operationId").GetString()} " + string.Join(' ',
                p.Operation.GetProperty("security").EnumerateArray().SelectMany(s => s.GetProperty("OAuth2CC").EnumerateArray())
                    .Select(s => s.GetString()).Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var served = GradebookRoutes.All
            .Select(r => $"{r.Path} {r.OperationId} {string.Join(' ', r.Scopes.Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(19, expected.Count);
        Assert.Equal(expected, served);
        Assert.All(GradebookRoutes.All, r => Assert.Equal("/ims/oneroster/gradebook/v1p2", r.Base));
    }

    [SkippableTheory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_returns_200_with_its_OAS_wrapper_valid_against_the_official_schema(string operationId)
    {
        var route = Route(operationId);
        using var http = await hub.OneRosterClientAsync(route.Scopes.Take(1).ToArray());
        using var response = await http.GetAsync(PathOf(route));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operationId}: {(int)response.StatusCode} {body}");

        var schema = route.Shape == RouteShape.Single ? route.Resource.SingleSchema : route.Resource.SetSchema;
        Assert.Empty(OasSchemas.Errors(OasSchemas.Gradebook, schema, body));
        using var json = JsonDocument.Parse(body);
        if (route.Shape == RouteShape.Single)
        {
            Assert.Equal(SingleIds[route.Resource.Plural], json.RootElement.GetProperty(route.Resource.Singular).GetProperty("sourcedId").GetString());
            Assert.False(response.Headers.Contains("X-Total-Count"));
        }
        else
        {
            var items = json.RootElement.GetProperty(route.Resource.Plural);
            Assert.True(items.GetArrayLength() > 0, $"{operationId} returned no records");
            Assert.Equal(items.GetArrayLength().ToString(CultureInfo.InvariantCulture), Header(response, "X-Total-Count"));
            Assert.Contains("rel=\"first\"", Header(response, "Link"), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public void The_wrappers_are_the_OAS_G_component_names()
    {
        Assert.Equal(
            ["AssessmentLineItemSetDType", "AssessmentResultSetDType", "CategoriesSetDType", "LineItemSetDType", "ResultSetDType", "ScoreScaleSetDType"],
            GradebookRoutes.All.Select(r => r.Resource.SetSchema).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(
            ["SingleAssessmentLineItemDType", "SingleAssessmentResultDType", "SingleCategoryDType", "SingleLineItemDType", "SingleResultDType", "SingleScoreScaleDType"],
            GradebookRoutes.All.Select(r => r.Resource.SingleSchema).Distinct().Order(StringComparer.Ordinal));
    }

    [SkippableTheory]
    [InlineData("/categories", "categories", "cat-1,cat-2,cat-3")]
    [InlineData("/lineItems", "lineItems", "li-1,li-2,li-3")]
    [InlineData("/results", "results", "rs-1,rs-2,rs-3,rs-4")]
    [InlineData("/scoreScales", "scoreScales", "ss-1,ss-2")]
    [InlineData("/assessmentLineItems", "assessmentLineItems", "ali-1,ali-2,ali-3")]
    [InlineData("/assessmentResults", "assessmentResults", "ar-1,ar-2,ar-3")]
    [InlineData("/classes/class-1/categories", "categories", "cat-1,cat-2")]     // the categories class-1's lineItems use
    [InlineData("/classes/class-2/categories", "categories", "cat-1")]
    [InlineData("/classes/class-1/lineItems", "lineItems", "li-1,li-2")]
    [InlineData("/classes/class-2/lineItems", "lineItems", "li-3")]
    [InlineData("/classes/class-1/results", "results", "rs-1,rs-2,rs-3")]       // rs-2 has no class of its own: its lineItem's
    [InlineData("/classes/class-2/results", "results", "rs-4")]
    [InlineData("/classes/class-1/scoreScales", "scoreScales", "ss-1")]
    [InlineData("/classes/class-1/lineItems/li-1/results", "results", "rs-1,rs-2")]
    [InlineData("/classes/class-1/lineItems/li-2/results", "results", "rs-3")]
    [InlineData("/classes/class-1/students/user-s1/results", "results", "rs-1,rs-3")]
    [InlineData("/classes/class-1/students/user-s2/results", "results", "rs-2")]
    [InlineData("/classes/class-2/students/user-s1/results", "results", "")]   // a known student without results there: empty, not 404
    [InlineData("/schools/org-school/scoreScales", "scoreScales", "ss-1")]
    [InlineData("/schools/org-school2/scoreScales", "scoreScales", "ss-2")]
    public async Task Collections_hold_exactly_the_records_of_their_parent(string path, string wrapper, string expected)
    {
        using var http = await hub.OneRosterClientAsync(AllScopes);
        using var response = await http.GetAsync(Base + path);
        var ids = await SourcedIdsAsync(response, wrapper);
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), ids);
        Assert.Equal(ids.Count.ToString(CultureInfo.InvariantCulture), Header(response, "X-Total-Count"));
    }

    [SkippableFact]
    public async Task A_lineItem_carries_its_scoreScale_and_learning_objectives_from_the_link_files()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.GradebookCoreReadonly]);
        using var response = await http.GetAsync(Base + "/lineItems/li-1");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("\\u", body, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(body);
        var lineItem = json.RootElement.GetProperty("lineItem");
        Assert.Equal("1学期 中間テスト", lineItem.GetProperty("title").GetString());
        Assert.Equal("ss-1", lineItem.GetProperty("scoreScale").GetProperty("sourcedId").GetString());
        Assert.EndsWith("/ims/oneroster/gradebook/v1p2/scoreScales/ss-1", lineItem.GetProperty("scoreScale").GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Equal("org-school", lineItem.GetProperty("school").GetProperty("sourcedId").GetString());
        Assert.Equal("2026-05-10T00:00:00.000Z", lineItem.GetProperty("assignDate").GetString());
        var sets = lineItem.GetProperty("learningObjectiveSet").EnumerateArray()
            .ToDictionary(s => s.GetProperty("source").GetString()!, s => s.GetProperty("learningObjectiveIds").EnumerateArray().Select(i => i.GetString()).ToList());
        Assert.Equal(["6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a01", "6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a02"], sets["case"]);
        Assert.Equal(["国語-読むこと"], sets["unknown"]);

        // li-2 has no link rows: neither property is written.
        using var other = JsonDocument.Parse(await (await http.GetAsync(Base + "/lineItems/li-2")).Content.ReadAsStringAsync());
        Assert.False(other.RootElement.GetProperty("lineItem").TryGetProperty("scoreScale", out _));
        Assert.False(other.RootElement.GetProperty("lineItem").TryGetProperty("learningObjectiveSet", out _));
    }

    [SkippableFact]
    public async Task A_result_carries_its_scoreScale_learning_objective_results_and_string_booleans()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.GradebookReadonly]);
        using var json = JsonDocument.Parse(await (await http.GetAsync(Base + "/classes/class-1/lineItems/li-1/results")).Content.ReadAsStringAsync());
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("sourcedId").GetString()!);
        var rs1 = results["rs-1"];
        Assert.Equal("ss-1", rs1.GetProperty("scoreScale").GetProperty("sourcedId").GetString());
        Assert.Equal(85, rs1.GetProperty("score").GetDouble());
        Assert.Equal("false", rs1.GetProperty("late").GetString());
        var objectives = rs1.GetProperty("learningObjectiveSet")[0];
        Assert.Equal("case", objectives.GetProperty("source").GetString());
        Assert.Equal([40.0], objectives.GetProperty("learningObjectiveResults").EnumerateArray()
            .Where(r => r.TryGetProperty("score", out _)).Select(r => r.GetProperty("score").GetDouble()));
        Assert.Equal("A", objectives.GetProperty("learningObjectiveResults").EnumerateArray()
            .Single(r => r.TryGetProperty("textScore", out _)).GetProperty("textScore").GetString());
        Assert.False(results["rs-2"].TryGetProperty("scoreScale", out _));
        Assert.Equal("true", results["rs-2"].GetProperty("inProgress").GetString());
    }

    [SkippableFact]
    public async Task Assessments_map_their_stored_learningObjectiveSet_and_references()
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.AssessmentReadonly]);
        using var line = JsonDocument.Parse(await (await http.GetAsync(Base + "/assessmentLineItems/ali-2")).Content.ReadAsStringAsync());
        var ali2 = line.RootElement.GetProperty("assessmentLineItem");
        Assert.Equal("ali-1", ali2.GetProperty("parentAssessmentLineItem").GetProperty("sourcedId").GetString());
        Assert.Equal("assessmentLineItem", ali2.GetProperty("parentAssessmentLineItem").GetProperty("type").GetString());
        Assert.Equal("class-1", ali2.GetProperty("class").GetProperty("sourcedId").GetString());
        Assert.Equal(100, ali2.GetProperty("resultValueMax").GetDouble());

        using var top = JsonDocument.Parse(await (await http.GetAsync(Base + "/assessmentLineItems/ali-1")).Content.ReadAsStringAsync());
        var ali1 = top.RootElement.GetProperty("assessmentLineItem");
        Assert.False(ali1.TryGetProperty("class", out _));
        Assert.Equal("case", ali1.GetProperty("learningObjectiveSet")[0].GetProperty("source").GetString());

        using var result = JsonDocument.Parse(await (await http.GetAsync(Base + "/assessmentResults/ar-1")).Content.ReadAsStringAsync());
        var ar1 = result.RootElement.GetProperty("assessmentResult");
        Assert.Equal(3, ar1.GetProperty("learningObjectiveSet")[0].GetProperty("learningObjectiveResults")[0].GetProperty("score").GetDouble());
        Assert.Equal("2026-06-01", ar1.GetProperty("scoreDate").GetString());
        Assert.Equal("true", ar1.GetProperty("late").GetString());
        Assert.Equal(90, ar1.GetProperty("scorePercentile").GetDouble());
        using var ext = JsonDocument.Parse(await (await http.GetAsync(Base + "/assessmentResults/ar-3")).Content.ReadAsStringAsync());
        Assert.Equal("ext:reviewed", ext.RootElement.GetProperty("assessmentResult").GetProperty("scoreStatus").GetString());
    }

    [SkippableFact]
    public async Task A_tobedeleted_link_or_lineItem_no_longer_associates_while_the_records_stay_served()
    {
        const string tenant = "board-gb-del";
        await hub.ImportAsync(tenant, RosteringHub.Package().WithGradebook());
        await hub.ImportAsync(tenant, new PackageBuilder()
            .File("lineItems", "delta", PackageBuilder.Header("lineItems"),
                "li-2,tobedeleted,2026-06-10T00:00:00Z,漢字小テスト,,2026-06-01T00:00:00Z,2026-06-02T00:00:00Z,class-1,cat-2,term-1,0,10,org-school")
            .File("lineItemScoreScales", "delta", PackageBuilder.Header("lineItemScoreScales"), "liss-1,tobedeleted,2026-06-10T00:00:00Z,,li-1,ss-1")
            .File("resultLearningObjectiveIds", "delta", PackageBuilder.Header("resultLearningObjectiveIds"),
                "rlo-1,tobedeleted,2026-06-10T00:00:00Z,rs-1,case,6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a01,40,"));
        using var http = await hub.OneRosterClientAsync(AllScopes, tenant: tenant);

        using (var response = await http.GetAsync(Base + "/classes/class-1/categories"))   // cat-2 was used only by li-2
            Assert.Equal(["cat-1"], await SourcedIdsAsync(response, "categories"));
        using (var response = await http.GetAsync(Base + "/classes/class-1/results"))      // rs-3 stays visible for sync
            Assert.Equal(["rs-1", "rs-2", "rs-3"], await SourcedIdsAsync(response, "results"));
        using (var li = JsonDocument.Parse(await (await http.GetAsync(Base + "/lineItems/li-1")).Content.ReadAsStringAsync()))
            Assert.False(li.RootElement.GetProperty("lineItem").TryGetProperty("scoreScale", out _));
        using (var li = JsonDocument.Parse(await (await http.GetAsync(Base + "/lineItems/li-2")).Content.ReadAsStringAsync()))
            Assert.Equal("tobedeleted", li.RootElement.GetProperty("lineItem").GetProperty("status").GetString());
        using var rs = JsonDocument.Parse(await (await http.GetAsync(Base + "/results/rs-1")).Content.ReadAsStringAsync());
        Assert.Equal(["6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a02"], rs.RootElement.GetProperty("result").GetProperty("learningObjectiveSet")[0]
            .GetProperty("learningObjectiveResults").EnumerateArray().Select(r => r.GetProperty("learningObjectiveId").GetString()));
    }

    [SkippableFact]
    public async Task No_token_or_a_forged_token_is_401_unauthorisedrequest()
    {
        foreach (var route in GradebookRoutes.All)
        {
            using var anonymous = hub.CreateHttpsClient();
            using var response = await anonymous.GetAsync(PathOf(route));
            await AssertFailureAsync(response, HttpStatusCode.Unauthorized, "unauthorisedrequest");
        }
        using var forged = hub.CreateHttpsClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        using (var response = await forged.GetAsync(Base + "/results"))
            await AssertFailureAsync(response, HttpStatusCode.Unauthorized, "unauthorisedrequest");
    }

    [SkippableTheory]
    [MemberData(nameof(Operations))]
    public async Task A_token_without_one_of_the_operations_scopes_is_403_forbidden(string operationId)
    {
        var route = Route(operationId);
        // Every other read scope: e.g. gradebook-core.readonly for a relationship read, gradebook.readonly for an
        // assessment read, assessment.readonly for a gradebook read, and the rostering / resources scopes.
        var wrong = new[]
            {
                KoumuScopes.GradebookReadonly, KoumuScopes.GradebookCoreReadonly, KoumuScopes.AssessmentReadonly,
                KoumuScopes.RosterReadonly, KoumuScopes.ResourceReadonly, KoumuScopes.GradebookCreatePut, KoumuScopes.AssessmentCreatePut,
            }
            .Except(route.Scopes).ToArray();
        using var http = await hub.OneRosterClientAsync(wrong);
        using var response = await http.GetAsync(PathOf(route));
        await AssertFailureAsync(response, HttpStatusCode.Forbidden, "forbidden");
    }

    [SkippableTheory]
    [InlineData("/categories/nope")]
    [InlineData("/lineItems/nope")]
    [InlineData("/lineItems/rs-1")]                                       // a result is not a lineItem
    [InlineData("/results/nope")]
    [InlineData("/scoreScales/nope")]
    [InlineData("/assessmentLineItems/li-1")]                              // a lineItem is not an assessmentLineItem
    [InlineData("/assessmentResults/rs-1")]
    [InlineData("/classes/nope/categories")]
    [InlineData("/classes/nope/lineItems")]
    [InlineData("/classes/course-1/results")]                              // a course is not a class
    [InlineData("/classes/nope/scoreScales")]
    [InlineData("/classes/nope/lineItems/li-1/results")]
    [InlineData("/classes/class-1/lineItems/nope/results")]
    [InlineData("/classes/class-1/lineItems/li-3/results")]                // li-3 belongs to class-2
    [InlineData("/classes/class-2/lineItems/li-1/results")]
    [InlineData("/classes/class-1/students/nope/results")]
    [InlineData("/classes/class-1/students/user-t1/results")]              // a teacher is not a student
    [InlineData("/classes/nope/students/user-s1/results")]
    [InlineData("/schools/nope/scoreScales")]
    [InlineData("/schools/org-district/scoreScales")]                      // a district is not a school
    [InlineData("/results/%27%20OR%20%271%27%3D%271")]                     // hostile id is only ever a parameter
    [InlineData("/classes/%27%20OR%20%271%27%3D%271/lineItems")]
    public async Task Unknown_objects_and_unknown_parents_are_404_unknownobject(string path)
    {
        using var http = await hub.OneRosterClientAsync(AllScopes);
        using var response = await http.GetAsync(Base + path);
        await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
    }

    [SkippableFact]
    public async Task A_school_confined_client_sees_only_its_schools_gradebook_and_no_filter_or_route_widens_it()
    {
        using var http = await hub.OneRosterClientAsync(AllScopes, ["org-school"]);

        using (var response = await http.GetAsync(Base + "/categories"))                 // tenant-wide vocabulary
            Assert.Equal(["cat-1", "cat-2", "cat-3"], await SourcedIdsAsync(response, "categories"));
        using (var response = await http.GetAsync(Base + "/lineItems"))
            Assert.Equal(["li-1", "li-2"], await SourcedIdsAsync(response, "lineItems"));
        using (var response = await http.GetAsync(Base + "/results"))
            Assert.Equal(["rs-1", "rs-2", "rs-3"], await SourcedIdsAsync(response, "results"));
        using (var response = await http.GetAsync(Base + "/scoreScales"))
            Assert.Equal(["ss-1"], await SourcedIdsAsync(response, "scoreScales"));
        using (var response = await http.GetAsync(Base + "/assessmentLineItems"))          // ali-1 has no class: tenant-wide
            Assert.Equal(["ali-1", "ali-2"], await SourcedIdsAsync(response, "assessmentLineItems"));
        using (var response = await http.GetAsync(Base + "/assessmentResults"))
            Assert.Equal(["ar-1", "ar-2"], await SourcedIdsAsync(response, "assessmentResults"));

        // An OR in the filter is its own group: it cannot reach the other school's records.
        using (var response = await http.GetAsync(Base + "/lineItems?filter=" + Uri.EscapeDataString("sourcedId='li-3' OR school.sourcedId='org-school2'")))
            Assert.Empty(await SourcedIdsAsync(response, "lineItems"));
        using (var response = await http.GetAsync(Base + "/results?filter=" + Uri.EscapeDataString("student.sourcedId='user-s3' OR lineItem.sourcedId='li-3'")))
            Assert.Empty(await SourcedIdsAsync(response, "results"));
        using (var response = await http.GetAsync(Base + "/assessmentResults?filter=" + Uri.EscapeDataString("student.sourcedId='user-s3' OR sourcedId='ar-3'")))
            Assert.Empty(await SourcedIdsAsync(response, "assessmentResults"));
        using (var response = await http.GetAsync(Base + "/results?fields=sourcedId,score"))
        {
            Assert.Equal(["rs-1", "rs-2", "rs-3"], await SourcedIdsAsync(response, "results"));
            Assert.Equal("3", Header(response, "X-Total-Count"));
        }

        // Objects and parents of the other school do not exist for this client.
        foreach (var path in new[]
                 {
                     "/lineItems/li-3", "/results/rs-4", "/scoreScales/ss-2", "/assessmentLineItems/ali-3", "/assessmentResults/ar-3",
                     "/classes/class-2/lineItems", "/classes/class-2/results", "/classes/class-2/categories", "/classes/class-2/scoreScales",
                     "/classes/class-2/lineItems/li-3/results", "/classes/class-2/students/user-s3/results", "/classes/class-1/students/user-s3/results",
                     "/schools/org-school2/scoreScales",
                 })
        {
            using var response = await http.GetAsync(Base + path);
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        }
    }

    [SkippableFact]
    public async Task A_district_client_sees_both_schools_and_another_tenants_client_sees_nothing()
    {
        using (var district = await hub.OneRosterClientAsync(AllScopes, ["org-district"]))
        using (var response = await district.GetAsync(Base + "/results"))
            Assert.Equal(["rs-1", "rs-2", "rs-3", "rs-4"], await SourcedIdsAsync(response, "results"));

        using var other = await hub.OneRosterClientAsync(AllScopes, tenant: "board-empty");
        foreach (var (path, wrapper) in new[] { ("/categories", "categories"), ("/lineItems", "lineItems"), ("/assessmentResults", "assessmentResults") })
        {
            using var response = await other.GetAsync(Base + path);
            Assert.Empty(await SourcedIdsAsync(response, wrapper));
        }
        using (var response = await other.GetAsync(Base + "/classes/class-1/lineItems"))
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
    }

    [SkippableTheory]
    [InlineData("/lineItems?filter=class.sourcedId%3D'class-1'", "lineItems", "li-1,li-2")]
    [InlineData("/lineItems?filter=category.sourcedId%3D'cat-1'", "lineItems", "li-1,li-3")]
    [InlineData("/lineItems?filter=academicSession.sourcedId%3D'term-1'%20AND%20school.sourcedId%3D'org-school'", "lineItems", "li-2")]
    [InlineData("/results?filter=lineItem.sourcedId%3D'li-1'", "results", "rs-1,rs-2")]
    [InlineData("/results?filter=student.sourcedId%3D'user-s1'", "results", "rs-1,rs-3")]
    [InlineData("/results?filter=score>%3D'80'", "results", "rs-1")]
    [InlineData("/results?filter=scoreStatus%3D'fully graded'", "results", "rs-1,rs-3,rs-4")]
    [InlineData("/scoreScales?filter=class.sourcedId%3D'class-2'", "scoreScales", "ss-2")]
    [InlineData("/categories?filter=title~'テスト'", "categories", "cat-2")]
    [InlineData("/assessmentLineItems?filter=parentAssessmentLineItem.sourcedId%3D'ali-1'", "assessmentLineItems", "ali-2")]
    [InlineData("/assessmentResults?filter=assessmentLineItem.sourcedId%3D'ali-3'", "assessmentResults", "ar-3")]
    [InlineData("/classes/class-1/results?filter=student.sourcedId%3D'user-s2'%20OR%20sourcedId%3D'rs-4'", "results", "rs-2")]
    public async Task Filters_on_dotted_paths_select_within_the_route(string pathAndQuery, string wrapper, string expected)
    {
        using var http = await hub.OneRosterClientAsync(AllScopes);
        using var response = await http.GetAsync(Base + pathAndQuery);
        Assert.Equal(expected.Split(','), await SourcedIdsAsync(response, wrapper));
    }

    [SkippableTheory]
    [InlineData("/lineItems?filter=nosuch%3D'x'", "invalid_filter_field")]
    [InlineData("/lineItems?filter=scoreScale.sourcedId%3D'ss-1'", "invalid_filter_field")]        // from a link file, not a lineItem column
    [InlineData("/scoreScales?filter=org.sourcedId%3D'org-school'", "invalid_filter_field")]       // stored, but not in ScoreScaleDType
    [InlineData("/assessmentLineItems?filter=learningObjectiveSet%3D'x'", "invalid_filter_field")] // JSON, not a scalar
    [InlineData("/results?fields=sourcedId,nosuch", "invalid_selection_field")]
    [InlineData("/categories?limit=0", "invaliddata")]
    [InlineData("/results?cursor=forged", "invaliddata")]
    public async Task Bad_query_parameters_are_400_with_the_engines_codeMinor(string pathAndQuery, string codeMinor)
    {
        using var http = await hub.OneRosterClientAsync(AllScopes);
        using var response = await http.GetAsync(Base + pathAndQuery);
        await AssertFailureAsync(response, HttpStatusCode.BadRequest, codeMinor);
    }

    [SkippableFact]
    public async Task Fields_select_properties_and_paging_visits_every_result_once()
    {
        using var http = await hub.OneRosterClientAsync(AllScopes);
        using (var response = await http.GetAsync(Base + "/lineItems/li-1?fields=sourcedId,scoreScale"))
        {
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(["sourcedId", "scoreScale"], json.RootElement.GetProperty("lineItem").EnumerateObject().Select(p => p.Name));
        }
        var seen = new List<string>();
        string? url = Base + "/results?limit=1&sort=scoreDate";
        while (url is not null)
        {
            using var response = await http.GetAsync(url);
            Assert.Equal("4", Header(response, "X-Total-Count"));
            seen.AddRange(await SourcedIdsAsync(response, "results"));
            url = LinkPattern().Matches(Header(response, "Link")).Where(m => m.Groups[2].Value == "next").Select(m => m.Groups[1].Value).FirstOrDefault();
            Assert.True(seen.Count <= 4, "the next links do not end");
        }
        Assert.Equal(["rs-1", "rs-2", "rs-3", "rs-4"], seen.Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Oversized_and_hostile_input_gets_a_OneRoster_answer_never_a_crash()
    {
        using var http = await hub.OneRosterClientAsync(AllScopes, ["org-school"]);
        using (var response = await http.GetAsync(Base + "/results?limit=99999999999999"))
            Assert.Equal(3, (await SourcedIdsAsync(response, "results")).Count);
        using (var response = await http.GetAsync(Base + "/lineItems/" + new string('x', 20_000)))
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        using (var response = await http.GetAsync(Base + "/classes/class-1/lineItems/" + new string('x', 20_000) + "/results"))
            await AssertFailureAsync(response, HttpStatusCode.NotFound, "unknownobject");
        using (var response = await http.GetAsync(Base + "/results?fields=" + string.Join(',', Enumerable.Repeat("nosuch", 5_000))))
            await AssertFailureAsync(response, HttpStatusCode.BadRequest, "invalid_selection_field");
        // SQL text in a filter value is a parameter value: it matches nothing and widens nothing.
        using (var response = await http.GetAsync(Base + "/results?filter=" + Uri.EscapeDataString("comment='x'' OR 1=1 --'")))
            Assert.Empty(await SourcedIdsAsync(response, "results"));
        using (var response = await http.GetAsync(Base + "/assessmentResults?filter=" + Uri.EscapeDataString("comment~'%' OR student.sourcedId='user-s3'")))
            Assert.DoesNotContain("ar-3", await SourcedIdsAsync(response, "assessmentResults"));
        using (var response = await http.GetAsync(Base + "/lineItems?filter=" + Uri.EscapeDataString("title~'" + new string('\'', 10_000) + "'")))
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, response.StatusCode.ToString());
        using (var response = await http.GetAsync(Base + "/lineItems?filter=" + Uri.EscapeDataString(string.Join(" AND ", Enumerable.Repeat("title='a'", 2_000)))))
            await AssertFailureAsync(response, HttpStatusCode.BadRequest, "invalid_filter_field");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static async Task<List<string>> SourcedIdsAsync(HttpResponseMessage response, string wrapper)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        return [.. json.RootElement.GetProperty(wrapper).EnumerateArray().Select(e => e.GetProperty("sourcedId").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task AssertFailureAsync(HttpResponseMessage response, HttpStatusCode status, string codeMinor)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {body}");
        Assert.Empty(OasSchemas.Errors(OasSchemas.Gradebook, "imsx_StatusInfoDType", body));
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
