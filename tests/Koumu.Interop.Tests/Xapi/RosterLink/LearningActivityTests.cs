using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Learning;
using Koumu.Interop.Tests.OneRoster;
using Microsoft.Extensions.Configuration;

namespace Koumu.Interop.Tests.Xapi.RosterLink;

public sealed class LearningActivityTests(LearningHub hub) : LearningActivitySpecification(hub), IClassFixture<LearningHub>;

public sealed class PostgresLearningActivityTests(PostgresLearningHub hub) : LearningActivitySpecification(hub), IClassFixture<PostgresLearningHub>;

/// <summary>
/// The roster link and the learning activity API (issue #5 point 6; docs/decisions/0008-xapi-roster-link.md) through the real
/// pipeline, on SQLite and PostgreSQL. The board: org-school (class-1: pupils user-s1, user-s2) and org-school2 (class-2:
/// pupil user-s3) under org-district.
/// </summary>
public abstract class LearningActivitySpecification
{
    private readonly LearningHub _hub;

    protected LearningActivitySpecification(LearningHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    private const string Completed = "http://adlnet.gov/expapi/verbs/completed";

    private static string Statement(string name, string activity = "https://lms.example.ed.jp/activities/1", string homePage = LearningHub.HomePage, string? id = null,
        string verb = Completed)
    {
        var node = new JsonObject
        {
            ["actor"] = new JsonObject { ["objectType"] = "Agent", ["account"] = new JsonObject { ["homePage"] = homePage, ["name"] = name } },
            ["verb"] = new JsonObject { ["id"] = verb },
            ["object"] = new JsonObject { ["id"] = activity },
        };
        if (id is not null) node["id"] = id;
        return node.ToJsonString();
    }

    private static async Task PostAsync(HttpClient lrs, params string[] statements)
    {
        using var response = await lrs.PostAsync("/xapi/statements", new StringContent("[" + string.Join(',', statements) + "]", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<JsonNode> GetOkAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task AssertImsxAsync(HttpResponseMessage response, HttpStatusCode status, string codeMinor)
    {
        Assert.Equal(status, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("failure", body["imsx_codeMajor"]!.GetValue<string>());
        Assert.Contains(codeMinor, body.ToJsonString(), StringComparison.Ordinal);
    }

    private static long Count(JsonNode activity) => activity["statements"]!.GetValue<long>();

    private static JsonNode Pupil(JsonNode group, string sourcedId) =>
        group["pupils"]!.AsArray().Single(p => p!["sourcedId"]!.GetValue<string>() == sourcedId)!;

    // ---- The link -----------------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task A_statement_whose_account_name_is_the_sourcedId_is_linked_to_that_user()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs, Statement("user-s1", "https://lms.example.ed.jp/activities/1"), Statement("user-s1", "https://lms.example.ed.jp/activities/2"),
            Statement("user-s1", "https://lms.example.ed.jp/activities/2"), Statement("user-s2"));
        using var http = await _hub.LearningClientAsync(tenant);

        var body = await GetOkAsync(http, "/koumu/learning/v1/users/user-s1/activity");

        Assert.Equal("user-s1", body["sourcedId"]!.GetValue<string>());
        Assert.Equal(LearningHub.HomePage, body["accountHomePage"]!.GetValue<string>());
        Assert.Equal(3, Count(body["activity"]!));
        Assert.Equal(2, body["activity"]!["activities"]!.GetValue<long>());
        Assert.NotNull(body["activity"]!["lastStored"]);
        var statements = body["statements"]!.AsArray();
        Assert.Equal(3, statements.Count);
        Assert.All(statements, s => Assert.Equal("user-s1", s!["actor"]!["account"]!["name"]!.GetValue<string>()));
        Assert.Null(body["next"]);
    }

    [SkippableFact]
    public async Task A_statement_whose_account_name_is_the_userMasterIdentifier_is_linked_to_that_user()
    {
        var tenant = await _hub.NewBoardAsync(LearningHub.UsersWithMasterIdentifier("9f0c3c1e-learner-s2"));
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs, Statement("9f0c3c1e-learner-s2"), Statement("user-s2"));
        using var http = await _hub.LearningClientAsync(tenant);

        var user = await GetOkAsync(http, "/koumu/learning/v1/users/user-s2/activity");
        var group = await GetOkAsync(http, "/koumu/learning/v1/classes/class-1/activity");

        Assert.Equal(2, Count(user["activity"]!));
        Assert.Equal(2, user["statements"]!.AsArray().Count);
        Assert.Equal(2, Count(Pupil(group, "user-s2")));
    }

    [SkippableFact]
    public async Task A_statement_with_another_homePage_or_another_kind_of_IFI_is_not_linked()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs,
            Statement("user-s1", homePage: "https://other-lms.example.com"),
            Statement("user-s1", homePage: LearningHub.HomePage + "/"),
            """{"actor":{"mbox":"mailto:user-s1@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://lms.example.ed.jp/activities/1"}}""");
        using var http = await _hub.LearningClientAsync(tenant);

        var body = await GetOkAsync(http, "/koumu/learning/v1/users/user-s1/activity");

        Assert.Equal(0, Count(body["activity"]!));
        Assert.Null(body["activity"]!["lastStored"]);
        Assert.Empty(body["statements"]!.AsArray());
    }

    [SkippableFact]
    public async Task A_statement_stored_before_its_pupil_is_imported_is_linked_after_the_import()
    {
        var tenant = LearningHub.NewTenant();
        using (var lrs = await _hub.LrsClientAsync(tenant))
            await PostAsync(lrs, Statement("user-s3"), Statement("user-s3", "https://lms.example.ed.jp/activities/9"));
        using var http = await _hub.LearningClientAsync(tenant);
        using (var before = await http.GetAsync("/koumu/learning/v1/users/user-s3/activity"))
            await AssertImsxAsync(before, HttpStatusCode.NotFound, "unknownobject");

        await _hub.ImportAsync(tenant, LearningHub.Board());

        var body = await GetOkAsync(http, "/koumu/learning/v1/users/user-s3/activity");
        Assert.Equal(2, Count(body["activity"]!));
        Assert.Equal(2, Count(Pupil(await GetOkAsync(http, "/koumu/learning/v1/schools/org-school2/activity"), "user-s3")));
    }

    [SkippableFact]
    public async Task A_userMasterIdentifier_added_by_a_later_import_links_the_statements_already_stored()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs, Statement("portal-id-22"));
        using var http = await _hub.LearningClientAsync(tenant);
        Assert.Equal(0, Count((await GetOkAsync(http, "/koumu/learning/v1/users/user-s2/activity"))["activity"]!));

        await _hub.ImportAsync(tenant, LearningHub.Board(LearningHub.UsersWithMasterIdentifier("portal-id-22")));

        Assert.Equal(1, Count((await GetOkAsync(http, "/koumu/learning/v1/users/user-s2/activity"))["activity"]!));
    }

    [SkippableFact]
    public async Task A_userMasterIdentifier_equal_to_another_users_sourcedId_does_not_draw_that_users_statements()
    {
        // user-s2 (org-school) claims user-s3's sourcedId (org-school2) as its userMasterIdentifier.
        var tenant = await _hub.NewBoardAsync(LearningHub.UsersWithMasterIdentifier("user-s3"));
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs, Statement("user-s3"));
        using var http = await _hub.LearningClientAsync(tenant, ["org-school"]);

        var user = await GetOkAsync(http, "/koumu/learning/v1/users/user-s2/activity");
        var group = await GetOkAsync(http, "/koumu/learning/v1/classes/class-1/activity");

        Assert.Equal(0, Count(user["activity"]!));
        Assert.Empty(user["statements"]!.AsArray());
        Assert.Equal(0, Count(Pupil(group, "user-s2")));
    }

    [SkippableFact]
    public async Task Voided_statements_and_voiding_statements_are_not_counted()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var target = Guid.NewGuid().ToString();
        await PostAsync(lrs, Statement("user-s1", id: target), Statement("user-s1", "https://lms.example.ed.jp/activities/2"));
        await PostAsync(lrs, """{"actor":{"account":{"homePage":"https://lms.example.ed.jp","name":"user-s1"}},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"TARGET"}}""".Replace("TARGET", target, StringComparison.Ordinal));
        using var http = await _hub.LearningClientAsync(tenant);

        var user = await GetOkAsync(http, "/koumu/learning/v1/users/user-s1/activity");
        var group = await GetOkAsync(http, "/koumu/learning/v1/schools/org-school/activity");

        Assert.Equal(1, Count(user["activity"]!));
        Assert.Equal("https://lms.example.ed.jp/activities/2", user["statements"]!.AsArray().Single()!["object"]!["id"]!.GetValue<string>());
        Assert.Equal(1, Count(Pupil(group, "user-s1")));
        Assert.Equal(1, Pupil(group, "user-s1")["activities"]!.GetValue<long>());
    }

    // ---- Lists --------------------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Class_and_school_activity_list_every_pupil_including_those_without_activity()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs, Statement("user-s1"), Statement("user-s1", "https://lms.example.ed.jp/activities/2"), Statement("user-s3"), Statement("user-t1"));
        using var http = await _hub.LearningClientAsync(tenant);

        var class1 = await GetOkAsync(http, "/koumu/learning/v1/classes/class-1/activity");
        var school = await GetOkAsync(http, "/koumu/learning/v1/schools/org-school/activity");

        // Pupils are the class's active student enrollments and the school's active student roles: the teacher is not one.
        Assert.Equal(["user-s1", "user-s2"], class1["pupils"]!.AsArray().Select(p => p!["sourcedId"]!.GetValue<string>()));
        Assert.Equal(["user-s1", "user-s2"], school["pupils"]!.AsArray().Select(p => p!["sourcedId"]!.GetValue<string>()));
        Assert.Equal(2, Count(Pupil(class1, "user-s1")));
        Assert.Equal(2, Pupil(class1, "user-s1")["activities"]!.GetValue<long>());
        Assert.Equal(0, Count(Pupil(class1, "user-s2")));
        Assert.Null(Pupil(class1, "user-s2")["lastStored"]);
        Assert.Equal(Pupil(class1, "user-s1").ToJsonString(), Pupil(school, "user-s1").ToJsonString());
    }

    [SkippableFact]
    public async Task User_statements_are_paged_newest_first_with_a_next_cursor_and_no_gaps()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        for (var i = 0; i < 5; i++) await PostAsync(lrs, Statement("user-s1", $"https://lms.example.ed.jp/activities/{i}"));
        using var http = await _hub.LearningClientAsync(tenant);

        var seen = new List<string>();
        var path = "/koumu/learning/v1/users/user-s1/activity?limit=2";
        var pages = 0;
        while (true)
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            pages++;
            Assert.Equal(5, Count(body["activity"]!));
            seen.AddRange(body["statements"]!.AsArray().Select(s => s!["object"]!["id"]!.GetValue<string>()));
            if (body["next"] is null)
            {
                Assert.False(response.Headers.Contains("Link"));
                break;
            }
            var link = response.Headers.GetValues("Link").Single();
            Assert.Contains("rel=\"next\"", link, StringComparison.Ordinal);
            Assert.Contains("cursor=" + body["next"]!.GetValue<string>(), link, StringComparison.Ordinal);
            path = "/koumu/learning/v1/users/user-s1/activity?limit=2&cursor=" + body["next"]!.GetValue<string>();
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"https://lms.example.ed.jp/activities/{i}"), seen);
    }

    [SkippableFact]
    public async Task School_pupils_are_paged_by_sourcedId()
    {
        var tenant = await _hub.NewBoardAsync();
        using var http = await _hub.LearningClientAsync(tenant);

        var first = await GetOkAsync(http, "/koumu/learning/v1/schools/org-school/activity?limit=1");
        var second = await GetOkAsync(http, "/koumu/learning/v1/schools/org-school/activity?limit=1&cursor=" + first["next"]!.GetValue<string>());

        Assert.Equal("user-s1", first["pupils"]!.AsArray().Single()!["sourcedId"]!.GetValue<string>());
        Assert.Equal("user-s2", second["pupils"]!.AsArray().Single()!["sourcedId"]!.GetValue<string>());
        Assert.Null(second["next"]);
    }

    [SkippableFact]
    public async Task Since_and_until_bound_the_stored_time_of_what_is_counted()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs, Statement("user-s1", "https://lms.example.ed.jp/activities/old"));
        using var http = await _hub.LearningClientAsync(tenant);
        var firstStored = (await GetOkAsync(http, "/koumu/learning/v1/users/user-s1/activity"))["activity"]!["lastStored"]!.GetValue<string>();
        await Task.Delay(20);
        await PostAsync(lrs, Statement("user-s1", "https://lms.example.ed.jp/activities/new"));

        var since = await GetOkAsync(http, "/koumu/learning/v1/users/user-s1/activity?since=" + Uri.EscapeDataString(firstStored));
        var until = await GetOkAsync(http, "/koumu/learning/v1/classes/class-1/activity?until=" + Uri.EscapeDataString(firstStored));

        Assert.Equal("https://lms.example.ed.jp/activities/new", since["statements"]!.AsArray().Single()!["object"]!["id"]!.GetValue<string>());
        Assert.Equal(1, Count(since["activity"]!));
        Assert.Equal(1, Count(Pupil(until, "user-s1")));
        Assert.Equal(firstStored, Pupil(until, "user-s1")["lastStored"]!.GetValue<string>());
    }

    // ---- Access -------------------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task A_client_confined_to_school_A_gets_404_for_a_pupil_class_or_school_of_school_B()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs, Statement("user-s3"));
        using var http = await _hub.LearningClientAsync(tenant, ["org-school"]);

        foreach (var path in new[] { "users/user-s3", "classes/class-2", "schools/org-school2", "schools/org-district", "users/no-such-user", "classes/no-such-class" })
        {
            using var response = await http.GetAsync($"/koumu/learning/v1/{path}/activity");
            await AssertImsxAsync(response, HttpStatusCode.NotFound, "unknownobject");
            Assert.DoesNotContain("user-s3\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(200, (int)(await http.GetAsync("/koumu/learning/v1/users/user-s1/activity")).StatusCode);
        Assert.Equal(200, (int)(await http.GetAsync("/koumu/learning/v1/classes/class-1/activity")).StatusCode);
    }

    [SkippableFact]
    public async Task A_district_client_sees_the_schools_below_it()
    {
        var tenant = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(tenant);
        await PostAsync(lrs, Statement("user-s3"));
        using var http = await _hub.LearningClientAsync(tenant, ["org-district"]);

        var body = await GetOkAsync(http, "/koumu/learning/v1/schools/org-school2/activity");

        Assert.Equal(1, Count(Pupil(body, "user-s3")));
    }

    [SkippableFact]
    public async Task Without_the_learning_scope_the_answer_is_403_and_without_a_token_401()
    {
        var tenant = await _hub.NewBoardAsync();
        using var roster = await _hub.OneRosterClientAsync(RosteringHub.AllRosterScopes, tenant: tenant);
        using var xapi = await _hub.OneRosterClientAsync([KoumuScopes.XapiRead], tenant: tenant);
        using var anonymous = _hub.CreateHttpsClient();

        await AssertImsxAsync(await roster.GetAsync("/koumu/learning/v1/users/user-s1/activity"), HttpStatusCode.Forbidden, "forbidden");
        await AssertImsxAsync(await xapi.GetAsync("/koumu/learning/v1/classes/class-1/activity"), HttpStatusCode.Forbidden, "forbidden");
        using var unauthenticated = await anonymous.GetAsync("/koumu/learning/v1/schools/org-school/activity");
        await AssertImsxAsync(unauthenticated, HttpStatusCode.Unauthorized, "unauthorisedrequest");
        Assert.Equal("Bearer", unauthenticated.Headers.WwwAuthenticate.Single().Scheme);
    }

    [SkippableFact]
    public async Task A_client_of_another_tenant_sees_its_own_board_only()
    {
        var boardA = await _hub.NewBoardAsync();
        var boardB = await _hub.NewBoardAsync();
        using var lrs = await _hub.LrsClientAsync(boardA);
        await PostAsync(lrs, Statement("user-s1"));
        using var b = await _hub.LearningClientAsync(boardB);
        using var empty = await _hub.LearningClientAsync(LearningHub.NewTenant());

        // Board B has its own user-s1 (same sourcedId, another pupil): board A's Statements are not its.
        Assert.Equal(0, Count((await GetOkAsync(b, "/koumu/learning/v1/users/user-s1/activity"))["activity"]!));
        await AssertImsxAsync(await empty.GetAsync("/koumu/learning/v1/users/user-s1/activity"), HttpStatusCode.NotFound, "unknownobject");
    }

    [SkippableFact]
    public async Task Reads_are_audited_with_client_subject_and_tenant()
    {
        var tenant = await _hub.NewBoardAsync();
        using var http = await _hub.LearningClientAsync(tenant);

        await GetOkAsync(http, "/koumu/learning/v1/classes/class-1/activity");

        Assert.Contains(_hub.Logs, l => l.StartsWith("Audit: client ", StringComparison.Ordinal) && l.Contains("class class-1 in tenant " + tenant, StringComparison.Ordinal));
    }

    // ---- Malformed and hostile input ----------------------------------------------------------------------------------

    [SkippableTheory]
    [InlineData("users/user-s1/activity?since=yesterday", "since")]
    [InlineData("users/user-s1/activity?since=2026-04-01", "since")]
    [InlineData("users/user-s1/activity?until=2026-04-01T00:00:00", "until")]
    [InlineData("classes/class-1/activity?until=2026-02-30T00:00:00Z", "until")]
    [InlineData("users/user-s1/activity?limit=0", "limit")]
    [InlineData("users/user-s1/activity?limit=-1", "limit")]
    [InlineData("users/user-s1/activity?limit=ten", "limit")]
    [InlineData("users/user-s1/activity?limit=99999999999999999999", "limit")]
    [InlineData("users/user-s1/activity?cursor=%%%", "cursor")]
    [InlineData("users/user-s1/activity?cursor=dXNlci1zMQ", "cursor")]
    [InlineData("schools/org-school/activity?cursor=AA", "cursor")]
    [InlineData("schools/org-school/activity?filter=x", "filter")]
    [InlineData("schools/org-school/activity?limit=1&limit=2", "limit")]
    [InlineData("users/user%01s1/activity", "sourcedId")]
    public async Task Malformed_parameters_are_400_invaliddata(string path, string field)
    {
        var tenant = await _hub.NewBoardAsync();
        using var http = await _hub.LearningClientAsync(tenant);

        using var response = await http.GetAsync("/koumu/learning/v1/" + path);

        await AssertImsxAsync(response, HttpStatusCode.BadRequest, "invaliddata");
        Assert.Contains(field, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_oversized_sourcedId_or_cursor_is_400_and_a_huge_limit_is_clamped()
    {
        var tenant = await _hub.NewBoardAsync();
        using var http = await _hub.LearningClientAsync(tenant);

        await AssertImsxAsync(await http.GetAsync("/koumu/learning/v1/users/" + new string('x', 2000) + "/activity"), HttpStatusCode.BadRequest, "invaliddata");
        await AssertImsxAsync(await http.GetAsync("/koumu/learning/v1/classes/class-1/activity?cursor=" + new string('A', 4000)), HttpStatusCode.BadRequest, "invaliddata");
        var clamped = await GetOkAsync(http, "/koumu/learning/v1/schools/org-school/activity?limit=100000");
        Assert.Equal(2, clamped["pupils"]!.AsArray().Count);
    }

    [SkippableFact]
    public async Task Sql_text_in_ids_and_cursors_is_data()
    {
        var tenant = await _hub.NewBoardAsync();
        using var http = await _hub.LearningClientAsync(tenant);
        var cursor = Convert.ToBase64String(Encoding.UTF8.GetBytes("' OR 1=1 --")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        await AssertImsxAsync(await http.GetAsync("/koumu/learning/v1/users/" + Uri.EscapeDataString("user-s1' OR '1'='1") + "/activity"), HttpStatusCode.NotFound, "unknownobject");
        var page = await GetOkAsync(http, "/koumu/learning/v1/schools/org-school/activity?cursor=" + cursor);
        // Every real sourcedId sorts after "'": the forged position skips nothing and widens nothing.
        Assert.Equal(2, page["pupils"]!.AsArray().Count);
    }

    [Fact]
    public void The_account_homePage_setting_must_be_an_absolute_http_url()
    {
        Assert.Throws<InvalidOperationException>(() => LearningSettings.From(Settings("lms.example.ed.jp")));
        Assert.Throws<InvalidOperationException>(() => LearningSettings.From(Settings("ftp://lms.example.ed.jp")));
        Assert.Equal("https://lms.example.ed.jp/", LearningSettings.From(Settings("https://lms.example.ed.jp/")).AccountHomePage);
        Assert.Null(LearningSettings.From(Settings(null)).AccountHomePage);

        static IConfiguration Settings(string? value) =>
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Koumu:Xapi:AccountHomePage"] = value }).Build();
    }
}
