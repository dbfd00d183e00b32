using System.Text.Json;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Schemas.Xapi;

/// <summary>
/// The Statement side of signed Statements (D §2.6): which attachment is the signature, and whether the JWS payload is
/// the Statement that was sent.
/// </summary>
public static class XapiSignedStatements
{
    /// <summary>D §2.6: the usageType of the attachment that holds a Statement's JWS signature.</summary>
    public const string SignatureUsageType = "http://adlnet.gov/expapi/attachments/signature";

    /// <summary>D §2.6: the signature attachment's contentType.</summary>
    public const string SignatureContentType = "application/octet-stream";

    public static bool IsSignature(JsonElement attachment) =>
        attachment.ValueKind == JsonValueKind.Object && attachment.TryGetProperty("usageType", out var u)
        && u.ValueKind == JsonValueKind.String && u.GetString() == SignatureUsageType;

    /// <summary>
    /// D §2.6 "Validate that the original Statement is logically equivalent to the received Statement": the signed
    /// payload must be the received Statement as it was before the signature attachment was added. Differences that
    /// allowed LRS processing of <c>id</c>, <c>authority</c>, <c>stored</c>, <c>timestamp</c> and <c>version</c> could
    /// cause are disregarded: <c>authority</c> and <c>stored</c> entirely (the LRS overwrites them); <c>id</c>,
    /// <c>timestamp</c> and <c>version</c> when the payload leaves them out (the LRS may set them), and otherwise they must
    /// be the same UUID, the same instant (2.0 converts offsets to UTC) and the same text. Everything else is compared as
    /// JSON values (key order and number notation do not matter). Returns null when equivalent, else what differs.
    /// </summary>
    public static string? Difference(JsonElement received, JsonElement signed)
    {
        if (signed.ValueKind != JsonValueKind.Object) return "the JWS payload is not a Statement object";
        var r = JsonObject.Create(received)!.DeepClone().AsObject();
        var s = JsonObject.Create(signed)!.DeepClone().AsObject();
        // The signature attachment itself was added after signing.
        if (r["attachments"] is JsonArray attachments)
        {
            foreach (var a in attachments.OfType<JsonObject>().Where(a => a["usageType"] is JsonValue v && v.TryGetValue<string>(out var u) && u == SignatureUsageType).ToList())
                attachments.Remove(a);
            if (attachments.Count == 0) r.Remove("attachments");
        }
        foreach (var ignored in new[] { "authority", "stored" })
        {
            r.Remove(ignored);
            s.Remove(ignored);
        }
        foreach (var name in new[] { "id", "timestamp", "version" })
        {
            var signedValue = s[name];
            var receivedValue = r[name];
            s.Remove(name);
            r.Remove(name);
            if (signedValue is null) continue;
            if (!Same(name, signedValue, receivedValue)) return $"{name} differs from the signed Statement's";
        }
        foreach (var name in s.Select(p => p.Key).Union(r.Select(p => p.Key)).Order(StringComparer.Ordinal))
            if (XapiStatements.CanonicalText(s[name]) != XapiStatements.CanonicalText(r[name]) || s.ContainsKey(name) != r.ContainsKey(name))
                return $"{name} differs from the signed Statement's";
        return null;
    }

    private static bool Same(string name, JsonNode signed, JsonNode? received)
    {
        if (received is null) return false;
        if (signed is not JsonValue sv || received is not JsonValue rv || !sv.TryGetValue<string>(out var a) || !rv.TryGetValue<string>(out var b))
            return XapiStatements.CanonicalText(signed) == XapiStatements.CanonicalText(received);
        return name switch
        {
            "id" => string.Equals(a, b, StringComparison.OrdinalIgnoreCase),
            "timestamp" => XapiFormats.TryParseTimestamp(a, out var ta) && XapiFormats.TryParseTimestamp(b, out var tb) && ta == tb,
            _ => a == b,
        };
    }
}
