using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Schemas.Xapi;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Koumu.Interop.Api.Xapi;

/// <summary>
/// Signed Statements (D §2.6): a Statement whose attachment of usageType
/// <c>http://adlnet.gov/expapi/attachments/signature</c> holds a JWS (compact serialization) of the Statement. The LRS
/// "MUST reject requests to store Statements that contain malformed signatures, with 400" and at a minimum decodes the
/// JWS, checks that its payload is logically equivalent to the received Statement, verifies the signature against the
/// x5c certificate when the header has one, and checks the other signature requirements (RS256/384/512,
/// application/octet-stream).
/// </summary>
/// <remarks>
/// Without x5c the JWS names no key the LRS could trust or even use (D §2.6 asks only for the x5c check), so only the
/// structure (three base64url segments, a JSON header with an RS* alg, a non-empty signature) and the payload are
/// checked; the Statement is stored with its signature for whoever holds the key. The x5c certificate is used as the
/// key it carries: its chain and validity dates are not judged (the spec asks to "validate the signature against that
/// certificate", not to trust it), so a signature proves integrity against that certificate, not the signer's identity.
/// </remarks>
internal static class XapiSignature
{
    /// <summary>D §2.6: "The JWS signature MUST use an algorithm of RS256, RS384, or RS512." alg=none and HMAC are refused.</summary>
    public static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private static readonly JsonDocumentOptions PayloadOptions = new() { MaxDepth = XapiStatements.MaxDepth, AllowDuplicateProperties = false };

    /// <summary>The problems of the signature attachments of one Statement (at <paramref name="path"/>); empty when there are none or all verify.</summary>
    public static async Task<List<XapiProblem>> VerifyAsync(JsonElement statement, string path, IReadOnlyDictionary<string, XapiPart> parts, long maxBytes)
    {
        var problems = new List<XapiProblem>();
        if (!statement.TryGetProperty("attachments", out var attachments) || attachments.ValueKind != JsonValueKind.Array) return problems;
        var i = 0;
        foreach (var attachment in attachments.EnumerateArray())
        {
            var p = $"{path}.attachments[{i++}]";
            if (!XapiSignedStatements.IsSignature(attachment)) continue;
            if (attachment.GetProperty("contentType").GetString() != XapiSignedStatements.SignatureContentType)
            {
                problems.Add(new XapiProblem(p + ".contentType", $"a signature attachment's contentType is {XapiSignedStatements.SignatureContentType} (D §2.6)"));
                continue;
            }
            if (!parts.TryGetValue(attachment.GetProperty("sha2").GetString()!.ToLowerInvariant(), out var part))
            {
                problems.Add(new XapiProblem(p, "a signature must be sent as a part of a multipart/mixed request so the LRS can verify it (D §2.6)"));
                continue;
            }
            if (await CheckAsync(statement, part.Content, maxBytes) is { } message) problems.Add(new XapiProblem(p, message));
        }
        return problems;
    }

    /// <summary>Null when the JWS in <paramref name="content"/> is a well-formed, verified signature of <paramref name="statement"/>.</summary>
    private static async Task<string?> CheckAsync(JsonElement statement, ReadOnlyMemory<byte> content, long maxBytes)
    {
        string jws;
        try
        {
            jws = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content.Span).Trim();
        }
        catch (DecoderFallbackException)
        {
            return "the signature is not a JWS (not text)";
        }
        var segments = jws.Split('.');
        // D §2.6: compact serialization (the JSON serialization has no '.'-separated form); a JWE has five segments.
        if (segments.Length != 3 || segments.Any(s => s.Length == 0))
            return "the signature is not a JWS in compact serialization (header.payload.signature)";
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(jws);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return "the signature is a malformed JWS";
        }
        if (!Algorithms.Contains(token.Alg, StringComparer.Ordinal))
            return $"the JWS alg is '{Truncate(token.Alg)}'; a Statement signature uses RS256, RS384 or RS512 (D §2.6)";
        byte[] signature;
        try
        {
            signature = Base64UrlEncoder.DecodeBytes(segments[2]);
        }
        catch (FormatException)
        {
            return "the JWS signature segment is not base64url";
        }
        if (signature.Length == 0) return "the JWS has an empty signature";

        JsonDocument payload;
        try
        {
            payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(segments[1]), PayloadOptions);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return "the JWS payload is not a JSON Statement";
        }
        using (payload)
        {
            if (XapiSignedStatements.Difference(statement, payload.RootElement) is { } difference)
                return "the JWS payload does not match the Statement: " + difference;
        }

        if (X5c(segments[0]) is not { } x5c) return null;
        if (x5c.Length == 0) return "the JWS header's x5c is not an array of base64 certificates";
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(x5c[0]));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return "the JWS header's x5c certificate cannot be read";
        }
        using (certificate)
        {
            using var rsa = certificate.GetRSAPublicKey();
            if (rsa is null) return "the x5c certificate does not hold an RSA key (RS256/384/512 need one)";
            var handler = new JsonWebTokenHandler { MaximumTokenSizeInBytes = (int)Math.Min(maxBytes * 2, int.MaxValue) };
            var result = await handler.ValidateTokenAsync(jws, new TokenValidationParameters
            {
                IssuerSigningKey = new X509SecurityKey(certificate),
                ValidAlgorithms = Algorithms,
                RequireSignedTokens = true,
                TryAllIssuerSigningKeys = true,
                // A Statement signature is not an access token: no issuer, audience or lifetime to check.
                ValidateIssuer = false,
                ValidateAudience = false,
                ValidateLifetime = false,
                RequireExpirationTime = false,
                RequireAudience = false,
                ValidateIssuerSigningKey = false,
            });
            return result.IsValid ? null : "the JWS signature does not verify with the x5c certificate's key";
        }
    }

    /// <summary>The header's x5c (base64 DER certificates, leaf first); null when absent, empty when unusable.</summary>
    private static string[]? X5c(string encodedHeader)
    {
        try
        {
            using var header = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(encodedHeader), PayloadOptions);
            if (header.RootElement.ValueKind != JsonValueKind.Object || !header.RootElement.TryGetProperty("x5c", out var x5c)) return null;
            if (x5c.ValueKind != JsonValueKind.Array || x5c.GetArrayLength() == 0 || x5c.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String)) return [];
            return [.. x5c.EnumerateArray().Select(c => c.GetString()!)];
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return [];
        }
    }

    private static string Truncate(string s) => s.Length <= 20 ? s : s[..20] + "…";
}
