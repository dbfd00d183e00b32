using System.Globalization;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Schemas.Xapi;

/// <summary>
/// <c>format=canonical</c> (C §2.1.3): Activities and Verbs with one language per language map, chosen by the request's
/// Accept-Language "applied to each language map individually"; Agents as in <c>exact</c>.
/// </summary>
/// <remarks>
/// The canonical definition of an Activity is the one in the Statement itself: this LRS keeps no merged Activity
/// definitions yet (that belongs to the Activities resource). The maps reduced are those C §2.1.3 names: Verb
/// <c>display</c>, Activity <c>name</c> and <c>description</c>, interaction component <c>description</c>s — in the
/// object, the context activities and a SubStatement. Attachment display maps and extensions are returned as sent.
/// </remarks>
public static class XapiCanonicalFormat
{
    /// <summary>A copy of <paramref name="statement"/> with each Activity/Verb language map reduced to one language.</summary>
    public static JsonObject Apply(JsonObject statement, IReadOnlyList<string> languages)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var s = statement.DeepClone().AsObject();
        Reduce(s, languages);
        return s;
    }

    private static void Reduce(JsonObject s, IReadOnlyList<string> languages)
    {
        if (s["verb"] is JsonObject verb) Map(verb, "display", languages);
        if (s["object"] is JsonObject obj)
        {
            var type = obj["objectType"] is JsonValue t && t.TryGetValue<string>(out var ts) ? ts : "Activity";
            if (type == "Activity") Activity(obj, languages);
            else if (type == "SubStatement") Reduce(obj, languages);
        }
        if (s["context"] is JsonObject { } context && context["contextActivities"] is JsonObject lists)
            foreach (var (_, list) in lists)
            {
                if (list is JsonArray array) foreach (var a in array.OfType<JsonObject>()) Activity(a, languages);
                else if (list is JsonObject single) Activity(single, languages);
            }
    }

    private static void Activity(JsonObject activity, IReadOnlyList<string> languages)
    {
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
