using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Schemas.Json;

/// <summary>
/// The OneRoster Japan Profile's extensions live at <c>metadata.jp</c> (shared/reference/oneroster.md §3.2: CSV column
/// <c>metadata.jp.X</c> = JSON <c>metadata: {"jp": {"X": …}}</c>). Values are written as strings — the form the CSV
/// binding produces and DA2022 REST samples use (<c>"shussekiNo":"1"</c>); booleans as "true"/"false" like every
/// OneRoster boolean. Readers accept JSON numbers/booleans as well. Setting a field to null removes it (and an empty
/// <c>jp</c> / <c>metadata</c> object with it).
/// </summary>
public static class JapanProfileMetadata
{
    public const string Key = "jp";

    // Japan K-12/Schools Profile names (current) and the earlier spellings met in the field (japan.md §3; pitfalls.md).
    public const string ShussekiNo = "shussekiNo";
    public const string PublicFlg = "publicFlg";
    private static readonly (string Legacy, string Current)[] EnrollmentLegacyKeys =
    [
        ("ShussekiNo", ShussekiNo), ("PublicFlg", PublicFlg), ("publickFlg", PublicFlg), ("PublickFlg", PublicFlg),
    ];

    /// <summary>
    /// Renames legacy enrollment keys under <c>metadata.jp</c> to shussekiNo/publicFlg. When a legacy key and the
    /// current key both carry a value and they differ, the input is ambiguous and is rejected rather than guessed.
    /// </summary>
    public static void NormaliseEnrollmentKeys(JsonObject? metadata)
    {
        if (metadata?[Key] is not JsonObject jp) return;
        foreach (var (legacy, current) in EnrollmentLegacyKeys)
        {
            if (!jp.TryGetPropertyValue(legacy, out var value)) continue;
            jp.Remove(legacy);
            if (jp.TryGetPropertyValue(current, out var existing))
            {
                if (!JsonNode.DeepEquals(existing, value))
                    throw new JsonException($"metadata.jp has both '{legacy}' and '{current}' with different values.");
                continue;
            }
            jp[current] = value;
        }
    }

    internal static string? GetString(OneRosterBase owner, string key)
    {
        var node = Jp(owner)?[key];
        if (node is null) return null;
        if (node is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.String: return v.GetValue<string>();
                case JsonValueKind.Number: return v.ToJsonString();
                case JsonValueKind.True: return "true";
                case JsonValueKind.False: return "false";
            }
        }
        throw new JsonException($"metadata.jp.{key} must be a string; got {node.GetValueKind()}.");
    }

    internal static void SetString(OneRosterBase owner, string key, string? value)
    {
        if (value is null)
        {
            if (Jp(owner) is not { } jp) return;
            jp.Remove(key);
            if (jp.Count == 0) owner.Metadata!.Remove(Key);
            if (owner.Metadata!.Count == 0) owner.Metadata = null;
            return;
        }
        owner.Metadata ??= [];
        if (owner.Metadata[Key] is not JsonObject target)
        {
            if (owner.Metadata[Key] is not null)
                throw new InvalidOperationException("metadata.jp is present but is not an object; refusing to overwrite it.");
            target = [];
            owner.Metadata[Key] = target;
        }
        target[key] = value;
    }

    internal static bool? GetBoolean(OneRosterBase owner, string key)
    {
        var node = Jp(owner)?[key];
        if (node is null) return null;
        if (node is JsonValue v)
        {
            switch (v.GetValueKind())
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.String when v.GetValue<string>() == "true": return true;
                case JsonValueKind.String when v.GetValue<string>() == "false": return false;
            }
        }
        throw new JsonException($"metadata.jp.{key} must be \"true\" or \"false\"; got {Bounded(node)}.");
    }

    internal static void SetBoolean(OneRosterBase owner, string key, bool? value) =>
        SetString(owner, key, value is null ? null : value.Value ? "true" : "false");

    internal static int? GetInteger(OneRosterBase owner, string key)
    {
        var node = Jp(owner)?[key];
        if (node is null) return null;
        if (node is JsonValue v)
        {
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n)) return n;
            if (v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<JsonElement>(out var e) && e.TryGetInt32(out n)) return n;
            if (v.GetValueKind() == JsonValueKind.String
                && int.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out n)) return n;
        }
        throw new JsonException($"metadata.jp.{key} must be a non-negative integer; got {Bounded(node)}.");
    }

    internal static void SetInteger(OneRosterBase owner, string key, int? value)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, $"metadata.jp.{key} must not be negative.");
        SetString(owner, key, value?.ToString(CultureInfo.InvariantCulture));
    }

    private static JsonObject? Jp(OneRosterBase owner) => owner.Metadata?[Key] switch
    {
        null => null,
        JsonObject jp => jp,
        var other => throw new JsonException($"metadata.jp must be an object; got {other.GetValueKind()}."),
    };

    private static string Bounded(JsonNode node)
    {
        var text = node.ToJsonString();
        return text.Length > 40 ? text[..40] + "…" : text;
    }
}

/// <summary>Japan Profile user extensions (metadata.jp on UserDType).</summary>
public sealed class JapanUserMetadata(User owner)
{
    /// <summary>名（カナ）.</summary>
    public string? KanaGivenName { get => Get("kanaGivenName"); set => Set("kanaGivenName", value); }

    /// <summary>姓（カナ）.</summary>
    public string? KanaFamilyName { get => Get("kanaFamilyName"); set => Set("kanaFamilyName", value); }

    public string? KanaMiddleName { get => Get("kanaMiddleName"); set => Set("kanaMiddleName", value); }

    /// <summary>所属学級: the sourcedId of the user's homeroom class.</summary>
    public string? HomeClass { get => Get("homeClass"); set => Set("homeClass", value); }

    /// <summary>Japan Profile v1.2.1+.</summary>
    public string? KanaPreferredGivenName { get => Get("kanaPreferredGivenName"); set => Set("kanaPreferredGivenName", value); }

    public string? KanaPreferredFamilyName { get => Get("kanaPreferredFamilyName"); set => Set("kanaPreferredFamilyName", value); }

    public string? KanaPreferredMiddleName { get => Get("kanaPreferredMiddleName"); set => Set("kanaPreferredMiddleName", value); }

    private string? Get(string key) => JapanProfileMetadata.GetString(owner, key);

    private void Set(string key, string? value) => JapanProfileMetadata.SetString(owner, key, value);
}

/// <summary>Japan Profile class extensions (metadata.jp on ClassDType).</summary>
public sealed class JapanClassMetadata(Class owner)
{
    /// <summary>特別支援学級 (special-needs class) flag.</summary>
    public bool? SpecialNeeds
    {
        get => JapanProfileMetadata.GetBoolean(owner, "specialNeeds");
        set => JapanProfileMetadata.SetBoolean(owner, "specialNeeds", value);
    }
}

/// <summary>Japan Profile enrollment extensions (metadata.jp on EnrollmentDType).</summary>
public sealed class JapanEnrollmentMetadata(Enrollment owner)
{
    /// <summary>出席番号 (attendance-register number). Legacy key ShussekiNo is read too.</summary>
    public int? ShussekiNo
    {
        get { JapanProfileMetadata.NormaliseEnrollmentKeys(owner.Metadata); return JapanProfileMetadata.GetInteger(owner, JapanProfileMetadata.ShussekiNo); }
        set { JapanProfileMetadata.NormaliseEnrollmentKeys(owner.Metadata); JapanProfileMetadata.SetInteger(owner, JapanProfileMetadata.ShussekiNo, value); }
    }

    /// <summary>公開フラグ. Legacy keys PublicFlg / publickFlg are read too.</summary>
    public bool? PublicFlg
    {
        get { JapanProfileMetadata.NormaliseEnrollmentKeys(owner.Metadata); return JapanProfileMetadata.GetBoolean(owner, JapanProfileMetadata.PublicFlg); }
        set { JapanProfileMetadata.NormaliseEnrollmentKeys(owner.Metadata); JapanProfileMetadata.SetBoolean(owner, JapanProfileMetadata.PublicFlg, value); }
    }
}
