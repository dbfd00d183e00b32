using System.Text.Json;
using System.Text.Json.Serialization;

namespace Koumu.Interop.Client;

/// <summary>Hand-written part of the generated client (NSwag emits <c>partial</c> hooks for exactly this).</summary>
public partial class KoumuClient
{
    /// <summary>
    /// OneRoster JSON leaves an absent optional property out rather than writing <c>null</c> (OAS-R/OAS-G objects have no
    /// nullable properties), so the client omits nulls when it writes Gradebook objects.
    /// </summary>
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) =>
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
}
