using System.Net;
using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Xapi;
using static Koumu.Interop.Tests.Xapi.XapiRequests;

namespace Koumu.Interop.Tests.Xapi;

public sealed class StatementFormatTests(XapiHub hub) : StatementFormatSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresStatementFormatTests(PostgresXapiHub hub) : StatementFormatSpecification(hub), IClassFixture<PostgresXapiHub>;

/// <summary>
/// GET Statements' formats and headers (C §2.1.3): format=canonical with Accept-Language, format=ids, Last-Modified,
/// and X-Experience-API-Consistent-Through on every Statement response after authentication, errors included.
/// </summary>
public abstract class StatementFormatSpecification
{
    private readonly XapiHub _hub;

    protected StatementFormatSpecification(XapiHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    private const string Multilingual = """
        {"actor":{"name":"山田","mbox":"mailto:yamada@example.org"},
         "verb":{"id":"http://adlnet.gov/expapi/verbs/answered","display":{"en-US":"answered","ja-JP":"回答した","de":"beantwortete"}},
         "object":{"id":"http://example.org/q1","definition":{"name":{"en-US":"Question 1","ja-JP":"問1"},"description":{"ja":"説明","en-GB":"description"},
           "interactionType":"choice","choices":[{"id":"a","description":{"en-US":"A","ja-JP":"あ"}}]}},
         "context":{"contextActivities":{"parent":{"id":"http://example.org/course","definition":{"name":{"en-US":"Course","ja-JP":"講座"}}}}}}
        """;

    private async Task<(HttpClient Lrs, string Id)> StoredAsync(string version = "1.0.3", string json = Multilingual)
    {
        var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant(), version: version);
        var id = Guid.NewGuid().ToString();
        using var put = await lrs.PutAsync($"/xapi/statements?statementId={id}", JsonBody(json));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        return (lrs, id);
    }

    private static async Task<JsonNode> GetAsync(HttpClient lrs, string url, string? acceptLanguage)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (acceptLanguage is not null) request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        using var response = await lrs.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    [SkippableTheory]
    [InlineData("ja-JP", "回答した", "問1", "説明")]
    [InlineData("ja", "回答した", "問1", "説明")]
    [InlineData("en-GB, ja;q=0.5", "answered", "Question 1", "description")]
    [InlineData("de;q=0.9, en-US", "answered", "Question 1", "description")]
    [InlineData("fr, ja-JP;q=0.8", "回答した", "問1", "説明")]
    public async Task Canonical_returns_one_language_per_map_chosen_by_accept_language(string acceptLanguage, string verb, string name, string description)
    {
        var (lrs, id) = await StoredAsync();
        using (lrs)
        {
            var s = await GetAsync(lrs, $"/xapi/statements?statementId={id}&format=canonical", acceptLanguage);
            Assert.Equal(verb, Single(s["verb"]!["display"]!));
            var definition = s["object"]!["definition"]!;
            Assert.Equal(name, Single(definition["name"]!));
            Assert.Equal(description, Single(definition["description"]!));
            Assert.Single(definition["choices"]![0]!["description"]!.AsObject());
            Assert.Single(s["context"]!["contextActivities"]!["parent"]![0]!["definition"]!["name"]!.AsObject());
            // Agents as in exact.
            Assert.Equal("山田", s["actor"]!["name"]!.GetValue<string>());
        }
    }

    private static string Single(JsonNode map) => Assert.Single(map.AsObject()).Value!.GetValue<string>();

    [SkippableFact]
    public async Task Canonical_without_accept_language_or_with_an_unmatched_one_still_returns_one_language_and_varies()
    {
        var (lrs, id) = await StoredAsync();
        using (lrs)
        {
            foreach (var header in new string?[] { null, "fr", "*", "garbage;;;q=x" })
            {
                var s = await GetAsync(lrs, $"/xapi/statements?format=canonical", header);
                Assert.Single(s["statements"]![0]!["verb"]!["display"]!.AsObject());
            }
            using var response = await lrs.GetAsync($"/xapi/statements?statementId={id}&format=canonical");
            Assert.Contains("Accept-Language", response.Headers.Vary);
            // exact keeps every language.
            var exact = await GetAsync(lrs, $"/xapi/statements?statementId={id}", "ja");
            Assert.Equal(3, exact["verb"]!["display"]!.AsObject().Count);
        }
    }

    [Fact]
    public void Language_lookup_follows_rfc_4647()
    {
        string[] keys = ["en-US", "ja-JP", "zh-Hant-TW"];
        Assert.Equal("ja-JP", XapiCanonicalFormat.Choose(keys, ["ja"]));
        Assert.Equal("zh-Hant-TW", XapiCanonicalFormat.Choose(keys, ["zh-Hant-TW-x-private"]));
        Assert.Equal("en-US", XapiCanonicalFormat.Choose(keys, ["EN-us"]));
        Assert.Equal("en-US", XapiCanonicalFormat.Choose(keys, ["ko"]));
        Assert.Equal(["ja", "en", "*"], XapiCanonicalFormat.ParseAcceptLanguage("en;q=0.5, ja, de;q=0, *;q=0.1, bad header!"));
    }

    [SkippableFact]
    public async Task Ids_reduces_context_agents_and_groups_too()
    {
        const string statement = """
            {"actor":{"name":"A","mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v","display":{"en":"v"}},"object":{"id":"http://x.org/a","definition":{"name":{"en":"n"}}},
             "context":{"instructor":{"name":"T","mbox":"mailto:t@example.org"},
               "contextAgents":[{"objectType":"contextAgent","agent":{"name":"C","mbox":"mailto:c@example.org"}}],
               "contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","name":"G","member":[{"name":"M","mbox":"mailto:m@example.org"}]}}]}}
            """;
        var (lrs, id) = await StoredAsync("2.0.0", statement);
        using (lrs)
        {
            var s = await GetAsync(lrs, $"/xapi/statements?statementId={id}&format=ids", null);
            Assert.Null(s["context"]!["instructor"]!["name"]);
            Assert.Null(s["context"]!["contextAgents"]![0]!["agent"]!["name"]);
            Assert.Equal("mailto:c@example.org", s["context"]!["contextAgents"]![0]!["agent"]!["mbox"]!.GetValue<string>());
            var group = s["context"]!["contextGroups"]![0]!["group"]!;
            Assert.Null(group["name"]);
            Assert.Null(group["member"]![0]!["name"]);
            Assert.Equal("mailto:m@example.org", group["member"]![0]!["mbox"]!.GetValue<string>());
        }
    }

    [SkippableFact]
    public async Task Last_modified_is_the_stored_of_the_statement_or_the_newest_in_the_result()
    {
        var (lrs, id) = await StoredAsync();
        using (lrs)
        {
            await Task.Delay(1100);
            using (var later = await lrs.PostAsync("/xapi/statements", JsonBody(Statement(actor: "later")))) Assert.Equal(HttpStatusCode.OK, later.StatusCode);
            using var one = await lrs.GetAsync($"/xapi/statements?statementId={id}");
            var stored = DateTimeOffset.Parse(JsonNode.Parse(await one.Content.ReadAsStringAsync())!["stored"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(stored.ToUnixTimeSeconds(), one.Content.Headers.LastModified!.Value.ToUnixTimeSeconds());

            using var all = await lrs.GetAsync("/xapi/statements?ascending=true");
            var statements = JsonNode.Parse(await all.Content.ReadAsStringAsync())!["statements"]!.AsArray();
            var newest = statements.Max(s => DateTimeOffset.Parse(s!["stored"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture))!;
            Assert.Equal(newest.ToUnixTimeSeconds(), all.Content.Headers.LastModified!.Value.ToUnixTimeSeconds());
            Assert.True(all.Content.Headers.LastModified > one.Content.Headers.LastModified);

            using var head = await lrs.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/xapi/statements?statementId={id}"));
            Assert.Equal(one.Content.Headers.LastModified, head.Content.Headers.LastModified);
        }
    }

    [SkippableTheory]
    [InlineData("GET", "/xapi/statements?statementId=6fbd600f-d17c-4c74-801a-2ec2e53231c7", HttpStatusCode.NotFound)]
    [InlineData("GET", "/xapi/statements?nonsense=1", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/xapi/statements", HttpStatusCode.BadRequest)]
    [InlineData("PUT", "/xapi/statements", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/xapi/statements?x=1", HttpStatusCode.BadRequest)]
    public async Task Consistent_through_is_on_error_responses_after_authentication(string method, string url, HttpStatusCode status)
    {
        using var lrs = await _hub.LrsClientAsync(XapiHub.NewTenant());
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method != "GET") request.Content = JsonBody("{\"not\":\"a statement\"}");
        using var response = await lrs.SendAsync(request);
        Assert.Equal(status, response.StatusCode);
        var through = response.Headers.GetValues("X-Experience-API-Consistent-Through").Single();
        Assert.True(XapiFormats.TryParseTimestamp(through, out _), through);
    }
}
