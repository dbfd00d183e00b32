using System.Text;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Tests.Validation;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Profiles;

/// <summary>A UTF-8 BOM is accepted everywhere, and the Japanese profiles warn that their importers reject it.</summary>
public sealed class ByteOrderMarkTests
{
    private static byte[] WithBom(string text) => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();

    [Fact]
    public async Task Japanese_profiles_warn_about_a_bom_with_file_and_line()
    {
        var package = Rostering().File("orgs", "bulk", WithBom(OrgsHeader + "\n" + string.Join("\n", OrgRows) + "\n"));
        var result = await BaseRuleTests.ValidateAsync(package, new ProcessingOptions { Profile = OneRosterProfiles.JapanK12 });
        var warning = Assert.Single(result.Problems, p => p.RuleId == "jp.encoding.bom");
        Assert.Equal(("orgs.csv", 1L, Severity.Warning), (warning.File, warning.Line!.Value, warning.Severity));
        Assert.DoesNotContain(result.Problems, p => p.RuleId.StartsWith("structure.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Base_profile_accepts_a_bom_silently_and_files_without_bom_get_no_warning()
    {
        var package = Rostering().File("orgs", "bulk", WithBom(OrgsHeader + "\n" + string.Join("\n", OrgRows) + "\n"));
        var result = await BaseRuleTests.ValidateAsync(package);
        Assert.True(result.Accepted, string.Join("\n", result.Problems));
        Assert.Equal(0, result.WarningCount);

        var japanese = await BaseRuleTests.ValidateAsync(Rostering(), new ProcessingOptions { Profile = OneRosterProfiles.JapanK12 });
        Assert.DoesNotContain(japanese.Problems, p => p.RuleId == "jp.encoding.bom");
    }
}
