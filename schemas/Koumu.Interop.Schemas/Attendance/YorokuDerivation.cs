namespace Koumu.Interop.Schemas.Attendance;

/// <summary>What a school day with no day record counts as (decision 0009).</summary>
public enum MissingDayPolicy
{
    /// <summary>出席: the 出席簿 records exceptions, so an unmarked school day is a day present (the default).</summary>
    Present,

    /// <summary>欠席（その他）: for boards that require every day to be entered.</summary>
    AbsentOther,
}

/// <summary>Settings of the derivation (per board).</summary>
public sealed record YorokuOptions
{
    public MissingDayPolicy MissingDay { get; init; } = MissingDayPolicy.Present;

    /// <summary>
    /// The label of 出席停止・忌引等の日数: the 設置者 may rename it (MEXT 事務連絡 2021-10, e.g.
    /// 「オンラインを活用した特例の授業・出席停止・忌引等の日数」), so it is never hard-coded.
    /// </summary>
    public string ExcusedLabel { get; init; } = "出席停止・忌引等の日数";
}

/// <summary>An interval of enrolment at the school (from OneRoster enrollments: beginDate/endDate, inclusive), with the pupil's grade and class then.</summary>
public sealed record EnrolmentInterval(DateOnly? Begin, DateOnly? End, string? Grade, string? ClassSourcedId)
{
    public bool Covers(DateOnly date) => (Begin is null || Begin <= date) && (End is null || date <= End);
}

/// <summary>
/// A current (latest-version) record of a pupil: <see cref="Period"/> is null for a day record. A value, not an object:
/// a school's year is ~200,000 of them, read into lists and walked once (bench attendance (a)).
/// </summary>
public readonly record struct PupilMark(DateOnly Date, int? Period, AttendanceMark Mark);

/// <summary>A record the derivation did not use as sent, and why (shown to the school so it can correct the 出席簿).</summary>
public sealed record YorokuConflict(DateOnly Date, int? Period, string Rule, string Message);

/// <summary>
/// The 指導要録「出欠の記録」 counts for a span (a school year or a month), japan.md §2.1 / §7.3. Every figure is counted
/// from days; <see cref="RequiredDays"/> and <see cref="PresentDays"/> are also counted directly, and the identities
/// <c>R = L − S − 留学</c> and <c>P = R − A</c> hold by construction of the day classification (tested as properties).
/// </summary>
public sealed class YorokuTally
{
    /// <summary>授業日数 L.</summary>
    public int SchoolDays { get; internal set; }

    /// <summary>① 出席停止 (感染症・懲戒).</summary>
    public int Suspension { get; internal set; }

    /// <summary>② 学級閉鎖.</summary>
    public int ClassClosure { get; internal set; }

    /// <summary>③ 忌引.</summary>
    public int Bereavement { get; internal set; }

    /// <summary>④ 非常変災等 (オンライン特例授業 included).</summary>
    public int Disaster { get; internal set; }

    /// <summary>⑤ 校長が認める日.</summary>
    public int PrincipalExcused { get; internal set; }

    /// <summary>出席停止・忌引等の日数 S = ①+②+③+④+⑤.</summary>
    public int ExcusedDays => Suspension + ClassClosure + Bereavement + Disaster + PrincipalExcused;

    /// <summary>留学中の授業日数 (高等学校; 0 elsewhere).</summary>
    public int StudyAbroadDays { get; internal set; }

    /// <summary>
    /// 出席しなければならない日数 R = 授業日数 − 出席停止・忌引等 (− 留学中の授業日数 at high schools: the 高等学校 別紙 deducts
    /// both; with no 留学 days this is the 小・中 formula).
    /// </summary>
    public int RequiredDays => SchoolDays - ExcusedDays - StudyAbroadDays;

    public int AbsentIllness { get; internal set; }

    public int AbsentAccidentNotified { get; internal set; }

    public int AbsentAccidentUnnotified { get; internal set; }

    public int AbsentOther { get; internal set; }

    /// <summary>欠席日数 A.</summary>
    public int AbsentDays => AbsentIllness + AbsentAccidentNotified + AbsentAccidentUnnotified + AbsentOther;

    /// <summary>出席日数 P, counted from the days the pupil attended or was deemed present (equals R − A).</summary>
    public int PresentDays { get; internal set; }

    // Created on first use: a school's yearly record makes 13 tallies per pupil and most never see 出席扱い or online lessons.
    private Dictionary<DeemedAttendanceKind, int>? _deemedByKind;
    private SortedSet<OnlineLessonMethod>? _onlineMethods;

    /// <summary>出席扱い (内数 of 出席日数) by kind.</summary>
    public Dictionary<DeemedAttendanceKind, int> DeemedByKind => _deemedByKind ??= [];

    public int DeemedDays => _deemedByKind?.Values.Sum() ?? 0;

    /// <summary>別記 オンライン特例授業 ① 実施日数.</summary>
    public int OnlineLessonDays { get; internal set; }

    /// <summary>別記 オンライン特例授業 ② 参加日数.</summary>
    public int OnlineParticipationDays { get; internal set; }

    /// <summary>別記 ③ 実施方法 (the methods used).</summary>
    public SortedSet<OnlineLessonMethod> OnlineMethods => _onlineMethods ??= [];

    /// <summary>遅刻 (for 備考).</summary>
    public int LateCount { get; internal set; }

    /// <summary>早退 (for 備考).</summary>
    public int EarlyLeaveCount { get; internal set; }

    public int NurseRoomDays { get; internal set; }

    public int SeparateRoomDays { get; internal set; }

    /// <summary>欠課時数: period records in the 欠席 bucket (high schools).</summary>
    public int MissedPeriods { get; internal set; }

    /// <summary>School days with no day record (counted as <see cref="YorokuOptions.MissingDay"/> says).</summary>
    public int UnrecordedDays { get; internal set; }

    internal void Add(YorokuTally other)
    {
        SchoolDays += other.SchoolDays;
        Suspension += other.Suspension;
        ClassClosure += other.ClassClosure;
        Bereavement += other.Bereavement;
        Disaster += other.Disaster;
        PrincipalExcused += other.PrincipalExcused;
        StudyAbroadDays += other.StudyAbroadDays;
        AbsentIllness += other.AbsentIllness;
        AbsentAccidentNotified += other.AbsentAccidentNotified;
        AbsentAccidentUnnotified += other.AbsentAccidentUnnotified;
        AbsentOther += other.AbsentOther;
        PresentDays += other.PresentDays;
        if (other._deemedByKind is not null)
            foreach (var (kind, n) in other._deemedByKind) DeemedByKind[kind] = DeemedByKind.GetValueOrDefault(kind) + n;
        OnlineLessonDays += other.OnlineLessonDays;
        OnlineParticipationDays += other.OnlineParticipationDays;
        if (other._onlineMethods is not null) OnlineMethods.UnionWith(other._onlineMethods);
        LateCount += other.LateCount;
        EarlyLeaveCount += other.EarlyLeaveCount;
        NurseRoomDays += other.NurseRoomDays;
        SeparateRoomDays += other.SeparateRoomDays;
        MissedPeriods += other.MissedPeriods;
        UnrecordedDays += other.UnrecordedDays;
    }
}

/// <summary>The derived record of one pupil and 年度: the year, its months (April first) and the conflicts found.</summary>
public sealed record YorokuRecord(int SchoolYear, string ExcusedLabel, YorokuTally Year, IReadOnlyList<(int Year, int Month, YorokuTally Tally)> Months,
    IReadOnlyList<YorokuConflict> Conflicts);

/// <summary>
/// Derives 指導要録「出欠の記録」 from the calendar, the enrolment intervals and the pupil's current records
/// (30文科初第1845号 別紙1/2; japan.md §2.1). One pass over the year's dates; each enrolled date is classified into
/// exactly one bucket, so the column identities cannot drift. The precedence rules are decision 0009.
/// </summary>
public static class YorokuDerivation
{
    public const string ConflictNotASchoolDay = "attendance.record-on-non-school-day";
    public const string ConflictClassClosure = "attendance.record-on-class-closure";
    public const string ConflictPeriodPresent = "attendance.period-present-on-non-attendance-day";

    public static YorokuRecord Derive(int schoolYear, SchoolCalendar calendar, IReadOnlyList<EnrolmentInterval> enrolments,
        IEnumerable<PupilMark> marks, YorokuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(enrolments);
        ArgumentNullException.ThrowIfNull(marks);
        options ??= new YorokuOptions();
        var start = SchoolYear.Start(schoolYear);
        var end = SchoolYear.End(schoolYear);

        // Arrays by day of the 年度 rather than dictionaries: a school's yearly record walks 365 days for every pupil.
        var count = end.DayNumber - start.DayNumber + 1;
        var days = new AttendanceMark?[count];
        List<(int Period, AttendanceMark Mark)>?[]? periods = null;
        foreach (var m in marks)
        {
            if (m.Date < start || m.Date > end) continue;
            var index = m.Date.DayNumber - start.DayNumber;
            if (m.Period is { } p)
            {
                periods ??= new List<(int, AttendanceMark)>?[count];
                (periods[index] ??= []).Add((p, m.Mark));
            }
            else if (days[index] is not null)
                throw new ArgumentException($"Two current day records for {m.Date:yyyy-MM-dd}: only the latest version of a slot is derived.", nameof(marks));
            else days[index] = m.Mark;
        }

        // Each enrolment interval as day indexes of the 年度 (inclusive), in the caller's order: on a day two intervals
        // cover, the first one wins, as EnrolmentInterval.Covers would decide day by day.
        var intervals = new (int First, int Last, EnrolmentInterval Interval)[enrolments.Count];
        for (var k = 0; k < intervals.Length; k++)
        {
            var e = enrolments[k];
            intervals[k] = (e.Begin is { } b ? Math.Max(0, b.DayNumber - start.DayNumber) : 0,
                e.End is { } f ? Math.Min(count - 1, f.DayNumber - start.DayNumber) : count - 1, e);
        }

        var conflicts = new List<YorokuConflict>();
        var months = new List<(int Year, int Month, YorokuTally Tally)>(12);
        YorokuTally? month = null;
        EnrolmentInterval? resolvedFor = null;
        CalendarDayKind[]? kinds = null;
        var date = start;
        for (var i = 0; i < count; i++, date = date.AddDays(1))
        {
            if (month is null || date.Day == 1)
            {
                month = new YorokuTally();
                months.Add((date.Year, date.Month, month));
            }
            EnrolmentInterval? interval = null;
            for (var k = 0; k < intervals.Length; k++)
            {
                if (i < intervals[k].First || i > intervals[k].Last) continue;
                interval = intervals[k].Interval;
                break;
            }
            if (interval is null) continue; // transfers in and out count only their own days
            if (!ReferenceEquals(interval, resolvedFor))
            {
                kinds = calendar.ResolveYear(schoolYear, interval.Grade, interval.ClassSourcedId);
                resolvedFor = interval;
            }
            ClassifyDay(date, kinds![i], days[i], periods?[i], options, month, conflicts);
        }

        var year = new YorokuTally();
        foreach (var (_, _, t) in months) year.Add(t);
        return new YorokuRecord(schoolYear, options.ExcusedLabel, year, months, conflicts);
    }

    private static void ClassifyDay(DateOnly date, CalendarDayKind kind, AttendanceMark? mark, List<(int Period, AttendanceMark Mark)>? periodMarks,
        YorokuOptions options, YorokuTally tally, List<YorokuConflict> conflicts)
    {
        // Online special lessons run while the school (or grade) is closed are not school days, yet the 別記 counts them.
        if (mark is { Code: AttendanceCode.OnlineSpecialLesson } && kind is CalendarDayKind.TemporaryClosure or CalendarDayKind.ClassClosure)
            CountOnline(mark, tally);

        if (kind is CalendarDayKind.Holiday or CalendarDayKind.TemporaryClosure)
        {
            if (mark is not null && !(mark.Code is AttendanceCode.NotASchoolDay || (mark.Code == AttendanceCode.OnlineSpecialLesson && kind == CalendarDayKind.TemporaryClosure)))
                conflicts.Add(new(date, null, ConflictNotASchoolDay, $"{AttendanceCodes.Name(mark.Code)} on a day that is not a school day for the pupil: not counted."));
            return;
        }
        if (mark is { Code: AttendanceCode.NotASchoolDay }) return; // the pupil's own non-school day (e.g. a grade's closure sent per pupil)

        tally.SchoolDays++;
        if (kind == CalendarDayKind.ClassClosure)
        {
            // The closure is the school's decision for the whole class (学校保健安全法20条): it decides the bucket.
            tally.ClassClosure++;
            if (mark is not null && mark.Code is not (AttendanceCode.ClassClosure or AttendanceCode.OnlineSpecialLesson))
                conflicts.Add(new(date, null, ConflictClassClosure, $"{AttendanceCodes.Name(mark.Code)} on a day of 学級閉鎖: counted as 学級閉鎖 (②)."));
            return;
        }

        if (mark is null) tally.UnrecordedDays++;
        var code = mark?.Code ?? (options.MissingDay == MissingDayPolicy.Present ? AttendanceCode.Present : AttendanceCode.AbsentOther);
        var bucket = AttendanceCodes.BucketOf(code);
        switch (code)
        {
            case AttendanceCode.Present or AttendanceCode.PresentDeemed:
                tally.PresentDays++;
                if (code == AttendanceCode.PresentDeemed)
                {
                    var deemed = mark!.DeemedKind ?? DeemedAttendanceKind.SchoolActivity;
                    tally.DeemedByKind[deemed] = tally.DeemedByKind.GetValueOrDefault(deemed) + 1;
                }
                if (mark is not null)
                {
                    if (mark.Late) tally.LateCount++;
                    if (mark.EarlyLeave) tally.EarlyLeaveCount++;
                    if (mark.NurseRoom) tally.NurseRoomDays++;
                    if (mark.SeparateRoom) tally.SeparateRoomDays++;
                }
                break;
            case AttendanceCode.AbsentIllness: tally.AbsentIllness++; break;
            case AttendanceCode.AbsentAccidentNotified: tally.AbsentAccidentNotified++; break;
            case AttendanceCode.AbsentAccidentUnnotified: tally.AbsentAccidentUnnotified++; break;
            case AttendanceCode.AbsentOther: tally.AbsentOther++; break;
            case AttendanceCode.SuspendedInfection or AttendanceCode.SuspendedDiscipline: tally.Suspension++; break;
            // A pupil-level CLASS_CLOSURE on a day the calendar keeps open still counts as ② (a class closed before the calendar was updated).
            case AttendanceCode.ClassClosure: tally.ClassClosure++; break;
            case AttendanceCode.Bereavement: tally.Bereavement++; break;
            case AttendanceCode.DisasterExcused: tally.Disaster++; break;
            case AttendanceCode.OnlineSpecialLesson:
                tally.Disaster++;
                CountOnline(mark!, tally);
                break;
            case AttendanceCode.PrincipalExcused: tally.PrincipalExcused++; break;
            case AttendanceCode.StudyingAbroad: tally.StudyAbroadDays++; break;
            default: throw new InvalidOperationException($"Unclassified code {code}.");
        }

        if (periodMarks is null) return;
        foreach (var (period, periodMark) in periodMarks)
        {
            // 欠課時数 counts missed lessons; an excused period (出停, 忌引 …) is not 欠課.
            if (periodMark.Bucket == YorokuBucket.Absent) tally.MissedPeriods++;
            // The day record wins (decision 0009); a period marked present on a day the pupil was absent or excused is a conflict to fix.
            if (bucket != YorokuBucket.Present && periodMark.Bucket == YorokuBucket.Present)
                conflicts.Add(new(date, period, ConflictPeriodPresent, $"Period {period} is {AttendanceCodes.Name(periodMark.Code)} but the day is {AttendanceCodes.Name(code)}: the day record is counted."));
        }
    }

    private static void CountOnline(AttendanceMark mark, YorokuTally tally)
    {
        tally.OnlineLessonDays++;
        if (mark.OnlineParticipated ?? true) tally.OnlineParticipationDays++;
        if (mark.OnlineMethod is { } method) tally.OnlineMethods.Add(method);
    }
}
