using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Storage.Attendance;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.Attendance.AttendanceRoster;
using static Koumu.Interop.Tests.Attendance.AttendanceSamples;

namespace Koumu.Interop.Tests.Attendance;

/// <summary>Attendance storage on SQLite and PostgreSQL: writes, history, all-or-nothing validation, calendar, derivation, audit.</summary>
public sealed class AttendanceStoreTests
{
    private static readonly List<CalendarEntry> Calendar = Weekdays();
    private static DateOnly Day(int n) => Calendar[n].Date;

    private static async Task<(TestStore Store, AttendanceStore Attendance)> SetUpAsync(string provider)
    {
        var store = await TestStore.CreateAsync(provider);
        await ImportAsync(store);
        var attendance = new AttendanceStore(store.Store);
        Assert.Empty(await attendance.UpsertCalendarAsync(store.TenantId, School, Calendar, CancellationToken.None));
        return (store, attendance);
    }

    private static async Task<AttendanceWriteResult> WriteAsync(AttendanceStore attendance, TestStore store, params AttendanceEntry[] entries) =>
        await attendance.WriteAsync(store.TenantId, Year, entries, null, "test-client", CancellationToken.None);

    /// <summary>
    /// The read of a school's year is served by an index-only scan on PostgreSQL (migration AttendanceYearCoveringIndex;
    /// bench attendance (a): ≈ 25 % faster than visiting the heap). With the other access paths switched off, the planner
    /// can only choose an index-only scan if the index holds every column the read names — so a column added to the read
    /// but not to the index's INCLUDE list fails here instead of slowing the yearly record down unnoticed.
    /// </summary>
    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_yearly_read_can_be_an_index_only_scan(bool onePupil)
    {
        var (store, _) = await SetUpAsync("postgres");
        await using var __ = store;
        await using var connection = (Npgsql.NpgsqlConnection)await store.Store.OpenConnectionAsync(CancellationToken.None);
        await using (var off = new Npgsql.NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_indexscan = off", connection))
            await off.ExecuteNonQueryAsync();
        await using var explain = new Npgsql.NpgsqlCommand("EXPLAIN " + AttendanceStore.YearReadSql(postgres: true, onePupil), connection);
        explain.Parameters.AddWithValue("tenant", store.TenantId);
        explain.Parameters.AddWithValue("school", School);
        explain.Parameters.AddWithValue("from", SchoolYear.Start(Year));
        explain.Parameters.AddWithValue("to", SchoolYear.End(Year));
        if (onePupil) explain.Parameters.AddWithValue("pupil", "s1");
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.Add(reader.GetString(0));
        Assert.Contains(plan, line => line.Contains("Index Only Scan using \"IX_attendance_records_tenant_id_school_sourced_id_date\"", StringComparison.Ordinal));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_morning_is_written_and_read_back_as_current_records(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        var result = await WriteAsync(attendance, store,
            Entry("s1", Day(0), new AttendanceMark { Code = AttendanceCode.Present, Late = true, ArrivedAt = new TimeOnly(9, 5) }),
            Entry("s3", Day(0), new AttendanceMark { Code = AttendanceCode.AbsentIllness, Symptoms = [Symptom.Fever, Symptom.Headache], Temperature = 38.4m }),
            Entry("s3", Day(0), AttendanceCode.AbsentIllness, period: 1));
        Assert.Empty(result.Problems);
        Assert.Equal(3, result.Written.Count);

        var (rows, hasMore) = await attendance.ReadAsync(store.TenantId, new AttendanceRecordQuery { School = School, From = Day(0), To = Day(0) }, CancellationToken.None);
        Assert.False(hasMore);
        Assert.Equal(3, rows.Count);
        var s3 = rows.Single(r => r.PupilSourcedId == "s3" && r.Period == 0);
        var mark = AttendanceStore.ToMark(s3);
        Assert.Equal([Symptom.Fever, Symptom.Headache], mark.Symptoms);
        Assert.Equal(38.4m, mark.Temperature);
        Assert.Equal(new TimeOnly(9, 5), AttendanceStore.ToMark(rows.Single(r => r.PupilSourcedId == "s1")).ArrivedAt);
        Assert.All(rows, r => Assert.Equal(("TEACHER", "test-suite", "test-client", 1, true), (r.ReportedBy, r.SourceSystem, r.ClientId, r.Version, r.IsCurrent)));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_correction_appends_a_version_and_keeps_the_history(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        var first = Assert.Single((await WriteAsync(attendance, store, Entry("s1", Day(3), AttendanceCode.AbsentOther))).Written);
        // The parent app reports influenza later the same day: the register is corrected.
        var second = Assert.Single((await WriteAsync(attendance, store, Entry("s1", Day(3), AttendanceCode.SuspendedInfection) with { ReportedBy = ReportedBy.ParentApp })).Written);
        Assert.Equal((first.SourcedId, 2), (second.SourcedId, second.Version));
        // Sending the same again changes nothing.
        var repeat = await WriteAsync(attendance, store, Entry("s1", Day(3), AttendanceCode.SuspendedInfection) with { ReportedBy = ReportedBy.ParentApp });
        Assert.Equal((0, 1), (repeat.Written.Count, repeat.Unchanged));

        var current = (await attendance.ReadAsync(store.TenantId, new AttendanceRecordQuery { Pupil = "s1" }, CancellationToken.None)).Rows;
        Assert.Equal("SUSPENDED_INFECTION", Assert.Single(current).Code);
        var history = (await attendance.ReadAsync(store.TenantId, new AttendanceRecordQuery { Pupil = "s1", History = true }, CancellationToken.None)).Rows;
        Assert.Equal([("ABSENT_OTHER", 1, false), ("SUSPENDED_INFECTION", 2, true)], history.Select(h => (h.Code, h.Version, h.IsCurrent)));
        Assert.Equal(2, await store.CountAsync("attendance_records"));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Bad_rows_are_all_reported_with_their_index_and_nothing_is_written(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        var result = await attendance.WriteAsync(store.TenantId, Year,
        [
            Entry("s1", Day(0), AttendanceCode.Present), // fine, but the request fails as a whole
            Entry("s2", Day(0), AttendanceCode.AbsentIllness), // before the transfer in
            Entry("s1", new DateOnly(2027, 4, 5), AttendanceCode.Present), // next 年度
            Entry("s4", Day(0), AttendanceCode.Present, school: School2), // another school than the client's
            Entry("s1", Day(0), AttendanceCode.AbsentOther), // same slot as row 0
            Entry("s3", Day(0), new AttendanceMark { Code = AttendanceCode.SuspendedInfection }), // no disease
            Entry("nobody", Day(0), AttendanceCode.Present), // not a pupil of the school
            Entry("s5", Day(80), AttendanceCode.Present), // after the transfer out
        ], [School], "test-client", CancellationToken.None);
        Assert.Empty(result.Written);
        Assert.Contains(result.Problems, p => p is { Index: 1, Field: "pupil", Rule: AttendanceStore.RuleNotEnrolled });
        Assert.Contains(result.Problems, p => p is { Index: 2, Field: "date", Rule: AttendanceStore.RuleOutsideYear });
        Assert.Contains(result.Problems, p => p is { Index: 3, Field: "school", Rule: AttendanceStore.RuleSchoolNotAllowed });
        Assert.Contains(result.Problems, p => p is { Index: 4, Rule: AttendanceStore.RuleDuplicateSlot });
        Assert.Contains(result.Problems, p => p is { Index: 5, Field: "disease", Rule: AttendanceRules.AttributeRequired });
        Assert.Contains(result.Problems, p => p is { Index: 6, Rule: AttendanceStore.RuleNotEnrolled });
        Assert.Contains(result.Problems, p => p is { Index: 7, Rule: AttendanceStore.RuleNotEnrolled });
        Assert.DoesNotContain(result.Problems, p => p.Index == 0);
        Assert.Equal(0, await store.CountAsync("attendance_records"));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Records_of_one_tenant_are_invisible_to_another(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        Assert.Empty((await WriteAsync(attendance, store, Entry("s1", Day(0), AttendanceCode.AbsentOther))).Problems);
        var other = await store.CreateOtherTenantAsync("other-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Empty((await attendance.ReadAsync(other, new AttendanceRecordQuery(), CancellationToken.None)).Rows);
        Assert.Empty(await attendance.DeriveAsync(other, School, Year, new YorokuOptions(), null, null, CancellationToken.None));
        // The other tenant has no enrolments: writing the same pupil there is refused.
        var refused = await attendance.WriteAsync(other, Year, [Entry("s1", Day(0), AttendanceCode.Present)], null, "x", CancellationToken.None);
        Assert.Equal(AttendanceStore.RuleNotEnrolled, Assert.Single(refused.Problems).Rule);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_yearly_record_is_derived_from_stored_calendar_enrolments_and_records(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        // A class closure of 3-1 (3 days), a whole-school closure (1 day), influenza, bereavement, deemed attendance, late/early.
        var closure = new[] { Day(150), Day(151), Day(152) };
        var schoolClosed = Day(160);
        Assert.Empty(await attendance.UpsertCalendarAsync(store.TenantId, School,
            [.. closure.Select(d => new CalendarEntry(d, CalendarScope.Class, "class-3-1", CalendarDayKind.ClassClosure)),
             new CalendarEntry(schoolClosed, CalendarScope.School, null, CalendarDayKind.TemporaryClosure, "大雪")], CancellationToken.None));
        Assert.Empty((await WriteAsync(attendance, store,
            Entry("s1", Day(10), AttendanceCode.SuspendedInfection), Entry("s1", Day(11), AttendanceCode.SuspendedInfection),
            Entry("s1", Day(20), AttendanceCode.Bereavement),
            Entry("s1", Day(30), AttendanceCode.PresentDeemed),
            Entry("s1", Day(40), AttendanceCode.AbsentIllness),
            Entry("s1", Day(41), new AttendanceMark { Code = AttendanceCode.Present, Late = true, EarlyLeave = true }),
            Entry("s1", schoolClosed, new AttendanceMark { Code = AttendanceCode.OnlineSpecialLesson, OnlineMethod = OnlineLessonMethod.OnDemand }),
            Entry("s2", TransferIn.AddDays(4), AttendanceCode.AbsentOther))).Problems);

        var all = await attendance.DeriveAsync(store.TenantId, School, Year, new YorokuOptions(), null, null, CancellationToken.None);
        Assert.Equal(["s1", "s2", "s3", "s5"], all.Select(p => p.Pupil));
        var s1 = all.Single(p => p.Pupil == "s1").Record.Year;
        Assert.Equal(Calendar.Count - 1, s1.SchoolDays);
        Assert.Equal((2, 3, 1, 0, 0), (s1.Suspension, s1.ClassClosure, s1.Bereavement, s1.Disaster, s1.PrincipalExcused));
        Assert.Equal(Calendar.Count - 1 - 6, s1.RequiredDays);
        Assert.Equal(1, s1.AbsentDays);
        Assert.Equal(s1.RequiredDays - 1, s1.PresentDays);
        Assert.Equal(1, s1.DeemedByKind[DeemedAttendanceKind.EducationSupportCentre]);
        Assert.Equal((1, 1), (s1.LateCount, s1.EarlyLeaveCount));
        Assert.Equal((1, 1), (s1.OnlineLessonDays, s1.OnlineParticipationDays));
        var s2 = all.Single(p => p.Pupil == "s2").Record.Year;
        Assert.Equal(Calendar.Count(e => e.Date >= TransferIn) - (schoolClosed >= TransferIn ? 1 : 0), s2.SchoolDays);
        Assert.Equal(1, s2.AbsentOther);
        var s3 = all.Single(p => p.Pupil == "s3").Record.Year; // the other class: no class closure
        Assert.Equal((Calendar.Count - 1, 0), (s3.SchoolDays, s3.ClassClosure));
        var s5 = all.Single(p => p.Pupil == "s5").Record.Year;
        Assert.Equal(Calendar.Count(e => e.Date <= TransferOut), s5.SchoolDays);

        var oneClass = await attendance.DeriveAsync(store.TenantId, School, Year, new YorokuOptions(), null, "class-3-2", CancellationToken.None);
        Assert.Equal("s3", Assert.Single(oneClass).Pupil);
        var onePupil = await attendance.DeriveAsync(store.TenantId, School, Year, new YorokuOptions(), "s1", null, CancellationToken.None);
        Assert.Equal(s1.PresentDays, Assert.Single(onePupil).Record.Year.PresentDays);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Enrolments_in_a_class_that_is_no_longer_active_do_not_count_for_the_yearly_record(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        Assert.Equal(["s1", "s2", "s3", "s5"], (await attendance.DeriveAsync(store.TenantId, School, Year, new YorokuOptions(), null, null, CancellationToken.None)).Select(p => p.Pupil));
        // 3-2 (s3's only class) deleted by the 校務 system's next delta: its enrolment stays, the class is tobedeleted.
        await using (var connection = await store.Store.OpenConnectionAsync(CancellationToken.None))
        await using (var update = connection.CreateCommand())
        {
            update.CommandText = $"UPDATE classes SET status = 'tobedeleted' WHERE tenant_id = {store.TenantId} AND sourced_id = 'class-3-2'";
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }
        var all = await attendance.DeriveAsync(store.TenantId, School, Year, new YorokuOptions(), null, null, CancellationToken.None);
        Assert.Equal(["s1", "s2", "s5"], all.Select(p => p.Pupil));
        Assert.Empty(await attendance.DeriveAsync(store.TenantId, School, Year, new YorokuOptions(), "s3", null, CancellationToken.None));
    }

    /// <summary>Every valid combination of code, deemed kind, online method and participation, and the four modifiers.</summary>
    private static IEnumerable<AttendanceMark> EveryValidMark() =>
        from code in AttendanceCodes.All
        from deemed in new DeemedAttendanceKind?[] { null }.Concat(Enum.GetValues<DeemedAttendanceKind>().Select(k => (DeemedAttendanceKind?)k))
        from online in new OnlineLessonMethod?[] { null, OnlineLessonMethod.Synchronous, OnlineLessonMethod.OnDemand }
        from participated in new bool?[] { null, false, true }
        from modifiers in Enumerable.Range(0, 16)
        let mark = new AttendanceMark
        {
            Code = code,
            DeemedKind = deemed,
            OnlineMethod = online,
            OnlineParticipated = participated,
            Late = (modifiers & 1) != 0,
            EarlyLeave = (modifiers & 2) != 0,
            NurseRoom = (modifiers & 4) != 0,
            SeparateRoom = (modifiers & 8) != 0,
            Disease = code == AttendanceCode.SuspendedInfection ? InfectiousDiseases.All[0].Code : null,
            Relationship = code == AttendanceCode.Bereavement ? Enum.GetValues<BereavementRelationship>()[0] : null,
        }
        where AttendanceRules.Validate(mark, null).Count == 0
        select mark;

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task The_derivation_reads_every_valid_mark_back_exactly_as_written(string provider)
    {
        // The year's read packs day, period and modifiers into one column (LoadDerivationAsync): every combination must
        // come back unchanged, on each day of the year and with periods 1–20, on both stores.
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        var marks = EveryValidMark().ToList();
        Assert.Equal(AttendanceCodes.All.Count, marks.Select(m => m.Code).Distinct().Count());
        var entries = new List<AttendanceEntry>();
        for (var i = 0; i < marks.Count; i++)
        {
            var (pupil, day) = i < Calendar.Count ? ("s1", i) : ("s3", Calendar.Count - 1 - (i - Calendar.Count));
            entries.Add(Entry(pupil, Day(day), marks[i]));
            // A period record beside the day record wherever the code may be recorded per period.
            if (AttendanceRules.Validate(marks[i], 1 + i % AttendanceRules.MaxPeriod).Count == 0)
                entries.Add(Entry(pupil, Day(day), marks[i], 1 + i % AttendanceRules.MaxPeriod));
        }
        Assert.Empty((await attendance.WriteAsync(store.TenantId, Year, entries, null, "test-client", CancellationToken.None)).Problems);

        var (_, _, read) = await attendance.LoadDerivationAsync(store.TenantId, School, Year, null, null, CancellationToken.None);
        static string Describe(string pupil, DateOnly date, int? period, AttendanceMark m) =>
            $"{pupil} {date:yyyy-MM-dd} {period} {m.Code} {m.DeemedKind} {m.OnlineMethod} {m.OnlineParticipated} {m.Late} {m.EarlyLeave} {m.NurseRoom} {m.SeparateRoom}";
        var expected = entries.Select(e => Describe(e.PupilSourcedId, e.Date, e.Period, e.Mark)).Order(StringComparer.Ordinal);
        var actual = read.SelectMany(p => p.Value.Select(m => Describe(p.Key, m.Date, m.Period, m.Mark))).Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Calendar_entries_are_upserted_and_invalid_ones_change_nothing(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        var count = await store.CountAsync("attendance_calendar");
        var problems = await attendance.UpsertCalendarAsync(store.TenantId, School,
        [
            new CalendarEntry(Day(5), CalendarScope.School, null, CalendarDayKind.Holiday),
            new CalendarEntry(Day(6), CalendarScope.Grade, "P3", CalendarDayKind.ClassClosure),
            new CalendarEntry(Day(5), CalendarScope.School, null, CalendarDayKind.SchoolDay),
        ], CancellationToken.None);
        Assert.Equal([1, 2], problems.Select(p => p.Index).Order());
        Assert.Equal(count, await store.CountAsync("attendance_calendar"));

        Assert.Empty(await attendance.UpsertCalendarAsync(store.TenantId, School, [new CalendarEntry(Day(5), CalendarScope.School, null, CalendarDayKind.Holiday, "開校記念日")], CancellationToken.None));
        var entries = await attendance.ReadCalendarAsync(store.TenantId, School, Year, CancellationToken.None);
        Assert.Equal(Calendar.Count, entries.Count);
        Assert.Equal((CalendarDayKind.Holiday, "開校記念日"), entries.Where(e => e.Date == Day(5)).Select(e => (e.Kind, e.Reason)).Single());
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Pages_follow_a_stable_order_without_gaps(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        Assert.Empty((await WriteAsync(attendance, store, [.. Enumerable.Range(0, 25).Select(i => Entry("s1", Day(i), AttendanceCode.AbsentOther))])).Problems);
        var seen = new List<long>();
        long after = 0;
        while (true)
        {
            var (rows, more) = await attendance.ReadAsync(store.TenantId, new AttendanceRecordQuery { After = after, Limit = 10 }, CancellationToken.None);
            seen.AddRange(rows.Select(r => r.Id));
            if (!more) break;
            after = rows[^1].Id;
        }
        Assert.Equal(25, seen.Distinct().Count());
        Assert.Equal(seen.Order(), seen);
    }
}
