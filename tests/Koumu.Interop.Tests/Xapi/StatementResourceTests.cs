using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Schemas.Xapi;

namespace Koumu.Interop.Tests.Xapi;

public sealed class StatementResourceTests(XapiHub hub) : StatementResourceSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresStatementResourceTests(PostgresXapiHub hub) : StatementResourceSpecification(hub), IClassFixture<PostgresXapiHub>;

/// <summary>
/// The Statement resource through the real HTTP pipeline (xAPI Communication §2.1, §1.4, §3.2, §4), organised by spec
/// section; the same specification runs on SQLite and PostgreSQL.
/// </summary>
public abstract class StatementResourceSpecification
{
    private readonly XapiHub _hub;

    protected StatementResourceSpecification(XapiHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    private static string Statement(string? id = null, string actor = "a", string verb = "http://adlnet.gov/expapi/verbs/attempted", string activity = "http://example.org/act", string extra = "")
    {
        var idPart = id is null ? "" : $"\"id\":\"{id}\",";
        return "{" + idPart + "\"actor\":{\"mbox\":\"mailto:" + actor + "@example.org\"},\"verb\":{\"id\":\"" + verb + "\"},\"object\":{\"id\":\"" + activity + "\"}" + extra + "}";
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> BodyAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private static async Task<int> CountAsync(HttpClient lrs)
    {
        using var response = await lrs.GetAsync("/xapi/statements?limit=0");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var count = 0;
        var body = await BodyAsync(response);
        count += body["statements"]!.AsArray().Count;
        while (body["more"]!.GetValue<string>() is { Length: > 0 } more)
        {
            using var next = await lrs.GetAsync(more);
            body = await BodyAsync(next);
            count += body["statements"]!.AsArray().Count;
        }
        return count;
    }

    // ---- C §2.1.1 PUT Statements -------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Put_stores_the_statement_under_statementId_and_returns_204()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var id = Guid.NewGuid().ToString();
        using var put = await lrs.PutAsync($"/xapi/statements?statementId={id}", Json(Statement()));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.True(put.Headers.Contains("X-Experience-API-Consistent-Through"));
        Assert.Equal("1.0.3", put.Headers.GetValues("X-Experience-API-Version").Single());

        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var statement = await BodyAsync(get);
        Assert.Equal(id, statement["id"]!.GetValue<string>());
        // D §2.4.7–2.4.10: the LRS sets stored, authority (from the credential), timestamp and version.
        Assert.NotNull(statement["stored"]);
        Assert.Equal(statement["stored"]!.GetValue<string>(), statement["timestamp"]!.GetValue<string>());
        Assert.Equal("test app", statement["authority"]!["name"]!.GetValue<string>());
        Assert.Equal("1.0.0", statement["version"]!.GetValue<string>());
        Assert.Contains("\"test app\"", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotNull(get.Content.Headers.LastModified);
    }

    [SkippableFact]
    public async Task Japanese_text_is_returned_as_sent_not_escaped()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var id = Guid.NewGuid().ToString();
        using (await lrs.PutAsync($"/xapi/statements?statementId={id}", Json(Statement(extra: ",\"result\":{\"response\":\"ひらがな <b>&</b>\"}")))) { }
        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}");
        var text = await get.Content.ReadAsStringAsync();
        Assert.Contains("\"response\":\"ひらがな <b>&</b>\"", text, StringComparison.Ordinal);
        Assert.Equal("application/json", get.Content.Headers.ContentType!.MediaType);
    }

    [SkippableFact]
    public async Task Put_without_statementId_or_with_a_different_body_id_is_400()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var missing = await lrs.PutAsync("/xapi/statements", Json(Statement()));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using var other = await lrs.PutAsync($"/xapi/statements?statementId={Guid.NewGuid()}", Json(Statement(Guid.NewGuid().ToString())));
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Contains("$.id", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(lrs));
    }

    [SkippableFact]
    public async Task Same_id_with_the_same_statement_is_a_no_op_and_with_another_is_409()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var id = Guid.NewGuid().ToString();
        using (var first = await lrs.PutAsync($"/xapi/statements?statementId={id}", Json(Statement()))) Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        using (var again = await lrs.PutAsync($"/xapi/statements?statementId={id}", Json(Statement()))) Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        using (var post = await lrs.PostAsync("/xapi/statements", Json(Statement(id)))) Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        using (var conflict = await lrs.PutAsync($"/xapi/statements?statementId={id}", Json(Statement(actor: "b")))) Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        using (var batch = await lrs.PostAsync("/xapi/statements", Json($"[{Statement(Guid.NewGuid().ToString())},{Statement(id, actor: "b")}]")))
            Assert.Equal(HttpStatusCode.Conflict, batch.StatusCode);
        Assert.Equal(1, await CountAsync(lrs));
    }

    // ---- C §2.1.2 POST Statements ------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Post_of_an_array_returns_200_with_the_ids_in_order_assigning_missing_ones()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var given = Guid.NewGuid().ToString().ToUpperInvariant();
        using var post = await lrs.PostAsync("/xapi/statements", Json($"[{Statement()},{Statement(given)},{Statement(actor: "c")}]"));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var ids = (await BodyAsync(post)).AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal(given.ToLowerInvariant(), ids[1]);
        Assert.All(ids, i => Assert.True(Guid.TryParse(i, out _)));
        Assert.Equal(3, await CountAsync(lrs));
    }

    [SkippableFact]
    public async Task A_batch_with_one_bad_statement_stores_nothing_and_names_the_index()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var post = await lrs.PostAsync("/xapi/statements", Json($"[{Statement()},{Statement()},{{\"actor\":{{\"mbox\":\"a@example.org\"}},\"verb\":{{\"id\":\"http://x.org/v\"}},\"object\":{{\"id\":\"http://x.org/a\"}}}}]"));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("$[2].actor.mbox", (await BodyAsync(post))["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(lrs));
    }

    [SkippableFact]
    public async Task A_batch_repeating_an_id_is_400()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var id = Guid.NewGuid().ToString();
        using var post = await lrs.PostAsync("/xapi/statements", Json($"[{Statement(id)},{Statement(id)}]"));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(0, await CountAsync(lrs));
    }

    [SkippableFact]
    public async Task A_thousand_generated_malformed_statements_are_each_400_naming_the_problem_and_nothing_is_stored()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var mutations = XapiSamples.Mutations.Where(m => !m.Only200).ToList();
        var cases = Gen.Select(XapiSamples.Statement(XapiVersion.V103), Gen.Int[0, mutations.Count - 1]).Array[1000].Single(_ => true, seed: "0N0XIzNsQ0O2");
        foreach (var (statement, index) in cases)
        {
            var mutated = statement.DeepClone().AsObject();
            var path = mutations[index].Apply(mutated);
            using var response = await lrs.PostAsync("/xapi/statements", Json(mutated.ToJsonString()));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problems = (await BodyAsync(response))["problems"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
            Assert.True(problems.Any(p => p.StartsWith(path + ": ", StringComparison.Ordinal)), $"{mutations[index].Rule}: {path} not in {string.Join(" | ", problems)}");
        }
        Assert.Equal(0, await CountAsync(lrs));
    }

    [SkippableFact]
    public async Task Generated_valid_statements_are_stored_and_read_back_exactly()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant(), version: "2.0.0");
        var statements = XapiSamples.Statement(XapiVersion.V200).Array[40].Single(_ => true, seed: "0N0XIzNsQ0O2");
        // Voiding statements in the sample target random ids; they are stored like any other.
        using var post = await lrs.PostAsync("/xapi/statements", Json(new JsonArray([.. statements]).ToJsonString()));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var ids = (await BodyAsync(post)).AsArray().Select(n => n!.GetValue<string>()).ToList();
        for (var i = 0; i < 5; i++)
        {
            using var get = await lrs.GetAsync($"/xapi/statements?statementId={ids[i]}");
            var stored = await BodyAsync(get);
            Assert.Equal(statements[i]["actor"]!.ToJsonString(), stored["actor"]!.ToJsonString());
            Assert.Equal(statements[i]["verb"]!.ToJsonString(), stored["verb"]!.ToJsonString());
        }
    }

    // ---- C §1.5 / §3.2 content, size -----------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Oversized_body_is_413_and_stores_nothing()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var padding = new string('x', (int)XapiHub.MaxRequestBytes);
        using var post = await lrs.PostAsync("/xapi/statements", Json(Statement(extra: $",\"result\":{{\"response\":\"{padding}\"}}")));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.StatusCode);
        Assert.Equal(0, await CountAsync(lrs));
    }

    [SkippableTheory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/mixed; boundary=abc")]
    public async Task Non_json_content_type_is_400(string contentType)
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var content = new StringContent(Statement());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var post = await lrs.PostAsync("/xapi/statements", content);
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(0, await CountAsync(lrs));
    }

    [SkippableTheory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("\"statement\"")]
    [InlineData("{\"actor\":{\"mbox\":\"mailto:a@example.org\"},\"verb\":{\"id\":\"http://x.org/v\"},\"object\":{\"id\":\"http://x.org/a\"}} trailing")]
    public async Task Hostile_or_broken_json_is_400(string body)
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var post = await lrs.PostAsync("/xapi/statements", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }

    [SkippableTheory]
    [InlineData(",\"result\":{\"extensions\":{\"http://x.org/e\":{\"a\":1,\"a\":2}}}")]
    [InlineData(",\"context\":{\"extensions\":{\"http://x.org/e\":1,\"http://x.org/e\":2}}")]
    [InlineData(",\"result\":{\"success\":true,\"success\":false}")]
    public async Task A_repeated_property_name_anywhere_is_400_and_nothing_is_stored(string extra)
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var post = await lrs.PostAsync("/xapi/statements", Json(Statement(extra: extra)));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal(0, await CountAsync(lrs));
    }

    [SkippableFact]
    public async Task Deeply_nested_extensions_are_400_not_a_crash()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var deep = string.Concat(Enumerable.Repeat("[", 10_000)) + string.Concat(Enumerable.Repeat("]", 10_000));
        using var post = await lrs.PostAsync("/xapi/statements", Json(Statement(extra: $",\"result\":{{\"extensions\":{{\"http://x.org/e\":{deep}}}}}")));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }

    [SkippableFact]
    public async Task An_attachment_without_fileUrl_is_400_because_only_json_bodies_are_accepted()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var attachment = ",\"attachments\":[{\"usageType\":\"http://x.org/u\",\"display\":{\"en\":\"a\"},\"contentType\":\"text/plain\",\"length\":1,\"sha2\":\"" + new string('a', 64) + "\"}]";
        using var post = await lrs.PostAsync("/xapi/statements", Json(Statement(extra: attachment)));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("$.attachments[0].fileUrl", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var withUrl = await lrs.PostAsync("/xapi/statements", Json(Statement(extra: attachment.Replace("}]", ",\"fileUrl\":\"https://example.org/f.txt\"}]", StringComparison.Ordinal))));
        Assert.Equal(HttpStatusCode.OK, withUrl.StatusCode);
    }

    // ---- C §1.4.1 versioning -------------------------------------------------------------------------------------------

    [SkippableTheory]
    [InlineData("", HttpStatusCode.BadRequest, "2.0.0")]
    [InlineData("0.95", HttpStatusCode.BadRequest, "2.0.0")]
    [InlineData("1.1.0", HttpStatusCode.BadRequest, "2.0.0")]
    [InlineData("2.1", HttpStatusCode.BadRequest, "2.0.0")]
    [InlineData("1.0", HttpStatusCode.OK, "1.0.3")]
    [InlineData("1.0.2", HttpStatusCode.OK, "1.0.3")]
    [InlineData("1.0.3", HttpStatusCode.OK, "1.0.3")]
    [InlineData("2.0", HttpStatusCode.OK, "2.0.0")]
    [InlineData("2.0.0", HttpStatusCode.OK, "2.0.0")]
    public async Task Version_header_is_required_and_negotiated_per_request(string header, HttpStatusCode status, string answered)
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant(), version: header);
        using var get = await lrs.GetAsync("/xapi/statements");
        Assert.Equal(status, get.StatusCode);
        Assert.Equal(answered, get.Headers.GetValues("X-Experience-API-Version").Single());
    }

    [SkippableFact]
    public async Task Context_agents_are_accepted_under_2_0_and_refused_under_1_0_3()
    {
        var tenant = XapiHub.NewTenant();
        var body = Statement(extra: ",\"context\":{\"contextAgents\":[{\"objectType\":\"contextAgent\",\"agent\":{\"mbox\":\"mailto:t@example.org\"}}]}");
        using (var v1 = await _hub.LrsClientAsync(tenant, version: "1.0.3"))
        using (var r1 = await v1.PostAsync("/xapi/statements", Json(body))) Assert.Equal(HttpStatusCode.BadRequest, r1.StatusCode);
        using var v2 = await _hub.LrsClientAsync(tenant, version: "2.0.0");
        using var r2 = await v2.PostAsync("/xapi/statements", Json(body));
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
        var id = (await BodyAsync(r2)).AsArray()[0]!.GetValue<string>();
        using var get = await v2.GetAsync($"/xapi/statements?statementId={id}");
        Assert.Equal("2.0.0", (await BodyAsync(get))["version"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Under_2_0_a_timestamp_with_an_offset_is_stored_in_utc()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant(), version: "2.0.0");
        var id = Guid.NewGuid().ToString();
        using var put = await lrs.PutAsync($"/xapi/statements?statementId={id}", Json(Statement(extra: ",\"timestamp\":\"2026-04-01T09:00:00.123+09:00\"")));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}");
        Assert.Equal("2026-04-01T00:00:00.123Z", (await BodyAsync(get))["timestamp"]!.GetValue<string>());
    }

    // ---- C §2.1.4 / D §2.3.2 voiding ------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task A_voided_statement_is_only_returned_by_voidedStatementId_and_the_voiding_one_stays_visible()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var target = Guid.NewGuid().ToString();
        using (await lrs.PutAsync($"/xapi/statements?statementId={target}", Json(Statement()))) { }
        var voiding = "{\"actor\":{\"mbox\":\"mailto:a@example.org\"},\"verb\":{\"id\":\"" + XapiStatementValidator.VoidedVerb + "\"},\"object\":{\"objectType\":\"StatementRef\",\"id\":\"" + target + "\"}}";
        using var post = await lrs.PostAsync("/xapi/statements", Json(voiding));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var voidingId = (await BodyAsync(post)).AsArray()[0]!.GetValue<string>();

        using (var byId = await lrs.GetAsync($"/xapi/statements?statementId={target}")) Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
        using (var byVoided = await lrs.GetAsync($"/xapi/statements?voidedStatementId={target}")) Assert.Equal(HttpStatusCode.OK, byVoided.StatusCode);
        using (var voidingNotVoided = await lrs.GetAsync($"/xapi/statements?voidedStatementId={voidingId}")) Assert.Equal(HttpStatusCode.NotFound, voidingNotVoided.StatusCode);
        using var all = await lrs.GetAsync("/xapi/statements");
        var ids = (await BodyAsync(all))["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([voidingId], ids);
    }

    // ---- C §2.1.3 GET Statements ----------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Query_parameters_filter_and_more_pages_visit_every_statement_once()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var registration = Guid.NewGuid().ToString();
        var batch = Enumerable.Range(0, 23).Select(i => Statement(
            actor: i % 2 == 0 ? "even" : "odd",
            verb: i % 3 == 0 ? "http://adlnet.gov/expapi/verbs/passed" : "http://adlnet.gov/expapi/verbs/attempted",
            activity: $"http://example.org/act/{i % 4}",
            extra: i % 5 == 0 ? $",\"context\":{{\"registration\":\"{registration}\",\"contextActivities\":{{\"parent\":{{\"id\":\"http://example.org/course\"}}}}}}" : "")).ToList();
        using var post = await lrs.PostAsync("/xapi/statements", Json("[" + string.Join(",", batch) + "]"));
        var ids = (await BodyAsync(post)).AsArray().Select(n => n!.GetValue<string>()).ToList();

        async Task<List<string>> AllAsync(string query)
        {
            var seen = new List<string>();
            var url = "/xapi/statements" + query;
            while (url.Length > 0)
            {
                using var response = await lrs.GetAsync(url);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(response.Headers.Contains("X-Experience-API-Consistent-Through"));
                var body = await BodyAsync(response);
                seen.AddRange(body["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
                url = body["more"]!.GetValue<string>();
                Assert.DoesNotContain("://", url, StringComparison.Ordinal); // relative IRL
            }
            return seen;
        }

        Assert.Equal(Enumerable.Reverse(ids), await AllAsync("?limit=4"));
        Assert.Equal(ids, await AllAsync("?limit=5&ascending=true"));
        var agent = Uri.EscapeDataString("{\"mbox\":\"mailto:even@example.org\"}");
        Assert.Equal(ids.Where((_, i) => i % 2 == 0).Reverse(), await AllAsync($"?agent={agent}&limit=3"));
        Assert.Equal(ids.Where((_, i) => i % 3 == 0).Reverse(), await AllAsync("?verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fpassed&limit=2"));
        Assert.Equal(ids.Where((_, i) => i % 4 == 1).Reverse(), await AllAsync("?activity=http%3A%2F%2Fexample.org%2Fact%2F1"));
        Assert.Equal(ids.Where((_, i) => i % 5 == 0).Reverse(), await AllAsync($"?registration={registration}"));
        Assert.Empty(await AllAsync("?activity=http%3A%2F%2Fexample.org%2Fcourse"));
        Assert.Equal(ids.Where((_, i) => i % 5 == 0).Reverse(), await AllAsync("?activity=http%3A%2F%2Fexample.org%2Fcourse&related_activities=true"));

        using var first = await lrs.GetAsync($"/xapi/statements?statementId={ids[0]}");
        var stored = (await BodyAsync(first))["stored"]!.GetValue<string>();
        Assert.Equal(ids, (await AllAsync($"?until={Uri.EscapeDataString(stored)}&ascending=true")));
        Assert.Empty(await AllAsync($"?since={Uri.EscapeDataString(stored)}"));
    }

    [SkippableFact]
    public async Task Concurrent_batches_are_all_stored_once_and_paged_without_gaps()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var posts = Enumerable.Range(0, 8).Select(async i =>
        {
            using var response = await lrs.PostAsync("/xapi/statements", Json("[" + string.Join(",", Enumerable.Range(0, 10).Select(j => Statement(actor: $"p{i}-{j}"))) + "]"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (await BodyAsync(response)).AsArray().Select(n => n!.GetValue<string>()).ToList();
        });
        var ids = (await Task.WhenAll(posts)).SelectMany(x => x).ToHashSet();
        var seen = new List<string>();
        var url = "/xapi/statements?limit=7";
        while (url.Length > 0)
        {
            using var response = await lrs.GetAsync(url);
            var body = await BodyAsync(response);
            seen.AddRange(body["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
            url = body["more"]!.GetValue<string>();
        }
        Assert.Equal(80, seen.Count);
        Assert.True(ids.SetEquals(seen));
    }

    [SkippableFact]
    public async Task A_more_link_of_another_tenant_is_refused()
    {
        using var a = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var b = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using (await a.PostAsync("/xapi/statements", Json($"[{Statement()},{Statement()}]"))) { }
        using var first = await a.GetAsync("/xapi/statements?limit=1");
        var more = (await BodyAsync(first))["more"]!.GetValue<string>();
        Assert.StartsWith("/xapi/statements?more=", more, StringComparison.Ordinal);
        using var foreign = await b.GetAsync(more);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        using var tampered = await a.GetAsync(more[..^3] + (more[^3] == 'A' ? "B" : "A") + more[^2..]);
        Assert.Equal(HttpStatusCode.BadRequest, tampered.StatusCode);
    }

    [SkippableFact]
    public async Task Empty_result_is_an_empty_statement_result()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var get = await lrs.GetAsync("/xapi/statements");
        Assert.Equal("""{"statements":[],"more":""}""", await get.Content.ReadAsStringAsync());
    }

    [SkippableTheory]
    [InlineData("?Verb=http%3A%2F%2Fx.org%2Fv")]
    [InlineData("?foo=1")]
    [InlineData("?limit=-1")]
    [InlineData("?limit=ten")]
    [InlineData("?ascending=yes")]
    [InlineData("?format=full")]
    [InlineData("?since=yesterday")]
    [InlineData("?agent=mailto%3Aa%40example.org")]
    [InlineData("?agent=%7B%22name%22%3A%22x%22%7D")]
    [InlineData("?verb=passed")]
    [InlineData("?registration=abc")]
    [InlineData("?limit=1&limit=2")]
    [InlineData("?statementId=6fbd600f-d17c-4c74-801a-2ec2e53231c7&voidedStatementId=6fbd600f-d17c-4c74-801a-2ec2e53231c7")]
    [InlineData("?statementId=6fbd600f-d17c-4c74-801a-2ec2e53231c7&limit=1")]
    [InlineData("?statementId=abc")]
    [InlineData("?more=forged")]
    public async Task Bad_query_parameters_are_400(string query)
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var get = await lrs.GetAsync("/xapi/statements" + query);
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.NotNull((await BodyAsync(get))["message"]);
    }

    [SkippableFact]
    public async Task Format_ids_reduces_agents_verbs_and_activities_and_canonical_equals_exact()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var id = Guid.NewGuid().ToString();
        using (await lrs.PutAsync($"/xapi/statements?statementId={id}", Json("{\"actor\":{\"name\":\"A\",\"mbox\":\"mailto:a@example.org\"},\"verb\":{\"id\":\"http://x.org/v\",\"display\":{\"en\":\"v\"}},\"object\":{\"id\":\"http://x.org/a\",\"definition\":{\"name\":{\"en\":\"n\"}}}}"))) { }
        using var ids = await lrs.GetAsync($"/xapi/statements?statementId={id}&format=ids");
        var s = await BodyAsync(ids);
        Assert.Null(s["actor"]!["name"]);
        Assert.Null(s["verb"]!["display"]);
        Assert.Null(s["object"]!["definition"]);
        using var exact = await lrs.GetAsync($"/xapi/statements?statementId={id}&format=exact");
        using var canonical = await lrs.GetAsync($"/xapi/statements?statementId={id}&format=canonical");
        Assert.Equal(await exact.Content.ReadAsStringAsync(), await canonical.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Attachments_true_answers_multipart_with_the_json_first()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var get = await lrs.GetAsync("/xapi/statements?attachments=true");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("multipart/mixed", get.Content.Headers.ContentType!.MediaType);
        Assert.Contains("{\"statements\":[],\"more\":\"\"}", await get.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Head_answers_like_get_without_a_body()
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var head = await lrs.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/xapi/statements"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(head.Headers.Contains("X-Experience-API-Consistent-Through"));
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    // ---- C §2.8 About ------------------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task About_lists_both_versions_without_authentication_or_version_header()
    {
        using var http = _hub.CreateHttpsClient();
        using var about = await http.GetAsync("/xapi/about");
        Assert.Equal(HttpStatusCode.OK, about.StatusCode);
        Assert.Equal("""{"version":["1.0.3","2.0.0"],"extensions":{}}""", await about.Content.ReadAsStringAsync());
        Assert.Equal("2.0.0", about.Headers.GetValues("X-Experience-API-Version").Single());
    }

    // ---- C §4 authentication, tenant confinement, CORS --------------------------------------------------------------------

    [SkippableFact]
    public async Task Without_or_with_wrong_credentials_the_lrs_answers_401()
    {
        using var anonymous = _hub.CreateHttpsClient();
        anonymous.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        using (var none = await anonymous.GetAsync("/xapi/statements")) Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("xapi-nobody:guess")));
        using var wrong = await anonymous.PostAsync("/xapi/statements", Json(Statement()));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [SkippableFact]
    public async Task A_read_only_credential_cannot_write_and_a_write_only_one_cannot_read()
    {
        var tenant = XapiHub.NewTenant();
        using var reader = await _hub.LrsClientAsync(tenant, read: true, write: false);
        using (var post = await reader.PostAsync("/xapi/statements", Json(Statement()))) Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        using var writer = await _hub.LrsClientAsync(tenant, read: false, write: true);
        using (var get = await writer.GetAsync("/xapi/statements")) Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
    }

    [SkippableFact]
    public async Task A_credential_sees_only_its_tenants_statements()
    {
        using var a = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var b = await _hub.LrsClientAsync(XapiHub.NewTenant());
        var id = Guid.NewGuid().ToString();
        using (await a.PutAsync($"/xapi/statements?statementId={id}", Json(Statement()))) { }
        using (var get = await b.GetAsync($"/xapi/statements?statementId={id}")) Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal(0, await CountAsync(b));
        Assert.Equal(1, await CountAsync(a));
    }

    [SkippableFact]
    public async Task Bearer_tokens_need_the_xapi_scopes_and_write_the_clients_authority()
    {
        var tenant = XapiHub.NewTenant();
        using var writer = await _hub.ClientWithTokenAsync(tenant, KoumuScopes.XapiWrite, KoumuScopes.XapiRead);
        writer.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        var id = Guid.NewGuid().ToString();
        using (var put = await writer.PutAsync($"/xapi/statements?statementId={id}", Json(Statement()))) Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        using (var get = await writer.GetAsync($"/xapi/statements?statementId={id}"))
            Assert.EndsWith(AuthSetup.TokenPath, (await BodyAsync(get))["authority"]!["account"]!["homePage"]!.GetValue<string>(), StringComparison.Ordinal);

        using var roster = await _hub.ClientWithTokenAsync(tenant, KoumuScopes.RosterReadonly);
        roster.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        using (var get = await roster.GetAsync("/xapi/statements")) Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        using var readOnly = await _hub.ClientWithTokenAsync(tenant, KoumuScopes.XapiRead);
        readOnly.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        using (var post = await readOnly.PostAsync("/xapi/statements", Json(Statement()))) Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        using var operatorClient = await _hub.ClientWithTokenAsync("*", KoumuScopes.XapiRead);
        operatorClient.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        using (var get = await operatorClient.GetAsync("/xapi/statements")) Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
    }

    [SkippableFact]
    public async Task Cors_preflight_is_answered_for_the_lrs_only()
    {
        using var http = _hub.CreateHttpsClient();
        HttpRequestMessage Preflight(string path)
        {
            var request = new HttpRequestMessage(HttpMethod.Options, path);
            request.Headers.Add("Origin", "https://content.example.org");
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-experience-api-version");
            return request;
        }
        using var lrs = await http.SendAsync(Preflight("/xapi/statements"));
        Assert.Equal("*", lrs.Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var admin = await http.SendAsync(Preflight("/koumu/admin/v1/clients"));
        Assert.False(admin.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [SkippableFact]
    public async Task Credential_admin_api_lists_without_secrets_and_deletes_within_the_tenant()
    {
        var tenant = XapiHub.NewTenant();
        using var admin = await _hub.AdminAsync(tenant);
        using var created = await admin.PostAsJsonAsync("/koumu/admin/v1/xapi-credentials", new { tenant, displayName = "app" });
        var key = (await BodyAsync(created))["key"]!.GetValue<string>();
        using var list = await admin.GetAsync("/koumu/admin/v1/xapi-credentials");
        var listed = await list.Content.ReadAsStringAsync();
        Assert.Contains(key, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", listed, StringComparison.OrdinalIgnoreCase);

        using var otherAdmin = await _hub.AdminAsync(XapiHub.NewTenant());
        using (var foreign = await otherAdmin.PostAsJsonAsync("/koumu/admin/v1/xapi-credentials", new { tenant })) Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        using (var delete = await otherAdmin.DeleteAsync($"/koumu/admin/v1/xapi-credentials/{key}")) Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        using (var delete = await admin.DeleteAsync($"/koumu/admin/v1/xapi-credentials/{key}")) Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }
}
