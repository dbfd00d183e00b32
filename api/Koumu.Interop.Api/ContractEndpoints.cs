using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Koumu.Interop.Api;

/// <summary>
/// Serves the hub's HTTP contract, openapi.yaml (issue #3 §5: "is served by the hub"), so a vendor can generate a
/// client from the running hub. The file is embedded at build time from the repository root — the served document is
/// byte-for-byte the one the contract tests check against the routes — and needs no token (it holds no data).
/// </summary>
public static class ContractEndpoints
{
    public const string Path = "/openapi.yaml";

    // RFC 9512 registers application/yaml.
    private const string MediaType = "application/yaml";

    private static readonly Lazy<(byte[] Bytes, string ETag)> Document = new(Load);

    public static IEndpointRouteBuilder MapContractEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, (HttpContext context) =>
        {
            var (bytes, etag) = Document.Value;
            // RFC 9110 §13.1.2: If-None-Match is a list of entity tags (or "*"); weak comparison.
            if (EntityTagHeaderValue.TryParseList(context.Request.Headers.IfNoneMatch, out var tags)
                && tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(EntityTagHeaderValue.Parse(etag), useStrongComparison: false)))
                return Results.StatusCode(StatusCodes.Status304NotModified);
            context.Response.Headers.ETag = etag;
            context.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Bytes(bytes, MediaType + "; charset=utf-8");
        }).AllowAnonymous().WithName("getOpenApiDocument");
        return routes;
    }

    private static (byte[], string) Load()
    {
        using var stream = typeof(ContractEndpoints).Assembly.GetManifestResourceStream("openapi.yaml")
            ?? throw new InvalidOperationException("openapi.yaml is not embedded in the hub assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        return (bytes, new EntityTagHeaderValue("\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"").ToString());
    }
}
