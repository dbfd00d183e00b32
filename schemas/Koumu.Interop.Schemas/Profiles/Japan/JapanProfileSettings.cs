using System.Globalization;

namespace Koumu.Interop.Schemas.Profiles.Japan;

/// <summary>
/// What distinguishes the Japanese profiles from each other (shared/reference/oneroster.md §3.1, §3.3).
/// <para>
/// The OneRoster Japan Profile revisions (第2版, v1.2.1, the 1EdTech Japan K-12/Schools Profile) share one rule set
/// (MEIBO japan_profile/v1_1 … v1_2, japan_k12_schools_profile/v1). The MEXT standard models — 学習eポータル標準モデル
/// Ver.3/4 and 相互運用標準モデル Ver.5/6 — add required fields, UUID ids, full-width text and closed code lists
/// (MEIBO eportal/v3, eportal/v4, pse_interoperability_standard/v5, v6; DA2022 K社/M社 validators).
/// </para>
/// </summary>
internal sealed record JapanProfileSettings(string ProfileId, bool StandardModel)
{
    /// <summary>
    /// MEXT/APPLIC grade codes. K社 accepts P1–P6, J1–J3; MEIBO (every Japanese profile, eportal included) also
    /// H1–H3 and E1–E3. The default is MEIBO's superset so that nothing MEIBO or K社 accepts is rejected;
    /// boards narrow it with <see cref="ProfileOptions.GradeCodes"/>.
    /// </summary>
    public static readonly IReadOnlySet<string> DefaultGradeCodes = new SortedSet<string>(StringComparer.Ordinal)
    {
        "P1", "P2", "P3", "P4", "P5", "P6", "J1", "J2", "J3", "H1", "H2", "H3", "E1", "E2", "E3",
    };

    /// <summary>
    /// Subject codes of the standard models: the union of K社 APPLIC_SUBJECTS (P010–P100, J010–J090) and the M社 pattern
    /// <c>[PJ]0[1-9]0|P100|T0[1-9]|T1[1-3]|T5[0-9]|T6[0-2]</c>. The Japan Profile revisions themselves fix no list
    /// (MEIBO checks none), so they check subject codes only when <see cref="ProfileOptions.SubjectCodes"/> is set.
    /// </summary>
    public static readonly IReadOnlySet<string> StandardModelSubjectCodes = BuildSubjectCodes();

    /// <summary>
    /// roles.role in the standard models: K社 ib1039 allows districtAdministrator, guardian, principal,
    /// siteAdministrator, student, teacher; M社 adds systemAdministrator and proctor. The union is accepted.
    /// </summary>
    public static readonly IReadOnlySet<string> StandardModelRoles = new SortedSet<string>(StringComparer.Ordinal)
    {
        "districtAdministrator", "guardian", "principal", "proctor", "siteAdministrator", "student", "systemAdministrator", "teacher",
    };

    /// <summary>enrollments.role in every Japanese profile (MEIBO japan_profile enrollment.rb): guardian added, proctor removed.</summary>
    public static readonly IReadOnlySet<string> EnrollmentRoles = new SortedSet<string>(StringComparer.Ordinal)
    {
        "administrator", "guardian", "student", "teacher",
    };

    public static JapanProfileSettings? For(string profileId) => profileId switch
    {
        "jp-2" or "jp-1.2.1" or "jp-k12" => new(profileId, StandardModel: false),
        "eportal-v3" or "eportal-v4" or "interop-v5" or "interop-v6" => new(profileId, StandardModel: true),
        _ => null,
    };

    public IReadOnlySet<string> GradeCodes(ProfileOptions options) => options.GradeCodes ?? DefaultGradeCodes;

    public IReadOnlySet<string>? SubjectCodes(ProfileOptions options) =>
        options.SubjectCodes ?? (StandardModel ? StandardModelSubjectCodes : null);

    private static SortedSet<string> BuildSubjectCodes()
    {
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 1; i <= 10; i++) codes.Add(string.Create(CultureInfo.InvariantCulture, $"P{i * 10:000}"));
        for (var i = 1; i <= 9; i++) codes.Add(string.Create(CultureInfo.InvariantCulture, $"J{i * 10:000}"));
        for (var i = 1; i <= 13; i++) codes.Add(string.Create(CultureInfo.InvariantCulture, $"T{i:00}"));
        for (var i = 50; i <= 62; i++) codes.Add(string.Create(CultureInfo.InvariantCulture, $"T{i:00}"));
        return codes;
    }
}
