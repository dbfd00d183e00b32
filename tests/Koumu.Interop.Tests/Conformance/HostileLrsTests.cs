using System.Net;
using System.Text;
using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Xapi;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>LRSs that answer nonsense (or nothing) never crash the tool and never look conformant.</summary>
public sealed class HostileLrsTests
{
    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }

    private static async Task<ConformanceReport> RunAsync(HttpMessageHandler handler, XapiVersion version = XapiVersion.V103) =>
        await ConformanceRunner.RunAsync([new XapiLrsTarget(new XapiTargetOptions
        {
            Endpoint = new Uri("https://lrs.invalid/xapi/"),
            Username = "board",
            Password = "hostile-test-password",
            Version = version,
            Handler = handler,
            Timeout = TimeSpan.FromSeconds(5),
        })]);

    [Fact]
    public async Task An_unreachable_LRS_passes_nothing_and_every_assertion_has_a_result()
    {
        var report = await RunAsync(new Answering(_ => throw new HttpRequestException("Connection refused")));
        Assert.Equal(XapiAssertions.For(XapiVersion.V103).Count, report.Results.Count);
        Assert.DoesNotContain(report.Results, r => r.Outcome == Outcome.Passed);
        Assert.DoesNotContain(report.Results, r => r.Message?.Contains("Not evaluated", StringComparison.Ordinal) == true);
        Assert.False(report.Summary.Conformant);
    }

    [Theory]
    [InlineData("<html>gateway</html>", "text/html")]
    [InlineData("{\"statements\":\"nope\",\"more\":42}", "application/json")]
    [InlineData("[1,2,3]", "application/json")]
    [InlineData("null", "application/json")]
    public async Task An_LRS_answering_200_garbage_to_everything_is_not_conformant_and_the_run_completes(string body, string mediaType)
    {
        var report = await RunAsync(new Answering(r => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, mediaType), RequestMessage = r }),
            XapiVersion.V200);
        Assert.Equal(XapiAssertions.For(XapiVersion.V200).Count, report.Results.Count);
        Assert.False(report.Summary.Conformant);
        // Only assertions whose whole requirement is "answer 200" can pass against an LRS that answers 200 to everything.
        var passed = report.Results.Where(r => r.Outcome == Outcome.Passed).Select(r => r.Assertion.Id.Split('@')[0]).ToList();
        Assert.All(passed, id => Assert.Contains(id, new[] { "XAPI-ABOUT-002", "XAPI-ABOUT-003", "XAPI-VER-004", "XAPI-VAL-ACCEPT-001", "XAPI-ATTACH-003" }));
        Assert.All(report.Results.SelectMany(r => r.Exchanges), e => Assert.DoesNotContain("hostile-test-password", e.RequestHeaders.Concat([e.Url, e.RequestBody ?? ""]).Aggregate("", string.Concat), StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_oversized_response_body_is_truncated_in_the_report()
    {
        var huge = new string('x', 2_000_000);
        var report = await RunAsync(new Answering(r => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(huge), RequestMessage = r }));
        Assert.All(report.Results.SelectMany(r => r.Exchanges), e => Assert.True((e.ResponseBody?.Length ?? 0) < 5_000));
    }
}
