namespace Koumu.Interop.Schemas.Attendance;

/// <summary>Which days count towards the 長期欠席 line (japan.md §2.3: the basis changed around FY2020 and is unverified, so it is a setting).</summary>
public enum LongAbsenceBasis
{
    /// <summary>指導要録 欠席日数 only (the long-standing definition).</summary>
    Absent,

    /// <summary>欠席日数 + 出席停止・忌引等の日数 (reported basis of the survey since about FY2020, capturing COVID avoidance).</summary>
    AbsentAndExcused,
}

/// <summary>A pupil's standing against 「児童生徒の問題行動・不登校等生徒指導上の諸課題に関する調査」's 長期欠席 definition.</summary>
public sealed record LongAbsenceStatus(int CountedDays, bool IsLongAbsent, bool Absent90OrMore, bool Present10OrFewer, bool PresentZero);

public static class LongAbsence
{
    /// <summary>30 days or more, continuous or intermittent (50 before 1991; japan.md §2.3).</summary>
    public const int DefaultThreshold = 30;

    public static LongAbsenceStatus Evaluate(YorokuTally year, LongAbsenceBasis basis = LongAbsenceBasis.Absent, int threshold = DefaultThreshold)
    {
        ArgumentNullException.ThrowIfNull(year);
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        var counted = basis == LongAbsenceBasis.Absent ? year.AbsentDays : year.AbsentDays + year.ExcusedDays;
        // The survey's extra breakdowns (from FY2015 data) apply to pupils counted as 長期欠席.
        var isLong = counted >= threshold;
        return new LongAbsenceStatus(counted, isLong, isLong && year.AbsentDays >= 90, isLong && year.PresentDays <= 10, isLong && year.PresentDays == 0);
    }
}
