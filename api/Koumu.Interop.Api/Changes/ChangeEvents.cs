using System.Globalization;
using System.Text.Json;
using Koumu.Interop.Storage.Changes;

namespace Koumu.Interop.Api.Changes;

/// <summary>The one event format of change delivery, for webhooks and the NATS JetStream publisher alike.</summary>
public static class ChangeEvents
{
    /// <summary>
    /// A thin CloudEvents 1.0 JSON event (cloudevents spec.md, json-format.md): the change, not the record — a receiver
    /// reads the record through the OneRoster API (<c>data.href</c>) with its own client's confinement.
    /// </summary>
    /// <param name="change">The change.</param>
    /// <param name="tenantCode">The tenant's code (the event's <c>source</c> is the tenant).</param>
    /// <param name="id">The event id: stable for the same message, so consumers deduplicate redeliveries.</param>
    /// <param name="baseUrl">The hub's public URL (<c>Koumu:PublicBaseUrl</c>), or empty for relative references.</param>
    public static byte[] CloudEvent(ChangeEntry change, string tenantCode, string id, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", id);
            writer.WriteString("source", baseUrl + "/koumu/tenants/" + Uri.EscapeDataString(tenantCode));
            writer.WriteString("type", "jp.koumu.oneroster." + change.Resource + "." + change.Operation);
            writer.WriteString("time", change.ChangedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("subject", change.Resource + "/" + change.SourcedId);
            writer.WriteString("datacontenttype", "application/json");
            writer.WritePropertyName("data");
            ChangeEndpoints.WriteChange(writer, change, baseUrl);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
