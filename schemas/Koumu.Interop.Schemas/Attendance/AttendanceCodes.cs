using System.Collections.Frozen;

namespace Koumu.Interop.Schemas.Attendance;

/// <summary>
/// The hub's canonical attendance codes (japan.md §2.2 "Canonical categories"). Daily categories are set locally by each
/// board and vendor (no national daily code set exists), so every local code is mapped onto exactly one of these
/// (<see cref="LocalCodeMap"/>), and every one of these falls into exactly one 指導要録「出欠の記録」 bucket
/// (<see cref="AttendanceCodes.BucketOf"/>; 30文科初第1845号 別紙1/2).
/// </summary>
public enum AttendanceCode
{
    /// <summary>出席.</summary>
    Present,

    /// <summary>出席扱い: counted in 出席日数 and recorded as a subset (内数) with its kind.</summary>
    PresentDeemed,

    /// <summary>欠席（病気）.</summary>
    AbsentIllness,

    /// <summary>欠席（事故・届あり）.</summary>
    AbsentAccidentNotified,

    /// <summary>欠席（事故・無届）.</summary>
    AbsentAccidentUnnotified,

    /// <summary>欠席（その他）.</summary>
    AbsentOther,

    /// <summary>出席停止（感染症: 学校保健安全法19条, 感染症法19・20・26・46条の入院）— ①, with the disease.</summary>
    SuspendedInfection,

    /// <summary>出席停止（懲戒: 学校教育法35条）— ①.</summary>
    SuspendedDiscipline,

    /// <summary>学級閉鎖（学校保健安全法20条の臨時休業で学年の一部）— ②.</summary>
    ClassClosure,

    /// <summary>忌引 — ③, with the relationship (続柄).</summary>
    Bereavement,

    /// <summary>非常変災等, not attributable to pupil or guardian, excused by the principal — ④.</summary>
    DisasterExcused,

    /// <summary>その他教育上特に必要な場合で校長が出席しなくてもよいと認めた日 — ⑤.</summary>
    PrincipalExcused,

    /// <summary>
    /// 非常時にオンラインを活用した特例の授業 (2文科初第1733号): not 欠席; counted in 出席停止・忌引等 (④: the pupil could not
    /// attend for a cause not attributable to pupil or guardian) and in the 別記 counts (実施日数 / 参加日数 / 方法).
    /// </summary>
    OnlineSpecialLesson,

    /// <summary>留学中 (高等学校: 学校教育法施行規則93条): the 留学中の授業日数 column, outside 出席しなければならない日数.</summary>
    StudyingAbroad,

    /// <summary>Not a school day for this pupil (whole-school / whole-grade 臨時休業): removed from 授業日数.</summary>
    NotASchoolDay,
}

/// <summary>The 指導要録「出欠の記録」 column a day falls into (exactly one per code).</summary>
public enum YorokuBucket
{
    /// <summary>出席日数 (出席扱い included).</summary>
    Present,

    /// <summary>欠席日数.</summary>
    Absent,

    /// <summary>出席停止・忌引等 ① 出席停止 (懲戒・感染症) and 感染症法 hospitalisation.</summary>
    Excused1Suspension,

    /// <summary>出席停止・忌引等 ② 学級閉鎖 (臨時休業 covering part of a grade).</summary>
    Excused2ClassClosure,

    /// <summary>出席停止・忌引等 ③ 忌引.</summary>
    Excused3Bereavement,

    /// <summary>出席停止・忌引等 ④ 非常変災等 excused by the principal.</summary>
    Excused4Disaster,

    /// <summary>出席停止・忌引等 ⑤ other educational necessity excused by the principal.</summary>
    Excused5Principal,

    /// <summary>留学中の授業日数 (高等学校).</summary>
    StudyingAbroad,

    /// <summary>Outside 授業日数.</summary>
    NotASchoolDay,
}

/// <summary>出席扱い kinds (japan.md §2.1 出席日数; 不登校児童生徒への支援の在り方について).</summary>
public enum DeemedAttendanceKind
{
    /// <summary>A school activity outside school the principal recognises (公欠, 学校行事, 対外試合 …).</summary>
    SchoolActivity,

    /// <summary>教育支援センター (適応指導教室).</summary>
    EducationSupportCentre,

    /// <summary>民間施設 (フリースクール etc.).</summary>
    PrivateFacility,

    /// <summary>自宅でのICT等を活用した学習活動.</summary>
    HomeIct,
}

/// <summary>オンライン特例授業の方法 (2文科初第1733号: 同時双方向型 / オンデマンド型).</summary>
public enum OnlineLessonMethod
{
    Synchronous,
    OnDemand,
}

/// <summary>忌引の続柄 (school rules grade the days by kinship: japan.md §2.2).</summary>
public enum BereavementRelationship
{
    Parent,
    Grandparent,
    Sibling,
    GreatGrandparent,
    UncleOrAunt,
    Other,
}

/// <summary>Symptom categories of absence notices and 保健日誌 (japan.md §5, 学校等欠席者・感染症情報システム).</summary>
public enum Symptom
{
    Fever,
    Headache,
    Respiratory,
    AbdominalPain,
    Diarrhoea,
    Vomiting,
    Rash,
    Injury,
    Other,
}

/// <summary>Who reported a record.</summary>
public enum ReportedBy
{
    Teacher,
    Nurse,
    ParentApp,
    System,
}

/// <summary>Wire names (UPPER_SNAKE, as the reference table spells them), Japanese labels and the bucket of every code.</summary>
public static class AttendanceCodes
{
    private static readonly (AttendanceCode Code, string Name, YorokuBucket Bucket, string Label)[] Table =
    [
        (AttendanceCode.Present, "PRESENT", YorokuBucket.Present, "出席"),
        (AttendanceCode.PresentDeemed, "PRESENT_DEEMED", YorokuBucket.Present, "出席扱い"),
        (AttendanceCode.AbsentIllness, "ABSENT_ILLNESS", YorokuBucket.Absent, "欠席（病気）"),
        (AttendanceCode.AbsentAccidentNotified, "ABSENT_ACCIDENT_NOTIFIED", YorokuBucket.Absent, "欠席（事故・届あり）"),
        (AttendanceCode.AbsentAccidentUnnotified, "ABSENT_ACCIDENT_UNNOTIFIED", YorokuBucket.Absent, "欠席（事故・無届）"),
        (AttendanceCode.AbsentOther, "ABSENT_OTHER", YorokuBucket.Absent, "欠席（その他）"),
        (AttendanceCode.SuspendedInfection, "SUSPENDED_INFECTION", YorokuBucket.Excused1Suspension, "出席停止（感染症）"),
        (AttendanceCode.SuspendedDiscipline, "SUSPENDED_DISCIPLINE", YorokuBucket.Excused1Suspension, "出席停止（懲戒）"),
        (AttendanceCode.ClassClosure, "CLASS_CLOSURE", YorokuBucket.Excused2ClassClosure, "学級閉鎖"),
        (AttendanceCode.Bereavement, "BEREAVEMENT", YorokuBucket.Excused3Bereavement, "忌引"),
        (AttendanceCode.DisasterExcused, "DISASTER_EXCUSED", YorokuBucket.Excused4Disaster, "非常変災等"),
        (AttendanceCode.PrincipalExcused, "PRINCIPAL_EXCUSED", YorokuBucket.Excused5Principal, "校長が認める日"),
        (AttendanceCode.OnlineSpecialLesson, "ONLINE_SPECIAL_LESSON", YorokuBucket.Excused4Disaster, "オンライン特例授業"),
        (AttendanceCode.StudyingAbroad, "STUDYING_ABROAD", YorokuBucket.StudyingAbroad, "留学"),
        (AttendanceCode.NotASchoolDay, "NOT_A_SCHOOL_DAY", YorokuBucket.NotASchoolDay, "授業日でない日"),
    ];

    private static readonly FrozenDictionary<string, AttendanceCode> ByName =
        Table.ToFrozenDictionary(t => t.Name, t => t.Code, StringComparer.Ordinal);

    public static IReadOnlyList<AttendanceCode> All { get; } = [.. Table.Select(t => t.Code)];

    /// <summary>The wire name, e.g. <c>ABSENT_ILLNESS</c>.</summary>
    public static string Name(AttendanceCode code) => Table[(int)code].Name;

    public static string JapaneseLabel(AttendanceCode code) => Table[(int)code].Label;

    /// <summary>The one 指導要録 bucket of <paramref name="code"/>.</summary>
    public static YorokuBucket BucketOf(AttendanceCode code) => Table[(int)code].Bucket;

    /// <summary>Parses a wire name (exact, case-sensitive: codes are identifiers).</summary>
    public static bool TryParse(string? name, out AttendanceCode code) =>
        ByName.TryGetValue(name ?? "", out code);

    /// <summary>True for the buckets that make up 出席停止・忌引等 (①–⑤).</summary>
    public static bool IsExcused(YorokuBucket bucket) => bucket is >= YorokuBucket.Excused1Suspension and <= YorokuBucket.Excused5Principal;

    /// <summary>The pupil came to school or is deemed present: the only days on which 遅刻・早退・保健室・別室 make sense.</summary>
    public static bool IsAttendance(AttendanceCode code) => BucketOf(code) == YorokuBucket.Present;
}

/// <summary>UPPER_SNAKE wire names of the small vocabularies (same convention as the codes).</summary>
public static class AttendanceVocabulary
{
    public static string Name<T>(T value) where T : struct, Enum => Names<T>.ToWire[value];

    public static bool TryParse<T>(string? text, out T value) where T : struct, Enum => Names<T>.FromWire.TryGetValue(text ?? "", out value);

    public static IEnumerable<string> AllNames<T>() where T : struct, Enum => Names<T>.FromWire.Keys;

    private static class Names<T> where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> ToWire = Enum.GetValues<T>().ToFrozenDictionary(v => v, v => Snake(v.ToString()));

        public static readonly FrozenDictionary<string, T> FromWire = ToWire.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }

    /// <summary><c>EducationSupportCentre</c> → <c>EDUCATION_SUPPORT_CENTRE</c>.</summary>
    internal static string Snake(string pascal)
    {
        var text = new System.Text.StringBuilder(pascal.Length + 8);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (i > 0 && char.IsUpper(c) && !char.IsUpper(pascal[i - 1])) text.Append('_');
            else if (i > 0 && char.IsDigit(c) && !char.IsDigit(pascal[i - 1])) text.Append('_');
            text.Append(char.ToUpperInvariant(c));
        }
        return text.ToString();
    }
}
