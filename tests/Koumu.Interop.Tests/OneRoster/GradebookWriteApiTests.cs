using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;
using Koumu.Interop.Storage.Writes;
using Koumu.Interop.Tests.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.OneRoster;

/// <summary>The Gradebook write operations on the embedded SQLite store.</summary>
public sealed class GradebookWriteApiTests(RosteringHub hub) : GradebookWriteApiSpecification(hub), IClassFixture<RosteringHub>;

/// <summary>The same specification on PostgreSQL.</summary>
public sealed class PostgresGradebookWriteApiTests(PostgresRosteringHub hub) : GradebookWriteApiSpecification(hub), IClassFixture<PostgresRosteringHub>;

/// <summary>
/// The 16 write operations of the OneRoster 1.2 Gradebook service (OAS-G) through the real hub: every write is a delta
/// package through the import pipeline. The hub's roster: org-school (class-1, students user-s1, user-s2) and
/// org-school2 (class-2, student user-s3), term-1, gp-1. Each test writes records with ids of its own.
/// </summary>
public abstract class GradebookWriteApiSpecification
{
    private readonly RosteringHub hub;

    protected GradebookWriteApiSpecification(RosteringHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private const string Base = GradebookWriteEndpoints.Base;

    private static readonly string[] WriteScopes =
    [
        KoumuScopes.GradebookCreatePut, KoumuScopes.GradebookCreatePost, KoumuScopes.GradebookDelete,
        KoumuScopes.AssessmentCreatePut, KoumuScopes.AssessmentDelete,
    ];

    private Task<HttpClient> WriterAsync(string[]? orgs = null) => hub.OneRosterClientAsync(WriteScopes, orgs);

    private static StringContent Json(object body) => new(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static object Category(string title = "小テスト") => new { category = new { title } };

    private static Dictionary<string, object?> LineItem(string id, string cls = "class-1", string school = "org-school", string category = "cat-w") => new()
    {
        ["sourcedId"] = id, ["status"] = "active", ["dateLastModified"] = "2026-05-01T00:00:00Z", ["title"] = "単元テスト",
        ["assignDate"] = "2026-05-01T00:00:00Z", ["dueDate"] = "2026-05-10T00:00:00Z",
        ["class"] = Ref("class", cls), ["school"] = Ref("org", school), ["category"] = Ref("category", category),
        ["academicSession"] = Ref("academicSession", "term-1"),
    };

    private static Dictionary<string, object?> Result(string id, string lineItem, string student = "user-s1", string status = "fully graded") => new()
    {
        ["sourcedId"] = id, ["status"] = "active", ["dateLastModified"] = "2026-05-01T00:00:00Z",
        ["lineItem"] = Ref("lineItem", lineItem), ["student"] = Ref("user", student), ["scoreStatus"] = status,
        ["score"] = 87.5, ["scoreDate"] = "2026-05-11",
    };

    private static object Ref(string type, string id) => new { href = "https://x.example/" + id, sourcedId = id, type };

    private async Task PutOkAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PutAsync(new Uri(Base + path, UriKind.Relative), Json(body));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task SetUpLineItemAsync(HttpClient http, string lineItem, string cls = "class-1", string school = "org-school")
    {
        await PutOkAsync(http, "/categories/cat-w", Category());
        await PutOkAsync(http, "/lineItems/" + lineItem, new { lineItem = LineItem(lineItem, cls, school) });
    }

    /// <summary>The stored record (any status) through the query engine, or null.</summary>
    private async Task<CsvRecord?> StoredAsync(QueryCollection collection, string id)
    {
        var store = hub.Services.GetRequiredService<RosterStore>();
        var tenant = (await store.FindTenantAsync(RosteringHub.Tenant))!.Value;
        var query = RosterQueryParser.Parse(collection, new QueryParameters()).Value;
        var plan = RosterQueryCompiler.Compile(query, store.Options.Provider, tenant, QueryConfinement.FieldIn("sourcedId", [id]));
        var page = await new RosterQueryExecutor(store).ReadPageAsync(plan, includeTotal: false);
        return page.Records.SingleOrDefault();
    }

    /// <summary>(active, tobedeleted) counts of a link table's rows for one owner.</summary>
    private async Task<(long Active, long Deleted)> LinkRowsAsync(CsvFileDefinition link, string ownerColumn, string owner)
    {
        var store = hub.Services.GetRequiredService<RosterStore>();
        await using var db = store.CreateDbContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT status, COUNT(*) FROM {link.StorageName} WHERE {link.Column(ownerColumn).SqlName} = @o GROUP BY status";
        var p = command.CreateParameter();
        p.ParameterName = "o";
        p.Value = owner;
        command.Parameters.Add(p);
        long active = 0, deleted = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (reader.GetString(0) == "active") active = reader.GetInt64(1); else deleted = reader.GetInt64(1);
        }
        return (active, deleted);
    }

    private static async Task<JsonElement> ImsxAsync(HttpResponseMessage response, HttpStatusCode status, string codeMinor)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        Assert.Empty(OasSchemas.Errors(OasSchemas.Gradebook, "imsx_StatusInfoDType", body));
        var json = JsonDocument.Parse(body).RootElement;
        Assert.All(json.GetProperty("imsx_CodeMinor").GetProperty("imsx_codeMinorField").EnumerateArray(),
            f => Assert.Equal(codeMinor, f.GetProperty("imsx_codeMinorFieldValue").GetString()));
        return json;
    }

    private static string Description(JsonElement imsx) => imsx.GetProperty("imsx_description").GetString()!;

    // ---- the route table -------------------------------------------------------------------------------------------

    [SkippableFact]
    public void The_route_table_has_the_16_write_operations_of_OAS_G_with_their_security_scopes()
    {
        using var oas = JsonDocument.Parse(File.ReadAllText(Path.Combine(OasSchemas.StandardsFolder(), OasSchemas.Gradebook)));
        var expected = new List<string>();
        foreach (var path in oas.RootElement.GetProperty("paths").EnumerateObject())
            foreach (var op in path.Value.EnumerateObject().Where(o => o.Name is "put" or "post" or "delete"))
                expected.Add($"{op.Name.ToUpperInvariant()} {path.Name} {op.Value.GetProperty("operationId").GetString()} " +
                    op.Value.GetProperty("security")[0].GetProperty("OAuth2CC")[0].GetString());
        var served = GradebookWriteEndpoints.All.Select(r => $"{r.Method} {r.Path} {r.OperationId} {r.Scope}");
        Assert.Equal(expected.Order(StringComparer.Ordinal), served.Order(StringComparer.Ordinal));
    }

    // ---- PUT / DELETE happy paths ------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Put_category_creates_it_with_201_and_no_body_and_a_repeated_put_replaces_it()
    {
        using var http = await WriterAsync();
        using (var response = await http.PutAsync(new Uri(Base + "/categories/cat-put", UriKind.Relative), Json(new { category = new { sourcedId = "cat-put", title = "定期考査", weight = 0.4 } })))
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
        var stored = await StoredAsync(QueryCollections.Categories, "cat-put");
        Assert.Equal("定期考査", stored!.Text("title"));
        Assert.Equal(0.4, stored["weight"]);

        await PutOkAsync(http, "/categories/cat-put", new { category = new { title = "期末考査" } });
        stored = await StoredAsync(QueryCollections.Categories, "cat-put");
        Assert.Equal("期末考査", stored!.Text("title"));
        Assert.Null(stored["weight"]); // PUT replaces the whole object
    }

    [SkippableFact]
    public async Task Put_line_item_stores_learning_objectives_and_score_scale_as_link_rows_and_a_repeated_put_replaces_them()
    {
        using var http = await WriterAsync();
        await SetUpLineItemAsync(http, "li-lo");
        await PutOkAsync(http, "/scoreScales/ss-lo", new
        {
            scoreScale = new { title = "5段階", type = "評定", @class = Ref("class", "class-1"), scoreScaleValue = new[] { new { itemValueLHS = "5", itemValueRHS = "90-100" } } },
        });
        var body = LineItem("li-lo");
        body["scoreScale"] = Ref("scoreScale", "ss-lo");
        body["learningObjectiveSet"] = new[] { new { source = "case", learningObjectiveIds = new[] { "LO-1", "LO-2" } } };
        await PutOkAsync(http, "/lineItems/li-lo", new { lineItem = body });
        await PutOkAsync(http, "/lineItems/li-lo", new { lineItem = body });
        Assert.Equal((2, 0), await LinkRowsAsync(CsvBinding.LineItemLearningObjectiveIds, "lineItemSourcedId", "li-lo"));
        Assert.Equal((1, 0), await LinkRowsAsync(CsvBinding.LineItemScoreScales, "lineItemSourcedId", "li-lo"));

        body["learningObjectiveSet"] = new[] { new { source = "case", learningObjectiveIds = new[] { "LO-2", "LO-3" } } };
        body.Remove("scoreScale");
        await PutOkAsync(http, "/lineItems/li-lo", new { lineItem = body });
        Assert.Equal((2, 1), await LinkRowsAsync(CsvBinding.LineItemLearningObjectiveIds, "lineItemSourcedId", "li-lo"));
        Assert.Equal((0, 1), await LinkRowsAsync(CsvBinding.LineItemScoreScales, "lineItemSourcedId", "li-lo"));

        var stored = await StoredAsync(QueryCollections.ScoreScales, "ss-lo");
        Assert.Equal("org-school", stored!.Text("orgSourcedId")); // the class's school (ScoreScaleDType has no org)
        Assert.Equal("{5:90-100}", stored.Text("scoreScaleValue"));
    }

    [SkippableFact]
    public async Task Put_result_stores_it_with_its_learning_objective_scores()
    {
        using var http = await WriterAsync();
        await SetUpLineItemAsync(http, "li-r");
        var result = Result("r-put", "li-r");
        result["late"] = "true";
        result["learningObjectiveSet"] = new[] { new { source = "case", learningObjectiveResults = new object[] { new { learningObjectiveId = "LO-1", score = 3 } } } };
        await PutOkAsync(http, "/results/r-put", new { result });
        var stored = await StoredAsync(QueryCollections.Results, "r-put");
        Assert.Equal("fully graded", stored!.Text("scoreStatus"));
        Assert.Equal(87.5, stored["score"]);
        Assert.Equal(true, stored["late"]);
        Assert.Equal((1, 0), await LinkRowsAsync(CsvBinding.ResultLearningObjectiveIds, "resultSourcedId", "r-put"));
    }

    [SkippableFact]
    public async Task Put_and_delete_assessment_line_item_and_result()
    {
        using var http = await WriterAsync();
        await PutOkAsync(http, "/assessmentLineItems/ali-1", new
        {
            assessmentLineItem = new
            {
                title = "全国学力調査", @class = Ref("class", "class-1"),
                learningObjectiveSet = new[] { new { source = "case", learningObjectiveIds = new[] { "A1" } } },
            },
        });
        await PutOkAsync(http, "/assessmentResults/ar-1", new
        {
            assessmentResult = new { assessmentLineItem = Ref("assessmentLineItem", "ali-1"), student = Ref("user", "user-s1"), scoreDate = "2026-06-01", scoreStatus = "submitted", scorePercentile = 71.5 },
        });
        var line = await StoredAsync(QueryCollections.AssessmentLineItems, "ali-1");
        Assert.Equal("""[{"source":"case","learningObjectiveIds":["A1"]}]""", line!.Text("learningObjectiveSet"));
        Assert.Equal(71.5, (await StoredAsync(QueryCollections.AssessmentResults, "ar-1"))!["scorePercentile"]);

        using (var response = await http.DeleteAsync(new Uri(Base + "/assessmentResults/ar-1", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using (var response = await http.DeleteAsync(new Uri(Base + "/assessmentLineItems/ali-1", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.True((await StoredAsync(QueryCollections.AssessmentResults, "ar-1"))!.IsDeletion);
        Assert.True((await StoredAsync(QueryCollections.AssessmentLineItems, "ali-1"))!.IsDeletion);
    }

    [SkippableTheory]
    [InlineData("categories")]
    [InlineData("lineItems")]
    [InlineData("results")]
    [InlineData("scoreScales")]
    public async Task Delete_marks_the_record_tobedeleted_with_a_new_date_and_a_second_delete_answers_204_and_changes_nothing(string collection)
    {
        using var http = await WriterAsync();
        await SetUpLineItemAsync(http, "li-del-" + collection);
        var id = collection + "-del";
        switch (collection)
        {
            case "categories": await PutOkAsync(http, "/categories/" + id, Category()); break;
            case "lineItems": await PutOkAsync(http, "/lineItems/" + id, new { lineItem = LineItem(id) }); break;
            case "results": await PutOkAsync(http, "/results/" + id, new { result = Result(id, "li-del-" + collection) }); break;
            default:
                await PutOkAsync(http, "/scoreScales/" + id, new { scoreScale = new { title = "A-C", type = "t", @class = Ref("class", "class-1"), scoreScaleValue = new[] { new { itemValueLHS = "A", itemValueRHS = "80" } } } });
                break;
        }
        var queryCollection = QueryCollections.Find(collection)!;
        var before = (DateTime)(await StoredAsync(queryCollection, id))!["dateLastModified"]!;
        await Task.Delay(5);
        using (var response = await http.DeleteAsync(new Uri(Base + "/" + collection + "/" + id, UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var deleted = await StoredAsync(queryCollection, id);
        Assert.True(deleted!.IsDeletion);
        var when = (DateTime)deleted["dateLastModified"]!;
        Assert.True(when > before);

        using (var again = await http.DeleteAsync(new Uri(Base + "/" + collection + "/" + id, UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(when, (DateTime)(await StoredAsync(queryCollection, id))!["dateLastModified"]!);
    }

    [SkippableFact]
    public async Task Delete_line_item_also_marks_its_link_rows_tobedeleted()
    {
        using var http = await WriterAsync();
        await PutOkAsync(http, "/categories/cat-w", Category());
        var body = LineItem("li-dl");
        body["learningObjectiveSet"] = new[] { new { source = "case", learningObjectiveIds = new[] { "X" } } };
        await PutOkAsync(http, "/lineItems/li-dl", new { lineItem = body });
        using var response = await http.DeleteAsync(new Uri(Base + "/lineItems/li-dl", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal((0, 1), await LinkRowsAsync(CsvBinding.LineItemLearningObjectiveIds, "lineItemSourcedId", "li-dl"));
    }

    [SkippableTheory]
    [InlineData("categories")]
    [InlineData("lineItems")]
    [InlineData("results")]
    [InlineData("scoreScales")]
    [InlineData("assessmentLineItems")]
    [InlineData("assessmentResults")]
    public async Task Delete_of_an_unknown_id_is_404_unknownobject(string collection)
    {
        using var http = await WriterAsync();
        using var response = await http.DeleteAsync(new Uri(Base + "/" + collection + "/no-such-id", UriKind.Relative));
        await ImsxAsync(response, HttpStatusCode.NotFound, "unknownobject");
    }

    // ---- POST ---------------------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Post_line_items_for_class_allocates_ids_and_answers_the_pairs()
    {
        using var http = await WriterAsync();
        await PutOkAsync(http, "/categories/cat-w", Category());
        var a = LineItem("tmp-a");
        a.Remove("class");
        a.Remove("school"); // both from the path's class
        var b = LineItem("tmp-b");
        using var response = await http.PostAsync(new Uri(Base + "/classes/class-1/lineItems", UriKind.Relative), Json(new { lineItems = new[] { a, b } }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        Assert.Empty(OasSchemas.Errors(OasSchemas.Gradebook, "GUIDPairSetDType", text));
        var pairs = JsonDocument.Parse(text).RootElement.GetProperty("sourcedIdPairs").EnumerateArray()
            .ToDictionary(p => p.GetProperty("suppliedSourcedId").GetString()!, p => p.GetProperty("allocatedSourcedId").GetString()!);
        Assert.Equal(["tmp-a", "tmp-b"], pairs.Keys.Order(StringComparer.Ordinal));
        Assert.All(pairs.Values, v => Assert.True(Guid.TryParse(v, out _)));
        var stored = await StoredAsync(QueryCollections.LineItems, pairs["tmp-a"]);
        Assert.Equal("class-1", stored!.Text("classSourcedId"));
        Assert.Equal("org-school", stored.Text("schoolSourcedId"));
        Assert.Null(await StoredAsync(QueryCollections.LineItems, "tmp-a"));
    }

    [SkippableFact]
    public async Task Post_line_items_for_school_takes_the_school_from_the_path()
    {
        using var http = await WriterAsync();
        await PutOkAsync(http, "/categories/cat-w", Category());
        var item = LineItem("tmp-s", "class-2", "org-school2");
        item.Remove("school");
        using var response = await http.PostAsync(new Uri(Base + "/schools/org-school2/lineItems", UriKind.Relative), Json(new { lineItems = new[] { item } }));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("sourcedIdPairs")[0].GetProperty("allocatedSourcedId").GetString()!;
        Assert.Equal("org-school2", (await StoredAsync(QueryCollections.LineItems, id))!.Text("schoolSourcedId"));
    }

    [SkippableFact]
    public async Task Post_results_for_line_item_stores_every_result()
    {
        using var http = await WriterAsync();
        await SetUpLineItemAsync(http, "li-post");
        var r1 = Result("t1", "li-post");
        r1.Remove("lineItem");
        using var response = await http.PostAsync(new Uri(Base + "/lineItems/li-post/results", UriKind.Relative),
            Json(new { results = new[] { r1, Result("t2", "li-post", "user-s2") } }));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        foreach (var pair in JsonDocument.Parse(text).RootElement.GetProperty("sourcedIdPairs").EnumerateArray())
            Assert.Equal("li-post", (await StoredAsync(QueryCollections.Results, pair.GetProperty("allocatedSourcedId").GetString()!))!.Text("lineItemSourcedId"));
    }

    [SkippableFact]
    public async Task Post_results_for_academic_session_for_class_checks_the_line_item_belongs_to_both()
    {
        using var http = await WriterAsync();
        await SetUpLineItemAsync(http, "li-as");
        using (var ok = await http.PostAsync(new Uri(Base + "/classes/class-1/academicSessions/term-1/results", UriKind.Relative), Json(new { results = new[] { Result("t", "li-as") } })))
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        using var wrong = await http.PostAsync(new Uri(Base + "/classes/class-1/academicSessions/gp-1/results", UriKind.Relative), Json(new { results = new[] { Result("t", "li-as") } }));
        var imsx = await ImsxAsync(wrong, (HttpStatusCode)422, "invaliddata");
        Assert.Contains("academic session 'gp-1'", Description(imsx), StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("/classes/no-class/lineItems", "lineItems")]
    [InlineData("/schools/no-school/lineItems", "lineItems")]
    [InlineData("/lineItems/no-line-item/results", "results")]
    [InlineData("/classes/class-1/academicSessions/no-session/results", "results")]
    [InlineData("/classes/no-class/academicSessions/term-1/results", "results")]
    public async Task Post_to_an_unknown_parent_is_404_unknownobject(string path, string wrapper)
    {
        using var http = await WriterAsync();
        using var response = await http.PostAsync(new Uri(Base + path, UriKind.Relative), Json(new Dictionary<string, object> { [wrapper] = Array.Empty<object>() }));
        await ImsxAsync(response, HttpStatusCode.NotFound, "unknownobject");
    }

    [SkippableFact]
    public async Task A_post_with_one_bad_object_writes_nothing()
    {
        using var http = await WriterAsync();
        await SetUpLineItemAsync(http, "li-aon");
        var good = Result("g", "li-aon");
        good["comment"] = "all-or-nothing marker";
        var bad = Result("b", "li-aon", "no-such-student");
        using var response = await http.PostAsync(new Uri(Base + "/lineItems/li-aon/results", UriKind.Relative), Json(new { results = new[] { good, bad } }));
        var imsx = await ImsxAsync(response, (HttpStatusCode)422, "invaliddata");
        Assert.Contains("results[1]", Description(imsx), StringComparison.Ordinal);
        Assert.Contains("no-such-student", Description(imsx), StringComparison.Ordinal);
        var filtered = RosterQueryParser.Parse(QueryCollections.Results, new QueryParameters(Filter: "comment='all-or-nothing marker'")).Value;
        var store = hub.Services.GetRequiredService<RosterStore>();
        var tenant = (await store.FindTenantAsync(RosteringHub.Tenant))!.Value;
        var page = await new RosterQueryExecutor(store).ReadPageAsync(RosterQueryCompiler.Compile(filtered, store.Options.Provider, tenant, QueryConfinement.None), includeTotal: true);
        Assert.Equal(0, page.TotalCount);
    }

    // ---- 422 --------------------------------------------------------------------------------------------------------

    public static TheoryData<string, string, string> InvalidLineItems() => new()
    {
        // mutation, expected field, words of the description
        { """{"class":{"sourcedId":"no-class","type":"class","href":"x"}}""", "classSourcedId", "no-class" },
        { """{"title":null}""", "lineItem.title", "is required" },
        { """{"title":5}""", "lineItem.title", "must be a string" },
        { """{"assignDate":"next tuesday"}""", "assignDate", "next tuesday" },
        { """{"resultValueMax":"ten"}""", "lineItem.resultValueMax", "must be a number" },
        { """{"sourcedId":"other-id"}""", "lineItem.sourcedId", "disagrees" },
        { """{"status":"tobedeleted"}""", "lineItem.status", "DELETE" },
        { """{"colour":"red"}""", "lineItem.colour", "not a property" },
        { """{"class":{"sourcedId":"class-1","type":"user","href":"x"}}""", "lineItem.class.type", "'class'" },
        { """{"gradingPeriod":{"sourcedId":"gp-1","type":"academicSession","href":"x"}}""", "lineItem.gradingPeriod", "must equal academicSession" },
        { """{"metadata":{"jp":{"n":5}}}""", "lineItem.metadata.jp.n", "string or an object" },
    };

    [SkippableTheory]
    [MemberData(nameof(InvalidLineItems))]
    public async Task Put_line_item_with_a_broken_field_returns_422_invaliddata_naming_the_field(string mutation, string field, string words)
    {
        using var http = await WriterAsync();
        await PutOkAsync(http, "/categories/cat-w", Category());
        var body = JsonSerializer.SerializeToNode(LineItem("li-bad"))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(mutation)!.AsObject()) body[key] = value?.DeepClone();
        using var response = await http.PutAsync(new Uri(Base + "/lineItems/li-bad", UriKind.Relative), Json(new JsonObject { ["lineItem"] = body }.ToJsonString()));
        var imsx = await ImsxAsync(response, (HttpStatusCode)422, "invaliddata");
        Assert.Contains(imsx.GetProperty("imsx_CodeMinor").GetProperty("imsx_codeMinorField").EnumerateArray(), f => f.GetProperty("imsx_codeMinorFieldName").GetString() == field);
        Assert.Contains(words, Description(imsx), StringComparison.Ordinal);
        Assert.Null(await StoredAsync(QueryCollections.LineItems, "li-bad"));
    }

    [SkippableFact]
    public async Task Put_result_with_a_bad_score_status_returns_422_from_the_import_enumeration_rule()
    {
        using var http = await WriterAsync();
        await SetUpLineItemAsync(http, "li-enum");
        using var response = await http.PutAsync(new Uri(Base + "/results/r-enum", UriKind.Relative), Json(new { result = Result("r-enum", "li-enum", status: "graded") }));
        var imsx = await ImsxAsync(response, (HttpStatusCode)422, "invaliddata");
        Assert.Equal("scoreStatus", imsx.GetProperty("imsx_CodeMinor").GetProperty("imsx_codeMinorField")[0].GetProperty("imsx_codeMinorFieldName").GetString());
    }

    [SkippableFact]
    public async Task Post_line_items_whose_class_disagrees_with_the_path_is_422()
    {
        using var http = await WriterAsync();
        await PutOkAsync(http, "/categories/cat-w", Category());
        using var response = await http.PostAsync(new Uri(Base + "/classes/class-1/lineItems", UriKind.Relative), Json(new { lineItems = new[] { LineItem("t", "class-2", "org-school2") } }));
        var imsx = await ImsxAsync(response, (HttpStatusCode)422, "invaliddata");
        Assert.Contains("disagrees with the request path", Description(imsx), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Post_with_a_temporary_id_twice_or_missing_is_422()
    {
        using var http = await WriterAsync();
        await SetUpLineItemAsync(http, "li-dup");
        var noId = Result("x", "li-dup");
        noId.Remove("sourcedId");
        using var response = await http.PostAsync(new Uri(Base + "/lineItems/li-dup/results", UriKind.Relative), Json(new { results = new[] { Result("same", "li-dup"), Result("same", "li-dup"), noId } }));
        var text = Description(await ImsxAsync(response, (HttpStatusCode)422, "invaliddata"));
        Assert.Contains("supplied twice", text, StringComparison.Ordinal);
        Assert.Contains("results[2].sourcedId", text, StringComparison.Ordinal);
    }

    // ---- scopes and tokens --------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Writes_need_a_token_and_the_operation_scope()
    {
        using var anonymous = hub.CreateHttpsClient();
        using (var response = await anonymous.PutAsync(new Uri(Base + "/categories/c-anon", UriKind.Relative), Json(Category())))
            await ImsxAsync(response, HttpStatusCode.Unauthorized, "unauthorisedrequest");

        using var reader = await hub.OneRosterClientAsync([KoumuScopes.GradebookReadonly, KoumuScopes.GradebookCreatePost]);
        using (var response = await reader.PutAsync(new Uri(Base + "/categories/c-scope", UriKind.Relative), Json(Category())))
            await ImsxAsync(response, HttpStatusCode.Forbidden, "forbidden");
        using (var response = await reader.DeleteAsync(new Uri(Base + "/categories/c-scope", UriKind.Relative)))
            await ImsxAsync(response, HttpStatusCode.Forbidden, "forbidden");
        using var gradebookOnly = await hub.OneRosterClientAsync([KoumuScopes.GradebookCreatePut]);
        using (var response = await gradebookOnly.PutAsync(new Uri(Base + "/assessmentLineItems/a-scope", UriKind.Relative), Json(new { assessmentLineItem = new { title = "t" } })))
            await ImsxAsync(response, HttpStatusCode.Forbidden, "forbidden");
        using (var response = await gradebookOnly.PostAsync(new Uri(Base + "/classes/class-1/lineItems", UriKind.Relative), Json(new { lineItems = Array.Empty<object>() })))
            await ImsxAsync(response, HttpStatusCode.Forbidden, "forbidden");
        Assert.Null(await StoredAsync(QueryCollections.Categories, "c-scope"));
    }

    // ---- least privilege ------------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task A_client_confined_to_one_school_cannot_write_to_another_schools_class()
    {
        using var admin = await WriterAsync();
        await PutOkAsync(admin, "/categories/cat-w", Category());
        using var confined = await WriterAsync(["org-school"]);
        using (var response = await confined.PutAsync(new Uri(Base + "/lineItems/li-other", UriKind.Relative), Json(new { lineItem = LineItem("li-other", "class-2", "org-school2") })))
        {
            var imsx = await ImsxAsync(response, (HttpStatusCode)422, "invaliddata");
            Assert.Contains("class-2", Description(imsx), StringComparison.Ordinal);
        }
        using (var response = await confined.PostAsync(new Uri(Base + "/classes/class-2/lineItems", UriKind.Relative), Json(new { lineItems = Array.Empty<object>() })))
            await ImsxAsync(response, HttpStatusCode.NotFound, "unknownobject");
        await PutOkAsync(confined, "/lineItems/li-own", new { lineItem = LineItem("li-own") });
        Assert.Null(await StoredAsync(QueryCollections.LineItems, "li-other"));
    }

    [SkippableFact]
    public async Task A_client_confined_to_one_school_cannot_delete_or_replace_another_schools_result()
    {
        using var admin = await WriterAsync();
        await SetUpLineItemAsync(admin, "li-s2", "class-2", "org-school2");
        await PutOkAsync(admin, "/results/r-s2", new { result = Result("r-s2", "li-s2", "user-s3") });
        using var confined = await WriterAsync(["org-school"]);
        using (var response = await confined.DeleteAsync(new Uri(Base + "/results/r-s2", UriKind.Relative)))
            await ImsxAsync(response, HttpStatusCode.NotFound, "unknownobject");
        using (var response = await confined.PutAsync(new Uri(Base + "/results/r-s2", UriKind.Relative), Json(new { result = Result("r-s2", "li-s2", "user-s3") })))
            await ImsxAsync(response, HttpStatusCode.NotFound, "unknownobject");
        Assert.False((await StoredAsync(QueryCollections.Results, "r-s2"))!.IsDeletion);
    }

    // ---- hostile and oversized bodies ----------------------------------------------------------------------------------

    [SkippableFact]
    public async Task A_body_that_is_not_json_is_400_and_a_wrong_content_type_is_415()
    {
        using var http = await WriterAsync();
        using (var response = await http.PutAsync(new Uri(Base + "/categories/c-x", UriKind.Relative), new StringContent("{\"category\":", Encoding.UTF8, "application/json")))
            await ImsxAsync(response, HttpStatusCode.BadRequest, "invaliddata");
        using (var response = await http.PutAsync(new Uri(Base + "/categories/c-x", UriKind.Relative), new StringContent("title=x", Encoding.UTF8, "application/x-www-form-urlencoded")))
            await ImsxAsync(response, HttpStatusCode.UnsupportedMediaType, "invaliddata");
        using (var response = await http.PutAsync(new Uri(Base + "/categories/c-x", UriKind.Relative), Json(new[] { 1, 2 })))
            await ImsxAsync(response, (HttpStatusCode)422, "invaliddata");
    }

    [SkippableFact]
    public async Task Deeply_nested_json_is_refused_with_400()
    {
        using var http = await WriterAsync();
        var deep = "{\"category\":{\"title\":\"t\",\"metadata\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "\"x\"" + new string('}', 5000) + "}}";
        using var response = await http.PutAsync(new Uri(Base + "/categories/c-deep", UriKind.Relative), Json(deep));
        await ImsxAsync(response, HttpStatusCode.BadRequest, "invaliddata");
    }

    [SkippableFact]
    public async Task A_body_above_the_limit_is_413_and_more_objects_than_allowed_is_422()
    {
        using var http = await WriterAsync();
        var huge = new string('あ', GradebookWriteEndpoints.MaxBodyBytes / 2);
        using (var response = await http.PutAsync(new Uri(Base + "/categories/c-huge", UriKind.Relative), Json(new { category = new { title = huge } })))
            await ImsxAsync(response, HttpStatusCode.RequestEntityTooLarge, "invaliddata");

        await SetUpLineItemAsync(http, "li-many");
        var many = "{\"results\":[" + string.Join(',', Enumerable.Repeat("{}", 100_000)) + "]}";
        using (var response = await http.PostAsync(new Uri(Base + "/lineItems/li-many/results", UriKind.Relative), Json(many)))
        {
            var imsx = await ImsxAsync(response, (HttpStatusCode)422, "invaliddata");
            Assert.Contains(GradebookWriter.MaxObjectsPerPost.ToString(System.Globalization.CultureInfo.InvariantCulture), Description(imsx), StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task A_long_title_within_the_limit_is_stored_exactly()
    {
        using var http = await WriterAsync();
        var title = new string('漢', 100_000) + "\"quoted, with comma\"\nand a line break";
        await PutOkAsync(http, "/categories/c-long", new { category = new { title } });
        Assert.Equal(title, (await StoredAsync(QueryCollections.Categories, "c-long"))!.Text("title"));
    }
}
