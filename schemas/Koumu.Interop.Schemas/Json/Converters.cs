using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Schemas.Json;

/// <summary>
/// A converter that can be bound to the JSON name of the property it serves, so that its errors name the property
/// even when the message is shown without the <see cref="JsonException.Path"/> (OneRosterJson's resolver binds it).
/// </summary>
public interface IPropertyAwareConverter
{
    JsonConverter ForProperty(string jsonName);
}

internal static class ConverterErrors
{
    /// <summary>What the reader found, bounded so hostile input is never echoed at length into logs.</summary>
    public static string Describe(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) return reader.TokenType.ToString();
        var text = reader.GetString() ?? "";
        return "\"" + (text.Length > 40 ? text[..40] + "…" : text) + "\"";
    }

    /// <summary>Length of the token's raw (possibly escaped) bytes, for streams (value sequences) too.</summary>
    public static long RawLength(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;

    public static string Name(string? property) => property is null ? "the property" : "'" + property + "'";
}

/// <summary>
/// OneRoster 1.2 booleans are the strings <c>"true"</c>/<c>"false"</c> (OAS: <c>type: string, enum: [true, false]</c>,
/// e.g. UserDType.enabledUser, EnrollmentDType.primary). Writes the string form; reads the string form and, because
/// providers in the field send them, JSON booleans too (shared/reference/oneroster.md §3.2). Anything else —
/// "True", "1", "yes", numbers, null for a required flag — is a <see cref="JsonException"/> naming the property.
/// </summary>
public sealed class StringBooleanConverter : JsonConverter<bool>, IPropertyAwareConverter
{
    public StringBooleanConverter() : this(null) { }

    public StringBooleanConverter(string? propertyName) => PropertyName = propertyName;

    public string? PropertyName { get; }

    public JsonConverter ForProperty(string jsonName) => new StringBooleanConverter(jsonName);

    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True: return true;
            case JsonTokenType.False: return false;
            case JsonTokenType.String when reader.ValueTextEquals("true"u8): return true;
            case JsonTokenType.String when reader.ValueTextEquals("false"u8): return false;
            default:
                throw new JsonException($"{ConverterErrors.Name(PropertyName)} must be \"true\" or \"false\"; got {ConverterErrors.Describe(ref reader)}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value ? "true" : "false");
}

/// <summary>
/// OAS <c>format: date</c> (RFC 3339 full-date): exactly <c>YYYY-MM-DD</c>, e.g. startDate, birthDate, scoreDate.
/// </summary>
public sealed class DateConverter : JsonConverter<DateOnly>, IPropertyAwareConverter
{
    public const string Format = "yyyy-MM-dd";

    public DateConverter() : this(null) { }

    public DateConverter(string? propertyName) => PropertyName = propertyName;

    public string? PropertyName { get; }

    public JsonConverter ForProperty(string jsonName) => new DateConverter(jsonName);

    public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && ConverterErrors.RawLength(ref reader) <= 32
            && DateOnly.TryParseExact(reader.GetString(), Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date;
        throw new JsonException($"{ConverterErrors.Name(PropertyName)} must be a date YYYY-MM-DD; got {ConverterErrors.Describe(ref reader)}.");
    }

    public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString(Format, CultureInfo.InvariantCulture));
}

/// <summary>
/// OAS <c>format: date-time</c> (dateLastModified, lineItem assignDate/dueDate). Written as UTC with millisecond
/// precision and 'Z', e.g. <c>2026-04-01T00:00:00.000Z</c> (the form the CSV binding examples and DA2022 exporters
/// use). Read: an ISO 8601 instant that carries a zone designator (Z or ±hh:mm), converted to UTC — the same rule
/// as the CSV reader; a local time without zone is rejected because JST vs UTC would be a guess (pitfalls.md).
/// A <see cref="DateTime"/> of kind Unspecified is taken to be UTC (what the storage layer hands back).
/// </summary>
public sealed class InstantConverter : JsonConverter<DateTime>, IPropertyAwareConverter
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public InstantConverter() : this(null) { }

    public InstantConverter(string? propertyName) => PropertyName = propertyName;

    public string? PropertyName { get; }

    public JsonConverter ForProperty(string jsonName) => new InstantConverter(jsonName);

    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        // 64 characters is far beyond any ISO 8601 instant; the bound keeps the parser away from hostile strings.
        if (reader.TokenType == JsonTokenType.String && ConverterErrors.RawLength(ref reader) <= 64
            && PackageProcessor.TryParseInstant(reader.GetString(), out var value))
            return DateTime.SpecifyKind(value, DateTimeKind.Utc);
        throw new JsonException($"{ConverterErrors.Name(PropertyName)} must be an ISO 8601 date-time with zone, e.g. 2026-04-01T00:00:00.000Z; got {ConverterErrors.Describe(ref reader)}.");
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(ToUtc(value).ToString(Format, CultureInfo.InvariantCulture));

    public static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => value,
    };
}

/// <summary>
/// A string restricted to the OAS enumeration <typeparamref name="T"/> (plus <c>ext:</c> tokens when extensible).
/// Reading rejects other values; writing passes the value through — conformance of stored data is the import
/// pipeline's job, and a read API must not fail on one odd row.
/// </summary>
public sealed class VocabularyConverter<T> : JsonConverter<string>, IPropertyAwareConverter where T : IVocabulary
{
    public VocabularyConverter() : this(null) { }

    public VocabularyConverter(string? propertyName) => PropertyName = propertyName;

    public string? PropertyName { get; }

    public JsonConverter ForProperty(string jsonName) => new VocabularyConverter<T>(jsonName);

    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadValue(ref reader, PropertyName);

    internal static string ReadValue(ref Utf8JsonReader reader, string? property)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var value = reader.GetString()!;
            if (T.Vocabulary.Contains(value)) return value;
        }
        var vocabulary = T.Vocabulary;
        throw new JsonException($"{ConverterErrors.Name(property)} must be one of {string.Join(", ", vocabulary.Values)}"
            + (vocabulary.Extensible ? " or ext:<token>" : "") + $" ({vocabulary.Name}); got {ConverterErrors.Describe(ref reader)}.");
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>An array whose items are restricted to <typeparamref name="T"/> (ResourceDType.roles).</summary>
public sealed class VocabularyListConverter<T> : JsonConverter<IReadOnlyList<string>>, IPropertyAwareConverter where T : IVocabulary
{
    public VocabularyListConverter() : this(null) { }

    public VocabularyListConverter(string? propertyName) => PropertyName = propertyName;

    public string? PropertyName { get; }

    public JsonConverter ForProperty(string jsonName) => new VocabularyListConverter<T>(jsonName);

    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException($"{ConverterErrors.Name(PropertyName)} must be an array; got {ConverterErrors.Describe(ref reader)}.");
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            list.Add(VocabularyConverter<T>.ReadValue(ref reader, PropertyName));
        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value) writer.WriteStringValue(item);
        writer.WriteEndArray();
    }
}

/// <summary>Lifts a converter of <typeparamref name="T"/> to <c>T?</c> (null is handled by the serializer: omitted on write).</summary>
internal sealed class NullableConverter<T>(JsonConverter<T> inner) : JsonConverter<T?> where T : struct
{
    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        inner.Read(ref reader, typeof(T), options);

    public override void Write(Utf8JsonWriter writer, T? value, JsonSerializerOptions options)
    {
        if (value is { } v) inner.Write(writer, v, options);
        else writer.WriteNullValue();
    }
}
