using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>
/// One stored xAPI Statement (docs/decisions/0007-xapi-lrs.md). Rows are immutable except <see cref="Voided"/>.
/// <see cref="Sequence"/> is per tenant and strictly increasing in commit order (statements are written under a
/// per-tenant lock), so it orders results and positions <c>more</c> cursors; <see cref="Stored"/> never decreases with it.
/// </summary>
public sealed class XapiStatementRow
{
    public int TenantId { get; set; }

    public long Sequence { get; set; }

    /// <summary>The Statement id, lower-case UUID text.</summary>
    public required string Id { get; set; }

    /// <summary>The Statement as stored, with the LRS-set fields (returned verbatim for <c>format=exact</c>).</summary>
    public required string Statement { get; set; }

    /// <summary>SHA-256 of the submitted Statement in canonical form (decides 409 vs. no-op for a repeated id).</summary>
    public required string ContentHash { get; set; }

    public DateTime Stored { get; set; }

    public bool Voided { get; set; }

    /// <summary>For a voiding Statement, the id it voids; null otherwise (a voiding Statement cannot itself be voided).</summary>
    public string? VoidsId { get; set; }

    /// <summary>The Statement a StatementRef object refers to (any verb), for the StatementRef rule of filters (C §2.1.3).</summary>
    public string? RefId { get; set; }

    public string? ActorIfi { get; set; }

    public required string VerbId { get; set; }

    public string? ActivityId { get; set; }

    public string? Registration { get; set; }
}

/// <summary>Kinds of <see cref="XapiStatementLink"/>.</summary>
public static class XapiLinkKind
{
    /// <summary>An agent IFI matching the <c>agent</c> filter (actor or object, Group members included).</summary>
    public const string Agent = "agent";

    /// <summary>An agent IFI matching <c>agent</c> with <c>related_agents=true</c>.</summary>
    public const string RelatedAgent = "related_agent";

    /// <summary>An activity id matching <c>activity</c> with <c>related_activities=true</c>.</summary>
    public const string RelatedActivity = "related_activity";

    /// <summary>Length of <see cref="Key"/> in bytes.</summary>
    public const int KeyLength = 16;

    /// <summary>
    /// The PostgreSQL link key: the first 128 bits of SHA-256 over the UTF-8 of <c>kind:value</c> (kinds contain no colon,
    /// so the text is unambiguous). The same as the SQL <c>substring(sha256(convert_to(kind || ':' || value, 'UTF8')) from
    /// 1 for 16)</c> that migration XapiLeanerIngest used to convert existing rows.
    /// </summary>
    /// <remarks>
    /// Why a digest (docs/benchmarks.md, "xAPI LRS"): the link key is the largest index of the LRS and every ingested
    /// Statement inserts ≈ 3 entries (6 before the links left out the actor and the object Activity, XapiStatementStore.Links) at random positions in it, under the tenant's lock. With IFIs and activity IRIs of
    /// 50–100 bytes and the kind as text, an entry was ≈ 100 bytes; (tenant, 16-byte key, sequence) is 40, so the index is
    /// ≈ 2.5× smaller and a batch touches fewer pages (buffer misses, full-page WAL images after a checkpoint). A
    /// collision needs ≈ 2^64 work by someone who chooses both values (birthday bound) and 2^128 to hit a given value;
    /// its only effect would be an extra Statement in a filtered page of the same tenant, which the reader may read
    /// anyway (filters are not access control; the roster link filters on <c>actor_ifi</c>, not on links).
    /// </remarks>
    public static byte[] Key(string kind, string value)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(value);
        var length = System.Text.Encoding.UTF8.GetMaxByteCount(kind.Length + 1 + value.Length);
        var rented = length <= 1024 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        Span<byte> buffer = rented ?? stackalloc byte[1024];
        var n = System.Text.Encoding.UTF8.GetBytes(kind, buffer);
        buffer[n++] = (byte)':';
        n += System.Text.Encoding.UTF8.GetBytes(value, buffer[n..]);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(buffer[..n], hash);
        if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        return hash[..KeyLength].ToArray();
    }
}

/// <summary>
/// A (kind, value) a Statement matches, for the agent and related_* filters (C §2.1.3). SQLite stores the kind and value
/// as text; PostgreSQL stores only <see cref="Key"/>, their 128-bit digest (<see cref="XapiLinkKind.Key"/>).
/// </summary>
public sealed class XapiStatementLink
{
    public int TenantId { get; set; }

    /// <summary>SQLite only.</summary>
    public string? Kind { get; set; }

    /// <summary>SQLite only.</summary>
    public string? Value { get; set; }

    /// <summary>PostgreSQL only: <see cref="XapiLinkKind.Key"/> of (kind, value).</summary>
    public byte[]? Key { get; set; }

    public long Sequence { get; set; }
}

/// <summary>An HTTP Basic credential of the LRS (C §4): a public key, the SHA-256 of its secret, its tenant and rights.</summary>
public sealed class XapiCredential
{
    public required string Key { get; set; }

    public int TenantId { get; set; }

    public string? DisplayName { get; set; }

    public required byte[] SecretHash { get; set; }

    public bool CanRead { get; set; }

    public bool CanWrite { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>EF Core mapping of the LRS tables (called from <see cref="KoumuDbContext"/>).</summary>
internal static class XapiModel
{
    public static void Configure(ModelBuilder modelBuilder, DatabaseProvider provider)
    {
        var postgres = provider == DatabaseProvider.Postgres;
        modelBuilder.Entity<XapiStatementRow>(b =>
        {
            b.ToTable("xapi_statements");
            b.Property(s => s.TenantId).HasColumnName("tenant_id");
            b.Property(s => s.Sequence).HasColumnName("sequence").ValueGeneratedNever();
            b.Property(s => s.Id).HasColumnName("id").HasMaxLength(36);
            b.Property(s => s.Statement).HasColumnName("statement");
            b.Property(s => s.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
            b.Property(s => s.Stored).HasColumnName("stored");
            b.Property(s => s.Voided).HasColumnName("voided");
            b.Property(s => s.VoidsId).HasColumnName("voids_id").HasMaxLength(36);
            b.Property(s => s.RefId).HasColumnName("ref_id").HasMaxLength(36);
            b.Property(s => s.ActorIfi).HasColumnName("actor_ifi");
            b.Property(s => s.VerbId).HasColumnName("verb_id");
            b.Property(s => s.ActivityId).HasColumnName("activity_id");
            b.Property(s => s.Registration).HasColumnName("registration").HasMaxLength(36);
            if (postgres)
            {
                // Identifiers compare byte-wise: cheaper to index, the same order as SQLite's BINARY.
                foreach (var p in new[] { "Id", "VoidsId", "RefId", "ActorIfi", "VerbId", "ActivityId", "Registration" }) b.Property(p).UseCollation("C");
            }
            b.HasKey(s => new { s.TenantId, s.Sequence });
            b.HasIndex(s => new { s.TenantId, s.Id }).IsUnique();
            // Every filter is read newest-first (or oldest-first) by sequence within the tenant.
            b.HasIndex(s => new { s.TenantId, s.VerbId, s.Sequence });
            b.HasIndex(s => new { s.TenantId, s.ActorIfi, s.Sequence }).HasFilter("\"actor_ifi\" IS NOT NULL");
            b.HasIndex(s => new { s.TenantId, s.ActivityId, s.Sequence }).HasFilter("\"activity_id\" IS NOT NULL");
            b.HasIndex(s => new { s.TenantId, s.Registration, s.Sequence }).HasFilter("\"registration\" IS NOT NULL");
            b.HasIndex(s => new { s.TenantId, s.Stored });
            // A Statement arriving after its voiding Statement looks up whether it is voided.
            b.HasIndex(s => new { s.TenantId, s.VoidsId }).HasFilter("\"voids_id\" IS NOT NULL");
            // The StatementRef rule of filters walks referring Statements (few: voidings, comments on Statements).
            b.HasIndex(s => new { s.TenantId, s.RefId }).HasFilter("\"ref_id\" IS NOT NULL");
            b.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId);
        });
        modelBuilder.Entity<XapiStatementLink>(b =>
        {
            b.ToTable("xapi_statement_links");
            b.Property(l => l.TenantId).HasColumnName("tenant_id");
            b.Property(l => l.Sequence).HasColumnName("sequence");
            // The key is the filter's access path: (tenant, kind, value) — on PostgreSQL their digest — then sequence order.
            if (postgres)
            {
                b.Ignore(l => l.Kind);
                b.Ignore(l => l.Value);
                b.Property(l => l.Key).HasColumnName("key").IsRequired();
                b.HasKey(l => new { l.TenantId, l.Key, l.Sequence });
            }
            else
            {
                // SQLite keeps the text (its ingest is in-process and small; no digest function to convert rows in SQL).
                b.Ignore(l => l.Key);
                b.Property(l => l.Kind).HasColumnName("kind").HasMaxLength(16).IsRequired();
                b.Property(l => l.Value).HasColumnName("value").IsRequired();
                b.HasKey(l => new { l.TenantId, l.Kind, l.Value, l.Sequence });
            }
            // No foreign key to xapi_statements (nor the (tenant, sequence) index one would need): a Statement has ≈ 6–9
            // links, and the per-row referential check plus the second index were a third of the database's work per
            // ingested batch, under the tenant's lock (docs/benchmarks.md, "xAPI LRS"). Integrity holds without it:
            // links are derived rows written only by XapiStatementStore in the transaction that inserts their
            // Statement, and Statements are never deleted or renumbered (voiding marks, it does not delete).
        });
        modelBuilder.Entity<XapiCredential>(b =>
        {
            b.ToTable("xapi_credentials");
            b.Property(c => c.Key).HasColumnName("key").HasMaxLength(64);
            b.Property(c => c.TenantId).HasColumnName("tenant_id");
            b.Property(c => c.DisplayName).HasColumnName("display_name").HasMaxLength(200);
            b.Property(c => c.SecretHash).HasColumnName("secret_hash");
            b.Property(c => c.CanRead).HasColumnName("can_read");
            b.Property(c => c.CanWrite).HasColumnName("can_write");
            b.Property(c => c.CreatedAt).HasColumnName("created_at");
            if (postgres) b.Property(c => c.Key).UseCollation("C");
            b.HasKey(c => c.Key);
            b.HasIndex(c => c.TenantId);
            b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId);
        });
    }
}
