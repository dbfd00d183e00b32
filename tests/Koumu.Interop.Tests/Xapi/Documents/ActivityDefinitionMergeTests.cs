using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Xapi;
using Koumu.Interop.Storage.Xapi;

namespace Koumu.Interop.Tests.Xapi.Documents;

/// <summary>The merge rules of canonical Activity definitions (C §2.5) and of JSON documents (C §2.2.s7), as pure functions.</summary>
public sealed class ActivityDefinitionMergeTests
{
    private static JsonObject O(string json) => JsonNode.Parse(json)!.AsObject();

    private static void Same(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual.ToJsonString()}");

    [Fact]
    public void Language_maps_and_extensions_merge_per_key_and_other_properties_are_replaced()
    {
        var older = O("""{"name":{"en":"Old","fr":"Vieux"},"extensions":{"http://x/a":1,"http://x/b":{"k":1}},"type":"http://x/t1","moreInfo":"http://x/m"}""");
        var newer = O("""{"name":{"en":"New","ja":"新"},"extensions":{"http://x/b":{"j":2}},"type":"http://x/t2"}""");
        Same("""{"name":{"en":"New","fr":"Vieux","ja":"新"},"extensions":{"http://x/a":1,"http://x/b":{"j":2}},"type":"http://x/t2","moreInfo":"http://x/m"}""",
            XapiActivityDefinitions.Merge(older, newer));
        // Inputs are left as they were.
        Same("""{"en":"Old","fr":"Vieux"}""", older["name"]!);
    }

    [Fact]
    public void Interaction_components_follow_the_newer_list_and_merge_descriptions_by_id()
    {
        var older = O("""{"interactionType":"choice","correctResponsesPattern":["a"],"choices":[{"id":"a","description":{"en":"A","fr":"A-fr"}},{"id":"gone","description":{"en":"G"}}]}""");
        var newer = O("""{"interactionType":"choice","choices":[{"id":"b","description":{"en":"B"}},{"id":"a","description":{"en":"A2"}}]}""");
        Same("""{"interactionType":"choice","correctResponsesPattern":["a"],"choices":[{"id":"b","description":{"en":"B"}},{"id":"a","description":{"en":"A2","fr":"A-fr"}}]}""",
            XapiActivityDefinitions.Merge(older, newer));
    }

    [Fact]
    public void A_different_interaction_type_drops_the_older_interaction_properties()
    {
        var older = O("""{"name":{"en":"Q"},"interactionType":"choice","correctResponsesPattern":["a"],"choices":[{"id":"a"}]}""");
        var newer = O("""{"interactionType":"likert","scale":[{"id":"1"},{"id":"2"}]}""");
        Same("""{"name":{"en":"Q"},"interactionType":"likert","scale":[{"id":"1"},{"id":"2"}]}""", XapiActivityDefinitions.Merge(older, newer));
    }

    [Fact]
    public void A_merge_beyond_the_size_limit_keeps_the_newer_definition_alone()
    {
        var older = new JsonObject { ["name"] = new JsonObject() };
        for (var i = 0; i < 3000; i++) older["name"]!.AsObject()["x-" + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)] = new string('n', 80);
        var newer = O("""{"name":{"en":"Small"}}""");
        Same("""{"name":{"en":"Small"}}""", XapiActivityDefinitions.Merge(older, newer));
    }

    [Fact]
    public void Definitions_are_found_in_the_object_context_activities_and_a_substatement()
    {
        using var statement = JsonDocument.Parse("""
            {"object":{"objectType":"SubStatement","object":{"id":"http://x/inner","definition":{"name":{"en":"I"}}},
             "context":{"contextActivities":{"other":[{"id":"http://x/sub-other","definition":{"type":"http://x/t"}}]}}},
             "context":{"contextActivities":{"parent":[{"id":"http://x/p","definition":{}}],"grouping":[{"id":"http://x/no-definition"}]}}}
            """);
        Assert.Equal(["http://x/inner", "http://x/sub-other", "http://x/p"], XapiActivityDefinitions.Definitions(statement.RootElement).Select(d => d.Id));
    }

    [Theory]
    [InlineData("""{"x":"foo","y":"bar"}""", """{"x":"bash","z":"faz"}""", """{"x":"bash","y":"bar","z":"faz"}""")]
    [InlineData("""{"car":{"make":"Ford","model":"Escape"}}""", """{"car":{"make":"Dodge"}}""", """{"car":{"make":"Dodge"}}""")]
    [InlineData("""{}""", """{"日本":"語"}""", """{"日本":"語"}""")]
    [InlineData("""{"a":1,"a":2}""", """{"b":3}""", """{"a":2,"b":3}""")]
    public void Document_post_merges_top_level_properties(string stored, string posted, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(XapiDocumentEndpoints.MergeObjects(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(posted))!));

    [Theory]
    [InlineData("[]", "{}")]
    [InlineData("{}", "[]")]
    [InlineData("1", "{}")]
    [InlineData("{}", "\"s\"")]
    [InlineData("not json", "{}")]
    public void Document_post_merge_needs_two_objects(string stored, string posted) =>
        Assert.Null(XapiDocumentEndpoints.MergeObjects(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(posted)));
}
