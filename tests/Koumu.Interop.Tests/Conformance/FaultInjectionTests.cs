using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Rest;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>
/// Test the tester (issue #7 §5, "Done when": detects the seeded faults, each by the assertion meant to catch it): the
/// tool runs against the real hub behind <see cref="FaultyProvider"/>, one fault at a time, and the assertion named
/// for the fault must fail. The same assertions pass on the unbroken hub (<see cref="HubConformanceSpecification"/>).
/// </summary>
public sealed class FaultInjectionTests(ConformanceHub hub) : IClassFixture<ConformanceHub>
{
    public static TheoryData<string> Faults() => [.. ProviderFaults.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Each_seeded_fault_is_flagged_by_the_assertion_meant_to_catch_it(string name)
    {
        var fault = ProviderFaults.All.Single(f => f.Name == name);
        var report = await hub.RunAsync(new AssertionSelection { Ids = [fault.Catches] }, inner => new FaultyProvider(fault, inner));

        var result = Assert.Single(report.Results);
        Assert.True(result.Outcome == Outcome.Failed,
            $"Fault '{name}' was not caught by {fault.Catches}: {result.Outcome} {result.Message}\n{string.Join("\n", result.Details.Take(10))}");
        // A failure must show what it is about: a message, and for HTTP faults the evidence.
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
        Assert.True(result.Exchanges.Count > 0 || result.Details.Count > 0, $"{fault.Catches} failed without evidence");
    }

    [Fact]
    public void There_are_at_least_30_distinct_faults_and_every_REST_assertion_has_one()
    {
        Assert.True(ProviderFaults.All.Count >= 30, $"{ProviderFaults.All.Count} faults");
        Assert.Equal(ProviderFaults.All.Count, ProviderFaults.All.Select(f => f.Name).Distinct().Count());
        var unknown = ProviderFaults.All.Where(f => RestAssertions.All.All(a => a.Id != f.Catches)).Select(f => f.Name).ToList();
        Assert.True(unknown.Count == 0, "faults naming no assertion: " + string.Join(", ", unknown));
        var uncovered = RestAssertions.All.Where(a => ProviderFaults.All.All(f => f.Catches != a.Id)).Select(a => a.Id).ToList();
        Assert.True(uncovered.Count == 0, "assertions no fault exercises: " + string.Join(", ", uncovered));
    }
}
