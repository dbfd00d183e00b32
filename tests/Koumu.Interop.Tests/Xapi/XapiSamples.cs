using System.Text.Json.Nodes;
using CsCheck;
using Koumu.Interop.Schemas.Xapi;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>One rule violation applied to a valid Statement: the JSON path the rejection must name.</summary>
public sealed record XapiMutation(string Rule, Func<JsonObject, string> Apply, bool Only103 = false, bool Only200 = false);

/// <summary>CsCheck generators of valid xAPI Statements (D §2.4) and one mutation per validation rule.</summary>
public static class XapiSamples
{
    private static Gen<string> Pick(params string[] values) => Gen.Int[0, values.Length - 1].Select(i => values[i]);

    public const string Attempted = "http://adlnet.gov/expapi/verbs/attempted";

    public static readonly Gen<string> Uuid = Gen.Guid.Select(g => g.ToString("D"));

    public static readonly Gen<string> Iri = Gen.Select(Pick("http", "https", "urn", "tag"), Gen.Int[0, 99_999])
        .Select((scheme, n) => scheme switch
        {
            "urn" => $"urn:koumu:act:{n}",
            "tag" => $"tag:example.org,2026:{n}",
            _ => $"{scheme}://example.org/xapi/{n}/学習",
        });

    public static readonly Gen<string> Tag = Pick("en-US", "ja", "ja-JP", "zh-Hant-TW", "und", "en", "x-private", "de-CH-1996");

    public static readonly Gen<JsonObject> LanguageMap =
        Gen.Select(Tag, Gen.String[Gen.Char.AlphaNumeric, 0, 20]).Array[1, 3]
            .Select(pairs => { var o = new JsonObject(); foreach (var (k, v) in pairs) o[k] = v; return o; });

    public static readonly Gen<JsonObject> Agent = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 99_999], Gen.Bool, Gen.Bool).Select((kind, n, named, typed) =>
    {
        var agent = new JsonObject();
        if (typed) agent["objectType"] = "Agent";
        if (named) agent["name"] = $"学習者 {n}";
        switch (kind)
        {
            case 0: agent["mbox"] = $"mailto:learner{n}@example.org"; break;
            case 1: agent["mbox_sha1sum"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(BitConverter.GetBytes(n))); break;
            case 2: agent["openid"] = $"https://openid.example.org/{n}"; break;
            default: agent["account"] = new JsonObject { ["homePage"] = "https://lms.example.ed.jp", ["name"] = $"user-{n}" }; break;
        }
        return agent;
    });

    public static readonly Gen<JsonObject> Group = Gen.Select(Agent.Array[1, 3], Gen.Bool, Gen.Int[0, 999]).Select((members, identified, n) =>
    {
        var group = new JsonObject { ["objectType"] = "Group", ["name"] = $"班 {n}" };
        if (identified) group["account"] = new JsonObject { ["homePage"] = "https://lms.example.ed.jp", ["name"] = $"group-{n}" };
        group["member"] = new JsonArray([.. members]);
        return group;
    });

    public static readonly Gen<JsonObject> Actor = Gen.Frequency((4, Agent), (1, Group));

    public static readonly Gen<JsonObject> Verb = Gen.Select(Iri, LanguageMap, Gen.Bool)
        .Select((id, display, withDisplay) => withDisplay ? new JsonObject { ["id"] = id, ["display"] = display } : new JsonObject { ["id"] = id });

    public static readonly Gen<JsonObject> Activity = Gen.Select(Iri, LanguageMap, Gen.Int[0, 4], Gen.Bool).Select((id, name, shape, typed) =>
    {
        var activity = new JsonObject { ["id"] = id };
        if (typed) activity["objectType"] = "Activity";
        if (shape == 0) return activity;
        var definition = new JsonObject { ["name"] = name, ["type"] = "http://adlnet.gov/expapi/activities/cmi.interaction" };
        switch (shape)
        {
            case 2:
                definition["interactionType"] = "choice";
                definition["correctResponsesPattern"] = new JsonArray("a[,]b");
                definition["choices"] = new JsonArray(new JsonObject { ["id"] = "a", ["description"] = new JsonObject { ["ja"] = "あ" } }, new JsonObject { ["id"] = "b" });
                break;
            case 3:
                definition["interactionType"] = "matching";
                definition["source"] = new JsonArray(new JsonObject { ["id"] = "s1" });
                definition["target"] = new JsonArray(new JsonObject { ["id"] = "t1" });
                break;
            case 4:
                definition["extensions"] = new JsonObject { ["http://example.org/ext/grade"] = 3, ["urn:x:nullable"] = null };
                definition["moreInfo"] = "https://example.org/more";
                break;
        }
        activity["definition"] = definition;
        return activity;
    });

    public static readonly Gen<JsonObject> Result = Gen.Select(Gen.Double[-1, 1], Gen.Int[0, 100], Gen.Bool, Pick("PT1H30M", "P1DT12H", "P2W", "PT0.5S", "P1Y2M3DT4H5M6.7S"))
        .Select((scaled, raw, success, duration) => new JsonObject
        {
            ["score"] = new JsonObject { ["scaled"] = Math.Round(scaled, 3), ["raw"] = raw, ["min"] = 0, ["max"] = 100 },
            ["success"] = success,
            ["completion"] = true,
            ["response"] = "a[,]b",
            ["duration"] = duration,
            ["extensions"] = new JsonObject { ["http://example.org/ext/attempt"] = new JsonObject { ["n"] = raw } },
        });

    public static Gen<JsonObject> Context(XapiVersion version) => Gen.Select(Uuid, Activity.Array[0, 2], Agent, Gen.Int[0, 3]).Select((registration, parents, instructor, shape) =>
    {
        var context = new JsonObject { ["registration"] = registration, ["language"] = "ja-JP" };
        if (parents.Length == 1) context["contextActivities"] = new JsonObject { ["parent"] = parents[0] };
        else if (parents.Length > 1) context["contextActivities"] = new JsonObject { ["grouping"] = new JsonArray([.. parents]), ["category"] = new JsonArray() };
        if (shape >= 1) context["instructor"] = instructor;
        if (shape >= 2) context["extensions"] = new JsonObject { ["https://w3id.org/xapi/cmi5/context/extensions/sessionid"] = "s-1" };
        if (shape == 3 && version == XapiVersion.V200)
            context["contextAgents"] = new JsonArray(new JsonObject { ["objectType"] = "contextAgent", ["agent"] = instructor.DeepClone(), ["relevantTypes"] = new JsonArray("https://example.org/types/teacher") });
        return context;
    });

    public static Gen<JsonObject> Statement(XapiVersion version) =>
        Gen.Select(Gen.Select(Actor, Verb, Activity, Gen.Bool, Gen.Bool, Gen.Bool, Uuid), Gen.Int[0, 3], Result, Context(version), Gen.Int[0, 1_000_000],
            (first, objectKind, result, context, seconds) =>
            {
                var (actor, verb, activity, withResult, withContext, withTimestamp, id) = first;
                var statement = new JsonObject { ["actor"] = actor.DeepClone(), ["verb"] = verb.DeepClone() };
                statement["object"] = objectKind switch
                {
                    1 => new JsonObject { ["objectType"] = "Agent", ["mbox"] = "mailto:peer@example.org" },
                    2 => new JsonObject { ["objectType"] = "StatementRef", ["id"] = id },
                    3 => new JsonObject { ["objectType"] = "SubStatement", ["actor"] = actor.DeepClone(), ["verb"] = verb.DeepClone(), ["object"] = activity.DeepClone() },
                    _ => activity.DeepClone(),
                };
                if (withTimestamp) statement["id"] = id;
                if (withResult) statement["result"] = result.DeepClone();
                if (withContext)
                {
                    var c = context.DeepClone().AsObject();
                    if (objectKind == 0) c["platform"] = "Koumu test";
                    statement["context"] = c;
                }
                if (withTimestamp) statement["timestamp"] = new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(9)).AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture);
                if (objectKind == 2 && withResult) statement["verb"] = new JsonObject { ["id"] = XapiStatementValidator.VoidedVerb };
                return statement;
            });

    private static JsonObject Ctx(JsonObject s) => s["context"] as JsonObject ?? (JsonObject)(s["context"] = new JsonObject());

    private static JsonObject Res(JsonObject s) => s["result"] as JsonObject ?? (JsonObject)(s["result"] = new JsonObject());

    private static JsonObject Score(JsonObject s) => (JsonObject)(Res(s)["score"] = new JsonObject { ["min"] = 0, ["max"] = 10 });

    private static JsonObject SetActivity(JsonObject s, JsonObject definition)
    {
        s["object"] = new JsonObject { ["id"] = "http://example.org/act", ["definition"] = definition };
        return definition;
    }

    /// <summary>One mutation per rule of the validator; each returns the path its rejection must name.</summary>
    public static readonly IReadOnlyList<XapiMutation> Mutations =
    [
        new("actor is required", s => { s.Remove("actor"); return "$.actor"; }),
        new("verb is required", s => { s.Remove("verb"); return "$.verb"; }),
        new("object is required", s => { s.Remove("object"); return "$.object"; }),
        new("unknown top-level property", s => { s["foo"] = 1; return "$.foo"; }),
        new("property names are case-sensitive", s => { var a = s["actor"]; s.Remove("actor"); s["Actor"] = a; return "$.Actor"; }),
        new("no nulls outside extensions", s => { s["result"] = null; return "$.result"; }),
        new("id is a UUID", s => { s["id"] = "not-a-uuid"; return "$.id"; }),
        new("mbox starts with mailto:", s => { s["actor"] = new JsonObject { ["mbox"] = "learner@example.org" }; return "$.actor.mbox"; }),
        new("exactly one IFI (two)", s => { s["actor"] = new JsonObject { ["mbox"] = "mailto:a@example.org", ["openid"] = "https://id.example.org/a" }; return "$.actor"; }),
        new("exactly one IFI (none)", s => { s["actor"] = new JsonObject { ["name"] = "nobody" }; return "$.actor"; }),
        new("mbox_sha1sum is hex SHA-1", s => { s["actor"] = new JsonObject { ["mbox_sha1sum"] = "xyz" }; return "$.actor.mbox_sha1sum"; }),
        new("account needs homePage", s => { s["actor"] = new JsonObject { ["account"] = new JsonObject { ["name"] = "u" } }; return "$.actor.account.homePage"; }),
        new("account homePage is an IRI", s => { s["actor"] = new JsonObject { ["account"] = new JsonObject { ["homePage"] = "lms.example.org", ["name"] = "u" } }; return "$.actor.account.homePage"; }),
        new("account needs name", s => { s["actor"] = new JsonObject { ["account"] = new JsonObject { ["homePage"] = "https://lms.example.org" } }; return "$.actor.account.name"; }),
        new("openid is an IRI", s => { s["actor"] = new JsonObject { ["openid"] = "not an iri" }; return "$.actor.openid"; }),
        new("objectType case", s => { s["actor"] = new JsonObject { ["objectType"] = "agent", ["mbox"] = "mailto:a@example.org" }; return "$.actor.objectType"; }),
        new("group members are not groups", s => { s["actor"] = new JsonObject { ["objectType"] = "Group", ["member"] = new JsonArray(new JsonObject { ["objectType"] = "Group", ["member"] = new JsonArray() }) }; return "$.actor.member[0].objectType"; }),
        new("anonymous group needs member", s => { s["actor"] = new JsonObject { ["objectType"] = "Group", ["name"] = "g" }; return "$.actor.member"; }),
        new("group has at most one IFI", s => { s["actor"] = new JsonObject { ["objectType"] = "Group", ["mbox"] = "mailto:g@example.org", ["openid"] = "https://id.example.org/g" }; return "$.actor"; }),
        new("verb id is an IRI", s => { s["verb"] = new JsonObject { ["id"] = "attempted" }; return "$.verb.id"; }),
        new("verb id is required", s => { s["verb"] = new JsonObject { ["display"] = new JsonObject { ["en"] = "x" } }; return "$.verb.id"; }),
        new("language map keys are RFC 5646 tags", s => { s["verb"] = new JsonObject { ["id"] = Attempted, ["display"] = new JsonObject { ["english language"] = "x" } }; return "$.verb.display['english language']"; }),
        new("language map values are strings", s => { s["verb"] = new JsonObject { ["id"] = Attempted, ["display"] = new JsonObject { ["en-US"] = 5 } }; return "$.verb.display['en-US']"; }),
        new("activity id is required", s => { s["object"] = new JsonObject { ["objectType"] = "Activity" }; return "$.object.id"; }),
        new("activity id is an IRI", s => { s["object"] = new JsonObject { ["id"] = "act 1" }; return "$.object.id"; }),
        new("objectType values are case-sensitive", s => { s["object"] = new JsonObject { ["objectType"] = "activity", ["id"] = "http://example.org/a" }; return "$.object.objectType"; }),
        new("an object without objectType is an Activity", s => { s["object"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }; return "$.object.mbox"; }),
        new("StatementRef id is a UUID", s => { s["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = "1234" }; return "$.object.id"; }),
        new("SubStatement has no id", s => { s["object"] = new JsonObject { ["objectType"] = "SubStatement", ["id"] = Guid.NewGuid().ToString(), ["actor"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }, ["verb"] = new JsonObject { ["id"] = Attempted }, ["object"] = new JsonObject { ["id"] = "http://example.org/a" } }; return "$.object.id"; }),
        new("SubStatement has no stored", s => { s["object"] = new JsonObject { ["objectType"] = "SubStatement", ["stored"] = "2026-01-01T00:00:00Z", ["actor"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }, ["verb"] = new JsonObject { ["id"] = Attempted }, ["object"] = new JsonObject { ["id"] = "http://example.org/a" } }; return "$.object.stored"; }),
        new("no nested SubStatement", s => { s["object"] = new JsonObject { ["objectType"] = "SubStatement", ["actor"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }, ["verb"] = new JsonObject { ["id"] = Attempted }, ["object"] = new JsonObject { ["objectType"] = "SubStatement", ["actor"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }, ["verb"] = new JsonObject { ["id"] = Attempted }, ["object"] = new JsonObject { ["id"] = "http://example.org/a" } } }; return "$.object.object.objectType"; }),
        new("interactionType is an enumeration (case-sensitive)", s => { SetActivity(s, new JsonObject { ["interactionType"] = "Choice" }); return "$.object.definition.interactionType"; }),
        new("component lists match interactionType", s => { SetActivity(s, new JsonObject { ["interactionType"] = "likert", ["choices"] = new JsonArray(new JsonObject { ["id"] = "a" }) }); return "$.object.definition.choices"; }),
        new("component ids are distinct", s => { SetActivity(s, new JsonObject { ["interactionType"] = "choice", ["choices"] = new JsonArray(new JsonObject { ["id"] = "a" }, new JsonObject { ["id"] = "a" }) }); return "$.object.definition.choices[1].id"; }),
        new("correctResponsesPattern needs interactionType", s => { SetActivity(s, new JsonObject { ["correctResponsesPattern"] = new JsonArray("a") }); return "$.object.definition.correctResponsesPattern"; }),
        new("activity type is an IRI", s => { SetActivity(s, new JsonObject { ["type"] = "course" }); return "$.object.definition.type"; }),
        new("scaled is within [-1, 1]", s => { Res(s)["score"] = new JsonObject { ["scaled"] = 1.5 }; return "$.result.score.scaled"; }),
        new("raw is not above max", s => { Score(s)["raw"] = 11; return "$.result.score.raw"; }),
        new("raw is not below min", s => { Score(s)["raw"] = -1; return "$.result.score.raw"; }),
        new("min is below max", s => { Res(s)["score"] = new JsonObject { ["min"] = 5, ["max"] = 5 }; return "$.result.score.min"; }),
        new("score values are numbers", s => { Res(s)["score"] = new JsonObject { ["raw"] = "5" }; return "$.result.score.raw"; }),
        new("success is a boolean", s => { Res(s)["success"] = "true"; return "$.result.success"; }),
        new("completion is a boolean", s => { Res(s)["completion"] = 1; return "$.result.completion"; }),
        new("duration is ISO 8601 (weeks alone)", s => { Res(s)["duration"] = "P4W1D"; return "$.result.duration"; }),
        new("duration is ISO 8601", s => { Res(s)["duration"] = "1 hour"; return "$.result.duration"; }),
        new("extension keys are IRIs", s => { Res(s)["extensions"] = new JsonObject { ["foo"] = 1 }; return "$.result.extensions.foo"; }),
        new("registration is a UUID", s => { Ctx(s)["registration"] = "reg-1"; return "$.context.registration"; }),
        new("revision only for Activity objects", s => { s["object"] = new JsonObject { ["objectType"] = "Agent", ["mbox"] = "mailto:a@example.org" }; Ctx(s)["revision"] = "1"; return "$.context.revision"; }),
        new("platform only for Activity objects", s => { s["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = Guid.NewGuid().ToString() }; Ctx(s)["platform"] = "x"; return "$.context.platform"; }),
        new("contextActivities keys", s => { Ctx(s)["contextActivities"] = new JsonObject { ["parents"] = new JsonArray() }; return "$.context.contextActivities.parents"; }),
        new("context activities are Activities", s => { Ctx(s)["contextActivities"] = new JsonObject { ["parent"] = new JsonObject { ["id"] = "not an iri" } }; return "$.context.contextActivities.parent.id"; }),
        new("context language is a tag", s => { Ctx(s)["language"] = "not a tag!"; return "$.context.language"; }),
        new("context statement is a StatementRef", s => { Ctx(s)["statement"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = "x" }; return "$.context.statement.id"; }),
        new("team is a Group", s => { Ctx(s)["team"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }; return "$.context.team.objectType"; }),
        new("instructor is an Agent", s => { Ctx(s)["instructor"] = new JsonObject { ["mbox"] = "a@example.org" }; return "$.context.instructor.mbox"; }),
        new("timestamp is a real date", s => { s["timestamp"] = "2026-13-01T00:00:00Z"; return "$.timestamp"; }),
        new("timestamp has a known offset", s => { s["timestamp"] = "2026-04-01T09:00:00-00:00"; return "$.timestamp"; }),
        new("timestamp has a time zone", s => { s["timestamp"] = "2026-04-01T09:00:00"; return "$.timestamp"; }),
        new("version is 1.0.x (or 2.0.x)", s => { s["version"] = "1.1.0"; return "$.version"; }),
        new("voiding object is a StatementRef", s => { s["verb"] = new JsonObject { ["id"] = XapiStatementValidator.VoidedVerb }; s["object"] = new JsonObject { ["id"] = "http://example.org/a" }; return "$.object.objectType"; }),
        new("attachments need sha2", s => { s["attachments"] = new JsonArray(new JsonObject { ["usageType"] = "http://example.org/u", ["display"] = new JsonObject { ["en"] = "a" }, ["contentType"] = "text/plain", ["length"] = 1, ["fileUrl"] = "https://example.org/f" }); return "$.attachments[0].sha2"; }),
        new("authority group has two members", s => { s["authority"] = new JsonObject { ["objectType"] = "Group", ["member"] = new JsonArray(new JsonObject { ["mbox"] = "mailto:a@example.org" }) }; return "$.authority.member"; }),
        new("contextAgents exist only in 2.0", s => { Ctx(s)["contextAgents"] = new JsonArray(); return "$.context.contextAgents"; }, Only103: true),
        new("contextAgent objectType is required", s => { Ctx(s)["contextAgents"] = new JsonArray(new JsonObject { ["agent"] = new JsonObject { ["mbox"] = "mailto:t@example.org" } }); return "$.context.contextAgents[0].objectType"; }, Only200: true),
        new("contextAgent relevantTypes are IRIs", s => { Ctx(s)["contextAgents"] = new JsonArray(new JsonObject { ["objectType"] = "contextAgent", ["agent"] = new JsonObject { ["mbox"] = "mailto:t@example.org" }, ["relevantTypes"] = new JsonArray("teacher") }); return "$.context.contextAgents[0].relevantTypes[0]"; }, Only200: true),
        new("contextAgent relevantTypes is not empty", s => { Ctx(s)["contextAgents"] = new JsonArray(new JsonObject { ["objectType"] = "contextAgent", ["agent"] = new JsonObject { ["mbox"] = "mailto:t@example.org" }, ["relevantTypes"] = new JsonArray() }); return "$.context.contextAgents[0].relevantTypes"; }, Only200: true),
        new("contextGroup group is a Group", s => { Ctx(s)["contextGroups"] = new JsonArray(new JsonObject { ["objectType"] = "contextGroup", ["group"] = new JsonObject { ["mbox"] = "mailto:g@example.org" } }); return "$.context.contextGroups[0].group.objectType"; }, Only200: true),
        new("attachment fileUrl is an IRI", s => { s["attachments"] = new JsonArray(Attachment(a => a["fileUrl"] = "file name")); return "$.attachments[0].fileUrl"; }),
        new("attachment length is a non-negative integer", s => { s["attachments"] = new JsonArray(Attachment(a => a["length"] = -3)); return "$.attachments[0].length"; }),
        new("attachment sha2 is hex SHA-2", s => { s["attachments"] = new JsonArray(Attachment(a => a["sha2"] = "abc")); return "$.attachments[0].sha2"; }),
        new("attachment display is a language map", s => { s["attachments"] = new JsonArray(Attachment(a => a["display"] = "report")); return "$.attachments[0].display"; }),
        new("attachment usageType is an IRI", s => { s["attachments"] = new JsonArray(Attachment(a => a["usageType"] = "report")); return "$.attachments[0].usageType"; }),
        new("attachments are an array", s => { s["attachments"] = new JsonObject(); return "$.attachments"; }),
        new("verb display is a language map", s => { s["verb"] = new JsonObject { ["id"] = Attempted, ["display"] = "attempted" }; return "$.verb.display"; }),
        new("score max is a number", s => { Res(s)["score"] = new JsonObject { ["max"] = "10" }; return "$.result.score.max"; }),
        new("SubStatement has no version", s => { s["object"] = new JsonObject { ["objectType"] = "SubStatement", ["version"] = "1.0.0", ["actor"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }, ["verb"] = new JsonObject { ["id"] = Attempted }, ["object"] = new JsonObject { ["id"] = "http://example.org/a" } }; return "$.object.version"; }),
        new("SubStatement has no authority", s => { s["object"] = new JsonObject { ["objectType"] = "SubStatement", ["authority"] = new JsonObject { ["mbox"] = "mailto:x@example.org" }, ["actor"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }, ["verb"] = new JsonObject { ["id"] = Attempted }, ["object"] = new JsonObject { ["id"] = "http://example.org/a" } }; return "$.object.authority"; }),
        new("SubStatement needs a verb", s => { s["object"] = new JsonObject { ["objectType"] = "SubStatement", ["actor"] = new JsonObject { ["mbox"] = "mailto:a@example.org" }, ["object"] = new JsonObject { ["id"] = "http://example.org/a" } }; return "$.object.verb"; }),
        new("version is a string", s => { s["version"] = 1.0; return "$.version"; }),
        new("stored is a timestamp", s => { s["stored"] = "yesterday"; return "$.stored"; }),
        new("authority has an IFI", s => { s["authority"] = new JsonObject { ["name"] = "nobody" }; return "$.authority"; }),
        new("group member is an array", s => { s["actor"] = new JsonObject { ["objectType"] = "Group", ["member"] = new JsonObject { ["mbox"] = "mailto:a@example.org" } }; return "$.actor.member"; }),
        new("account keys are case-sensitive", s => { s["actor"] = new JsonObject { ["account"] = new JsonObject { ["homePage"] = "https://lms.example.org", ["Name"] = "u", ["name"] = "u" } }; return "$.actor.account.Name"; }),
        new("agent name is a string", s => { s["actor"] = new JsonObject { ["name"] = 7, ["mbox"] = "mailto:a@example.org" }; return "$.actor.name"; }),
        new("an Agent object needs objectType", s => { s["object"] = new JsonObject { ["objectType"] = "Agent" }; return "$.object"; }),
        new("extensions are an object", s => { Res(s)["extensions"] = new JsonArray(); return "$.result.extensions"; }),
        new("contextActivities is an object", s => { Ctx(s)["contextActivities"] = new JsonArray(); return "$.context.contextActivities"; }),
        new("contextActivities entries are Activities", s => { Ctx(s)["contextActivities"] = new JsonObject { ["grouping"] = new JsonArray(new JsonObject { ["id"] = "http://example.org/g" }, new JsonObject()) }; return "$.context.contextActivities.grouping[1].id"; }),
        new("response is a string", s => { Res(s)["response"] = 5; return "$.result.response"; }),
        new("component lists need interactionType", s => { SetActivity(s, new JsonObject { ["choices"] = new JsonArray(new JsonObject { ["id"] = "a" }) }); return "$.object.definition.choices"; }),
        new("component keys are id and description", s => { SetActivity(s, new JsonObject { ["interactionType"] = "choice", ["choices"] = new JsonArray(new JsonObject { ["id"] = "a", ["name"] = new JsonObject { ["en"] = "A" } }) }); return "$.object.definition.choices[0].name"; }),
        new("moreInfo is an IRI", s => { SetActivity(s, new JsonObject { ["moreInfo"] = "www.example.org" }); return "$.object.definition.moreInfo"; }),
        new("definition name is a language map", s => { SetActivity(s, new JsonObject { ["name"] = "Course" }); return "$.object.definition.name"; }),
        new("StatementRef has no definition", s => { s["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = "6fbd600f-d17c-4c74-801a-2ec2e53231c7", ["definition"] = new JsonObject() }; return "$.object.definition"; }),
        new("no nulls in nested objects", s => { Ctx(s)["registration"] = null; return "$.context.registration"; }),
        new("team needs members when anonymous", s => { Ctx(s)["team"] = new JsonObject { ["objectType"] = "Group" }; return "$.context.team.member"; }),
        new("context revision is a string", s => { s["object"] = new JsonObject { ["id"] = "http://example.org/a" }; Ctx(s)["revision"] = 1; return "$.context.revision"; }),
        new("statement id is a string", s => { s["id"] = 12345; return "$.id"; }),
        new("timestamp has seconds", s => { s["timestamp"] = "2026-04-01T09:00Z"; return "$.timestamp"; }),
        new("duration has at least one component", s => { Res(s)["duration"] = "PT"; return "$.result.duration"; }),
    ];

    private static JsonObject Attachment(Action<JsonObject> change)
    {
        var a = new JsonObject
        {
            ["usageType"] = "http://example.org/usage", ["display"] = new JsonObject { ["en"] = "a" }, ["contentType"] = "text/plain",
            ["length"] = 1, ["sha2"] = new string('a', 64), ["fileUrl"] = "https://example.org/f",
        };
        change(a);
        return a;
    }
}
