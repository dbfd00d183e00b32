using System.Text.Json.Serialization;

namespace Koumu.Interop.Schemas.Json;

/// <summary>ResourceDType (OAS-RS, onerosterv1p2resourcesservice_openapi3_v1p0.json).</summary>
public sealed class Resource : OneRosterBase
{
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("roles"), JsonConverter(typeof(VocabularyListConverter<ResourceRole>))]
    public IReadOnlyList<string>? Roles { get; init; }

    [JsonPropertyName("importance"), JsonConverter(typeof(VocabularyConverter<Json.Importance>))]
    public string? Importance { get; init; }

    [JsonPropertyName("vendorResourceId")]
    public required string VendorResourceId { get; init; }

    [JsonPropertyName("vendorId")]
    public string? VendorId { get; init; }

    [JsonPropertyName("applicationId")]
    public string? ApplicationId { get; init; }
}
