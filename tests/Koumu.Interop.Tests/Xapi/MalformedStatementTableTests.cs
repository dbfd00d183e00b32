using System.Text.Json;
using Koumu.Interop.Schemas.Xapi;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>
/// Hand-written malformed Statements, one rule each (xapi.md §1.6; D §2.2 Formatting, §2.4 Statement properties, §4
/// special data types): each must be rejected with a problem at the given JSON path.
/// </summary>
public sealed class MalformedStatementTableTests
{
    private const string A = """{"mbox":"mailto:a@example.org"}""";
    private const string V = """{"id":"http://adlnet.gov/expapi/verbs/attempted"}""";
    private const string O = """{"id":"http://example.org/act"}""";
    private const string Sub = """{"objectType":"SubStatement","actor":{"mbox":"mailto:s@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"}""";

    /// <summary>A Statement from its parts; <paramref name="extra"/> is appended as further top-level properties.</summary>
    private static string S(string actor = A, string verb = V, string obj = O, string extra = "") =>
        "{\"actor\":" + actor + ",\"verb\":" + verb + ",\"object\":" + obj + (extra.Length > 0 ? "," + extra : "") + "}";

    private static string Def(string definition) => S(obj: "{\"id\":\"http://example.org/act\",\"definition\":{" + definition + "}}");

    private static string Ctx(string context, string obj = O) => S(obj: obj, extra: "\"context\":{" + context + "}");

    private static string Res(string result) => S(extra: "\"result\":{" + result + "}");

    public static TheoryData<string, string, string> Cases => new()
    {
        // Structure (D §2.2, §2.4)
        { "1.0.3", "$.actor", """{"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"}}""" },
        { "1.0.3", "$.verb", """{"actor":{"mbox":"mailto:a@example.org"},"object":{"id":"http://x.org/a"}}""" },
        { "1.0.3", "$.object", """{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v"}}""" },
        { "1.0.3", "$.foo", S(extra: "\"foo\":\"bar\"") },
        { "1.0.3", "$.Verb", """{"actor":{"mbox":"mailto:a@example.org"},"Verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"}}""" },
        { "1.0.3", "$.actor", """{"actor":{"mbox":"mailto:a@example.org"},"actor":{"mbox":"mailto:b@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"}}""" },
        { "1.0.3", "$.result", S(extra: "\"result\":null") },
        { "1.0.3", "$.context", S(extra: "\"context\":null") },
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":null") },
        { "1.0.3", "$.actor", S(actor: "null") },
        { "1.0.3", "$.actor", S(actor: "\"mailto:a@example.org\"") },
        { "1.0.3", "$.actor", S(actor: "[]") },
        { "1.0.3", "$.verb", S(verb: "\"http://x.org/v\"") },
        { "1.0.3", "$.object", S(obj: "\"http://x.org/a\"") },
        { "1.0.3", "$.id", S(extra: "\"id\":\"abc\"") },
        { "1.0.3", "$.id", S(extra: "\"id\":12345") },
        { "1.0.3", "$.id", S(extra: "\"id\":\"6fbd600f-d17c-4c74-801a-2ec2e53231c\"") },
        { "1.0.3", "$.id", S(extra: "\"id\":\"{6fbd600f-d17c-4c74-801a-2ec2e53231c7}\"") },
        { "1.0.3", "$.stored", S(extra: "\"stored\":\"yesterday\"") },
        { "1.0.3", "$.attachments", S(extra: "\"attachments\":{}") },
        // Actor (D §2.4.2)
        { "1.0.3", "$.actor.mbox", S(actor: """{"mbox":"a@example.org"}""") },
        { "1.0.3", "$.actor.mbox", S(actor: """{"mbox":"MAILTO:a@example.org"}""") },
        { "1.0.3", "$.actor.mbox", S(actor: """{"mbox":"mailto:"}""") },
        { "1.0.3", "$.actor.mbox", S(actor: """{"mbox":"mailto:no-at-sign"}""") },
        { "1.0.3", "$.actor.mbox", S(actor: """{"mbox":["mailto:a@example.org"]}""") },
        { "1.0.3", "$.actor.mbox_sha1sum", S(actor: """{"mbox_sha1sum":"abc"}""") },
        { "1.0.3", "$.actor.mbox_sha1sum", S(actor: """{"mbox_sha1sum":"zz9f7c6e0ca5a1b6cbd5f3a5d3b5e0d6f8c9a0b1"}""") },
        { "1.0.3", "$.actor.openid", S(actor: """{"openid":"example.org/me"}""") },
        { "1.0.3", "$.actor.openid", S(actor: """{"openid":"http://example.org/me me"}""") },
        { "1.0.3", "$.actor.account.homePage", S(actor: """{"account":{"name":"u"}}""") },
        { "1.0.3", "$.actor.account.name", S(actor: """{"account":{"homePage":"http://lms.example.org"}}""") },
        { "1.0.3", "$.actor.account.homePage", S(actor: """{"account":{"homePage":"lms","name":"u"}}""") },
        { "1.0.3", "$.actor.account.name", S(actor: """{"account":{"homePage":"http://lms.example.org","name":5}}""") },
        { "1.0.3", "$.actor.account.Name", S(actor: """{"account":{"homePage":"http://lms.example.org","Name":"u","name":"u"}}""") },
        { "1.0.3", "$.actor.account", S(actor: """{"account":"http://lms.example.org/u"}""") },
        { "1.0.3", "$.actor", S(actor: """{"name":"no ifi"}""") },
        { "1.0.3", "$.actor", S(actor: """{"objectType":"Agent"}""") },
        { "1.0.3", "$.actor", S(actor: """{"mbox":"mailto:a@example.org","mbox_sha1sum":"f427d80dc332a166bf5f160ec15f009ce7e68c4c"}""") },
        { "1.0.3", "$.actor", S(actor: """{"mbox":"mailto:a@example.org","account":{"homePage":"http://x.org","name":"u"}}""") },
        { "1.0.3", "$.actor", S(actor: """{"openid":"http://x.org/u","account":{"homePage":"http://x.org","name":"u"}}""") },
        { "1.0.3", "$.actor.objectType", S(actor: """{"objectType":"agent","mbox":"mailto:a@example.org"}""") },
        { "1.0.3", "$.actor.objectType", S(actor: """{"objectType":"Person","mbox":"mailto:a@example.org"}""") },
        { "1.0.3", "$.actor.name", S(actor: """{"name":7,"mbox":"mailto:a@example.org"}""") },
        { "1.0.3", "$.actor.member", S(actor: """{"objectType":"Agent","mbox":"mailto:a@example.org","member":[]}""") },
        { "1.0.3", "$.actor.member", S(actor: """{"objectType":"Group","name":"anonymous"}""") },
        { "1.0.3", "$.actor.member", S(actor: """{"objectType":"Group","member":[]}""") },
        { "1.0.3", "$.actor.member", S(actor: """{"objectType":"Group","member":{"mbox":"mailto:a@example.org"}}""") },
        { "1.0.3", "$.actor.member[0].objectType", S(actor: """{"objectType":"Group","member":[{"objectType":"Group","mbox":"mailto:g@example.org"}]}""") },
        { "1.0.3", "$.actor.member[1]", S(actor: """{"objectType":"Group","member":[{"mbox":"mailto:a@example.org"},{"name":"x"}]}""") },
        { "1.0.3", "$.actor", S(actor: """{"objectType":"Group","mbox":"mailto:g@example.org","openid":"http://x.org/g"}""") },
        { "1.0.3", "$.actor.objectType", S(actor: """{"objectType":"group","member":[{"mbox":"mailto:a@example.org"}]}""") },
        // Verb (D §2.4.3)
        { "1.0.3", "$.verb.id", S(verb: """{"display":{"en-US":"attempted"}}""") },
        { "1.0.3", "$.verb.id", S(verb: """{"id":"attempted"}""") },
        { "1.0.3", "$.verb.id", S(verb: """{"id":""}""") },
        { "1.0.3", "$.verb.id", S(verb: """{"id":42}""") },
        { "1.0.3", "$.verb.display", S(verb: """{"id":"http://x.org/v","display":"attempted"}""") },
        { "1.0.3", "$.verb.display['en-US']", S(verb: """{"id":"http://x.org/v","display":{"en-US":null}}""") },
        { "1.0.3", "$.verb.display['en-US']", S(verb: """{"id":"http://x.org/v","display":{"en-US":["a"]}}""") },
        { "1.0.3", "$.verb.display.english", S(verb: """{"id":"http://x.org/v","display":{"english":"a"}}""") },
        { "1.0.3", "$.verb.display.en_US", S(verb: """{"id":"http://x.org/v","display":{"en_US":"a"}}""") },
        { "1.0.3", "$.verb.display['']", S(verb: """{"id":"http://x.org/v","display":{"":"a"}}""") },
        { "1.0.3", "$.verb.Display", S(verb: """{"id":"http://x.org/v","Display":{"en":"a"}}""") },
        // Object (D §2.4.4)
        { "1.0.3", "$.object.id", S(obj: """{"objectType":"Activity"}""") },
        { "1.0.3", "$.object.id", S(obj: """{"id":"act-1"}""") },
        { "1.0.3", "$.object.objectType", S(obj: """{"objectType":"activity","id":"http://x.org/a"}""") },
        { "1.0.3", "$.object.objectType", S(obj: """{"objectType":"Course","id":"http://x.org/a"}""") },
        { "1.0.3", "$.object.objectType", S(obj: """{"objectType":1,"id":"http://x.org/a"}""") },
        { "1.0.3", "$.object.mbox", S(obj: """{"mbox":"mailto:a@example.org"}""") },
        { "1.0.3", "$.object.definition", S(obj: """{"id":"http://x.org/a","definition":"a course"}""") },
        { "1.0.3", "$.object.definition.name", S(obj: """{"id":"http://x.org/a","definition":{"name":"Course"}}""") },
        { "1.0.3", "$.object.definition.type", Def("\"type\":\"course\"") },
        { "1.0.3", "$.object.definition.moreInfo", Def("\"moreInfo\":\"www.example.org\"") },
        { "1.0.3", "$.object.definition.interactionType", Def("\"interactionType\":\"Choice\"") },
        { "1.0.3", "$.object.definition.interactionType", Def("\"interactionType\":\"essay\"") },
        { "1.0.3", "$.object.definition.correctResponsesPattern", Def("\"correctResponsesPattern\":[\"a\"]") },
        { "1.0.3", "$.object.definition.correctResponsesPattern", Def("\"interactionType\":\"choice\",\"correctResponsesPattern\":\"a\"") },
        { "1.0.3", "$.object.definition.correctResponsesPattern[0]", Def("\"interactionType\":\"numeric\",\"correctResponsesPattern\":[4]") },
        { "1.0.3", "$.object.definition.choices", Def("\"choices\":[{\"id\":\"a\"}]") },
        { "1.0.3", "$.object.definition.choices", Def("\"interactionType\":\"likert\",\"choices\":[{\"id\":\"a\"}]") },
        { "1.0.3", "$.object.definition.scale", Def("\"interactionType\":\"choice\",\"scale\":[{\"id\":\"a\"}]") },
        { "1.0.3", "$.object.definition.steps", Def("\"interactionType\":\"true-false\",\"steps\":[{\"id\":\"a\"}]") },
        { "1.0.3", "$.object.definition.source", Def("\"interactionType\":\"performance\",\"source\":[{\"id\":\"a\"}]") },
        { "1.0.3", "$.object.definition.choices[1].id", Def("\"interactionType\":\"choice\",\"choices\":[{\"id\":\"a\"},{\"id\":\"a\"}]") },
        { "1.0.3", "$.object.definition.choices[0].id", Def("\"interactionType\":\"choice\",\"choices\":[{\"description\":{\"en\":\"a\"}}]") },
        { "1.0.3", "$.object.definition.choices[0].description", Def("\"interactionType\":\"choice\",\"choices\":[{\"id\":\"a\",\"description\":\"A\"}]") },
        { "1.0.3", "$.object.definition.choices[0].name", Def("\"interactionType\":\"choice\",\"choices\":[{\"id\":\"a\",\"name\":{\"en\":\"A\"}}]") },
        { "1.0.3", "$.object.definition.extensions.grade", Def("\"extensions\":{\"grade\":3}") },
        { "1.0.3", "$.object.definition.extensions", Def("\"extensions\":[]") },
        { "1.0.3", "$.object.id", S(obj: """{"objectType":"StatementRef","id":"x"}""") },
        { "1.0.3", "$.object.id", S(obj: """{"objectType":"StatementRef"}""") },
        { "1.0.3", "$.object.definition", S(obj: """{"objectType":"StatementRef","id":"6fbd600f-d17c-4c74-801a-2ec2e53231c7","definition":{}}""") },
        { "1.0.3", "$.object.objectType", S(obj: """{"mbox":"mailto:b@example.org","objectType":"agent"}""") },
        { "1.0.3", "$.object", S(obj: """{"objectType":"Agent","name":"no ifi"}""") },
        { "1.0.3", "$.object.member", S(obj: """{"objectType":"Group"}""") },
        { "1.0.3", "$.object.id", S(obj: Sub + ",\"id\":\"6fbd600f-d17c-4c74-801a-2ec2e53231c7\"}") },
        { "1.0.3", "$.object.stored", S(obj: Sub + ",\"stored\":\"2026-01-01T00:00:00Z\"}") },
        { "1.0.3", "$.object.version", S(obj: Sub + ",\"version\":\"1.0.0\"}") },
        { "1.0.3", "$.object.authority", S(obj: Sub + ",\"authority\":{\"mbox\":\"mailto:x@example.org\"}}") },
        { "1.0.3", "$.object.actor", S(obj: """{"objectType":"SubStatement","verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"}}""") },
        { "1.0.3", "$.object.object.objectType", S(obj: """{"objectType":"SubStatement","actor":{"mbox":"mailto:s@example.org"},"verb":{"id":"http://x.org/v"},"object":""" + Sub + "}}") },
        { "1.0.3", "$.object.verb.id", S(obj: """{"objectType":"SubStatement","actor":{"mbox":"mailto:s@example.org"},"verb":{"id":"v"},"object":{"id":"http://x.org/a"}}""") },
        { "1.0.3", "$.object.context.revision", S(obj: """{"objectType":"SubStatement","actor":{"mbox":"mailto:s@example.org"},"verb":{"id":"http://x.org/v"},"object":{"objectType":"Agent","mbox":"mailto:b@example.org"},"context":{"revision":"1"}}""") },
        // Result (D §2.4.5)
        { "1.0.3", "$.result.score.scaled", Res("\"score\":{\"scaled\":1.01}") },
        { "1.0.3", "$.result.score.scaled", Res("\"score\":{\"scaled\":-1.5}") },
        { "1.0.3", "$.result.score.raw", Res("\"score\":{\"raw\":11,\"min\":0,\"max\":10}") },
        { "1.0.3", "$.result.score.raw", Res("\"score\":{\"raw\":-1,\"min\":0}") },
        { "1.0.3", "$.result.score.min", Res("\"score\":{\"min\":10,\"max\":1}") },
        { "1.0.3", "$.result.score.min", Res("\"score\":{\"min\":3,\"max\":3}") },
        { "1.0.3", "$.result.score.raw", Res("\"score\":{\"raw\":\"5\"}") },
        { "1.0.3", "$.result.score.scaled", Res("\"score\":{\"scaled\":true}") },
        { "1.0.3", "$.result.score.Raw", Res("\"score\":{\"Raw\":5}") },
        { "1.0.3", "$.result.score", Res("\"score\":5") },
        { "1.0.3", "$.result.success", Res("\"success\":\"true\"") },
        { "1.0.3", "$.result.success", Res("\"success\":1") },
        { "1.0.3", "$.result.completion", Res("\"completion\":\"false\"") },
        { "1.0.3", "$.result.response", Res("\"response\":5") },
        { "1.0.3", "$.result.duration", Res("\"duration\":\"P4W1D\"") },
        { "1.0.3", "$.result.duration", Res("\"duration\":\"PT\"") },
        { "1.0.3", "$.result.duration", Res("\"duration\":\"P\"") },
        { "1.0.3", "$.result.duration", Res("\"duration\":\"1H\"") },
        { "1.0.3", "$.result.duration", Res("\"duration\":\"PT1H2S3M\"") },
        { "1.0.3", "$.result.duration", Res("\"duration\":3600") },
        { "1.0.3", "$.result.extensions['not an iri']", Res("\"extensions\":{\"not an iri\":1}") },
        { "1.0.3", "$.result.extensions", Res("\"extensions\":\"x\"") },
        // Context (D §2.4.6)
        { "1.0.3", "$.context.registration", Ctx("\"registration\":\"reg-1\"") },
        { "1.0.3", "$.context.registration", Ctx("\"registration\":5") },
        { "1.0.3", "$.context.revision", Ctx("\"revision\":\"1\"", obj: """{"objectType":"Agent","mbox":"mailto:b@example.org"}""") },
        { "1.0.3", "$.context.platform", Ctx("\"platform\":\"x\"", obj: """{"objectType":"StatementRef","id":"6fbd600f-d17c-4c74-801a-2ec2e53231c7"}""") },
        { "1.0.3", "$.context.revision", Ctx("\"revision\":\"1\"", obj: Sub + "}") },
        { "1.0.3", "$.context.revision", Ctx("\"revision\":1") },
        { "1.0.3", "$.context.language", Ctx("\"language\":\"Japanese\"") },
        { "1.0.3", "$.context.language", Ctx("\"language\":\"ja_JP\"") },
        { "1.0.3", "$.context.instructor.mbox", Ctx("\"instructor\":{\"mbox\":\"t@example.org\"}") },
        { "1.0.3", "$.context.team.objectType", Ctx("\"team\":{\"mbox\":\"mailto:t@example.org\"}") },
        { "1.0.3", "$.context.team.member", Ctx("\"team\":{\"objectType\":\"Group\"}") },
        { "1.0.3", "$.context.contextActivities.parents", Ctx("\"contextActivities\":{\"parents\":[]}") },
        { "1.0.3", "$.context.contextActivities.Parent", Ctx("\"contextActivities\":{\"Parent\":[]}") },
        { "1.0.3", "$.context.contextActivities.parent.id", Ctx("\"contextActivities\":{\"parent\":{\"id\":\"p\"}}") },
        { "1.0.3", "$.context.contextActivities.grouping[1].id", Ctx("\"contextActivities\":{\"grouping\":[{\"id\":\"http://x.org/g\"},{}]}") },
        { "1.0.3", "$.context.contextActivities.other", Ctx("\"contextActivities\":{\"other\":\"http://x.org/o\"}") },
        { "1.0.3", "$.context.contextActivities", Ctx("\"contextActivities\":[]") },
        { "1.0.3", "$.context.statement.objectType", Ctx("\"statement\":{\"id\":\"6fbd600f-d17c-4c74-801a-2ec2e53231c7\"}") },
        { "1.0.3", "$.context.statement.id", Ctx("\"statement\":{\"objectType\":\"StatementRef\",\"id\":\"1\"}") },
        { "1.0.3", "$.context.extensions.foo", Ctx("\"extensions\":{\"foo\":null}") },
        { "1.0.3", "$.context.contextAgents", Ctx("\"contextAgents\":[]") },
        { "2.0.0", "$.context.contextAgents[0].objectType", Ctx("\"contextAgents\":[{\"agent\":{\"mbox\":\"mailto:t@example.org\"}}]") },
        { "2.0.0", "$.context.contextAgents[0].agent", Ctx("\"contextAgents\":[{\"objectType\":\"contextAgent\"}]") },
        { "2.0.0", "$.context.contextAgents[0].relevantTypes", Ctx("\"contextAgents\":[{\"objectType\":\"contextAgent\",\"agent\":{\"mbox\":\"mailto:t@example.org\"},\"relevantTypes\":[]}]") },
        { "2.0.0", "$.context.contextAgents[0].relevantTypes[0]", Ctx("\"contextAgents\":[{\"objectType\":\"contextAgent\",\"agent\":{\"mbox\":\"mailto:t@example.org\"},\"relevantTypes\":[\"teacher\"]}]") },
        { "2.0.0", "$.context.contextGroups[0].group.objectType", Ctx("\"contextGroups\":[{\"objectType\":\"contextGroup\",\"group\":{\"mbox\":\"mailto:t@example.org\"}}]") },
        { "2.0.0", "$.context.contextGroups", Ctx("\"contextGroups\":{}") },
        // Timestamps, versions, voiding, authority, attachments (D §2.3, 2.4.7–2.4.11, §4.5)
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":\"2026-13-01T00:00:00Z\"") },
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":\"2026-02-30T00:00:00Z\"") },
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":\"2026-04-01T09:00:00-00:00\"") },
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":\"2026-04-01T09:00:00-0000\"") },
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":\"2026-04-01T09:00:00-00\"") },
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":\"2026-04-01 09:00:00Z\"") },
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":\"2026-04-01\"") },
        { "1.0.3", "$.timestamp", S(extra: "\"timestamp\":1700000000") },
        { "1.0.3", "$.version", S(extra: "\"version\":\"1.1.0\"") },
        { "1.0.3", "$.version", S(extra: "\"version\":\"2.0.0\"") },
        { "2.0.0", "$.version", S(extra: "\"version\":\"3.0.0\"") },
        { "1.0.3", "$.version", S(extra: "\"version\":1.0") },
        { "1.0.3", "$.object.objectType", S(verb: """{"id":"http://adlnet.gov/expapi/verbs/voided"}""") },
        { "1.0.3", "$.object.objectType", S(verb: """{"id":"http://adlnet.gov/expapi/verbs/voided"}""", obj: """{"objectType":"Agent","mbox":"mailto:b@example.org"}""") },
        { "1.0.3", "$.authority.member", S(extra: "\"authority\":{\"objectType\":\"Group\",\"member\":[{\"mbox\":\"mailto:a@example.org\"}]}") },
        { "1.0.3", "$.authority.mbox", S(extra: "\"authority\":{\"mbox\":\"a@example.org\"}") },
        { "1.0.3", "$.attachments[0].usageType", S(extra: "\"attachments\":[{\"display\":{\"en\":\"a\"},\"contentType\":\"text/plain\",\"length\":1,\"sha2\":\"" + new string('a', 64) + "\"}]") },
        { "1.0.3", "$.attachments[0].length", S(extra: "\"attachments\":[{\"usageType\":\"http://x.org/u\",\"display\":{\"en\":\"a\"},\"contentType\":\"text/plain\",\"length\":-1,\"sha2\":\"" + new string('a', 64) + "\"}]") },
        { "1.0.3", "$.attachments[0].length", S(extra: "\"attachments\":[{\"usageType\":\"http://x.org/u\",\"display\":{\"en\":\"a\"},\"contentType\":\"text/plain\",\"length\":1.5,\"sha2\":\"" + new string('a', 64) + "\"}]") },
        { "1.0.3", "$.attachments[0].sha2", S(extra: "\"attachments\":[{\"usageType\":\"http://x.org/u\",\"display\":{\"en\":\"a\"},\"contentType\":\"text/plain\",\"length\":1,\"sha2\":\"xyz\"}]") },
        { "1.0.3", "$.attachments[0].display", S(extra: "\"attachments\":[{\"usageType\":\"http://x.org/u\",\"contentType\":\"text/plain\",\"length\":1,\"sha2\":\"" + new string('a', 64) + "\"}]") },
        { "1.0.3", "$.attachments[0].fileUrl", S(extra: "\"attachments\":[{\"usageType\":\"http://x.org/u\",\"display\":{\"en\":\"a\"},\"contentType\":\"text/plain\",\"length\":1,\"sha2\":\"" + new string('a', 64) + "\",\"fileUrl\":\"file name\"}]") },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Malformed_statement_is_rejected_naming_the_path(string version, string path, string json)
    {
        using var document = JsonDocument.Parse(json);
        var problems = XapiStatementValidator.Validate(document.RootElement, version == "2.0.0" ? XapiVersion.V200 : XapiVersion.V103);
        Assert.True(problems.Any(p => p.Path == path), $"expected a problem at {path}, got:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public void The_table_has_at_least_100_cases() => Assert.True(Cases.Count >= 100, $"{Cases.Count} cases");
}
