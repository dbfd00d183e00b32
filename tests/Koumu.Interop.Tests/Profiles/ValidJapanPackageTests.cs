using Koumu.Interop.Schemas.Profiles;

namespace Koumu.Interop.Tests.Profiles;

public sealed class ValidJapanPackageTests
{
    public static TheoryData<string> JapaneseProfiles => new() { "jp-2", "jp-1.2.1", "jp-k12", "eportal-v3", "eportal-v4", "interop-v5", "interop-v6" };

    [Theory]
    [MemberData(nameof(JapaneseProfiles))]
    public async Task Complete_valid_package_passes_with_zero_problems(string profileId)
    {
        var package = JapanPackage.Valid(profileId);

        var result = await package.ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
        Assert.Equal(0, result.ErrorCount);
        Assert.Empty(result.Problems);
        Assert.Equal(8, result.Files.Count);
    }

    [Theory]
    [MemberData(nameof(JapaneseProfiles))]
    public void Every_japanese_profile_has_profile_rules(string profileId) =>
        Assert.NotEmpty(OneRosterProfiles.Find(profileId)!.Rules);

    [Fact]
    public void Base_profile_has_no_japanese_rules() => Assert.Empty(OneRosterProfiles.Base.Rules);
}
