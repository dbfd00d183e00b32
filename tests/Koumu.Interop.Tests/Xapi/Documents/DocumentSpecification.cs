using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Tests.Xapi.Documents;

public sealed class DocumentResourceTests(XapiHub hub) : DocumentSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresDocumentResourceTests(PostgresXapiHub hub) : DocumentSpecification(hub), IClassFixture<PostgresXapiHub>;

/// <summary>
/// The xAPI document and identity resources through the real HTTP pipeline (xAPI Communication §2.2–2.7, §3.1), one
/// partial class per spec section; the same specification runs on SQLite and PostgreSQL.
/// </summary>
public abstract partial class DocumentSpecification
{
    private readonly XapiHub _hub;

    protected DocumentSpecification(XapiHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    /// <summary>The three document resources, by their path below /xapi.</summary>
    public const string State = "activities/state";
    public const string ActivityProfile = "activities/profile";
    public const string AgentProfile = "agents/profile";

    public static TheoryData<string, string> ResourcesAndVersions()
    {
        var data = new TheoryData<string, string>();
        foreach (var resource in new[] { State, ActivityProfile, AgentProfile })
            foreach (var version in new[] { "1.0.3", "2.0.0" })
                data.Add(resource, version);
        return data;
    }

    public static TheoryData<string> Resources() => [State, ActivityProfile, AgentProfile];

    public static TheoryData<string> Versions() => ["1.0.3", "2.0.0"];

    protected Task<HttpClient> LrsAsync(string version = "1.0.3", string? tenant = null, bool read = true, bool write = true) =>
        _hub.LrsClientAsync(tenant ?? XapiHub.NewTenant(), read, write, version);

    protected static string Q(string value) => Uri.EscapeDataString(value);

    protected static string NewActivity() => "http://example.org/activities/" + Guid.NewGuid().ToString("N");

    protected static string NewAgent() => "{\"objectType\":\"Agent\",\"mbox\":\"mailto:" + Guid.NewGuid().ToString("N")[..12] + "@example.org\"}";

    /// <summary>A fresh context of a resource and the URLs of its documents.</summary>
    protected sealed record Doc(string Resource, string Activity, string Agent, string? Registration = null)
    {
        public static Doc New(string resource) => new(resource, NewActivity(), NewAgent());

        public string IdParameter => Resource == State ? "stateId" : "profileId";

        /// <summary>The context parameters this resource takes (C §2.3 / §2.6 / §2.7 tables).</summary>
        public string Context => Resource switch
        {
            State => $"activityId={Q(Activity)}&agent={Q(Agent)}" + (Registration is null ? "" : $"&registration={Registration}"),
            ActivityProfile => $"activityId={Q(Activity)}",
            _ => $"agent={Q(Agent)}",
        };

        public string Url(string? id, string extra = "") => $"/xapi/{Resource}?{Context}" + (id is null ? "" : $"&{IdParameter}={Q(id)}") + extra;

        public string List(string extra = "") => Url(null, extra);
    }

    protected static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    protected static ByteArrayContent Bytes(byte[] bytes, string? contentType)
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    protected static async Task<HttpStatusCode> SendAsync(HttpClient lrs, HttpMethod method, string url, HttpContent? content = null,
        string? ifMatch = null, string? ifNoneMatch = null)
    {
        using var response = await SendForResponseAsync(lrs, method, url, content, ifMatch, ifNoneMatch);
        return response.StatusCode;
    }

    protected static async Task<HttpResponseMessage> SendForResponseAsync(HttpClient lrs, HttpMethod method, string url, HttpContent? content = null,
        string? ifMatch = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        return await lrs.SendAsync(request);
    }

    /// <summary>Stores a document the way every client may on every resource and version: PUT with If-None-Match: *.</summary>
    protected static async Task CreateAsync(HttpClient lrs, Doc doc, string id, string json)
    {
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url(id), JsonBody(json), ifNoneMatch: "*"));
    }

    protected static async Task<(HttpStatusCode Status, string Body, string? ETag, string? ContentType)> GetAsync(HttpClient lrs, string url)
    {
        using var response = await lrs.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.ETag?.ToString(),
            response.Content.Headers.ContentType?.MediaType);
    }

    protected static async Task<List<string>> IdsAsync(HttpClient lrs, string url)
    {
        var (status, body, _, _) = await GetAsync(lrs, url);
        Assert.Equal(HttpStatusCode.OK, status);
        return [.. JsonNode.Parse(body)!.AsArray().Select(n => n!.GetValue<string>())];
    }

    protected static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)), $"expected {expected}, got {actual}");
}
