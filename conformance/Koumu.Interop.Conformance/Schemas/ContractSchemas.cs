using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using NJsonSchema;
using YamlDotNet.RepresentationModel;

namespace Koumu.Interop.Conformance.Schemas;

/// <summary>
/// Component schemas of an OpenAPI document as standalone JSON Schemas (the component at the root, every component
/// of the document under <c>definitions</c>, <c>#/components/schemas/</c> references rewritten), as the hub's own
/// contract tests do (tests/…/Json/HubSchemas.cs).
/// </summary>
public sealed class ComponentSchemas
{
    private readonly JsonObject _components;
    private readonly ConcurrentDictionary<string, Lazy<JsonSchema>> _cache = new(StringComparer.Ordinal);

    private ComponentSchemas(string name, JsonObject components)
    {
        Name = name;
        _components = components;
    }

    /// <summary>What the schemas come from, as reports name it (openapi.yaml, or the official file's name).</summary>
    public string Name { get; }

    public bool Has(string component) => _components.ContainsKey(component);

    public JsonSchema Get(string component) => _cache.GetOrAdd(component, key => new Lazy<JsonSchema>(() =>
    {
        if (!Has(key)) throw new KeyNotFoundException($"{Name} has no component schema {key}.");
        var root = _components[key]!.DeepClone().AsObject();
        root["definitions"] = _components.DeepClone();
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        return JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
    })).Value;

    /// <summary>Validation errors of <paramref name="json"/> against <paramref name="component"/>, readable, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<string> Errors(string component, string json, int max = 20) =>
        [.. Get(component).Validate(json).Take(max).Select(e => $"{Name} {component}: {e.Kind} at {(string.IsNullOrEmpty(e.Path) ? "#" : e.Path)}")];

    /// <summary>The hub's own contract (openapi.yaml at the repository root, embedded in this assembly at build time).</summary>
    public static ComponentSchemas Hub => HubSchemas.Value;

    private static readonly Lazy<ComponentSchemas> HubSchemas = new(() =>
    {
        using var stream = typeof(ComponentSchemas).Assembly.GetManifestResourceStream("openapi.yaml")
            ?? throw new InvalidOperationException("openapi.yaml is not embedded in the conformance assembly.");
        using var reader = new StreamReader(stream);
        return FromYaml("openapi.yaml", reader);
    });

    public static ComponentSchemas FromYaml(string name, TextReader reader)
    {
        var yaml = new YamlStream();
        yaml.Load(reader);
        var document = ToJson(yaml.Documents[0].RootNode)!.AsObject();
        return new ComponentSchemas(name, document["components"]?["schemas"]?.AsObject()
            ?? throw new InvalidDataException(name + " has no components.schemas."));
    }

    /// <summary>An OpenAPI document in JSON or YAML, e.g. an official 1EdTech OneRoster file passed with <c>--oas</c>.</summary>
    public static ComponentSchemas FromFile(string path)
    {
        var text = File.ReadAllText(path);
        var name = Path.GetFileName(path);
        if (text.TrimStart().StartsWith('{'))
        {
            var document = JsonNode.Parse(text) ?? throw new InvalidDataException(path + " is empty.");
            return new ComponentSchemas(name, document["components"]?["schemas"]?.AsObject()
                ?? throw new InvalidDataException(path + " has no components.schemas."));
        }
        using var reader = new StringReader(text);
        return FromYaml(name, reader);
    }

    /// <summary>
    /// YAML → JSON with YAML 1.2 core-schema typing: a plain scalar that reads as a number, boolean or null is one; a
    /// quoted scalar stays a string (openapi.yaml writes the OneRoster string booleans as "true"/"false" quoted).
    /// </summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s => Plain(s.Value ?? ""),
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new InvalidDataException("Unsupported YAML node " + node.NodeType),
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
