using System.Net.Http.Headers;
using System.Text;
using Koumu.Interop.Conformance.Rest;

namespace Koumu.Interop.Conformance.Xapi;

/// <summary>Which credentials an LRS request carries.</summary>
internal enum LrsCredentials
{
    Valid,
    None,
    Wrong,
}

/// <summary>One request the checks want to send: method, path relative to the endpoint, body, and how it deviates.</summary>
internal sealed record LrsRequest(HttpMethod Method, string Path)
{
    public HttpContent? Content { get; init; }

    /// <summary>The version header to send; null = the run's version, "" = none.</summary>
    public string? Version { get; init; }

    public LrsCredentials Credentials { get; init; } = LrsCredentials.Valid;

    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];
}

/// <summary>
/// The HTTP side of an LRS run: Basic credentials, the version header, every exchange recorded (redacted, truncated)
/// so that the run-wide checks (version header, consistent-through) can look at all of them.
/// </summary>
internal sealed class XapiSession : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _basic;
    private readonly string _wrongBasic;

    public XapiSession(XapiTargetOptions options)
    {
        Options = options;
        _http = options.Handler is null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
        _http.Timeout = options.Timeout;
        _basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Username + ":" + options.Password));
        _wrongBasic = Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Username + ":wrong-" + Guid.NewGuid().ToString("N")));
        Redactor.Add(options.Password);
        Redactor.Add(_basic);
        Redactor.Add(_wrongBasic);
        Endpoint = new Uri(options.Endpoint.ToString().TrimEnd('/') + "/");
    }

    public XapiTargetOptions Options { get; }

    public Uri Endpoint { get; }

    public Redactor Redactor { get; } = new();

    public List<RestResponse> Log { get; } = [];

    public Uri Url(string relative) => new(Endpoint, relative.TrimStart('/'));

    public Task<RestResponse> SendAsync(HttpMethod method, string path, CancellationToken ct) => SendAsync(new LrsRequest(method, path), ct);

    public async Task<RestResponse> SendAsync(LrsRequest lrs, CancellationToken ct)
    {
        // A more IRL is relative to the LRS's origin (D §2.5), not to the endpoint path.
        var url = lrs.Path.StartsWith('/') ? new Uri(Endpoint, lrs.Path) : Url(lrs.Path);
        using var request = new HttpRequestMessage(lrs.Method, url) { Content = lrs.Content };
        var version = lrs.Version ?? Options.Version.Header();
        if (version.Length > 0) request.Headers.TryAddWithoutValidation("X-Experience-API-Version", version);
        if (lrs.Credentials != LrsCredentials.None)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", lrs.Credentials == LrsCredentials.Valid ? _basic : _wrongBasic);
        foreach (var (name, value) in lrs.Headers) request.Headers.TryAddWithoutValidation(name, value);
        var requestHeaders = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => h.Key + ": " + Redactor.Header(h.Key, string.Join(", ", h.Value))).ToList();
        var requestBody = request.Content is null ? null
            : Redactor.Truncate(Redactor.Text(await request.Content.ReadAsStringAsync(ct).ConfigureAwait(false)), Options.MaxBodyChars);
        try
        {
            using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var headers = response.Headers.Concat(response.Content.Headers).ToList();
            var exchange = new HttpExchange(lrs.Method.Method, Redactor.Text(url.ToString()), requestHeaders, requestBody, (int)response.StatusCode,
                [.. headers.Select(h => h.Key + ": " + Redactor.Header(h.Key, string.Join(", ", h.Value)))],
                Redactor.Truncate(Redactor.Text(body), Options.MaxBodyChars), null);
            var result = new RestResponse(url, (int)response.StatusCode, headers, response.Content.Headers.ContentType?.MediaType, body, exchange);
            Log.Add(result);
            return result;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var exchange = new HttpExchange(lrs.Method.Method, Redactor.Text(url.ToString()), requestHeaders, requestBody, null, [], null, Redactor.Text(e.Message));
            var result = RestResponse.Failed(url, exchange);
            Log.Add(result);
            return result;
        }
    }

    public void Dispose() => _http.Dispose();
}
