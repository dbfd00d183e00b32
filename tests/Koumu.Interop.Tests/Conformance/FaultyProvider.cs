using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>One deliberately broken provider behaviour and the assertion meant to catch it.</summary>
public sealed record ProviderFault(string Name, string Catches, Func<FaultyProvider.Exchange, Task>? Before = null, Func<FaultyProvider.Exchange, Task>? After = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// Test the tester (issue #7 §5): sits between the conformance tool and the real hub and breaks the hub's answers in
/// one named way. The hub itself passes every assertion (<see cref="HubConformanceSpecification"/>), so a failure
/// the tool reports through this handler is the fault's doing.
/// </summary>
public sealed partial class FaultyProvider(ProviderFault fault, HttpMessageHandler hub) : DelegatingHandler(hub)
{
    /// <summary>Tokens the hub issued through this handler, with the scope they were asked for.</summary>
    private readonly List<(string Token, string Scope)> _tokens = [];

    /// <summary>One request/response in flight: a fault edits the request before it is sent or the response after.</summary>
    public sealed class Exchange(FaultyProvider provider, HttpRequestMessage request, CancellationToken ct)
    {
        public HttpRequestMessage Request { get; } = request;

        public HttpResponseMessage? Response { get; set; }

        /// <summary>Set by a fault before the call: answer without asking the hub.</summary>
        public bool Sent => Response is not null;

        public string Path => Request.RequestUri!.AbsolutePath;

        /// <summary>The path under the service base: <c>users</c>, <c>users/abc</c>, <c>schools/x/classes</c>.</summary>
        public string[] Segments => [.. Regex.Replace(Path, "^/ims/oneroster/[a-z]+/v1p2/?", "").Split('/', StringSplitOptions.RemoveEmptyEntries)];

        public bool IsOneRoster => Path.StartsWith("/ims/oneroster/", StringComparison.Ordinal);

        public bool IsToken => Path.EndsWith("/token", StringComparison.Ordinal);

        public bool IsSingle => IsOneRoster && Segments.Length == 2;

        public bool IsNested => IsOneRoster && Segments.Length >= 3;

        public IReadOnlyList<(string Token, string Scope)> Tokens => provider._tokens;

        public string? Query(string name) => Parameters().FirstOrDefault(p => p.Key == name).Value;

        public List<KeyValuePair<string, string>> Parameters() =>
            [.. (Request.RequestUri!.Query.TrimStart('?')).Split('&', StringSplitOptions.RemoveEmptyEntries)
                .Select(p => p.Split('=', 2)).Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p.Length > 1 ? p[1] : "")))];

        /// <summary>Rewrites the request's query (the hub then answers the rewritten request).</summary>
        public void SetQuery(Func<List<KeyValuePair<string, string>>, IEnumerable<KeyValuePair<string, string>>> edit)
        {
            var query = string.Join('&', edit(Parameters()).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            Request.RequestUri = new UriBuilder(Request.RequestUri!) { Query = query }.Uri;
        }

        public void Drop(params string[] names) => SetQuery(q => q.Where(p => !names.Contains(p.Key)));

        public void SetPath(string path) => Request.RequestUri = new UriBuilder(Request.RequestUri!) { Path = path }.Uri;

        /// <summary>Sends <paramref name="request"/> to the hub (not through the fault).</summary>
        public Task<HttpResponseMessage> HubAsync(HttpRequestMessage request) => provider.BaseSendAsync(request, ct);

        public async Task<HttpResponseMessage> ResendAsync(Action<Exchange> edit)
        {
            using var copy = new HttpRequestMessage(Request.Method, Request.RequestUri);
            foreach (var h in Request.Headers) copy.Headers.TryAddWithoutValidation(h.Key, h.Value);
            var exchange = new Exchange(provider, copy, ct);
            edit(exchange);
            return await HubAsync(copy);
        }

        public int Status => (int)Response!.StatusCode;

        public async Task<string> BodyAsync() => await Response!.Content.ReadAsStringAsync();

        public async Task<JsonNode?> JsonAsync()
        {
            try { return JsonNode.Parse(await BodyAsync()); }
            catch (JsonException) { return null; }
        }

        /// <summary>Replaces the body, keeping status and headers (Content-Type becomes the given media type).</summary>
        public void SetBody(string body, string mediaType = "application/json")
        {
            var content = new StringContent(body, Encoding.UTF8, mediaType);
            Response!.Content = content;
        }

        /// <summary>Edits a JSON response body in place.</summary>
        public async Task EditJsonAsync(Action<JsonNode> edit)
        {
            if (await JsonAsync() is not { } json) return;
            edit(json);
            SetBody(json.ToJsonString());
        }

        /// <summary>Edits the data records of a OneRoster response (the objects under the wrapper key).</summary>
        public Task EditRecordsAsync(Action<JsonObject> edit) => EditJsonAsync(json =>
        {
            if (json is not JsonObject root) return;
            foreach (var (_, value) in root)
            {
                if (value is JsonArray list) foreach (var item in list.OfType<JsonObject>()) edit(item);
                else if (value is JsonObject one) edit(one);
            }
        });

        public static void Answer(Exchange x, HttpStatusCode status, string body, string mediaType = "application/json") =>
            x.Response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType), RequestMessage = x.Request };

        public void SetHeader(string name, string? value)
        {
            Response!.Headers.Remove(name);
            if (value is not null) Response.Headers.TryAddWithoutValidation(name, value);
        }

        public string? Header(string name) => Response!.Headers.TryGetValues(name, out var v) ? string.Join(", ", v) : null;
    }

    /// <summary>The tokens issued through this handler so far (tests check reports never carry them).</summary>
    public IReadOnlyList<(string Token, string Scope)> Tokens() => [.. _tokens];

    private Task<HttpResponseMessage> BaseSendAsync(HttpRequestMessage request, CancellationToken ct) => base.SendAsync(request, ct);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var exchange = new Exchange(this, request, cancellationToken);
        string? scope = null;
        if (exchange.IsToken && request.Content is not null)
            scope = Regex.Match(await request.Content.ReadAsStringAsync(cancellationToken), "(?:^|&)scope=([^&]*)").Groups[1].Value;
        if (fault.Before is { } before) await before(exchange);
        exchange.Response ??= await base.SendAsync(request, cancellationToken);
        if (exchange.IsToken && (int)exchange.Response.StatusCode == 200)
        {
            var body = await exchange.Response.Content.ReadAsStringAsync(cancellationToken);
            if (JsonNode.Parse(body)?["access_token"]?.GetValue<string>() is { } token) _tokens.Add((token, Uri.UnescapeDataString(scope?.Replace('+', ' ') ?? "")));
            exchange.SetBody(body);
        }
        if (fault.After is { } after) await after(exchange);
        return exchange.Response;
    }

    public static async Task<string?> CountWithoutFilterAsync(Exchange x)
    {
        using var response = await x.ResendAsync(e => e.Drop("filter", "limit", "offset"));
        return response.Headers.TryGetValues("X-Total-Count", out var v) ? v.First() : null;
    }

    /// <summary>A bearer token of the current request, when it carries one.</summary>
    public static string? Bearer(Exchange x) => x.Request.Headers.Authorization is { Scheme: "Bearer" } auth ? auth.Parameter : null;

    public static void UseToken(Exchange x, string token) => x.Request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

    /// <summary>Walks every object of a JSON tree.</summary>
    public static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            yield return o;
            foreach (var (_, v) in o.ToList()) foreach (var c in Objects(v)) yield return c;
        }
        else if (node is JsonArray a)
        {
            foreach (var v in a.ToList()) foreach (var c in Objects(v)) yield return c;
        }
    }

    /// <summary>Rewrites one relation of the Link header to the target of another.</summary>
    public static void Relink(Exchange x, string rel, string from)
    {
        if (x.Header("Link") is not { } link) return;
        var targets = Regex.Matches(link, "<([^>]*)>; rel=\"([a-z]+)\"").ToDictionary(m => m.Groups[2].Value, m => m.Groups[1].Value);
        if (!targets.TryGetValue(rel, out var old) || !targets.TryGetValue(from, out var replacement)) return;
        x.SetHeader("Link", link.Replace($"<{old}>; rel=\"{rel}\"", $"<{replacement}>; rel=\"{rel}\"", StringComparison.Ordinal));
    }
}
