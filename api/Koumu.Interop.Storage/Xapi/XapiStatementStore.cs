using System.Data.Common;
using System.Globalization;
using System.Text;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage.Changes;
using Npgsql;
using NpgsqlTypes;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>Why a batch was not stored.</summary>
public enum XapiStoreStatus { Stored, Conflict }

/// <summary>The result of a store: the ids in request order, or the id that conflicts with a different stored Statement.</summary>
public sealed record XapiStoreResult(XapiStoreStatus Status, IReadOnlyList<string> Ids, string? ConflictId, DateTime Stored);

/// <summary>A Statement read back: its JSON as stored, its stored instant and its position.</summary>
public sealed record XapiStoredStatement(long Sequence, string Json, DateTime Stored);

/// <summary>The filters of GET statements (C §2.1.3) in storage terms (IFIs canonical, ids normalised).</summary>
public sealed record XapiStatementQuery
{
    public string? AgentIfi { get; init; }
    public string? VerbId { get; init; }
    public string? ActivityId { get; init; }
    public string? Registration { get; init; }
    public bool RelatedActivities { get; init; }
    public bool RelatedAgents { get; init; }
    /// <summary>Exclusive lower bound on stored.</summary>
    public DateTime? Since { get; init; }
    /// <summary>Inclusive upper bound on stored.</summary>
    public DateTime? Until { get; init; }
    public bool Ascending { get; init; }
    public required int Limit { get; init; }
    /// <summary>Continue after this sequence (from a <c>more</c> cursor).</summary>
    public long? After { get; init; }
}

public sealed record XapiPage(IReadOnlyList<XapiStoredStatement> Statements, bool HasMore);

/// <summary>
/// The Statement store (docs/decisions/0007-xapi-lrs.md). A batch is written in one transaction under a per-tenant lock
/// (PostgreSQL advisory lock 7401; SQLite's write lock), so a batch is all-or-nothing (C §3.2), sequences follow
/// commit order, and a reader that saw sequence n has seen every earlier one (the basis of the consistent-through header
/// and of <c>more</c> paging that visits every Statement once).
/// </summary>
public sealed class XapiStatementStore(RosterStore store)
{
    private const int LockClass = 7401;

    public DatabaseProvider Provider => store.Options.Provider;

    /// <summary>
    /// Stores a batch. <paramref name="prepare"/> is called with the <c>stored</c> instant, before the tenant's lock is
    /// taken, and called again under the lock only if a batch committed meanwhile with a later <c>stored</c> (stored never
    /// goes back). A repeated id whose content differs from the stored Statement is a conflict (nothing is written); one
    /// with the same content is a no-op (C §2.1.1–2.1.2).
    /// </summary>
    public Task<XapiStoreResult> StoreAsync(int tenantId, Func<DateTimeOffset, IReadOnlyList<PreparedStatement>> prepare, CancellationToken cancellationToken) =>
        StoreAsync(tenantId, prepare, null, cancellationToken);

    /// <summary>
    /// Stores a batch with the attachment contents its request carried (C §1.5.2), written in the same transaction:
    /// nothing of a failed or conflicting batch remains, its attachments included.
    /// </summary>
    /// <remarks>
    /// Batches of one tenant serialise on its lock, so ingest is bounded by the time a batch holds it: everything that
    /// does not depend on what other batches stored — preparing the Statements (JSON with the LRS's fields, content
    /// hash, filter values) and extracting their Activity definitions — is done before the lock is taken
    /// (docs/benchmarks.md, "xAPI LRS"). The prepared JSON carries <c>stored</c>, so it is prepared for the current
    /// instant and prepared again under the lock only in the rare case that a batch committed meanwhile with a later one.
    /// </remarks>
    public async Task<XapiStoreResult> StoreAsync(int tenantId, Func<DateTimeOffset, IReadOnlyList<PreparedStatement>> prepare,
        IReadOnlyCollection<XapiAttachmentContent>? attachments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreOnceAsync(tenantId, prepare, attachments, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == IdIndex && attempt < 3)
            {
                // PostgreSQL reads the batch's ids before the tenant's lock (LockAndReadAsync): a batch that stored one of
                // them in between makes the insert fail on the unique (tenant, id) index. The transaction is rolled back
                // and the batch is stored again, and now finds the id stored (a no-op, or a conflict).
            }
        }
    }

    /// <summary>The unique <c>(tenant, id)</c> index of Statements (migration <c>XapiLrs</c>).</summary>
    internal const string IdIndex = "IX_xapi_statements_tenant_id_id";

    private async Task<XapiStoreResult> StoreOnceAsync(int tenantId, Func<DateTimeOffset, IReadOnlyList<PreparedStatement>> prepare,
        IReadOnlyCollection<XapiAttachmentContent>? attachments, CancellationToken cancellationToken)
    {
        // Millisecond precision (what the Statement JSON carries).
        var now = DateTime.UtcNow;
        var stored = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        var statements = prepare(new DateTimeOffset(stored));
        var definitions = statements.Select(XapiActivityDefinitions.Collect).ToList();
        // PostgreSQL's link keys are digests (XapiLinkKind.Key): computed here, outside the lock. They do not depend on stored.
        var linkKeys = Provider == DatabaseProvider.Postgres ? statements.Select(LinkKeys).ToList() : null;
        // The stored definitions of the batch's Activities are read in the round trip that takes the lock (PostgreSQL).
        string[] definitionKeys = Provider == DatabaseProvider.Postgres
            ? [.. definitions.SelectMany(d => d).Select(d => d.Id).Distinct(StringComparer.Ordinal).Select(XapiActivityDefinitions.Key)]
            : [];
        var batchIds = statements.Select(s => s.Index.Id).Distinct().ToList();
        // PostgreSQL: the rows as COPY data, encoded now for the common case — none of the batch's ids stored yet, none
        // the target of a stored voiding Statement, stored unchanged — in which the plan under the lock is this one with
        // its sequences moved up; they are patched in place there (EncodedRows).
        using var encoded = Provider == DatabaseProvider.Postgres
            ? EncodedRows.Encode(tenantId, stored, Plan(statements, definitions, linkKeys, [], [], 0).Rows)
            : null;

        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // SQLite: Microsoft.Data.Sqlite begins transactions IMMEDIATE (not deferred), so the write lock is already held
        // and the reads below cannot go stale. PostgreSQL: the advisory lock, then the same reads, in one round trip.
        var (sequence, lastStored, existing, voidedTargets, knownDefinitions) = connection is NpgsqlConnection npgsqlConnection
            ? await LockAndReadAsync(npgsqlConnection, (NpgsqlTransaction)transaction, tenantId, batchIds, PageWarmKeys.Of(statements), definitionKeys, cancellationToken).ConfigureAwait(false)
            : await ReadAsync(connection, transaction, tenantId, batchIds, cancellationToken).ConfigureAwait(false);
        var asEncoded = existing.Count == 0 && voidedTargets.Count == 0;
        // Never before the previous stored: since/until and the sequence order agree. The Statements' JSON carries stored
        // (and timestamp defaults to it), so a later instant means preparing them again.
        if (lastStored > stored)
        {
            stored = lastStored;
            statements = prepare(new DateTimeOffset(stored));
            asEncoded = false;
        }

        foreach (var s in statements)
            if (existing.TryGetValue(s.Index.Id, out var hash) && hash != s.ContentHash)
                return new XapiStoreResult(XapiStoreStatus.Conflict, [], s.Index.Id, stored); // disposing rolls back

        var (rows, voidingTargets, writtenDefinitions, changes) = Plan(statements, definitions, linkKeys, existing, voidedTargets, sequence);
        if (connection is NpgsqlConnection npgsql)
        {
            if (asEncoded) encoded!.MoveSequences(sequence);
            using var late = asEncoded ? null : EncodedRows.Encode(tenantId, stored, rows);
            await (late ?? encoded!).CopyAsync(npgsql, cancellationToken).ConfigureAwait(false);
        }
        else await InsertRowByRowAsync(connection, transaction, tenantId, stored, rows, cancellationToken).ConfigureAwait(false);

        // D §2.3.2 / C §2.1.4: a voiding Statement marks its target voided — unless the target is itself a voiding
        // Statement (voiding Statements cannot be voided). Run after the batch's rows exist, so a target earlier in the same
        // batch is found; a target later in the batch (or not yet stored) arrived voided above. Each "delete" change
        // follows its target's "upsert" in the feed, because it is recorded after every row of the batch.
        if (voidingTargets.Count > 0)
        {
            await using var voidTarget = Command(connection, transaction,
                "UPDATE xapi_statements SET voided = @true WHERE tenant_id = @tenant AND id = @target AND voids_id IS NULL AND voided = @false");
            Add(voidTarget, "true", true);
            Add(voidTarget, "false", false);
            Add(voidTarget, "tenant", tenantId);
            Add(voidTarget, "target", DBNull.Value);
            foreach (var target in voidingTargets)
            {
                Set(voidTarget, "target", target);
                if (await voidTarget.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0)
                    changes.Add((ChangeFeed.Statements, target, ChangeOperation.Delete));
            }
        }
        await XapiActivityDefinitions.MergeAsync(connection, transaction, tenantId, writtenDefinitions, stored, cancellationToken, knownDefinitions).ConfigureAwait(false);
        await ChangeLog.RecordRowsAsync(connection, transaction, tenantId, changes, stored, cancellationToken).ConfigureAwait(false);
        await XapiAttachmentStore.InsertAsync(connection, transaction, tenantId, attachments, stored, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new XapiStoreResult(XapiStoreStatus.Stored, [.. statements.Select(s => s.Index.Id)], null, stored);
    }

    /// <summary>What a batch reads under the tenant's lock: the last sequence and stored, the stored hashes of its ids, and which of its ids are voiding targets already.</summary>
    private sealed record LockedState(long Sequence, DateTime LastStored, Dictionary<string, string> Existing, HashSet<string> VoidedTargets,
        Dictionary<string, string>? KnownDefinitions);

    /// <summary>
    /// PostgreSQL, in one round trip: before the tenant's advisory lock, the batch's ids already stored and the page
    /// warm-up (<see cref="WarmPagesSql"/>); then the lock and the reads that must follow it. The statements run in order,
    /// so the reads after the lock see every batch committed before it was granted — the stored Activity definitions
    /// included (<see cref="XapiActivityDefinitions.MergeAsync"/>).
    /// </summary>
    /// <remarks>
    /// The stored ids are read before the lock because that read is also what warms the random-position
    /// <c>(tenant, id)</c> leaf pages the inserts will modify. It can miss an id that a batch holding the lock is storing
    /// right then; the unique index catches that case at insert time and <see cref="StoreAsync(int, Func{DateTimeOffset, IReadOnlyList{PreparedStatement}}, IReadOnlyCollection{XapiAttachmentContent}?, CancellationToken)"/>
    /// stores the batch again.
    /// </remarks>
    private static async Task<LockedState> LockAndReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, int tenantId,
        List<string> ids, PageWarmKeys warm, string[] definitionKeys, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        // Before the lock: the batch's ids already stored (their leaf pages of the random-position (tenant, id) index
        // are the ones its inserts will modify), then the pages of the other indexes (WarmPagesSql).
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT id, content_hash FROM xapi_statements WHERE tenant_id = $1 AND id = ANY($2)")
            { Parameters = { new NpgsqlParameter<int> { TypedValue = tenantId }, new NpgsqlParameter<string[]> { TypedValue = [.. ids] } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(WarmPagesSql)
        {
            Parameters =
            {
                new NpgsqlParameter<int> { TypedValue = tenantId },
                new NpgsqlParameter<string[]> { TypedValue = warm.Registrations },
                new NpgsqlParameter<string[]> { TypedValue = warm.Actors },
                new NpgsqlParameter<string[]> { TypedValue = warm.Activities },
            },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({LockClass}, $1)") { Parameters = { new NpgsqlParameter<int> { TypedValue = tenantId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT sequence, stored FROM xapi_statements WHERE tenant_id = $1 ORDER BY sequence DESC LIMIT 1")
            { Parameters = { new NpgsqlParameter<int> { TypedValue = tenantId } } });
        // Under the lock: whether a stored voiding Statement targets one of the batch's ids must not change before the
        // batch commits (a target stored while its voiding Statement commits would otherwise stay unvoided).
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT voids_id FROM xapi_statements WHERE tenant_id = $1 AND voids_id = ANY($2)")
            { Parameters = { new NpgsqlParameter<int> { TypedValue = tenantId }, new NpgsqlParameter<string[]> { TypedValue = [.. ids] } } });
        if (definitionKeys.Length > 0)
            batch.BatchCommands.Add(new NpgsqlBatchCommand(XapiActivityDefinitions.ReadByKeysSql)
                { Parameters = { new NpgsqlParameter<int> { TypedValue = tenantId }, new NpgsqlParameter<string[]> { TypedValue = definitionKeys } } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var existing = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) existing[reader.GetString(0)] = reader.GetString(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the page warm-up's count
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false); // past the lock's void row
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        long sequence = 0;
        var lastStored = DateTime.MinValue;
        if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            sequence = reader.GetInt64(0);
            lastStored = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
        }
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var voided = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) voided.Add(reader.GetString(0));
        var definitions = new Dictionary<string, string>(StringComparer.Ordinal);
        if (definitionKeys.Length > 0)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) definitions[reader.GetString(0)] = reader.GetString(1);
        }
        return new LockedState(sequence, lastStored, existing, voided, definitions);
    }

    /// <summary>
    /// PostgreSQL, before the lock: reads the index pages the batch's rows will be inserted into — the leaf of each
    /// registration (a random position, like the id's, which the stored-id read warms) and the newest entry of each actor
    /// and object Activity (where its next entry goes) — so that the inserts under the lock find them in shared buffers.
    /// With 10 M Statements these indexes are far larger than the buffer cache, and sampled wait events showed the lock
    /// holder spending ≈ 40 % of its time in <c>DataFileRead</c> for them while the other batches waited on the lock
    /// (docs/benchmarks.md, "xAPI LRS", stop 15). Read here, the same pages cost the waiting batch's time instead. The
    /// read decides nothing; it counts, so only one number comes back.
    /// </summary>
    internal const string WarmPagesSql =
        "SELECT (SELECT count(*) FROM xapi_statements WHERE tenant_id = $1 AND registration = ANY($2)) " +
        // Past every stored sequence: each probe ends where the actor's / Activity's next entry goes, finds nothing, and so
        // reads no heap page. One probe per value (LATERAL): with the values as an = ANY list the planner reads the
        // primary key at the impossible sequence instead, which warms nothing.
        "+ (SELECT count(*) FROM unnest($3::text[]) AS a(v) CROSS JOIN LATERAL (SELECT 1 FROM xapi_statements s " +
        "WHERE s.tenant_id = $1 AND s.actor_ifi = a.v AND s.sequence > 9223372036854775806 ORDER BY s.sequence DESC LIMIT 1) AS x) " +
        "+ (SELECT count(*) FROM unnest($4::text[]) AS o(v) CROSS JOIN LATERAL (SELECT 1 FROM xapi_statements s " +
        "WHERE s.tenant_id = $1 AND s.activity_id = o.v AND s.sequence > 9223372036854775806 ORDER BY s.sequence DESC LIMIT 1) AS y)";

    /// <summary>The distinct registrations, actors and object Activities of a batch, for <see cref="WarmPagesSql"/>.</summary>
    private sealed record PageWarmKeys(string[] Registrations, string[] Actors, string[] Activities)
    {
        public static PageWarmKeys Of(IReadOnlyList<PreparedStatement> statements) => new(
            Distinct(statements, s => s.Index.Registration),
            Distinct(statements, s => s.Index.ActorIfi),
            Distinct(statements, s => s.Index.ActivityId));

        private static string[] Distinct(IReadOnlyList<PreparedStatement> statements, Func<PreparedStatement, string?> value)
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (var s in statements)
                if (value(s) is { } v) set.Add(v);
            return [.. set];
        }
    }

    /// <summary>SQLite: the same reads as <see cref="LockAndReadAsync"/>, under the write lock the transaction already holds.</summary>
    private static async Task<LockedState> ReadAsync(DbConnection connection, DbTransaction transaction, int tenantId, List<string> ids, CancellationToken cancellationToken)
    {
        long sequence = 0;
        var lastStored = DateTime.MinValue;
        await using (var read = Command(connection, transaction, "SELECT sequence, stored FROM xapi_statements WHERE tenant_id = @tenant ORDER BY sequence DESC LIMIT 1"))
        {
            Add(read, "tenant", tenantId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sequence = reader.GetInt64(0);
                lastStored = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
            }
        }
        var existing = await ExistingHashesAsync(connection, transaction, tenantId, ids, cancellationToken).ConfigureAwait(false);
        // Targets of voiding Statements stored earlier (or earlier in this batch): a target that arrives after its
        // voiding Statement is stored voided, so the outcome does not depend on arrival order.
        var voided = await VoidedTargetsAsync(connection, transaction, tenantId, ids, cancellationToken).ConfigureAwait(false);
        return new LockedState(sequence, lastStored, existing, voided, null);
    }

    private sealed record StatementRow(long Sequence, PreparedStatement Statement, bool ArrivesVoided, List<byte[]>? LinkKeys);

    /// <summary>
    /// The (kind, value) links of one Statement: every agent / related agent / related activity of its index except the
    /// values its own indexed columns already hold — the actor's IFI (<c>actor_ifi</c>) and the object Activity's id
    /// (<c>activity_id</c>). A query matches those through the column's index (<see cref="QueryAsync"/>), so a typical
    /// Statement (an identified actor doing something to one Activity in a course) writes half the link rows it would
    /// otherwise, and those it writes land on few, hot index pages (its authority, parents and groupings) instead of one
    /// page per pupil and per Activity (docs/benchmarks.md, "xAPI LRS", stop 14).
    /// </summary>
    public static IEnumerable<(string Kind, string Value)> Links(XapiStatementIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        foreach (var value in index.Agents)
            if (!string.Equals(value, index.ActorIfi, StringComparison.Ordinal)) yield return (XapiLinkKind.Agent, value);
        foreach (var value in index.RelatedAgents)
            if (!string.Equals(value, index.ActorIfi, StringComparison.Ordinal)) yield return (XapiLinkKind.RelatedAgent, value);
        foreach (var value in index.RelatedActivities)
            if (!string.Equals(value, index.ActivityId, StringComparison.Ordinal)) yield return (XapiLinkKind.RelatedActivity, value);
    }

    /// <summary>The PostgreSQL link keys of one Statement (<see cref="XapiLinkKind.Key"/>), one per link of <see cref="Links"/>.</summary>
    public static List<byte[]> LinkKeys(PreparedStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var keys = new List<byte[]>();
        foreach (var (kind, value) in Links(statement.Index)) keys.Add(XapiLinkKind.Key(kind, value));
        return keys;
    }

    /// <summary>What a batch writes, given what is stored: its rows in order (a repeated id once; ids already stored not at
    /// all), the targets it voids, the Activity definitions of its rows, and its change records.</summary>
    private sealed record RowPlan(List<StatementRow> Rows, List<string> VoidingTargets, List<IReadOnlyList<XapiActivityDefinition>> WrittenDefinitions,
        List<(string Resource, string SourcedId, string Operation)> Changes);

    /// <summary>
    /// The rows of a batch, numbered from <paramref name="sequence"/> + 1. Deterministic: with no id stored and no stored
    /// voiding target the plan differs only in its sequences from the one made with none stored, which is what lets
    /// PostgreSQL encode the rows before the lock.
    /// </summary>
    private static RowPlan Plan(IReadOnlyList<PreparedStatement> statements, List<IReadOnlyList<XapiActivityDefinition>> definitions,
        List<List<byte[]>>? linkKeys, Dictionary<string, string> existing, HashSet<string> storedVoidedTargets, long sequence)
    {
        var voidedTargets = new HashSet<string>(storedVoidedTargets, StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<StatementRow>(statements.Count);
        var voidingTargets = new List<string>();
        var writtenDefinitions = new List<IReadOnlyList<XapiActivityDefinition>>(statements.Count);
        // The change-feed outbox (docs/decisions/0006-change-feed.md): one change per stored Statement, one "delete" per
        // Statement this batch voids (voiding is the LRS's deletion, D §2.3.2), recorded in this transaction.
        var changes = new List<(string Resource, string SourcedId, string Operation)>();
        for (var i = 0; i < statements.Count; i++)
        {
            var s = statements[i];
            if (existing.ContainsKey(s.Index.Id) || !written.Add(s.Index.Id)) continue;
            writtenDefinitions.Add(definitions[i]);
            var ix = s.Index;
            var arrivesVoided = ix.VoidsId is null && voidedTargets.Contains(ix.Id);
            rows.Add(new StatementRow(++sequence, s, arrivesVoided, linkKeys?[i]));
            // A Statement stored already voided cannot be fetched by statementId: to a feed reader it is deleted.
            changes.Add((ChangeFeed.Statements, ix.Id, arrivesVoided ? ChangeOperation.Delete : ChangeOperation.Upsert));
            if (ix.VoidsId is { } target)
            {
                voidedTargets.Add(target);
                voidingTargets.Add(target);
            }
        }
        return new RowPlan(rows, voidingTargets, writtenDefinitions, changes);
    }

    /// <summary>
    /// PostgreSQL: a batch's Statements and filter links as binary COPY data (not one round trip per row — the batch holds
    /// the tenant's lock while it writes, so the time spent there bounds ingest). COPY (unlike <c>INSERT … SELECT FROM
    /// unnest(arrays)</c>, which it replaced) fills heap pages several rows at a time (one WAL record per page, not per
    /// row) and skips the executor's per-row projection. The data is encoded before the lock in the common case
    /// (<see cref="PgBinaryCopyBuffer"/>): sampled wait events at 10 M Statements showed the lock holder's backend waiting
    /// for COPY data (<c>ClientRead</c>) ≈ 30 % of its time while the hub encoded it (docs/benchmarks.md, "xAPI LRS",
    /// stop 15).
    /// </summary>
    private sealed class EncodedRows : IDisposable
    {
        private const string StatementsCopy =
            "COPY xapi_statements (tenant_id, sequence, id, statement, content_hash, stored, voided, voids_id, ref_id, actor_ifi, verb_id, activity_id, registration) FROM STDIN (FORMAT BINARY)";
        private const string LinksCopy = "COPY xapi_statement_links (tenant_id, key, sequence) FROM STDIN (FORMAT BINARY)";

        private readonly PgBinaryCopyBuffer _statements;
        private readonly PgBinaryCopyBuffer? _links;
        // Where each row's sequence is, and the sequence written there.
        private readonly List<(PgBinaryCopyBuffer Buffer, int Offset, long Sequence)> _sequences = [];

        private EncodedRows(PgBinaryCopyBuffer statements, PgBinaryCopyBuffer? links)
        {
            _statements = statements;
            _links = links;
        }

        public static EncodedRows Encode(int tenantId, DateTime stored, List<StatementRow> rows)
        {
            stored = DateTime.SpecifyKind(stored, DateTimeKind.Utc);
            var statements = new PgBinaryCopyBuffer(rows.Sum(r => r.Statement.Json.Length * 3 + 512) + 64);
            var linkCount = rows.Sum(r => r.LinkKeys!.Count);
            var encoded = new EncodedRows(statements, linkCount == 0 ? null : new PgBinaryCopyBuffer(linkCount * 40 + 64));
            foreach (var row in rows)
            {
                var ix = row.Statement.Index;
                statements.StartRow(13);
                statements.Int32(tenantId);
                encoded._sequences.Add((statements, statements.Int64(row.Sequence), row.Sequence));
                statements.Text(ix.Id);
                statements.Text(row.Statement.Json);
                statements.Text(row.Statement.ContentHash);
                statements.TimestampTz(stored);
                statements.Boolean(row.ArrivesVoided);
                statements.Text(ix.VoidsId);
                statements.Text(ix.RefId);
                statements.Text(ix.ActorIfi);
                statements.Text(ix.VerbId);
                statements.Text(ix.ActivityId);
                statements.Text(ix.Registration);
                foreach (var key in row.LinkKeys!)
                {
                    var links = encoded._links!;
                    links.StartRow(3);
                    links.Int32(tenantId);
                    links.Bytea(key);
                    encoded._sequences.Add((links, links.Int64(row.Sequence), row.Sequence));
                }
            }
            return encoded;
        }

        /// <summary>Adds <paramref name="offset"/> to every row's sequence (the rows were encoded numbered from 1).</summary>
        public void MoveSequences(long offset)
        {
            foreach (var (buffer, at, sequence) in _sequences) buffer.PatchInt64(at, sequence + offset);
        }

        /// <summary>Runs the COPYs in the connection's open transaction (the batch's).</summary>
        public async Task CopyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
        {
            if (_sequences.Count == 0) return;
            await _statements.CopyAsync(connection, StatementsCopy, cancellationToken).ConfigureAwait(false);
            if (_links is not null) await _links.CopyAsync(connection, LinksCopy, cancellationToken).ConfigureAwait(false);
        }

        public void Dispose()
        {
            _statements.Dispose();
            _links?.Dispose();
        }
    }

    /// <summary>SQLite: prepared single-row INSERTs — in-process, so a row costs no round trip.</summary>
    private static async Task InsertRowByRowAsync(DbConnection connection, DbTransaction transaction, int tenantId, DateTime stored,
        List<StatementRow> rows, CancellationToken cancellationToken)
    {
        await using var insert = Command(connection, transaction,
            "INSERT INTO xapi_statements (tenant_id, sequence, id, statement, content_hash, stored, voided, voids_id, ref_id, actor_ifi, verb_id, activity_id, registration) " +
            "VALUES (@tenant, @sequence, @id, @statement, @hash, @stored, @voided, @voids, @ref, @actor, @verb, @activity, @registration)");
        foreach (var name in new[] { "sequence", "id", "statement", "hash", "voided", "voids", "ref", "actor", "verb", "activity", "registration" }) Add(insert, name, DBNull.Value);
        Add(insert, "tenant", tenantId);
        AddInstant(insert, "stored", stored);
        await using var link = Command(connection, transaction,
            "INSERT INTO xapi_statement_links (tenant_id, kind, value, sequence) VALUES (@tenant, @kind, @value, @sequence)");
        foreach (var name in new[] { "kind", "value", "sequence" }) Add(link, name, DBNull.Value);
        Add(link, "tenant", tenantId);
        foreach (var row in rows)
        {
            var ix = row.Statement.Index;
            Set(insert, "sequence", row.Sequence);
            Set(insert, "id", ix.Id);
            Set(insert, "statement", row.Statement.Json);
            Set(insert, "hash", row.Statement.ContentHash);
            Set(insert, "voided", row.ArrivesVoided);
            Set(insert, "voids", ix.VoidsId);
            Set(insert, "ref", ix.RefId);
            Set(insert, "actor", ix.ActorIfi);
            Set(insert, "verb", ix.VerbId);
            Set(insert, "activity", ix.ActivityId);
            Set(insert, "registration", ix.Registration);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            Set(link, "sequence", row.Sequence);
            foreach (var (kind, value) in Links(ix))
            {
                Set(link, "kind", kind);
                Set(link, "value", value);
                await link.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<Dictionary<string, string>> ExistingHashesAsync(DbConnection connection, DbTransaction transaction, int tenantId,
        IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        // Chunks keep the parameter count well under SQLite's and PostgreSQL's limits for big batches.
        foreach (var chunk in ids.Chunk(500))
        {
            await using var command = Command(connection, transaction, "");
            var sql = new StringBuilder("SELECT id, content_hash FROM xapi_statements WHERE tenant_id = @tenant AND id IN (");
            Add(command, "tenant", tenantId);
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append("@id").Append(i);
                Add(command, "id" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
            }
            command.CommandText = sql.Append(')').ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) result[reader.GetString(0)] = reader.GetString(1);
        }
        return result;
    }

    private static async Task<HashSet<string>> VoidedTargetsAsync(DbConnection connection, DbTransaction transaction, int tenantId,
        IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(500))
        {
            await using var command = Command(connection, transaction, "");
            var sql = new StringBuilder("SELECT voids_id FROM xapi_statements WHERE tenant_id = @tenant AND voids_id IN (");
            Add(command, "tenant", tenantId);
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append("@id").Append(i);
                Add(command, "id" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
            }
            command.CommandText = sql.Append(')').ToString();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) result.Add(reader.GetString(0));
        }
        return result;
    }

    /// <summary>
    /// One Statement by id (C §2.1.3): with <paramref name="voided"/> false only if it is not voided (statementId), with
    /// true only if it is (voidedStatementId).
    /// </summary>
    public async Task<XapiStoredStatement?> GetAsync(int tenantId, string id, bool voided, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT sequence, statement, stored FROM xapi_statements WHERE tenant_id = @tenant AND id = @id AND " + (voided ? "voided" : "NOT voided"));
        Add(command, "tenant", tenantId);
        Add(command, "id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? Read(reader) : null;
    }

    /// <summary>
    /// A page of non-voided Statements matching <paramref name="query"/>, newest stored first unless ascending (C §2.1.3),
    /// fetching one row more than the limit to know whether there is a next page. Parameterised SQL only.
    /// </summary>
    /// <remarks>
    /// C §2.1.3 "Filter Conditions for StatementRefs": with any of agent, verb, activity, registration, a Statement whose
    /// object is a StatementRef also matches when the Statement it targets matches (voided or not), recursively;
    /// since/until/limit apply to the referring Statement itself. That is a second, separately ordered and limited branch
    /// over the (few) referring Statements, so the direct branch keeps its index path; the two are merged by sequence.
    /// </remarks>
    public async Task<XapiPage> QueryAsync(int tenantId, XapiStatementQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "");
        Add(command, "tenant", tenantId);
        // Each filter is a list of alternatives (ORed), each a format string over the Statement's alias ({0}) that one index
        // serves: a column of the Statement, or its links (<see cref="Links"/> leaves out what the columns hold).
        var filters = new List<string[]>();
        if (query.VerbId is { } verb) { filters.Add(["{0}.verb_id = @verb"]); Add(command, "verb", verb); }
        if (query.Registration is { } registration) { filters.Add(["{0}.registration = @registration"]); Add(command, "registration", registration); }
        var postgres = connection is NpgsqlConnection;
        if (query.AgentIfi is { } agent)
        {
            Add(command, "agent", agent);
            filters.Add(["{0}.actor_ifi = @agent", Link("agent_link", query.RelatedAgents ? XapiLinkKind.RelatedAgent : XapiLinkKind.Agent, agent)]);
        }
        if (query.ActivityId is { } activity)
        {
            Add(command, "activity", activity);
            filters.Add(query.RelatedActivities
                ? ["{0}.activity_id = @activity", Link("activity_link", XapiLinkKind.RelatedActivity, activity)]
                : ["{0}.activity_id = @activity"]);
        }
        var window = new StringBuilder(" AND NOT s.voided");
        if (query.Since is { } since) { window.Append(" AND s.stored > @since"); AddInstant(command, "since", since); }
        if (query.Until is { } until) { window.Append(" AND s.stored <= @until"); AddInstant(command, "until", until); }
        if (query.After is { } after) { window.Append(query.Ascending ? " AND s.sequence > @after" : " AND s.sequence < @after"); Add(command, "after", after); }
        var order = query.Ascending ? " ORDER BY sequence ASC" : " ORDER BY sequence DESC";
        var limited = order.Replace("sequence", "s.sequence", StringComparison.Ordinal) + " LIMIT @limit";
        Add(command, "limit", query.Limit + 1);

        const string Select = "SELECT s.sequence, s.statement, s.stored FROM xapi_statements s WHERE s.tenant_id = @tenant";
        if (filters.Count == 0)
        {
            command.CommandText = Select + window + limited;
        }
        else
        {
            // The direct matches: one ordered, limited branch per alternative of the first filter with alternatives, so
            // each branch walks its own index in sequence order (an OR of two indexes in one scan would not); the other
            // filters apply as written. A Statement found by both branches (links written before the columns were left
            // out of them) is one row after the UNION.
            var split = filters.FindIndex(f => f.Length > 1);
            var branches = split < 0 ? [filters] : filters[split].Select(alternative => filters.Select((f, i) => i == split ? [alternative] : f).ToList());
            var direct = branches.Select(branch =>
                "SELECT * FROM (" + Select + string.Concat(branch.Select(f => " AND " + Condition(f, "s"))) + window + limited + ") d");
            var targetFilters = string.Concat(filters.Select(f => " AND " + Condition(f, "t")));
            command.CommandText =
                "WITH RECURSIVE refs(id) AS (" +
                "SELECT r.id FROM xapi_statements r JOIN xapi_statements t ON t.tenant_id = r.tenant_id AND t.id = r.ref_id " +
                "WHERE r.tenant_id = @tenant AND r.ref_id IS NOT NULL" + targetFilters +
                " UNION SELECT r.id FROM xapi_statements r JOIN refs ON r.ref_id = refs.id WHERE r.tenant_id = @tenant) " +
                "SELECT sequence, statement, stored FROM (" + string.Join(" UNION ", direct) + " UNION " +
                "SELECT * FROM (SELECT s.sequence, s.statement, s.stored FROM xapi_statements s JOIN refs ON s.id = refs.id WHERE s.tenant_id = @tenant" + window +
                limited + ") r) m" + order + " LIMIT @limit";
        }
        var rows = new List<XapiStoredStatement>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(Read(reader));
        var more = rows.Count > query.Limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new XapiPage(rows, more);

        static string Condition(string[] alternatives, string alias) =>
            string.Format(CultureInfo.InvariantCulture, alternatives.Length == 1 ? alternatives[0] : "(" + string.Join(" OR ", alternatives) + ")", alias);

        string Link(string parameter, string kind, string value)
        {
            if (postgres)
            {
                ((NpgsqlCommand)command).Parameters.Add(new NpgsqlParameter(parameter, NpgsqlDbType.Bytea) { Value = XapiLinkKind.Key(kind, value) });
                return $"EXISTS (SELECT 1 FROM xapi_statement_links l WHERE l.tenant_id = {{0}}.tenant_id AND l.key = @{parameter} AND l.sequence = {{0}}.sequence)";
            }
            Add(command, parameter, value);
            return $"EXISTS (SELECT 1 FROM xapi_statement_links l WHERE l.tenant_id = {{0}}.tenant_id AND l.kind = '{kind}' AND l.value = @{parameter} AND l.sequence = {{0}}.sequence)";
        }
    }

    /// <summary>
    /// The <c>X-Experience-API-Consistent-Through</c> instant (C §2.1.3): every Statement stored at or before it is
    /// visible. Writes commit in stored order under the tenant lock, so it is the last committed <c>stored</c>; with no
    /// Statements yet, the current time less a margin no open write can predate.
    /// </summary>
    public async Task<DateTime> ConsistentThroughAsync(int tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT stored FROM xapi_statements WHERE tenant_id = @tenant ORDER BY sequence DESC LIMIT 1");
        Add(command, "tenant", tenantId);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DateTime d ? DateTime.SpecifyKind(d, DateTimeKind.Utc)
            : value is string s ? DateTime.SpecifyKind(DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc)
            : DateTime.UtcNow.AddSeconds(-1);
    }

    /// <summary>How many Statements a tenant has (voided included): for tests and operators.</summary>
    public async Task<long> CountAsync(int tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT COUNT(*) FROM xapi_statements WHERE tenant_id = @tenant");
        Add(command, "tenant", tenantId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private static XapiStoredStatement Read(DbDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), DateTime.SpecifyKind(reader.GetDateTime(2), DateTimeKind.Utc));

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    private static void Set(DbCommand command, string name, object? value) => command.Parameters[name].Value = value ?? DBNull.Value;

    private static void AddInstant(DbCommand command, string name, DateTime value)
    {
        if (command is NpgsqlCommand npgsql) npgsql.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = DateTime.SpecifyKind(value, DateTimeKind.Utc) });
        else Add(command, name, value);
    }
}
