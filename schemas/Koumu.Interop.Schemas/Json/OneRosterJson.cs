using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Koumu.Interop.Schemas.Json;

/// <summary>The serializer settings for OneRoster 1.2 REST JSON, shared by the API, the CLI and tests.</summary>
public static class OneRosterJson
{
    /// <summary>
    /// Read-only options: optional members omitted when null (OAS: absent, never null); nullable annotations and
    /// <c>required</c> members enforced on input; duplicate keys rejected (a second "enabledUser" must not silently
    /// win); numbers strict (no quoted numbers); Japanese text written unescaped. Property names come from the
    /// models' attributes, so no naming policy is set. Unknown members are skipped on input.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static byte[] SerializeToUtf8Bytes<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    /// <summary>Deserializes <paramref name="json"/>; a JSON literal <c>null</c> is rejected rather than returned.</summary>
    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"Expected a {typeof(T).Name} object, got null.");

    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize<T>(utf8Json, Options) ?? throw new JsonException($"Expected a {typeof(T).Name} object, got null.");

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
            MaxDepth = 64,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { BindConverterPropertyNames } },
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// Gives each property-aware converter (string booleans, dates, vocabularies) the JSON name of its property, so
    /// error messages say e.g. "'enabledUser' must be "true" or "false"". For a <c>T?</c> property the serializer
    /// would otherwise wrap the attribute's converter itself; here the named converter is wrapped the same way.
    /// </summary>
    private static void BindConverterPropertyNames(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in typeInfo.Properties)
        {
            if (property.AttributeProvider is not MemberInfo member) continue;
            var attribute = member.GetCustomAttribute<JsonConverterAttribute>(inherit: true);
            if (attribute?.ConverterType is not { } converterType || !typeof(IPropertyAwareConverter).IsAssignableFrom(converterType)) continue;
            var named = ((IPropertyAwareConverter)Activator.CreateInstance(converterType)!).ForProperty(property.Name);
            var underlying = Nullable.GetUnderlyingType(property.PropertyType);
            property.CustomConverter = underlying is not null && named.Type == underlying
                ? (JsonConverter)Activator.CreateInstance(typeof(NullableConverter<>).MakeGenericType(underlying), named)!
                : named;
        }
    }
}
