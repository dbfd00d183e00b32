using System.Net;

namespace Koumu.Interop.Tests.Xapi.Documents;

/// <summary>
/// C §2.3 State (registration, multiple document DELETE), C §2.6 / §2.7 parameters, and C §3.2.s3.b7–b8 (unknown and
/// wrongly cased parameters are 400).
/// </summary>
public abstract partial class DocumentSpecification
{
    // ---- C §2.3 State: registration and the whole-context DELETE ----------------------------------------------------------

    [SkippableTheory, MemberData(nameof(Versions))]
    public async Task State_registration_is_part_of_a_documents_identity(string version)
    {
        using var lrs = await LrsAsync(version);
        var plain = Doc.New(State);
        var registration = Guid.NewGuid().ToString().ToUpperInvariant();
        var registered = plain with { Registration = registration };
        await CreateAsync(lrs, plain, "s", "{\"where\":\"none\"}");
        await CreateAsync(lrs, registered, "s", "{\"where\":\"registered\"}");
        AssertJsonEqual("{\"where\":\"none\"}", (await GetAsync(lrs, plain.Url("s"))).Body);
        AssertJsonEqual("{\"where\":\"registered\"}", (await GetAsync(lrs, registered.Url("s"))).Body);
        // A registration is a UUID whatever its case.
        AssertJsonEqual("{\"where\":\"registered\"}", (await GetAsync(lrs, (plain with { Registration = registration.ToLowerInvariant() }).Url("s"))).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(lrs, (plain with { Registration = Guid.NewGuid().ToString() }).Url("s"))).Status);
        // The list of one registration has its ids; without a registration, the context's ids across registrations, each once.
        await CreateAsync(lrs, registered, "only-registered", "{}");
        Assert.Equal(["only-registered", "s"], (await IdsAsync(lrs, registered.List())).Order());
        Assert.Equal(["only-registered", "s"], (await IdsAsync(lrs, plain.List())).Order());
    }

    [SkippableTheory, MemberData(nameof(Versions))]
    public async Task State_delete_without_stateId_removes_every_document_of_the_context_only(string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(State);
        var registered = doc with { Registration = Guid.NewGuid().ToString() };
        var otherAgent = doc with { Agent = NewAgent() };
        var otherActivity = doc with { Activity = NewActivity() };
        await CreateAsync(lrs, doc, "a", "{}");
        await CreateAsync(lrs, doc, "b", "{}");
        await CreateAsync(lrs, registered, "r", "{}");
        await CreateAsync(lrs, otherAgent, "a", "{}");
        await CreateAsync(lrs, otherActivity, "a", "{}");

        // With a registration: that registration's documents only.
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Delete, registered.List()));
        Assert.Equal(["a", "b"], (await IdsAsync(lrs, doc.List())).Order());
        await CreateAsync(lrs, registered, "r", "{}");
        // Without: activity + agent, every registration (C §2.3.s5).
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Delete, doc.List()));
        Assert.Empty(await IdsAsync(lrs, doc.List()));
        Assert.Empty(await IdsAsync(lrs, registered.List()));
        Assert.Equal(["a"], await IdsAsync(lrs, otherAgent.List()));
        Assert.Equal(["a"], await IdsAsync(lrs, otherActivity.List()));
    }

    [SkippableFact]
    public async Task State_accepts_an_identified_group_as_agent_and_keys_it_by_its_ifi()
    {
        using var lrs = await LrsAsync();
        var group = "{\"objectType\":\"Group\",\"account\":{\"homePage\":\"https://school.example.jp\",\"name\":\"class-3a\"}}";
        var doc = Doc.New(State) with { Agent = group };
        await CreateAsync(lrs, doc, "team", "{\"score\":3}");
        // The same IFI with members listed and keys in another order is the same context.
        var same = doc with { Agent = "{\"account\":{\"name\":\"class-3a\",\"homePage\":\"https://school.example.jp\"},\"objectType\":\"Group\",\"member\":[{\"mbox\":\"mailto:a@example.org\"}]}" };
        AssertJsonEqual("{\"score\":3}", (await GetAsync(lrs, same.Url("team"))).Body);
        // An anonymous Group owns no documents; the Agent Profile takes Agents only (C §2.6 note).
        var anonymous = doc with { Agent = "{\"objectType\":\"Group\",\"member\":[{\"mbox\":\"mailto:a@example.org\"}]}" };
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Put, anonymous.Url("team"), JsonBody("{}")));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Put, (Doc.New(AgentProfile) with { Agent = group }).Url("p"), JsonBody("{}")));
    }

    [SkippableFact]
    public async Task Agent_ifis_compare_canonically_mbox_sha1sum_in_any_case()
    {
        using var lrs = await LrsAsync();
        const string sha = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9";
        var doc = Doc.New(AgentProfile) with { Agent = $"{{\"mbox_sha1sum\":\"{sha.ToUpperInvariant()}\"}}" };
        await CreateAsync(lrs, doc, "prefs", "{\"languagePreference\":\"ja-JP\"}");
        var lower = doc with { Agent = $"{{\"objectType\":\"Agent\",\"name\":\"Learner\",\"mbox_sha1sum\":\"{sha}\"}}" };
        AssertJsonEqual("{\"languagePreference\":\"ja-JP\"}", (await GetAsync(lrs, lower.Url("prefs"))).Body);
    }

    // ---- Required and malformed parameters (C §2.3–2.7 tables, C §3.2) ------------------------------------------------------

    public static TheoryData<string, string> BadDocumentRequests()
    {
        var activity = Q("http://example.org/a");
        var agent = Q("{\"mbox\":\"mailto:a@example.org\"}");
        var data = new TheoryData<string, string>
        {
            // missing activityId / agent / id
            { "PUT", $"activities/state?agent={agent}&stateId=s" },
            { "PUT", $"activities/state?activityId={activity}&stateId=s" },
            { "PUT", $"activities/state?activityId={activity}&agent={agent}" },
            { "POST", $"activities/state?activityId={activity}&agent={agent}" },
            { "GET", $"activities/state?agent={agent}" },
            { "DELETE", $"activities/state?activityId={activity}" },
            { "PUT", "activities/profile?profileId=p" },
            { "PUT", $"activities/profile?activityId={activity}" },
            { "DELETE", $"activities/profile?activityId={activity}" },
            { "GET", "activities/profile" },
            { "PUT", "agents/profile?profileId=p" },
            { "PUT", $"agents/profile?agent={agent}" },
            { "DELETE", $"agents/profile?agent={agent}" },
            { "GET", "agents/profile" },
            // activityId not an IRI (the ADL suite sends 1, true and an object as strings)
            { "PUT", $"activities/state?activityId=1&agent={agent}&stateId=s" },
            { "GET", $"activities/state?activityId=true&agent={agent}&stateId=s" },
            { "GET", $"activities/profile?activityId={Q("[object Object]")}&profileId=p" },
            { "DELETE", $"activities/profile?activityId=no%20scheme&profileId=p" },
            // agent not JSON, not an object, not a valid Agent
            { "PUT", $"activities/state?activityId={activity}&agent=not%20JSON&stateId=s" },
            { "GET", $"activities/state?activityId={activity}&agent=1&stateId=s" },
            { "GET", $"activities/state?activityId={activity}&agent=true" },
            { "DELETE", $"activities/state?activityId={activity}&agent={Q("[]")}" },
            { "PUT", $"agents/profile?agent={Q("{\"mbox\":\"a@example.org\"}")}&profileId=p" },
            { "PUT", $"agents/profile?agent={Q("{\"mbox\":\"mailto:a@example.org\",\"openid\":\"http://o.example\"}")}&profileId=p" },
            { "GET", $"agents/profile?agent={Q("{}")}&profileId=p" },
            { "GET", $"agents/profile?agent={Q("{\"mbox\":\"mailto:a@example.org\",\"Name\":\"x\"}")}&profileId=p" },
            { "GET", $"agents/profile?agent={Q("{\"mbox\":\"mailto:a@example.org\",\"mbox\":\"mailto:b@example.org\"}")}&profileId=p" },
            { "GET", $"agents/profile?agent={Q("{\"account\":{\"homePage\":\"no scheme\",\"name\":\"x\"}}")}&profileId=p" },
            // registration not a UUID
            { "PUT", $"activities/state?activityId={activity}&agent={agent}&stateId=s&registration=not-a-uuid" },
            { "GET", $"activities/state?activityId={activity}&agent={agent}&registration=1" },
            { "DELETE", $"activities/state?activityId={activity}&agent={agent}&registration=true" },
            // since not a timestamp, or on a method that has no since
            { "GET", $"activities/state?activityId={activity}&agent={agent}&since=not%20a%20timestamp" },
            { "GET", $"agents/profile?agent={agent}&since=2026-01-01" },
            { "DELETE", $"activities/state?activityId={activity}&agent={agent}&since=2026-01-01T00:00:00Z" },
            { "PUT", $"activities/profile?activityId={activity}&profileId=p&since=2026-01-01T00:00:00Z" },
            // unknown parameters, parameters of another resource, wrong case, repeated, empty id
            { "GET", $"activities/state?activityId={activity}&agent={agent}&limit=1" },
            { "GET", $"activities/profile?activityId={activity}&agent={agent}" },
            { "GET", $"agents/profile?agent={agent}&activityId={activity}" },
            { "PUT", $"activities/profile?activityId={activity}&registration={Guid.NewGuid()}&profileId=p" },
            { "GET", $"activities/state?activityid={activity}&agent={agent}" },
            { "GET", $"activities/state?activityId={activity}&Agent={agent}" },
            { "PUT", $"activities/state?activityId={activity}&agent={agent}&StateId=s" },
            { "GET", $"activities/state?activityId={activity}&agent={agent}&stateId=a&stateId=b" },
            { "PUT", $"activities/state?activityId={activity}&agent={agent}&stateId=" },
            { "POST", $"activities/state?activityId={activity}&agent={agent}&stateId=s&method=PUT" },
        };
        return data;
    }

    [SkippableTheory, MemberData(nameof(BadDocumentRequests))]
    public async Task Missing_malformed_or_unknown_parameters_are_400_and_store_nothing(string method, string url)
    {
        foreach (var version in new[] { "1.0.3", "2.0.0" })
        {
            using var lrs = await LrsAsync(version);
            using var response = await SendForResponseAsync(lrs, new HttpMethod(method), "/xapi/" + url, method is "PUT" or "POST" ? JsonBody("{\"a\":1}") : null);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("\"message\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(version, response.Headers.GetValues("X-Experience-API-Version").Single());
            Assert.Empty(await IdsAsync(lrs, $"/xapi/activities/state?activityId={Q("http://example.org/a")}&agent={Q("{\"mbox\":\"mailto:a@example.org\"}")}"));
            Assert.Empty(await IdsAsync(lrs, $"/xapi/activities/profile?activityId={Q("http://example.org/a")}"));
            Assert.Empty(await IdsAsync(lrs, $"/xapi/agents/profile?agent={Q("{\"mbox\":\"mailto:a@example.org\"}")}"));
        }
    }

    [SkippableFact]
    public async Task Document_ids_are_any_string_compared_exactly()
    {
        using var lrs = await LrsAsync();
        var doc = Doc.New(ActivityProfile);
        var ids = new[] { "Bookmark", "bookmark", "with space & = ? #", "日本語のID", new string('x', 4000) };
        foreach (var id in ids) await CreateAsync(lrs, doc, id, $"{{\"id\":{System.Text.Json.JsonSerializer.Serialize(id)}}}");
        Assert.Equal(ids.Order(StringComparer.Ordinal), (await IdsAsync(lrs, doc.List())).Order(StringComparer.Ordinal));
        foreach (var id in ids) AssertJsonEqual($"{{\"id\":{System.Text.Json.JsonSerializer.Serialize(id)}}}", (await GetAsync(lrs, doc.Url(id))).Body);
    }
}
