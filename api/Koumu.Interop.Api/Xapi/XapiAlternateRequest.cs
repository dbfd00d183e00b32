using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Koumu.Interop.Api.Xapi;

/// <summary>
/// The Alternate Request Syntax of xAPI 1.0.3 (C §1.3), for clients that can only send POST without custom headers
/// (cross-origin requests of old browsers): <c>POST …?method=PUT</c> with an <c>application/x-www-form-urlencoded</c>
/// body whose fields are the request's headers, its parameters, and <c>content</c> (the body). xAPI 2.0 removed it
/// (IEEE 9274.1.1; the 2.0 battery expects 4xx), so a resource refuses a rewritten request under 2.0 —
/// see <see cref="WasRewritten"/>.
/// </summary>
/// <remarks>
/// Resource-independent on purpose: a resource's POST handler calls <see cref="RewriteAsync"/> first, and on success
/// dispatches the rewritten request (now with the intended method, headers, query and body) to its own handlers, which
/// authenticate and validate it as any other request.
/// </remarks>
internal static class XapiAlternateRequest
{
    /// <summary>C §1.3: the headers a form may carry. Content-Length is accepted and ignored (the content is what it is).</summary>
    public static readonly string[] HeaderFields =
        ["Authorization", XapiEndpoints.VersionHeader, "Content-Type", "Content-Length", "If-Match", "If-None-Match"];

    /// <summary>The methods a form may name (every method an xAPI resource has).</summary>
    public static readonly string[] Methods = ["GET", "HEAD", "PUT", "POST", "DELETE"];

    /// <summary>Form fields a request may have: the headers above, content, and a resource's parameters (a dozen at most).</summary>
    private const int MaxFields = 64;

    private const int MaxFieldNameLength = 256;

    private static readonly object RewrittenKey = new();

    /// <summary>A POST with <c>method</c> in its query string uses the Alternate Request Syntax (C §1.3).</summary>
    public static bool Applies(HttpRequest request) => HttpMethods.IsPost(request.Method) && request.Query.ContainsKey("method");

    /// <summary>Whether this request came in the Alternate Request Syntax (then rewritten): 2.0 requests refuse it.</summary>
    public static bool WasRewritten(HttpContext context) => context.Items.ContainsKey(RewrittenKey);

    /// <summary>
    /// Rewrites the request in place from its form: the method from <c>?method=</c>, the header fields as headers, the
    /// <c>content</c> field as the body, every other field as a query parameter. Returns the status and message of a
    /// refusal: 400 for other query parameters (C §1.3: "MUST NOT have any other query string parameters"), another
    /// content type, an unknown method, a repeated or oversized field; 413 past <paramref name="maxBytes"/>.
    /// </summary>
    public static async Task<(int Status, string Message)?> RewriteAsync(HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var query = request.Query;
        if (query.Count != 1 || query["method"].Count != 1)
            return (400, "In the Alternate Request Syntax the query string holds only method; send every other parameter as a form field (C §1.3).");
        var method = query["method"].ToString();
        if (!Methods.Contains(method, StringComparer.Ordinal))
            return (400, $"method must be one of {string.Join(", ", Methods)}.");
        if (request.ContentType is null || !MediaTypeHeaderValue.TryParse(request.ContentType, out var media)
            || !string.Equals(media.MediaType.Value, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || (media.Charset.HasValue && !string.Equals(media.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase)))
            return (400, "An Alternate Request Syntax request is application/x-www-form-urlencoded (C §1.3).");
        if (request.ContentLength > maxBytes) return (413, $"The body is larger than {maxBytes} bytes.");

        var (fields, failure) = await ReadFieldsAsync(context, maxBytes, cancellationToken);
        if (failure is not null) return failure;

        var headers = request.Headers;
        // The form's headers replace the request's own: the request's Content-Type described the form, not the content.
        headers.ContentType = StringValues.Empty;
        headers.ContentLength = null;
        var parameters = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        string? content = null;
        foreach (var (name, value) in fields)
        {
            // Header names are case-insensitive (RFC 9110 §5.1); parameter names are not (C §2.1.3).
            var header = HeaderFields.FirstOrDefault(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));
            if (header == "Content-Length") continue;
            if (header is not null) headers[header] = value;
            else if (name == "content") content = value;
            else parameters[name] = value;
        }
        // Statement and document content is JSON far more often than not; a form without Content-Type means that.
        if (content is not null && !fields.Keys.Any(k => string.Equals(k, "Content-Type", StringComparison.OrdinalIgnoreCase)))
            headers.ContentType = "application/json";
        var body = Encoding.UTF8.GetBytes(content ?? "");
        request.Method = method;
        request.QueryString = QueryString.Create(parameters);
        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = content is null ? null : body.Length;
        context.Items[RewrittenKey] = true;
        return null;
    }

    /// <summary>
    /// The form's fields, each at most once. The host's OAuth validation may have read the form already (a bearer token
    /// can travel in a form body, RFC 6750 §2.2), consuming the body: then its parsed form is used, held to the same
    /// limits. Otherwise the body is read here, streaming, within <paramref name="maxBytes"/>.
    /// </summary>
    private static async Task<(Dictionary<string, string> Fields, (int, string)? Failure)> ReadFieldsAsync(HttpContext context, long maxBytes, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Features.Get<IFormFeature>()?.Form is { } parsed)
        {
            if (parsed.Count > MaxFields) return (fields, (400, $"A form carries at most {MaxFields} fields."));
            long size = 0;
            foreach (var (key, values) in parsed)
            {
                if (values.Count != 1) return (fields, (400, $"The form field '{Truncate(key)}' is given more than once."));
                if (key.Length > MaxFieldNameLength) return (fields, (400, "A form field name is too long."));
                size += key.Length + values[0]!.Length;
                if (size > maxBytes) return (fields, (413, $"The body is larger than {maxBytes} bytes."));
                fields[key] = values[0]!;
            }
            return (fields, null);
        }
        try
        {
            using var reader = new FormReader(new XapiLimitedStream(context.Request.Body, maxBytes))
            {
                ValueCountLimit = MaxFields,
                KeyLengthLimit = MaxFieldNameLength,
                ValueLengthLimit = (int)Math.Min(maxBytes, int.MaxValue),
            };
            var pair = await reader.ReadNextPairAsync(cancellationToken);
            while (pair is { } p)
            {
                if (!fields.TryAdd(p.Key, p.Value)) return (fields, (400, $"The form field '{Truncate(p.Key)}' is given more than once."));
                pair = await reader.ReadNextPairAsync(cancellationToken);
            }
            return (fields, null);
        }
        catch (XapiBodyTooLargeException e)
        {
            return (fields, (413, e.Message));
        }
        catch (InvalidDataException e)
        {
            return (fields, (400, "The form is malformed: " + e.Message));
        }
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
