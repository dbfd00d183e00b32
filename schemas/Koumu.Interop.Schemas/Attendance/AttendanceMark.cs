namespace Koumu.Interop.Schemas.Attendance;

/// <summary>
/// What one record says about a pupil on one day (or one period): the canonical code, the attribute its code requires
/// (deemed-attendance kind, disease, relationship, online method) and the modifiers (遅刻, 早退 with times, 保健室登校,
/// 別室登校, symptoms; japan.md §7.1). Modifiers never change the 指導要録 bucket: they feed 備考 counts and health outputs.
/// </summary>
public sealed record AttendanceMark
{
    public required AttendanceCode Code { get; init; }

    /// <summary>出席扱い の種類 (required for <c>PRESENT_DEEMED</c>).</summary>
    public DeemedAttendanceKind? DeemedKind { get; init; }

    /// <summary>The facility's name for 出席扱い (指導要録 records 施設名 or 「自宅でICT等」), optional.</summary>
    public string? Facility { get; init; }

    /// <summary>Disease code of <see cref="InfectiousDiseases"/> (required for <c>SUSPENDED_INFECTION</c>).</summary>
    public string? Disease { get; init; }

    /// <summary>続柄 (required for <c>BEREAVEMENT</c>).</summary>
    public BereavementRelationship? Relationship { get; init; }

    /// <summary>方法 (required for <c>ONLINE_SPECIAL_LESSON</c>).</summary>
    public OnlineLessonMethod? OnlineMethod { get; init; }

    /// <summary>For <c>ONLINE_SPECIAL_LESSON</c>: whether the pupil took part (参加日数); the lesson was run for them either way (実施日数).</summary>
    public bool? OnlineParticipated { get; init; }

    /// <summary>遅刻.</summary>
    public bool Late { get; init; }

    /// <summary>Arrival time for 遅刻 (school-local time), optional.</summary>
    public TimeOnly? ArrivedAt { get; init; }

    /// <summary>早退.</summary>
    public bool EarlyLeave { get; init; }

    /// <summary>Leaving time for 早退 (school-local time), optional.</summary>
    public TimeOnly? LeftAt { get; init; }

    /// <summary>保健室登校.</summary>
    public bool NurseRoom { get; init; }

    /// <summary>別室登校.</summary>
    public bool SeparateRoom { get; init; }

    /// <summary>Symptoms (health detail, 重要性分類 II).</summary>
    public IReadOnlyList<Symptom> Symptoms { get; init; } = [];

    /// <summary>Body temperature in °C with <see cref="Symptom.Fever"/>.</summary>
    public decimal? Temperature { get; init; }

    /// <summary>Free-text reason or remark (備考), at most <see cref="AttendanceRules.MaxTextLength"/> characters.</summary>
    public string? Note { get; init; }

    public YorokuBucket Bucket => AttendanceCodes.BucketOf(Code);

    /// <summary>True when the mark carries health details (symptoms, temperature, disease, 保健室): 重要性分類 II.</summary>
    public bool HasHealthDetails => Symptoms.Count > 0 || Temperature is not null || Disease is not null || NurseRoom;
}

/// <summary>A problem with one input value: which field, which rule (stable id), and a message.</summary>
public sealed record AttendanceProblem(string Field, string Rule, string Message);

/// <summary>The rules a mark must satisfy; each rule has a stable id so that clients can react to it.</summary>
public static class AttendanceRules
{
    public const int MaxTextLength = 500;
    public const int MaxPeriod = 20;

    public const string AttributeRequired = "attendance.attribute-required";
    public const string AttributeNotAllowed = "attendance.attribute-not-allowed";
    public const string ModifierNotAllowed = "attendance.modifier-not-allowed";
    public const string InvalidValue = "attendance.invalid-value";
    public const string CodeNotForPeriod = "attendance.code-not-for-period";

    /// <summary>Checks <paramref name="mark"/>; <paramref name="period"/> is null for a day record.</summary>
    public static List<AttendanceProblem> Validate(AttendanceMark mark, int? period)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var problems = new List<AttendanceProblem>();
        var code = mark.Code;
        var name = AttendanceCodes.Name(code);

        void Need(bool present, string field)
        {
            if (!present) problems.Add(new(field, AttributeRequired, $"{name} needs '{field}'."));
        }

        void Forbid(bool present, string field)
        {
            if (present) problems.Add(new(field, AttributeNotAllowed, $"'{field}' does not apply to {name}."));
        }

        if (code == AttendanceCode.PresentDeemed) Need(mark.DeemedKind is not null, "deemedKind");
        else
        {
            Forbid(mark.DeemedKind is not null, "deemedKind");
            Forbid(mark.Facility is not null, "facility");
        }
        if (code == AttendanceCode.SuspendedInfection)
        {
            Need(mark.Disease is not null, "disease");
            if (mark.Disease is not null && !InfectiousDiseases.IsKnown(mark.Disease))
                problems.Add(new("disease", InvalidValue, $"Unknown disease '{Truncate(mark.Disease)}' (学校保健安全法施行規則18条 list)."));
        }
        else Forbid(mark.Disease is not null, "disease");
        if (code == AttendanceCode.Bereavement) Need(mark.Relationship is not null, "relationship");
        else Forbid(mark.Relationship is not null, "relationship");
        if (code == AttendanceCode.OnlineSpecialLesson) Need(mark.OnlineMethod is not null, "onlineMethod");
        else
        {
            Forbid(mark.OnlineMethod is not null, "onlineMethod");
            Forbid(mark.OnlineParticipated is not null, "onlineParticipated");
        }

        // 遅刻・早退・保健室登校・別室登校 describe a day the pupil attended; on an absence they would double-count.
        if (!AttendanceCodes.IsAttendance(code))
        {
            if (mark.Late) problems.Add(new("late", ModifierNotAllowed, $"LATE applies to attendance, not to {name}."));
            if (mark.EarlyLeave) problems.Add(new("earlyLeave", ModifierNotAllowed, $"EARLY_LEAVE applies to attendance, not to {name}."));
            if (mark.NurseRoom) problems.Add(new("nurseRoom", ModifierNotAllowed, $"NURSE_ROOM applies to attendance, not to {name}."));
            if (mark.SeparateRoom) problems.Add(new("separateRoom", ModifierNotAllowed, $"SEPARATE_ROOM applies to attendance, not to {name}."));
        }
        if (mark.ArrivedAt is not null && !mark.Late) problems.Add(new("arrivedAt", AttributeNotAllowed, "'arrivedAt' needs LATE."));
        if (mark.LeftAt is not null && !mark.EarlyLeave) problems.Add(new("leftAt", AttributeNotAllowed, "'leftAt' needs EARLY_LEAVE."));
        if (mark.ArrivedAt is { } arrived && mark.LeftAt is { } left && left <= arrived)
            problems.Add(new("leftAt", InvalidValue, "'leftAt' must be after 'arrivedAt'."));
        if (mark.Symptoms.Count != mark.Symptoms.Distinct().Count())
            problems.Add(new("symptoms", InvalidValue, "A symptom is listed twice."));
        if (mark.Temperature is { } t)
        {
            if (!mark.Symptoms.Contains(Symptom.Fever)) problems.Add(new("temperature", AttributeNotAllowed, "'temperature' needs the FEVER symptom."));
            // Outside 34–43 °C is a typing error (e.g. 375 for 37.5), not a body temperature.
            if (t < 34m || t > 43m) problems.Add(new("temperature", InvalidValue, "'temperature' is a body temperature in °C (34.0–43.0)."));
        }
        if (code == AttendanceCode.NotASchoolDay && mark.Symptoms.Count > 0)
            problems.Add(new("symptoms", AttributeNotAllowed, "NOT_A_SCHOOL_DAY carries no symptoms."));
        if (mark.Note is { Length: > MaxTextLength }) problems.Add(new("note", InvalidValue, $"'note' is at most {MaxTextLength} characters."));
        if (mark.Facility is { Length: > 200 }) problems.Add(new("facility", InvalidValue, "'facility' is at most 200 characters."));
        if (mark.Facility is { Length: 0 }) problems.Add(new("facility", InvalidValue, "'facility' is empty."));

        if (period is { } p)
        {
            if (p < 1 || p > MaxPeriod) problems.Add(new("period", InvalidValue, $"'period' is 1–{MaxPeriod}."));
            // A period cannot be outside the school day, closed for the class only, or abroad: those are day facts.
            if (code is AttendanceCode.NotASchoolDay or AttendanceCode.ClassClosure or AttendanceCode.StudyingAbroad or AttendanceCode.OnlineSpecialLesson)
                problems.Add(new("code", CodeNotForPeriod, $"{name} is recorded for the whole day, not for a period."));
        }
        return problems;
    }

    internal static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
