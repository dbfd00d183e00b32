using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Tests.Xapi.Conformance;

public sealed class ConformanceTests(XapiHub hub) : ConformanceSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresConformanceTests(PostgresXapiHub hub) : ConformanceSpecification(hub), IClassFixture<PostgresXapiHub>;

/// <summary>
/// The MUSTs of xAPI Communication and Data (1.0.3 and 2.0) that the resource-by-resource suites did not pin down yet,
/// found by the requirement inventory in docs/xapi-conformance.md (ADL requirement ids XAPI-nnnnn in the test comments).
/// One partial class per spec section, through the real HTTP pipeline, on SQLite and PostgreSQL.
/// </summary>
public abstract partial class ConformanceSpecification
{
    private readonly XapiHub _hub;

    protected ConformanceSpecification(XapiHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    protected XapiHub Hub => _hub;

    protected Task<HttpClient> LrsAsync(string version = "1.0.3", string? tenant = null, bool read = true, bool write = true) =>
        _hub.LrsClientAsync(tenant ?? XapiHub.NewTenant(), read, write, version);

    protected static string Q(string value) => Uri.EscapeDataString(value);

    protected static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    protected static async Task<JsonNode> BodyAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    protected static string NewActivity() => "http://example.org/activities/" + Guid.NewGuid().ToString("N");

    protected static string NewAgent() => "{\"objectType\":\"Agent\",\"mbox\":\"mailto:" + Guid.NewGuid().ToString("N")[..12] + "@example.org\"}";

    /// <summary>A Statement about <paramref name="activity"/> with an optional definition and extra top-level properties.</summary>
    protected static string Statement(string activity, string? definition = null, string actor = "learner", string extra = "", string? id = null) =>
        "{" + (id is null ? "" : $"\"id\":\"{id}\",") +
        "\"actor\":{\"mbox\":\"mailto:" + actor + "@example.org\"},\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/attempted\",\"display\":{\"en-US\":\"attempted\",\"ja\":\"試みた\"}}," +
        "\"object\":{\"id\":\"" + activity + "\"" + (definition is null ? "" : ",\"definition\":" + definition) + "}" + extra + "}";

    /// <summary>POSTs Statements (one or an array) and returns their ids; the POST must succeed.</summary>
    protected static async Task<List<string>> PostAsync(HttpClient lrs, string json)
    {
        using var response = await lrs.PostAsync("/xapi/statements", Json(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await BodyAsync(response)).AsArray().Select(n => n!.GetValue<string>())];
    }

    /// <summary>The ids of a StatementResult, following every more link.</summary>
    protected static async Task<List<string>> IdsAsync(HttpClient lrs, string url)
    {
        var ids = new List<string>();
        var next = url;
        while (next.Length > 0)
        {
            using var response = await lrs.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await BodyAsync(response);
            ids.AddRange(body["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()));
            next = body["more"]!.GetValue<string>();
        }
        return ids;
    }

    /// <summary>An Alternate Request Syntax request (C §1.3): POST ?method=…, the rest as form fields.</summary>
    protected static HttpRequestMessage Alternate(string path, string method, IEnumerable<KeyValuePair<string, string>> fields) =>
        new(HttpMethod.Post, $"{path}?method={method}") { Content = new FormUrlEncodedContent(fields) };
}
