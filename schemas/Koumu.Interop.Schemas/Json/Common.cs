using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Koumu.Interop.Schemas.Json;

/// <summary>
/// The attributes every OneRoster 1.2 object carries (the OAS repeats them at the top of every *DType:
/// sourcedId, status, dateLastModified, metadata). The negative <see cref="JsonPropertyOrderAttribute"/> keeps them
/// first on the wire — System.Text.Json would otherwise write a derived type's own properties before its base's.
/// </summary>
public abstract class OneRosterBase
{
    [JsonPropertyName("sourcedId"), JsonPropertyOrder(-4)]
    public required string SourcedId { get; init; }

    [JsonPropertyName("status"), JsonPropertyOrder(-3), JsonConverter(typeof(VocabularyConverter<StatusType>))]
    public required string Status { get; init; }

    [JsonPropertyName("dateLastModified"), JsonPropertyOrder(-2), JsonConverter(typeof(InstantConverter))]
    public required DateTime DateLastModified { get; init; }

    /// <summary>
    /// OAS MetadataDType: an open object (<c>additionalProperties: true</c>), the only place for extensions.
    /// Kept as a <see cref="JsonObject"/> so keys the hub does not know round-trip unchanged; the Japan Profile's
    /// <c>metadata.jp</c> fields have typed views on <see cref="User.Jp"/>, <see cref="Class.Jp"/>, <see cref="Enrollment.Jp"/>.
    /// </summary>
    [JsonPropertyName("metadata"), JsonPropertyOrder(-1)]
    public JsonObject? Metadata { get; set; }
}

/// <summary>
/// A reference to another object (the OAS *GUIDRefDType family: OrgGUIDRefDType, UserGUIDRefDType, …): all three
/// members are required and <c>type</c> names the referenced class (<see cref="GUIDRefType"/>).
/// </summary>
public sealed record GUIDRef
{
    [JsonPropertyName("href")]
    public required string Href { get; init; }

    [JsonPropertyName("sourcedId")]
    public required string SourcedId { get; init; }

    [JsonPropertyName("type"), JsonConverter(typeof(VocabularyConverter<GUIDRefType>))]
    public required string Type { get; init; }
}

/// <summary>GUIDPairDType: a requester-supplied sourcedId and the one the server allocated (Gradebook POST responses).</summary>
public sealed record GUIDPair
{
    [JsonPropertyName("suppliedSourcedId")]
    public required string SuppliedSourcedId { get; init; }

    [JsonPropertyName("allocatedSourcedId")]
    public required string AllocatedSourcedId { get; init; }
}

/// <summary>GUIDPairSetDType: <c>{"sourcedIdPairs":[…]}</c>, the 201 body of the Gradebook createpost operations.</summary>
public sealed record GUIDPairSet
{
    [JsonPropertyName("sourcedIdPairs")]
    public IReadOnlyList<GUIDPair> SourcedIdPairs { get; init; } = [];
}

/// <summary>
/// imsx_StatusInfoDType: the body of every non-2xx response (OAS 400/401/403/404/422/429/500 responses).
/// </summary>
public sealed record ImsxStatusInfo
{
    [JsonPropertyName("imsx_codeMajor"), JsonConverter(typeof(VocabularyConverter<Json.CodeMajor>))]
    public required string CodeMajor { get; init; }

    [JsonPropertyName("imsx_severity"), JsonConverter(typeof(VocabularyConverter<Json.Severity>))]
    public required string Severity { get; init; }

    [JsonPropertyName("imsx_description")]
    public string? Description { get; init; }

    [JsonPropertyName("imsx_CodeMinor")]
    public ImsxCodeMinor? CodeMinor { get; init; }

    /// <summary>A failure/error payload with one code-minor field, e.g. <c>Failure(CodeMinorValue.UnknownObject, "…")</c>.</summary>
    public static ImsxStatusInfo Failure(string codeMinorValue, string? description = null, string fieldName = ImsxCodeMinorField.DefaultName) => new()
    {
        CodeMajor = Json.CodeMajor.Failure,
        Severity = Json.Severity.Error,
        Description = description,
        CodeMinor = new ImsxCodeMinor { Fields = [new ImsxCodeMinorField { Name = fieldName, Value = codeMinorValue }] },
    };
}

/// <summary>imsx_CodeMinorDType: at least one field (<c>minItems: 1</c>).</summary>
public sealed record ImsxCodeMinor
{
    [JsonPropertyName("imsx_codeMinorField")]
    public required IReadOnlyList<ImsxCodeMinorField> Fields { get; init; }
}

/// <summary>imsx_CodeMinorFieldDType.</summary>
public sealed record ImsxCodeMinorField
{
    /// <summary>The OAS default of imsx_codeMinorFieldName.</summary>
    public const string DefaultName = "TargetEndSystem";

    [JsonPropertyName("imsx_codeMinorFieldName")]
    public string Name { get; init; } = DefaultName;

    [JsonPropertyName("imsx_codeMinorFieldValue"), JsonConverter(typeof(VocabularyConverter<CodeMinorValue>))]
    public required string Value { get; init; }
}
