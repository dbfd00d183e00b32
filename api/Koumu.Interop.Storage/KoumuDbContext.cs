using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Storage.Xapi;
using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Storage;

/// <summary>
/// The hub's database. Roster tables are built from <see cref="CsvBinding"/> (one relational table per OneRoster file,
/// one column per CSV column), so the schema, the import writers and the export can never drift apart.
/// Each provider has its own migrations (<see cref="SqliteKoumuDbContext"/>, <see cref="PostgresKoumuDbContext"/>).
/// </summary>
public abstract class KoumuDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Tenant> Tenants => Set<Tenant>();

    public DbSet<ImportJob> ImportJobs => Set<ImportJob>();

    public DbSet<ImportProblem> ImportProblems => Set<ImportProblem>();

    public DbSet<RosterExtensionColumn> RosterExtensionColumns => Set<RosterExtensionColumn>();

    public DbSet<ChangeEntry> ChangeEntries => Set<ChangeEntry>();

    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<PublisherProgress> PublisherProgress => Set<PublisherProgress>();

    public abstract DatabaseProvider Provider { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Tenant>(b =>
        {
            b.ToTable("tenants");
            b.Property(t => t.Id).HasColumnName("id");
            b.Property(t => t.Code).HasColumnName("code").HasMaxLength(64);
            b.Property(t => t.Name).HasColumnName("name").HasMaxLength(256);
            b.Property(t => t.CreatedAt).HasColumnName("created_at");
            b.Property(t => t.ChangeVersion).HasColumnName("change_version");
            b.Property(t => t.LastImportedAt).HasColumnName("last_imported_at");
            b.Property(t => t.DataVersion).HasColumnName("data_version");
            b.HasIndex(t => t.Code).IsUnique();
        });
        modelBuilder.Entity<ImportJob>(b =>
        {
            b.ToTable("import_jobs");
            b.Property(j => j.Id).HasColumnName("id");
            b.Property(j => j.TenantId).HasColumnName("tenant_id");
            b.Property(j => j.Status).HasColumnName("status").HasMaxLength(16);
            b.Property(j => j.Profile).HasColumnName("profile").HasMaxLength(32);
            b.Property(j => j.FileName).HasColumnName("file_name").HasMaxLength(256);
            b.Property(j => j.CreatedAt).HasColumnName("created_at");
            b.Property(j => j.StartedAt).HasColumnName("started_at");
            b.Property(j => j.FinishedAt).HasColumnName("finished_at");
            b.Property(j => j.ErrorCount).HasColumnName("error_count");
            b.Property(j => j.WarningCount).HasColumnName("warning_count");
            b.Property(j => j.SummaryJson).HasColumnName("summary_json");
            b.Property(j => j.FailureMessage).HasColumnName("failure_message");
            b.HasIndex(j => new { j.TenantId, j.CreatedAt });
            b.HasOne<Tenant>().WithMany().HasForeignKey(j => j.TenantId);
        });
        modelBuilder.Entity<ImportProblem>(b =>
        {
            b.ToTable("import_problems");
            b.Property(p => p.Id).HasColumnName("id");
            b.Property(p => p.JobId).HasColumnName("job_id");
            b.Property(p => p.Sequence).HasColumnName("sequence");
            b.Property(p => p.File).HasColumnName("file");
            b.Property(p => p.Line).HasColumnName("line");
            b.Property(p => p.Column).HasColumnName("column_name");
            b.Property(p => p.RuleId).HasColumnName("rule_id");
            b.Property(p => p.Severity).HasColumnName("severity");
            b.Property(p => p.MessageEn).HasColumnName("message_en");
            b.Property(p => p.MessageJa).HasColumnName("message_ja");
            b.Property(p => p.Value).HasColumnName("value");
            b.HasIndex(p => new { p.JobId, p.Sequence }).IsUnique();
            b.HasOne<ImportJob>().WithMany().HasForeignKey(p => p.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<RosterExtensionColumn>(b =>
        {
            b.ToTable("roster_extension_columns");
            b.Property(c => c.TenantId).HasColumnName("tenant_id");
            b.Property(c => c.File).HasColumnName("file").HasMaxLength(64);
            b.Property(c => c.Column).HasColumnName("column_name").HasMaxLength(256);
            b.HasKey(c => new { c.TenantId, c.File, c.Column });
            b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId);
        });

        // AllFiles: the 21 CSV files and the REST-only OAS-G assessment types are stored alike.
        foreach (var file in CsvBinding.AllFiles) MapRosterTable(modelBuilder, file);

        // The change feed's outbox and the webhook delivery queue (issue #4).
        ChangeModel.Configure(modelBuilder, Provider);

        // The xAPI LRS's statements, their filter links and Basic credentials (issue #5).
        XapiModel.Configure(modelBuilder, Provider);
        XapiDocumentModel.Configure(modelBuilder, Provider);
        XapiAttachmentModel.Configure(modelBuilder, Provider);

        // Attendance records, school calendars and the access audit (issue #6).
        Attendance.AttendanceModel.Configure(modelBuilder, Provider);

        // The audit trail of personal-data access (docs/decisions/0011-audit-trail.md).
        Audit.AuditModel.Configure(modelBuilder, Provider);

        // OpenIddict's applications, authorizations, scopes and tokens live in the same database.
        modelBuilder.UseOpenIddict();
    }

    /// <summary>A roster table: (tenant_id, sourced_id) key, one column per CSV column, metadata JSON, indexes for the REST lookups.</summary>
    private void MapRosterTable(ModelBuilder modelBuilder, CsvFileDefinition file)
    {
        modelBuilder.SharedTypeEntity<Dictionary<string, object>>(file.StorageName, b =>
        {
            b.ToTable(file.StorageName);
            b.IndexerProperty<int>("tenant_id");
            foreach (var column in file.Columns)
            {
                Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder property = column.StorageType switch
                {
                    StorageType.Date => (Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder)b.IndexerProperty<DateOnly?>(column.StorageName),
                    StorageType.Instant => b.IndexerProperty<DateTime?>(column.StorageName),
                    StorageType.Boolean => b.IndexerProperty<bool?>(column.StorageName),
                    StorageType.Float => b.IndexerProperty<double?>(column.StorageName),
                    _ => b.IndexerProperty<string>(column.StorageName),
                };
                if (column.Kind is ColumnKind.SourcedId or ColumnKind.Status or ColumnKind.DateLastModified) property.IsRequired();
                // Identifiers compare byte-wise ("C"): the same order as SQLite's BINARY (stable sorts agree across
                // databases) and much cheaper to index than a linguistic collation.
                if (Provider == DatabaseProvider.Postgres && column.Kind is ColumnKind.SourcedId or ColumnKind.Reference or ColumnKind.ReferenceList)
                    property.UseCollation("C");
            }
            var metadata = b.IndexerProperty<string>("metadata");
            if (Provider == DatabaseProvider.Postgres) metadata.HasColumnType("jsonb");
            b.HasKey("tenant_id", "sourced_id");
            b.HasOne<Tenant>().WithMany().HasForeignKey("tenant_id");
            // Delta exports and OneRoster's filter=dateLastModified>'…' scan by modification time.
            b.HasIndex("tenant_id", "date_last_modified");
            foreach (var column in file.Columns.Where(c => c.Kind == ColumnKind.Reference))
            {
                var index = b.HasIndex("tenant_id", column.StorageName);
                // An optional reference is mostly empty: index only the rows that have one (cheaper to build and keep).
                if (!column.Required) index.HasFilter($"\"{column.StorageName}\" IS NOT NULL");
            }
        });
    }
}

public sealed class SqliteKoumuDbContext(DbContextOptions<SqliteKoumuDbContext> options) : KoumuDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresKoumuDbContext(DbContextOptions<PostgresKoumuDbContext> options) : KoumuDbContext(options)
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}
