namespace Koumu.Interop.Schemas.Attendance;

/// <summary>The early-warning rules a board can configure (issue #6 point 6; docs/attendance.md "Early warning").</summary>
public enum WarningRuleKind
{
    /// <summary><c>threshold</c> school days absent in a row, up to the evaluation date (non-school and excused days skipped).</summary>
    ConsecutiveAbsences,

    /// <summary>欠席 above <c>sharePercent</c> of the days the pupil had to attend in the last <c>windowDays</c> (judged once <c>threshold</c> such days exist).</summary>
    AbsenceShare,

    /// <summary>欠席 so far this 年度 at or above <c>threshold</c> on a 長期欠席 <c>basis</c> — approaching the 30-day line.</summary>
    ApproachingLongAbsence,

    /// <summary>保健室登校 on at least <c>threshold</c> days in the last <c>windowDays</c> (a health signal: 重要性分類 II).</summary>
    NurseRoomVisits,
}

/// <summary>
/// One configured rule. Only the parameters of its kind are allowed (<see cref="Validate"/>): a share on a consecutive-days
/// rule is a configuration mistake, and silently ignoring it would hide that the board's intent is not what runs.
/// </summary>
public sealed record WarningRule(WarningRuleKind Kind, bool Enabled = true, int? Threshold = null, int? WindowDays = null, int? SharePercent = null,
    LongAbsenceBasis? Basis = null)
{
    public const string InvalidRule = "attendance.warning-rule";

    /// <summary>
    /// The rules a board gets until it configures its own. Not normative: 3 days in a row is the trigger many boards'
    /// 不登校 guidelines use for a home visit, 20 is two thirds of the 30-day 長期欠席 line (japan.md §2.3).
    /// </summary>
    public static IReadOnlyList<WarningRule> Defaults { get; } =
    [
        new(WarningRuleKind.ConsecutiveAbsences, Threshold: 3),
        new(WarningRuleKind.AbsenceShare, Threshold: 5, WindowDays: 30, SharePercent: 20),
        new(WarningRuleKind.ApproachingLongAbsence, Threshold: 20, Basis: LongAbsenceBasis.Absent),
        new(WarningRuleKind.NurseRoomVisits, Threshold: 5, WindowDays: 30),
    ];

    public int EffectiveThreshold => Threshold ?? 1;

    public int EffectiveWindowDays => WindowDays ?? 30;

    public IReadOnlyList<AttendanceProblem> Validate()
    {
        var problems = new List<AttendanceProblem>();
        void Range(int? value, string field, int min, int max, bool allowed)
        {
            if (!allowed)
            {
                if (value is not null) problems.Add(new(field, InvalidRule, $"'{field}' does not apply to {AttendanceVocabulary.Name(Kind)}."));
                return;
            }
            if (value is null) problems.Add(new(field, InvalidRule, $"{AttendanceVocabulary.Name(Kind)} needs '{field}' ({min}–{max})."));
            else if (value < min || value > max) problems.Add(new(field, InvalidRule, $"'{field}' is {min}–{max}."));
        }
        switch (Kind)
        {
            case WarningRuleKind.ConsecutiveAbsences:
                Range(Threshold, "threshold", 2, 100, true);
                Range(WindowDays, "windowDays", 0, 0, false);
                Range(SharePercent, "sharePercent", 0, 0, false);
                break;
            case WarningRuleKind.AbsenceShare:
                // threshold = the fewest days the pupil had to attend in the window before a share means anything (after a
                // long break one absence out of one day would be 100 %).
                Range(Threshold, "threshold", 1, 120, true);
                Range(WindowDays, "windowDays", 7, 120, true);
                Range(SharePercent, "sharePercent", 1, 99, true);
                break;
            case WarningRuleKind.ApproachingLongAbsence:
                Range(Threshold, "threshold", 1, 366, true);
                Range(WindowDays, "windowDays", 0, 0, false);
                Range(SharePercent, "sharePercent", 0, 0, false);
                break;
            default:
                Range(Threshold, "threshold", 2, 120, true);
                Range(WindowDays, "windowDays", 7, 120, true);
                Range(SharePercent, "sharePercent", 0, 0, false);
                break;
        }
        if (Basis is not null && Kind != WarningRuleKind.ApproachingLongAbsence)
            problems.Add(new("basis", InvalidRule, $"'basis' does not apply to {AttendanceVocabulary.Name(Kind)}."));
        return problems;
    }
}

/// <summary>A record that contributed to an alert (<see cref="SourcedId"/> null for a 学級閉鎖 day taken from the calendar).</summary>
public sealed record WarningEvidence(string? SourcedId, DateOnly Date);

/// <summary>A rule that holds for a pupil on the evaluation date: the figure (days), the span looked at and the records behind it.</summary>
public sealed record WarningAlert(WarningRuleKind Kind, int Value, DateOnly From, DateOnly To, IReadOnlyList<WarningEvidence> Evidence);

/// <summary>A current record as the rules read it: a day record (its code) or a period record (only its 保健室 flag counts).</summary>
public sealed record WarningRecord(string SourcedId, DateOnly Date, bool IsDay, AttendanceCode Code, bool NurseRoom);

/// <summary>
/// Evaluates the early-warning rules for one pupil up to <c>asOf</c> (decision 0009, "Early warning"). Days are classified
/// with the derivation's precedence (YorokuDerivation): not enrolled, holidays and 臨時休業 and NOT_A_SCHOOL_DAY are
/// skipped; a 学級閉鎖 day and a day in 出席停止・忌引等 or 留学 is <em>excused</em> — it neither extends nor breaks a run of
/// absences and is not a day the pupil had to attend; a 欠席 day record is an absence; anything else (a present record,
/// or no record: the 出席簿 records exceptions) is attendance and breaks a run. Only the 年度 of <c>asOf</c> is read:
/// enrolments and calendars are per year, so windows are clipped at April 1.
/// </summary>
public static class EarlyWarning
{
    private enum Day : byte
    {
        Skip,
        Present,
        Absent,
        Excused,
    }

    /// <param name="dayKind">What each date of the year is for this pupil (calendar and enrolment), null when not enrolled.</param>
    public static List<WarningAlert> Evaluate(IReadOnlyList<WarningRule> rules, DateOnly asOf, Func<DateOnly, CalendarDayKind?> dayKind,
        IReadOnlyList<WarningRecord> records)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(dayKind);
        ArgumentNullException.ThrowIfNull(records);
        var start = SchoolYear.Start(SchoolYear.Of(asOf));
        var n = asOf.DayNumber - start.DayNumber + 1;
        var dayRecord = new WarningRecord?[n];
        var nurse = new string?[n];
        foreach (var r in records)
        {
            var i = r.Date.DayNumber - start.DayNumber;
            if (i < 0 || i >= n) continue;
            if (r.IsDay) dayRecord[i] = r;
            if (r.NurseRoom) nurse[i] ??= r.SourcedId;
        }
        var days = new Day[n];
        for (var i = 0; i < n; i++)
        {
            var kind = dayKind(start.AddDays(i));
            var record = dayRecord[i];
            days[i] = kind switch
            {
                null or CalendarDayKind.Holiday or CalendarDayKind.TemporaryClosure => Day.Skip,
                _ when record?.Code == AttendanceCode.NotASchoolDay => Day.Skip,
                CalendarDayKind.ClassClosure => Day.Excused,
                _ => record is null ? Day.Present : AttendanceCodes.BucketOf(record.Code) switch
                {
                    YorokuBucket.Absent => Day.Absent,
                    YorokuBucket.Present => Day.Present,
                    _ => Day.Excused,
                },
            };
        }

        WarningEvidence Evidence(int i) => new(dayRecord[i]?.SourcedId, start.AddDays(i));

        var alerts = new List<WarningAlert>();
        foreach (var rule in rules)
        {
            if (!rule.Enabled) continue;
            switch (rule.Kind)
            {
                case WarningRuleKind.ConsecutiveAbsences:
                {
                    var run = new List<WarningEvidence>();
                    for (var i = n - 1; i >= 0 && days[i] != Day.Present; i--)
                        if (days[i] == Day.Absent) run.Add(Evidence(i));
                    if (run.Count >= rule.EffectiveThreshold)
                    {
                        run.Reverse();
                        alerts.Add(new(rule.Kind, run.Count, run[0].Date, asOf, run));
                    }
                    break;
                }
                case WarningRuleKind.AbsenceShare:
                {
                    var from = Math.Max(0, n - rule.EffectiveWindowDays);
                    var required = 0;
                    var absent = new List<WarningEvidence>();
                    for (var i = from; i < n; i++)
                    {
                        if (days[i] is Day.Present or Day.Absent) required++;
                        if (days[i] == Day.Absent) absent.Add(Evidence(i));
                    }
                    // "Above a share": strictly more than sharePercent % of the days the pupil had to attend.
                    if (required >= rule.EffectiveThreshold && absent.Count * 100L > (long)(rule.SharePercent ?? 100) * required)
                        alerts.Add(new(rule.Kind, absent.Count, start.AddDays(from), asOf, absent));
                    break;
                }
                case WarningRuleKind.ApproachingLongAbsence:
                {
                    var withExcused = rule.Basis == LongAbsenceBasis.AbsentAndExcused;
                    var counted = new List<WarningEvidence>();
                    for (var i = 0; i < n; i++)
                        if (days[i] == Day.Absent || (withExcused && days[i] == Day.Excused)) counted.Add(Evidence(i));
                    if (counted.Count >= rule.EffectiveThreshold) alerts.Add(new(rule.Kind, counted.Count, start, asOf, counted));
                    break;
                }
                case WarningRuleKind.NurseRoomVisits:
                {
                    var from = Math.Max(0, n - rule.EffectiveWindowDays);
                    var visits = new List<WarningEvidence>();
                    for (var i = from; i < n; i++)
                        if (nurse[i] is { } id && days[i] != Day.Skip) visits.Add(new(id, start.AddDays(i)));
                    if (visits.Count >= rule.EffectiveThreshold) alerts.Add(new(rule.Kind, visits.Count, start.AddDays(from), asOf, visits));
                    break;
                }
            }
        }
        return alerts;
    }
}
