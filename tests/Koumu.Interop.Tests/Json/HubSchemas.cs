using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Koumu.Interop.Tests.Api;
using NJsonSchema;
using YamlDotNet.RepresentationModel;

namespace Koumu.Interop.Tests.Json;

/// <summary>
/// Component schemas of the hub's own contract (openapi.yaml at the repository root), as standalone JSON Schemas —
/// so a response is checked against what the hub promises vendors (and what their generated clients deserialise), not
/// only against the official 1EdTech files (<see cref="OasSchemas"/>).
/// </summary>
internal static class HubSchemas
{
    private static readonly Lazy<JsonObject> Components = new(Load);
    private static readonly ConcurrentDictionary<string, JsonSchema> Cache = new();

    public static bool Has(string name) => Components.Value.ContainsKey(name);

    public static JsonSchema Get(string name) => Cache.GetOrAdd(name, key =>
    {
        Assert.True(Has(key), $"openapi.yaml has no component schema {key}");
        var root = Components.Value[key]!.DeepClone().AsObject();
        root["definitions"] = Components.Value.DeepClone();
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        return JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
    });

    /// <summary>Validation errors of <paramref name="json"/> against openapi.yaml's component <paramref name="name"/>.</summary>
    public static IReadOnlyList<string> Errors(string name, string json) =>
        Get(name).Validate(json).Select(e => $"openapi.yaml {name}: {e.Kind} at {e.Path}: {e}").ToList();

    private static JsonObject Load()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(OpenApiContractTests.OpenApiPath())) stream.Load(reader);
        var document = ToJson(stream.Documents[0].RootNode)!.AsObject();
        return document["components"]!["schemas"]!.AsObject();
    }

    /// <summary>
    /// YAML → JSON with YAML 1.2 core-schema typing: a plain scalar that reads as a number, boolean or null is one; a
    /// quoted scalar stays a string (openapi.yaml writes the OneRoster string booleans as "true"/"false" quoted).
    /// </summary>
    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray(list.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s => Plain(s.Value ?? ""),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidOperationException("Unsupported YAML node " + node.NodeType),
    };

    private static JsonNode? Plain(string value) => value switch
    {
        "" or "null" or "~" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        _ => JsonValue.Create(value),
    };
}
