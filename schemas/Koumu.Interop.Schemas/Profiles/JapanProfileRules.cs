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
            new ByteOrderMarkCheck(),
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

/// <summary>Japanese importers accept only UTF-8 without BOM (oneroster.md §3.4): warn, do not reject.</summary>
internal sealed class ByteOrderMarkCheck : IProfileRule
{
    public void CheckHeader(Koumu.Interop.Schemas.Csv.CsvFileDefinition file, IReadOnlyList<string> header, ProfileContext context, Validation.IProblemSink sink)
    {
        if (context.FilesWithByteOrderMark.Contains(file.Name))
            sink.Report(JapanRules.ByteOrderMark.At(file.FileName, 1, null, null));
    }
}
