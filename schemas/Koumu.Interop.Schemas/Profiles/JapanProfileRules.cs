namespace Koumu.Interop.Schemas.Profiles;

/// <summary>The rule sets of the Japanese profiles (placeholder: filled in by the profile-rules work).</summary>
internal static class JapanProfileRules
{
    public static IReadOnlyList<IProfileRule> For(string profileId) => profileId switch
    {
        _ => [],
    };
}
