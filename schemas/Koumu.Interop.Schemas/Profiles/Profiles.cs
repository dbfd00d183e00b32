namespace Koumu.Interop.Schemas.Profiles;

/// <summary>The profiles an import can be validated against (issue #2 §4), by stable id.</summary>
public static class OneRosterProfiles
{
    /// <summary>The Japan Profile adds guardian to enrollments.role (oneroster.md §3.3, MEIBO japan_profile enrollment.rb).</summary>
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> JapanEnumerations =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal) { ["enrollments.role"] = ["guardian"] };

    /// <summary>Base OneRoster 1.2 (CSV binding 1.2.1 layout by default).</summary>
    public static readonly ProfileDefinition Base = new()
    {
        Id = "oneroster-1.2",
        Title = "OneRoster 1.2",
        ManifestOneRosterVersion = "1.2",
    };

    /// <summary>OneRoster Japan Profile 第2版 (2022-12-04), on the 1.2 layout (users.resourceSourcedIds).</summary>
    public static readonly ProfileDefinition JapanV2 = new()
    {
        Id = "jp-2",
        Title = "OneRoster Japan Profile 第2版",
        ManifestOneRosterVersion = "1.2",
        UsersLayout12 = true,
        LegacyEnrollmentExtensionNames = true,
        Japanese = true,
        ExtraEnumerationValues = JapanEnumerations,
        Rules = JapanProfileRules.For("jp-2"),
    };

    /// <summary>OneRoster Japan Profile v1.2.1.</summary>
    public static readonly ProfileDefinition JapanV121 = new()
    {
        Id = "jp-1.2.1",
        Title = "OneRoster Japan Profile v1.2.1",
        ManifestOneRosterVersion = "1.2.1",
        LegacyEnrollmentExtensionNames = true,
        Japanese = true,
        ExtraEnumerationValues = JapanEnumerations,
        Rules = JapanProfileRules.For("jp-1.2.1"),
    };

    /// <summary>1EdTech OneRoster 1.2 CSV Binding: Japan K-12/Schools Profile (oneroster.version 1.2_JP).</summary>
    public static readonly ProfileDefinition JapanK12 = new()
    {
        Id = "jp-k12",
        Title = "1EdTech Japan K-12/Schools Profile",
        ManifestOneRosterVersion = "1.2_JP",
        Japanese = true,
        ExtraEnumerationValues = JapanEnumerations,
        Rules = JapanProfileRules.For("jp-k12"),
    };

    /// <summary>学習eポータル標準モデル Ver.3.00 (on Japan Profile 第2版).</summary>
    public static readonly ProfileDefinition EPortalV3 = new()
    {
        Id = "eportal-v3",
        Title = "学習eポータル標準モデル Ver.3.00",
        ManifestOneRosterVersion = "1.2",
        UsersLayout12 = true,
        LegacyEnrollmentExtensionNames = true,
        Japanese = true,
        ExtraEnumerationValues = JapanEnumerations,
        Rules = JapanProfileRules.For("eportal-v3"),
    };

    /// <summary>学習eポータル標準モデル Ver.4.00 (on Japan Profile v1.2.1).</summary>
    public static readonly ProfileDefinition EPortalV4 = new()
    {
        Id = "eportal-v4",
        Title = "学習eポータル標準モデル Ver.4.00",
        ManifestOneRosterVersion = "1.2.1",
        LegacyEnrollmentExtensionNames = true,
        Japanese = true,
        ExtraEnumerationValues = JapanEnumerations,
        Rules = JapanProfileRules.For("eportal-v4"),
    };

    /// <summary>初等中等教育におけるシステム間連携のための相互運用標準モデル Ver.5.00.</summary>
    public static readonly ProfileDefinition InteropV5 = new()
    {
        Id = "interop-v5",
        Title = "相互運用標準モデル Ver.5.00",
        ManifestOneRosterVersion = "1.2.1",
        LegacyEnrollmentExtensionNames = true,
        Japanese = true,
        ExtraEnumerationValues = JapanEnumerations,
        Rules = JapanProfileRules.For("interop-v5"),
    };

    /// <summary>相互運用標準モデル Ver.6.00 (on the Japan K-12/Schools Profile).</summary>
    public static readonly ProfileDefinition InteropV6 = new()
    {
        Id = "interop-v6",
        Title = "相互運用標準モデル Ver.6.00",
        ManifestOneRosterVersion = "1.2_JP",
        Japanese = true,
        ExtraEnumerationValues = JapanEnumerations,
        Rules = JapanProfileRules.For("interop-v6"),
    };

    public static readonly IReadOnlyList<ProfileDefinition> All =
        [Base, JapanV2, JapanV121, JapanK12, EPortalV3, EPortalV4, InteropV5, InteropV6];

    public static ProfileDefinition? Find(string id) =>
        All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));
}
