using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Csv;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Tests.TestSupport;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>A broken CSV package: one defect in the sample rostering package, and the validator rule it breaks.</summary>
public sealed record CsvFault(string Name, string Rule, Func<PackageBuilder, PackageBuilder> Break)
{
    public override string ToString() => Name;
}

/// <summary>Seeded CSV package faults (issue #7 §5): each must fail OR-CSV-PACKAGE-001 and the rule it breaks.</summary>
public static class CsvFaults
{
    private static string[] Replace(string[] rows, int index, string row) => [.. rows.Select((r, i) => i == index ? row : r)];

    public static IReadOnlyList<CsvFault> All { get; } =
    [
        new("enrollment role not in the vocabulary", "type.enumeration", p => p.File("enrollments", "bulk", SamplePackages.EnrollmentsHeader,
            Replace(SamplePackages.EnrollmentRows, 1, "enr-s1,,,class-1,org-school,user-s1,pupil,false,2026-04-01,"))),
        new("enrollment of an unknown user", "reference.unresolved", p => p.File("enrollments", "bulk", SamplePackages.EnrollmentsHeader,
            Replace(SamplePackages.EnrollmentRows, 2, "enr-s2,,,class-1,org-school,user-nobody,student,false,,"))),
        new("two users with one sourcedId", "reference.duplicate_sourced_id", p => p.File("users", "bulk", SamplePackages.UsersHeader,
            [.. SamplePackages.UserRows, "user-s1,,,true,pupil9,,三郎,高橋,,,,,,,P1,,,,,,org-school,"])),
        new("enabledUser yes", "type.boolean", p => p.File("users", "bulk", SamplePackages.UsersHeader,
            Replace(SamplePackages.UserRows, 1, "user-s1,,,yes,pupil1,,太郎,佐藤,,,,,,,P1,,,,,,org-school,"))),
        new("session date with slashes", "type.date", p => p.File("academicSessions", "bulk", SamplePackages.SessionsHeader,
            ["ay-2026,,,2026年度,schoolYear,2026/04/01,2027-03-31,,2027"])),
        new("session ends before it starts", "type.date_range", p => p.File("academicSessions", "bulk", SamplePackages.SessionsHeader,
            ["ay-2026,,,2026年度,schoolYear,2027-03-31,2026-04-01,,2027"])),
        new("class without title", "type.required", p => p.File("classes", "bulk", SamplePackages.ClassesHeader,
            ["class-1,,,,P1,course-1,,homeroom,,org-school,ay-2026,,,"])),
        new("a row one field short", "structure.field_count", p => p.File("courses", "bulk", SamplePackages.CoursesHeader,
            ["course-1,,,ay-2026,2026年度 国語,,P1,org-school,国語"])),
        new("org that is its own parent", "reference.self", p => p.File("orgs", "bulk", SamplePackages.OrgsHeader,
            [SamplePackages.OrgRows[0], "org-school,,,Sample Elementary,school,B113210000010,org-school"])),
    ];

    public static async Task<ConformanceReport> RunAsync(CsvFault fault)
    {
        var folder = fault.Break(SamplePackages.Rostering()).WriteFolder();
        try
        {
            return await ConformanceRunner.RunAsync([new OneRosterCsvTarget(new CsvTargetOptions { Path = folder, Profile = OneRosterProfiles.Base })]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>Each broken package fails the package verdict and the rule it breaks, with the file and line.</summary>
public sealed class CsvFaultInjectionTests
{
    public static TheoryData<string> Faults() => [.. CsvFaults.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Each_seeded_CSV_fault_fails_the_package_and_the_rule_it_breaks(string name)
    {
        var fault = CsvFaults.All.Single(f => f.Name == name);
        var report = await CsvFaults.RunAsync(fault);
        Assert.Equal(Outcome.Failed, report.Find(OneRosterCsvTarget.PackageAccepted)!.Outcome);
        var rule = report.Find(OneRosterCsvTarget.AssertionId(fault.Rule))!;
        Assert.True(rule.Outcome == Outcome.Failed, $"{fault.Rule} did not fail for '{name}': {rule.Outcome} {rule.Message}");
        Assert.Contains(rule.Details, d => d.Contains(".csv:", StringComparison.Ordinal));
    }
}
