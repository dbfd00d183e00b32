using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage.Xapi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Koumu.Interop.Api.Xapi;

/// <summary>Thrown by <see cref="XapiLimitedStream"/> once a body passes <c>Koumu:Xapi:MaxRequestBytes</c> (answered 413).</summary>
internal sealed class XapiBodyTooLargeException(long max) : IOException($"The body is larger than {max} bytes.");

/// <summary>
/// A read-only view of a request body that counts what is read and throws <see cref="XapiBodyTooLargeException"/> past
/// the limit, so every reader on top of it (JSON buffer, multipart sections, form fields) shares one budget: the limit
/// covers the whole body, boundaries and part headers included.
/// </summary>
internal sealed class XapiLimitedStream(Stream inner, long max) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        _read += read;
        if (_read > max) throw new XapiBodyTooLargeException(max);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>One attachment part of a multipart/mixed request (C §1.5.2), its content verified against its hash.</summary>
public sealed record XapiPart(string Sha2, string? ContentType, ReadOnlyMemory<byte> Content);

/// <summary>
/// A Statement request body: the Statement JSON, and for multipart/mixed the attachment parts by lower-case SHA-2.
/// </summary>
public sealed record XapiRequestBody(ReadOnlyMemory<byte> Json, IReadOnlyDictionary<string, XapiPart> Parts, bool Multipart);

/// <summary>
/// Statement request bodies (application/json or multipart/mixed, C §1.5.2) and multipart/mixed responses for
/// <c>attachments=true</c>.
/// </summary>
internal static class XapiMultipart
{
    public const string HashHeader = "X-Experience-API-Hash";

    /// <summary>RFC 2046 §5.1.1: a boundary is 1–70 characters.</summary>
    public const int MaxBoundaryLength = 70;

    /// <summary>
    /// Attachment parts one request may carry. Each part needs an attachment of its own (by SHA-2) and real batches
    /// carry a handful; the cap stops a body of thousands of tiny parts early instead of hashing all of them.
    /// </summary>
    public const int MaxParts = 1000;

    /// <summary>Part headers: a part has three (Content-Type, Content-Transfer-Encoding, the hash) plus a few more.</summary>
    private const int MaxPartHeaders = 16;

    private const int MaxPartHeaderBytes = 8 * 1024;

    /// <summary>
    /// Reads the body within <paramref name="max"/> bytes: 413 above it (declared or counted), 400 for another content
    /// type or a malformed multipart document.
    /// </summary>
    public static async Task<(XapiRequestBody? Body, int Status, string? Message)> ReadAsync(HttpRequest request, long max, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType;
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
            return (null, 400, "Content-Type must be application/json (UTF-8) or multipart/mixed.");
        if (request.ContentLength > max) return (null, 413, $"The body is larger than {max} bytes.");
        var body = new XapiLimitedStream(request.Body, max);
        try
        {
            if (IsJson(media))
                return (new XapiRequestBody(await ReadAllAsync(body, cancellationToken), new Dictionary<string, XapiPart>(), Multipart: false), 200, null);
            if (string.Equals(media.MediaType.Value, "multipart/mixed", StringComparison.OrdinalIgnoreCase))
                return await ReadMultipartAsync(media, body, max, cancellationToken);
            return (null, 400, "Content-Type must be application/json (UTF-8) or multipart/mixed.");
        }
        catch (XapiBodyTooLargeException e)
        {
            return (null, 413, e.Message);
        }
    }

    private static bool IsJson(MediaTypeHeaderValue media) =>
        string.Equals(media.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase)
        && (!media.Charset.HasValue || string.Equals(media.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase));

    private static async Task<ReadOnlyMemory<byte>> ReadAllAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, 81920, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>
    /// C §1.5.2: the first part is the Statement(s) as application/json; every further part carries
    /// <c>X-Experience-API-Hash</c> (the SHA-2 of its content) and <c>Content-Transfer-Encoding: binary</c>. Parsing is
    /// streaming (MultipartReader) with bounded header sizes and counts; the content is held once, within the body limit.
    /// </summary>
    private static async Task<(XapiRequestBody? Body, int Status, string? Message)> ReadMultipartAsync(MediaTypeHeaderValue media, Stream body, long max, CancellationToken cancellationToken)
    {
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) return (null, 400, "A multipart/mixed body needs a boundary parameter.");
        if (boundary.Length > MaxBoundaryLength) return (null, 400, $"The multipart boundary is longer than {MaxBoundaryLength} characters (RFC 2046 §5.1.1).");
        var reader = new MultipartReader(boundary, body)
        {
            HeadersCountLimit = MaxPartHeaders,
            HeadersLengthLimit = MaxPartHeaderBytes,
            BodyLengthLimit = max,
        };
        try
        {
            var first = await reader.ReadNextSectionAsync(cancellationToken);
            if (first is null) return (null, 400, "The multipart/mixed body has no parts; the first part must be the Statement(s).");
            if (first.ContentType is null || !MediaTypeHeaderValue.TryParse(first.ContentType, out var firstType) || !IsJson(firstType))
                return (null, 400, "The first part of a multipart/mixed body must be the Statement(s) with Content-Type application/json (C §1.5.2).");
            var json = await ReadAllAsync(first.Body, cancellationToken);
            var parts = new Dictionary<string, XapiPart>(StringComparer.Ordinal);
            var index = 1;
            for (var section = await reader.ReadNextSectionAsync(cancellationToken); section is not null; section = await reader.ReadNextSectionAsync(cancellationToken), index++)
            {
                if (index > MaxParts) return (null, 400, $"A request carries at most {MaxParts} attachment parts.");
                var headers = section.Headers ?? new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>();
                if (!headers.TryGetValue(HashHeader, out var hashes) || hashes.Count != 1 || !IsSha2Hex(hashes[0]!))
                    return (null, 400, $"Part {index} needs one {HashHeader} header holding the hex SHA-2 of its content (C §1.5.2).");
                if (!headers.TryGetValue("Content-Transfer-Encoding", out var encoding) || encoding.Count != 1
                    || !string.Equals(encoding[0]?.Trim(), "binary", StringComparison.OrdinalIgnoreCase))
                    return (null, 400, $"Part {index} needs Content-Transfer-Encoding: binary (C §1.5.2).");
                var sha2 = hashes[0]!.ToLowerInvariant();
                var content = await ReadAllAsync(section.Body, cancellationToken);
                if (!string.Equals(Hash(sha2.Length, content.Span), sha2, StringComparison.Ordinal))
                    return (null, 400, $"Part {index}: its content does not have the SHA-2 {Truncate(sha2)} its {HashHeader} header declares.");
                if (!parts.TryAdd(sha2, new XapiPart(sha2, section.ContentType, content)))
                    return (null, 400, $"Part {index} repeats the attachment {Truncate(sha2)}; send each attachment's content once (C §1.5.2).");
            }
            return (new XapiRequestBody(json, parts, Multipart: true), 200, null);
        }
        catch (InvalidDataException e)
        {
            // MultipartReader: a missing or broken boundary, too many or too long part headers.
            return (null, 400, "The multipart/mixed body is malformed: " + e.Message);
        }
        catch (IOException e) when (e is not XapiBodyTooLargeException)
        {
            // MultipartReader: the body ended before the closing boundary ("Unexpected end of Stream").
            return (null, 400, "The multipart/mixed body is malformed: " + e.Message);
        }
    }

    /// <summary>The hex SHA-2 lengths of D §2.4.11: SHA-256, SHA-384, SHA-512.</summary>
    public static bool IsSha2Hex(string value) =>
        value.Length is 64 or 96 or 128 && value.All(char.IsAsciiHexDigit);

    public static string Hash(int hexLength, ReadOnlySpan<byte> content) => Convert.ToHexStringLower(hexLength switch
    {
        64 => SHA256.HashData(content),
        96 => SHA384.HashData(content),
        _ => SHA512.HashData(content),
    });

    private static string Truncate(string s) => s.Length <= 16 ? s : s[..16] + "…";

    /// <summary>
    /// The SHA-2 of every attachment of a Statement (its own and its SubStatement's), as written in the Statement, for
    /// the parts of an <c>attachments=true</c> response.
    /// </summary>
    public static IEnumerable<string> AttachmentHashes(JsonObject statement)
    {
        foreach (var holder in new[] { statement, statement["object"] as JsonObject })
        {
            if (holder?["attachments"] is not JsonArray attachments) continue;
            foreach (var a in attachments.OfType<JsonObject>())
                if (a["sha2"] is JsonValue v && v.TryGetValue<string>(out var sha2)) yield return sha2;
        }
    }

    /// <summary>
    /// C §1.5.2 / §2.1.3 <c>attachments=true</c>: multipart/mixed whose first part is the JSON and each further part one
    /// distinct attachment the LRS holds content for, streamed from the store. Attachments known only by fileUrl have no part.
    /// </summary>
    public sealed class Response(JsonNode body, IReadOnlyList<string> sha2s, int tenantId) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var boundary = "xapi-" + Guid.NewGuid().ToString("N");
            var response = httpContext.Response;
            response.ContentType = $"multipart/mixed; boundary={boundary}";
            // C §1.1: HEAD answers with GET's headers and no body (no Content-Length: the parts are streamed).
            if (HttpMethods.IsHead(httpContext.Request.Method)) return;
            var cancellationToken = httpContext.RequestAborted;
            var output = response.Body;
            await output.WriteAsync(Encoding.UTF8.GetBytes($"--{boundary}\r\nContent-Type: application/json\r\n\r\n"), cancellationToken);
            await output.WriteAsync(Encoding.UTF8.GetBytes(body.ToJsonString(XapiStatements.WriteOptions)), cancellationToken);
            // The header names the hash as the Statement wrote it (hex case included), so a client can match it verbatim.
            var written = sha2s.GroupBy(h => h.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            await httpContext.RequestServices.GetRequiredService<XapiAttachmentStore>().ReadAsync(tenantId, [.. written.Keys], async (sha2, type, content) =>
            {
                var headers = $"\r\n--{boundary}\r\nContent-Type: {SafeHeader(type)}\r\nContent-Transfer-Encoding: binary\r\n{HashHeader}: {written[sha2]}\r\n\r\n";
                await output.WriteAsync(Encoding.UTF8.GetBytes(headers), cancellationToken);
                await content.CopyToAsync(output, 81920, cancellationToken);
            }, cancellationToken);
            await output.WriteAsync(Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n"), cancellationToken);
        }

        /// <summary>A stored contentType goes into a part header: no line breaks (header injection), else a neutral type.</summary>
        private static string SafeHeader(string value) =>
            value.Length is > 0 and <= 255 && value.All(c => c >= 0x20 && c < 0x7f) ? value : "application/octet-stream";
    }
}
