using Koumu.Interop.Schemas.Profiles.Japan;

namespace Koumu.Interop.Schemas.Profiles;

/// <summary>
/// The rule sets of the Japanese profiles (issue #2 §4; shared/reference/oneroster.md §3.3). The rule catalogue with
/// ids and messages is <see cref="JapanRules"/>; docs/profiles.md says which profile applies which rule.
/// Rule instances are shared by every import of a profile: all per-import state lives in <see cref="ProfileContext.State"/>.
/// </summary>
internal static class JapanProfileRules
{
    public static IReadOnlyList<IProfileRule> For(string profileId)
    {
        if (JapanProfileSettings.For(profileId) is not { } settings) return [];
        var rules = new List<IProfileRule>
        {
            new OrgChecks(),
            new AcademicSessionChecks(),
            new CourseChecks(settings),
            new ClassChecks(),
            new CodeListChecks(settings),
            new UserChecks(settings),
            new RoleChecks(settings),
            new EnrollmentChecks(settings),
            new DemographicChecks(),
        };
        if (settings.StandardModel)
        {
            rules.Add(new SourcedIdUuidCheck());
            rules.Add(new FullWidthTextChecks());
        }
        return rules;
    }
}
