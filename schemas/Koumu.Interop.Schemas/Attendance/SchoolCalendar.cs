namespace Koumu.Interop.Schemas.Attendance;

/// <summary>Where a calendar entry applies: the whole school, one grade, or one class (学級).</summary>
public enum CalendarScope
{
    School,
    Grade,
    Class,
}

/// <summary>What a date is for the pupils a calendar entry covers (japan.md §2.1 授業日数, §5 学級閉鎖).</summary>
public enum CalendarDayKind
{
    /// <summary>授業日: counts in 授業日数.</summary>
    SchoolDay,

    /// <summary>休業日 (weekend, holiday, 長期休業, 振替休業): not a school day.</summary>
    Holiday,

    /// <summary>
    /// 臨時休業 of the whole school or a whole grade (学校保健安全法20条, 非常変災): removed from 授業日数 (MEXT COVID Q&amp;A
    /// mext_00041). Kept apart from <see cref="Holiday"/> because online special lessons run during it still count in the
    /// 別記 (実施日数・参加日数).
    /// </summary>
    TemporaryClosure,

    /// <summary>学級閉鎖: 臨時休業 covering part of a grade — stays in 授業日数 and counts in 出席停止・忌引等 ②.</summary>
    ClassClosure,
}

/// <summary>One calendar fact: <paramref name="Key"/> is the grade (Grade scope), the class sourcedId (Class scope) or null (School scope).</summary>
public sealed record CalendarEntry(DateOnly Date, CalendarScope Scope, string? Key, CalendarDayKind Kind, string? Reason = null)
{
    public const string InvalidScope = "attendance.calendar-scope";

    /// <summary>The structural rules of an entry: scope keys, and closures at the scope the law gives them.</summary>
    public IReadOnlyList<AttendanceProblem> Validate()
    {
        var problems = new List<AttendanceProblem>();
        if (Scope == CalendarScope.School && Key is not null) problems.Add(new("key", InvalidScope, "A whole-school entry has no grade or class."));
        if (Scope != CalendarScope.School && string.IsNullOrWhiteSpace(Key)) problems.Add(new("key", InvalidScope, $"A {Scope.ToString().ToLowerInvariant()} entry names its {Scope.ToString().ToLowerInvariant()}."));
        if (Key is { Length: > 255 }) problems.Add(new("key", AttendanceRules.InvalidValue, "'key' is at most 255 characters."));
        // 学級閉鎖 is the closure of part of a grade; a whole grade or school closed is a TEMPORARY_CLOSURE (removed from 授業日数).
        if (Kind == CalendarDayKind.ClassClosure && Scope != CalendarScope.Class)
            problems.Add(new("kind", InvalidScope, "CLASS_CLOSURE applies to a class; a whole grade or school closed is TEMPORARY_CLOSURE."));
        if (Kind == CalendarDayKind.TemporaryClosure && Scope == CalendarScope.Class)
            problems.Add(new("kind", InvalidScope, "A class's closure is CLASS_CLOSURE (counted in 出席停止・忌引等 ②), not TEMPORARY_CLOSURE."));
        if (Reason is { Length: > AttendanceRules.MaxTextLength }) problems.Add(new("reason", AttendanceRules.InvalidValue, $"'reason' is at most {AttendanceRules.MaxTextLength} characters."));
        return problems;
    }
}

/// <summary>
/// One school's calendar: school days are declared (a date no entry mentions is not a school day), and grade or class
/// entries override the school's for their pupils — the most specific entry wins (a grade's 振替授業日, a class's 学級閉鎖).
/// </summary>
public sealed class SchoolCalendar
{
    private readonly Dictionary<DateOnly, CalendarDayKind> _school = [];
    private readonly Dictionary<(DateOnly, string), CalendarDayKind> _grade = [];
    private readonly Dictionary<(DateOnly, string), CalendarDayKind> _class = [];

    public SchoolCalendar(IEnumerable<CalendarEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var e in entries)
        {
            switch (e.Scope)
            {
                case CalendarScope.School: _school[e.Date] = e.Kind; break;
                case CalendarScope.Grade: _grade[(e.Date, e.Key!)] = e.Kind; break;
                default: _class[(e.Date, e.Key!)] = e.Kind; break;
            }
        }
    }

    private readonly Dictionary<(int Year, string? Grade, string? Class), CalendarDayKind[]> _years = [];
    private readonly Lock _yearsLock = new();

    /// <summary>
    /// Every day of a 年度 (index 0 = April 1) as <see cref="Resolve"/> sees it for one grade and class — computed once
    /// per calendar and (grade, class) and shared by the class's pupils: a school's yearly record resolves 365 days for
    /// each of ~1,000 pupils, and most of them share a few dozen classes.
    /// </summary>
    public CalendarDayKind[] ResolveYear(int schoolYear, string? grade, string? classSourcedId)
    {
        lock (_yearsLock)
        {
            if (_years.TryGetValue((schoolYear, grade, classSourcedId), out var cached)) return cached;
            var start = SchoolYear.Start(schoolYear);
            var days = SchoolYear.End(schoolYear).DayNumber - start.DayNumber + 1;
            var kinds = new CalendarDayKind[days];
            for (var i = 0; i < days; i++) kinds[i] = Resolve(start.AddDays(i), grade, classSourcedId);
            _years[(schoolYear, grade, classSourcedId)] = kinds;
            return kinds;
        }
    }

    /// <summary>What <paramref name="date"/> is for a pupil of <paramref name="grade"/> in <paramref name="classSourcedId"/>.</summary>
    public CalendarDayKind Resolve(DateOnly date, string? grade, string? classSourcedId)
    {
        if (classSourcedId is not null && _class.TryGetValue((date, classSourcedId), out var kind)) return kind;
        if (grade is not null && _grade.TryGetValue((date, grade), out kind)) return kind;
        return _school.TryGetValue(date, out kind) ? kind : CalendarDayKind.Holiday;
    }
}

/// <summary>The Japanese school year (年度, 4/1–3/31) named by its start year (decision 0004).</summary>
public static class SchoolYear
{
    public static DateOnly Start(int startYear) => new(startYear, 4, 1);

    public static DateOnly End(int startYear) => new(startYear + 1, 3, 31);

    /// <summary>The 年度 a date belongs to: the one whose April 1 precedes it.</summary>
    public static int Of(DateOnly date) => date.Month >= 4 ? date.Year : date.Year - 1;
}
