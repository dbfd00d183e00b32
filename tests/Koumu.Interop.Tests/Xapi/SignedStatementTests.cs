using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using static Koumu.Interop.Tests.Xapi.XapiRequests;

namespace Koumu.Interop.Tests.Xapi;

public sealed class SignedStatementTests(XapiHub hub) : SignedStatementSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresSignedStatementTests(PostgresXapiHub hub) : SignedStatementSpecification(hub), IClassFixture<PostgresXapiHub>;

/// <summary>
/// Signed Statements (D §2.6) through the real pipeline: a JWS (RS256/384/512) of the Statement in a signature
/// attachment. Verified with the x5c certificate when present, its payload compared with the Statement; a malformed,
/// mismatching or wrongly signed one is 400 and nothing is stored.
/// </summary>
public abstract class SignedStatementSpecification
{
    private const string SignatureUsage = "http://adlnet.gov/expapi/attachments/signature";

    private readonly XapiHub _hub;

    protected SignedStatementSpecification(XapiHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    private static (RSA Key, X509Certificate2 Certificate) NewSigner()
    {
        var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Koumu test signer", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return (rsa, request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)));
    }

    /// <summary>A compact JWS of <paramref name="payload"/>; <paramref name="sign"/> makes the signature of the signing input.</summary>
    private static string Jws(JsonObject header, string payload, Func<byte[], byte[]> sign)
    {
        var input = B64(header.ToJsonString()) + "." + B64(payload);
        return input + "." + B64(sign(Encoding.ASCII.GetBytes(input)));
    }

    private static JsonObject Header(string alg, X509Certificate2? certificate)
    {
        var header = new JsonObject { ["alg"] = alg };
        if (certificate is not null) header["x5c"] = new JsonArray(Convert.ToBase64String(certificate.RawData));
        return header;
    }

    private static Func<byte[], byte[]> Rsa(RSA key, HashAlgorithmName hash) => input => key.SignData(input, hash, RSASignaturePadding.Pkcs1);

    /// <summary>The Statement as sent: the signed one plus its signature attachment, and the multipart body carrying the JWS.</summary>
    private static HttpContent Signed(string statement, string jws, string contentType = "application/octet-stream")
    {
        var bytes = Encoding.ASCII.GetBytes(jws);
        var received = JsonNode.Parse(statement)!.AsObject();
        var attachments = received["attachments"] as JsonArray ?? [];
        received.Remove("attachments");
        attachments.Add(Attachment(bytes, usageType: SignatureUsage, contentType: contentType));
        received["attachments"] = attachments;
        return Multipart(received.ToJsonString(), RawPart.For(bytes, contentType));
    }

    [SkippableTheory]
    [InlineData("RS256")]
    [InlineData("RS384")]
    [InlineData("RS512")]
    public async Task A_statement_signed_with_the_x5c_certificates_key_is_stored(string alg)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var (key, certificate) = NewSigner();
        using (key) using (certificate)
        {
            var hash = alg switch { "RS384" => HashAlgorithmName.SHA384, "RS512" => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA256 };
            var statement = Statement(Guid.NewGuid().ToString());
            using var post = await lrs.PostAsync("/xapi/statements", Signed(statement, Jws(Header(alg, certificate), statement, Rsa(key, hash))));
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            Assert.Equal((1L, 1L), await CountsAsync(_hub, tenant));
        }
    }

    [SkippableFact]
    public async Task The_payload_may_differ_only_where_the_lrs_sets_fields()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant, version: "2.0.0");
        var (key, certificate) = NewSigner();
        using (key) using (certificate)
        {
            // Signed without id; sent with an id, an authority, and keys in another order: equivalent (D §2.6).
            var signed = Statement();
            var sent = JsonNode.Parse(signed)!.AsObject();
            var reordered = new JsonObject { ["object"] = sent["object"]!.DeepClone(), ["verb"] = sent["verb"]!.DeepClone(), ["actor"] = sent["actor"]!.DeepClone() };
            reordered["id"] = Guid.NewGuid().ToString();
            reordered["authority"] = new JsonObject { ["mbox"] = "mailto:someone@example.org" };
            using var post = await lrs.PostAsync("/xapi/statements", Signed(reordered.ToJsonString(), Jws(Header("RS256", certificate), signed, Rsa(key, HashAlgorithmName.SHA256))));
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }
    }

    [SkippableFact]
    public async Task Without_x5c_only_structure_and_payload_are_checked()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        using var key = RSA.Create(2048);
        var statement = Statement();
        using var post = await lrs.PostAsync("/xapi/statements", Signed(statement, Jws(Header("RS256", null), statement, Rsa(key, HashAlgorithmName.SHA256))));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);

        var other = Statement(actor: "mallory");
        using var mismatch = await lrs.PostAsync("/xapi/statements", Signed(statement, Jws(Header("RS256", null), other, Rsa(key, HashAlgorithmName.SHA256))));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Contains("does not match the Statement: actor", await mismatch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public static TheoryData<string> Forgeries => new()
    {
        "alg none", "HS256", "wrong key", "payload of another statement", "payload with another result", "tampered signature",
        "two segments", "five segments (JWE)", "header not JSON", "payload not JSON", "not text", "x5c not a certificate",
        "signature attachment not octet-stream", "PS256", "empty signature",
    };

    [SkippableTheory, MemberData(nameof(Forgeries))]
    public async Task Malformed_or_mismatching_signatures_are_400_and_nothing_is_stored(string forgery)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var (key, certificate) = NewSigner();
        var (otherKey, _) = NewSigner();
        using (key) using (certificate) using (otherKey)
        {
            var statement = Statement(Guid.NewGuid().ToString());
            var good = Rsa(key, HashAlgorithmName.SHA256);
            var jws = forgery switch
            {
                "alg none" => B64(Header("none", certificate).ToJsonString()) + "." + B64(statement) + ".",
                "HS256" => Jws(Header("HS256", certificate), statement, input => HMACSHA256.HashData(certificate.RawData, input)),
                "wrong key" => Jws(Header("RS256", certificate), statement, Rsa(otherKey, HashAlgorithmName.SHA256)),
                "payload of another statement" => Jws(Header("RS256", certificate), Statement(actor: "mallory"), good),
                "payload with another result" => Jws(Header("RS256", certificate), statement.TrimEnd('}') + ",\"result\":{\"success\":true}}", good),
                "tampered signature" => Jws(Header("RS256", certificate), statement, input => { var s = good(input); s[10] ^= 1; return s; }),
                "two segments" => B64(Header("RS256", certificate).ToJsonString()) + "." + B64(statement),
                "five segments (JWE)" => string.Join('.', Enumerable.Repeat(B64("{}"), 5)),
                "header not JSON" => B64("not json") + "." + B64(statement) + "." + B64(new byte[256]),
                "payload not JSON" => Jws(Header("RS256", certificate), "not json", good),
                "x5c not a certificate" => Jws(new JsonObject { ["alg"] = "RS256", ["x5c"] = new JsonArray(Convert.ToBase64String(new byte[64])) }, statement, good),
                "PS256" => Jws(Header("PS256", certificate), statement, input => key.SignData(input, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)),
                "empty signature" => B64(Header("RS256", null).ToJsonString()) + "." + B64(statement) + ".",
                _ => Jws(Header("RS256", certificate), statement, good),
            };
            var content = forgery switch
            {
                "not text" => SignedBytes(statement, [0xff, 0xfe, 0x2e, 0x00, 0x2e]),
                "signature attachment not octet-stream" => Signed(statement, jws, "application/jose"),
                _ => Signed(statement, jws),
            };
            using var post = await lrs.PostAsync("/xapi/statements", content);
            Assert.True(post.StatusCode == HttpStatusCode.BadRequest, $"{forgery}: {post.StatusCode}");
            Assert.Contains("$.attachments[0]", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal((0L, 0L), await CountsAsync(_hub, tenant));
        }
    }

    private static HttpContent SignedBytes(string statement, byte[] bytes)
    {
        var received = JsonNode.Parse(statement)!.AsObject();
        received["attachments"] = new JsonArray(Attachment(bytes, usageType: SignatureUsage, contentType: "application/octet-stream"));
        return Multipart(received.ToJsonString(), RawPart.For(bytes, "application/octet-stream"));
    }

    [SkippableFact]
    public async Task A_signature_known_only_by_file_url_cannot_be_verified_and_is_400()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var statement = JsonNode.Parse(Statement())!.AsObject();
        statement["attachments"] = new JsonArray(Attachment(new byte[10], usageType: SignatureUsage, contentType: "application/octet-stream", fileUrl: "https://example.org/sig"));
        using var post = await lrs.PostAsync("/xapi/statements", JsonBody(statement.ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Equal((0L, 0L), await CountsAsync(_hub, tenant));
    }
}
