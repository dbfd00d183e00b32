using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage.Xapi;
using Npgsql;
using NpgsqlTypes;

namespace Koumu.Interop.Bench;

/// <summary>
/// Seeds an LRS tenant on PostgreSQL by binary COPY with exactly the rows <c>XapiStatementStore.StoreAsync</c> writes for
/// new, non-voiding Statements (docs/benchmarks.md, "xAPI LRS"): one <c>xapi_statements</c> row (the prepared JSON, its
/// content hash, <c>stored</c>, the filter columns of <see cref="XapiStatementIndex"/>, the next per-tenant sequence) and
/// one <c>xapi_statement_links</c> row per agent / related agent / related activity of the index — the same
/// <see cref="XapiStatements.Prepare"/> output the store inserts, taken under the store's per-tenant advisory lock, so
/// sequences follow <c>stored</c> as the store's own writes do. Not written: change-feed outbox rows (the Statement
/// resource never reads them). A test (<c>CopySeedTests</c>) checks that a COPY-seeded Statement is returned by GET
/// exactly as a POSTed one.
/// </summary>
public static class LrsCopy
{
    /// <summary>The store's per-tenant advisory lock class (XapiStatementStore.LockClass).</summary>
    private const int LockClass = 7401;

    /// <summary>
    /// Copies <paramref name="statements"/> (each prepared with its <c>stored</c> instant) in transactions of
    /// <paramref name="chunk"/> Statements. Preconditions the store would otherwise handle: ids are new to the tenant and
    /// distinct, no Statement is a voiding Statement, and <c>stored</c> never goes back (neither within the input nor before
    /// the tenant's last Statement). Returns the number of Statements written.
    /// </summary>
    public static async Task<long> CopyAsync(NpgsqlConnection connection, int tenantId, IEnumerable<(PreparedStatement Statement, DateTime Stored)> statements,
        int chunk = 100_000, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(statements);
        long total = 0;
        using var source = statements.GetEnumerator();
        var more = true;
        var links = new List<(byte[] Key, long Sequence)>(chunk * 6);
        while (more)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockClass}, @tenant)", connection, transaction))
            {
                lockCommand.Parameters.AddWithValue("tenant", tenantId);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }
            long sequence = 0;
            var lastStored = DateTime.MinValue;
            await using (var read = new NpgsqlCommand("SELECT sequence, stored FROM xapi_statements WHERE tenant_id = @tenant ORDER BY sequence DESC LIMIT 1", connection, transaction))
            {
                read.Parameters.AddWithValue("tenant", tenantId);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    sequence = reader.GetInt64(0);
                    lastStored = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
                }
            }

            links.Clear();
            var written = 0;
            await using (var writer = await connection.BeginBinaryImportAsync(
                "COPY xapi_statements (tenant_id, sequence, id, statement, content_hash, stored, voided, voids_id, ref_id, actor_ifi, verb_id, activity_id, registration) FROM STDIN (FORMAT BINARY)",
                cancellationToken))
            {
                while (written < chunk && (more = source.MoveNext()))
                {
                    var (statement, stored) = source.Current;
                    var ix = statement.Index;
                    if (ix.VoidsId is not null) throw new InvalidOperationException($"Statement {ix.Id} is a voiding Statement: store it through the LRS.");
                    stored = DateTime.SpecifyKind(stored, DateTimeKind.Utc);
                    if (stored < lastStored) throw new InvalidOperationException($"Statement {ix.Id}: stored {stored:O} is before the tenant's last stored {lastStored:O}.");
                    lastStored = stored;
                    sequence++;
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(tenantId, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(sequence, NpgsqlDbType.Bigint, cancellationToken);
                    await writer.WriteAsync(ix.Id, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(statement.Json, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(statement.ContentHash, NpgsqlDbType.Varchar, cancellationToken);
                    await writer.WriteAsync(stored, NpgsqlDbType.TimestampTz, cancellationToken);
                    await writer.WriteAsync(false, NpgsqlDbType.Boolean, cancellationToken);
                    await WriteNullableAsync(writer, ix.VoidsId, NpgsqlDbType.Varchar, cancellationToken);
                    await WriteNullableAsync(writer, ix.RefId, NpgsqlDbType.Varchar, cancellationToken);
                    await WriteNullableAsync(writer, ix.ActorIfi, NpgsqlDbType.Text, cancellationToken);
                    await writer.WriteAsync(ix.VerbId, NpgsqlDbType.Text, cancellationToken);
                    await WriteNullableAsync(writer, ix.ActivityId, NpgsqlDbType.Text, cancellationToken);
                    await WriteNullableAsync(writer, ix.Registration, NpgsqlDbType.Varchar, cancellationToken);
                    foreach (var key in XapiStatementStore.LinkKeys(statement)) links.Add((key, sequence));
                    written++;
                }
                await writer.CompleteAsync(cancellationToken);
            }
            await using (var writer = await connection.BeginBinaryImportAsync(
                "COPY xapi_statement_links (tenant_id, key, sequence) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var (key, linkSequence) in links)
                {
                    await writer.StartRowAsync(cancellationToken);
                    await writer.WriteAsync(tenantId, NpgsqlDbType.Integer, cancellationToken);
                    await writer.WriteAsync(key, NpgsqlDbType.Bytea, cancellationToken);
                    await writer.WriteAsync(linkSequence, NpgsqlDbType.Bigint, cancellationToken);
                }
                await writer.CompleteAsync(cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            total += written;
            progress?.Invoke(total);
        }
        return total;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(value, type, cancellationToken);
}
