using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Storage.Attendance;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.Attendance.AttendanceRoster;
using static Koumu.Interop.Tests.Attendance.AttendanceSamples;

namespace Koumu.Interop.Tests.Attendance;

/// <summary>The early-warning rules (pure) and their set-based evaluation with stored alerts on SQLite and PostgreSQL.</summary>
public sealed class EarlyWarningTests
{
    private static readonly List<CalendarEntry> Calendar = Weekdays();
    private static readonly SchoolCalendar Resolved = new(Calendar);
    private static DateOnly Day(int n) => Calendar[n].Date;

    private static CalendarDayKind? AllYear(DateOnly date) => Resolved.Resolve(date, "P3", "class-3-1");

    private static WarningRecord Absent(int day, string id = "") => new(id.Length == 0 ? $"r{day}" : id, Day(day), true, AttendanceCode.AbsentIllness, false);

    [Fact]
    public void Consecutive_absences_skip_weekends_and_break_on_attendance()
    {
        // Day(n) are consecutive school days whatever the weekday: a weekend between them is skipped.
        var records = new[] { Absent(10), Absent(11), Absent(12), Absent(13) };
        var rule = new WarningRule(WarningRuleKind.ConsecutiveAbsences, Threshold: 3);
        var alert = Assert.Single(EarlyWarning.Evaluate([rule], Day(13), AllYear, records));
        Assert.Equal((4, Day(10)), (alert.Value, alert.From));
        Assert.Equal(["r10", "r11", "r12", "r13"], alert.Evidence.Select(e => e.SourcedId));
        // A school day with no record is attendance: the run is over.
        Assert.Empty(EarlyWarning.Evaluate([rule], Day(14), AllYear, records));
        // A weekend after the run does not end it (the next school day has not come yet).
        var friday = Enumerable.Range(20, 10).First(k => Day(k).AddDays(1) != Day(k + 1));
        var beforeWeekend = new[] { Absent(friday - 2), Absent(friday - 1), Absent(friday) };
        Assert.Equal(3, Assert.Single(EarlyWarning.Evaluate([rule], Day(friday).AddDays(1), AllYear, beforeWeekend)).Value);
    }

    [Fact]
    public void Excused_days_neither_extend_nor_break_a_run()
    {
        var records = new List<WarningRecord>
        {
            Absent(20), new("flu", Day(21), true, AttendanceCode.SuspendedInfection, false), Absent(22),
        };
        var alert = Assert.Single(EarlyWarning.Evaluate([new WarningRule(WarningRuleKind.ConsecutiveAbsences, Threshold: 2)], Day(22), AllYear, records));
        Assert.Equal(2, alert.Value);
        Assert.DoesNotContain(alert.Evidence, e => e.SourcedId == "flu");
    }

    [Fact]
    public void Absence_share_is_judged_only_with_enough_days_and_strictly_above_the_share()
    {
        // 30 calendar days ending Day(30) hold W school days: W/5 + 1 absences are above 20 %, W/5 are not.
        var end = Day(30);
        var window = Calendar.Count(e => e.Date > end.AddDays(-30) && e.Date <= end);
        var needed = window / 5 + 1;
        var records = Enumerable.Range(0, needed).Select(i => Absent(30 - i)).ToList();
        var rule = new WarningRule(WarningRuleKind.AbsenceShare, Threshold: 5, WindowDays: 30, SharePercent: 20);
        Assert.Equal(needed, Assert.Single(EarlyWarning.Evaluate([rule], end, AllYear, records)).Value);
        Assert.Empty(EarlyWarning.Evaluate([rule], end, AllYear, records.Skip(1).ToList()));
        // With fewer days to attend than the threshold the share is not judged (first days of April).
        Assert.Empty(EarlyWarning.Evaluate([rule with { Threshold = 40 }], end, AllYear, records));
    }

    [Fact]
    public void Approaching_the_long_absence_line_counts_the_year_on_the_configured_basis()
    {
        var records = Enumerable.Range(0, 18).Select(i => Absent(i * 3)).Concat([new WarningRecord("b", Day(70), true, AttendanceCode.Bereavement, false),
            new WarningRecord("c", Day(71), true, AttendanceCode.Bereavement, false)]).ToList();
        var absentOnly = new WarningRule(WarningRuleKind.ApproachingLongAbsence, Threshold: 20, Basis: LongAbsenceBasis.Absent);
        Assert.Empty(EarlyWarning.Evaluate([absentOnly], Day(100), AllYear, records));
        var withExcused = absentOnly with { Basis = LongAbsenceBasis.AbsentAndExcused };
        var alert = Assert.Single(EarlyWarning.Evaluate([withExcused], Day(100), AllYear, records));
        Assert.Equal(20, alert.Value);
        Assert.Contains(alert.Evidence, e => e.SourcedId == "b");
    }

    [Fact]
    public void Nurse_room_visits_count_distinct_days_in_the_window()
    {
        var records = Enumerable.Range(0, 5).SelectMany(i => new[]
        {
            new WarningRecord($"d{i}", Day(40 + i), true, AttendanceCode.Present, true),
            new WarningRecord($"p{i}", Day(40 + i), false, AttendanceCode.Present, true), // a period on the same day is not a second visit
        }).ToList();
        var rule = new WarningRule(WarningRuleKind.NurseRoomVisits, Threshold: 5, WindowDays: 30);
        Assert.Equal(5, Assert.Single(EarlyWarning.Evaluate([rule], Day(44), AllYear, records)).Value);
        Assert.Empty(EarlyWarning.Evaluate([rule with { Threshold = 6 }], Day(44), AllYear, records));
        Assert.Empty(EarlyWarning.Evaluate([rule with { Enabled = false }], Day(44), AllYear, records));
    }

    [Fact]
    public void Days_outside_the_enrolment_and_closures_are_not_counted()
    {
        var records = new[] { Absent(10), Absent(11), Absent(12) };
        var rule = new WarningRule(WarningRuleKind.ConsecutiveAbsences, Threshold: 3);
        Assert.Empty(EarlyWarning.Evaluate([rule], Day(12), d => d < Day(11) ? null : AllYear(d), records));
        var closed = new SchoolCalendar([.. Calendar, new CalendarEntry(Day(11), CalendarScope.Class, "class-3-1", CalendarDayKind.ClassClosure)]);
        Assert.Empty(EarlyWarning.Evaluate([rule], Day(12), d => closed.Resolve(d, "P3", "class-3-1"), records));
    }

    [Theory]
    [InlineData(WarningRuleKind.ConsecutiveAbsences, 1, null, null, "threshold")]
    [InlineData(WarningRuleKind.ConsecutiveAbsences, 3, 30, null, "windowDays")]
    [InlineData(WarningRuleKind.AbsenceShare, 5, 30, 0, "sharePercent")]
    [InlineData(WarningRuleKind.AbsenceShare, 5, 3, 20, "windowDays")]
    [InlineData(WarningRuleKind.AbsenceShare, 5, 30, null, "sharePercent")]
    [InlineData(WarningRuleKind.NurseRoomVisits, 5, 1000, null, "windowDays")]
    [InlineData(WarningRuleKind.ApproachingLongAbsence, 0, null, null, "threshold")]
    [InlineData(WarningRuleKind.ApproachingLongAbsence, 20, null, 50, "sharePercent")]
    public void Nonsense_rule_parameters_are_rejected(WarningRuleKind kind, int? threshold, int? window, int? share, string field) =>
        Assert.Contains(new WarningRule(kind, Threshold: threshold, WindowDays: window, SharePercent: share).Validate(), p => p.Field == field);

    [Fact]
    public void The_default_rules_are_valid() => Assert.All(WarningRule.Defaults, r => Assert.Empty(r.Validate()));

    // ------------------------------------------------------------------ storage

    private static async Task<(TestStore Store, AttendanceStore Attendance)> SetUpAsync(string provider)
    {
        var store = await TestStore.CreateAsync(provider);
        await ImportAsync(store);
        var attendance = new AttendanceStore(store.Store);
        Assert.Empty(await attendance.UpsertCalendarAsync(store.TenantId, School, Calendar, CancellationToken.None));
        return (store, attendance);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Evaluation_stores_alerts_with_evidence_is_idempotent_and_resolves_what_no_longer_holds(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        var written = await attendance.WriteAsync(store.TenantId, Year, [
            Entry("s1", Day(10), AttendanceCode.AbsentIllness), Entry("s1", Day(11), AttendanceCode.AbsentOther), Entry("s1", Day(12), AttendanceCode.AbsentIllness),
            Entry("s3", Day(12), AttendanceCode.AbsentIllness),
            ..Enumerable.Range(8, 5).Select(i => Entry("s5", Day(i), new AttendanceMark { Code = AttendanceCode.Present, NurseRoom = true })),
        ], null, "t", CancellationToken.None);
        Assert.Empty(written.Problems);

        // Default rules: s1 has 3 absences in a row and 3 of 13 school days so far (23 % > 20 %); s5 went to the nurse 5 times.
        var first = await attendance.EvaluateWarningsAsync(store.TenantId, Day(12), CancellationToken.None);
        Assert.Equal((3, 0, 0, 3), (first.Raised, first.Updated, first.Resolved, first.Open));
        Assert.Equal(["ABSENCE_SHARE", "CONSECUTIVE_ABSENCES"], (await attendance.ReadAlertsAsync(store.TenantId, new AlertQuery { Pupil = "s1" }, CancellationToken.None))
            .Rows.Select(a => a.Kind).Order(StringComparer.Ordinal));
        var (alerts, _) = await attendance.ReadAlertsAsync(store.TenantId, new AlertQuery { Status = "open" }, CancellationToken.None);
        var consecutive = alerts.Single(a => a.Kind == "CONSECUTIVE_ABSENCES");
        Assert.Equal(("s1", 3, Day(10)), (consecutive.PupilSourcedId, consecutive.Value, consecutive.WindowFrom));
        var ids = written.Written.Where(w => w.PupilSourcedId == "s1").Select(w => w.SourcedId).ToList();
        Assert.All(ids, id => Assert.Contains(id, consecutive.Evidence, StringComparison.Ordinal));
        Assert.Equal(("s5", 5), alerts.Where(a => a.Kind == "NURSE_ROOM_VISITS").Select(a => (a.PupilSourcedId, a.Value)).Single());

        // The same evaluation again changes nothing.
        var again = await attendance.EvaluateWarningsAsync(store.TenantId, Day(12), CancellationToken.None);
        Assert.Equal((0, 0, 0, 3), (again.Raised, again.Updated, again.Resolved, again.Open));

        // s1 comes back: the consecutive alert is resolved and kept as history; the nurse alert still holds.
        Assert.Empty((await attendance.WriteAsync(store.TenantId, Year, [Entry("s1", Day(13), AttendanceCode.Present)], null, "t", CancellationToken.None)).Problems);
        var later = await attendance.EvaluateWarningsAsync(store.TenantId, Day(13), CancellationToken.None);
        Assert.Equal((0, 1), (later.Raised, later.Resolved));
        var (all, _) = await attendance.ReadAlertsAsync(store.TenantId, new AlertQuery(), CancellationToken.None);
        var history = all.Single(a => a.Kind == "CONSECUTIVE_ABSENCES");
        Assert.Equal("resolved", history.Status);
        Assert.NotNull(history.ResolvedAt);
        // A new run raises a new alert (the resolved one stays as it was).
        Assert.Empty((await attendance.WriteAsync(store.TenantId, Year,
            [Entry("s1", Day(14), AttendanceCode.AbsentOther), Entry("s1", Day(15), AttendanceCode.AbsentOther), Entry("s1", Day(16), AttendanceCode.AbsentOther)],
            null, "t", CancellationToken.None)).Problems);
        Assert.Equal(1, (await attendance.EvaluateWarningsAsync(store.TenantId, Day(16), CancellationToken.None)).Raised);
        var (final, _) = await attendance.ReadAlertsAsync(store.TenantId, new AlertQuery { Kinds = ["CONSECUTIVE_ABSENCES"] }, CancellationToken.None);
        Assert.Equal(["resolved", "open"], final.Select(a => a.Status));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Configured_rules_replace_the_defaults_and_withdrawn_records_do_not_count(string provider)
    {
        var (store, attendance) = await SetUpAsync(provider);
        await using var _ = store;
        Assert.False((await attendance.ReadWarningRulesAsync(store.TenantId, CancellationToken.None)).Configured);
        await attendance.ReplaceWarningRulesAsync(store.TenantId, [
            new WarningRule(WarningRuleKind.ConsecutiveAbsences, Threshold: 2), new WarningRule(WarningRuleKind.AbsenceShare, false),
            new WarningRule(WarningRuleKind.ApproachingLongAbsence, false), new WarningRule(WarningRuleKind.NurseRoomVisits, false)], CancellationToken.None);
        var (rules, configured) = await attendance.ReadWarningRulesAsync(store.TenantId, CancellationToken.None);
        Assert.True(configured);
        Assert.Equal(2, rules.Single(r => r.Kind == WarningRuleKind.ConsecutiveAbsences).Threshold);
        var written = await attendance.WriteAsync(store.TenantId, Year, [Entry("s3", Day(5), AttendanceCode.AbsentOther), Entry("s3", Day(6), AttendanceCode.AbsentOther)],
            null, "t", CancellationToken.None);
        Assert.Equal(1, (await attendance.EvaluateWarningsAsync(store.TenantId, Day(6), CancellationToken.None)).Raised);

        var withdrawn = await attendance.WithdrawAsync(store.TenantId, written.Written[1].SourcedId, null, "t", CancellationToken.None);
        Assert.Equal(("tobedeleted", 2, true), (withdrawn!.Value.Row.Status, withdrawn.Value.Row.Version, withdrawn.Value.Changed));
        Assert.False((await attendance.WithdrawAsync(store.TenantId, written.Written[1].SourcedId, null, "t", CancellationToken.None))!.Value.Changed);
        Assert.Null(await attendance.WithdrawAsync(store.TenantId, written.Written[1].SourcedId, ["org-school2"], "t", CancellationToken.None));
        Assert.Equal(1, (await attendance.EvaluateWarningsAsync(store.TenantId, Day(6), CancellationToken.None)).Resolved);
    }
}
