using System.Threading.Channels;
using Koumu.Interop.Schemas.Profiles;

namespace Koumu.Interop.Api.Imports;

/// <summary>An accepted upload waiting for the worker. The upload file belongs to the item: the worker deletes it.</summary>
public sealed record ImportWorkItem(Guid JobId, int TenantId, string Tenant, string UploadPath, ProfileDefinition Profile, System.Text.Encoding? Encoding, string ClientId);

/// <summary>Hands uploads from the HTTP request to the background worker, so the request returns 202 at once.</summary>
public sealed class ImportQueue
{
    private readonly Channel<ImportWorkItem> _channel = Channel.CreateUnbounded<ImportWorkItem>(new UnboundedChannelOptions { SingleReader = true });

    public ChannelReader<ImportWorkItem> Reader => _channel.Reader;

    public void Enqueue(ImportWorkItem item)
    {
        if (!_channel.Writer.TryWrite(item)) throw new InvalidOperationException("The import queue is closed.");
    }
}
