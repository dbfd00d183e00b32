using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Koumu.Interop.Schemas.Xapi;

/// <summary>What the LRS indexes of one Statement, to answer the Statement resource's filters (C §2.1.3).</summary>
public sealed record XapiStatementIndex
{
    public required string Id { get; init; }

    /// <summary>Canonical IFI of the actor (<see cref="XapiIdentity.Ifi"/>); null for an anonymous Group.</summary>
    public string? ActorIfi { get; init; }

    public required string VerbId { get; init; }

    /// <summary>The object's id when the object is an Activity.</summary>
    public string? ActivityId { get; init; }

    public string? Registration { get; init; }

    /// <summary>The target of a voiding Statement (verb voided, object StatementRef).</summary>
    public string? VoidsId { get; init; }

    /// <summary>The Statement the object refers to (object StatementRef, any verb): C §2.1.3 filters follow it.</summary>
    public string? RefId { get; init; }

    /// <summary>IFIs matching the <c>agent</c> filter: actor or object, and members of a Group in either place.</summary>
    public required IReadOnlyCollection<string> Agents { get; init; }

    /// <summary>IFIs matching <c>related_agents=true</c>: also authority, instructor, team and everything in a SubStatement.</summary>
    public required IReadOnlyCollection<string> RelatedAgents { get; init; }

    /// <summary>Activity ids matching <c>related_activities=true</c>: the object, the context activities, and a SubStatement's.</summary>
    public required IReadOnlyCollection<string> RelatedActivities { get; init; }
}

/// <summary>A Statement ready to store: the JSON with the LRS-set fields, its index, and the hash used for id conflicts.</summary>
public sealed record PreparedStatement(string Json, XapiStatementIndex Index, string ContentHash);

/// <summary>Inverse Functional Identifiers (D §2.4.2.3) as one canonical string, so filters compare equal IFIs as equal.</summary>
public static class XapiIdentity
{
    /// <summary>
    /// <c>mbox:mailto:…</c>, <c>mbox_sha1sum:…</c> (lower-case hex), <c>openid:…</c> or <c>account:{homePage} {name}</c>
    /// (homePage is an IRI, which contains no space). Null when the Agent/Group has no IFI (anonymous Group).
    /// </summary>
    public static string? Ifi(JsonElement actor)
    {
        if (actor.ValueKind != JsonValueKind.Object) return null;
        if (actor.TryGetProperty("mbox", out var mbox) && mbox.ValueKind == JsonValueKind.String) return "mbox:" + mbox.GetString();
        if (actor.TryGetProperty("mbox_sha1sum", out var sha) && sha.ValueKind == JsonValueKind.String) return "mbox_sha1sum:" + sha.GetString()!.ToLowerInvariant();
        if (actor.TryGetProperty("openid", out var openid) && openid.ValueKind == JsonValueKind.String) return "openid:" + openid.GetString();
        if (actor.TryGetProperty("account", out var account) && account.ValueKind == JsonValueKind.Object
            && account.TryGetProperty("homePage", out var home) && account.TryGetProperty("name", out var name))
            return "account:" + home.GetString() + " " + name.GetString();
        return null;
    }

    /// <summary>The Agent/Group's own IFI and those of its members (a Group matches its members' filters, C §2.1.3 <c>agent</c>).</summary>
    public static IEnumerable<string> IfisWithMembers(JsonElement actor)
    {
        if (Ifi(actor) is { } own) yield return own;
        if (actor.ValueKind == JsonValueKind.Object && actor.TryGetProperty("member", out var members) && members.ValueKind == JsonValueKind.Array)
            foreach (var m in members.EnumerateArray())
                if (Ifi(m) is { } ifi) yield return ifi;
    }
}

/// <summary>Parsing request bodies, setting the LRS's fields and the response formats of the Statement resource.</summary>
public static class XapiStatements
{
    /// <summary>JSON nesting deeper than this is refused while parsing (extensions may nest; Statements themselves are shallow).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// How Statements are written: UTF-8 text unescaped (ひらがな stays ひらがな — the stored form is what clients sent,
    /// a third of the size of \u escapes). Only HTML-significant escaping is relaxed; responses are application/json,
    /// never embedded in HTML.
    /// </summary>
    public static readonly JsonSerializerOptions WriteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>
    /// Parses a POST/PUT body: one Statement object, or (when <paramref name="allowArray"/>) an array of them (C §2.1.2).
    /// Returns the document (the caller disposes it) or a problem at <c>$</c>.
    /// </summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> body, bool allowArray, out List<JsonElement> statements, out XapiProblem? problem)
    {
        statements = [];
        problem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            problem = new XapiProblem("$", $"is not valid JSON ({e.Message.Split(". ")[0]})");
            return null;
        }
        var root = document.RootElement;
        if (root.ValueKind == JsonValueKind.Object) statements.Add(root);
        else if (root.ValueKind == JsonValueKind.Array && allowArray)
        {
            statements.AddRange(root.EnumerateArray());
            if (statements.Count == 0) problem = new XapiProblem("$", "must contain at least one Statement");
        }
        else problem = new XapiProblem("$", allowArray ? "must be a Statement object or an array of Statements" : "must be a Statement object");
        return document;
    }

    /// <summary>
    /// The Statement as this LRS stores it (D §2.4.1, 2.4.7–2.4.10): <c>id</c> if absent, <c>stored</c> always,
    /// <c>authority</c> overwritten with the credential's, <c>timestamp</c> defaulted to <c>stored</c>, <c>version</c>
    /// defaulted; UUIDs lower-cased; single contextActivities wrapped in arrays (D §2.4.6.2, "returned as arrays");
    /// under 2.0, timestamps converted to UTC (IEEE 9274.1.1). Call only on a Statement that passed validation.
    /// </summary>
    public static PreparedStatement Prepare(JsonElement statement, XapiVersion version, DateTimeOffset stored, JsonObject authority, string? id = null)
    {
        var node = JsonObject.Create(statement)!.DeepClone().AsObject();
        var contentHash = ContentHash(node);
        var statementId = id ?? (node["id"]?.GetValue<string>() is { } given ? XapiFormats.NormalizeUuid(given) : Guid.NewGuid().ToString("D"));
        var ordered = new JsonObject { ["id"] = statementId };
        foreach (var (key, value) in node.ToList())
        {
            node.Remove(key);
            if (key is "id" or "stored" or "authority") continue;
            ordered[key] = value;
        }
        var storedText = XapiFormats.FormatTimestamp(stored);
        if (ordered["timestamp"] is null) ordered["timestamp"] = storedText;
        else if (version == XapiVersion.V200 && XapiFormats.TryParseTimestamp(ordered["timestamp"]!.GetValue<string>(), out var ts) && ts.Offset != TimeSpan.Zero)
            ordered["timestamp"] = ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
        ordered["stored"] = storedText;
        ordered["authority"] = authority.DeepClone();
        ordered["version"] ??= version == XapiVersion.V200 ? "2.0.0" : "1.0.0";
        NormalizeContext(ordered["context"] as JsonObject);
        if (ordered["object"] is JsonObject obj)
        {
            if (obj["objectType"]?.GetValue<string>() == "StatementRef" && obj["id"] is JsonValue refId) obj["id"] = XapiFormats.NormalizeUuid(refId.GetValue<string>());
            if (obj["objectType"]?.GetValue<string>() == "SubStatement") NormalizeContext(obj["context"] as JsonObject);
        }
        var json = ordered.ToJsonString(WriteOptions);
        using var document = JsonDocument.Parse(json);
        return new PreparedStatement(json, Index(document.RootElement), contentHash);
    }

    private static void NormalizeContext(JsonObject? context)
    {
        if (context is null) return;
        if (context["registration"] is JsonValue registration) context["registration"] = XapiFormats.NormalizeUuid(registration.GetValue<string>());
        if (context["statement"] is JsonObject sref && sref["id"] is JsonValue sid) sref["id"] = XapiFormats.NormalizeUuid(sid.GetValue<string>());
        if (context["contextActivities"] is not JsonObject activities) return;
        foreach (var (key, value) in activities.ToList())
        {
            if (value is JsonObject single)
            {
                activities.Remove(key);
                activities[key] = new JsonArray(single);
            }
        }
    }

    /// <summary>
    /// SHA-256 of the Statement with its keys sorted, without the fields the LRS sets or overwrites (id, stored,
    /// authority): two submissions of "the same Statement" hash alike (C §2.1.1: an identical re-send is no conflict).
    /// </summary>
    public static string ContentHash(JsonObject statement)
    {
        var sb = new StringBuilder();
        Canonical(statement, sb, top: true);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>
    /// A JSON value in canonical text: keys sorted (ordinal), numbers by value, no white space; two values that are the
    /// same JSON value have the same text (used to compare a signed Statement with the received one, D §2.6).
    /// </summary>
    public static string CanonicalText(JsonNode? node)
    {
        var sb = new StringBuilder();
        Canonical(node, sb);
        return sb.ToString();
    }

    private static void Canonical(JsonNode? node, StringBuilder sb, bool top = false)
    {
        switch (node)
        {
            case null: sb.Append("null"); break;
            case JsonObject o:
                sb.Append('{');
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (top && k is "id" or "stored" or "authority") continue;
                    sb.Append(JsonSerializer.Serialize(k)).Append(':');
                    Canonical(v, sb);
                    sb.Append(',');
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                foreach (var v in a) { Canonical(v, sb); sb.Append(','); }
                sb.Append(']');
                break;
            default:
                var element = node.GetValue<JsonElement>();
                // Numbers compare by value (1.0 and 1 are the same score); everything else by its JSON text.
                sb.Append(element.ValueKind == JsonValueKind.Number ? element.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture) : element.GetRawText());
                break;
        }
    }

    public static XapiStatementIndex Index(JsonElement s)
    {
        var agents = new HashSet<string>(StringComparer.Ordinal);
        var related = new HashSet<string>(StringComparer.Ordinal);
        var activities = new HashSet<string>(StringComparer.Ordinal);
        var actor = s.GetProperty("actor");
        var obj = s.GetProperty("object");
        var objectType = obj.TryGetProperty("objectType", out var t) ? t.GetString() : "Activity";
        foreach (var ifi in XapiIdentity.IfisWithMembers(actor)) agents.Add(ifi);
        if (objectType is "Agent" or "Group") foreach (var ifi in XapiIdentity.IfisWithMembers(obj)) agents.Add(ifi);
        related.UnionWith(agents);
        if (s.TryGetProperty("authority", out var authority)) related.UnionWith(XapiIdentity.IfisWithMembers(authority));
        CollectRelated(s, related, activities);
        string? registration = null;
        if (s.TryGetProperty("context", out var context) && context.TryGetProperty("registration", out var r)) registration = r.GetString();
        var verbId = s.GetProperty("verb").GetProperty("id").GetString()!;
        return new XapiStatementIndex
        {
            Id = s.GetProperty("id").GetString()!,
            ActorIfi = XapiIdentity.Ifi(actor),
            VerbId = verbId,
            ActivityId = objectType == "Activity" ? obj.GetProperty("id").GetString() : null,
            Registration = registration,
            VoidsId = verbId == XapiStatementValidator.VoidedVerb && objectType == "StatementRef" ? obj.GetProperty("id").GetString() : null,
            RefId = objectType == "StatementRef" ? obj.GetProperty("id").GetString() : null,
            Agents = agents,
            RelatedAgents = related,
            RelatedActivities = activities,
        };
    }

    /// <summary>C §2.1.3 related_agents / related_activities: actor, object, authority, instructor, team, context activities, and the same inside a SubStatement.</summary>
    private static void CollectRelated(JsonElement s, HashSet<string> agents, HashSet<string> activities)
    {
        if (s.TryGetProperty("actor", out var actor)) agents.UnionWith(XapiIdentity.IfisWithMembers(actor));
        if (s.TryGetProperty("object", out var obj))
        {
            var type = obj.TryGetProperty("objectType", out var t) ? t.GetString() : "Activity";
            if (type == "Activity") activities.Add(obj.GetProperty("id").GetString()!);
            else if (type is "Agent" or "Group") agents.UnionWith(XapiIdentity.IfisWithMembers(obj));
            else if (type == "SubStatement") CollectRelated(obj, agents, activities);
        }
        if (!s.TryGetProperty("context", out var context)) return;
        if (context.TryGetProperty("instructor", out var instructor)) agents.UnionWith(XapiIdentity.IfisWithMembers(instructor));
        if (context.TryGetProperty("team", out var team)) agents.UnionWith(XapiIdentity.IfisWithMembers(team));
        if (context.TryGetProperty("contextAgents", out var cas))
            foreach (var ca in cas.EnumerateArray()) if (ca.TryGetProperty("agent", out var a)) agents.UnionWith(XapiIdentity.IfisWithMembers(a));
        if (context.TryGetProperty("contextGroups", out var cgs))
            foreach (var cg in cgs.EnumerateArray()) if (cg.TryGetProperty("group", out var g)) agents.UnionWith(XapiIdentity.IfisWithMembers(g));
        if (context.TryGetProperty("contextActivities", out var ca2))
            foreach (var list in ca2.EnumerateObject())
            {
                if (list.Value.ValueKind == JsonValueKind.Array) { foreach (var a in list.Value.EnumerateArray()) activities.Add(a.GetProperty("id").GetString()!); }
                else activities.Add(list.Value.GetProperty("id").GetString()!);
            }
    }

    /// <summary>
    /// <c>format=ids</c> (C §2.1.3): Agents, Groups, Activities and Verbs reduced to what identifies them — objectType and
    /// the IFI; an anonymous Group keeps its members (each reduced); an Activity keeps objectType and id; a Verb its id.
    /// </summary>
    public static JsonObject IdsFormat(JsonObject statement)
    {
        var s = statement.DeepClone().AsObject();
        ReduceStatement(s);
        return s;
    }

    private static void ReduceStatement(JsonObject s)
    {
        if (s["actor"] is JsonObject actor) s["actor"] = ReduceActor(actor);
        if (s["verb"] is JsonObject verb) s["verb"] = new JsonObject { ["id"] = verb["id"]?.DeepClone() };
        if (s["authority"] is JsonObject authority) s["authority"] = ReduceActor(authority);
        if (s["object"] is JsonObject obj)
        {
            var type = obj["objectType"]?.GetValue<string>() ?? "Activity";
            if (type == "Activity") s["object"] = new JsonObject { ["objectType"] = "Activity", ["id"] = obj["id"]?.DeepClone() };
            else if (type is "Agent" or "Group") s["object"] = ReduceActor(obj);
            else if (type == "SubStatement") ReduceStatement(obj);
        }
        if (s["context"] is JsonObject context)
        {
            if (context["instructor"] is JsonObject instructor) context["instructor"] = ReduceActor(instructor);
            if (context["team"] is JsonObject team) context["team"] = ReduceActor(team);
            // xAPI 2.0 context agents and groups are Agents and Groups too.
            if (context["contextAgents"] is JsonArray contextAgents)
                foreach (var ca in contextAgents.OfType<JsonObject>()) if (ca["agent"] is JsonObject a) ca["agent"] = ReduceActor(a);
            if (context["contextGroups"] is JsonArray contextGroups)
                foreach (var cg in contextGroups.OfType<JsonObject>()) if (cg["group"] is JsonObject g) cg["group"] = ReduceActor(g);
            if (context["contextActivities"] is JsonObject lists)
                foreach (var (key, value) in lists.ToList())
                    if (value is JsonArray array)
                        lists[key] = new JsonArray([.. array.OfType<JsonObject>().Select(a => (JsonNode)new JsonObject { ["objectType"] = "Activity", ["id"] = a["id"]?.DeepClone() })]);
        }
    }

    private static JsonObject ReduceActor(JsonObject actor)
    {
        var reduced = new JsonObject();
        if (actor["objectType"] is { } type) reduced["objectType"] = type.DeepClone();
        foreach (var ifi in new[] { "mbox", "mbox_sha1sum", "openid", "account" })
            if (actor[ifi] is { } v) reduced[ifi] = v.DeepClone();
        if (reduced.Count <= 1 && actor["member"] is JsonArray members)
            reduced["member"] = new JsonArray([.. members.OfType<JsonObject>().Select(m => (JsonNode)ReduceActor(m))]);
        return reduced;
    }
}
