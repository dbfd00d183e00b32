using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Storage.Query;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Koumu.Interop.Storage.Attendance;

/// <summary>A board's configured early-warning rule (one per kind and tenant; none configured = <see cref="WarningRule.Defaults"/>).</summary>
public sealed class AttendanceWarningRuleRow
{
    public int TenantId { get; set; }

    public required string Kind { get; set; }

    public bool Enabled { get; set; }

    public int? Threshold { get; set; }

    public int? WindowDays { get; set; }

    public int? SharePercent { get; set; }

    public string? Basis { get; set; }

    public DateTime DateLastModified { get; set; }
}

/// <summary>
/// A stored early-warning alert (decision 0009, "Early warning"): at most one <c>open</c> alert per (school, pupil, rule
/// kind); re-evaluation updates it in place (figure, span, evidence), and an alert whose rule no longer holds becomes
/// <c>resolved</c> and stays as history — the next time the rule holds a new alert is raised.
/// </summary>
public sealed class AttendanceAlertRow
{
    public long Id { get; set; }

    public int TenantId { get; set; }

    public required string SourcedId { get; set; }

    public required string Kind { get; set; }

    public required string SchoolSourcedId { get; set; }

    public required string PupilSourcedId { get; set; }

    public int SchoolYear { get; set; }

    /// <summary>open / resolved.</summary>
    public required string Status { get; set; }

    /// <summary>The figure the rule compared (days absent, days in a row, 保健室 days).</summary>
    public int Value { get; set; }

    public DateOnly WindowFrom { get; set; }

    public DateOnly WindowTo { get; set; }

    /// <summary>JSON array of <c>{"sourcedId": …, "date": …}</c>: the records that triggered the alert.</summary>
    public required string Evidence { get; set; }

    public DateTime RaisedAt { get; set; }

    public DateTime? ResolvedAt { get; set; }

    public DateTime DateLastModified { get; set; }
}

/// <summary>One local or vendor code of a tenant mapped onto a canonical code (<see cref="LocalCodeMap"/>).</summary>
public sealed class AttendanceCodeMapRow
{
    public int TenantId { get; set; }

    public required string System { get; set; }

    public required string LocalCode { get; set; }

    public required string Code { get; set; }

    public string? DeemedKind { get; set; }

    public string? Disease { get; set; }

    public string? Relationship { get; set; }

    public string? OnlineMethod { get; set; }

    public DateTime DateLastModified { get; set; }
}

internal static class AttendanceWarningModel
{
    public static void Configure(ModelBuilder modelBuilder, bool postgres)
    {
        modelBuilder.Entity<AttendanceWarningRuleRow>(b =>
        {
            b.ToTable("attendance_warning_rules");
            b.Property(r => r.TenantId).HasColumnName("tenant_id");
            b.Property(r => r.Kind).HasColumnName("kind").HasMaxLength(32);
            b.Property(r => r.Enabled).HasColumnName("enabled");
            b.Property(r => r.Threshold).HasColumnName("threshold");
            b.Property(r => r.WindowDays).HasColumnName("window_days");
            b.Property(r => r.SharePercent).HasColumnName("share_percent");
            b.Property(r => r.Basis).HasColumnName("basis").HasMaxLength(32);
            b.Property(r => r.DateLastModified).HasColumnName("date_last_modified");
            b.HasKey(r => new { r.TenantId, r.Kind });
            b.HasOne<Tenant>().WithMany().HasForeignKey(r => r.TenantId);
        });
        modelBuilder.Entity<AttendanceAlertRow>(b =>
        {
            b.ToTable("attendance_alerts");
            b.Property(a => a.Id).HasColumnName("id").ValueGeneratedOnAdd();
            b.Property(a => a.TenantId).HasColumnName("tenant_id");
            b.Property(a => a.SourcedId).HasColumnName("sourced_id").HasMaxLength(36);
            b.Property(a => a.Kind).HasColumnName("kind").HasMaxLength(32);
            b.Property(a => a.SchoolSourcedId).HasColumnName("school_sourced_id").HasMaxLength(255);
            b.Property(a => a.PupilSourcedId).HasColumnName("pupil_sourced_id").HasMaxLength(255);
            b.Property(a => a.SchoolYear).HasColumnName("school_year");
            b.Property(a => a.Status).HasColumnName("status").HasMaxLength(16);
            b.Property(a => a.Value).HasColumnName("value");
            b.Property(a => a.WindowFrom).HasColumnName("window_from");
            b.Property(a => a.WindowTo).HasColumnName("window_to");
            b.Property(a => a.Evidence).HasColumnName("evidence");
            b.Property(a => a.RaisedAt).HasColumnName("raised_at");
            b.Property(a => a.ResolvedAt).HasColumnName("resolved_at");
            b.Property(a => a.DateLastModified).HasColumnName("date_last_modified");
            if (postgres)
                foreach (var p in new[] { "SourcedId", "SchoolSourcedId", "PupilSourcedId" }) b.Property(p).UseCollation("C");
            b.HasKey(a => a.Id);
            b.HasIndex(a => new { a.TenantId, a.SourcedId }).IsUnique();
            // The idempotence of re-evaluation: one open alert per pupil, school and rule.
            b.HasIndex(a => new { a.TenantId, a.SchoolSourcedId, a.PupilSourcedId, a.Kind }).IsUnique().HasFilter("\"status\" = 'open'");
            b.HasIndex(a => new { a.TenantId, a.Status, a.Id });
            b.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId);
        });
        modelBuilder.Entity<AttendanceCodeMapRow>(b =>
        {
            b.ToTable("attendance_code_map");
            b.Property(m => m.TenantId).HasColumnName("tenant_id");
            b.Property(m => m.System).HasColumnName("system").HasMaxLength(64);
            b.Property(m => m.LocalCode).HasColumnName("local_code").HasMaxLength(64);
            b.Property(m => m.Code).HasColumnName("code").HasMaxLength(32);
            b.Property(m => m.DeemedKind).HasColumnName("deemed_kind").HasMaxLength(32);
            b.Property(m => m.Disease).HasColumnName("disease").HasMaxLength(48);
            b.Property(m => m.Relationship).HasColumnName("relationship").HasMaxLength(32);
            b.Property(m => m.OnlineMethod).HasColumnName("online_method").HasMaxLength(16);
            b.Property(m => m.DateLastModified).HasColumnName("date_last_modified");
            if (postgres)
            {
                b.Property(m => m.System).UseCollation("C");
                b.Property(m => m.LocalCode).UseCollation("C");
            }
            b.HasKey(m => new { m.TenantId, m.System, m.LocalCode });
            b.HasOne<Tenant>().WithMany().HasForeignKey(m => m.TenantId);
        });
    }
}

/// <summary>The outcome of one evaluation: alerts raised, updated (figure or evidence changed), resolved, and open afterwards.</summary>
public sealed record WarningEvaluation(DateOnly AsOf, int SchoolYear, int Pupils, int Raised, int Updated, int Resolved, int Open);

/// <summary>Filters for listing alerts (keyset paging on the row id).</summary>
public sealed record AlertQuery
{
    public IReadOnlyList<string>? Schools { get; init; }

    public string? School { get; init; }

    public string? Pupil { get; init; }

    /// <summary>open, resolved, or null for both.</summary>
    public string? Status { get; init; }

    public IReadOnlyList<string>? Kinds { get; init; }

    public long After { get; init; }

    public int Limit { get; init; } = 100;
}

public sealed partial class AttendanceStore
{
    private const int WarningLockClass = 7602;

    // ---------------------------------------------------------------- rules

    /// <summary>The tenant's rules: the configured ones, or <see cref="WarningRule.Defaults"/> (Configured false) when none are.</summary>
    public async Task<(IReadOnlyList<WarningRule> Rules, bool Configured)> ReadWarningRulesAsync(int tenantId, CancellationToken cancellationToken)
    {
        await using var context = store.CreateDbContext();
        var rows = await context.Set<AttendanceWarningRuleRow>().Where(r => r.TenantId == tenantId).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) return (WarningRule.Defaults, false);
        return ([.. rows.Select(r => new WarningRule(Parse<WarningRuleKind>(r.Kind) ?? WarningRuleKind.ConsecutiveAbsences, r.Enabled, r.Threshold, r.WindowDays,
            r.SharePercent, Parse<LongAbsenceBasis>(r.Basis))).OrderBy(r => r.Kind)], true);
    }

    /// <summary>Replaces the tenant's rules (validated by the caller: <see cref="WarningRule.Validate"/>, one per kind).</summary>
    public async Task ReplaceWarningRulesAsync(int tenantId, IReadOnlyList<WarningRule> rules, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rules);
        await using var context = store.CreateDbContext();
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await context.Set<AttendanceWarningRuleRow>().Where(r => r.TenantId == tenantId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        var now = HubNow();
        foreach (var r in rules)
            context.Add(new AttendanceWarningRuleRow
            {
                TenantId = tenantId, Kind = AttendanceVocabulary.Name(r.Kind), Enabled = r.Enabled, Threshold = r.Threshold, WindowDays = r.WindowDays,
                SharePercent = r.SharePercent, Basis = r.Basis is { } b ? AttendanceVocabulary.Name(b) : null, DateLastModified = now,
            });
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- evaluation

    /// <summary>
    /// Evaluates every enabled rule for every pupil of the tenant as of <paramref name="asOf"/>, set-based: four reads for
    /// the whole tenant (calendars of the year, the year's candidate records — 欠席/出席停止等 day records and 保健室 marks —,
    /// the enrolments of the pupils those records name, the open alerts), the rules in memory, then the alert changes in
    /// bulk. Pupils without such a record cannot trip a rule (a day without a record is attendance) and are not read.
    /// Runs under a per-tenant lock, so two evaluations cannot both raise the same alert.
    /// </summary>
    public async Task<WarningEvaluation> EvaluateWarningsAsync(int tenantId, DateOnly asOf, CancellationToken cancellationToken)
    {
        var (rules, _) = await ReadWarningRulesAsync(tenantId, cancellationToken).ConfigureAwait(false);
        var schoolYear = SchoolYear.Of(asOf);
        var start = SchoolYear.Start(schoolYear);
        var n = asOf.DayNumber - start.DayNumber + 1;
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (connection is NpgsqlConnection)
        {
            await using var lockCommand = Command(connection, transaction, $"SELECT pg_advisory_xact_lock({WarningLockClass}, @tenant)");
            Add(lockCommand, "tenant", tenantId);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // (1) Candidate records of the year up to asOf.
        const string candidate = "tenant_id = @tenant AND is_current AND status = 'active' AND date >= @from AND date <= @to " +
            "AND ((period = 0 AND code NOT IN ('PRESENT', 'PRESENT_DEEMED')) OR nurse_room)";
        var records = new Dictionary<(string School, string Pupil), List<WarningRecord>>();
        await using (var command = Command(connection, transaction,
            $"SELECT sourced_id, school_sourced_id, pupil_sourced_id, date, period, code, nurse_room FROM attendance_records WHERE {candidate}"))
        {
            Add(command, "tenant", tenantId);
            Add(command, "from", start);
            Add(command, "to", asOf);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = (reader.GetString(1), reader.GetString(2));
                if (!records.TryGetValue(key, out var list)) records[key] = list = [];
                AttendanceCodes.TryParse(reader.GetString(5), out var code);
                list.Add(new WarningRecord(reader.GetString(0), reader.GetFieldValue<DateOnly>(3), reader.GetInt32(4) == 0, code, reader.GetBoolean(6)));
            }
        }

        // (2) Calendars of the year, every school of the tenant, as one array of day kinds per (school, grade, class).
        var calendars = new Dictionary<string, List<CalendarEntry>>(StringComparer.Ordinal);
        await using (var command = Command(connection, transaction,
            "SELECT school_sourced_id, date, scope, key, kind FROM attendance_calendar WHERE tenant_id = @tenant AND date >= @from AND date <= @to"))
        {
            Add(command, "tenant", tenantId);
            Add(command, "from", start);
            Add(command, "to", asOf);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var school = reader.GetString(0);
                if (!calendars.TryGetValue(school, out var list)) calendars[school] = list = [];
                var key = reader.GetString(3);
                list.Add(new CalendarEntry(reader.GetFieldValue<DateOnly>(1), Parse<CalendarScope>(reader.GetString(2)) ?? CalendarScope.School,
                    key.Length == 0 ? null : key, Parse<CalendarDayKind>(reader.GetString(4)) ?? CalendarDayKind.Holiday));
            }
        }
        var resolved = calendars.ToDictionary(p => p.Key, p => new SchoolCalendar(p.Value), StringComparer.Ordinal);
        var kindArrays = new Dictionary<(string School, string? Grade, string? Class), CalendarDayKind[]>();
        CalendarDayKind[] KindsOf(string school, string? grade, string? classId)
        {
            if (kindArrays.TryGetValue((school, grade, classId), out var kinds)) return kinds;
            kinds = new CalendarDayKind[n];
            if (resolved.TryGetValue(school, out var calendar))
                for (var i = 0; i < n; i++) kinds[i] = calendar.Resolve(start.AddDays(i), grade, classId);
            else Array.Fill(kinds, CalendarDayKind.Holiday);
            return kindArrays[(school, grade, classId)] = kinds;
        }

        // (3) Enrolments of the pupils named by candidate records (one query; the subquery repeats the candidate filter).
        var enrolments = new Dictionary<(string School, string Pupil), List<PupilEnrolment>>();
        if (records.Count > 0)
        {
            var e = CsvBinding.Enrollments;
            var c = CsvBinding.Classes;
            await using var command = Command(connection, transaction,
                $"SELECT e.{Col(e, "userSourcedId")}, e.{Col(e, "schoolSourcedId")}, e.{Col(e, "classSourcedId")}, c.{Col(c, "classType")}, c.{Col(c, "grades")}, " +
                $"e.{Col(e, "beginDate")}, e.{Col(e, "endDate")} FROM {e.StorageName} e JOIN {c.StorageName} c ON c.tenant_id = e.tenant_id AND c.sourced_id = e.{Col(e, "classSourcedId")} " +
                $"WHERE e.tenant_id = @tenant AND e.{Col(e, "role")} = 'student' AND e.status = 'active' AND c.status = 'active' " +
                $"AND e.{Col(e, "userSourcedId")} IN (SELECT DISTINCT pupil_sourced_id FROM attendance_records WHERE {candidate})");
            Add(command, "tenant", tenantId);
            Add(command, "from", start);
            Add(command, "to", asOf);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var grades = Text(reader, 4);
                var enrolment = new PupilEnrolment(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    string.Equals(Text(reader, 3), "homeroom", StringComparison.Ordinal),
                    grades?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(),
                    reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6));
                var key = (enrolment.SchoolSourcedId, enrolment.PupilSourcedId);
                if (!enrolments.TryGetValue(key, out var list)) enrolments[key] = list = [];
                list.Add(enrolment);
            }
        }

        // (4) The rules, per (school, pupil), in memory.
        var found = new Dictionary<(string School, string Pupil, string Kind), WarningAlert>();
        foreach (var ((school, pupil), list) in records)
        {
            if (!enrolments.TryGetValue((school, pupil), out var pupilEnrolments)) continue; // records outside any enrolment are refused on write
            var intervals = Intervals(pupilEnrolments);
            var arrays = intervals.Select(i => KindsOf(school, i.Grade, i.ClassSourcedId)).ToArray();
            CalendarDayKind? DayKind(DateOnly date)
            {
                for (var k = 0; k < intervals.Count; k++)
                    if (intervals[k].Covers(date)) return arrays[k][date.DayNumber - start.DayNumber];
                return null;
            }
            foreach (var alert in EarlyWarning.Evaluate(rules, asOf, DayKind, list))
                found[(school, pupil, AttendanceVocabulary.Name(alert.Kind))] = alert;
        }

        // (5) Compare with the open alerts and apply the difference.
        var open = new Dictionary<(string, string, string), (long Id, int Value, DateOnly From, DateOnly To, string Evidence, string SourcedId)>();
        await using (var command = Command(connection, transaction,
            "SELECT id, school_sourced_id, pupil_sourced_id, kind, value, window_from, window_to, evidence, sourced_id FROM attendance_alerts WHERE tenant_id = @tenant AND status = 'open'"))
        {
            Add(command, "tenant", tenantId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                open[(reader.GetString(1), reader.GetString(2), reader.GetString(3))] =
                    (reader.GetInt64(0), reader.GetInt32(4), reader.GetFieldValue<DateOnly>(5), reader.GetFieldValue<DateOnly>(6), reader.GetString(7), reader.GetString(8));
        }
        var now = HubNow();
        var toInsert = new List<AttendanceAlertRow>();
        var toUpdate = new List<(long Id, WarningAlert Alert, string Evidence)>();
        // Every alert raised, updated or resolved is a change (resolved alerts stay readable: an upsert, not a delete).
        var changed = new List<string>();
        foreach (var (key, alert) in found)
        {
            var evidence = EvidenceJson(alert.Evidence);
            if (open.Remove(key, out var existing))
            {
                if (existing.Value != alert.Value || existing.From != alert.From || existing.To != alert.To || existing.Evidence != evidence)
                {
                    toUpdate.Add((existing.Id, alert, evidence));
                    changed.Add(existing.SourcedId);
                }
                continue;
            }
            toInsert.Add(new AttendanceAlertRow
            {
                TenantId = tenantId, SourcedId = Guid.NewGuid().ToString("D"), Kind = key.Kind, SchoolSourcedId = key.School, PupilSourcedId = key.Pupil,
                SchoolYear = schoolYear, Status = "open", Value = alert.Value, WindowFrom = alert.From, WindowTo = alert.To, Evidence = evidence,
                RaisedAt = now, DateLastModified = now,
            });
        }
        foreach (var chunk in open.Values.Select(v => v.Id).Chunk(1000))
        {
            await using var command = Command(connection, transaction, "");
            command.CommandText = $"UPDATE attendance_alerts SET status = 'resolved', resolved_at = @now, date_last_modified = @now WHERE id {In(command, "id", chunk)}";
            Add(command, "now", now);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (toUpdate.Count > 0)
        {
            await using var command = Command(connection, transaction,
                "UPDATE attendance_alerts SET value = @value, window_from = @from, window_to = @to, evidence = @evidence, date_last_modified = @now WHERE id = @id");
            foreach (var name in new[] { "value", "from", "to", "evidence", "now", "id" }) Add(command, name, DBNull.Value);
            command.Parameters[4].Value = now;
            foreach (var (id, alert, evidence) in toUpdate)
            {
                command.Parameters[0].Value = alert.Value;
                command.Parameters[1].Value = alert.From;
                command.Parameters[2].Value = alert.To;
                command.Parameters[3].Value = evidence;
                command.Parameters[5].Value = id;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        await InsertAlertsAsync(connection, transaction, toInsert, cancellationToken).ConfigureAwait(false);
        changed.AddRange(open.Values.Select(v => v.SourcedId));
        changed.AddRange(toInsert.Select(a => a.SourcedId));
        await ChangeLog.RecordRowsAsync(connection, transaction, tenantId, [.. changed.Select(id => (ChangeFeed.AttendanceWarnings, id, ChangeOperation.Upsert))],
            now, cancellationToken).ConfigureAwait(false);
        int openCount;
        await using (var command = Command(connection, transaction, "SELECT COUNT(*) FROM attendance_alerts WHERE tenant_id = @tenant AND status = 'open'"))
        {
            Add(command, "tenant", tenantId);
            openCount = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new WarningEvaluation(asOf, schoolYear, records.Count, toInsert.Count, toUpdate.Count, open.Count, openCount);
    }

    private static string EvidenceJson(IReadOnlyList<WarningEvidence> evidence)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var e in evidence)
            {
                w.WriteStartObject();
                if (e.SourcedId is null) w.WriteNull("sourcedId");
                else w.WriteString("sourcedId", e.SourcedId);
                w.WriteString("date", e.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static async Task InsertAlertsAsync(DbConnection connection, DbTransaction transaction, List<AttendanceAlertRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        const string columns = "tenant_id, sourced_id, kind, school_sourced_id, pupil_sourced_id, school_year, status, value, window_from, window_to, evidence, raised_at, date_last_modified";
        static object[] Values(AttendanceAlertRow a) =>
            [a.TenantId, a.SourcedId, a.Kind, a.SchoolSourcedId, a.PupilSourcedId, a.SchoolYear, a.Status, a.Value, a.WindowFrom, a.WindowTo, a.Evidence, a.RaisedAt, a.DateLastModified];
        if (connection is NpgsqlConnection npgsql)
        {
            await using var importer = await npgsql.BeginBinaryImportAsync($"COPY attendance_alerts ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                foreach (var value in Values(row)) await importer.WriteAsync(value, cancellationToken).ConfigureAwait(false);
            }
            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await using var insert = Command(connection, transaction, $"INSERT INTO attendance_alerts ({columns}) VALUES ({string.Join(", ", Enumerable.Range(0, 13).Select(i => "@p" + i))})");
        for (var i = 0; i < 13; i++) Add(insert, "p" + i, DBNull.Value);
        foreach (var row in rows)
        {
            var values = Values(row);
            for (var i = 0; i < values.Length; i++) insert.Parameters[i].Value = values[i];
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The columns <see cref="ReadAlert"/> reads, in its order.</summary>
    internal static readonly string[] AlertColumnList =
    [
        "id", "tenant_id", "sourced_id", "kind", "school_sourced_id", "pupil_sourced_id", "school_year", "status", "value", "window_from", "window_to",
        "evidence", "raised_at", "resolved_at", "date_last_modified",
    ];

    private static AttendanceAlertRow ReadAlert(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        TenantId = r.GetInt32(1),
        SourcedId = r.GetString(2),
        Kind = r.GetString(3),
        SchoolSourcedId = r.GetString(4),
        PupilSourcedId = r.GetString(5),
        SchoolYear = r.GetInt32(6),
        Status = r.GetString(7),
        Value = r.GetInt32(8),
        WindowFrom = r.GetFieldValue<DateOnly>(9),
        WindowTo = r.GetFieldValue<DateOnly>(10),
        Evidence = r.GetString(11),
        RaisedAt = Utc(r.GetDateTime(12)),
        ResolvedAt = r.IsDBNull(13) ? null : Utc(r.GetDateTime(13)),
        DateLastModified = Utc(r.GetDateTime(14)),
    };

    /// <summary>The hub-written conditions of an alerts read (the client's schools, the visible kinds, and the convenience parameters).</summary>
    public static QueryConfinement Scope(AlertQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var scope = QueryConfinement.None;
        if (query.Schools is { } schools) scope = scope.And(QueryConfinement.FieldIn("school.sourcedId", schools));
        if (query.Kinds is { } kinds) scope = scope.And(QueryConfinement.FieldIn("kind", kinds));
        if (query.School is { } school) scope = scope.And(QueryConfinement.Sql("t.school_sourced_id = @r_school", new Dictionary<string, object> { ["r_school"] = school }));
        if (query.Pupil is { } pupil) scope = scope.And(QueryConfinement.Sql("t.pupil_sourced_id = @r_pupil", new Dictionary<string, object> { ["r_pupil"] = pupil }));
        if (query.Status is { } status) scope = scope.And(QueryConfinement.Sql("t.status = @r_status", new Dictionary<string, object> { ["r_status"] = status }));
        return scope;
    }

    /// <summary>A page of alerts through the query engine (<see cref="AttendanceQuery.Alerts"/>), <see cref="Scope(AlertQuery)"/> ANDed outside the filter.</summary>
    public async Task<QueryPage<AttendanceAlertRow>> ReadAlertPageAsync(int tenantId, RosterQuery query, QueryConfinement scope, bool includeTotal,
        QueryCursorCodec? cursors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        var plan = RosterQueryCompiler.Compile(query, Provider, tenantId, scope);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RosterQueryExecutor.ReadPageAsync(connection, plan, ReadAlert, AttendanceQuery.Position, includeTotal, cursors, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>A page of alerts by row id (tests): <see cref="Scope(AlertQuery)"/>, rows after <see cref="AlertQuery.After"/>.</summary>
    public async Task<(IReadOnlyList<AttendanceAlertRow> Rows, bool HasMore)> ReadAlertsAsync(int tenantId, AlertQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parsed = RosterQueryParser.Parse(AttendanceQuery.Alerts, new QueryParameters(Limit: query.Limit.ToString(CultureInfo.InvariantCulture))).Value;
        if (query.After > 0) parsed = parsed with { After = new KeysetPosition(null, query.After.ToString(CultureInfo.InvariantCulture)) };
        var page = await ReadAlertPageAsync(tenantId, parsed, Scope(query), includeTotal: false, cursors: null, cancellationToken).ConfigureAwait(false);
        return (page.Records, page.HasMore);
    }
}
