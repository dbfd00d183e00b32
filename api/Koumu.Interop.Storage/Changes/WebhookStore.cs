using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Koumu.Interop.Storage.Changes;

/// <summary>A delivery claimed by a dispatcher, with what it needs to send it.</summary>
public sealed record ClaimedDelivery(long Id, Guid SubscriptionId, int TenantId, long Version, string Resource, string SourcedId, string Operation,
    DateTime ChangedAt, int Attempts);

/// <summary>
/// The durable delivery queue (issue #4 §3, §5). Fan-out turns a subscription's new visible changes into
/// <c>webhook_deliveries</c> rows (one per change × subscription, unique, so a repeated fan-out adds nothing); dispatchers
/// claim due rows with a lease (<c>FOR UPDATE SKIP LOCKED</c> on PostgreSQL, so several hub processes share the work and
/// each row goes to one of them; SQLite has one dispatcher). A claimed row's next attempt moves to the end of the lease:
/// a process that dies mid-send leaves it to be claimed again after the lease — at-least-once across restarts.
/// </summary>
public sealed class WebhookStore(RosterStore store)
{
    /// <summary>How many versions one fan-out step covers (bounds the statement after a prefecture's first load).</summary>
    public const int FanOutWindow = 10_000;

    public Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => store.OpenConnectionAsync(cancellationToken);

    public DatabaseProvider Provider => store.Options.Provider;

    /// <summary>
    /// Adds deliveries for the subscription's changes after its cursor (at most <see cref="FanOutWindow"/> versions) that
    /// <paramref name="audience"/> may see, and moves the cursor, in one transaction. Returns the deliveries added, or -1
    /// when another process holds the subscription (PostgreSQL).
    /// </summary>
    public async Task<int> FanOutAsync(Guid subscriptionId, int tenantId, ChangeAudience audience, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var postgres = connection is NpgsqlConnection;
        long cursor;
        await using (var read = Command(connection, transaction,
            "SELECT s.cursor_version, t.change_version FROM webhook_subscriptions s JOIN tenants t ON t.id = s.tenant_id " +
            "WHERE s.id = @id AND s.status = 'active'" + (postgres ? " FOR UPDATE OF s SKIP LOCKED" : "")))
        {
            ChangeLog.Add(read, "id", subscriptionId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return -1;
            cursor = reader.GetInt64(0);
            var current = reader.GetInt64(1);
            if (current <= cursor) return 0;
            var upTo = Math.Min(current, cursor + FanOutWindow);
            await reader.DisposeAsync().ConfigureAwait(false);
            var added = 0;
            if (ChangeFeed.Predicate(audience, Provider, tenantId) is { } predicate)
            {
                await using var insert = Command(connection, transaction,
                    "INSERT INTO webhook_deliveries (subscription_id, tenant_id, version, resource, sourced_id, operation, changed_at, status, attempts, next_attempt_at) " +
                    $"SELECT @sub, c.tenant_id, c.version, c.resource, c.sourced_id, c.operation, c.changed_at, '{WebhookDeliveryStatus.Pending}', 0, @now " +
                    $"FROM changes c WHERE {predicate.Sql} AND c.version > @cursor AND c.version <= @upto ON CONFLICT DO NOTHING");
                foreach (var p in predicate.Parameters) ChangeLog.Add(insert, p.Name, p.Value);
                ChangeLog.Add(insert, "sub", subscriptionId);
                ChangeLog.AddInstant(insert, "now", DateTime.UtcNow);
                ChangeLog.Add(insert, "cursor", cursor);
                ChangeLog.Add(insert, "upto", upTo);
                added = await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var move = Command(connection, transaction, "UPDATE webhook_subscriptions SET cursor_version = @upto WHERE id = @id"))
            {
                ChangeLog.Add(move, "upto", upTo);
                ChangeLog.Add(move, "id", subscriptionId);
                await move.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return added;
        }
    }

    /// <summary>Claims up to <paramref name="count"/> due pending deliveries of active subscriptions, leasing them for <paramref name="lease"/>.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(int count, TimeSpan lease, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var postgres = connection is NpgsqlConnection;
        await using var command = Command(connection, null, Lease.ClaimSql(postgres, "webhook_deliveries", "next_attempt_at = @leased", "id",
            $"SELECT d.id FROM webhook_deliveries d WHERE d.status = '{WebhookDeliveryStatus.Pending}' AND d.next_attempt_at <= @now ORDER BY d.next_attempt_at, d.id",
            "d", "id, subscription_id, tenant_id, version, resource, sourced_id, operation, changed_at, attempts"));
        var now = DateTime.UtcNow;
        ChangeLog.AddInstant(command, "now", now);
        ChangeLog.AddInstant(command, "leased", now + lease);
        ChangeLog.Add(command, "count", count);
        var list = new List<ClaimedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ClaimedDelivery(reader.GetInt64(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), DateTime.SpecifyKind(reader.GetDateTime(7), DateTimeKind.Utc), reader.GetInt32(8)));
        }
        return list;
    }

    public Task MarkDeliveredAsync(long id, int statusCode, CancellationToken cancellationToken) =>
        MarkDeliveredAsync([(id, statusCode)], cancellationToken);

    /// <summary>Records a batch of successful deliveries in one statement per status code (not one round trip per delivery).</summary>
    public async Task MarkDeliveredAsync(IReadOnlyCollection<(long Id, int StatusCode)> deliveries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deliveries);
        if (deliveries.Count == 0) return;
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var now = DateTime.UtcNow;
        foreach (var group in deliveries.GroupBy(d => d.StatusCode))
        {
            foreach (var chunk in group.Select(d => d.Id).Chunk(500))
            {
                await using var command = Command(connection, null, "");
                string ids;
                if (connection is NpgsqlConnection)
                {
                    ChangeLog.Add(command, "ids", chunk);
                    ids = "= ANY(@ids)";
                }
                else
                {
                    for (var i = 0; i < chunk.Length; i++) ChangeLog.Add(command, "id" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
                    ids = "IN (" + string.Join(", ", chunk.Select((_, i) => "@id" + i.ToString(CultureInfo.InvariantCulture))) + ")";
                }
                command.CommandText =
                    $"UPDATE webhook_deliveries SET status = '{WebhookDeliveryStatus.Delivered}', attempts = attempts + 1, last_status_code = @code, " +
                    $"last_error = NULL, delivered_at = @now WHERE id {ids}";
                ChangeLog.Add(command, "code", group.Key);
                ChangeLog.AddInstant(command, "now", now);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A failed attempt: try again at <paramref name="retryAt"/>, or dead when null.</summary>
    public async Task MarkFailedAsync(long id, int? statusCode, string error, DateTime? retryAt, CancellationToken cancellationToken)
    {
        var status = retryAt is null ? WebhookDeliveryStatus.Dead : WebhookDeliveryStatus.Pending;
        await ExecuteAsync(
            "UPDATE webhook_deliveries SET status = @status, attempts = attempts + 1, last_status_code = @code, last_error = @error, " +
            "next_attempt_at = @next WHERE id = @id",
            cancellationToken, ("status", status), ("code", (object?)statusCode ?? DBNull.Value), ("error", error.Length > 500 ? error[..500] : error),
            ("next", retryAt ?? DateTime.UtcNow), ("id", id)).ConfigureAwait(false);
    }

    /// <summary>410 Gone: the subscription stops; its undelivered deliveries are cancelled (Standard Webhooks "disable the endpoint").</summary>
    public async Task DisableAsync(Guid subscriptionId, long deliveryId, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var disable = Command(connection, transaction,
            $"UPDATE webhook_subscriptions SET status = '{WebhookSubscriptionStatus.Disabled}', disabled_reason = @reason WHERE id = @id"))
        {
            ChangeLog.Add(disable, "reason", reason);
            ChangeLog.Add(disable, "id", subscriptionId);
            await disable.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var cancel = Command(connection, transaction,
            $"UPDATE webhook_deliveries SET status = '{WebhookDeliveryStatus.Cancelled}', attempts = attempts + CASE WHEN id = @delivery THEN 1 ELSE 0 END, " +
            $"last_status_code = CASE WHEN id = @delivery THEN 410 ELSE last_status_code END WHERE subscription_id = @id AND status = '{WebhookDeliveryStatus.Pending}'"))
        {
            ChangeLog.Add(cancel, "delivery", deliveryId);
            ChangeLog.Add(cancel, "id", subscriptionId);
            await cancel.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The subscription's dead letters, newest version first.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeadLettersAsync(Guid subscriptionId, int limit, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.SubscriptionId == subscriptionId && d.Status == WebhookDeliveryStatus.Dead)
            .OrderByDescending(d => d.Version).Take(limit).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Manual redelivery: dead letters (one, or all when <paramref name="deliveryId"/> is null) go back to the queue with fresh attempts.</summary>
    public async Task<int> RedeliverAsync(Guid subscriptionId, long? deliveryId, CancellationToken cancellationToken)
    {
        var sql = $"UPDATE webhook_deliveries SET status = '{WebhookDeliveryStatus.Pending}', attempts = 0, next_attempt_at = @now " +
            $"WHERE subscription_id = @sub AND status = '{WebhookDeliveryStatus.Dead}'" + (deliveryId is null ? "" : " AND id = @id");
        return deliveryId is { } id
            ? await ExecuteAsync(sql, cancellationToken, ("now", DateTime.UtcNow), ("sub", subscriptionId), ("id", id)).ConfigureAwait(false)
            : await ExecuteAsync(sql, cancellationToken, ("now", DateTime.UtcNow), ("sub", subscriptionId)).ConfigureAwait(false);
    }

    /// <summary>The tenant's current change version: where a new subscription starts (it receives changes from now on).</summary>
    public async Task<long> CurrentVersionAsync(int tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ChangeFeed.CurrentVersionAsync(connection, tenantId, cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, sql);
        foreach (var (name, value) in parameters)
        {
            if (value is DateTime instant) ChangeLog.AddInstant(command, name, instant);
            else ChangeLog.Add(command, name, value);
        }
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    internal static string Join(IReadOnlyCollection<string>? values) => values is null ? "" : string.Join(',', values);

    internal static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
