using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Storage.Xapi;

namespace Koumu.Interop.Api.Xapi;

/// <summary>
/// The <c>more</c> IRL's token (D §2.5: a relative IRL usable for at least 24 hours): the whole query (filters, order,
/// limit, format), the tenant, the last sequence returned and an expiry, HMAC-SHA256 signed with a key derived from the
/// token signing key (as OneRoster cursors). Paging by sequence — strictly increasing in commit order — visits every
/// matching Statement exactly once even while new ones arrive. A forged or another tenant's token is refused.
/// </summary>
public sealed class XapiCursor(byte[] key)
{
    /// <summary>How long a <c>more</c> link works: the spec asks for at least 24 hours.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(48);

    public const int MaxTokenLength = 8192;

    private const int TagLength = 32;

    public sealed record State(int Tenant, long After, long ExpiresUnix, string? Agent, string? Verb, string? Activity, string? Registration,
        bool RelatedActivities, bool RelatedAgents, DateTime? Since, DateTime? Until, bool Ascending, int Limit, string Format, bool Attachments);

    public string Encode(State state)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(state);
        var token = new byte[payload.Length + TagLength];
        payload.CopyTo(token, 0);
        HMACSHA256.HashData(key, payload, token.AsSpan(payload.Length));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The state, or null when the token is malformed, forged, expired or for another tenant.</summary>
    public State? Decode(string token, int tenant, DateTimeOffset now)
    {
        if (token.Length is 0 or > MaxTokenLength) return null;
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(token); }
        catch (FormatException) { return null; }
        if (bytes.Length <= TagLength) return null;
        var payload = bytes.AsSpan(0, bytes.Length - TagLength);
        Span<byte> expected = stackalloc byte[TagLength];
        HMACSHA256.HashData(key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - TagLength))) return null;
        State? state;
        try { state = JsonSerializer.Deserialize<State>(payload); }
        catch (JsonException) { return null; }
        return state is not null && state.Tenant == tenant && state.ExpiresUnix >= now.ToUnixTimeSeconds() ? state : null;
    }

    public static XapiStatementQuery Query(State s) => new()
    {
        AgentIfi = s.Agent, VerbId = s.Verb, ActivityId = s.Activity, Registration = s.Registration, RelatedActivities = s.RelatedActivities,
        RelatedAgents = s.RelatedAgents, Since = s.Since, Until = s.Until, Ascending = s.Ascending, Limit = s.Limit, After = s.After,
    };

    public static byte[] DeriveKey(string signingKeyPath) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, File.ReadAllBytes(signingKeyPath), 32, salt: [], info: Encoding.UTF8.GetBytes("koumu xapi more cursor v1"));
}
