using Koumu.Interop.Api.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Koumu.Interop.Api.Imports;

/// <summary>An upload saved to a temp file; the caller owns (and eventually deletes) the file.</summary>
public sealed record Upload(string Path, string? FileName, long Bytes);

/// <summary>
/// Streams an uploaded package to a temp file — the raw body (application/zip) or the first file part of a
/// multipart/form-data body — without ever holding it in memory, and refuses anything above the configured size with 413.
/// </summary>
public static class UploadReceiver
{
    private static readonly string[] ZipMediaTypes = ["application/zip", "application/x-zip-compressed", "application/octet-stream"];

    public static async Task<(Upload? Upload, ProblemHttpResult? Problem)> ReceiveAsync(HttpRequest request, HubSettings settings, CancellationToken cancellationToken)
    {
        if (request.ContentLength > settings.MaxUploadBytes) return (null, TooLarge(settings));
        // Kestrel's default body limit (30 MB) is far below a prefecture's package; this endpoint uses the hub's own limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = settings.MaxUploadBytes;

        Directory.CreateDirectory(settings.UploadDirectory);
        var path = Path.Combine(settings.UploadDirectory, Guid.NewGuid().ToString("N") + ".zip");
        try
        {
            var (result, problem) = await ReceiveToAsync(request, path, settings, cancellationToken);
            if (result is null) TryDelete(path);
            return (result, problem);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    private static async Task<(Upload?, ProblemHttpResult?)> ReceiveToAsync(HttpRequest request, string path, HubSettings settings, CancellationToken cancellationToken)
    {
        MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType);
        try
        {
            if (mediaType is not null && mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            {
                var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
                if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
                    return (null, Problems.BadRequest("The multipart/form-data body has no valid boundary."));
                var reader = new MultipartReader(boundary, request.Body);
                while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                        continue; // ordinary form fields are ignored
                    var fileName = disposition.FileNameStar.Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    var bytes = await CopyAsync(section.Body, path, settings.MaxUploadBytes, cancellationToken);
                    return bytes < 0 ? (null, TooLarge(settings)) : (new Upload(path, CleanFileName(fileName), bytes), null);
                }
                return (null, Problems.BadRequest("The multipart/form-data body has no file part."));
            }
            if (mediaType is not null && !ZipMediaTypes.Contains(mediaType.MediaType.Value, StringComparer.OrdinalIgnoreCase))
                return (null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                    "Send the package as application/zip (the request body) or as a file part of multipart/form-data."));

            string? name = null;
            if (ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var bodyDisposition))
                name = bodyDisposition.FileNameStar.Value ?? HeaderUtilities.RemoveQuotes(bodyDisposition.FileName).Value;
            var length = await CopyAsync(request.Body, path, settings.MaxUploadBytes, cancellationToken);
            return length < 0 ? (null, TooLarge(settings)) : (new Upload(path, CleanFileName(name), length), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(settings));
        }
        catch (InvalidDataException e)
        {
            // MultipartReader: malformed multipart framing (missing boundary lines, oversized headers).
            return (null, Problems.BadRequest("The multipart/form-data body is malformed: " + e.Message));
        }
    }

    /// <summary>Copies at most <paramref name="max"/> bytes; returns -1 (and stops reading) as soon as the stream is longer.</summary>
    private static async Task<long> CopyAsync(Stream body, string path, long max, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > max) return -1;
            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        return total;
    }

    /// <summary>The client's file name is only a label in the job: no path, no control characters, bounded length.</summary>
    private static string? CleanFileName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var clean = new string(Path.GetFileName(name.Replace('\\', '/')).Where(c => !char.IsControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? null : clean.Length > 200 ? clean[..200] : clean;
    }

    private static ProblemHttpResult TooLarge(HubSettings settings) =>
        Problems.Status(StatusCodes.Status413PayloadTooLarge, "Package too large",
            $"The upload exceeds the hub's limit of {settings.MaxUploadBytes} bytes (Koumu:Imports:MaxUploadBytes).");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the temp folder is the system's to clean.
        }
    }
}
