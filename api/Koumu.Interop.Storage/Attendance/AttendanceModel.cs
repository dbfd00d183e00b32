using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Storage.Attendance;

/// <summary>
/// One version of an attendance record (docs/decisions/0009-attendance.md): a pupil's day (<see cref="Period"/> 0) or
/// one period on a date. A correction appends a version with the same <see cref="SourcedId"/> and
/// <see cref="Version"/> + 1; exactly one version of a slot (tenant, pupil, date, period) is current — the latest — so
/// the 出席簿's history of changes is kept (施行規則25条 keeps the register; 5 years for 指導 incl. 出欠, 28条).
/// </summary>
public sealed class AttendanceRecordRow
{
    public long Id { get; set; }

    public int TenantId { get; set; }

    public required string SourcedId { get; set; }

    public int Version { get; set; }

    public bool IsCurrent { get; set; }

    /// <summary>OneRoster status: <c>active</c>, or <c>tobedeleted</c> for a withdrawn record.</summary>
    public required string Status { get; set; }

    public required string SchoolSourcedId { get; set; }

    public required string PupilSourcedId { get; set; }

    public DateOnly Date { get; set; }

    /// <summary>0 = the whole day; 1… = a period (時限).</summary>
    public int Period { get; set; }

    public required string Code { get; set; }

    public string? DeemedKind { get; set; }

    public string? Facility { get; set; }

    public string? Disease { get; set; }

    public string? Relationship { get; set; }

    public string? OnlineMethod { get; set; }

    public bool? OnlineParticipated { get; set; }

    public bool Late { get; set; }

    /// <summary>HH:mm, school-local.</summary>
    public string? ArrivedAt { get; set; }

    public bool EarlyLeave { get; set; }

    public string? LeftAt { get; set; }

    public bool NurseRoom { get; set; }

    public bool SeparateRoom { get; set; }

    /// <summary>Symptom names, comma-separated (health detail: 重要性分類 II).</summary>
    public string? Symptoms { get; set; }

    public decimal? Temperature { get; set; }

    public string? Note { get; set; }

    /// <summary>TEACHER, NURSE, PARENT_APP, SYSTEM.</summary>
    public required string ReportedBy { get; set; }

    /// <summary>The sending system (e.g. a 校務支援 product or a parent app), as the client names it.</summary>
    public string? SourceSystem { get; set; }

    /// <summary>When the reporter says it was reported (their clock).</summary>
    public DateTime? ReportedAt { get; set; }

    /// <summary>The hub's time of this version (decision 0001: dateLastModified is hub time).</summary>
    public DateTime DateLastModified { get; set; }

    /// <summary>The OAuth client that wrote this version.</summary>
    public required string ClientId { get; set; }
}

/// <summary>One calendar entry of a school (<see cref="Key"/> is "" for the whole school, the grade, or the class sourcedId).</summary>
public sealed class AttendanceCalendarRow
{
    public int TenantId { get; set; }

    public required string SchoolSourcedId { get; set; }

    public DateOnly Date { get; set; }

    public required string Scope { get; set; }

    public required string Key { get; set; }

    public required string Kind { get; set; }

    public string? Reason { get; set; }

    public DateTime DateLastModified { get; set; }
}

/// <summary>EF Core mapping of the attendance tables (called from <see cref="KoumuDbContext"/>).</summary>
internal static class AttendanceModel
{
    public static void Configure(ModelBuilder modelBuilder, DatabaseProvider provider)
    {
        var postgres = provider == DatabaseProvider.Postgres;
        modelBuilder.Entity<AttendanceRecordRow>(b =>
        {
            b.ToTable("attendance_records");
            b.Property(r => r.Id).HasColumnName("id").ValueGeneratedOnAdd();
            b.Property(r => r.TenantId).HasColumnName("tenant_id");
            b.Property(r => r.SourcedId).HasColumnName("sourced_id").HasMaxLength(36);
            b.Property(r => r.Version).HasColumnName("version");
            b.Property(r => r.IsCurrent).HasColumnName("is_current");
            b.Property(r => r.Status).HasColumnName("status").HasMaxLength(16);
            b.Property(r => r.SchoolSourcedId).HasColumnName("school_sourced_id").HasMaxLength(255);
            b.Property(r => r.PupilSourcedId).HasColumnName("pupil_sourced_id").HasMaxLength(255);
            b.Property(r => r.Date).HasColumnName("date");
            b.Property(r => r.Period).HasColumnName("period");
            b.Property(r => r.Code).HasColumnName("code").HasMaxLength(32);
            b.Property(r => r.DeemedKind).HasColumnName("deemed_kind").HasMaxLength(32);
            b.Property(r => r.Facility).HasColumnName("facility").HasMaxLength(200);
            b.Property(r => r.Disease).HasColumnName("disease").HasMaxLength(48);
            b.Property(r => r.Relationship).HasColumnName("relationship").HasMaxLength(32);
            b.Property(r => r.OnlineMethod).HasColumnName("online_method").HasMaxLength(16);
            b.Property(r => r.OnlineParticipated).HasColumnName("online_participated");
            b.Property(r => r.Late).HasColumnName("late");
            b.Property(r => r.ArrivedAt).HasColumnName("arrived_at").HasMaxLength(5);
            b.Property(r => r.EarlyLeave).HasColumnName("early_leave");
            b.Property(r => r.LeftAt).HasColumnName("left_at").HasMaxLength(5);
            b.Property(r => r.NurseRoom).HasColumnName("nurse_room");
            b.Property(r => r.SeparateRoom).HasColumnName("separate_room");
            b.Property(r => r.Symptoms).HasColumnName("symptoms").HasMaxLength(200);
            b.Property(r => r.Temperature).HasColumnName("temperature").HasPrecision(4, 1);
            b.Property(r => r.Note).HasColumnName("note").HasMaxLength(500);
            b.Property(r => r.ReportedBy).HasColumnName("reported_by").HasMaxLength(16);
            b.Property(r => r.SourceSystem).HasColumnName("source_system").HasMaxLength(64);
            b.Property(r => r.ReportedAt).HasColumnName("reported_at");
            b.Property(r => r.DateLastModified).HasColumnName("date_last_modified");
            b.Property(r => r.ClientId).HasColumnName("client_id").HasMaxLength(200);
            if (postgres)
                foreach (var p in new[] { "SourcedId", "SchoolSourcedId", "PupilSourcedId" }) b.Property(p).UseCollation("C");
            b.HasKey(r => r.Id);
            b.HasIndex(r => new { r.TenantId, r.SourcedId, r.Version }).IsUnique();
            // Partial on "is_current": queries must say "AND is_current" literally — compared with a parameter, a prepared
            // statement's generic plan cannot use these indexes (PartialIndexPredicateTests).
            // One current version per slot; also the per-pupil-per-year access path (pupil, date range).
            b.HasIndex(r => new { r.TenantId, r.PupilSourcedId, r.Date, r.Period }).IsUnique().HasFilter("\"is_current\"");
            // A school's morning and a school-year derivation read by (school, date range). On PostgreSQL the index also
            // carries every column the yearly derivation reads (LoadDerivationAsync), so a school's year (~200,000 rows) is
            // an index-only scan instead of visiting ~6,600 heap pages (bench attendance (a), stop 14: medians 221–253 ms
            // vs 298–315 ms alternating).
            var bySchool = b.HasIndex(r => new { r.TenantId, r.SchoolSourcedId, r.Date }).HasFilter("\"is_current\"");
            if (postgres)
                bySchool.IncludeProperties(r => new
                {
                    r.Status, r.PupilSourcedId, r.Period, r.OnlineParticipated, r.Late, r.EarlyLeave, r.NurseRoom, r.SeparateRoom,
                    r.Code, r.DeemedKind, r.OnlineMethod,
                });
            // Delta reads (filter=dateLastModified>'…', the old since=): every version, so not partial.
            b.HasIndex(r => new { r.TenantId, r.DateLastModified });
            b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId);
        });
        modelBuilder.Entity<AttendanceCalendarRow>(b =>
        {
            b.ToTable("attendance_calendar");
            b.Property(c => c.TenantId).HasColumnName("tenant_id");
            b.Property(c => c.SchoolSourcedId).HasColumnName("school_sourced_id").HasMaxLength(255);
            b.Property(c => c.Date).HasColumnName("date");
            b.Property(c => c.Scope).HasColumnName("scope").HasMaxLength(8);
            b.Property(c => c.Key).HasColumnName("key").HasMaxLength(255);
            b.Property(c => c.Kind).HasColumnName("kind").HasMaxLength(24);
            b.Property(c => c.Reason).HasColumnName("reason").HasMaxLength(500);
            b.Property(c => c.DateLastModified).HasColumnName("date_last_modified");
            if (postgres)
            {
                b.Property(c => c.SchoolSourcedId).UseCollation("C");
                b.Property(c => c.Key).UseCollation("C");
            }
            b.HasKey(c => new { c.TenantId, c.SchoolSourcedId, c.Date, c.Scope, c.Key });
            b.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId);
        });
        AttendanceWarningModel.Configure(modelBuilder, postgres);
    }
}
