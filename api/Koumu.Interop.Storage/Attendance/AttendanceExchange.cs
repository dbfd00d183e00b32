using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Csv;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Koumu.Interop.Storage.Attendance;

/// <summary>One class on one date of the infection-surveillance report (docs/attendance.md "Infection surveillance CSV").</summary>
public sealed record InfectionReportRow(DateOnly Date, string ClassSourcedId, string? ClassTitle, string? Grade, CalendarDayKind DayKind, int Enrolled,
    int Absent, int AbsentIllness, int SuspendedInfection, IReadOnlyList<(string Disease, int Count)> SuspendedByDisease);

public sealed partial class AttendanceStore
{
    public const int MaxReportDays = 31;

    // ---------------------------------------------------------------- withdraw

    /// <summary>
    /// Withdraws a record: its slot gets a new current version with <c>status = tobedeleted</c> (OneRoster's soft delete;
    /// the history keeps every earlier version). Null when the record does not exist or its school is outside
    /// <paramref name="allowedSchools"/>; Changed false when it was already withdrawn (a repeated withdrawal adds nothing).
    /// </summary>
    public async Task<(AttendanceRecordRow Row, bool Changed)?> WithdrawAsync(int tenantId, string sourcedId, IReadOnlyCollection<string>? allowedSchools,
        string clientId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (connection is NpgsqlConnection)
        {
            await using var lockCommand = Command(connection, transaction, $"SELECT pg_advisory_xact_lock({LockClass}, @tenant)");
            Add(lockCommand, "tenant", tenantId);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        AttendanceRecordRow? current = null;
        await using (var command = Command(connection, transaction,
            $"SELECT {RecordColumns} FROM attendance_records WHERE tenant_id = @tenant AND sourced_id = @id AND is_current"))
        {
            Add(command, "tenant", tenantId);
            Add(command, "id", sourcedId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) current = ReadRow(reader);
        }
        if (current is null || (allowedSchools is not null && !allowedSchools.Contains(current.SchoolSourcedId))) return null;
        if (current.Status == "tobedeleted") return (current, false);
        await using (var update = Command(connection, transaction, "UPDATE attendance_records SET is_current = @false WHERE id = @id"))
        {
            Add(update, "false", false);
            Add(update, "id", current.Id);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var withdrawn = Copy(current);
        withdrawn.Status = "tobedeleted";
        withdrawn.Version = current.Version + 1;
        withdrawn.DateLastModified = HubNow();
        withdrawn.ClientId = clientId;
        await InsertAsync(connection, transaction, [withdrawn], cancellationToken).ConfigureAwait(false);
        await RecordChangesAsync(connection, transaction, tenantId, [withdrawn], withdrawn.DateLastModified, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return (withdrawn, true);
    }

    private static AttendanceRecordRow Copy(AttendanceRecordRow r) => new()
    {
        TenantId = r.TenantId, SourcedId = r.SourcedId, Version = r.Version, IsCurrent = true, Status = r.Status, SchoolSourcedId = r.SchoolSourcedId,
        PupilSourcedId = r.PupilSourcedId, Date = r.Date, Period = r.Period, Code = r.Code, DeemedKind = r.DeemedKind, Facility = r.Facility, Disease = r.Disease,
        Relationship = r.Relationship, OnlineMethod = r.OnlineMethod, OnlineParticipated = r.OnlineParticipated, Late = r.Late, ArrivedAt = r.ArrivedAt,
        EarlyLeave = r.EarlyLeave, LeftAt = r.LeftAt, NurseRoom = r.NurseRoom, SeparateRoom = r.SeparateRoom, Symptoms = r.Symptoms, Temperature = r.Temperature,
        Note = r.Note, ReportedBy = r.ReportedBy, SourceSystem = r.SourceSystem, ReportedAt = r.ReportedAt, DateLastModified = r.DateLastModified, ClientId = r.ClientId,
    };

    // ---------------------------------------------------------------- code maps

    /// <summary>Replaces the map of one sending <paramref name="system"/> (validated by <see cref="LocalCodeMap.Add"/> first; all-or-nothing).</summary>
    public async Task<IReadOnlyList<EntryProblem>> ReplaceCodeMapAsync(int tenantId, string system, IReadOnlyList<(string LocalCode, AttendanceMark Template)> entries,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var map = new LocalCodeMap();
        var problems = new List<EntryProblem>();
        for (var i = 0; i < entries.Count; i++)
            foreach (var p in map.Add(system, entries[i].LocalCode, entries[i].Template)) problems.Add(new(i, p.Field, p.Rule, p.Message));
        if (problems.Count > 0) return problems;
        await using var context = store.CreateDbContext();
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await context.Set<AttendanceCodeMapRow>().Where(m => m.TenantId == tenantId && m.System == system).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        var now = HubNow();
        foreach (var (localCode, t) in entries)
            context.Add(new AttendanceCodeMapRow
            {
                TenantId = tenantId, System = system, LocalCode = localCode, Code = AttendanceCodes.Name(t.Code),
                DeemedKind = t.DeemedKind is { } k ? AttendanceVocabulary.Name(k) : null, Disease = t.Disease,
                Relationship = t.Relationship is { } r ? AttendanceVocabulary.Name(r) : null,
                OnlineMethod = t.OnlineMethod is { } o ? AttendanceVocabulary.Name(o) : null, DateLastModified = now,
            });
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return [];
    }

    /// <summary>The map of one system, ordered by local code (one query).</summary>
    public async Task<List<(string LocalCode, AttendanceMark Template)>> ReadCodeMapAsync(int tenantId, string system, CancellationToken cancellationToken)
    {
        await using var context = store.CreateDbContext();
        var rows = await context.Set<AttendanceCodeMapRow>().AsNoTracking().Where(m => m.TenantId == tenantId && m.System == system)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(r => r.LocalCode, StringComparer.Ordinal).Select(r => (r.LocalCode, new AttendanceMark
        {
            Code = AttendanceCodes.TryParse(r.Code, out var code) ? code : AttendanceCode.AbsentOther,
            DeemedKind = Parse<DeemedAttendanceKind>(r.DeemedKind), Disease = r.Disease, Relationship = Parse<BereavementRelationship>(r.Relationship),
            OnlineMethod = Parse<OnlineLessonMethod>(r.OnlineMethod),
        }))];
    }

    /// <summary>The <see cref="LocalCodeMap"/> of one system (empty when the tenant has none for it).</summary>
    public async Task<LocalCodeMap> LoadCodeMapAsync(int tenantId, string system, CancellationToken cancellationToken)
    {
        var map = new LocalCodeMap();
        foreach (var (localCode, template) in await ReadCodeMapAsync(tenantId, system, cancellationToken).ConfigureAwait(false)) map.Add(system, localCode, template);
        return map;
    }

    // ---------------------------------------------------------------- infection surveillance

    /// <summary>
    /// Per homeroom class and school day from <paramref name="from"/> to <paramref name="to"/> (at most
    /// <see cref="MaxReportDays"/>): enrolled pupils, 欠席 (and 病気 among them), 出席停止（感染症） by disease, and whether
    /// the class was closed (学級閉鎖). Classes with no absence get a row of zeros — surveillance needs the denominator
    /// and the "none today" as much as the cases (学校等欠席者・感染症情報システム, japan.md §5). Four queries.
    /// </summary>
    public async Task<List<InfectionReportRow>> InfectionReportAsync(int tenantId, string school, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        if (to < from || to.DayNumber - from.DayNumber >= MaxReportDays) throw new ArgumentOutOfRangeException(nameof(to));
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<CalendarEntry>();
        await using (var command = Command(connection, null,
            "SELECT date, scope, key, kind FROM attendance_calendar WHERE tenant_id = @tenant AND school_sourced_id = @school AND date >= @from AND date <= @to"))
        {
            Add(command, "tenant", tenantId);
            Add(command, "school", school);
            Add(command, "from", from);
            Add(command, "to", to);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var key = reader.GetString(2);
                entries.Add(new CalendarEntry(reader.GetFieldValue<DateOnly>(0), Parse<CalendarScope>(reader.GetString(1)) ?? CalendarScope.School,
                    key.Length == 0 ? null : key, Parse<CalendarDayKind>(reader.GetString(3)) ?? CalendarDayKind.Holiday));
            }
        }
        var calendar = new SchoolCalendar(entries);
        var intervals = (await LoadEnrolmentsAsync(connection, null, tenantId, [school], cancellationToken).ConfigureAwait(false))
            .GroupBy(e => e.PupilSourcedId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => Intervals(g), StringComparer.Ordinal);
        var classIds = intervals.Values.SelectMany(l => l).Select(i => i.ClassSourcedId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var titles = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (classIds.Count > 0)
        {
            var c = CsvBinding.Classes;
            await using var command = Command(connection, null, "");
            command.CommandText = $"SELECT sourced_id, {Col(c, "title")} FROM {c.StorageName} WHERE tenant_id = @tenant AND sourced_id {In(command, "c", classIds)}";
            Add(command, "tenant", tenantId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) titles[reader.GetString(0)] = Text(reader, 1);
        }
        var day = new Dictionary<(string Pupil, DateOnly Date), (AttendanceCode Code, string? Disease)>();
        await using (var command = Command(connection, null,
            "SELECT pupil_sourced_id, date, code, disease FROM attendance_records WHERE tenant_id = @tenant AND school_sourced_id = @school AND is_current " +
            "AND status = 'active' AND period = 0 AND date >= @from AND date <= @to"))
        {
            Add(command, "tenant", tenantId);
            Add(command, "school", school);
            Add(command, "from", from);
            Add(command, "to", to);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                if (AttendanceCodes.TryParse(reader.GetString(2), out var code)) day[(reader.GetString(0), reader.GetFieldValue<DateOnly>(1))] = (code, Text(reader, 3));
        }

        var rows = new List<InfectionReportRow>();
        for (var date = from; date <= to; date = date.AddDays(1))
        {
            var groups = new Dictionary<string, (string? Grade, CalendarDayKind Kind, int Enrolled, int Absent, int Illness, int Suspended, SortedDictionary<string, int> Diseases)>(StringComparer.Ordinal);
            foreach (var (pupil, list) in intervals)
            {
                var interval = list.FirstOrDefault(i => i.Covers(date));
                if (interval is null) continue;
                var kind = calendar.Resolve(date, interval.Grade, interval.ClassSourcedId);
                if (kind is not (CalendarDayKind.SchoolDay or CalendarDayKind.ClassClosure)) continue;
                var classId = interval.ClassSourcedId ?? "";
                if (!groups.TryGetValue(classId, out var g)) g = (interval.Grade, kind, 0, 0, 0, 0, new SortedDictionary<string, int>(StringComparer.Ordinal));
                g.Enrolled++;
                // On a class-closure day the closure decides the day (decision 0009 precedence 4): nobody is counted absent.
                if (kind == CalendarDayKind.SchoolDay && day.TryGetValue((pupil, date), out var record))
                {
                    if (AttendanceCodes.BucketOf(record.Code) == YorokuBucket.Absent) g.Absent++;
                    if (record.Code == AttendanceCode.AbsentIllness) g.Illness++;
                    if (record.Code == AttendanceCode.SuspendedInfection)
                    {
                        g.Suspended++;
                        var disease = record.Disease ?? "UNSPECIFIED";
                        g.Diseases[disease] = g.Diseases.GetValueOrDefault(disease) + 1;
                    }
                }
                groups[classId] = g;
            }
            foreach (var (classId, g) in groups.OrderBy(p => p.Key, StringComparer.Ordinal))
                rows.Add(new InfectionReportRow(date, classId, titles.GetValueOrDefault(classId), g.Grade, g.Kind, g.Enrolled, g.Absent, g.Illness, g.Suspended,
                    [.. g.Diseases.Select(p => (p.Key, p.Value))]));
        }
        return rows;
    }
}
