using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>
/// The content of an xAPI attachment (D §2.4.11, C §1.5.2), stored once per tenant and SHA-2: Statements refer to their
/// attachments by <c>sha2</c> only, so two Statements (or two requests) attaching the same bytes share one row.
/// Rows are immutable: the same hash names the same bytes.
/// </summary>
public sealed class XapiAttachmentRow
{
    public int TenantId { get; set; }

    /// <summary>The lower-case hex SHA-2 (256, 384 or 512) the Statements' attachments name.</summary>
    public required string Sha2 { get; set; }

    /// <summary>The attachment's contentType as the first Statement to send these bytes declared it.</summary>
    public required string ContentType { get; set; }

    public long Length { get; set; }

    public required byte[] Content { get; set; }

    public DateTime Stored { get; set; }
}

/// <summary>EF Core mapping of <c>xapi_attachments</c> (called from <see cref="KoumuDbContext"/>).</summary>
internal static class XapiAttachmentModel
{
    public static void Configure(ModelBuilder modelBuilder, DatabaseProvider provider)
    {
        modelBuilder.Entity<XapiAttachmentRow>(b =>
        {
            b.ToTable("xapi_attachments");
            b.Property(a => a.TenantId).HasColumnName("tenant_id");
            b.Property(a => a.Sha2).HasColumnName("sha2").HasMaxLength(128);
            b.Property(a => a.ContentType).HasColumnName("content_type");
            b.Property(a => a.Length).HasColumnName("length");
            b.Property(a => a.Content).HasColumnName("content");
            b.Property(a => a.Stored).HasColumnName("stored");
            if (provider == DatabaseProvider.Postgres) b.Property(a => a.Sha2).UseCollation("C");
            // The key is the only access path: a GET with attachments=true looks the page's hashes up in it.
            b.HasKey(a => new { a.TenantId, a.Sha2 });
            b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId);
        });
    }
}
