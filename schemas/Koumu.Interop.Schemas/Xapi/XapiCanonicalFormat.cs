using System.Globalization;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Schemas.Xapi;

/// <summary>
/// <c>format=canonical</c> (C §2.1.3): Activities and Verbs with one language per language map, chosen by the request's
/// Accept-Language "applied to each language map individually"; Agents as in <c>exact</c>.
/// </summary>
/// <remarks>
/// C §2.1.3 asks for "Activity Objects and Verbs populated with the canonical definition of the Activity Objects and
/// Display of the Verbs as determined by the LRS": each Activity's definition is replaced by the LRS's canonical one
/// (merged across every Statement, kept by the Activities resource — the caller passes them in), then reduced to one
/// language. An Activity the LRS has no definition for keeps the one in the Statement. Verbs have no canonical store,
/// so a Verb's display is the Statement's own. The maps reduced are those C §2.1.3 names: Verb <c>display</c>, Activity
/// <c>name</c> and <c>description</c>, interaction component <c>description</c>s — in the object, the context
/// activities and a SubStatement. Attachment display maps and extensions are returned as sent.
/// </remarks>
public static class XapiCanonicalFormat
{
    /// <summary>A copy of <paramref name="statement"/> with each Activity/Verb language map reduced to one language.</summary>
    /// <remarks><paramref name="definitions"/>: the LRS's canonical definitions by Activity id (see the class remarks).</remarks>
    public static JsonObject Apply(JsonObject statement, IReadOnlyList<string> languages, IReadOnlyDictionary<string, JsonObject>? definitions = null)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var s = statement.DeepClone().AsObject();
        foreach (var activity in Activities(s)) Activity(activity, languages, definitions);
        if (s["verb"] is JsonObject verb) Map(verb, "display", languages);
        if (s["object"] is JsonObject { } sub && sub["verb"] is JsonObject subVerb && Type(sub) == "SubStatement") Map(subVerb, "display", languages);
        return s;
    }

    /// <summary>The ids of the Activities whose definitions <see cref="Apply"/> replaces: what to look up for a page.</summary>
    public static IEnumerable<string> ActivityIds(JsonObject statement) =>
        Activities(statement).Select(a => a["id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null).OfType<string>();

    /// <summary>The Activities of a Statement: its object, its context activities, and the same in a SubStatement object.</summary>
    private static IEnumerable<JsonObject> Activities(JsonObject s)
    {
        if (s["object"] is JsonObject obj)
        {
            if (Type(obj) == "Activity") yield return obj;
            else if (Type(obj) == "SubStatement") foreach (var a in Activities(obj)) yield return a;
        }
        if (s["context"] is JsonObject { } context && context["contextActivities"] is JsonObject lists)
            foreach (var (_, list) in lists)
            {
                if (list is JsonArray array) foreach (var a in array.OfType<JsonObject>()) yield return a;
                else if (list is JsonObject single) yield return single;
            }
    }

    private static string? Type(JsonObject obj) => obj["objectType"] is JsonValue t && t.TryGetValue<string>(out var ts) ? ts : "Activity";

    private static void Activity(JsonObject activity, IReadOnlyList<string> languages, IReadOnlyDictionary<string, JsonObject>? definitions)
    {
        if (definitions is not null && activity["id"] is JsonValue v && v.TryGetValue<string>(out var id) && definitions.TryGetValue(id, out var canonical))
            activity["definition"] = canonical.DeepClone();
        if (activity["definition"] is not JsonObject definition) return;
        Map(definition, "name", languages);
        Map(definition, "description", languages);
        foreach (var list in new[] { "choices", "scale", "source", "target", "steps" })
            if (definition[list] is JsonArray components)
                foreach (var c in components.OfType<JsonObject>()) Map(c, "description", languages);
    }

    private static void Map(JsonObject holder, string name, IReadOnlyList<string> languages)
    {
        if (holder[name] is not JsonObject map || map.Count <= 1) return;
        var chosen = Choose([.. map.Select(p => p.Key)], languages);
        var value = map[chosen]!.DeepClone();
        holder[name] = new JsonObject { [chosen] = value };
    }

    /// <summary>
    /// The key of a language map the ranges prefer (RFC 4647 §3.4 Lookup, as RFC 9110 §12.5.4 applies Accept-Language):
    /// for each range in order, a key equal to it (case-insensitive), else a key it is a prefix of (basic filtering,
    /// "en" → "en-US"), else the same with the range's last subtag cut off ("en-GB" → "en" → "en-US": a reader of British
    /// English is better served by American English than by the next range); <c>*</c> takes the first key. With no match,
    /// the first key: the map still has exactly one language (C §2.1.3 "MUST return only one language").
    /// </summary>
    public static string Choose(IReadOnlyList<string> keys, IReadOnlyList<string> languages)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(languages);
        foreach (var range in languages)
        {
            if (range == "*") return keys[0];
            for (var candidate = range; candidate.Length > 0; candidate = Truncate(candidate))
            {
                if (keys.FirstOrDefault(k => string.Equals(k, candidate, StringComparison.OrdinalIgnoreCase)) is { } exact) return exact;
                if (keys.FirstOrDefault(k => k.StartsWith(candidate + "-", StringComparison.OrdinalIgnoreCase)) is { } narrower) return narrower;
            }
        }
        return keys[0];
    }

    private static string Truncate(string tag)
    {
        var cut = tag.LastIndexOf('-');
        if (cut <= 0) return "";
        // RFC 4647 §3.4: a single-character subtag (x-, an extension singleton) goes with the one after it.
        if (cut >= 2 && tag[cut - 2] == '-') cut -= 2;
        return tag[..cut];
    }

    /// <summary>
    /// The language ranges of an Accept-Language header, most preferred first (by q, then order); q=0 ranges ("not
    /// acceptable") and malformed entries are dropped.
    /// </summary>
    public static IReadOnlyList<string> ParseAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return [];
        var ranges = new List<(string Range, double Q, int Order)>();
        var order = 0;
        foreach (var entry in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(32))
        {
            var parts = entry.Split(';', StringSplitOptions.TrimEntries);
            var range = parts[0];
            if (range.Length is 0 or > 64 || !(range == "*" || range.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))) continue;
            var q = 1.0;
            foreach (var parameter in parts.Skip(1))
                if (parameter.StartsWith("q=", StringComparison.OrdinalIgnoreCase)
                    && !double.TryParse(parameter[2..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out q)) q = -1;
            if (q is > 0 and <= 1) ranges.Add((range, q, order++));
        }
        return [.. ranges.OrderByDescending(r => r.Q).ThenBy(r => r.Order).Select(r => r.Range)];
    }
}
