using System.Net;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Tests.Xapi.Documents;

/// <summary>C §2.4 Agents (the Person object) and C §2.5 Activities (the canonical definition, ADL suite issue #232).</summary>
public abstract partial class DocumentSpecification
{
    private static string Statement(string actor, string activityObject, string extra = "") =>
        "{\"actor\":" + actor + ",\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/experienced\"},\"object\":" + activityObject + extra + "}";

    private static async Task PostStatementsAsync(HttpClient lrs, params string[] statements)
    {
        using var post = await lrs.PostAsync("/xapi/statements", JsonBody("[" + string.Join(",", statements) + "]"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
    }

    private static async Task<JsonObject> ActivityAsync(HttpClient lrs, string id)
    {
        var (status, body, etag, contentType) = await GetAsync(lrs, "/xapi/activities?activityId=" + Q(id));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(etag);
        Assert.Equal("application/json", contentType);
        return JsonNode.Parse(body)!.AsObject();
    }

    // ---- C §2.4 Agents ---------------------------------------------------------------------------------------------------

    [SkippableTheory, MemberData(nameof(Versions))]
    public async Task Agents_returns_a_person_even_for_an_unknown_agent(string version)
    {
        using var lrs = await LrsAsync(version);
        var (status, body, etag, _) = await GetAsync(lrs, "/xapi/agents?agent=" + Q("{\"mbox\":\"mailto:nobody@example.org\"}"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(etag);
        AssertJsonEqual("{\"objectType\":\"Person\",\"mbox\":[\"mailto:nobody@example.org\"]}", body);

        var account = await GetAsync(lrs, "/xapi/agents?agent=" + Q("{\"objectType\":\"Agent\",\"name\":\"生徒A\",\"account\":{\"homePage\":\"https://school.example.jp\",\"name\":\"s001\"}}"));
        AssertJsonEqual("{\"objectType\":\"Person\",\"name\":[\"生徒A\"],\"account\":[{\"homePage\":\"https://school.example.jp\",\"name\":\"s001\"}]}", account.Body);
        var openid = await GetAsync(lrs, "/xapi/agents?agent=" + Q("{\"openid\":\"http://openid.example.org/12345\"}"));
        AssertJsonEqual("{\"objectType\":\"Person\",\"openid\":[\"http://openid.example.org/12345\"]}", openid.Body);
        var sha = await GetAsync(lrs, "/xapi/agents?agent=" + Q("{\"mbox_sha1sum\":\"EBD31E95054C018B10727CCFFD2EF2EC3A016EE9\"}"));
        AssertJsonEqual("{\"objectType\":\"Person\",\"mbox_sha1sum\":[\"ebd31e95054c018b10727ccffd2ef2ec3a016ee9\"]}", sha.Body);
    }

    [SkippableFact]
    public async Task Agents_lists_the_names_the_agent_was_stored_with_newest_first()
    {
        using var lrs = await LrsAsync();
        var mbox = "mailto:" + Guid.NewGuid().ToString("N")[..10] + "@example.org";
        await PostStatementsAsync(lrs, Statement($"{{\"name\":\"Old Name\",\"mbox\":\"{mbox}\"}}", "{\"id\":\"http://example.org/a\"}"));
        await PostStatementsAsync(lrs, Statement($"{{\"name\":\"新しい名前\",\"mbox\":\"{mbox}\"}}", "{\"id\":\"http://example.org/a\"}"),
            Statement($"{{\"mbox\":\"{mbox}\"}}", "{\"id\":\"http://example.org/a\"}"));
        var (_, body, _, _) = await GetAsync(lrs, "/xapi/agents?agent=" + Q($"{{\"mbox\":\"{mbox}\"}}"));
        AssertJsonEqual($"{{\"objectType\":\"Person\",\"name\":[\"新しい名前\",\"Old Name\"],\"mbox\":[\"{mbox}\"]}}", body);
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("?agent=not%20json")]
    [InlineData("?agent=%7B%7D")]
    [InlineData("?agent=%7B%22mbox%22%3A%22a%40example.org%22%7D")]
    [InlineData("?agent=%7B%22objectType%22%3A%22Group%22%2C%22mbox%22%3A%22mailto%3Ag%40example.org%22%7D")]
    [InlineData("?agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.org%22%7D&limit=1")]
    [InlineData("?Agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.org%22%7D")]
    public async Task Agents_without_a_valid_agent_or_with_other_parameters_is_400(string query)
    {
        using var lrs = await LrsAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(lrs, "/xapi/agents" + query)).Status);
    }

    // ---- C §2.5 Activities -----------------------------------------------------------------------------------------------

    [SkippableTheory, MemberData(nameof(Versions))]
    public async Task Activities_returns_an_activity_even_for_an_unknown_id(string version)
    {
        using var lrs = await LrsAsync(version);
        var id = NewActivity();
        var activity = await ActivityAsync(lrs, id);
        AssertJsonEqual($"{{\"objectType\":\"Activity\",\"id\":\"{id}\"}}", activity.ToJsonString());
    }

    [SkippableFact]
    public async Task Activities_returns_the_complete_definition_of_a_single_statement()
    {
        using var lrs = await LrsAsync();
        var id = NewActivity();
        var obj = "{\"objectType\":\"Activity\",\"id\":\"" + id + "\",\"definition\":{\"name\":{\"en-US\":\"Quiz\"},\"description\":{\"en-US\":\"A quiz\"}," +
            "\"type\":\"http://adlnet.gov/expapi/activities/cmi.interaction\",\"moreInfo\":\"http://example.org/more\",\"interactionType\":\"choice\"," +
            "\"correctResponsesPattern\":[\"a\"],\"choices\":[{\"id\":\"a\",\"description\":{\"en-US\":\"A\"}},{\"id\":\"b\",\"description\":{\"en-US\":\"B\"}}]," +
            "\"extensions\":{\"http://example.org/ext\":{\"deep\":[1,2]}}}}";
        await PostStatementsAsync(lrs, Statement("{\"mbox\":\"mailto:a@example.org\"}", obj));
        // The ADL suite compares the Activities resource's answer with the Statement's object itself.
        AssertJsonEqual(obj, (await ActivityAsync(lrs, id)).ToJsonString());
    }

    [SkippableFact]
    public async Task Activities_merges_language_maps_across_statements_the_newest_winning_per_language()
    {
        using var lrs = await LrsAsync();
        var id = NewActivity();
        string Obj(string definition) => "{\"id\":\"" + id + "\",\"definition\":" + definition + "}";
        var actor = "{\"mbox\":\"mailto:a@example.org\"}";
        await PostStatementsAsync(lrs, Statement(actor, Obj("{\"name\":{\"en-US\":\"Fractions\",\"ja-JP\":\"分数（旧）\"},\"type\":\"http://example.org/old-type\"}")));
        await PostStatementsAsync(lrs, Statement(actor, Obj("{\"name\":{\"ja-JP\":\"分数\"},\"description\":{\"ja-JP\":\"説明\"},\"type\":\"http://example.org/new-type\"}")));
        // A Statement without a definition changes nothing.
        await PostStatementsAsync(lrs, Statement(actor, "{\"id\":\"" + id + "\"}"));
        var activity = await ActivityAsync(lrs, id);
        AssertJsonEqual("{\"name\":{\"en-US\":\"Fractions\",\"ja-JP\":\"分数\"},\"type\":\"http://example.org/new-type\",\"description\":{\"ja-JP\":\"説明\"}}",
            activity["definition"]!.ToJsonString());

        // Within one batch, later Statements are newer.
        await PostStatementsAsync(lrs, Statement(actor, Obj("{\"name\":{\"en-US\":\"first in batch\"}}")), Statement(actor, Obj("{\"name\":{\"en-US\":\"last in batch\"}}")));
        Assert.Equal("last in batch", (await ActivityAsync(lrs, id))["definition"]!["name"]!["en-US"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Activities_learns_definitions_from_context_activities_and_substatements()
    {
        using var lrs = await LrsAsync();
        var parent = NewActivity();
        var category = NewActivity();
        var inner = NewActivity();
        var context = ",\"context\":{\"contextActivities\":{\"parent\":{\"id\":\"" + parent + "\",\"definition\":{\"name\":{\"en\":\"Course\"}}}," +
            "\"category\":[{\"id\":\"" + category + "\",\"definition\":{\"type\":\"http://example.org/profile\"}}]}}";
        var sub = "{\"objectType\":\"SubStatement\",\"actor\":{\"mbox\":\"mailto:b@example.org\"},\"verb\":{\"id\":\"http://example.org/v\"}," +
            "\"object\":{\"id\":\"" + inner + "\",\"definition\":{\"name\":{\"en\":\"Inner\"}}}}";
        await PostStatementsAsync(lrs, Statement("{\"mbox\":\"mailto:a@example.org\"}", "{\"id\":\"http://example.org/outer\"}", context),
            Statement("{\"mbox\":\"mailto:a@example.org\"}", sub));
        Assert.Equal("Course", (await ActivityAsync(lrs, parent))["definition"]!["name"]!["en"]!.GetValue<string>());
        Assert.Equal("http://example.org/profile", (await ActivityAsync(lrs, category))["definition"]!["type"]!.GetValue<string>());
        Assert.Equal("Inner", (await ActivityAsync(lrs, inner))["definition"]!["name"]!["en"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_rejected_or_repeated_statement_does_not_change_the_definition()
    {
        using var lrs = await LrsAsync();
        var id = NewActivity();
        var statementId = Guid.NewGuid().ToString();
        string Obj(string name) => "{\"id\":\"" + id + "\",\"definition\":{\"name\":{\"en\":\"" + name + "\"}}}";
        await PostStatementsAsync(lrs, Statement("{\"mbox\":\"mailto:a@example.org\"}", Obj("Original")).Insert(1, $"\"id\":\"{statementId}\","));
        await PostStatementsAsync(lrs, Statement("{\"mbox\":\"mailto:a@example.org\"}", Obj("Newer")));
        // A batch that conflicts (same id, other content) is rolled back whole, its definitions included.
        using (var conflict = await lrs.PostAsync("/xapi/statements", JsonBody("[" + Statement("{\"mbox\":\"mailto:a@example.org\"}", Obj("Conflicting")) + "," +
            Statement("{\"mbox\":\"mailto:z@example.org\"}", Obj("Original")).Insert(1, $"\"id\":\"{statementId}\",") + "]")))
            Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        // Re-sending the first Statement unchanged is a no-op: it does not make the older name newest again.
        await PostStatementsAsync(lrs, Statement("{\"mbox\":\"mailto:a@example.org\"}", Obj("Original")).Insert(1, $"\"id\":\"{statementId}\","));
        Assert.Equal("Newer", (await ActivityAsync(lrs, id))["definition"]!["name"]!["en"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_batch_of_many_distinct_activities_stores_every_definition()
    {
        // More distinct activities than one read chunk (500) and one upsert chunk (200) of the set-based merge.
        using var lrs = await LrsAsync();
        var prefix = NewActivity() + "/";
        var statements = Enumerable.Range(0, 1100).Select(i =>
            Statement("{\"mbox\":\"mailto:a@example.org\"}", "{\"id\":\"" + prefix + i + "\",\"definition\":{\"name\":{\"en\":\"n" + i + "\"}}}")).ToArray();
        await PostStatementsAsync(lrs, statements);
        foreach (var i in new[] { 0, 199, 200, 499, 500, 1099 })
            Assert.Equal("n" + i, (await ActivityAsync(lrs, prefix + i))["definition"]!["name"]!["en"]!.GetValue<string>());
        await PostStatementsAsync(lrs, [.. statements.Select(s => s.Replace("\"en\"", "\"ja\"", StringComparison.Ordinal))]);
        AssertJsonEqual("{\"en\":\"n777\",\"ja\":\"n777\"}", (await ActivityAsync(lrs, prefix + 777))["definition"]!["name"]!.ToJsonString());
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("?activityId=1")]
    [InlineData("?activityId=true")]
    [InlineData("?activityId=%5Bobject%20Object%5D")]
    [InlineData("?activityId=http%3A%2F%2Fexample.org%2Fa&activityId=http%3A%2F%2Fexample.org%2Fb")]
    [InlineData("?activityId=http%3A%2F%2Fexample.org%2Fa&format=exact")]
    [InlineData("?activityid=http%3A%2F%2Fexample.org%2Fa")]
    public async Task Activities_without_a_valid_activityId_or_with_other_parameters_is_400(string query)
    {
        using var lrs = await LrsAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(lrs, "/xapi/activities" + query)).Status);
    }

    [SkippableFact]
    public async Task Agents_and_activities_answer_head_like_get()
    {
        using var lrs = await LrsAsync();
        foreach (var url in new[] { "/xapi/activities?activityId=" + Q(NewActivity()), "/xapi/agents?agent=" + Q(NewAgent()) })
        {
            using var get = await lrs.GetAsync(url);
            using var head = await lrs.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(get.Headers.ETag, head.Headers.ETag);
            Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }
}
