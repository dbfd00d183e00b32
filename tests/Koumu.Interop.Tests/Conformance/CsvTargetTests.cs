using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Csv;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Profiles.Japan;
using Koumu.Interop.Tests.TestSupport;
using Koumu.Interop.Tests.Validation;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>The OneRoster CSV package target: the hub's validator, its rule ids mapped onto assertions one to one.</summary>
public sealed class CsvTargetTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "koumu-conf-csv-" + Guid.NewGuid().ToString("N"));

    public CsvTargetTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<ConformanceReport> RunAsync(string path, ProfileDefinition profile) =>
        await ConformanceRunner.RunAsync([new OneRosterCsvTarget(new CsvTargetOptions { Path = path, Profile = profile })]);

    [Fact]
    public async Task A_valid_Japan_Profile_package_passes_every_assertion()
    {
        DemoGenerator.Write(DemoOptions.Demo with { Pupils = 24 }, _folder);
        var report = await RunAsync(_folder, OneRosterProfiles.JapanV121);

        Assert.True(report.Summary.Conformant, string.Join("\n", report.Results.Where(r => r.Outcome == Outcome.Failed).Select(r => r.Assertion.Id + " " + r.Message)));
        Assert.Equal(0, report.Summary.Failed);
        Assert.Equal(0, report.Summary.Skipped);
        Assert.Equal(Outcome.Passed, report.Find(OneRosterCsvTarget.PackageAccepted)!.Outcome);
        Assert.Equal(OneRosterCsvTarget.Catalogue.Count, report.Results.Count);
    }

    [Fact]
    public async Task A_broken_package_fails_the_rules_it_breaks_with_file_line_and_column()
    {
        var package = SamplePackages.Rostering()
            .File("enrollments", "bulk", SamplePackages.EnrollmentsHeader, "enr-x,,,class-1,org-school,user-nobody,learner,false,,")
            .WriteFolder();
        try
        {
            var report = await RunAsync(package, OneRosterProfiles.Base);
            Assert.False(report.Summary.Conformant);
            var enumeration = report.Find("OR-CSV-type.enumeration")!;
            Assert.Equal(Outcome.Failed, enumeration.Outcome);
            Assert.Equal(AssertionLevel.Must, enumeration.Assertion.Level);
            Assert.Contains(enumeration.Details, d => d.StartsWith("enrollments.csv:2:role [type.enumeration]", StringComparison.Ordinal));
            Assert.Equal(Outcome.Failed, report.Find("OR-CSV-reference.unresolved")!.Outcome);
            Assert.Equal(Outcome.Failed, report.Find(OneRosterCsvTarget.PackageAccepted)!.Outcome);
            Assert.Equal(Outcome.Passed, report.Find("OR-CSV-structure.header_order")!.Outcome);
        }
        finally
        {
            Directory.Delete(package, recursive: true);
        }
    }

    [Fact]
    public async Task A_package_without_kana_fails_the_eportal_kana_rule()
    {
        var package = SamplePackages.Rostering().WriteFolder();
        try
        {
            var report = await RunAsync(package, OneRosterProfiles.EPortalV4);
            Assert.Equal(Outcome.Failed, report.Find("OR-CSV-jp.users.required")!.Outcome);
            Assert.False(report.Summary.Conformant);
        }
        finally
        {
            Directory.Delete(package, recursive: true);
        }
    }

    [Fact]
    public async Task A_file_that_is_not_a_zip_fails_package_not_a_zip()
    {
        var path = Path.Combine(_folder, "roster.zip");
        await File.WriteAllTextAsync(path, "this is not a zip archive");
        var report = await RunAsync(path, OneRosterProfiles.Base);
        Assert.Equal(Outcome.Failed, report.Find("OR-CSV-package.not_a_zip")!.Outcome);
        Assert.Equal(Outcome.Failed, report.Find(OneRosterCsvTarget.PackageAccepted)!.Outcome);
    }

    [Fact]
    public async Task A_zip_with_a_path_traversal_entry_fails_package_unsafe_entry_name()
    {
        var zip = SamplePackages.Rostering().Raw("../../evil.csv", "x"u8.ToArray()).WriteZip();
        try
        {
            var report = await RunAsync(zip, OneRosterProfiles.Base);
            Assert.Equal(Outcome.Failed, report.Find("OR-CSV-package.unsafe_entry_name")!.Outcome);
            Assert.False(report.Summary.Conformant);
        }
        finally
        {
            File.Delete(zip);
        }
    }

    [Fact]
    public async Task Japan_rules_are_skipped_with_a_reason_for_a_base_OneRoster_package()
    {
        var package = SamplePackages.Rostering().WriteFolder();
        try
        {
            var report = await RunAsync(package, OneRosterProfiles.Base);
            Assert.True(report.Summary.Conformant);
            Assert.All(report.Results.Where(r => r.Assertion.Id.StartsWith("OR-CSV-jp.", StringComparison.Ordinal)), r =>
            {
                Assert.Equal(Outcome.Skipped, r.Outcome);
                Assert.Contains("oneroster-1.2", r.Message!, StringComparison.Ordinal);
            });
        }
        finally
        {
            Directory.Delete(package, recursive: true);
        }
    }

    [Fact]
    public void Every_validator_rule_is_an_assertion_with_its_level_from_the_rule_severity()
    {
        var rules = BaseRuleTests.AllRules().Concat(JapanRules.All).Append(JapanRules.ByteOrderMark).DistinctBy(r => r.Id).ToList();
        foreach (var rule in rules)
        {
            var assertion = OneRosterCsvTarget.Catalogue.SingleOrDefault(a => a.Id == OneRosterCsvTarget.AssertionId(rule.Id));
            Assert.True(assertion is not null, "rule without assertion: " + rule.Id);
            Assert.Equal(rule.Severity == Koumu.Interop.Schemas.Validation.Severity.Error ? AssertionLevel.Must : AssertionLevel.Should, assertion!.Level);
            Assert.DoesNotContain("{0}", assertion.DescriptionEn, StringComparison.Ordinal);
        }
        Assert.Equal(rules.Count + 1, OneRosterCsvTarget.Catalogue.Count);
    }
}
