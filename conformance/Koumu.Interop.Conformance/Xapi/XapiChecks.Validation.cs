using System.Text.Json.Nodes;
using Koumu.Interop.Conformance.Rest;
using static Koumu.Interop.Conformance.Xapi.XapiAssertions;

namespace Koumu.Interop.Conformance.Xapi;

/// <summary>
/// Invalid Statements organised by the rule they break (D §2.2, §2.4, §4): each variant is a valid Statement with one
/// defect, POSTed alone, and must get 400. Every validation area is sampled, not enumerated (the ADL suite has ~1,000
/// such tests); the valid-but-unusual set guards against an LRS that passes by rejecting too much.
/// </summary>
internal sealed partial class XapiChecks
{
    private delegate void Defect(JsonObject statement, XapiChecks checks);

    private static JsonObject O(JsonNode s, string key) => (JsonObject)s[key]!;

    private static readonly Dictionary<AssertionDefinition, (string Name, Defect Apply)[]> ValidationCases = new()
    {
        [RejectRequired] =
        [
            ("no actor", (s, _) => s.Remove("actor")),
            ("no verb", (s, _) => s.Remove("verb")),
            ("no object", (s, _) => s.Remove("object")),
        ],
        [RejectUnknownKey] =
        [
            ("unknown top-level property", (s, _) => s["conformanceExtra"] = 1),
            ("unknown verb property", (s, _) => O(s, "verb")["conformanceExtra"] = "x"),
        ],
        [RejectKeyCase] =
        [
            ("actor property Name", (s, _) => { var a = O(s, "actor"); a.Remove("name"); a["Name"] = "x"; }),
            ("objectType agent (lower case)", (s, _) => O(s, "actor")["objectType"] = "agent"),
        ],
        [RejectNull] =
        [
            ("timestamp null", (s, _) => s["timestamp"] = null),
            ("result.response null", (s, _) => s["result"] = new JsonObject { ["response"] = null }),
        ],
        [RejectTypes] =
        [
            ("result.success \"true\"", (s, _) => s["result"] = new JsonObject { ["success"] = "true" }),
            ("score.raw \"1\"", (s, _) => s["result"] = new JsonObject { ["score"] = new JsonObject { ["raw"] = "1" } }),
        ],
        [RejectIfi] =
        [
            ("Agent without IFI", (s, _) => O(s, "actor").Remove("mbox")),
            ("Agent with mbox and openid", (s, _) => O(s, "actor")["openid"] = "https://openid.example/conformance"),
        ],
        [RejectMbox] =
        [
            ("mbox without mailto:", (s, _) => O(s, "actor")["mbox"] = "learner@conformance.koumu.example"),
            ("mbox an http IRI", (s, _) => O(s, "actor")["mbox"] = "https://conformance.koumu.example/learner"),
        ],
        [RejectAccount] =
        [
            ("account without name", (s, _) => Account(s, new JsonObject { ["homePage"] = "https://school.example" })),
            ("account without homePage", (s, _) => Account(s, new JsonObject { ["name"] = "s001" })),
            ("account homePage not an IRL", (s, _) => Account(s, new JsonObject { ["homePage"] = "school", ["name"] = "s001" })),
        ],
        [RejectGroup] =
        [
            ("anonymous Group without member", (s, _) => s["actor"] = new JsonObject { ["objectType"] = "Group", ["name"] = "class" }),
            ("Group member that is a Group", (s, c) => s["actor"] = new JsonObject
            {
                ["objectType"] = "Group",
                ["member"] = new JsonArray(new JsonObject { ["objectType"] = "Group", ["mbox"] = c.Mbox("inner-group") }),
            }),
        ],
        [RejectIri] =
        [
            ("verb id without scheme", (s, _) => O(s, "verb")["id"] = "tried"),
            ("Activity id without scheme", (s, _) => O(s, "object")["id"] = "activity one"),
        ],
        [RejectUuid] =
        [
            ("id not a UUID", (s, _) => s["id"] = "conformance-not-a-uuid"),
            ("registration not a UUID", (s, _) => s["context"] = new JsonObject { ["registration"] = "1234" }),
        ],
        [RejectTimestamp] =
        [
            ("timestamp month 13", (s, _) => s["timestamp"] = "2026-13-45T00:00:00Z"),
            ("timestamp free text", (s, _) => s["timestamp"] = "yesterday"),
        ],
        [RejectDuration] =
        [
            ("duration P4W1D", (s, _) => s["result"] = new JsonObject { ["duration"] = "P4W1D" }),
            ("duration free text", (s, _) => s["result"] = new JsonObject { ["duration"] = "1 hour" }),
        ],
        [RejectLanguageMap] =
        [
            ("language tag with spaces", (s, _) => O(s, "verb")["display"] = new JsonObject { ["not a language tag"] = "x" }),
            ("language map value a number", (s, _) => O(s, "verb")["display"] = new JsonObject { ["en-US"] = 5 }),
        ],
        [RejectScore] =
        [
            ("scaled 1.5", (s, _) => s["result"] = new JsonObject { ["score"] = new JsonObject { ["scaled"] = 1.5 } }),
            ("raw above max", (s, _) => s["result"] = new JsonObject { ["score"] = new JsonObject { ["raw"] = 11, ["min"] = 0, ["max"] = 10 } }),
            ("min above max", (s, _) => s["result"] = new JsonObject { ["score"] = new JsonObject { ["min"] = 5, ["max"] = 1 } }),
        ],
        [RejectSubStatement] =
        [
            ("SubStatement with id", (s, c) => s["object"] = c.Sub(sub => sub["id"] = NewId())),
            ("SubStatement with stored", (s, c) => s["object"] = c.Sub(sub => sub["stored"] = "2026-01-01T00:00:00Z")),
            ("nested SubStatement", (s, c) => s["object"] = c.Sub(sub => sub["object"] = c.Sub(_ => { }))),
        ],
        [RejectStatementRef] =
        [
            ("StatementRef id not a UUID", (s, _) => s["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = "nope" }),
            ("voiding an Activity", (s, _) => O(s, "verb")["id"] = VoidedVerb),
        ],
        [RejectContext] =
        [
            ("revision with an Agent object", (s, c) => { s["object"] = c.Agent("object"); s["context"] = new JsonObject { ["revision"] = "1" }; }),
            ("platform with an Agent object", (s, c) => { s["object"] = c.Agent("object"); s["context"] = new JsonObject { ["platform"] = "web" }; }),
            ("contextActivities key sibling", (s, c) => s["context"] = new JsonObject
            {
                ["contextActivities"] = new JsonObject { ["sibling"] = new JsonArray(new JsonObject { ["id"] = c.Activity("sibling") }) },
            }),
        ],
        [RejectInteraction] =
        [
            ("interactionType multiple-choice", (s, _) => O(O(s, "object"), "definition")["interactionType"] = "multiple-choice"),
            ("interactionType Choice", (s, _) => O(O(s, "object"), "definition")["interactionType"] = "Choice"),
        ],
        [RejectExtensionKey] =
        [
            ("extension key not an IRI", (s, _) => s["context"] = new JsonObject { ["extensions"] = new JsonObject { ["not an iri"] = 1 } }),
        ],
        [RejectStatementVersion] =
        [
            ("version 0.9.5", (s, _) => s["version"] = "0.9.5"),
            ("version 3.0.0", (s, _) => s["version"] = "3.0.0"),
        ],
    };

    private static void Account(JsonObject s, JsonObject account)
    {
        var actor = O(s, "actor");
        actor.Remove("mbox");
        actor["account"] = account;
    }

    private JsonObject Sub(Action<JsonObject> edit)
    {
        var sub = Statement("sub", "sub", ActivityObject("sub"));
        sub["objectType"] = "SubStatement";
        edit(sub);
        return sub;
    }

    /// <summary>Valid Statements an over-strict LRS would refuse (each names what it exercises).</summary>
    private IEnumerable<(string Name, JsonObject Statement)> ValidVariants()
    {
        JsonObject V(Action<JsonObject> edit)
        {
            var s = Statement("valid", "valid", ActivityObject("valid"), NewId());
            edit(s);
            return s;
        }
        yield return ("null inside extensions", V(s => s["context"] = new JsonObject { ["extensions"] = new JsonObject { [_ns + "ext/nothing"] = null } }));
        yield return ("future timestamp", V(s => s["timestamp"] = "2099-12-31T23:59:59.999Z"));
        yield return ("fractional duration", V(s => s["result"] = new JsonObject { ["duration"] = "PT1.25S", ["score"] = new JsonObject { ["scaled"] = -1, ["raw"] = 0, ["min"] = 0, ["max"] = 10 } }));
        yield return ("language tag with script and region", V(s => O(s, "verb")["display"] = new JsonObject { ["zh-Hant-TW"] = "嘗試", ["ja-JP"] = "試した" }));
        yield return ("timestamp with +09:00 offset", V(s => s["timestamp"] = "2026-04-01T09:00:00+09:00"));
        yield return ("SubStatement object", V(s => s["object"] = Sub(_ => { })));
        yield return ("anonymous Group actor", V(s => s["actor"] = new JsonObject { ["objectType"] = "Group", ["member"] = new JsonArray(Agent("m1"), Agent("m2")) }));
        yield return ("account IFI", V(s => Account(s, new JsonObject { ["homePage"] = "https://school.example", ["name"] = "s-" + _runId })));
        yield return ("StatementRef object", V(s => s["object"] = new JsonObject { ["objectType"] = "StatementRef", ["id"] = NewId() }));
    }

    private async Task CheckValidationAsync(CancellationToken ct)
    {
        foreach (var (assertion, cases) in ValidationCases)
        {
            if (!Selected(assertion)) continue;
            var accepted = new List<RestResponse>();
            var names = new List<string>();
            foreach (var (name, apply) in cases)
            {
                var s = Statement("invalid", "invalid", ActivityObject("invalid"), NewId());
                O(O(s, "object"), "definition")["type"] = "http://adlnet.gov/expapi/activities/assessment";
                apply(s, this);
                var r = await PostStatements(s, ct);
                if (r.Status != 400) { accepted.Add(r); names.Add($"{name}: {Describe(r)}"); }
            }
            Record(assertion, accepted.Count == 0 ? Verdict.Pass($"{cases.Length} invalid Statements, each rejected with 400.")
                : Verdict.Fail($"{accepted.Count} of {cases.Length} invalid Statements were not rejected with 400 ({string.Join("; ", names)}).", names, accepted));
        }
        if (Selected(ValidAccepted))
        {
            var refused = new List<RestResponse>();
            var names = new List<string>();
            foreach (var (name, statement) in ValidVariants())
            {
                var r = await PostStatements(statement, ct);
                if (r.Status != 200) { refused.Add(r); names.Add($"{name}: {Describe(r)}"); }
            }
            Record(ValidAccepted, refused.Count == 0 ? Verdict.Pass() : Verdict.Fail($"Valid Statements were refused ({string.Join("; ", names)}).", names, refused));
        }
    }
}
