using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Koumu.Interop.Schemas.Xapi;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>xAPI Data §2.2–2.4 and §4: the strict Statement validator, property-based (CsCheck).</summary>
public sealed class StatementValidatorTests
{
    private static IReadOnlyList<XapiProblem> Validate(JsonNode statement, XapiVersion version)
    {
        using var document = JsonDocument.Parse(statement.ToJsonString());
        return XapiStatementValidator.Validate(document.RootElement, version);
    }

    [Theory]
    [InlineData(XapiVersion.V103)]
    [InlineData(XapiVersion.V200)]
    public void Generated_valid_statements_pass(XapiVersion version) =>
        XapiSamples.Statement(version).Sample(statement =>
        {
            var problems = Validate(statement, version);
            Assert.True(problems.Count == 0, $"{statement.ToJsonString()}\n{string.Join("\n", problems)}");
        }, iter: 2000);

    [Theory]
    [InlineData(XapiVersion.V103)]
    [InlineData(XapiVersion.V200)]
    public void Every_rule_violation_fails_naming_its_path(XapiVersion version)
    {
        var mutations = XapiSamples.Mutations.Where(m => (!m.Only103 || version == XapiVersion.V103) && (!m.Only200 || version == XapiVersion.V200)).ToList();
        Gen.Select(XapiSamples.Statement(version), Gen.Int[0, mutations.Count - 1]).Sample((statement, index) =>
        {
            var mutation = mutations[index];
            var mutated = statement.DeepClone().AsObject();
            var path = mutation.Apply(mutated);
            var problems = Validate(mutated, version);
            Assert.True(problems.Any(p => p.Path == path),
                $"rule '{mutation.Rule}': expected a problem at {path}, got:\n{string.Join("\n", problems)}\n{mutated.ToJsonString()}");
        }, iter: 3000);
    }

    [Fact]
    public void Every_mutation_is_exercised_at_least_once_on_a_fixed_statement()
    {
        foreach (var mutation in XapiSamples.Mutations)
        {
            var statement = JsonNode.Parse("""{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attempted"},"object":{"id":"http://example.org/act"}}""")!.AsObject();
            var path = mutation.Apply(statement);
            Assert.Contains(Validate(statement, mutation.Only200 ? XapiVersion.V200 : XapiVersion.V103), p => p.Path == path);
        }
    }

    [Fact]
    public void Messages_name_the_path_first()
    {
        var problems = Validate(JsonNode.Parse("""{"actor":{"mbox":"a@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"}}""")!, XapiVersion.V103);
        Assert.Equal("$.actor.mbox: must start with mailto: and be an e-mail address (mailto:name@example.org)", Assert.Single(problems).ToString());
    }

    [Fact]
    public void Context_agents_are_valid_in_2_0_and_unknown_in_1_0_3()
    {
        var statement = JsonNode.Parse("""
            {"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"},
             "context":{"contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:t@example.org"},"relevantTypes":["http://x.org/t"]}],
                        "contextGroups":[{"objectType":"contextGroup","group":{"objectType":"Group","member":[{"mbox":"mailto:b@example.org"}]}}]}}
            """)!;
        Assert.Empty(Validate(statement, XapiVersion.V200));
        Assert.Contains(Validate(statement, XapiVersion.V103), p => p.Path == "$.context.contextAgents");
    }

    [Theory]
    [InlineData("1.0", true, XapiVersion.V103)]
    [InlineData("1.0.0", true, XapiVersion.V103)]
    [InlineData("1.0.3", true, XapiVersion.V103)]
    [InlineData("1.0.9", true, XapiVersion.V103)]
    [InlineData("2.0", true, XapiVersion.V200)]
    [InlineData("2.0.0", true, XapiVersion.V200)]
    [InlineData("1.1.0", false, XapiVersion.V103)]
    [InlineData("0.95", false, XapiVersion.V103)]
    [InlineData("2.1.0", false, XapiVersion.V103)]
    [InlineData("3.0", false, XapiVersion.V103)]
    [InlineData("", false, XapiVersion.V103)]
    [InlineData("1", false, XapiVersion.V103)]
    public void Version_header_negotiation(string header, bool accepted, XapiVersion expected)
    {
        Assert.Equal(accepted, XapiVersions.TryParseHeader(header, out var version));
        if (accepted) Assert.Equal(expected, version);
    }

    [Fact]
    public void Prepare_sets_the_lrs_fields_and_wraps_single_context_activities()
    {
        using var document = JsonDocument.Parse("""
            {"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"},
             "stored":"2000-01-01T00:00:00Z","authority":{"mbox":"mailto:forged@example.org"},
             "context":{"registration":"AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE","contextActivities":{"parent":{"id":"http://x.org/p"}}}}
            """);
        var authority = new JsonObject { ["objectType"] = "Agent", ["account"] = new JsonObject { ["homePage"] = "https://hub/xapi", ["name"] = "key" } };
        var stored = new DateTimeOffset(2026, 11, 24, 1, 2, 3, 456, TimeSpan.Zero);
        var prepared = XapiStatements.Prepare(document.RootElement, XapiVersion.V103, stored, authority);
        var json = JsonNode.Parse(prepared.Json)!;
        Assert.True(Guid.TryParse(json["id"]!.GetValue<string>(), out _));
        Assert.Equal("2026-11-24T01:02:03.456Z", json["stored"]!.GetValue<string>());
        Assert.Equal("2026-11-24T01:02:03.456Z", json["timestamp"]!.GetValue<string>());
        Assert.Equal("1.0.0", json["version"]!.GetValue<string>());
        Assert.Equal("key", json["authority"]!["account"]!["name"]!.GetValue<string>());
        Assert.IsType<JsonArray>(json["context"]!["contextActivities"]!["parent"]);
        Assert.Equal("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", prepared.Index.Registration);
        Assert.Contains("http://x.org/p", prepared.Index.RelatedActivities);
        Assert.Equal("mbox:mailto:a@example.org", prepared.Index.ActorIfi);
    }

    [Fact]
    public void The_same_statement_in_another_key_order_hashes_alike_and_a_changed_one_does_not()
    {
        static string Hash(string json) => XapiStatements.ContentHash(JsonNode.Parse(json)!.AsObject());
        var a = Hash("""{"actor":{"mbox":"mailto:a@example.org","name":"A"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"},"result":{"score":{"raw":1}}}""");
        var b = Hash("""{"object":{"id":"http://x.org/a"},"result":{"score":{"raw":1.0}},"verb":{"id":"http://x.org/v"},"actor":{"name":"A","mbox":"mailto:a@example.org"},"stored":"2020-01-01T00:00:00Z"}""");
        var c = Hash("""{"actor":{"mbox":"mailto:a@example.org","name":"B"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"},"result":{"score":{"raw":1}}}""");
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Ids_format_keeps_only_identifiers()
    {
        var ids = XapiStatements.IdsFormat(JsonNode.Parse("""
            {"id":"x","actor":{"objectType":"Agent","name":"A","mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v","display":{"en":"v"}},
             "object":{"objectType":"Activity","id":"http://x.org/a","definition":{"name":{"en":"n"}}},
             "context":{"team":{"objectType":"Group","name":"t","member":[{"name":"m","mbox":"mailto:m@example.org"}]}}}
            """)!.AsObject());
        Assert.Equal("""{"objectType":"Agent","mbox":"mailto:a@example.org"}""", ids["actor"]!.ToJsonString());
        Assert.Equal("""{"id":"http://x.org/v"}""", ids["verb"]!.ToJsonString());
        Assert.Equal("""{"objectType":"Activity","id":"http://x.org/a"}""", ids["object"]!.ToJsonString());
        Assert.Equal("""{"objectType":"Group","member":[{"mbox":"mailto:m@example.org"}]}""", ids["context"]!["team"]!.ToJsonString());
    }
}
