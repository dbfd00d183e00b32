using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NJsonSchema;

namespace Koumu.Interop.Tests.Json;

/// <summary>
/// Loads component schemas from the official 1EdTech OpenAPI files in ../shared/standards/oneroster-v1p2 (next to
/// the repository root; never copied into the repository). A missing file fails the test: a conformance test that
/// skips proves nothing.
/// </summary>
internal static class OasSchemas
{
    public const string Rostering = "onerosterv1p2rostersservice_openapi3_v1p0.json";
    public const string Gradebook = "onerosterv1p2gradebookservice_openapi3_v1p0.json";
    public const string Resources = "onerosterv1p2resourcesservice_openapi3_v1p0.json";

    private static readonly ConcurrentDictionary<string, JsonObject> Components = new();

    /// <summary>openapi.yaml names the error payload ImsxStatusInfo (a friendlier generated type name) for OAS imsx_StatusInfoDType.</summary>
    private static readonly Dictionary<string, string> HubNames = new(StringComparer.Ordinal) { ["imsx_StatusInfoDType"] = "ImsxStatusInfo" };
    private static readonly ConcurrentDictionary<(string, string), JsonSchema> Cache = new();

    public static string StandardsFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Koumu.Interop.sln"))) dir = dir.Parent;
        Assert.True(dir is not null, "Repository root (a folder containing Koumu.Interop.sln) not found above " + AppContext.BaseDirectory);
        return Path.GetFullPath(Path.Combine(dir!.FullName, "..", "shared", "standards", "oneroster-v1p2"));
    }

    /// <summary>
    /// The component <paramref name="name"/> as a standalone JSON Schema: the component itself at the root and every
    /// component of the same file under <c>definitions</c>, with <c>#/components/schemas/</c> references rewritten.
    /// </summary>
    public static JsonSchema Get(string file, string name) => Cache.GetOrAdd((file, name), key =>
    {
        var components = Components.GetOrAdd(key.Item1, LoadComponents);
        Assert.True(components.ContainsKey(key.Item2), $"{key.Item1} has no component {key.Item2}");
        var root = components[key.Item2]!.DeepClone().AsObject();
        root["definitions"] = components.DeepClone();
        var text = root.ToJsonString().Replace("#/components/schemas/", "#/definitions/", StringComparison.Ordinal);
        return JsonSchema.FromJsonAsync(text).GetAwaiter().GetResult();
    });

    private static JsonObject LoadComponents(string file)
    {
        var path = Path.Combine(StandardsFolder(), file);
        Assert.True(File.Exists(path), "Official OneRoster OpenAPI file missing: " + path);
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        return document["components"]!["schemas"]!.AsObject();
    }

    /// <summary>
    /// Validation errors of <paramref name="json"/> against the official component, as readable lines — and, when the
    /// hub's openapi.yaml has a component of the same name (the OAS wrappers and DTypes do), against that one too: what
    /// the hub serves must satisfy both the standard and its own published contract.
    /// </summary>
    public static IReadOnlyList<string> Errors(string file, string name, string json)
    {
        var errors = Get(file, name).Validate(json).Select(e => $"{e.Kind} at {e.Path}: {e}").ToList();
        var hubName = HubNames.GetValueOrDefault(name, name);
        if (HubSchemas.Has(hubName)) errors.AddRange(HubSchemas.Errors(hubName, json));
        return errors;
    }
}
