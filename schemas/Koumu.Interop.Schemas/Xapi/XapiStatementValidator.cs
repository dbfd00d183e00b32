using System.Text.Json;
using System.Text.RegularExpressions;

namespace Koumu.Interop.Schemas.Xapi;

/// <summary>One reason a Statement is rejected: the JSON path of the offending value and what is wrong with it.</summary>
public sealed record XapiProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// The strict Statement validator (xAPI 1.0.3 Data part §2.2–2.4 and §4; IEEE 9274.1.1 for 2.0). An LRS MUST reject a
/// Statement that breaks any of these rules with 400 (C §3.2), so this is most of an LRS's conformance (xapi.md §0).
/// Works on a parsed <see cref="JsonElement"/> so it sees what typed deserialisation hides: repeated properties, keys in
/// the wrong case, nulls and wrong JSON types (D §2.2 "Formatting").
/// </summary>
public static partial class XapiStatementValidator
{
    /// <summary>Further problems are not collected (a hostile Statement could otherwise produce an enormous report).</summary>
    public const int MaxProblems = 50;

    public const string VoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

    public static readonly IReadOnlyList<string> InteractionTypes =
        ["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other"];

    private static readonly string[] StatementKeys = ["id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority", "version", "attachments"];
    private static readonly string[] SubStatementKeys = ["objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"];
    private static readonly string[] AgentKeys = ["objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"];
    private static readonly string[] GroupKeys = ["objectType", "name", "member", "mbox", "mbox_sha1sum", "openid", "account"];
    private static readonly string[] Ifis = ["mbox", "mbox_sha1sum", "openid", "account"];
    private static readonly string[] AccountKeys = ["homePage", "name"];
    private static readonly string[] VerbKeys = ["id", "display"];
    private static readonly string[] ActivityKeys = ["objectType", "id", "definition"];
    private static readonly string[] DefinitionKeys =
        ["name", "description", "type", "moreInfo", "extensions", "interactionType", "correctResponsesPattern", "choices", "scale", "source", "target", "steps"];
    private static readonly string[] ComponentLists = ["choices", "scale", "source", "target", "steps"];
    private static readonly string[] ComponentKeys = ["id", "description"];
    private static readonly string[] StatementRefKeys = ["objectType", "id"];
    private static readonly string[] ResultKeys = ["score", "success", "completion", "response", "duration", "extensions"];
    private static readonly string[] ScoreKeys = ["scaled", "raw", "min", "max"];
    private static readonly string[] ContextKeys103 = ["registration", "instructor", "team", "contextActivities", "revision", "platform", "language", "statement", "extensions"];
    private static readonly string[] ContextKeys200 = [.. ContextKeys103, "contextAgents", "contextGroups"];
    private static readonly string[] ContextActivityKeys = ["parent", "grouping", "category", "other"];
    private static readonly string[] ContextAgentKeys = ["objectType", "agent", "relevantTypes"];
    private static readonly string[] ContextGroupKeys = ["objectType", "group", "relevantTypes"];
    private static readonly string[] AttachmentKeys = ["usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"];
    private static readonly string[] ObjectTypes = ["Activity", "Agent", "Group", "StatementRef", "SubStatement"];

    /// <summary>Every problem of one Statement (empty when it is valid), each naming its JSON path below <paramref name="path"/>.</summary>
    public static IReadOnlyList<XapiProblem> Validate(JsonElement statement, XapiVersion version, string path = "$")
    {
        var walker = new Walker(version);
        walker.Statement(statement, path, isSubStatement: false);
        return walker.Problems;
    }

    /// <summary>Problems of an Agent or Group given as a query parameter (C §2.1.3 <c>agent</c>): the same rules as in a Statement.</summary>
    public static IReadOnlyList<XapiProblem> ValidateActor(JsonElement actor, XapiVersion version, string path = "agent")
    {
        var walker = new Walker(version);
        walker.Actor(actor, path);
        return walker.Problems;
    }

    /// <summary><c>$.a.b</c> for identifier-like names, <c>$.a['http://…']</c> for anything else (extension keys, odd keys).</summary>
    public static string Child(string path, string name) =>
        IsSimpleName(name) ? string.Concat(path, ".", name) : path + "['" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "']";

    /// <summary><c>^[A-Za-z_][A-Za-z0-9_]*$</c> without the regex engine: called for every property of every Statement.</summary>
    private static bool IsSimpleName(string name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (var c in name) if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }


    private sealed class Walker(XapiVersion version)
    {
        public List<XapiProblem> Problems { get; } = [];

        private void Add(string path, string message)
        {
            if (Problems.Count < MaxProblems) Problems.Add(new XapiProblem(path, message));
        }

        /// <summary>
        /// The properties of an object: every key must be one of <paramref name="allowed"/> with exactly that case (D §2.2),
        /// at most once, and not null. Returns the usable ones; null when <paramref name="e"/> is not an object.
        /// </summary>
        private Dictionary<string, JsonElement>? Properties(JsonElement e, string path, string[] allowed, string what)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                Add(path, $"must be {what} (a JSON object), not {Kind(e)}");
                return null;
            }
            var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in e.EnumerateObject())
            {
                // The path only when there is a problem to report: this runs for every property of every Statement.
                string Child() => XapiStatementValidator.Child(path, property.Name);
                if (Array.IndexOf(allowed, property.Name) < 0)
                {
                    var near = allowed.FirstOrDefault(a => string.Equals(a, property.Name, StringComparison.OrdinalIgnoreCase));
                    Add(Child(), near is null
                        ? $"is not a property of {what} (allowed: {string.Join(", ", allowed)})"
                        : $"is not a property of {what}; property names are case-sensitive: '{near}'");
                    continue;
                }
                if (!result.TryAdd(property.Name, property.Value))
                {
                    Add(Child(), "appears more than once");
                    continue;
                }
                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    Add(Child(), "must not be null (leave the property out instead)");
                    result.Remove(property.Name);
                }
            }
            return result;
        }

        private static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            _ => "nothing",
        };

        private string? String(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.String) return e.GetString();
            Add(path, $"must be a string, not {Kind(e)}");
            return null;
        }

        private void Required(Dictionary<string, JsonElement> props, string path, string name, string what)
        {
            if (!props.ContainsKey(name)) Add(Child(path, name), $"is required in {what}");
        }

        private void Iri(JsonElement e, string path)
        {
            if (String(e, path) is { } s && !XapiFormats.IsIri(s)) Add(path, "must be an IRI with a scheme (e.g. http://example.org/...)");
        }

        private void Uuid(JsonElement e, string path)
        {
            if (String(e, path) is { } s && !XapiFormats.IsUuid(s)) Add(path, "must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
        }

        private void Timestamp(JsonElement e, string path)
        {
            if (String(e, path) is { } s && !XapiFormats.TryParseTimestamp(s, out _))
                Add(path, "must be an ISO 8601 timestamp with a time zone (e.g. 2026-04-01T09:00:00.000Z)");
        }

        private void Boolean(JsonElement e, string path)
        {
            if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) Add(path, $"must be a boolean (true or false), not {Kind(e)}");
        }

        private double? Number(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d)) return d;
            Add(path, $"must be a number, not {Kind(e)}");
            return null;
        }

        public void Statement(JsonElement e, string path, bool isSubStatement)
        {
            var what = isSubStatement ? "a SubStatement" : "a Statement";
            if (isSubStatement && e.ValueKind == JsonValueKind.Object)
            {
                // D §2.4.4.3: a SubStatement MUST NOT have the id, stored, version or authority properties.
                foreach (var forbidden in new[] { "id", "stored", "version", "authority" })
                    if (e.TryGetProperty(forbidden, out _)) Add(Child(path, forbidden), $"is not allowed in a SubStatement");
            }
            var allowed = isSubStatement ? SubStatementKeys : StatementKeys;
            if (isSubStatement && e.ValueKind == JsonValueKind.Object)
                allowed = [.. allowed, "id", "stored", "version", "authority"]; // already reported above, not twice
            var props = Properties(e, path, allowed, what);
            if (props is null) return;
            if (isSubStatement) foreach (var f in new[] { "id", "stored", "version", "authority" }) props.Remove(f);
            Required(props, path, "actor", what);
            Required(props, path, "verb", what);
            Required(props, path, "object", what);

            if (props.TryGetValue("id", out var id)) Uuid(id, Child(path, "id"));
            if (props.TryGetValue("actor", out var actor)) Actor(actor, Child(path, "actor"));
            string? verbId = null;
            if (props.TryGetValue("verb", out var verb)) verbId = Verb(verb, Child(path, "verb"));
            var objectType = "Activity";
            if (props.TryGetValue("object", out var obj)) objectType = Object(obj, Child(path, "object"), isSubStatement);
            if (props.TryGetValue("result", out var result)) Result(result, Child(path, "result"));
            if (props.TryGetValue("context", out var context)) Context(context, Child(path, "context"), objectType == "Activity");
            if (props.TryGetValue("timestamp", out var timestamp)) Timestamp(timestamp, Child(path, "timestamp"));
            if (props.TryGetValue("stored", out var stored)) Timestamp(stored, Child(path, "stored"));
            if (props.TryGetValue("authority", out var authority)) Authority(authority, Child(path, "authority"));
            if (props.TryGetValue("version", out var v) && String(v, Child(path, "version")) is { } vs && !XapiVersions.IsValidStatementVersion(vs, version))
                Add(Child(path, "version"), version == XapiVersion.V200 ? "must be 1.0.x or 2.0.x" : "must be 1.0.x (this request speaks xAPI 1.0.3)");
            if (props.TryGetValue("attachments", out var attachments)) Attachments(attachments, Child(path, "attachments"));

            // D §2.3.2: a voiding Statement's object MUST be a StatementRef naming the Statement it voids.
            if (!isSubStatement && verbId == VoidedVerb && objectType != "StatementRef" && props.ContainsKey("object"))
                Add(Child(Child(path, "object"), "objectType"), "must be StatementRef: a voiding Statement (verb " + VoidedVerb + ") targets a Statement");
        }

        /// <summary>An Agent or a Group (D §2.4.2), chosen by objectType (absent = Agent).</summary>
        public void Actor(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("objectType", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Group")
                Group(e, path);
            else
                Agent(e, path, requireObjectType: false);
        }

        private void Agent(JsonElement e, string path, bool requireObjectType)
        {
            var props = Properties(e, path, AgentKeys, "an Agent");
            if (props is null) return;
            if (props.TryGetValue("objectType", out var type))
            {
                if (String(type, Child(path, "objectType")) is { } t && t != "Agent")
                    Add(Child(path, "objectType"), t == "Group" ? "a Group is not allowed here" : $"must be 'Agent' (case-sensitive), not '{t}'");
            }
            else if (requireObjectType)
            {
                Add(Child(path, "objectType"), "is required ('Agent') when an Agent is the object of a Statement");
            }
            if (props.TryGetValue("name", out var name)) String(name, Child(path, "name"));
            IdentifierCount(props, path, "an Agent", exactlyOne: true);
        }

        private void Group(JsonElement e, string path)
        {
            var props = Properties(e, path, GroupKeys, "a Group");
            if (props is null) return;
            if (props.TryGetValue("objectType", out var type) && String(type, Child(path, "objectType")) is { } t && t != "Group")
                Add(Child(path, "objectType"), $"must be 'Group' (case-sensitive), not '{t}'");
            if (props.TryGetValue("name", out var name)) String(name, Child(path, "name"));
            var identified = IdentifierCount(props, path, "a Group", exactlyOne: false);
            if (props.TryGetValue("member", out var member))
            {
                var memberPath = Child(path, "member");
                if (member.ValueKind != JsonValueKind.Array) Add(memberPath, $"must be an array of Agents, not {Kind(member)}");
                else
                {
                    if (!identified && member.GetArrayLength() == 0) Add(memberPath, "an anonymous Group must list at least one member");
                    var i = 0;
                    foreach (var m in member.EnumerateArray())
                    {
                        var mPath = $"{memberPath}[{i++}]";
                        // D §2.4.2.2: a Group's members are Agents; Groups cannot be nested.
                        if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("objectType", out var mt) && mt.ValueKind == JsonValueKind.String && mt.GetString() == "Group")
                            Add(Child(mPath, "objectType"), "a Group's members must be Agents, not Groups");
                        else Agent(m, mPath, requireObjectType: false);
                    }
                }
            }
            else if (!identified)
            {
                Add(Child(path, "member"), "is required in an anonymous Group (a Group without mbox, mbox_sha1sum, openid or account)");
            }
        }

        /// <summary>D §2.4.2.3: an Agent has exactly one Inverse Functional Identifier; an Identified Group has one, an anonymous none.</summary>
        private bool IdentifierCount(Dictionary<string, JsonElement> props, string path, string what, bool exactlyOne)
        {
            var present = Ifis.Where(props.ContainsKey).ToList();
            if (present.Count > 1)
                Add(path, $"{what} must have exactly one inverse functional identifier, not {present.Count} ({string.Join(", ", present)})");
            else if (present.Count == 0 && exactlyOne)
                Add(path, $"{what} needs exactly one inverse functional identifier: mbox, mbox_sha1sum, openid or account");
            foreach (var ifi in present)
            {
                var p = Child(path, ifi);
                var v = props[ifi];
                switch (ifi)
                {
                    case "mbox":
                        if (String(v, p) is { } mbox && !XapiFormats.IsMailto(mbox)) Add(p, "must start with mailto: and be an e-mail address (mailto:name@example.org)");
                        break;
                    case "mbox_sha1sum":
                        if (String(v, p) is { } sha && !XapiFormats.IsSha1Hex(sha)) Add(p, "must be the 40-character hex SHA-1 of a mailto IRI");
                        break;
                    case "openid":
                        Iri(v, p);
                        break;
                    case "account":
                        var account = Properties(v, p, AccountKeys, "an account");
                        if (account is null) break;
                        Required(account, p, "homePage", "an account");
                        Required(account, p, "name", "an account");
                        if (account.TryGetValue("homePage", out var home)) Iri(home, Child(p, "homePage"));
                        if (account.TryGetValue("name", out var n)) String(n, Child(p, "name"));
                        break;
                }
            }
            return present.Count > 0;
        }

        private string? Verb(JsonElement e, string path)
        {
            var props = Properties(e, path, VerbKeys, "a Verb");
            if (props is null) return null;
            Required(props, path, "id", "a Verb");
            string? id = null;
            if (props.TryGetValue("id", out var idElement))
            {
                Iri(idElement, Child(path, "id"));
                id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
            }
            if (props.TryGetValue("display", out var display)) LanguageMap(display, Child(path, "display"));
            return id;
        }

        /// <summary>Returns the object's objectType (Activity when absent, D §2.4.4).</summary>
        private string Object(JsonElement e, string path, bool insideSubStatement)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                Add(path, $"must be an Activity, Agent, Group, StatementRef or SubStatement object, not {Kind(e)}");
                return "?";
            }
            var type = "Activity";
            if (e.TryGetProperty("objectType", out var t))
            {
                if (t.ValueKind != JsonValueKind.String || !ObjectTypes.Contains(t.GetString(), StringComparer.Ordinal))
                {
                    // The wrong type, case or an unknown value: report it once here and validate nothing else by guesswork.
                    if (t.ValueKind == JsonValueKind.String)
                    {
                        var s = t.GetString()!;
                        var near = ObjectTypes.FirstOrDefault(o => string.Equals(o, s, StringComparison.OrdinalIgnoreCase));
                        Add(Child(path, "objectType"), near is null
                            ? $"must be one of {string.Join(", ", ObjectTypes)}, not '{s}'"
                            : $"must be '{near}' (case-sensitive), not '{s}'");
                    }
                    else Add(Child(path, "objectType"), $"must be a string, not {Kind(t)}");
                    return "?";
                }
                type = t.GetString()!;
            }
            switch (type)
            {
                case "Activity": Activity(e, path); break;
                case "Agent": Agent(e, path, requireObjectType: true); break;
                case "Group": Group(e, path); break;
                case "StatementRef": StatementRef(e, path); break;
                case "SubStatement":
                    if (insideSubStatement) Add(Child(path, "objectType"), "a SubStatement cannot contain another SubStatement");
                    else Statement(e, path, isSubStatement: true);
                    break;
            }
            return type;
        }

        private void Activity(JsonElement e, string path)
        {
            var props = Properties(e, path, ActivityKeys, "an Activity");
            if (props is null) return;
            if (props.TryGetValue("objectType", out var type) && String(type, Child(path, "objectType")) is { } t && t != "Activity")
                Add(Child(path, "objectType"), $"must be 'Activity', not '{t}'");
            Required(props, path, "id", "an Activity");
            if (props.TryGetValue("id", out var id)) Iri(id, Child(path, "id"));
            if (props.TryGetValue("definition", out var definition)) Definition(definition, Child(path, "definition"));
        }

        private void Definition(JsonElement e, string path)
        {
            var props = Properties(e, path, DefinitionKeys, "an Activity Definition");
            if (props is null) return;
            if (props.TryGetValue("name", out var name)) LanguageMap(name, Child(path, "name"));
            if (props.TryGetValue("description", out var description)) LanguageMap(description, Child(path, "description"));
            if (props.TryGetValue("type", out var type)) Iri(type, Child(path, "type"));
            if (props.TryGetValue("moreInfo", out var moreInfo)) Iri(moreInfo, Child(path, "moreInfo"));
            if (props.TryGetValue("extensions", out var extensions)) Extensions(extensions, Child(path, "extensions"));
            string? interactionType = null;
            if (props.TryGetValue("interactionType", out var it) && String(it, Child(path, "interactionType")) is { } its)
            {
                if (InteractionTypes.Contains(its, StringComparer.Ordinal)) interactionType = its;
                else Add(Child(path, "interactionType"), $"must be one of {string.Join(", ", InteractionTypes)} (case-sensitive), not '{its}'");
            }
            var interactionTypeValid = interactionType is not null;
            if (props.TryGetValue("correctResponsesPattern", out var pattern))
            {
                var p = Child(path, "correctResponsesPattern");
                if (!props.ContainsKey("interactionType")) Add(p, "requires interactionType (D §2.4.4.1.1)");
                if (pattern.ValueKind != JsonValueKind.Array) Add(p, $"must be an array of strings, not {Kind(pattern)}");
                else
                {
                    var i = 0;
                    foreach (var item in pattern.EnumerateArray()) String(item, $"{p}[{i++}]");
                }
            }
            // D §2.4.4.1.1 (Interaction Components): which component lists each interactionType may carry.
            string[] allowedLists = interactionType switch
            {
                "choice" or "sequencing" => ["choices"],
                "likert" => ["scale"],
                "matching" => ["source", "target"],
                "performance" => ["steps"],
                _ => [],
            };
            foreach (var list in ComponentLists)
            {
                if (!props.TryGetValue(list, out var components)) continue;
                var p = Child(path, list);
                if (!props.ContainsKey("interactionType")) Add(p, "requires interactionType (D §2.4.4.1.1)");
                else if (interactionTypeValid && !allowedLists.Contains(list))
                    Add(p, $"is not allowed for interactionType '{interactionType}'" + (allowedLists.Length > 0 ? $" (allowed: {string.Join(", ", allowedLists)})" : ""));
                InteractionComponents(components, p);
            }
        }

        private void InteractionComponents(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                Add(path, $"must be an array of interaction components, not {Kind(e)}");
                return;
            }
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var component in e.EnumerateArray())
            {
                var p = $"{path}[{i++}]";
                var props = Properties(component, p, ComponentKeys, "an interaction component");
                if (props is null) continue;
                Required(props, p, "id", "an interaction component");
                // D §2.4.4.1.1: within one list of interaction components all ids MUST be distinct.
                if (props.TryGetValue("id", out var id) && String(id, Child(p, "id")) is { } s && !ids.Add(s))
                    Add(Child(p, "id"), $"'{s}' is used by another component of this list; ids must be distinct");
                if (props.TryGetValue("description", out var description)) LanguageMap(description, Child(p, "description"));
            }
        }

        private void StatementRef(JsonElement e, string path)
        {
            var props = Properties(e, path, StatementRefKeys, "a StatementRef");
            if (props is null) return;
            if (!props.TryGetValue("objectType", out var type)) Add(Child(path, "objectType"), "is required ('StatementRef') in a StatementRef");
            else if (String(type, Child(path, "objectType")) is { } t && t != "StatementRef") Add(Child(path, "objectType"), $"must be 'StatementRef', not '{t}'");
            Required(props, path, "id", "a StatementRef");
            if (props.TryGetValue("id", out var id)) Uuid(id, Child(path, "id"));
        }

        private void Result(JsonElement e, string path)
        {
            var props = Properties(e, path, ResultKeys, "a Result");
            if (props is null) return;
            if (props.TryGetValue("score", out var score)) Score(score, Child(path, "score"));
            if (props.TryGetValue("success", out var success)) Boolean(success, Child(path, "success"));
            if (props.TryGetValue("completion", out var completion)) Boolean(completion, Child(path, "completion"));
            if (props.TryGetValue("response", out var response)) String(response, Child(path, "response"));
            if (props.TryGetValue("duration", out var duration) && String(duration, Child(path, "duration")) is { } d && !XapiFormats.IsDuration(d))
                Add(Child(path, "duration"), "must be an ISO 8601 duration (e.g. PT1H30M, P1DT12H, P2W; weeks cannot be combined with other units)");
            if (props.TryGetValue("extensions", out var extensions)) Extensions(extensions, Child(path, "extensions"));
        }

        /// <summary>D §2.4.5.1: scaled in [-1, 1]; min &lt; max; min ≤ raw ≤ max.</summary>
        private void Score(JsonElement e, string path)
        {
            var props = Properties(e, path, ScoreKeys, "a Score");
            if (props is null) return;
            double? Get(string name) => props.TryGetValue(name, out var v) ? Number(v, Child(path, name)) : null;
            var scaled = Get("scaled");
            var raw = Get("raw");
            var min = Get("min");
            var max = Get("max");
            if (scaled is < -1 or > 1) Add(Child(path, "scaled"), "must be between -1 and 1");
            if (min is { } lo && max is { } hi && lo >= hi) Add(Child(path, "min"), "must be less than max");
            if (raw is { } r)
            {
                if (min is { } lo2 && r < lo2) Add(Child(path, "raw"), "must not be less than min");
                if (max is { } hi2 && r > hi2) Add(Child(path, "raw"), "must not be greater than max");
            }
        }

        private void Context(JsonElement e, string path, bool objectIsActivity)
        {
            var props = Properties(e, path, version == XapiVersion.V200 ? ContextKeys200 : ContextKeys103, "a Context");
            if (props is null) return;
            if (props.TryGetValue("registration", out var registration)) Uuid(registration, Child(path, "registration"));
            if (props.TryGetValue("instructor", out var instructor)) Actor(instructor, Child(path, "instructor"));
            if (props.TryGetValue("team", out var team))
            {
                // D §2.4.6: team is a Group.
                var p = Child(path, "team");
                if (team.ValueKind == JsonValueKind.Object && !(team.TryGetProperty("objectType", out var tt) && tt.ValueKind == JsonValueKind.String && tt.GetString() == "Group"))
                    Add(Child(p, "objectType"), "must be 'Group': a team is a Group");
                else Group(team, p);
            }
            if (props.TryGetValue("contextActivities", out var ca)) ContextActivities(ca, Child(path, "contextActivities"));
            // D §2.4.6: revision and platform MUST only be used when the Statement's object is an Activity.
            foreach (var name in new[] { "revision", "platform" })
            {
                if (!props.TryGetValue(name, out var v)) continue;
                String(v, Child(path, name));
                if (!objectIsActivity) Add(Child(path, name), "is only allowed when the Statement's object is an Activity");
            }
            if (props.TryGetValue("language", out var language) && String(language, Child(path, "language")) is { } l && !XapiFormats.IsLanguageTag(l))
                Add(Child(path, "language"), "must be an RFC 5646 language tag (e.g. ja-JP)");
            if (props.TryGetValue("statement", out var statement)) StatementRef(statement, Child(path, "statement"));
            if (props.TryGetValue("extensions", out var extensions)) Extensions(extensions, Child(path, "extensions"));
            if (props.TryGetValue("contextAgents", out var agents)) ContextAgents(agents, Child(path, "contextAgents"), "contextAgent", "agent", ContextAgentKeys);
            if (props.TryGetValue("contextGroups", out var groups)) ContextAgents(groups, Child(path, "contextGroups"), "contextGroup", "group", ContextGroupKeys);
        }

        private void ContextActivities(JsonElement e, string path)
        {
            var props = Properties(e, path, ContextActivityKeys, "contextActivities");
            if (props is null) return;
            foreach (var (key, value) in props)
            {
                var p = Child(path, key);
                // D §2.4.6.2: a single Activity object or an array of Activities (returned as an array).
                if (value.ValueKind == JsonValueKind.Array)
                {
                    var i = 0;
                    foreach (var a in value.EnumerateArray()) Activity(a, $"{p}[{i++}]");
                }
                else Activity(value, p);
            }
        }

        /// <summary>xAPI 2.0 (IEEE 9274.1.1 §5.2.2.5): contextAgents / contextGroups with an optional non-empty relevantTypes list of IRIs.</summary>
        private void ContextAgents(JsonElement e, string path, string objectType, string member, string[] keys)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                Add(path, $"must be an array of {objectType} objects, not {Kind(e)}");
                return;
            }
            var i = 0;
            foreach (var item in e.EnumerateArray())
            {
                var p = $"{path}[{i++}]";
                var props = Properties(item, p, keys, "a " + objectType);
                if (props is null) continue;
                if (!props.TryGetValue("objectType", out var t)) Add(Child(p, "objectType"), $"is required ('{objectType}')");
                else if (String(t, Child(p, "objectType")) is { } ts && ts != objectType) Add(Child(p, "objectType"), $"must be '{objectType}', not '{ts}'");
                Required(props, p, member, "a " + objectType);
                if (props.TryGetValue(member, out var m))
                {
                    if (member == "agent") Agent(m, Child(p, member), requireObjectType: false);
                    else if (m.ValueKind == JsonValueKind.Object && !(m.TryGetProperty("objectType", out var gt) && gt.ValueKind == JsonValueKind.String && gt.GetString() == "Group"))
                        Add(Child(Child(p, member), "objectType"), "must be 'Group'");
                    else Group(m, Child(p, member));
                }
                if (props.TryGetValue("relevantTypes", out var types))
                {
                    var tp = Child(p, "relevantTypes");
                    if (types.ValueKind != JsonValueKind.Array) Add(tp, $"must be an array of IRIs, not {Kind(types)}");
                    else if (types.GetArrayLength() == 0) Add(tp, "must list at least one IRI when present");
                    else
                    {
                        var j = 0;
                        foreach (var type in types.EnumerateArray()) Iri(type, $"{tp}[{j++}]");
                    }
                }
            }
        }

        private void Authority(JsonElement e, string path)
        {
            Actor(e, path);
            // D §2.4.9: a Group authority represents a 3-legged OAuth pair: exactly two Agents.
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("objectType", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "Group"
                && e.TryGetProperty("member", out var m) && m.ValueKind == JsonValueKind.Array && m.GetArrayLength() != 2)
                Add(Child(path, "member"), "a Group authority (OAuth consumer and user) has exactly two members");
        }

        private void Attachments(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                Add(path, $"must be an array of attachments, not {Kind(e)}");
                return;
            }
            var i = 0;
            foreach (var a in e.EnumerateArray())
            {
                var p = $"{path}[{i++}]";
                var props = Properties(a, p, AttachmentKeys, "an Attachment");
                if (props is null) continue;
                foreach (var required in new[] { "usageType", "display", "contentType", "length", "sha2" }) Required(props, p, required, "an Attachment");
                if (props.TryGetValue("usageType", out var usage)) Iri(usage, Child(p, "usageType"));
                if (props.TryGetValue("display", out var display)) LanguageMap(display, Child(p, "display"));
                if (props.TryGetValue("description", out var description)) LanguageMap(description, Child(p, "description"));
                if (props.TryGetValue("contentType", out var ct)) String(ct, Child(p, "contentType"));
                if (props.TryGetValue("length", out var length) && !(length.ValueKind == JsonValueKind.Number && length.TryGetInt64(out var n) && n >= 0))
                    Add(Child(p, "length"), "must be a non-negative integer (bytes)");
                if (props.TryGetValue("sha2", out var sha2) && String(sha2, Child(p, "sha2")) is { } h && !Sha2().IsMatch(h))
                    Add(Child(p, "sha2"), "must be the hex SHA-2 (256, 384 or 512) of the attachment");
                if (props.TryGetValue("fileUrl", out var fileUrl)) Iri(fileUrl, Child(p, "fileUrl"));
            }
        }

        /// <summary>D §4.2: keys are RFC 5646 language tags, values strings.</summary>
        private void LanguageMap(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                Add(path, $"must be a language map (an object of language tag → string), not {Kind(e)}");
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in e.EnumerateObject())
            {
                string P() => Child(path, property.Name);
                if (!seen.Add(property.Name)) Add(P(), "appears more than once");
                if (!XapiFormats.IsLanguageTag(property.Name)) Add(P(), $"'{Truncate(property.Name)}' is not an RFC 5646 language tag");
                if (property.Value.ValueKind == JsonValueKind.Null) Add(P(), "must not be null");
                else if (property.Value.ValueKind != JsonValueKind.String) String(property.Value, P());
            }
        }

        /// <summary>D §4.1: extension keys are IRIs; values are any JSON (null included).</summary>
        private void Extensions(JsonElement e, string path)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                Add(path, $"must be an object of IRI → any JSON value, not {Kind(e)}");
                return;
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in e.EnumerateObject())
            {
                if (!seen.Add(property.Name)) Add(Child(path, property.Name), "appears more than once");
                if (!XapiFormats.IsIri(property.Name)) Add(Child(path, property.Name), "extension keys must be IRIs");
            }
        }

        private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
    }

    [GeneratedRegex("^(?:[0-9A-Fa-f]{64}|[0-9A-Fa-f]{96}|[0-9A-Fa-f]{128})$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha2();
}
