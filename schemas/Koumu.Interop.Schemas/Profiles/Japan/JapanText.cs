using System.IO.Hashing;
using System.Runtime.InteropServices;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Schemas.Profiles.Japan;

/// <summary>Small helpers shared by the Japanese profile checks.</summary>
internal static class JapanText
{
    /// <summary>A UUID in the canonical 8-4-4-4-12 hex form, any version (M社 `uuid`; K社 requires v4 — see docs/profiles.md).</summary>
    public static bool IsUuid(string value) => value.Length == 36 && Guid.TryParseExact(value, "D", out _);

    /// <summary>The first half-width katakana character (U+FF66–U+FF9F, the K社/M社 class [ｦ-ﾟ]), or null.</summary>
    public static char? FirstHalfWidthKatakana(string value)
    {
        foreach (var c in value)
            if (c is >= '\uFF66' and <= '\uFF9F') return c;
        return null;
    }

    /// <summary>
    /// Whether a kana name is full-width katakana: the Katakana block (ァ–ヺ, ・, ー, ヽ, ヾ), the small katakana extension
    /// (U+31F0–U+31FF) and spaces between name parts (U+3000, U+0020).
    /// </summary>
    public static bool IsFullWidthKatakana(string value)
    {
        foreach (var c in value)
        {
            if (c is (>= '\u30A1' and <= '\u30FE') or (>= '\u31F0' and <= '\u31FF') or '\u3000' or ' ') continue;
            return false;
        }
        return true;
    }

    /// <summary>Compact 128-bit hash of an id, so that cross-row state never keeps whole strings or rows.</summary>
    public static UInt128 Hash(string id) => XxHash128.HashToUInt128(MemoryMarshal.AsBytes(id.AsSpan()));

    /// <summary>The rule's per-import state (rules are shared between imports: never keep state in fields).</summary>
    public static T State<T>(ProfileContext context, string key) where T : class, new()
    {
        if (context.State.TryGetValue(key, out var value)) return (T)value;
        var created = new T();
        context.State[key] = created;
        return created;
    }

    public static void Report(IProblemSink sink, Rule rule, CsvRecord record, string column, string? value, params object?[] args) =>
        sink.Report(rule.At(record.File.FileName, record.Line, column, value, args));
}
