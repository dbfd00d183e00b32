using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>
/// One document of the State, Activity Profile or Agent Profile resource (xAPI Communication §2.2–2.3, §2.6–2.7): opaque
/// bytes with their content type, in a context (kind + activity + agent + registration) and under an id chosen by the
/// Learning Record Provider.
/// </summary>
/// <remarks>
/// The key is (tenant, <see cref="ContextKey"/>, <see cref="Registration"/>, <see cref="DocumentKey"/>): SHA-256 digests
/// of the context (kind, activity, agent) and of the id, with the registration between them because C §2.3 lists and
/// deletes "Activity + Agent [+ registration if specified]" — without a registration, across all of them.
/// Activity ids are IRIs of up to 4096 characters, Agent IFIs and document ids are unbounded strings, and a PostgreSQL
/// B-tree entry cannot exceed about 2.7 kB; digests keep every key and index entry fixed-size whatever the client sends,
/// while the readable columns keep what was sent.
/// </remarks>
public sealed class XapiDocumentRow
{
    public int TenantId { get; set; }

    /// <summary>Hex SHA-256 of (kind, activity id, agent IFI): the State/Profile context (<see cref="XapiDocumentContext.Key"/>).</summary>
    public required string ContextKey { get; set; }

    /// <summary>Hex SHA-256 of <see cref="DocumentId"/>.</summary>
    public required string DocumentKey { get; set; }

    /// <summary><see cref="XapiDocumentKind"/>: state, activity_profile or agent_profile.</summary>
    public required string Kind { get; set; }

    public string? ActivityId { get; set; }

    /// <summary>Canonical IFI of the agent (<c>XapiIdentity.Ifi</c>).</summary>
    public string? AgentIfi { get; set; }

    /// <summary>Lower-case UUID of a State document's registration; empty when the document has none (a key column cannot be null).</summary>
    public string Registration { get; set; } = "";

    /// <summary>The stateId or profileId as sent.</summary>
    public required string DocumentId { get; set; }

    public required byte[] Content { get; set; }

    public required string ContentType { get; set; }

    /// <summary>Hex SHA-1 of <see cref="Content"/> (C §3.1: the 1.0.3 ETag), unquoted.</summary>
    public required string ETag { get; set; }

    /// <summary>When the document was last stored or changed (C §2.2 "updated"; <c>Last-Modified</c>, <c>since</c>).</summary>
    public DateTime Updated { get; set; }
}

/// <summary>
/// The canonical definition of an Activity (C §2.5), merged from every Statement that carried a definition of it, newest
/// per language and per property winning; maintained by <see cref="XapiActivityDefinitions"/> inside each Statement batch.
/// </summary>
public sealed class XapiActivityRow
{
    public int TenantId { get; set; }

    /// <summary>Hex SHA-256 of <see cref="ActivityId"/> (fixed-size key, see <see cref="XapiDocumentRow"/>).</summary>
    public required string ActivityKey { get; set; }

    public required string ActivityId { get; set; }

    /// <summary>The merged Activity Definition JSON object.</summary>
    public required string Definition { get; set; }

    public DateTime Updated { get; set; }
}

/// <summary>EF Core mapping of the document and activity tables (called from <see cref="KoumuDbContext"/>).</summary>
internal static class XapiDocumentModel
{
    public static void Configure(ModelBuilder modelBuilder, DatabaseProvider provider)
    {
        var postgres = provider == DatabaseProvider.Postgres;
        modelBuilder.Entity<XapiDocumentRow>(b =>
        {
            b.ToTable("xapi_documents");
            b.Property(d => d.TenantId).HasColumnName("tenant_id");
            b.Property(d => d.ContextKey).HasColumnName("context_key").HasMaxLength(64);
            b.Property(d => d.DocumentKey).HasColumnName("document_key").HasMaxLength(64);
            b.Property(d => d.Kind).HasColumnName("kind").HasMaxLength(16);
            b.Property(d => d.ActivityId).HasColumnName("activity_id");
            b.Property(d => d.AgentIfi).HasColumnName("agent_ifi");
            b.Property(d => d.Registration).HasColumnName("registration").HasMaxLength(36);
            b.Property(d => d.DocumentId).HasColumnName("document_id");
            b.Property(d => d.Content).HasColumnName("content");
            b.Property(d => d.ContentType).HasColumnName("content_type").HasMaxLength(255);
            b.Property(d => d.ETag).HasColumnName("etag").HasMaxLength(40);
            b.Property(d => d.Updated).HasColumnName("updated");
            if (postgres)
            {
                // Digests compare byte-wise (the same order as SQLite's BINARY).
                b.Property(d => d.ContextKey).UseCollation("C");
                b.Property(d => d.DocumentKey).UseCollation("C");
            }
            // A single document: the key. Listing (with since) and deleting a whole context: the (tenant, context) prefix,
            // then updated for the since bound (the registration, when given, is checked on those rows).
            b.HasKey(d => new { d.TenantId, d.ContextKey, d.Registration, d.DocumentKey });
            b.HasIndex(d => new { d.TenantId, d.ContextKey, d.Updated });
            b.HasOne<Tenant>().WithMany().HasForeignKey(d => d.TenantId);
        });
        modelBuilder.Entity<XapiActivityRow>(b =>
        {
            b.ToTable("xapi_activities");
            b.Property(a => a.TenantId).HasColumnName("tenant_id");
            b.Property(a => a.ActivityKey).HasColumnName("activity_key").HasMaxLength(64);
            b.Property(a => a.ActivityId).HasColumnName("activity_id");
            b.Property(a => a.Definition).HasColumnName("definition");
            b.Property(a => a.Updated).HasColumnName("updated");
            if (postgres) b.Property(a => a.ActivityKey).UseCollation("C");
            b.HasKey(a => new { a.TenantId, a.ActivityKey });
            b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId);
        });
    }
}
