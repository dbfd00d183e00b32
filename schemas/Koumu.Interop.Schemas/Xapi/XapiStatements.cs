using System.Buffers;
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
public sealed record PreparedStatement(string Json, XapiStatementIndex Index, string ContentHash)
{
    /// <summary>
    /// The Activity definitions the stored JSON carries, in its document order (the object, a SubStatement's object and
    /// context activities, the context activities), as <see cref="XapiStatements.Prepare"/> found them; null when not
    /// collected (then read them from <see cref="Json"/>).
    /// </summary>
    public IReadOnlyList<XapiDefinitionText>? Definitions { get; init; }
}

/// <summary>An Activity id and the JSON text of the definition a Statement gives it.</summary>
public sealed record XapiDefinitionText(string ActivityId, string Json);

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
    /// Statements, in addition, may not repeat a property name anywhere — extension values included: which of two values
    /// a reader takes is undefined (RFC 8259 §4: names SHOULD be unique), and the stored Statement must read back the
    /// same in every format, so a repeated name is a 400 at parse time rather than a surprise at storage or query time.
    /// </summary>
    public static readonly JsonDocumentOptions StatementDocumentOptions = DocumentOptions with { AllowDuplicateProperties = false };

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
            document = JsonDocument.Parse(body, StatementDocumentOptions);
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
    /// <remarks>
    /// One pass over the parsed Statement (docs/benchmarks.md, "xAPI LRS"): the stored JSON is written as UTF-8 straight
    /// from the request's <see cref="JsonElement"/>s (untouched subtrees copied as they are), the content hash is taken
    /// from the same elements, and the filter values (<see cref="Index(JsonElement)"/>) and the Activity definitions are
    /// read from them too — no clone into a node tree, no re-serialising, no re-parsing of the result. The output is
    /// exactly what the earlier clone-edit-serialise-parse version produced (key order included: the LRS's fields where
    /// that version put them, a wrapped single context activity after the lists that were arrays already).
    /// </remarks>
    public static PreparedStatement Prepare(JsonElement statement, XapiVersion version, DateTimeOffset stored, JsonObject authority, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var contentHash = ContentHash(statement);
        var statementId = id ?? (statement.TryGetProperty("id", out var given) ? XapiFormats.NormalizeUuid(given.GetString()!) : Guid.NewGuid().ToString("D"));
        var storedText = XapiFormats.FormatTimestamp(stored);
        var buffer = new ArrayBufferWriter<byte>(4096);
        var definitions = new List<XapiDefinitionText>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("id", statementId);
            var hasTimestamp = false;
            var hasVersion = false;
            foreach (var property in statement.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "id" or "stored" or "authority":
                        continue;
                    case "timestamp":
                        hasTimestamp = true;
                        writer.WritePropertyName(property.Name);
                        if (version == XapiVersion.V200 && XapiFormats.TryParseTimestamp(property.Value.GetString()!, out var ts) && ts.Offset != TimeSpan.Zero)
                            writer.WriteStringValue(ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
                        else property.Value.WriteTo(writer);
                        break;
                    case "version":
                        hasVersion = true;
                        writer.WritePropertyName(property.Name);
                        property.Value.WriteTo(writer);
                        break;
                    case "context":
                        writer.WritePropertyName(property.Name);
                        WriteContext(writer, property.Value);
                        break;
                    case "object":
                        writer.WritePropertyName(property.Name);
                        WriteObject(writer, property.Value, definitions);
                        break;
                    default:
                        writer.WritePropertyName(property.Name);
                        property.Value.WriteTo(writer);
                        break;
                }
            }
            if (!hasTimestamp) writer.WriteString("timestamp", storedText);
            writer.WriteString("stored", storedText);
            writer.WritePropertyName("authority");
            authority.WriteTo(writer);
            if (!hasVersion) writer.WriteString("version", version == XapiVersion.V200 ? "2.0.0" : "1.0.0");
            writer.WriteEndObject();
        }
        // The Activity definitions in the order of the stored JSON: the object (or a SubStatement's), then the context's.
        if (statement.TryGetProperty("context", out var context)) ContextDefinitions(context, definitions);
        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        var index = Index(statement, statementId, JsonSerializer.SerializeToElement(authority));
        return new PreparedStatement(json, index, contentHash) { Definitions = definitions };
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = WriteOptions.Encoder };

    /// <summary>An object: a StatementRef's id lower-cased; a SubStatement's context normalised; an Activity's definition noted.</summary>
    private static void WriteObject(Utf8JsonWriter writer, JsonElement obj, List<XapiDefinitionText> definitions)
    {
        var type = obj.TryGetProperty("objectType", out var t) ? t.GetString() : "Activity";
        if (type == "Activity")
        {
            AddDefinition(obj, definitions);
            obj.WriteTo(writer);
            return;
        }
        if (type is not ("StatementRef" or "SubStatement"))
        {
            obj.WriteTo(writer);
            return;
        }
        writer.WriteStartObject();
        foreach (var property in obj.EnumerateObject())
        {
            writer.WritePropertyName(property.Name);
            if (type == "StatementRef" && property.Name == "id") writer.WriteStringValue(XapiFormats.NormalizeUuid(property.Value.GetString()!));
            else if (type == "SubStatement" && property.Name == "context") WriteContext(writer, property.Value);
            else property.Value.WriteTo(writer);
        }
        writer.WriteEndObject();
        if (type == "SubStatement")
        {
            if (obj.TryGetProperty("object", out var inner) && inner.ValueKind == JsonValueKind.Object
                && (!inner.TryGetProperty("objectType", out var it) || it.GetString() == "Activity")) AddDefinition(inner, definitions);
            if (obj.TryGetProperty("context", out var subContext)) ContextDefinitions(subContext, definitions);
        }
    }

    /// <summary>A context: registration and the StatementRef's id lower-cased, single contextActivities wrapped in arrays (after the lists).</summary>
    private static void WriteContext(Utf8JsonWriter writer, JsonElement context)
    {
        writer.WriteStartObject();
        foreach (var property in context.EnumerateObject())
        {
            writer.WritePropertyName(property.Name);
            switch (property.Name)
            {
                case "registration":
                    writer.WriteStringValue(XapiFormats.NormalizeUuid(property.Value.GetString()!));
                    break;
                case "statement":
                    writer.WriteStartObject();
                    foreach (var p in property.Value.EnumerateObject())
                    {
                        writer.WritePropertyName(p.Name);
                        if (p.Name == "id") writer.WriteStringValue(XapiFormats.NormalizeUuid(p.Value.GetString()!));
                        else p.Value.WriteTo(writer);
                    }
                    writer.WriteEndObject();
                    break;
                case "contextActivities":
                    writer.WriteStartObject();
                    foreach (var list in property.Value.EnumerateObject())
                    {
                        if (list.Value.ValueKind == JsonValueKind.Object) continue;
                        writer.WritePropertyName(list.Name);
                        list.Value.WriteTo(writer);
                    }
                    foreach (var list in property.Value.EnumerateObject())
                    {
                        if (list.Value.ValueKind != JsonValueKind.Object) continue;
                        writer.WritePropertyName(list.Name);
                        writer.WriteStartArray();
                        list.Value.WriteTo(writer);
                        writer.WriteEndArray();
                    }
                    writer.WriteEndObject();
                    break;
                default:
                    property.Value.WriteTo(writer);
                    break;
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>The definitions of a context's activities in stored order (lists that were arrays, then wrapped singles).</summary>
    private static void ContextDefinitions(JsonElement context, List<XapiDefinitionText> definitions)
    {
        if (!context.TryGetProperty("contextActivities", out var lists) || lists.ValueKind != JsonValueKind.Object) return;
        foreach (var list in lists.EnumerateObject())
            if (list.Value.ValueKind == JsonValueKind.Array) foreach (var a in list.Value.EnumerateArray()) AddDefinition(a, definitions);
        foreach (var list in lists.EnumerateObject())
            if (list.Value.ValueKind == JsonValueKind.Object) AddDefinition(list.Value, definitions);
    }

    private static void AddDefinition(JsonElement activity, List<XapiDefinitionText> definitions)
    {
        if (activity.ValueKind == JsonValueKind.Object && activity.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            && activity.TryGetProperty("definition", out var definition) && definition.ValueKind == JsonValueKind.Object)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) definition.WriteTo(writer);
            definitions.Add(new XapiDefinitionText(id.GetString()!, Encoding.UTF8.GetString(buffer.WrittenSpan)));
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

    /// <summary><see cref="ContentHash(JsonObject)"/> of a parsed Statement, read from its elements (the same text, the same hash).</summary>
    /// <remarks>The canonical text is written as UTF-8 straight from the document's bytes: no string per value.</remarks>
    public static string ContentHash(JsonElement statement)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        Canonical(statement, buffer, top: true);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void Canonical(JsonElement element, ArrayBufferWriter<byte> output, bool top = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                Append(output, "{"u8);
                var properties = new (string Name, JsonElement Value)[element.GetPropertyCount()];
                var count = 0;
                foreach (var property in element.EnumerateObject())
                {
                    if (top && property.Name is "id" or "stored" or "authority") continue;
                    properties[count++] = (property.Name, property.Value);
                }
                Array.Sort(properties, 0, count, NameOrder.Instance);
                for (var i = 0; i < count; i++)
                {
                    var (name, value) = properties[i];
                    // As the node-based hash did (JsonObject refuses them): a name repeated inside an extension value is
                    // not hashed in some arbitrary order. The validator lets such values through; they fail here, as before.
                    if (i > 0 && string.Equals(properties[i - 1].Name, name, StringComparison.Ordinal))
                        throw new ArgumentException($"An item with the same key has already been added. Key: {name}", nameof(element));
                    AppendName(output, name);
                    Canonical(value, output);
                    Append(output, ","u8);
                }
                Append(output, "}"u8);
                break;
            case JsonValueKind.Array:
                Append(output, "["u8);
                foreach (var v in element.EnumerateArray()) { Canonical(v, output); Append(output, ","u8); }
                Append(output, "]"u8);
                break;
            case JsonValueKind.Number:
                // Numbers compare by value (1.0 and 1 are the same score); everything else by its JSON text.
                var span = output.GetSpan(32);
                if (!element.GetDouble().TryFormat(span, out var written, "R", System.Globalization.CultureInfo.InvariantCulture)) throw new InvalidOperationException("A number did not format.");
                output.Advance(written);
                break;
            default:
                Append(output, System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(element));
                break;
        }
    }

    private static void Append(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    /// <summary>A property name as <c>JsonSerializer.Serialize(name)</c> writes it (default encoder), as the node-based hash did.</summary>
    private static void AppendName(ArrayBufferWriter<byte> output, string name)
    {
        var plain = true;
        foreach (var c in name)
            if (c is < ' ' or > '~' or '"' or '\\' or '<' or '>' or '&' or '\'' or '+' or '`') { plain = false; break; }
        Append(output, "\""u8);
        if (plain)
        {
            var span = output.GetSpan(name.Length);
            for (var i = 0; i < name.Length; i++) span[i] = (byte)name[i];
            output.Advance(name.Length);
        }
        else Append(output, JsonEncodedText.Encode(name).EncodedUtf8Bytes);
        Append(output, "\":"u8);
    }

    private sealed class NameOrder : IComparer<(string Name, JsonElement Value)>
    {
        public static readonly NameOrder Instance = new();

        public int Compare((string Name, JsonElement Value) x, (string Name, JsonElement Value) y) => string.CompareOrdinal(x.Name, y.Name);
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

    public static XapiStatementIndex Index(JsonElement s) =>
        Index(s, s.GetProperty("id").GetString()!, s.TryGetProperty("authority", out var authority) ? authority : default);

    /// <summary>
    /// The index of a Statement as <see cref="Prepare"/> stores it, read from the submitted elements: <paramref name="id"/>
    /// and <paramref name="authority"/> are the stored ones, and the UUIDs are lower-cased as Prepare writes them.
    /// </summary>
    private static XapiStatementIndex Index(JsonElement s, string id, JsonElement authority)
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
        if (authority.ValueKind == JsonValueKind.Object) related.UnionWith(XapiIdentity.IfisWithMembers(authority));
        CollectRelated(s, related, activities);
        string? registration = null;
        if (s.TryGetProperty("context", out var context) && context.TryGetProperty("registration", out var r)) registration = XapiFormats.NormalizeUuid(r.GetString()!);
        var refId = objectType == "StatementRef" ? XapiFormats.NormalizeUuid(obj.GetProperty("id").GetString()!) : null;
        var verbId = s.GetProperty("verb").GetProperty("id").GetString()!;
        return new XapiStatementIndex
        {
            Id = id,
            ActorIfi = XapiIdentity.Ifi(actor),
            VerbId = verbId,
            ActivityId = objectType == "Activity" ? obj.GetProperty("id").GetString() : null,
            Registration = registration,
            VoidsId = verbId == XapiStatementValidator.VoidedVerb ? refId : null,
            RefId = refId,
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
