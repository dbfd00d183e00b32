using System.Text.Json;
using Koumu.Interop.Schemas.Json;
using Microsoft.AspNetCore.Http.Features;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// Reading a JSON request body the way the hub's OneRoster-convention writes do (Gradebook, attendance): a body that is
/// not <c>application/json</c> (UTF-8) is 415 (RFC 9110 §15.5.16); one above the limit is 413 (§15.5.14), also when it
/// arrives chunked; one that is not JSON or nests too deep is 400 (§15.5.1). Each failure is written as
/// imsx_StatusInfo with codeMinor invaliddata, and the caller gets null.
/// </summary>
internal static class JsonRequestBody
{
    public static async Task<JsonDocument?> ReadAsync(HttpContext context, long maxBytes, int maxDepth, string tooLargeMessage)
    {
        var request = context.Request;
        if (request.ContentType is not { } contentType
            || !(Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
                 && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                     && (media.Charset.Length == 0 || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))))
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status415UnsupportedMediaType, CodeMinorValue.InvalidData,
                "The body must be application/json (UTF-8).", "Content-Type");
            return null;
        }
        if (request.ContentLength > maxBytes)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status413PayloadTooLarge, CodeMinorValue.InvalidData, tooLargeMessage, "body");
            return null;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;

        // Read at most maxBytes + 1 bytes: a body without Content-Length (chunked) is bounded too.
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int n;
            while ((n = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > maxBytes)
                {
                    await RosteringHandlers.FailAsync(context, StatusCodes.Status413PayloadTooLarge, CodeMinorValue.InvalidData, tooLargeMessage, "body");
                    return null;
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status413PayloadTooLarge, CodeMinorValue.InvalidData, tooLargeMessage, "body");
            return null;
        }
        try
        {
            return JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = maxDepth });
        }
        catch (JsonException e)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData,
                $"The body is not valid JSON (or nests deeper than {maxDepth} levels): {GradebookWriteEndpoints.Shorten(e.Message)}", "body");
            return null;
        }
    }
}
