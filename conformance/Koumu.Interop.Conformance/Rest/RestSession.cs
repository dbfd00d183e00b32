using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Koumu.Interop.Conformance.Rest;

/// <summary>Which credentials a request carries.</summary>
internal enum Credentials
{
    /// <summary>The main token (every scope asked for).</summary>
    Full,
    /// <summary>A token of roster-core.readonly only (scope checks).</summary>
    Core,
    None,
    /// <summary>A made-up bearer token the provider never issued.</summary>
    Invalid,
}

/// <summary>One response as the checks see it: status, headers, body and, when it is JSON, the parsed document.</summary>
internal sealed class RestResponse
{
    private readonly Lazy<JsonDocument?> _json;

    public RestResponse(Uri url, int status, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, string? contentType, string body, HttpExchange exchange)
    {
        Url = url;
        Status = status;
        Body = body;
        Exchange = exchange;
        ContentType = contentType;
        Headers = headers
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
        _json = new Lazy<JsonDocument?>(() =>
        {
            try { return JsonDocument.Parse(body); }
            catch (JsonException) { return null; }
        });
    }

    /// <summary>A request that got no response (connection refused, timeout).</summary>
    public static RestResponse Failed(Uri url, HttpExchange exchange) =>
        new(url, 0, [], null, "", exchange);

    public Uri Url { get; }

    public int Status { get; }

    public string Body { get; }

    public string? ContentType { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public HttpExchange Exchange { get; }

    public JsonDocument? Json => _json.Value;

    public string? Header(string name) => Headers.GetValueOrDefault(name);

    /// <summary>X-Total-Count when present and an integer.</summary>
    public long? TotalCount => long.TryParse(Header("X-Total-Count"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The records under the wrapper key, or null when the body is not <c>{ "plural": [ … ] }</c>.</summary>
    public IReadOnlyList<JsonElement>? Records(string plural) =>
        Json is { RootElement.ValueKind: JsonValueKind.Object } doc && doc.RootElement.TryGetProperty(plural, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray()]
            : null;

    public JsonElement? Single(string singular) =>
        Json is { RootElement.ValueKind: JsonValueKind.Object } doc && doc.RootElement.TryGetProperty(singular, out var item) && item.ValueKind == JsonValueKind.Object
            ? item
            : null;

    public bool IsJson => ContentType is not null
        && (ContentType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || ContentType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The HTTP side of a REST run: obtains tokens, sends requests, records every exchange (redacted, truncated) and caches
/// GETs so that assertions sharing a request do not repeat it.
/// </summary>
internal sealed class RestSession : IDisposable
{
    private readonly HttpClient _http;
    private readonly Dictionary<(string, Credentials), RestResponse> _cache = [];
    private readonly Dictionary<Credentials, string?> _tokens = [];

    public RestSession(RestTargetOptions options)
    {
        Options = options;
        _http = options.Handler is null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
        _http.Timeout = options.Timeout;
        Redactor.Add(options.ClientSecret);
        var resources = options.IncludeResources ? options.ServiceUrl("resources", options.ResourcesUrl) : null;
        var gradebook = options.IncludeGradebook ? options.ServiceUrl("gradebook", options.GradebookUrl) : null;
        ServiceBases = new Dictionary<OneRosterService, Uri?>
        {
            [OneRosterService.Rostering] = options.BaseUrl,
            [OneRosterService.Resources] = resources,
            [OneRosterService.Gradebook] = gradebook,
        };
        Scopes = options.EffectiveScopes(resources is not null, gradebook is not null);
    }

    public RestTargetOptions Options { get; }

    public Redactor Redactor { get; } = new();

    public IReadOnlyDictionary<OneRosterService, Uri?> ServiceBases { get; }

    public IReadOnlyList<string> Scopes { get; }

    /// <summary>Every response received, in order (the contract checks look at all of them).</summary>
    public List<RestResponse> Log { get; } = [];

    public RestResponse? TokenResponse { get; private set; }

    public RestResponse? CoreTokenResponse { get; private set; }

    public string? Token(Credentials credentials) => _tokens.GetValueOrDefault(credentials);

    /// <summary>Requests a token (client credentials, RFC 6749 §4.4) for <paramref name="scopes"/>; null when refused.</summary>
    public async Task<(string? Token, RestResponse Response)> RequestTokenAsync(IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = string.Join(' ', scopes) };
        using var request = new HttpRequestMessage(HttpMethod.Post, Options.TokenUrl);
        if (Options.TokenAuthentication == TokenClientAuthentication.Basic)
        {
            // RFC 6749 §2.3.1: client id and secret form-urlencoded, then Basic.
            var pair = Uri.EscapeDataString(Options.ClientId) + ":" + Uri.EscapeDataString(Options.ClientSecret);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }
        else
        {
            form["client_id"] = Options.ClientId;
            form["client_secret"] = Options.ClientSecret;
        }
        request.Content = new FormUrlEncodedContent(form);
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        string? token = null;
        if (response.Status == 200 && response.Json is { RootElement.ValueKind: JsonValueKind.Object } json
            && json.RootElement.TryGetProperty("access_token", out var t) && t.ValueKind == JsonValueKind.String)
        {
            token = t.GetString();
            Redactor.Add(token);
        }
        return (token, response);
    }

    public async Task<bool> AuthenticateAsync(CancellationToken cancellationToken)
    {
        var (token, response) = await RequestTokenAsync(Scopes, cancellationToken).ConfigureAwait(false);
        TokenResponse = response;
        _tokens[Credentials.Full] = token;
        var (core, coreResponse) = await RequestTokenAsync([RestTargetOptions.RosterCoreReadonly], cancellationToken).ConfigureAwait(false);
        CoreTokenResponse = coreResponse;
        _tokens[Credentials.Core] = core;
        // Looks like a JWT so that a provider's parser rejects it on the signature, not on the shape.
        var invalid = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJrb3VtdS1jb25mb3JtYW5jZSJ9." + Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _tokens[Credentials.Invalid] = invalid;
        Redactor.Add(invalid);
        return token is not null;
    }

    public Uri? Url(OneRosterService service, string relative)
    {
        if (ServiceBases[service] is not { } root) return null;
        return new Uri(root.ToString().TrimEnd('/') + "/" + relative.TrimStart('/'));
    }

    public Uri Url(string relative) => Url(OneRosterService.Rostering, relative)!;

    public async Task<RestResponse> GetAsync(Uri url, Credentials credentials = Credentials.Full, CancellationToken cancellationToken = default)
    {
        var key = (url.AbsoluteUri, credentials);
        if (_cache.TryGetValue(key, out var cached)) return cached;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var token = credentials == Credentials.None ? null : _tokens.GetValueOrDefault(credentials);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        _cache[key] = response;
        return response;
    }

    private async Task<RestResponse> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestHeaders = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => h.Key + ": " + Redactor.Header(h.Key, string.Join(", ", h.Value))).ToList();
        var requestBody = request.Content is null ? null : Redactor.Text(await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
        var url = request.RequestUri!;
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var responseHeaders = response.Headers.Concat(response.Content.Headers)
                .Select(h => h.Key + ": " + Redactor.Header(h.Key, string.Join(", ", h.Value))).ToList();
            var exchange = new HttpExchange(request.Method.Method, Redactor.Text(url.ToString()), requestHeaders, requestBody, (int)response.StatusCode,
                responseHeaders, Redactor.Truncate(Redactor.Text(body), Options.MaxBodyChars), null);
            var result = new RestResponse(url, (int)response.StatusCode, response.Headers.Concat(response.Content.Headers), response.Content.Headers.ContentType?.MediaType, body, exchange);
            Log.Add(result);
            return result;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var exchange = new HttpExchange(request.Method.Method, Redactor.Text(url.ToString()), requestHeaders, requestBody, null, [], null, Redactor.Text(e.Message));
            var result = RestResponse.Failed(url, exchange);
            Log.Add(result);
            return result;
        }
    }

    public void Dispose() => _http.Dispose();
}
