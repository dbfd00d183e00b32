using System.Data.Common;
using Npgsql;

namespace Koumu.Interop.Storage.Changes;

/// <summary>A tenant claimed by a publisher: its changes after <see cref="PublishedVersion"/> are this process's to publish until the lease ends.</summary>
public sealed record PublisherClaim(int TenantId, long PublishedVersion, Guid Owner);

/// <summary>
/// The durable progress of the publishers that forward the outbox to a broker (issue #4 §5, NATS JetStream): one
/// <c>publisher_progress</c> row per publisher and tenant, claimed with the delivery queue's lease (<see cref="Lease"/>),
/// so among several hub processes one publishes a tenant's changes at a time and in version order, and one that dies
/// leaves the tenant to another when its lease ends. The published version moves only after the broker's acknowledgement.
/// </summary>
public sealed class PublisherStore(RosterStore store)
{
    public DatabaseProvider Provider => store.Options.Provider;

    /// <summary>Adds a progress row (from version 0: every change is published) for each tenant that has none yet.</summary>
    public async Task EnsureTenantsAsync(string publisher, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "INSERT INTO publisher_progress (publisher, tenant_id, published_version, lease_until) SELECT @publisher, t.id, 0, @epoch FROM tenants t " +
            "WHERE NOT EXISTS (SELECT 1 FROM publisher_progress p WHERE p.publisher = @publisher AND p.tenant_id = t.id) ON CONFLICT DO NOTHING");
        ChangeLog.Add(command, "publisher", publisher);
        ChangeLog.AddInstant(command, "epoch", DateTime.UnixEpoch);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Claims up to <paramref name="count"/> tenants that have unpublished changes and are not held by another process,
    /// leasing them for <paramref name="lease"/> (the same claim as the webhook queue: <see cref="Lease.ClaimSql"/>).
    /// </summary>
    public async Task<IReadOnlyList<PublisherClaim>> ClaimAsync(string publisher, int count, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var owner = Guid.NewGuid();
        await using var command = Command(connection, Lease.ClaimSql(connection is NpgsqlConnection, "publisher_progress",
            "lease_until = @leased, lease_owner = @owner", "publisher = @publisher AND tenant_id",
            "SELECT p.tenant_id FROM publisher_progress p JOIN tenants t ON t.id = p.tenant_id " +
            "WHERE p.publisher = @publisher AND p.lease_until <= @now AND p.published_version < t.change_version ORDER BY p.lease_until, p.tenant_id",
            "p", "tenant_id, published_version"));
        var now = DateTime.UtcNow;
        ChangeLog.Add(command, "publisher", publisher);
        ChangeLog.Add(command, "owner", owner);
        ChangeLog.AddInstant(command, "now", now);
        ChangeLog.AddInstant(command, "leased", now + lease);
        ChangeLog.Add(command, "count", count);
        var list = new List<PublisherClaim>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new PublisherClaim(reader.GetInt32(0), reader.GetInt64(1), owner));
        return list;
    }

    /// <summary>The claimed tenant's changes after <paramref name="after"/>, in version order (at most <paramref name="limit"/>).</summary>
    public async Task<IReadOnlyList<ChangeEntry>> ReadAsync(int tenantId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var (changes, _) = await ChangeFeed.ReadAsync(connection, Provider, tenantId, after, ChangeAudience.Everything(), limit, cancellationToken)
            .ConfigureAwait(false);
        return changes;
    }

    /// <summary>
    /// Records that the broker acknowledged every change up to <paramref name="version"/> and gives the tenant up (its lease
    /// ends now, so any process may claim its next changes). Returns false when the claim was no longer this process's
    /// (its lease ran out and another process claimed the tenant): then nothing is recorded — what was published twice is
    /// deduplicated by the broker (stable message ids).
    /// </summary>
    public async Task<bool> ReleaseAsync(string publisher, PublisherClaim claim, long version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection,
            "UPDATE publisher_progress SET published_version = @version, lease_until = @now, lease_owner = NULL " +
            "WHERE publisher = @publisher AND tenant_id = @tenant AND lease_owner = @owner AND published_version <= @version");
        ChangeLog.Add(command, "version", version);
        ChangeLog.AddInstant(command, "now", DateTime.UtcNow);
        ChangeLog.Add(command, "publisher", publisher);
        ChangeLog.Add(command, "tenant", claim.TenantId);
        ChangeLog.Add(command, "owner", claim.Owner);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>The tenant's last acknowledged version for <paramref name="publisher"/> (0 before any).</summary>
    public async Task<long> PublishedVersionAsync(string publisher, int tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, "SELECT published_version FROM publisher_progress WHERE publisher = @publisher AND tenant_id = @tenant");
        ChangeLog.Add(command, "publisher", publisher);
        ChangeLog.Add(command, "tenant", tenantId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : 0;
    }

    private static DbCommand Command(DbConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
