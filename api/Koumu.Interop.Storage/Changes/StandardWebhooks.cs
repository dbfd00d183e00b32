using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Koumu.Interop.Storage.Changes;

/// <summary>
/// Standard Webhooks (standardwebhooks.com, spec/standard-webhooks.md "Signature scheme"): the signed content is
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, signed with HMAC-SHA256 under the secret's bytes (the base64 after the
/// <c>whsec_</c> prefix); the <c>webhook-signature</c> header is a space-separated list of <c>v1,{base64 signature}</c>,
/// one per valid secret, so a receiver keeps verifying while a secret is rotated.
/// </summary>
public static class StandardWebhooks
{
    public const string SecretPrefix = "whsec_";

    /// <summary>The spec recommends secrets of 24 to 64 bytes; 32 random bytes (256 bits).</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key bytes of a <c>whsec_</c> secret (the prefix is optional, as the reference libraries accept).</summary>
    public static byte[] Key(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var text = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        return Convert.FromBase64String(text);
    }

    /// <summary><c>v1,{base64(HMAC-SHA256(key, id.timestamp.body))}</c>.</summary>
    public static string Sign(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var prefix = Encoding.UTF8.GetBytes(messageId + "." + timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(secret), content));
    }

    /// <summary>The <c>webhook-signature</c> header value: one <c>v1</c> entry per secret.</summary>
    public static string SignatureHeader(IEnumerable<string> secrets, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var entries = new List<string>();
        foreach (var secret in secrets) entries.Add(Sign(secret, messageId, timestamp, body));
        return string.Join(' ', entries);
    }

    /// <summary>
    /// A receiver's check: the timestamp within <paramref name="tolerance"/> of <paramref name="now"/> (replay protection)
    /// and one <c>v1</c> entry of <paramref name="signatureHeader"/> equal to ours, compared in constant time.
    /// </summary>
    public static bool Verify(string secret, string messageId, string timestampHeader, string signatureHeader, ReadOnlySpan<byte> body,
        DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(signatureHeader);
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp)) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds) return false;
        var expected = Encoding.ASCII.GetBytes(Sign(secret, messageId, timestamp, body)[3..]);
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!entry.StartsWith("v1,", StringComparison.Ordinal)) continue;
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(entry[3..]), expected)) return true;
        }
        return false;
    }
}

/// <summary>
/// Webhook secrets at rest: AES-256-GCM under a key the host derives from its signing key (HKDF), bound to the
/// subscription id as associated data (a ciphertext copied to another row does not decrypt). Layout: nonce ‖ tag ‖ ciphertext.
/// </summary>
public sealed class WebhookSecretBox(byte[] key)
{
    private readonly byte[] _key = key.Length == 32 ? key : throw new ArgumentException("An AES-256 key is 32 bytes.", nameof(key));

    public byte[] Seal(Guid subscriptionId, string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[12 + 16 + plain.Length];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plain, output.AsSpan(28), output.AsSpan(12, 16), subscriptionId.ToByteArray());
        return output;
    }

    public string Open(Guid subscriptionId, byte[] sealedSecret)
    {
        ArgumentNullException.ThrowIfNull(sealedSecret);
        if (sealedSecret.Length < 28) throw new CryptographicException("A sealed secret is at least 28 bytes.");
        var plain = new byte[sealedSecret.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(sealedSecret.AsSpan(0, 12), sealedSecret.AsSpan(28), sealedSecret.AsSpan(12, 16), plain, subscriptionId.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }
}

/// <summary>
/// When to try a failed delivery again: exponential backoff with full jitter (a random delay between 0 and
/// min(cap, base·2^attempt), AWS Architecture Blog "Exponential Backoff And Jitter"), so receivers recovering from an
/// outage are not hit by every hub at once; a receiver's <c>Retry-After</c> (RFC 9110 §10.2.3) wins when it asks for
/// longer, up to the cap. After <see cref="MaxAttempts"/> attempts the delivery is a dead letter.
/// </summary>
public sealed record RetrySchedule(TimeSpan Base, TimeSpan Cap, int MaxAttempts)
{
    public static RetrySchedule Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromHours(1), 12);

    /// <summary>The delay before attempt <paramref name="failedAttempts"/> + 1, or null when the delivery is dead.</summary>
    public TimeSpan? Next(int failedAttempts, TimeSpan? retryAfter, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (failedAttempts >= MaxAttempts) return null;
        var ceiling = Math.Min(Cap.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, Math.Min(failedAttempts - 1, 40)));
        var delay = TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
        if (retryAfter is { } asked && asked > delay) delay = asked < Cap ? asked : Cap;
        return delay;
    }
}
