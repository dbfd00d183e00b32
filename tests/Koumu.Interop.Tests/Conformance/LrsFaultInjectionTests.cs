using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Xapi;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>
/// Test the tester for the xAPI LRS target (issue #7 §5): the tool runs against the real hub's LRS behind
/// <see cref="FaultyProvider"/>, one fault at a time, limited to the assertion meant to catch it, which must fail. The
/// same assertions pass on the unbroken hub (<see cref="XapiHubConformanceSpecification"/>); for an assertion the hub
/// itself fails today (a known hub defect), the fault must make it fail on more evidence than the hub alone does.
/// </summary>
public sealed class LrsFaultInjectionTests(XapiConformanceHub hub) : IClassFixture<XapiConformanceHub>
{
    public static TheoryData<string> Faults() => [.. LrsFaults.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Each_seeded_LRS_fault_is_flagged_by_the_assertion_meant_to_catch_it(string name)
    {
        var fault = LrsFaults.All.Single(f => f.Name == name);
        var selection = new AssertionSelection { Ids = [fault.Catches] };
        var report = await hub.RunAsync(fault.Version, selection, inner => new FaultyProvider(fault.Fault, inner));

        var result = Assert.Single(report.Results);
        Assert.Equal(XapiAssertions.RunId(fault.Catches, fault.Version), result.Assertion.Id);
        Assert.True(result.Outcome == Outcome.Failed,
            $"Fault '{name}' was not caught by {fault.Catches}: {result.Outcome} {result.Message}\n{string.Join("\n", result.Details.Take(10))}");
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        Assert.True(result.Exchanges.Count > 0, $"{fault.Catches} failed without showing the exchange that proves it");
        if (XapiHubConformanceSpecification.KnownDefects.Contains(fault.Catches))
        {
            var baseline = Assert.Single((await hub.RunAsync(fault.Version, selection)).Results);
            Assert.True(result.Details.Count > baseline.Details.Count,
                $"{fault.Catches} fails on the hub already; the fault added nothing it could see ({result.Message})");
        }
    }

    [Fact]
    public void There_are_at_least_15_distinct_LRS_faults_each_naming_an_xAPI_assertion_and_30_faults_in_all()
    {
        Assert.True(LrsFaults.All.Count >= 15, $"{LrsFaults.All.Count} LRS faults");
        var names = LrsFaults.All.Select(f => f.Name).Concat(ProviderFaults.All.Select(f => f.Name)).Concat(CsvFaults.All.Select(f => f.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.True(names.Count >= 30, $"{names.Count} faults in all");
        var unknown = LrsFaults.All.Where(f => XapiAssertions.All.All(a => a.Id != f.Catches)).Select(f => f.Name).ToList();
        Assert.True(unknown.Count == 0, "faults naming no xAPI assertion: " + string.Join(", ", unknown));
        // Every area of the catalogue has at least one fault that proves its checks can fail.
        var uncovered = XapiAssertions.All.Select(a => a.Section).Distinct()
            .Where(section => LrsFaults.All.All(f => XapiAssertions.All.Single(a => a.Id == f.Catches).Section != section)).ToList();
        Assert.True(uncovered.Count == 0, "sections without a fault: " + string.Join(", ", uncovered));
    }
}
