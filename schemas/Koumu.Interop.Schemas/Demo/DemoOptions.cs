using Koumu.Interop.Schemas.Japan;
using Koumu.Interop.Schemas.Profiles;

namespace Koumu.Interop.Schemas.Demo;

/// <summary>
/// What <see cref="DemoGenerator"/> builds. Everything scales from <see cref="Pupils"/>: about
/// <see cref="PupilsPerClass"/> pupils per 学級 and <see cref="PupilsPerSchool"/> pupils per school, pupils spread evenly
/// over the six 小学校 and three 中学校 grades.
/// </summary>
public sealed record DemoOptions
{
    /// <summary>Same seed, same options → byte-identical package.</summary>
    public int Seed { get; init; } = 20260401;

    public int Pupils { get; init; } = 360;

    /// <summary>Name of the (first) board, e.g. 若葉市教育委員会. Schools are named 〇〇市立…小学校 after it.</summary>
    public string BoardName { get; init; } = "若葉市教育委員会";

    /// <summary>The (first) board's 教育委員会コード: 6 digits = 都道府県番号 (2) + board number (4) (japan.md, MEXT).</summary>
    public string BoardCode { get; init; } = "139001";

    /// <summary>都道府県番号 (1–47) used in 学校コード; must equal the first two digits of <see cref="BoardCode"/>.</summary>
    public int PrefectureNumber { get; init; } = 13;

    /// <summary>
    /// The 年度, named by its START year as Japanese usage does (2026年度 = 2026-04-01..2027-03-31).
    /// The CSV <c>schoolYear</c> column is written as the END year, see <see cref="DemoGenerator"/>.
    /// </summary>
    public int SchoolYear { get; init; } = 2026;

    /// <summary>Number of municipal boards (districts). The first uses <see cref="BoardName"/>/<see cref="BoardCode"/>, the rest get consecutive codes.</summary>
    public int Boards { get; init; } = 1;

    public int PupilsPerSchool { get; init; } = 500;

    public int PupilsPerClass { get; init; } = 30;

    /// <summary>Subject classes per 学級 besides the homeroom (国語 and 算数/数学 first). Every pupil is enrolled in each.</summary>
    public int SubjectClassesPerHomeroom { get; init; } = 2;

    /// <summary>One guardian (保護者) per pupil, linked from the pupil's agentSourcedIds.</summary>
    public bool Guardians { get; init; } = true;

    /// <summary>
    /// Adds 前期/後期 terms under the schoolYear session and makes classes refer to them. Off by default: the Japan
    /// profiles allow academicSessions of type <c>schoolYear</c> only (oneroster.md §3.3; meibo japan_profile
    /// academic_session.rb), so a term makes a package fail them. Useful for base OneRoster consumers.
    /// </summary>
    public bool Terms { get; init; }

    /// <summary>
    /// The profile whose form the package takes: manifest oneroster.version, users.csv layout (1.2 / 1.2.1) and the
    /// enrollment extension name (metadata.jp.ShussekiNo in profiles up to v1.2.1, metadata.jp.shussekiNo in K-12).
    /// </summary>
    public ProfileDefinition Profile { get; init; } = OneRosterProfiles.JapanV121;

    /// <summary>A city: a few hundred pupils in one 小学校 and one 中学校.</summary>
    public static DemoOptions Demo => new();

    /// <summary>Prefecture scale: 1,000,000 pupils in 40 municipal boards (≈2,000 schools, ≈3,000,000 enrollments).</summary>
    public static DemoOptions Prefecture => new() { Pupils = 1_000_000, Boards = 40 };

    /// <summary>Rejects options that would produce an invalid or absurd package.</summary>
    public void Validate()
    {
        if (Pupils is < 1 or > 20_000_000) throw new ArgumentOutOfRangeException(nameof(Pupils), Pupils, "Pupils must be 1..20,000,000.");
        if (PrefectureNumber is < 1 or > 47) throw new ArgumentOutOfRangeException(nameof(PrefectureNumber), PrefectureNumber, "都道府県番号 must be 1..47.");
        if (SchoolYear is < 1900 or > 9998) throw new ArgumentOutOfRangeException(nameof(SchoolYear), SchoolYear, "SchoolYear must be a four-digit year.");
        if (PupilsPerSchool is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(PupilsPerSchool), PupilsPerSchool, "PupilsPerSchool must be 1..100,000.");
        if (PupilsPerClass is < 1 or > 1_000) throw new ArgumentOutOfRangeException(nameof(PupilsPerClass), PupilsPerClass, "PupilsPerClass must be 1..1,000.");
        if (SubjectClassesPerHomeroom < 0 || SubjectClassesPerHomeroom > Subjects.Junior.Length)
            throw new ArgumentOutOfRangeException(nameof(SubjectClassesPerHomeroom), SubjectClassesPerHomeroom, $"SubjectClassesPerHomeroom must be 0..{Subjects.Junior.Length}.");
        ArgumentNullException.ThrowIfNull(Profile);
        if (!MextCodes.IsValidBoardCode(BoardCode)) throw new ArgumentException($"'{BoardCode}' is not a 教育委員会コード (6 digits, first 0–4).", nameof(BoardCode));
        if (int.Parse(BoardCode.AsSpan(0, 2), System.Globalization.CultureInfo.InvariantCulture) != PrefectureNumber)
            throw new ArgumentException($"教育委員会コード '{BoardCode}' does not start with 都道府県番号 {PrefectureNumber:00}.", nameof(BoardCode));
        var boardNumber = int.Parse(BoardCode.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
        if (Boards is < 1 or > 1000 || boardNumber + Boards - 1 > 9999)
            throw new ArgumentOutOfRangeException(nameof(Boards), Boards, "Boards must be 1..1,000 and leave room for consecutive 教育委員会コード.");
        if (string.IsNullOrWhiteSpace(BoardName) || BoardName.Length > 100)
            throw new ArgumentException("BoardName must be 1..100 characters.", nameof(BoardName));
        foreach (var c in BoardName)
        {
            // Control characters never belong in a name; half-width katakana is forbidden by the Japan profiles (§3.3).
            if (char.IsControl(c)) throw new ArgumentException("BoardName contains a control character.", nameof(BoardName));
            if (c is >= '\uFF61' and <= '\uFF9F') throw new ArgumentException("BoardName contains half-width katakana.", nameof(BoardName));
        }
    }
}
