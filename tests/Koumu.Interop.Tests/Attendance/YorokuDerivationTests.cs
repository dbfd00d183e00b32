using CsCheck;
using Koumu.Interop.Schemas.Attendance;
using static Koumu.Interop.Tests.Attendance.AttendanceSamples;

namespace Koumu.Interop.Tests.Attendance;

/// <summary>指導要録「出欠の記録」 (30文科初第1845号 別紙1/2; japan.md §2.1): the identities for any year, and worked examples.</summary>
public sealed class YorokuDerivationTests
{
    private static YorokuRecord Derive(Scenario s) => YorokuDerivation.Derive(Year, s.Calendar, s.Enrolments, s.Marks, s.Options);

    [Fact]
    public void Required_days_are_school_days_minus_excused_days_for_any_year() =>
        Scenarios.Sample(s =>
        {
            var record = Derive(s);
            foreach (var tally in record.Months.Select(m => m.Tally).Append(record.Year))
            {
                Assert.Equal(tally.SchoolDays - tally.ExcusedDays - tally.StudyAbroadDays, tally.RequiredDays);
                Assert.Equal(tally.Suspension + tally.ClassClosure + tally.Bereavement + tally.Disaster + tally.PrincipalExcused, tally.ExcusedDays);
                Assert.InRange(tally.RequiredDays, 0, tally.SchoolDays);
            }
        }, iter: 300);

    [Fact]
    public void Present_days_are_required_days_minus_absent_days_for_any_year() =>
        Scenarios.Sample(s =>
        {
            var record = Derive(s);
            foreach (var tally in record.Months.Select(m => m.Tally).Append(record.Year))
            {
                // PresentDays is counted from the days themselves, so this is a real check of the classification.
                Assert.Equal(tally.RequiredDays - tally.AbsentDays, tally.PresentDays);
                Assert.True(tally.PresentDays >= 0);
            }
        }, iter: 300);

    [Fact]
    public void Deemed_attendance_is_within_present_days_for_any_year() =>
        Scenarios.Sample(s =>
        {
            var record = Derive(s);
            foreach (var tally in record.Months.Select(m => m.Tally).Append(record.Year))
            {
                Assert.InRange(tally.DeemedDays, 0, tally.PresentDays);
                Assert.InRange(tally.LateCount, 0, tally.PresentDays);
                Assert.InRange(tally.EarlyLeaveCount, 0, tally.PresentDays);
                Assert.InRange(tally.OnlineParticipationDays, 0, tally.OnlineLessonDays);
            }
        }, iter: 300);

    [Fact]
    public void School_days_count_only_enrolled_calendar_school_days_and_months_add_up_to_the_year() =>
        Scenarios.Sample(s =>
        {
            var record = Derive(s);
            var dayMarks = s.Marks.Where(m => m.Period is null).ToDictionary(m => m.Date, m => m.Mark);
            int expectedSchoolDays = 0, expectedAbsent = 0;
            for (var d = SchoolYear.Start(Year); d <= SchoolYear.End(Year); d = d.AddDays(1))
            {
                var e = s.Enrolments.FirstOrDefault(i => i.Covers(d));
                if (e is null) continue;
                var kind = s.Calendar.Resolve(d, e.Grade, e.ClassSourcedId);
                if (kind is not (CalendarDayKind.SchoolDay or CalendarDayKind.ClassClosure)) continue;
                dayMarks.TryGetValue(d, out var mark);
                if (mark?.Code == AttendanceCode.NotASchoolDay) continue;
                expectedSchoolDays++;
                if (kind == CalendarDayKind.SchoolDay && (mark is null ? s.Options.MissingDay == MissingDayPolicy.AbsentOther : mark.Bucket == YorokuBucket.Absent))
                    expectedAbsent++;
            }
            Assert.Equal(expectedSchoolDays, record.Year.SchoolDays);
            Assert.Equal(expectedAbsent, record.Year.AbsentDays);
            Assert.Equal(12, record.Months.Count);
            Assert.Equal(record.Year.SchoolDays, record.Months.Sum(m => m.Tally.SchoolDays));
            Assert.Equal(record.Year.PresentDays, record.Months.Sum(m => m.Tally.PresentDays));
            Assert.Equal(record.Year.OnlineLessonDays, record.Months.Sum(m => m.Tally.OnlineLessonDays));
        }, iter: 200);

    // ---- worked examples ----

    private static readonly List<CalendarEntry> Calendar = Weekdays();
    private static readonly EnrolmentInterval WholeYear = new(null, null, "P3", "class-3-1");

    private static YorokuTally Year1(List<CalendarEntry> entries, IEnumerable<PupilMark> marks, params EnrolmentInterval[] enrolments) =>
        YorokuDerivation.Derive(Year, new SchoolCalendar(entries), enrolments.Length == 0 ? [WholeYear] : enrolments, marks).Year;

    private static int SchoolDaysBetween(DateOnly from, DateOnly to) => Calendar.Count(e => e.Date >= from && e.Date <= to);

    [Fact]
    public void A_pupil_with_no_records_was_present_on_every_school_day()
    {
        var year = Year1(Calendar, []);
        Assert.Equal(Calendar.Count, year.SchoolDays);
        Assert.Equal(Calendar.Count, year.PresentDays);
        Assert.Equal(Calendar.Count, year.UnrecordedDays);
        Assert.Equal(0, year.AbsentDays);
    }

    [Fact]
    public void Unrecorded_days_count_as_absent_when_the_board_requires_every_day()
    {
        var record = YorokuDerivation.Derive(Year, new SchoolCalendar(Calendar), [WholeYear], [],
            new YorokuOptions { MissingDay = MissingDayPolicy.AbsentOther });
        Assert.Equal(Calendar.Count, record.Year.AbsentOther);
        Assert.Equal(0, record.Year.PresentDays);
    }

    [Fact]
    public void A_mid_year_transfer_in_counts_only_the_days_from_enrolment()
    {
        var joined = new DateOnly(2026, 10, 1);
        var earlier = new PupilMark(new DateOnly(2026, 6, 10), null, Mark(AttendanceCode.AbsentIllness)); // at the previous school
        var later = new PupilMark(new DateOnly(2026, 10, 5), null, Mark(AttendanceCode.AbsentIllness));
        var year = Year1(Calendar, [earlier, later], new EnrolmentInterval(joined, null, "P3", "class-3-1"));
        Assert.Equal(SchoolDaysBetween(joined, SchoolYear.End(Year)), year.SchoolDays);
        Assert.Equal(1, year.AbsentIllness);
        Assert.Equal(year.SchoolDays - 1, year.PresentDays);
    }

    [Fact]
    public void A_mid_year_transfer_out_stops_counting_after_the_last_day()
    {
        var left = new DateOnly(2026, 9, 30);
        var year = Year1(Calendar, [], new EnrolmentInterval(null, left, "P3", "class-3-1"));
        Assert.Equal(SchoolDaysBetween(SchoolYear.Start(Year), left), year.SchoolDays);
    }

    [Fact]
    public void A_class_closure_stays_in_school_days_and_counts_in_excused_two()
    {
        var closed = new[] { new DateOnly(2027, 1, 20), new DateOnly(2027, 1, 21), new DateOnly(2027, 1, 22) };
        var entries = Calendar.Concat(closed.Select(d => new CalendarEntry(d, CalendarScope.Class, "class-3-1", CalendarDayKind.ClassClosure))).ToList();
        var inClass = Year1(entries, [new PupilMark(closed[0], null, Mark(AttendanceCode.AbsentIllness))]);
        Assert.Equal(Calendar.Count, inClass.SchoolDays);
        Assert.Equal(3, inClass.ClassClosure);
        Assert.Equal(3, inClass.ExcusedDays);
        Assert.Equal(Calendar.Count - 3, inClass.RequiredDays);
        Assert.Equal(0, inClass.AbsentDays); // the closure decides the day, the stray absence is a conflict
        var neighbour = Year1(entries, [], new EnrolmentInterval(null, null, "P3", "class-3-2"));
        Assert.Equal(0, neighbour.ClassClosure);
        Assert.Equal(Calendar.Count, neighbour.PresentDays);
    }

    [Fact]
    public void A_record_overridden_by_a_class_closure_is_reported_as_a_conflict()
    {
        var day = new DateOnly(2027, 1, 20);
        var entries = Calendar.Append(new CalendarEntry(day, CalendarScope.Class, "class-3-1", CalendarDayKind.ClassClosure)).ToList();
        var record = YorokuDerivation.Derive(Year, new SchoolCalendar(entries), [WholeYear], [new PupilMark(day, null, Mark(AttendanceCode.AbsentIllness))]);
        var conflict = Assert.Single(record.Conflicts);
        Assert.Equal(YorokuDerivation.ConflictClassClosure, conflict.Rule);
        Assert.Equal(day, conflict.Date);
    }

    [Fact]
    public void A_whole_school_closure_is_removed_from_school_days()
    {
        var closed = Calendar.Where(e => e.Date.Month == 2 && e.Date.Day <= 14).Select(e => e.Date).ToList();
        var entries = Calendar.Where(e => !closed.Contains(e.Date))
            .Concat(closed.Select(d => new CalendarEntry(d, CalendarScope.School, null, CalendarDayKind.TemporaryClosure))).ToList();
        var year = Year1(entries, []);
        Assert.Equal(Calendar.Count - closed.Count, year.SchoolDays);
        Assert.Equal(0, year.ExcusedDays);
        Assert.Equal(year.SchoolDays, year.RequiredDays);
    }

    [Fact]
    public void A_whole_grade_closure_is_removed_only_for_that_grade()
    {
        var day = new DateOnly(2026, 11, 11);
        var entries = Calendar.Append(new CalendarEntry(day, CalendarScope.Grade, "P3", CalendarDayKind.TemporaryClosure)).ToList();
        Assert.Equal(Calendar.Count - 1, Year1(entries, []).SchoolDays);
        Assert.Equal(Calendar.Count, Year1(entries, [], new EnrolmentInterval(null, null, "P4", "class-4-1")).SchoolDays);
    }

    [Fact]
    public void An_influenza_suspension_counts_in_excused_one_not_in_absence()
    {
        var days = Calendar.Select(e => e.Date).Where(d => d >= new DateOnly(2027, 1, 12)).Take(5).ToList();
        var year = Year1(Calendar, days.Select(d => new PupilMark(d, null, Mark(AttendanceCode.SuspendedInfection))));
        Assert.Equal(5, year.Suspension);
        Assert.Equal(0, year.AbsentDays);
        Assert.Equal(Calendar.Count - 5, year.RequiredDays);
        Assert.Equal(Calendar.Count - 5, year.PresentDays);
    }

    [Fact]
    public void A_bereavement_counts_in_excused_three()
    {
        var days = Calendar.Select(e => e.Date).Where(d => d >= new DateOnly(2026, 5, 11)).Take(3).ToList();
        var year = Year1(Calendar, days.Select(d => new PupilMark(d, null, Mark(AttendanceCode.Bereavement))));
        Assert.Equal(3, year.Bereavement);
        Assert.Equal(3, year.ExcusedDays);
        Assert.Equal(0, year.AbsentDays);
    }

    [Fact]
    public void Online_special_lessons_in_a_disaster_are_not_absence_and_fill_the_annex_counts()
    {
        // The school is closed by a disaster for a week (removed from 授業日数) and runs synchronous online lessons;
        // after reopening, the pupil's area stays cut off for two days, taught on demand (④, not 欠席). The pupil missed
        // one online day during the closure.
        var closure = Calendar.Select(e => e.Date).Where(d => d >= new DateOnly(2026, 9, 7)).Take(5).ToList();
        var cutOff = Calendar.Select(e => e.Date).Where(d => d > closure[^1]).Take(2).ToList();
        var entries = Calendar.Where(e => !closure.Contains(e.Date))
            .Concat(closure.Select(d => new CalendarEntry(d, CalendarScope.School, null, CalendarDayKind.TemporaryClosure, "台風被害"))).ToList();
        var marks = closure.Select((d, i) => new PupilMark(d, null, Mark(AttendanceCode.OnlineSpecialLesson) with { OnlineParticipated = i != 2 }))
            .Concat(cutOff.Select(d => new PupilMark(d, null, Mark(AttendanceCode.OnlineSpecialLesson) with { OnlineMethod = OnlineLessonMethod.OnDemand })));
        var record = YorokuDerivation.Derive(Year, new SchoolCalendar(entries), [WholeYear], marks);
        var year = record.Year;
        Assert.Empty(record.Conflicts);
        Assert.Equal(Calendar.Count - 5, year.SchoolDays);
        Assert.Equal(2, year.Disaster);
        Assert.Equal(0, year.AbsentDays);
        Assert.Equal(7, year.OnlineLessonDays);
        Assert.Equal(6, year.OnlineParticipationDays);
        Assert.Equal([OnlineLessonMethod.Synchronous, OnlineLessonMethod.OnDemand], year.OnlineMethods);
    }

    [Fact]
    public void Deemed_attendance_at_an_education_support_centre_is_present_and_counted_as_a_subset()
    {
        var days = Calendar.Select(e => e.Date).Where(d => d.DayOfWeek is DayOfWeek.Monday or DayOfWeek.Wednesday).ToList();
        var absent = Calendar.Select(e => e.Date).Where(d => d.DayOfWeek == DayOfWeek.Friday).ToList();
        var marks = days.Select(d => new PupilMark(d, null, Mark(AttendanceCode.PresentDeemed) with { Facility = "市教育支援センター" }))
            .Concat(absent.Select(d => new PupilMark(d, null, Mark(AttendanceCode.AbsentOther))));
        var year = Year1(Calendar, marks);
        Assert.Equal(days.Count, year.DeemedByKind[DeemedAttendanceKind.EducationSupportCentre]);
        Assert.Equal(Calendar.Count - absent.Count, year.PresentDays);
        Assert.Equal(absent.Count, year.AbsentOther);
        Assert.True(LongAbsence.Evaluate(year).IsLongAbsent);
    }

    [Fact]
    public void Late_and_early_leave_are_counted_for_remarks_and_stay_present()
    {
        var d = Calendar.Select(e => e.Date).Take(4).ToList();
        var marks = new[]
        {
            new PupilMark(d[0], null, new AttendanceMark { Code = AttendanceCode.Present, Late = true, ArrivedAt = new TimeOnly(9, 40) }),
            new PupilMark(d[1], null, new AttendanceMark { Code = AttendanceCode.Present, EarlyLeave = true, LeftAt = new TimeOnly(11, 0), Symptoms = [Symptom.Headache] }),
            new PupilMark(d[2], null, new AttendanceMark { Code = AttendanceCode.Present, Late = true, EarlyLeave = true, NurseRoom = true }),
            new PupilMark(d[3], null, new AttendanceMark { Code = AttendanceCode.Present, SeparateRoom = true }),
        };
        var year = Year1(Calendar, marks);
        Assert.Equal(2, year.LateCount);
        Assert.Equal(2, year.EarlyLeaveCount);
        Assert.Equal(1, year.NurseRoomDays);
        Assert.Equal(1, year.SeparateRoomDays);
        Assert.Equal(Calendar.Count, year.PresentDays);
    }

    [Fact]
    public void Study_abroad_days_leave_required_days_at_a_high_school()
    {
        var abroad = Calendar.Select(e => e.Date).Where(d => d.Month is 9 or 10).ToList();
        var year = Year1(Calendar, abroad.Select(d => new PupilMark(d, null, Mark(AttendanceCode.StudyingAbroad))), new EnrolmentInterval(null, null, "H2", "hr-2-1"));
        Assert.Equal(abroad.Count, year.StudyAbroadDays);
        Assert.Equal(Calendar.Count - abroad.Count, year.RequiredDays);
        Assert.Equal(year.RequiredDays, year.PresentDays);
    }

    [Fact]
    public void Missed_periods_count_absent_periods_and_the_day_record_wins_over_periods()
    {
        var d = Calendar.Select(e => e.Date).Take(2).ToList();
        var marks = new[]
        {
            new PupilMark(d[0], 3, Mark(AttendanceCode.AbsentIllness)),
            new PupilMark(d[0], 4, Mark(AttendanceCode.AbsentIllness)),
            new PupilMark(d[0], 5, Mark(AttendanceCode.Bereavement)),
            new PupilMark(d[1], null, Mark(AttendanceCode.AbsentIllness)),
            new PupilMark(d[1], 1, Mark(AttendanceCode.Present)),
        };
        var record = YorokuDerivation.Derive(Year, new SchoolCalendar(Calendar), [WholeYear], marks);
        Assert.Equal(2, record.Year.MissedPeriods);
        Assert.Equal(1, record.Year.AbsentIllness);
        var conflict = Assert.Single(record.Conflicts);
        Assert.Equal((d[1], (int?)1, YorokuDerivation.ConflictPeriodPresent), (conflict.Date, conflict.Period, conflict.Rule));
    }

    [Fact]
    public void Records_on_days_that_are_not_school_days_are_not_counted_and_are_reported()
    {
        var sunday = new DateOnly(2026, 4, 12);
        var record = YorokuDerivation.Derive(Year, new SchoolCalendar(Calendar), [WholeYear], [new PupilMark(sunday, null, Mark(AttendanceCode.AbsentIllness))]);
        Assert.Equal(0, record.Year.AbsentDays);
        Assert.Equal(YorokuDerivation.ConflictNotASchoolDay, Assert.Single(record.Conflicts).Rule);
    }

    [Fact]
    public void Two_current_day_records_for_one_date_are_refused()
    {
        var d = Calendar[0].Date;
        Assert.Throws<ArgumentException>(() => YorokuDerivation.Derive(Year, new SchoolCalendar(Calendar), [WholeYear],
            [new PupilMark(d, null, Mark(AttendanceCode.Present)), new PupilMark(d, null, Mark(AttendanceCode.AbsentOther))]));
    }

    [Fact]
    public void Months_run_from_April_to_March()
    {
        var record = YorokuDerivation.Derive(Year, new SchoolCalendar(Calendar), [WholeYear], []);
        Assert.Equal((2026, 4), (record.Months[0].Year, record.Months[0].Month));
        Assert.Equal((2027, 3), (record.Months[^1].Year, record.Months[^1].Month));
        Assert.Equal(0, record.Months.Single(m => m.Month == 8).Tally.SchoolDays);
    }

    [Theory]
    [InlineData(29, LongAbsenceBasis.Absent, 0, false)]
    [InlineData(30, LongAbsenceBasis.Absent, 0, true)]
    [InlineData(25, LongAbsenceBasis.Absent, 5, false)]
    [InlineData(25, LongAbsenceBasis.AbsentAndExcused, 5, true)]
    public void Long_absence_is_thirty_days_on_the_configured_basis(int absent, LongAbsenceBasis basis, int suspended, bool expected)
    {
        var days = Calendar.Select(e => e.Date).ToList();
        var marks = days.Take(absent).Select(d => new PupilMark(d, null, Mark(AttendanceCode.AbsentIllness)))
            .Concat(days.Skip(absent).Take(suspended).Select(d => new PupilMark(d, null, Mark(AttendanceCode.SuspendedInfection))));
        Assert.Equal(expected, LongAbsence.Evaluate(Year1(Calendar, marks), basis).IsLongAbsent);
    }

    [Fact]
    public void A_pupil_never_present_falls_in_every_survey_bucket()
    {
        var status = LongAbsence.Evaluate(Year1(Calendar, Calendar.Select(e => new PupilMark(e.Date, null, Mark(AttendanceCode.AbsentOther)))));
        Assert.True(status is { IsLongAbsent: true, Absent90OrMore: true, Present10OrFewer: true, PresentZero: true });
    }
}
