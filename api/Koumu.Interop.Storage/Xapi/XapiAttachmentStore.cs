using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>The bytes of one attachment, verified against its SHA-2 by the caller (C §1.5.2).</summary>
public sealed record XapiAttachmentContent(string Sha2, string ContentType, ReadOnlyMemory<byte> Content);

/// <summary>
/// Attachment content of the LRS (D §2.4.11, C §1.5.2; docs/decisions/0007-xapi-lrs.md "Attachments"): written in the
/// transaction of the Statements that carry it, deduplicated per tenant by SHA-2, read back streaming for GET
/// <c>attachments=true</c>.
/// </summary>
public sealed class XapiAttachmentStore(RosterStore store)
{
    /// <summary>
    /// Inserts the contents a batch brought, inside the batch's transaction (so a failed or conflicting batch leaves
    /// none behind). A hash already stored is kept as it is: the same SHA-2 names the same bytes.
    /// </summary>
    internal static async Task InsertAsync(DbConnection connection, DbTransaction transaction, int tenantId,
        IReadOnlyCollection<XapiAttachmentContent>? attachments, DateTime stored, CancellationToken cancellationToken)
    {
        if (attachments is null || attachments.Count == 0) return;
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO xapi_attachments (tenant_id, sha2, content_type, length, content, stored) " +
            "VALUES (@tenant, @sha2, @type, @length, @content, @stored) ON CONFLICT (tenant_id, sha2) DO NOTHING";
        Add(insert, "tenant", tenantId);
        Add(insert, "sha2", "");
        Add(insert, "type", "");
        Add(insert, "length", 0L);
        Add(insert, "content", Array.Empty<byte>());
        if (insert is NpgsqlCommand npgsql) npgsql.Parameters.Add(new NpgsqlParameter("stored", NpgsqlDbType.TimestampTz) { Value = DateTime.SpecifyKind(stored, DateTimeKind.Utc) });
        else Add(insert, "stored", stored);
        foreach (var a in attachments)
        {
            insert.Parameters["sha2"].Value = a.Sha2;
            insert.Parameters["type"].Value = a.ContentType;
            insert.Parameters["length"].Value = (long)a.Content.Length;
            // Parameters take arrays; the part buffer is copied once here (bounded by the request limit).
            insert.Parameters["content"].Value = a.Content.ToArray();
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Streams the stored contents among <paramref name="sha2s"/> to <paramref name="write"/> (content type, hash, bytes),
    /// in one query per 500 hashes — never one per attachment. Hashes without stored content (fileUrl-only attachments)
    /// are skipped.
    /// </summary>
    public async Task ReadAsync(int tenantId, IReadOnlyCollection<string> sha2s, Func<string, string, Stream, Task> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sha2s);
        ArgumentNullException.ThrowIfNull(write);
        if (sha2s.Count == 0) return;
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in sha2s.Chunk(500))
        {
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT sha2, content_type, content FROM xapi_attachments WHERE tenant_id = @tenant AND sha2 IN (");
            Add(command, "tenant", tenantId);
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append("@h").Append(i);
                Add(command, "h" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
            }
            command.CommandText = sql.Append(") ORDER BY sha2").ToString();
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var sha2 = reader.GetString(0);
                var type = reader.GetString(1);
                await using var content = reader.GetStream(2);
                await write(sha2, type, content).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How many attachment contents a tenant holds (for tests and operators).</summary>
    public async Task<long> CountAsync(int tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM xapi_attachments WHERE tenant_id = @tenant";
        Add(command, "tenant", tenantId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
