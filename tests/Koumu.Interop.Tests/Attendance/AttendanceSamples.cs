using CsCheck;
using Koumu.Interop.Schemas.Attendance;

namespace Koumu.Interop.Tests.Attendance;

/// <summary>Generated school years (calendar, enrolments, records) and small builders for worked examples.</summary>
internal static class AttendanceSamples
{
    public const int Year = 2026; // 2026年度: 2026-04-01 .. 2027-03-31

    /// <summary>Weekdays of the 年度 outside 夏休み (7/21–8/31), 冬休み (12/26–1/7) and 春休み (3/25–), as whole-school school days.</summary>
    public static List<CalendarEntry> Weekdays(int year = Year)
    {
        var entries = new List<CalendarEntry>();
        for (var d = SchoolYear.Start(year); d <= SchoolYear.End(year); d = d.AddDays(1))
        {
            if (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            if (d >= new DateOnly(year, 7, 21) && d <= new DateOnly(year, 8, 31)) continue;
            if ((d.Month == 12 && d.Day >= 26) || (d.Month == 1 && d.Day <= 7)) continue;
            if (d >= new DateOnly(year + 1, 3, 25)) continue;
            entries.Add(new CalendarEntry(d, CalendarScope.School, null, CalendarDayKind.SchoolDay));
        }
        return entries;
    }

    public static AttendanceMark Mark(AttendanceCode code) => code switch
    {
        AttendanceCode.PresentDeemed => new AttendanceMark { Code = code, DeemedKind = DeemedAttendanceKind.EducationSupportCentre },
        AttendanceCode.SuspendedInfection => new AttendanceMark { Code = code, Disease = "INFLUENZA" },
        AttendanceCode.Bereavement => new AttendanceMark { Code = code, Relationship = BereavementRelationship.Grandparent },
        AttendanceCode.OnlineSpecialLesson => new AttendanceMark { Code = code, OnlineMethod = OnlineLessonMethod.Synchronous },
        _ => new AttendanceMark { Code = code },
    };

    /// <summary>A whole generated year for one pupil: any calendar, closures, enrolment intervals, records of every code and modifier.</summary>
    public sealed record Scenario(SchoolCalendar Calendar, List<CalendarEntry> Entries, List<EnrolmentInterval> Enrolments, List<PupilMark> Marks, YorokuOptions Options)
    {
        public override string ToString() =>
            $"{Entries.Count} calendar entries, enrolments [{string.Join("; ", Enrolments)}], {Marks.Count} marks, {Options.MissingDay}";
    }

    public static readonly Gen<Scenario> Scenarios = Gen.Select(Gen.Int, Gen.Int[0, 100], Gen.Int[0, 3], Gen.Bool).Select((seed, density, closures, absentDefault) =>
    {
        var random = new Random(seed);
        var start = SchoolYear.Start(Year);
        var entries = new List<CalendarEntry>();
        for (var d = start; d <= SchoolYear.End(Year); d = d.AddDays(1))
        {
            if (random.Next(100) < 65) entries.Add(new(d, CalendarScope.School, null, CalendarDayKind.SchoolDay));
            else if (random.Next(10) == 0) entries.Add(new(d, CalendarScope.School, null, CalendarDayKind.TemporaryClosure));
            // Grade and class overrides, for the pupil's own grade and class and for others.
            if (random.Next(100) < closures * 3) entries.Add(new(d, CalendarScope.Grade, random.Next(2) == 0 ? "P3" : "P4",
                random.Next(3) == 0 ? CalendarDayKind.SchoolDay : CalendarDayKind.TemporaryClosure));
            if (random.Next(100) < closures * 3) entries.Add(new(d, CalendarScope.Class, random.Next(2) == 0 ? "class-3-1" : "class-3-2",
                random.Next(4) == 0 ? CalendarDayKind.SchoolDay : CalendarDayKind.ClassClosure));
        }
        var enrolments = new List<EnrolmentInterval>();
        switch (random.Next(5))
        {
            case 4:
                // Any intervals, in any order: overlapping, starting before the 年度, ending after it, or wholly outside it
                // (the first interval that covers a day decides its grade and class).
                for (var n = 1 + random.Next(3); n > 0; n--)
                {
                    DateOnly? begin = random.Next(4) == 0 ? null : start.AddDays(random.Next(-60, 420));
                    DateOnly? end = random.Next(4) == 0 ? null : (begin ?? start).AddDays(random.Next(-30, 400));
                    enrolments.Add(new(begin, end, random.Next(2) == 0 ? "P3" : "P4", random.Next(2) == 0 ? "class-3-1" : "class-3-2"));
                }
                break;
            case 0: enrolments.Add(new(null, null, "P3", "class-3-1")); break;
            case 1: enrolments.Add(new(start.AddDays(random.Next(200)), null, "P3", "class-3-1")); break; // transfer in
            case 2: enrolments.Add(new(null, start.AddDays(random.Next(365)), "P3", "class-3-1")); break; // transfer out
            default:
                var split = start.AddDays(random.Next(300));
                enrolments.Add(new(start, split, "P3", "class-3-1"));
                enrolments.Add(new(split.AddDays(1 + random.Next(30)), null, "P3", "class-3-2")); // moved class, with a gap
                break;
        }
        var marks = new List<PupilMark>();
        var codes = AttendanceCodes.All;
        for (var d = start.AddDays(-3); d <= SchoolYear.End(Year).AddDays(3); d = d.AddDays(1))
        {
            if (random.Next(100) < density)
            {
                var mark = Mark(codes[random.Next(codes.Count)]);
                if (AttendanceCodes.IsAttendance(mark.Code))
                    mark = mark with { Late = random.Next(5) == 0, EarlyLeave = random.Next(6) == 0, NurseRoom = random.Next(8) == 0, SeparateRoom = random.Next(9) == 0 };
                if (mark.Code == AttendanceCode.PresentDeemed) mark = mark with { DeemedKind = (DeemedAttendanceKind)random.Next(4) };
                if (mark.Code == AttendanceCode.OnlineSpecialLesson)
                    mark = mark with { OnlineMethod = (OnlineLessonMethod)random.Next(2), OnlineParticipated = random.Next(3) != 0 };
                marks.Add(new(d, null, mark));
            }
            if (random.Next(100) < density / 4)
            {
                var periodCodes = new[] { AttendanceCode.Present, AttendanceCode.AbsentIllness, AttendanceCode.AbsentOther, AttendanceCode.Bereavement };
                marks.Add(new(d, 1 + random.Next(6), Mark(periodCodes[random.Next(periodCodes.Length)])));
            }
        }
        var options = new YorokuOptions { MissingDay = absentDefault ? MissingDayPolicy.AbsentOther : MissingDayPolicy.Present };
        return new Scenario(new SchoolCalendar(entries), entries, enrolments, marks, options);
    });
}
