using System.Net;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Tests.Xapi.Conformance;

/// <summary>xAPI Communication §1 (HEAD, Alternate Request Syntax, encoding) and §3.3 (versioning).</summary>
public abstract partial class ConformanceSpecification
{
    // ---- C §1.1 HEAD Request Implementation (XAPI-00125, XAPI-00126) -----------------------------------------------

    /// <summary>Every resource that answers GET, with a query that succeeds after <see cref="SeedAsync"/>.</summary>
    public static TheoryData<string, string> GetResources() => new()
    {
        { "1.0.3", "statements" }, { "2.0.0", "statements" },
        { "1.0.3", "statement" }, { "2.0.0", "statement" },
        { "1.0.3", "about" }, { "2.0.0", "about" },
        { "1.0.3", "state" }, { "2.0.0", "state" },
        { "1.0.3", "states" }, { "2.0.0", "states" },
        { "1.0.3", "activity-profile" }, { "2.0.0", "activity-profile" },
        { "1.0.3", "agent-profile" }, { "2.0.0", "agent-profile" },
        { "1.0.3", "agents" }, { "2.0.0", "agents" },
        { "1.0.3", "activities" }, { "2.0.0", "activities" },
    };

    private sealed record Seeded(string StatementId, string Activity, string Agent);

    private static async Task<Seeded> SeedAsync(HttpClient lrs)
    {
        var activity = NewActivity();
        var agent = NewAgent();
        var id = (await PostAsync(lrs, Statement(activity, "{\"name\":{\"en-US\":\"Quiz\"}}")))[0];
        foreach (var path in new[]
        {
            $"/xapi/activities/state?activityId={Q(activity)}&agent={Q(agent)}&stateId=s1",
            $"/xapi/activities/profile?activityId={Q(activity)}&profileId=p1",
            $"/xapi/agents/profile?agent={Q(agent)}&profileId=p1",
        })
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, path) { Content = Json("{\"progress\":1}") };
            put.Headers.TryAddWithoutValidation("If-None-Match", "*");
            using var response = await lrs.SendAsync(put);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }
        return new Seeded(id, activity, agent);
    }

    private static string Url(string resource, Seeded s) => resource switch
    {
        "statements" => "/xapi/statements?limit=5",
        "statement" => $"/xapi/statements?statementId={s.StatementId}",
        "about" => "/xapi/about",
        "state" => $"/xapi/activities/state?activityId={Q(s.Activity)}&agent={Q(s.Agent)}&stateId=s1",
        "states" => $"/xapi/activities/state?activityId={Q(s.Activity)}&agent={Q(s.Agent)}",
        "activity-profile" => $"/xapi/activities/profile?activityId={Q(s.Activity)}&profileId=p1",
        "agent-profile" => $"/xapi/agents/profile?agent={Q(s.Agent)}&profileId=p1",
        "agents" => $"/xapi/agents?agent={Q(s.Agent)}",
        "activities" => $"/xapi/activities?activityId={Q(s.Activity)}",
        _ => throw new ArgumentOutOfRangeException(nameof(resource)),
    };

    [SkippableTheory]
    [MemberData(nameof(GetResources))]
    public async Task Head_on_every_get_resource_answers_the_get_status_and_headers_without_a_body(string version, string resource)
    {
        using var lrs = await LrsAsync(version);
        var url = Url(resource, await SeedAsync(lrs));
        using var get = await lrs.GetAsync(url);
        using var head = await lrs.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(get.StatusCode, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(get.Content.Headers.ContentType?.ToString(), head.Content.Headers.ContentType?.ToString());
        Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Headers.GetValues("X-Experience-API-Version"), head.Headers.GetValues("X-Experience-API-Version"));
        if (resource.StartsWith("statement", StringComparison.Ordinal))
            Assert.True(head.Headers.Contains("X-Experience-API-Consistent-Through"));
    }

    // ---- C §1.3 Alternate Request Syntax on the document resources (XAPI-00336; 2.0 removed it) ---------------------

    [SkippableFact]
    public async Task Under_1_0_3_the_document_resources_take_put_get_post_and_delete_in_the_alternate_syntax()
    {
        using var lrs = await LrsAsync("1.0.3");
        var activity = NewActivity();
        var agent = NewAgent();
        KeyValuePair<string, string>[] Context(params (string, string)[] more) =>
            [new("activityId", activity), new("agent", agent), new("stateId", "bookmark"), .. more.Select(m => new KeyValuePair<string, string>(m.Item1, m.Item2))];

        using (var put = await lrs.SendAsync(Alternate("/xapi/activities/state", "PUT", Context(("content", "{\"page\":3}"), ("Content-Type", "application/json")))))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var post = await lrs.SendAsync(Alternate("/xapi/activities/state", "POST", Context(("content", "{\"score\":80}")))))
            Assert.Equal(HttpStatusCode.NoContent, post.StatusCode);
        using (var get = await lrs.SendAsync(Alternate("/xapi/activities/state", "GET", Context())))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var merged = await BodyAsync(get);
            Assert.Equal(3, merged["page"]!.GetValue<int>());
            Assert.Equal(80, merged["score"]!.GetValue<int>());
        }
        using (var delete = await lrs.SendAsync(Alternate("/xapi/activities/state", "DELETE", Context())))
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await lrs.GetAsync($"/xapi/activities/state?activityId={Q(activity)}&agent={Q(agent)}&stateId=bookmark");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [SkippableFact]
    public async Task Under_1_0_3_profile_preconditions_travel_as_form_fields()
    {
        using var lrs = await LrsAsync("1.0.3");
        var activity = NewActivity();
        KeyValuePair<string, string>[] Fields(params (string, string)[] more) =>
            [new("activityId", activity), new("profileId", "settings"), .. more.Select(m => new KeyValuePair<string, string>(m.Item1, m.Item2))];
        using (var create = await lrs.SendAsync(Alternate("/xapi/activities/profile", "PUT", Fields(("content", "{\"a\":1}"), ("If-None-Match", "*")))))
            Assert.Equal(HttpStatusCode.NoContent, create.StatusCode);
        // C §3.1: a second PUT without a precondition is a conflict, a stale If-Match fails — in a form as in headers.
        using (var blind = await lrs.SendAsync(Alternate("/xapi/activities/profile", "PUT", Fields(("content", "{\"a\":2}")))))
            Assert.Equal(HttpStatusCode.Conflict, blind.StatusCode);
        using (var stale = await lrs.SendAsync(Alternate("/xapi/activities/profile", "PUT", Fields(("content", "{\"a\":2}"), ("If-Match", "\"0000\"")))))
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        using var get = await lrs.GetAsync($"/xapi/activities/profile?activityId={Q(activity)}&profileId=settings");
        Assert.Equal(1, (await BodyAsync(get))["a"]!.GetValue<int>());
    }

    [SkippableTheory]
    [InlineData("/xapi/activities/state")]
    [InlineData("/xapi/activities/profile")]
    [InlineData("/xapi/agents/profile")]
    public async Task Under_2_0_the_alternate_syntax_on_a_document_resource_is_400_and_stores_nothing(string path)
    {
        using var lrs = await LrsAsync("2.0.0");
        var activity = NewActivity();
        var agent = NewAgent();
        KeyValuePair<string, string>[] fields = [new("activityId", activity), new("agent", agent), new("stateId", "x"), new("profileId", "x"), new("content", "{\"a\":1}")];
        // Only the parameters the resource takes (others would be 400 for a different reason).
        fields = [.. fields.Where(f => path switch
        {
            "/xapi/activities/state" => f.Key is not "profileId",
            "/xapi/activities/profile" => f.Key is not ("agent" or "stateId"),
            _ => f.Key is not ("activityId" or "stateId"),
        })];
        using var put = await lrs.SendAsync(Alternate(path, "PUT", fields));
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        var query = string.Join("&", fields.Where(f => f.Key != "content").Select(f => $"{f.Key}={Q(f.Value)}"));
        using var get = await lrs.GetAsync($"{path}?{query}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [SkippableFact]
    public async Task An_alternate_request_with_other_query_parameters_or_not_sent_as_post_is_400()
    {
        using var lrs = await LrsAsync("1.0.3");
        var activity = NewActivity();
        // C §1.3: "MUST NOT have any other query string parameters" than method.
        using var extra = new HttpRequestMessage(HttpMethod.Post, $"/xapi/activities/profile?method=PUT&activityId={Q(activity)}")
        { Content = new FormUrlEncodedContent([new("profileId", "p"), new("content", "{}")]) };
        using (var response = await lrs.SendAsync(extra)) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        // Only POST carries the syntax: on GET, method is an unknown parameter (C §3.2).
        using (var response = await lrs.GetAsync($"/xapi/activities/profile?method=GET&activityId={Q(activity)}&profileId=p"))
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [SkippableFact]
    public async Task Under_1_0_3_agents_and_activities_answer_get_in_the_alternate_syntax_and_refuse_a_plain_post()
    {
        using var lrs = await LrsAsync("1.0.3");
        var activity = NewActivity();
        await PostAsync(lrs, Statement(activity, "{\"name\":{\"ja\":\"漢字テスト\"}}"));
        using (var activities = await lrs.SendAsync(Alternate("/xapi/activities", "GET", [new("activityId", activity)])))
        {
            Assert.Equal(HttpStatusCode.OK, activities.StatusCode);
            Assert.Equal("漢字テスト", (await BodyAsync(activities))["definition"]!["name"]!["ja"]!.GetValue<string>());
        }
        var agent = NewAgent();
        using (var agents = await lrs.SendAsync(Alternate("/xapi/agents", "GET", [new("agent", agent)])))
        {
            Assert.Equal(HttpStatusCode.OK, agents.StatusCode);
            Assert.Equal("Person", (await BodyAsync(agents))["objectType"]!.GetValue<string>());
        }
        using (var head = await lrs.SendAsync(Alternate("/xapi/agents", "HEAD", [new("agent", agent)])))
        {
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
        using (var plain = await lrs.PostAsync($"/xapi/activities?activityId={Q(activity)}", Json("{}")))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, plain.StatusCode);
        using (var put = await lrs.SendAsync(Alternate("/xapi/agents", "PUT", [new("agent", agent), new("content", "{}")])))
            Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        using var v2 = await LrsAsync("2.0.0");
        using var refused = await v2.SendAsync(Alternate("/xapi/activities", "GET", [new("activityId", activity)]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [SkippableFact]
    public async Task An_alternate_request_without_credentials_is_401_on_every_resource()
    {
        using var anonymous = Hub.CreateHttpsClient();
        foreach (var (path, fields) in new (string, KeyValuePair<string, string>[])[]
        {
            ("/xapi/activities", [new("activityId", NewActivity()), new("X-Experience-API-Version", "1.0.3")]),
            ("/xapi/activities/profile", [new("activityId", NewActivity()), new("profileId", "p"), new("X-Experience-API-Version", "1.0.3")]),
        })
        {
            using var response = await anonymous.SendAsync(Alternate(path, "GET", fields));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    // ---- C §1.4 Encoding and JSON responses -------------------------------------------------------------------------

    [SkippableTheory]
    [InlineData("/xapi/about")]
    [InlineData("/xapi/statements")]
    [InlineData("/xapi/statements?statementId=not-a-uuid")]
    [InlineData("/xapi/activities?activityId=http%3A%2F%2Fexample.org%2Fa")]
    public async Task Json_responses_declare_application_json_in_utf_8(string url)
    {
        using var lrs = await LrsAsync("2.0.0");
        using var response = await lrs.GetAsync(url);
        var type = response.Content.Headers.ContentType!;
        Assert.Equal("application/json", type.MediaType);
        Assert.Equal("utf-8", type.CharSet, ignoreCase: true);
    }

    // ---- C §3.3 Versioning (XAPI-00331, XAPI-00333, XAPI-00332) -----------------------------------------------------

    [SkippableTheory]
    [InlineData("1.0", "1.0.3")]
    [InlineData("1.0.0", "1.0.3")]
    [InlineData("1.0.2", "1.0.3")]
    [InlineData("1.0.9", "1.0.3")]
    [InlineData("2.0", "2.0.0")]
    [InlineData("2.0.0", "2.0.0")]
    public async Task A_supported_version_is_answered_with_the_latest_patch_of_its_line(string sent, string answered)
    {
        using var lrs = await LrsAsync(sent);
        using var response = await lrs.GetAsync("/xapi/statements?limit=1");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(answered, response.Headers.GetValues("X-Experience-API-Version").Single());
    }

    [SkippableTheory]
    [InlineData("0.95")]
    [InlineData("0.9")]
    [InlineData("1.1.0")]
    [InlineData("2.1.0")]
    [InlineData("3.0.0")]
    [InlineData("1.0.x")]
    [InlineData("")]
    public async Task Any_other_version_is_400_on_every_resource_but_about(string sent)
    {
        using var lrs = await LrsAsync("");
        foreach (var url in new[] { "/xapi/statements", $"/xapi/activities?activityId={Q(NewActivity())}", $"/xapi/agents?agent={Q(NewAgent())}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("X-Experience-API-Version", sent);
            using var response = await lrs.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        using var about = new HttpRequestMessage(HttpMethod.Get, "/xapi/about");
        about.Headers.TryAddWithoutValidation("X-Experience-API-Version", sent);
        using var answer = await lrs.SendAsync(about);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var versions = (await BodyAsync(answer))["version"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Contains("1.0.3", versions);
        Assert.Contains("2.0.0", versions);
    }

    [SkippableTheory]
    [InlineData("1.0.3", "1.0.0")]
    [InlineData("1.0.3", "1.0.3")]
    [InlineData("2.0.0", "2.0.0")]
    [InlineData("2.0.0", "1.0.3")]
    public async Task A_statement_keeps_the_version_it_was_accepted_with(string header, string version)
    {
        using var lrs = await LrsAsync(header);
        var id = (await PostAsync(lrs, Statement(NewActivity(), extra: $",\"version\":\"{version}\"")))[0];
        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}");
        Assert.Equal(version, (await BodyAsync(get))["version"]!.GetValue<string>());
    }
}
