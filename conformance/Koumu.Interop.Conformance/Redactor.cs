using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Koumu.Interop.Conformance;

/// <summary>
/// Removes secrets from everything a report shows. A board sends reports to vendors, so a report must never carry the
/// client secret, an access token, or a password from the data (OAS-R UserDType.password): every secret the tool
/// sees is registered here and replaced wherever it appears (headers, bodies, URLs, messages), credentials headers are
/// masked, and token/secret/password JSON or form values are masked even when the tool did not know the value.
/// </summary>
public sealed partial class Redactor
{
    public const string Mask = "***";

    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);

    /// <summary>Registers a secret (ignored when too short to be one: masking every "a" would garble a report).</summary>
    public void Add(string? secret)
    {
        if (secret is { Length: >= 4 }) _secrets.TryAdd(secret, 0);
    }

    public string Text(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? "";
        // Longest first, so a secret that contains another is masked whole.
        foreach (var secret in _secrets.Keys.OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
            var escaped = Uri.EscapeDataString(secret);
            if (escaped != secret) text = text.Replace(escaped, Mask, StringComparison.Ordinal);
        }
        text = SecretJsonValue().Replace(text, m => m.Groups[1].Value + Mask + "\"");
        return SecretFormValue().Replace(text, m => m.Groups[1].Value + Mask);
    }

    public string Header(string name, string value) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)
            ? (value.Split(' ', 2) is [var scheme, _] ? scheme + " " + Mask : Mask)
            : name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) || name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)
                ? Mask
                : Text(value);

    /// <summary>Cuts a body to <paramref name="max"/> characters, saying how much was left out.</summary>
    public static string Truncate(string text, int max) =>
        text.Length <= max ? text : text[..max] + $"\n… ({text.Length - max:N0} more characters not shown)";

    [GeneratedRegex("(\"(?:access_token|refresh_token|id_token|client_secret|password)\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.IgnoreCase)]
    private static partial Regex SecretJsonValue();

    [GeneratedRegex("((?:^|[?&])(?:client_secret|access_token|password)=)[^&\\s]*", RegexOptions.IgnoreCase)]
    private static partial Regex SecretFormValue();
}
