using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Xapi;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>One part of a hand-built multipart/mixed body: its raw header lines and content.</summary>
public sealed record RawPart(byte[] Content, params string[] Headers)
{
    /// <summary>An attachment part as C §1.5.2 wants it: its SHA-256 in X-Experience-API-Hash, binary transfer encoding.</summary>
    public static RawPart For(byte[] content, string contentType = "text/plain") =>
        new(content, $"Content-Type: {contentType}", "Content-Transfer-Encoding: binary", $"X-Experience-API-Hash: {XapiRequests.Sha256(content)}");
}

/// <summary>Request builders and store probes shared by the LRS tests.</summary>
public static class XapiRequests
{
    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A Statement with the given attachments (JSON objects) and an actor of its own.</summary>
    public static string Statement(string? id = null, string actor = "a", params JsonObject[] attachments)
    {
        var s = new JsonObject
        {
            ["actor"] = new JsonObject { ["mbox"] = $"mailto:{actor}@example.org" },
            ["verb"] = new JsonObject { ["id"] = "http://adlnet.gov/expapi/verbs/attempted" },
            ["object"] = new JsonObject { ["id"] = "http://example.org/act" },
        };
        if (id is not null) s["id"] = id;
        if (attachments.Length > 0) s["attachments"] = new JsonArray([.. attachments]);
        return s.ToJsonString();
    }

    /// <summary>An Attachment object (D §2.4.11) describing <paramref name="content"/>.</summary>
    public static JsonObject Attachment(byte[] content, string usageType = "http://example.org/usage/report", string contentType = "text/plain", string? fileUrl = null, string? sha2 = null)
    {
        var a = new JsonObject
        {
            ["usageType"] = usageType,
            ["display"] = new JsonObject { ["ja"] = "報告書", ["en-US"] = "report" },
            ["contentType"] = contentType,
            ["length"] = content.Length,
            ["sha2"] = sha2 ?? Sha256(content),
        };
        if (fileUrl is not null) a["fileUrl"] = fileUrl;
        return a;
    }

    /// <summary>
    /// A multipart/mixed body built byte by byte (so tests can break it): the Statement part first, then the parts.
    /// </summary>
    public static ByteArrayContent Multipart(string json, IEnumerable<RawPart> parts, string boundary = "koumu-test-boundary", string firstType = "application/json", bool close = true)
    {
        using var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        Write($"--{boundary}\r\nContent-Type: {firstType}\r\n\r\n{json}\r\n");
        foreach (var part in parts)
        {
            Write($"--{boundary}\r\n");
            foreach (var header in part.Headers) Write(header + "\r\n");
            Write("\r\n");
            body.Write(part.Content);
            Write("\r\n");
        }
        if (close) Write($"--{boundary}--\r\n");
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/mixed; boundary=\"{boundary}\"");
        return content;
    }

    public static ByteArrayContent Multipart(string json, params RawPart[] parts) => Multipart(json, (IEnumerable<RawPart>)parts);

    /// <summary>How many Statements (voided included) and attachment contents a tenant holds, read from the store.</summary>
    public static async Task<(long Statements, long Attachments)> CountsAsync(XapiHub hub, string tenant)
    {
        var services = hub.Services;
        var tenantId = await services.GetRequiredService<RosterStore>().FindTenantAsync(tenant);
        if (tenantId is not { } id) return (0, 0);
        return (await services.GetRequiredService<XapiStatementStore>().CountAsync(id, default),
            await services.GetRequiredService<XapiAttachmentStore>().CountAsync(id, default));
    }

    /// <summary>The parts of a multipart/mixed response: headers and content of each.</summary>
    public static async Task<List<(Dictionary<string, string> Headers, byte[] Content)>> ReadMultipartAsync(HttpResponseMessage response)
    {
        var boundary = response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var reader = new Microsoft.AspNetCore.WebUtilities.MultipartReader(boundary, await response.Content.ReadAsStreamAsync());
        var parts = new List<(Dictionary<string, string>, byte[])>();
        while (await reader.ReadNextSectionAsync() is { } section)
        {
            using var buffer = new MemoryStream();
            await section.Body.CopyToAsync(buffer);
            parts.Add((section.Headers!.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), buffer.ToArray()));
        }
        return parts;
    }
}
