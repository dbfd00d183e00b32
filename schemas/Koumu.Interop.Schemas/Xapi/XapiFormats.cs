using System.Globalization;
using System.Text.RegularExpressions;

namespace Koumu.Interop.Schemas.Xapi;

/// <summary>The xAPI versions this LRS speaks, negotiated per request from <c>X-Experience-API-Version</c> (C §1.4.1).</summary>
public enum XapiVersion
{
    /// <summary>xAPI 1.0.3 (ADL): clients may send 1.0, 1.0.0 … 1.0.x.</summary>
    V103,

    /// <summary>xAPI 2.0 (IEEE 9274.1.1-2023): clients send 2.0 or 2.0.x.</summary>
    V200,
}

public static partial class XapiVersions
{
    /// <summary>The header value the LRS answers with: the latest patch of the negotiated minor version (C §1.4.1).</summary>
    public static string Header(this XapiVersion version) => version == XapiVersion.V200 ? "2.0.0" : "1.0.3";

    /// <summary>
    /// Parses a request's <c>X-Experience-API-Version</c>: "1.0" counts as 1.0.0 and any 1.0.x is 1.0.3; "2.0" and any
    /// 2.0.x is 2.0.0 (xapi.md §1.4, §2). Anything else (0.95, 1.1.0, 2.1) is refused with 400 by the caller.
    /// </summary>
    public static bool TryParseHeader(string? value, out XapiVersion version)
    {
        version = XapiVersion.V103;
        if (value is null) return false;
        var match = HeaderPattern().Match(value.Trim());
        if (!match.Success) return false;
        version = match.Groups[1].Value == "2" ? XapiVersion.V200 : XapiVersion.V103;
        return true;
    }

    /// <summary>
    /// The Statement's own <c>version</c> property (D §2.4.10): 1.0.x under 1.0.3; under 2.0 also 2.0.x (a 2.0 LRS stores
    /// 1.0 Statements, the wire format is unchanged).
    /// </summary>
    public static bool IsValidStatementVersion(string value, XapiVersion version)
    {
        var match = StatementVersionPattern().Match(value);
        return match.Success && (match.Groups[1].Value == "1" || version == XapiVersion.V200);
    }

    [GeneratedRegex(@"^([12])\.0(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"^([12])\.0(\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex StatementVersionPattern();
}

/// <summary>Checks of xAPI's special data types (D §4: IRIs, UUIDs, timestamps, durations, language tags).</summary>
public static partial class XapiFormats
{
    /// <summary>
    /// An absolute IRI (RFC 3987): a scheme, ':' and a non-empty rest without white space, control characters or the
    /// characters IRIs never allow unescaped. D §2.2 allows best-effort validation but requires a scheme.
    /// </summary>
    public static bool IsIri(string value) => value.Length <= 4096 && IriPattern().IsMatch(value);

    /// <summary>UUID in its standard 8-4-4-4-12 hex string form (D §4.4; RFC 4122).</summary>
    public static bool IsUuid(string value) => UuidPattern().IsMatch(value);

    /// <summary>The lower-case form used for storage and comparison (UUIDs are case-insensitive hex).</summary>
    public static string NormalizeUuid(string value) => value.ToLowerInvariant();

    /// <summary>
    /// An ISO 8601 combined date and time with seconds and a zone designator (Z or ±hh:mm / ±hhmm / ±hh): the RFC 3339
    /// profile that D §4.5 recommends and that 2.0 requires. The "unknown local offset" <c>-00:00</c> of RFC 3339 §4.3 is
    /// refused (it names no instant). The date must exist (no February 30th).
    /// </summary>
    public static bool TryParseTimestamp(string value, out DateTimeOffset instant)
    {
        instant = default;
        var match = TimestampPattern().Match(value);
        if (!match.Success) return false;
        var zone = match.Groups["zone"].Value;
        if (zone.StartsWith('-') && zone.Trim('-', ':', '0').Length == 0) return false;
        var normal = match.Groups["date"].Value + "T" + match.Groups["time"].Value
            + (match.Groups["fraction"].Success ? "." + match.Groups["fraction"].Value[1..].PadRight(7, '0')[..7] : ".0000000")
            + NormalizeZone(zone);
        return DateTimeOffset.TryParseExact(normal, "yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out instant);
    }

    private static string NormalizeZone(string zone) => zone switch
    {
        "Z" or "z" => "+00:00",
        { Length: 3 } => zone + ":00",
        { Length: 5 } => zone[..3] + ":" + zone[3..],
        _ => zone,
    };

    /// <summary>The timestamp form this LRS writes (<c>stored</c>, defaulted <c>timestamp</c>): UTC, millisecond precision (D §4.5).</summary>
    public static string FormatTimestamp(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// ISO 8601 duration in the "PnYnMnDTnHnMnS" or "PnW" format (ISO 8601:2004 §4.4.3.2; D §4.6): at least one
    /// component, a 'T' only when a time component follows, weeks never combined with other components (<c>P4W1D</c> is invalid).
    /// </summary>
    public static bool IsDuration(string value) => value != "P" && !value.EndsWith('T') && DurationPattern().IsMatch(value);

    /// <summary>
    /// An RFC 5646 language tag (D §4.2: language map keys): language (2–3 letters with up to three extlangs), optional
    /// script, region, variants, extensions and private use; or a private-use tag (<c>x-…</c>). The 4–8 letter primary
    /// subtags the grammar reserves have never been registered (IANA registry), so "english" or "Japanese" are refused.
    /// </summary>
    public static bool IsLanguageTag(string value) => value.Length <= 64 && LanguageTagPattern().IsMatch(value);

    /// <summary>An e-mail IRI of the form mailto:local@domain (D §2.4.2.3: mbox).</summary>
    public static bool IsMailto(string value) => MailtoPattern().IsMatch(value);

    /// <summary>The hex-encoded SHA-1 of a mailto IRI (D §2.4.2.3: mbox_sha1sum).</summary>
    public static bool IsSha1Hex(string value) => Sha1Pattern().IsMatch(value);

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s\p{Cc}<>""{}|\\^`]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IriPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex UuidPattern();

    [GeneratedRegex(@"^(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})T(?<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(?<fraction>\.[0-9]{1,9})?(?<zone>Z|z|[+\-][0-9]{2}(:?[0-9]{2})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampPattern();

    [GeneratedRegex(@"^P(?:[0-9]+(?:\.[0-9]+)?W|(?:[0-9]+(?:\.[0-9]+)?Y)?(?:[0-9]+(?:\.[0-9]+)?M)?(?:[0-9]+(?:\.[0-9]+)?D)?(?:T(?:[0-9]+(?:\.[0-9]+)?H)?(?:[0-9]+(?:\.[0-9]+)?M)?(?:[0-9]+(?:\.[0-9]+)?S)?)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?|[xX](?:-[A-Za-z0-9]{1,8})+)$", RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTagPattern();

    [GeneratedRegex(@"^mailto:[^@\s\p{Cc}]+@[^@\s\p{Cc}]+$", RegexOptions.CultureInvariant)]
    private static partial Regex MailtoPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{40}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha1Pattern();
}
