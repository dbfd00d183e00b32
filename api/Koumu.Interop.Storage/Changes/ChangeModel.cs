using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Storage.Changes;

/// <summary>What happened to a record (issue #4 "including deletions"): OneRoster deletes are soft (status tobedeleted).</summary>
public static class ChangeOperation
{
    public const string Upsert = "upsert";
    public const string Delete = "delete";
}

/// <summary>
/// One row of the transactional outbox (docs/decisions/0006-change-feed.md): a record of <see cref="Resource"/> (the
/// OneRoster file / collection name, e.g. <c>users</c>, <c>results</c>) changed in the import that committed as tenant
/// version <see cref="Version"/>. Versions are per tenant and strictly increasing in commit order.
/// </summary>
public sealed class ChangeEntry
{
    public int TenantId { get; set; }

    public long Version { get; set; }

    public required string Resource { get; set; }

    public required string SourcedId { get; set; }

    public required string Operation { get; set; }

    public DateTime ChangedAt { get; set; }
}

public static class WebhookSubscriptionStatus
{
    public const string Active = "active";
    /// <summary>The receiver answered 410 Gone (Standard Webhooks: the endpoint asks to be disabled).</summary>
    public const string Disabled = "disabled";
}

/// <summary>A client's webhook endpoint: where to deliver, which changes, and its signing secrets (encrypted at rest).</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }

    public int TenantId { get; set; }

    /// <summary>The OAuth client the deliveries are for: its orgs confine what the subscription sees.</summary>
    public required string ClientId { get; set; }

    public required string Url { get; set; }

    /// <summary>Comma-separated resource names, or null for every resource the client may see.</summary>
    public string? Resources { get; set; }

    /// <summary>Comma-separated org sourcedIds (each with the orgs below it), or null for every org the client may see.</summary>
    public string? Orgs { get; set; }

    public required string Status { get; set; }

    public string? DisabledReason { get; set; }

    /// <summary>The current secret, encrypted (AES-GCM) with a key derived from the hub's signing key.</summary>
    public required byte[] Secret { get; set; }

    /// <summary>The secret before the last rotation, still signed with until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public byte[]? PreviousSecret { get; set; }

    public DateTime? PreviousSecretExpiresAt { get; set; }

    /// <summary>The last tenant change version fanned out into deliveries for this subscription.</summary>
    public long CursorVersion { get; set; }

    public DateTime CreatedAt { get; set; }
}

public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    /// <summary>Gave up after the maximum attempts (or a permanent refusal): listed as a dead letter, redeliverable.</summary>
    public const string Dead = "dead";
    /// <summary>Its subscription was disabled (410 Gone) before it was delivered.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>One change to deliver to one subscription, with its retry state (the dispatcher's durable queue).</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }

    public Guid SubscriptionId { get; set; }

    public int TenantId { get; set; }

    public long Version { get; set; }

    public required string Resource { get; set; }

    public required string SourcedId { get; set; }

    public required string Operation { get; set; }

    public DateTime ChangedAt { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTime? DeliveredAt { get; set; }
}

/// <summary>
/// How far a publisher (the NATS JetStream publisher, issue #4 §5) has published one tenant's changes, and who holds the
/// tenant right now. The row is the unit of work: a process claims it with a lease (the same claim as the webhook
/// delivery queue, <see cref="Lease"/>), publishes the changes after <see cref="PublishedVersion"/> in version order, and
/// moves the version only after the broker acknowledged them — at-least-once across restarts and processes.
/// </summary>
public sealed class PublisherProgress
{
    /// <summary>Which publisher and destination, e.g. <c>nats:KOUMU_CHANGES</c> (a new stream starts from the beginning).</summary>
    public required string Publisher { get; set; }

    public int TenantId { get; set; }

    /// <summary>The last tenant change version the broker acknowledged.</summary>
    public long PublishedVersion { get; set; }

    /// <summary>The holder's lease ends here; a due row (lease in the past) may be claimed.</summary>
    public DateTime LeaseUntil { get; set; }

    /// <summary>A token of the current claim: only its holder may move <see cref="PublishedVersion"/> (fencing a holder whose lease ran out).</summary>
    public Guid? LeaseOwner { get; set; }
}

/// <summary>EF Core mapping of the change tables (called from <see cref="KoumuDbContext"/>).</summary>
internal static class ChangeModel
{
    public static void Configure(ModelBuilder modelBuilder, DatabaseProvider provider)
    {
        modelBuilder.Entity<ChangeEntry>(b =>
        {
            b.ToTable("changes");
            b.Property(c => c.TenantId).HasColumnName("tenant_id");
            b.Property(c => c.Version).HasColumnName("version");
            b.Property(c => c.Resource).HasColumnName("resource").HasMaxLength(64);
            b.Property(c => c.SourcedId).HasColumnName("sourced_id");
            b.Property(c => c.Operation).HasColumnName("operation").HasMaxLength(16);
            b.Property(c => c.ChangedAt).HasColumnName("changed_at");
            if (provider == DatabaseProvider.Postgres)
            {
                // Byte-wise comparison: cheaper to index than a linguistic collation, and the same order as SQLite's BINARY.
                b.Property(c => c.SourcedId).UseCollation("C");
                b.Property(c => c.Resource).UseCollation("C");
            }
            b.HasKey(c => new { c.TenantId, c.Version });
            // The feed filtered by resource (?resource=users) and the webhook fan-out read by (tenant, resource, version).
            b.HasIndex(c => new { c.TenantId, c.Resource, c.Version });
            // No foreign key to tenants: a first load writes millions of change rows in one statement, and a per-row
            // referential check would cost more than the insert itself (measured, docs/decisions/0006). Rows are only ever
            // written by ChangeLog, for the tenant whose import lock (7301) it holds.
        });
        modelBuilder.Entity<WebhookSubscription>(b =>
        {
            b.ToTable("webhook_subscriptions");
            b.Property(s => s.Id).HasColumnName("id");
            b.Property(s => s.TenantId).HasColumnName("tenant_id");
            b.Property(s => s.ClientId).HasColumnName("client_id").HasMaxLength(128);
            b.Property(s => s.Url).HasColumnName("url").HasMaxLength(2048);
            b.Property(s => s.Resources).HasColumnName("resources");
            b.Property(s => s.Orgs).HasColumnName("orgs");
            b.Property(s => s.Status).HasColumnName("status").HasMaxLength(16);
            b.Property(s => s.DisabledReason).HasColumnName("disabled_reason");
            b.Property(s => s.Secret).HasColumnName("secret");
            b.Property(s => s.PreviousSecret).HasColumnName("previous_secret");
            b.Property(s => s.PreviousSecretExpiresAt).HasColumnName("previous_secret_expires_at");
            b.Property(s => s.CursorVersion).HasColumnName("cursor_version");
            b.Property(s => s.CreatedAt).HasColumnName("created_at");
            b.HasIndex(s => new { s.TenantId, s.ClientId });
            b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId);
        });
        modelBuilder.Entity<WebhookDelivery>(b =>
        {
            b.ToTable("webhook_deliveries");
            b.Property(d => d.Id).HasColumnName("id");
            b.Property(d => d.SubscriptionId).HasColumnName("subscription_id");
            b.Property(d => d.TenantId).HasColumnName("tenant_id");
            b.Property(d => d.Version).HasColumnName("version");
            b.Property(d => d.Resource).HasColumnName("resource").HasMaxLength(64);
            b.Property(d => d.SourcedId).HasColumnName("sourced_id");
            b.Property(d => d.Operation).HasColumnName("operation").HasMaxLength(16);
            b.Property(d => d.ChangedAt).HasColumnName("changed_at");
            b.Property(d => d.Status).HasColumnName("status").HasMaxLength(16);
            b.Property(d => d.Attempts).HasColumnName("attempts");
            b.Property(d => d.NextAttemptAt).HasColumnName("next_attempt_at");
            b.Property(d => d.LastStatusCode).HasColumnName("last_status_code");
            b.Property(d => d.LastError).HasColumnName("last_error");
            b.Property(d => d.DeliveredAt).HasColumnName("delivered_at");
            // One delivery per change and subscription: a fan-out that runs twice (two hub processes) inserts nothing twice.
            b.HasIndex(d => new { d.SubscriptionId, d.Version }).IsUnique();
            // The dispatcher's claim: due pending deliveries, oldest first.
            b.HasIndex(d => new { d.Status, d.NextAttemptAt });
            b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(d => d.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<PublisherProgress>(b =>
        {
            b.ToTable("publisher_progress");
            b.Property(p => p.Publisher).HasColumnName("publisher").HasMaxLength(128);
            b.Property(p => p.TenantId).HasColumnName("tenant_id");
            b.Property(p => p.PublishedVersion).HasColumnName("published_version");
            b.Property(p => p.LeaseUntil).HasColumnName("lease_until");
            b.Property(p => p.LeaseOwner).HasColumnName("lease_owner");
            b.HasKey(p => new { p.Publisher, p.TenantId });
            b.HasOne<Tenant>().WithMany().HasForeignKey(p => p.TenantId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
