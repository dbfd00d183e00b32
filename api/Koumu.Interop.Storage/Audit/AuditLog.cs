using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Koumu.Interop.Storage.Audit;

/// <summary>
/// One access to personal data (or an administrative act), as the education information security guideline asks boards
/// to keep (教育情報セキュリティポリシーに関するガイドライン: access logs of 重要性分類 II/III assets; japan.md §3.5): who
/// (client), when, which tenant, what (resource, target, query), how much (records) and the asset's 重要性分類.
/// </summary>
public sealed record AuditEntry(
    DateTime At, string Tenant, string ClientId, string Action, string Resource, string? Target, string? Query, int Records,
    string Classification, int Status);

/// <summary>The stored form of <see cref="AuditEntry"/> (table <c>audit_events</c>, append-only).</summary>
public sealed class AuditEventRow
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>The tenant code, not its id: the trail outlives a tenant's deletion and is read per tenant code.</summary>
    public required string Tenant { get; set; }
    public required string ClientId { get; set; }
    public required string Action { get; set; }
    public required string Resource { get; set; }
    public string? Target { get; set; }
    public string? Query { get; set; }
    public int Records { get; set; }
    public required string Classification { get; set; }
    public int Status { get; set; }
}

internal static class AuditModel
{
    public static void Configure(ModelBuilder modelBuilder, DatabaseProvider provider)
    {
        modelBuilder.Entity<AuditEventRow>(b =>
        {
            b.ToTable("audit_events");
            b.Property(e => e.Id).HasColumnName("id").ValueGeneratedOnAdd();
            b.Property(e => e.At).HasColumnName("at");
            b.Property(e => e.Tenant).HasColumnName("tenant").HasMaxLength(64);
            b.Property(e => e.ClientId).HasColumnName("client_id").HasMaxLength(200);
            b.Property(e => e.Action).HasColumnName("action").HasMaxLength(16);
            b.Property(e => e.Resource).HasColumnName("resource").HasMaxLength(100);
            b.Property(e => e.Target).HasColumnName("target").HasMaxLength(AuditLog.MaxText);
            b.Property(e => e.Query).HasColumnName("query").HasMaxLength(AuditLog.MaxText);
            b.Property(e => e.Records).HasColumnName("records");
            b.Property(e => e.Classification).HasColumnName("classification").HasMaxLength(4);
            b.Property(e => e.Status).HasColumnName("status");
            if (provider == DatabaseProvider.Postgres)
            {
                b.Property(e => e.Tenant).UseCollation("C");
                b.Property(e => e.ClientId).UseCollation("C");
            }
            b.HasKey(e => e.Id);
            // The admin API reads a tenant's trail newest first, optionally for one client.
            b.HasIndex(e => new { e.Tenant, e.Id });
            b.HasIndex(e => new { e.Tenant, e.ClientId, e.Id });
        });
    }
}

/// <summary>
/// The audit trail. Requests hand entries to <see cref="RecordAsync"/>, which only queues them; one writer
/// (<see cref="RunAsync"/>) stores them in batches (one INSERT per batch), so auditing every OneRoster page costs a
/// request nothing measurable. The queue is bounded and full means wait — requests slow down rather than the trail
/// losing entries. What is queued when the host stops is written by <see cref="RunAsync"/> before it returns; a crash
/// loses at most the entries of the last moment (documented in docs/decisions/0011-audit-trail.md).
/// </summary>
public sealed class AuditLog(RosterStore store)
{
    public const int MaxText = 1000;
    private const int BatchSize = 500;

    private readonly Channel<object> queue = Channel.CreateBounded<object>(new BoundedChannelOptions(20_000)
    {
        FullMode = BoundedChannelFullMode.Wait, SingleReader = true,
    });

    public ValueTask RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default) => queue.Writer.WriteAsync(
        entry with { Target = Clip(entry.Target), Query = Clip(entry.Query) }, cancellationToken);

    /// <summary>Waits until every entry recorded before the call is stored (readers of the trail call it first).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await queue.Writer.WriteAsync(done, cancellationToken).ConfigureAwait(false);
        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops accepting entries; <see cref="RunAsync"/> then writes what is queued and returns.</summary>
    public void Complete() => queue.Writer.TryComplete();

    /// <summary>The writer loop: runs until <see cref="Complete"/>, writing batches as they accumulate.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var batch = new List<AuditEntry>(BatchSize);
        var waiting = new List<TaskCompletionSource>();
        while (await queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (batch.Count < BatchSize && queue.Reader.TryRead(out var item))
            {
                if (item is AuditEntry entry) batch.Add(entry);
                else waiting.Add((TaskCompletionSource)item);
            }
            // The database may be unreachable for a while: retry the same batch until it is stored, so no entry is
            // dropped (FlushAsync callers wait meanwhile; requests wait once the queue is full).
            while (batch.Count > 0)
            {
                try
                {
                    await WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (e is DbException or InvalidOperationException or TimeoutException)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
            }
            foreach (var w in waiting) w.TrySetResult();
            batch.Clear();
            waiting.Clear();
        }
    }

    private async Task WriteAsync(List<AuditEntry> batch, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (connection is NpgsqlConnection npgsql)
        {
            await using var insert = new NpgsqlCommand(
                "INSERT INTO audit_events (at, tenant, client_id, action, resource, target, query, records, classification, status) " +
                "SELECT * FROM unnest(@at, @tenant, @client, @action, @resource, @target, @query, @records, @classification, @status)", npgsql);
            insert.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = batch.Select(e => DateTime.SpecifyKind(e.At, DateTimeKind.Utc)).ToArray() });
            AddText(insert, "tenant", batch.Select(e => (string?)e.Tenant));
            AddText(insert, "client", batch.Select(e => (string?)e.ClientId));
            AddText(insert, "action", batch.Select(e => (string?)e.Action));
            AddText(insert, "resource", batch.Select(e => (string?)e.Resource));
            AddText(insert, "target", batch.Select(e => e.Target));
            AddText(insert, "query", batch.Select(e => e.Query));
            insert.Parameters.Add(new NpgsqlParameter<int[]>("records", [.. batch.Select(e => e.Records)]));
            AddText(insert, "classification", batch.Select(e => (string?)e.Classification));
            insert.Parameters.Add(new NpgsqlParameter<int[]>("status", [.. batch.Select(e => e.Status)]));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO audit_events (at, tenant, client_id, action, resource, target, query, records, classification, status) " +
                              "VALUES (@at, @tenant, @client, @action, @resource, @target, @query, @records, @classification, @status)";
        foreach (var name in new[] { "at", "tenant", "client", "action", "resource", "target", "query", "records", "classification", "status" })
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            command.Parameters.Add(p);
        }
        foreach (var e in batch)
        {
            object?[] values = [e.At, e.Tenant, e.ClientId, e.Action, e.Resource, e.Target, e.Query, e.Records, e.Classification, e.Status];
            for (var i = 0; i < values.Length; i++) command.Parameters[i].Value = values[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page of a tenant's trail, newest first, after the id <paramref name="before"/> (keyset paging).</summary>
    public async Task<IReadOnlyList<AuditEventRow>> ReadAsync(string tenant, string? clientId, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var query = db.Set<AuditEventRow>().AsNoTracking().Where(e => e.Tenant == tenant);
        if (clientId is not null) query = query.Where(e => e.ClientId == clientId);
        if (before is { } b) query = query.Where(e => e.Id < b);
        return await query.OrderByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddText(NpgsqlCommand command, string name, IEnumerable<string?> values) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() });

    private static string? Clip(string? text) =>
        text is null || text.Length <= MaxText ? text : string.Concat(text.AsSpan(0, MaxText - 1), "…");
}
