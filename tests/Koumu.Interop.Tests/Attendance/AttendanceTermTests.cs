using CsCheck;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Storage.Attendance;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.Attendance.AttendanceRoster;
using static Koumu.Interop.Tests.Attendance.AttendanceSamples;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Attendance;

/// <summary>Per-term (学期) tallies of 指導要録「出欠の記録」 (issue #6 point 4; decision 0009 "Per-term tallies").</summary>
public sealed class AttendanceTermTests
{
    private static readonly DateOnly Start = SchoolYear.Start(Year);

    /// <summary>Every column of a tally (the derived ones too), so "sums to the year" is checked column by column.</summary>
    private static int[] Columns(YorokuTally t) =>
    [
        t.SchoolDays, t.Suspension, t.ClassClosure, t.Bereavement, t.Disaster, t.PrincipalExcused, t.ExcusedDays, t.StudyAbroadDays, t.RequiredDays,
        t.AbsentIllness, t.AbsentAccidentNotified, t.AbsentAccidentUnnotified, t.AbsentOther, t.AbsentDays, t.PresentDays, t.DeemedDays,
        t.OnlineLessonDays, t.OnlineParticipationDays, t.LateCount, t.EarlyLeaveCount, t.NurseRoomDays, t.SeparateRoomDays, t.MissedPeriods,
        t.UnrecordedDays,
    ];

    private static int[] Sum(IEnumerable<YorokuTally> tallies) =>
        tallies.Select(Columns).Aggregate(new int[24], (acc, c) => [.. acc.Zip(c, (a, b) => a + b)]);

    [Fact]
    public void Term_tallies_sum_to_the_year_for_any_year_and_any_term_split() =>
        Gen.Select(Scenarios, Gen.Int[0, 364].Array[0, 6]).Sample((s, offsets) =>
        {
            var terms = AttendanceTerms.Partition(Year, offsets.Select(o => ((string?)null, "t", Start.AddDays(o))));
            var year = YorokuDerivation.Derive(Year, s.Calendar, s.Enrolments, s.Marks, s.Options).Year;
            var byTerm = AttendanceTerms.Derive(Year, s.Calendar, s.Enrolments, s.Marks, s.Options, terms);
            Assert.Equal(Columns(year), Sum(byTerm.Select(t => t.Tally)));
            foreach (var (_, tally) in byTerm)
            {
                Assert.Equal(tally.SchoolDays - tally.ExcusedDays - tally.StudyAbroadDays, tally.RequiredDays);
                Assert.Equal(tally.RequiredDays - tally.AbsentDays, tally.PresentDays);
                Assert.InRange(tally.DeemedDays, 0, tally.PresentDays);
            }
        }, iter: 200);

    [Fact]
    public void Terms_partition_the_year_whatever_the_starts() =>
        Gen.Int[-30, 400].Array[0, 8].Sample(offsets =>
        {
            var terms = AttendanceTerms.Partition(Year, offsets.Select(o => ((string?)null, "t", Start.AddDays(o))));
            Assert.Equal(Start, terms[0].Start);
            Assert.Equal(SchoolYear.End(Year), terms[^1].End);
            for (var i = 1; i < terms.Count; i++) Assert.Equal(terms[i - 1].End.AddDays(1), terms[i].Start);
            Assert.All(terms, t => Assert.True(t.Start <= t.End));
        });

    [Fact]
    public void The_default_split_is_three_terms_and_a_board_can_configure_two()
    {
        Assert.Equal(
            [("1学期", new DateOnly(2026, 4, 1), new DateOnly(2026, 8, 31)), ("2学期", new DateOnly(2026, 9, 1), new DateOnly(2026, 12, 31)), ("3学期", new DateOnly(2027, 1, 1), new DateOnly(2027, 3, 31))],
            AttendanceTerms.Configured(Year, AttendanceTerms.DefaultStarts)!.Select(t => (t.Title, t.Start, t.End)));
        Assert.Equal(
            [("前期", new DateOnly(2026, 4, 1), new DateOnly(2026, 10, 11)), ("後期", new DateOnly(2026, 10, 12), new DateOnly(2027, 3, 31))],
            AttendanceTerms.Configured(Year, ["04-01", "10-12"])!.Select(t => (t.Title, t.Start, t.End)));
        Assert.Null(AttendanceTerms.Configured(Year, ["04-01", "13-45"]));
        Assert.Null(AttendanceTerms.Configured(Year, ["April"]));
    }

    /// <summary>
    /// Worked example, default 3学期 on the sample calendar: 病気欠席 on 2026-05-12, 事故欠 on 2026-10-05 and 10-06, 忌引 on
    /// 2027-02-10, 遅刻 on 2026-06-01; each lands in its own term, and the terms' school days are the calendar's days in them.
    /// </summary>
    [Fact]
    public void Worked_example_absences_land_in_their_terms()
    {
        var calendar = new SchoolCalendar(Weekdays());
        List<PupilMark> marks =
        [
            new(new DateOnly(2026, 5, 12), null, Mark(AttendanceCode.AbsentIllness)),
            new(new DateOnly(2026, 10, 5), null, Mark(AttendanceCode.AbsentAccidentNotified)),
            new(new DateOnly(2026, 10, 6), null, Mark(AttendanceCode.AbsentAccidentNotified)),
            new(new DateOnly(2027, 2, 10), null, Mark(AttendanceCode.Bereavement)),
            new(new DateOnly(2026, 6, 1), null, new AttendanceMark { Code = AttendanceCode.Present, Late = true }),
        ];
        var terms = AttendanceTerms.Configured(Year, AttendanceTerms.DefaultStarts)!;
        var result = AttendanceTerms.Derive(Year, calendar, [new EnrolmentInterval(null, null, "P3", null)], marks, new YorokuOptions(), terms);
        var schoolDays = terms.Select(t => Weekdays().Count(e => e.Date >= t.Start && e.Date <= t.End)).ToArray();
        Assert.Equal(
            [(schoolDays[0], 1, 0, 1), (schoolDays[1], 2, 0, 0), (schoolDays[2], 0, 1, 0)],
            result.Select(r => (r.Tally.SchoolDays, r.Tally.AbsentDays, r.Tally.Bereavement, r.Tally.LateCount)));
        Assert.Equal([1, 2, 0], result.Select(r => r.Term == terms[0] ? r.Tally.AbsentIllness : r.Tally.AbsentAccidentNotified));
    }

    [Fact]
    public void A_transfer_counts_only_its_own_days_in_each_term()
    {
        var calendar = new SchoolCalendar(Weekdays());
        var terms = AttendanceTerms.Configured(Year, AttendanceTerms.DefaultStarts)!;
        var result = AttendanceTerms.Derive(Year, calendar, [new EnrolmentInterval(TransferIn, null, "P3", null)], [], new YorokuOptions(), terms);
        Assert.Equal(0, result[0].Tally.SchoolDays);
        Assert.Equal(Weekdays().Count(e => e.Date >= TransferIn && e.Date <= terms[1].End), result[1].Tally.SchoolDays);
    }
}

/// <summary>The terms read from the roster's academicSessions, and derived from stored records, on SQLite and PostgreSQL.</summary>
public sealed class AttendanceTermStoreTests
{
    private static PackageBuilder WithTerms() => Package().File("academicSessions", "bulk", SessionsHeader,
        "ay-2025,,,2025年度,schoolYear,2025-04-01,2026-03-31,,2026",
        "ay-2026,,,2026年度,schoolYear,2026-04-01,2027-03-31,,2027",
        "t-old,,,2025年度 2学期,term,2025-09-01,2025-12-25,ay-2025,2026",
        "t1,,,1学期,term,2026-04-06,2026-07-20,ay-2026,2027",
        "t2,,,2学期,term,2026-09-01,2026-12-25,ay-2026,2027",
        "t3,,,3学期,term,2027-01-08,2027-03-24,ay-2026,2027",
        "gp1,,,前半,gradingPeriod,2026-04-06,2026-06-30,t1,2027");

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Terms_come_from_the_rosters_term_sessions_of_the_year(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var outcome = await store.ImportAsync(WithTerms());
        Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems.Select(p => p.ToString())));
        var attendance = new AttendanceStore(store.Store);
        var terms = await attendance.ReadTermsAsync(store.TenantId, Year, ["04-01", "10-01"], CancellationToken.None);
        Assert.Equal(
            [("t1", "1学期", new DateOnly(2026, 4, 1), new DateOnly(2026, 8, 31)), ("t2", "2学期", new DateOnly(2026, 9, 1), new DateOnly(2027, 1, 7)),
             ("t3", "3学期", new DateOnly(2027, 1, 8), new DateOnly(2027, 3, 31))],
            terms.Select(t => (t.SourcedId, t.Title, t.Start, t.End)));

        // A year with no term sessions falls back to the board's split.
        var fallback = await attendance.ReadTermsAsync(store.TenantId, Year + 1, ["04-01", "10-01"], CancellationToken.None);
        Assert.Equal(["前期", "後期"], fallback.Select(t => t.Title));
        Assert.All(fallback, t => Assert.Null(t.SourcedId));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Stored_records_are_tallied_per_term_and_the_terms_sum_to_the_year(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Assert.True((await store.ImportAsync(WithTerms())).Committed);
        var attendance = new AttendanceStore(store.Store);
        Assert.Empty(await attendance.UpsertCalendarAsync(store.TenantId, School, Weekdays(), CancellationToken.None));
        var days = Weekdays().Select(e => e.Date).ToList();
        var written = await attendance.WriteAsync(store.TenantId, Year,
        [
            Entry("s1", days[3], AttendanceCode.AbsentIllness),
            Entry("s1", days.First(d => d.Month == 11), AttendanceCode.AbsentOther),
            Entry("s1", days.First(d => d.Month == 11).AddDays(1), AttendanceCode.AbsentOther),
            Entry("s2", days.First(d => d >= TransferIn), AttendanceCode.SuspendedInfection),
            Entry("s3", days.Last(), AttendanceCode.PresentDeemed),
        ], null, "test-client", CancellationToken.None);
        Assert.Empty(written.Problems);

        var terms = await attendance.ReadTermsAsync(store.TenantId, Year, AttendanceTerms.DefaultStarts, CancellationToken.None);
        var derived = await attendance.DeriveByTermAsync(store.TenantId, School, Year, new YorokuOptions(), null, null, terms, CancellationToken.None);
        Assert.Equal(["s1", "s2", "s3", "s5"], derived.Select(d => d.Pupil));
        foreach (var (pupil, record, byTerm) in derived)
        {
            Assert.Equal(record.Year.SchoolDays, byTerm.Sum(t => t.Tally.SchoolDays));
            Assert.Equal(record.Year.AbsentDays, byTerm.Sum(t => t.Tally.AbsentDays));
            Assert.Equal(record.Year.ExcusedDays, byTerm.Sum(t => t.Tally.ExcusedDays));
            Assert.Equal(record.Year.PresentDays, byTerm.Sum(t => t.Tally.PresentDays));
        }
        var s1 = derived.Single(d => d.Pupil == "s1").Terms;
        Assert.Equal([1, 2, 0], s1.Select(t => t.Tally.AbsentDays));
        var s2 = derived.Single(d => d.Pupil == "s2").Terms;
        Assert.Equal([0, 1, 0], s2.Select(t => t.Tally.Suspension));
        Assert.Equal(0, s2[0].Tally.SchoolDays); // not enrolled before the transfer
        Assert.Equal(1, derived.Single(d => d.Pupil == "s3").Terms[2].Tally.DeemedDays);
        Assert.Equal(0, derived.Single(d => d.Pupil == "s5").Terms[2].Tally.SchoolDays); // left in July
    }
}
