using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Xapi;
using Xunit.Abstractions;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>The hub's LRS against its own conformance tool on the embedded SQLite store.</summary>
public sealed class XapiHubConformanceTests(XapiConformanceHub hub, ITestOutputHelper log) : XapiHubConformanceSpecification(hub, log), IClassFixture<XapiConformanceHub>;

/// <summary>The same on PostgreSQL (the Statement store's SQL differs per provider).</summary>
public sealed class PostgresXapiHubConformanceTests(PostgresXapiConformanceHub hub, ITestOutputHelper log) : XapiHubConformanceSpecification(hub, log), IClassFixture<PostgresXapiConformanceHub>;

/// <summary>Issue #7 "Done when": koumu-conformance against the running hub passes every MUST of the xAPI LRS target, for 1.0.3 and 2.0.</summary>
public abstract class XapiHubConformanceSpecification
{
    private readonly XapiConformanceHub hub;
    private readonly ITestOutputHelper log;

    protected XapiHubConformanceSpecification(XapiConformanceHub hub, ITestOutputHelper log)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
        this.log = log;
    }

    /// <summary>SHOULD assertions the hub is known to fail, with why (a MUST may never be here, and nothing may be skipped).</summary>
    private static readonly Dictionary<string, string> KnownShouldFailures = new(StringComparer.Ordinal);

    [SkippableTheory]
    [InlineData("1.0.3")]
    [InlineData("2.0.0")]
    public async Task The_hub_passes_every_assertion_of_the_xAPI_LRS_target(string version)
    {
        var v = XapiVersions.Parse(version)!.Value;
        var report = await hub.RunAsync(v);
        foreach (var r in report.Results.Where(r => r.Outcome != Outcome.Passed))
            log.WriteLine($"{r.Assertion.Id} {r.Assertion.Level} {r.Outcome}: {r.Message}\n  {string.Join("\n  ", r.Details.Take(10))}\n  "
                + string.Join("\n  ", r.Exchanges.Take(3).Select(e => $"{e.Method} {e.Url} → {e.Status} {e.ResponseBody?[..Math.Min(300, e.ResponseBody.Length)]}")));

        Assert.Equal(XapiAssertions.For(v).Count, report.Results.Count);
        Assert.True(report.Results.Count >= 60, $"{report.Results.Count} assertions");
        var mustFailed = report.Results.Where(r => r.Outcome == Outcome.Failed && r.Assertion.Level == AssertionLevel.Must).Select(r => $"{r.Assertion.Id}: {r.Message}").ToList();
        Assert.True(mustFailed.Count == 0, "The hub fails MUST assertions of its own LRS target:\n" + string.Join("\n", mustFailed));
        var shouldFailed = report.Results.Where(r => r.Outcome == Outcome.Failed && !KnownShouldFailures.ContainsKey(r.Assertion.Id.Split('@')[0]))
            .Select(r => $"{r.Assertion.Id}: {r.Message}").ToList();
        Assert.True(shouldFailed.Count == 0, "The hub fails SHOULD assertions:\n" + string.Join("\n", shouldFailed));
        var skipped = report.Results.Where(r => r.Outcome == Outcome.Skipped).Select(r => $"{r.Assertion.Id}: {r.Message}").ToList();
        Assert.True(skipped.Count == 0, "Assertions that proved nothing on the hub:\n" + string.Join("\n", skipped));
        Assert.True(report.Summary.Conformant);
    }
}
