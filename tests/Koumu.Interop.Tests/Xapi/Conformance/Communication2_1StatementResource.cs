using System.Net;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Xapi;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.Xapi.Conformance;

/// <summary>xAPI Communication §2.1 (Statement resource) and Data §2.3.2 (voiding), §2.5 (retrieval).</summary>
public abstract partial class ConformanceSpecification
{
    // ---- C §2.1.3 format=canonical (XAPI-00169, XAPI-00172) ----------------------------------------------------------

    [SkippableTheory]
    [InlineData("1.0.3")]
    [InlineData("2.0.0")]
    public async Task Canonical_format_returns_the_lrs_merged_definition_not_the_one_sent_with_the_statement(string version)
    {
        using var lrs = await LrsAsync(version);
        var activity = NewActivity();
        // Two Statements each know part of the Activity: English name and a description; later a Japanese name.
        var first = (await PostAsync(lrs, Statement(activity, "{\"name\":{\"en-US\":\"Fractions quiz\"}}")))[0];
        await PostAsync(lrs, Statement(activity, "{\"name\":{\"ja\":\"分数クイズ\"},\"description\":{\"ja\":\"5年 算数\"},\"type\":\"http://adlnet.gov/expapi/activities/assessment\"}"));
        var bare = (await PostAsync(lrs, Statement(activity)))[0];

        foreach (var (id, language, name) in new[] { (first, "ja", "分数クイズ"), (first, "en-US", "Fractions quiz"), (bare, "ja", "分数クイズ") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/xapi/statements?statementId={id}&format=canonical");
            request.Headers.AcceptLanguage.ParseAdd(language);
            using var response = await lrs.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var definition = (await BodyAsync(response))["object"]!["definition"]!;
            // The canonical definition, merged across Statements, in one language per map.
            var names = definition["name"]!.AsObject();
            Assert.Equal(name, Assert.Single(names).Value!.GetValue<string>());
            Assert.Equal("5年 算数", Assert.Single(definition["description"]!.AsObject()).Value!.GetValue<string>());
            Assert.Equal("http://adlnet.gov/expapi/activities/assessment", definition["type"]!.GetValue<string>());
        }

        // exact still returns the Activity as it was sent (XAPI-00170).
        using var exact = await lrs.GetAsync($"/xapi/statements?statementId={bare}");
        Assert.Null((await BodyAsync(exact))["object"]!["definition"]);
    }

    [SkippableFact]
    public async Task Canonical_format_on_a_page_applies_canonical_definitions_to_context_activities_and_substatements()
    {
        using var lrs = await LrsAsync("2.0.0");
        var parent = NewActivity();
        var inner = NewActivity();
        await PostAsync(lrs, Statement(parent, "{\"name\":{\"en-US\":\"Unit 3\",\"ja\":\"第3単元\"}}"));
        await PostAsync(lrs, Statement(inner, "{\"name\":{\"en-US\":\"Step\",\"ja\":\"ステップ\"}}"));
        var substatement = ",\"context\":{\"contextActivities\":{\"parent\":{\"id\":\"" + parent + "\"}}}";
        var json = "{\"actor\":{\"mbox\":\"mailto:t@example.org\"},\"verb\":{\"id\":\"http://example.org/verbs/planned\"}," +
                   "\"object\":{\"objectType\":\"SubStatement\",\"actor\":{\"mbox\":\"mailto:s@example.org\"},\"verb\":{\"id\":\"http://example.org/verbs/do\"},\"object\":{\"id\":\"" + inner + "\"}}" + substatement + "}";
        var id = (await PostAsync(lrs, json))[0];

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/xapi/statements?verb={Q("http://example.org/verbs/planned")}&format=canonical");
        request.Headers.AcceptLanguage.ParseAdd("ja");
        using var response = await lrs.SendAsync(request);
        var statement = Assert.Single((await BodyAsync(response))["statements"]!.AsArray())!;
        Assert.Equal(id, statement["id"]!.GetValue<string>());
        Assert.Equal("第3単元", statement["context"]!["contextActivities"]!["parent"]![0]!["definition"]!["name"]!["ja"]!.GetValue<string>());
        Assert.Equal("ステップ", Assert.Single(statement["object"]!["object"]!["definition"]!["name"]!.AsObject()).Value!.GetValue<string>());
    }

    // ---- C §2.1.3 X-Experience-API-Consistent-Through "regardless of the code returned" (XAPI-00153, XAPI-00160) ----

    [SkippableFact]
    public async Task Consistent_through_is_on_forbidden_and_version_refusals_of_the_statement_resource()
    {
        var tenant = XapiHub.NewTenant();
        using var writeOnly = await LrsAsync(tenant: tenant, read: false);
        using (var forbidden = await writeOnly.GetAsync("/xapi/statements"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.True(XapiFormats.TryParseTimestamp(forbidden.Headers.GetValues("X-Experience-API-Consistent-Through").Single(), out _));
        }
        using var versionless = await LrsAsync("", tenant: tenant);
        using (var missing = await versionless.GetAsync("/xapi/statements"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.True(missing.Headers.Contains("X-Experience-API-Consistent-Through"));
        }
        using var future = await LrsAsync("1.1.0", tenant: tenant);
        using var unsupported = await future.PostAsync("/xapi/statements", Json(Statement(NewActivity())));
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.StatusCode);
        Assert.True(unsupported.Headers.Contains("X-Experience-API-Consistent-Through"));
    }

    [SkippableFact]
    public async Task Consistent_through_is_not_before_the_stored_of_any_returned_statement()
    {
        using var lrs = await LrsAsync("2.0.0");
        await PostAsync(lrs, $"[{Statement(NewActivity())},{Statement(NewActivity())}]");
        using var response = await lrs.GetAsync("/xapi/statements");
        Assert.True(XapiFormats.TryParseTimestamp(response.Headers.GetValues("X-Experience-API-Consistent-Through").Single(), out var through));
        foreach (var s in (await BodyAsync(response))["statements"]!.AsArray())
        {
            Assert.True(XapiFormats.TryParseTimestamp(s!["stored"]!.GetValue<string>(), out var stored));
            Assert.True(through >= stored, $"{through:o} < {stored:o}");
        }
    }

    // ---- D §2.5 more (XAPI-00108, XAPI-00111, XAPI-00114): a relative IRL usable for at least 24 hours --------------

    [SkippableFact]
    public async Task A_more_link_is_relative_follows_the_original_query_and_is_valid_for_at_least_24_hours()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await LrsAsync(tenant: tenant);
        var verb = "http://example.org/verbs/" + Guid.NewGuid().ToString("N");
        var json = "[" + string.Join(",", Enumerable.Range(0, 5).Select(i =>
            "{\"actor\":{\"mbox\":\"mailto:p@example.org\"},\"verb\":{\"id\":\"" + verb + "\"},\"object\":{\"id\":\"http://example.org/a/" + i + "\"}}")) + "]";
        var posted = await PostAsync(lrs, json);
        await PostAsync(lrs, Statement(NewActivity())); // another verb: the filter must survive paging

        using var first = await lrs.GetAsync($"/xapi/statements?verb={Q(verb)}&limit=2");
        var more = (await BodyAsync(first))["more"]!.GetValue<string>();
        Assert.StartsWith("/xapi/statements?", more, StringComparison.Ordinal);
        Assert.False(Uri.TryCreate(more, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https", more);

        // The token itself outlives 24 hours (D §2.5 "at least 24 hours"): decode it as the LRS would then.
        var services = Hub.Services;
        var tenantId = (await services.GetRequiredService<RosterStore>().FindTenantAsync(tenant))!.Value;
        var token = Uri.UnescapeDataString(more[(more.IndexOf("more=", StringComparison.Ordinal) + 5)..]);
        var cursor = services.GetRequiredService<XapiCursor>();
        Assert.NotNull(cursor.Decode(token, tenantId, DateTimeOffset.UtcNow.AddHours(24).AddMinutes(1)));
        Assert.True(XapiCursor.Lifetime >= TimeSpan.FromHours(24));

        var all = await IdsAsync(lrs, $"/xapi/statements?verb={Q(verb)}&limit=2");
        Assert.Equal(posted.AsEnumerable().Reverse(), all);
    }

    // ---- C §2.1.3 limit (XAPI-00173): 0 = the server's maximum --------------------------------------------------------

    [SkippableFact]
    public async Task Limit_zero_returns_the_server_maximum_per_page_and_a_more_link_for_the_rest()
    {
        using var lrs = await LrsAsync();
        var verb = "http://example.org/verbs/" + Guid.NewGuid().ToString("N");
        var json = "[" + string.Join(",", Enumerable.Range(0, 55).Select(i =>
            "{\"actor\":{\"mbox\":\"mailto:p@example.org\"},\"verb\":{\"id\":\"" + verb + "\"},\"object\":{\"id\":\"http://example.org/a/" + i + "\"}}")) + "]";
        await PostAsync(lrs, json);
        foreach (var url in new[] { $"/xapi/statements?verb={Q(verb)}&limit=0", $"/xapi/statements?verb={Q(verb)}", $"/xapi/statements?verb={Q(verb)}&limit=1000" })
        {
            using var response = await lrs.GetAsync(url);
            var body = await BodyAsync(response);
            Assert.Equal(50, body["statements"]!.AsArray().Count); // the hub's Koumu:Xapi:MaxLimit
            Assert.NotEqual("", body["more"]!.GetValue<string>());
        }
        Assert.Equal(55, (await IdsAsync(lrs, $"/xapi/statements?verb={Q(verb)}&limit=0")).Count);
        using var negative = await lrs.GetAsync("/xapi/statements?limit=-1");
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
    }

    // ---- C §2.1.3 related_agents / related_activities (XAPI-00176, XAPI-00177) ---------------------------------------

    [SkippableFact]
    public async Task Agent_matches_the_actor_or_object_only_unless_related_agents_widens_it_to_context_authority_and_substatements()
    {
        using var lrs = await LrsAsync();
        var who = Guid.NewGuid().ToString("N")[..12];
        var agent = $"{{\"mbox\":\"mailto:{who}@example.org\"}}";
        string S(string actor, string obj, string extra = "") =>
            "{\"actor\":" + actor + ",\"verb\":{\"id\":\"http://example.org/verbs/v\"},\"object\":" + obj + extra + "}";
        var asActor = (await PostAsync(lrs, S(agent, "{\"id\":\"http://example.org/a\"}")))[0];
        var asObject = (await PostAsync(lrs, S("{\"mbox\":\"mailto:x@example.org\"}", "{\"objectType\":\"Agent\",\"mbox\":\"mailto:" + who + "@example.org\"}")))[0];
        var asInstructor = (await PostAsync(lrs, S("{\"mbox\":\"mailto:x@example.org\"}", "{\"id\":\"http://example.org/a\"}", ",\"context\":{\"instructor\":" + agent + "}")))[0];
        var asTeamMember = (await PostAsync(lrs, S("{\"mbox\":\"mailto:x@example.org\"}", "{\"id\":\"http://example.org/a\"}",
            ",\"context\":{\"team\":{\"objectType\":\"Group\",\"member\":[" + agent + "]}}")))[0];
        var inSubStatement = (await PostAsync(lrs, S("{\"mbox\":\"mailto:x@example.org\"}",
            "{\"objectType\":\"SubStatement\",\"actor\":" + agent + ",\"verb\":{\"id\":\"http://example.org/verbs/w\"},\"object\":{\"id\":\"http://example.org/b\"}}")))[0];
        await PostAsync(lrs, S("{\"mbox\":\"mailto:x@example.org\"}", "{\"id\":\"http://example.org/a\"}"));

        var exact = await IdsAsync(lrs, $"/xapi/statements?agent={Q(agent)}");
        Assert.Equal(new[] { asObject, asActor }, exact);
        var related = await IdsAsync(lrs, $"/xapi/statements?agent={Q(agent)}&related_agents=true");
        Assert.Equal(new HashSet<string> { asActor, asObject, asInstructor, asTeamMember, inSubStatement }, related.ToHashSet());
        Assert.Equal(5, related.Count);
    }

    [SkippableFact]
    public async Task Activity_matches_the_object_only_unless_related_activities_widens_it_to_context_and_substatements()
    {
        using var lrs = await LrsAsync();
        var activity = NewActivity();
        string S(string obj, string extra = "") => "{\"actor\":{\"mbox\":\"mailto:x@example.org\"},\"verb\":{\"id\":\"http://example.org/verbs/v\"},\"object\":" + obj + extra + "}";
        var asObject = (await PostAsync(lrs, S("{\"id\":\"" + activity + "\"}")))[0];
        var asGrouping = (await PostAsync(lrs, S("{\"id\":\"http://example.org/other\"}", ",\"context\":{\"contextActivities\":{\"grouping\":[{\"id\":\"" + activity + "\"}]}}")))[0];
        var inSubStatement = (await PostAsync(lrs, S("{\"objectType\":\"SubStatement\",\"actor\":{\"mbox\":\"mailto:y@example.org\"},\"verb\":{\"id\":\"http://example.org/verbs/w\"},\"object\":{\"id\":\"" + activity + "\"}}")))[0];
        await PostAsync(lrs, S("{\"id\":\"http://example.org/other\"}"));

        Assert.Equal(new[] { asObject }, await IdsAsync(lrs, $"/xapi/statements?activity={Q(activity)}"));
        var related = await IdsAsync(lrs, $"/xapi/statements?activity={Q(activity)}&related_activities=true");
        Assert.Equal(new HashSet<string> { asObject, asGrouping, inSubStatement }, related.ToHashSet());
    }

    // ---- C §2.1.3 parameter rules (XAPI-00150, XAPI-00151, XAPI-00161) -----------------------------------------------

    [SkippableTheory]
    [InlineData("statementId", "limit=1")]
    [InlineData("statementId", "ascending=true")]
    [InlineData("voidedStatementId", "since=2020-01-01T00:00:00Z")]
    [InlineData("voidedStatementId", "verb=http%3A%2F%2Fexample.org%2Fv")]
    public async Task A_single_statement_query_with_a_filter_parameter_is_400(string single, string other)
    {
        using var lrs = await LrsAsync();
        var id = (await PostAsync(lrs, Statement(NewActivity())))[0];
        using var response = await lrs.GetAsync($"/xapi/statements?{single}={id}&{other}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var allowed = await lrs.GetAsync($"/xapi/statements?statementId={id}&format=ids&attachments=false");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("application/json", allowed.Content.Headers.ContentType!.MediaType);
    }

    // ---- D §2.3.2 voiding (XAPI-00016 – XAPI-00018, XAPI-00162, XAPI-00163) -------------------------------------------

    private static string Voiding(string target, string? id = null) =>
        "{" + (id is null ? "" : $"\"id\":\"{id}\",") + "\"actor\":{\"mbox\":\"mailto:admin@example.org\"},\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" + target + "\"}}";

    [SkippableFact]
    public async Task Voiding_a_voiding_statement_leaves_both_it_and_its_target_as_they_were()
    {
        using var lrs = await LrsAsync();
        var target = (await PostAsync(lrs, Statement(NewActivity())))[0];
        var voiding = (await PostAsync(lrs, Voiding(target)))[0];
        using var again = await lrs.PostAsync("/xapi/statements", Json(Voiding(voiding)));
        // D §2.3.2: a voiding Statement cannot be voided; the LRS MAY reject the attempt, else SHOULD ignore it.
        Assert.True(again.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, again.StatusCode.ToString());
        using var stillVisible = await lrs.GetAsync($"/xapi/statements?statementId={voiding}");
        Assert.Equal(HttpStatusCode.OK, stillVisible.StatusCode);
        using var notVoided = await lrs.GetAsync($"/xapi/statements?voidedStatementId={voiding}");
        Assert.Equal(HttpStatusCode.NotFound, notVoided.StatusCode);
        using var targetStillVoided = await lrs.GetAsync($"/xapi/statements?voidedStatementId={target}");
        Assert.Equal(HttpStatusCode.OK, targetStillVoided.StatusCode);
    }

    [SkippableTheory]
    [InlineData("{\"id\":\"http://example.org/a\"}")]
    [InlineData("{\"objectType\":\"Agent\",\"mbox\":\"mailto:a@example.org\"}")]
    [InlineData("{\"objectType\":\"SubStatement\",\"actor\":{\"mbox\":\"mailto:a@example.org\"},\"verb\":{\"id\":\"http://example.org/v\"},\"object\":{\"id\":\"http://example.org/a\"}}")]
    public async Task A_voiding_statement_whose_object_is_not_a_statement_ref_is_400(string obj)
    {
        using var lrs = await LrsAsync();
        using var response = await lrs.PostAsync("/xapi/statements",
            Json("{\"actor\":{\"mbox\":\"mailto:admin@example.org\"},\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/voided\"},\"object\":" + obj + "}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [SkippableFact]
    public async Task A_query_returns_statements_referring_to_a_voided_statement_but_never_the_voided_one()
    {
        using var lrs = await LrsAsync();
        var activity = NewActivity();
        var target = (await PostAsync(lrs, Statement(activity)))[0];
        var referring = (await PostAsync(lrs, "{\"actor\":{\"mbox\":\"mailto:t@example.org\"},\"verb\":{\"id\":\"http://example.org/verbs/commented\"},\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" + target + "\"}}"))[0];
        var voiding = (await PostAsync(lrs, Voiding(target)))[0];

        // C §2.1.4: filters match Statements that target a matching Statement — including a voided target — but the
        // voided Statement itself appears only under voidedStatementId.
        var ids = await IdsAsync(lrs, $"/xapi/statements?activity={Q(activity)}");
        Assert.DoesNotContain(target, ids);
        Assert.Contains(referring, ids);
        Assert.Contains(voiding, ids);
        using var byId = await lrs.GetAsync($"/xapi/statements?statementId={target}");
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
    }

    // ---- D §2.4.6.2 contextActivities returned as arrays (XAPI-00096) --------------------------------------------------

    [SkippableTheory]
    [InlineData("1.0.3")]
    [InlineData("2.0.0")]
    public async Task A_single_context_activity_is_returned_in_an_array(string version)
    {
        using var lrs = await LrsAsync(version);
        var id = (await PostAsync(lrs, Statement(NewActivity(), extra: ",\"context\":{\"contextActivities\":{\"parent\":{\"id\":\"http://example.org/p\"},\"other\":[{\"id\":\"http://example.org/o\"}]}}")))[0];
        foreach (var format in new[] { "exact", "ids", "canonical" })
        {
            using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}&format={format}");
            var lists = (await BodyAsync(get))["context"]!["contextActivities"]!;
            Assert.IsType<JsonArray>(lists["parent"]);
            Assert.Equal("http://example.org/p", lists["parent"]![0]!["id"]!.GetValue<string>());
            Assert.IsType<JsonArray>(lists["other"]);
        }
    }
}
