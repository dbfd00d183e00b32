using System.Net;
using System.Text;
using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Rest;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>
/// The tool against providers that answer nonsense: it must finish, record one result per assertion and fail (never
/// pass, never crash) — a board runs it against systems that are broken in ways nobody planned for.
/// </summary>
public sealed class HostileProviderTests(ConformanceHub hub) : IClassFixture<ConformanceHub>
{
    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }

    private static RestTargetOptions Options(HttpMessageHandler handler) => new()
    {
        BaseUrl = new Uri("https://vendor.invalid/ims/oneroster/rostering/v1p2"),
        TokenUrl = new Uri("https://vendor.invalid/token"),
        ClientId = "board",
        ClientSecret = "board-secret-value",
        JapanProfile = true,
        Handler = handler,
    };

    private static HttpResponseMessage Text(HttpStatusCode status, string body, string type = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, type) };

    [Fact]
    public async Task An_unreachable_provider_fails_the_token_assertion_and_skips_the_rest_with_the_reason()
    {
        var report = await ConformanceRunner.RunAsync([new OneRosterRestTarget(Options(new Answering(_ => throw new HttpRequestException("Connection refused"))))]);
        Assert.Equal(RestAssertions.All.Count, report.Results.Count);
        Assert.Equal(Outcome.Failed, report.Find("OR-REST-AUTH-001")!.Outcome);
        Assert.Contains("no response", report.Find("OR-REST-AUTH-001")!.Message!, StringComparison.Ordinal);
        Assert.False(report.Summary.Conformant);
        Assert.DoesNotContain(report.Results, r => r.Outcome == Outcome.Passed);
    }

    [Fact]
    public async Task A_provider_answering_garbage_everywhere_fails_without_crashing_the_tool()
    {
        var handler = new Answering(request => request.RequestUri!.AbsolutePath.EndsWith("/token", StringComparison.Ordinal)
            ? Text(HttpStatusCode.OK, "{\"access_token\":\"tok-abcdef\",\"token_type\":\"Bearer\"}")
            : Text(HttpStatusCode.OK, "<html><body>maintenance \u0000 \uD800</body></html>", "text/html"));
        var report = await ConformanceRunner.RunAsync([new OneRosterRestTarget(Options(handler))]);

        Assert.Equal(RestAssertions.All.Count, report.Results.Count);
        Assert.False(report.Summary.Conformant);
        Assert.DoesNotContain(report.Results, r => r.Message?.Contains("tool defect", StringComparison.Ordinal) == true);
        foreach (var id in new[] { "OR-REST-AUTH-002", "OR-REST-CT-001", "OR-REST-SCHEMA-001", "OR-REST-ERR-002" })
            Assert.Equal(Outcome.Failed, report.Find(id)!.Outcome);
        // The reports still render (control characters and lone surrogates from the provider included).
        Assert.NotEmpty(Koumu.Interop.Conformance.Reports.JUnitReport.Write(report));
        Assert.NotEmpty(Koumu.Interop.Conformance.Reports.HtmlReport.Write(report));
    }

    [Fact]
    public async Task A_provider_answering_wrong_JSON_shapes_fails_without_crashing_the_tool()
    {
        var handler = new Answering(request => request.RequestUri!.AbsolutePath.EndsWith("/token", StringComparison.Ordinal)
            ? Text(HttpStatusCode.OK, "{\"access_token\":\"tok-abcdef\",\"token_type\":\"Bearer\"}")
            : Text(HttpStatusCode.OK, "{\"users\":[1,\"x\",null,{\"sourcedId\":5}],\"orgs\":{\"a\":[]},\"classes\":[[]],\"enrollments\":\"no\"}"));
        var report = await ConformanceRunner.RunAsync([new OneRosterRestTarget(Options(handler))]);
        Assert.Equal(RestAssertions.All.Count, report.Results.Count);
        Assert.False(report.Summary.Conformant);
        Assert.Equal(Outcome.Failed, report.Find("OR-REST-SCHEMA-001")!.Outcome);
    }

    [Fact]
    public async Task A_provider_whose_hrefs_and_links_point_elsewhere_never_receives_the_token_there()
    {
        var seen = new List<string>();
        var fault = new ProviderFault("foreign links", "OR-REST-REF-002", After: async x =>
        {
            if (x.IsOneRoster && x.Status == 200)
            {
                await x.EditJsonAsync(j => { foreach (var o in FaultyProvider.Objects(j)) if (o["href"] is not null) o["href"] = "https://attacker.example/collect"; });
                if (x.Header("Link") is { } link) x.SetHeader("Link", link.Replace("https://localhost", "https://attacker.example", StringComparison.Ordinal));
            }
        });
        var report = await hub.RunAsync(new AssertionSelection { Sections = ["contract", "paging"] }, inner =>
            new Recording(seen, new FaultyProvider(fault, inner)));
        Assert.DoesNotContain(seen, url => url.Contains("attacker.example", StringComparison.Ordinal));
        Assert.Equal(Outcome.Failed, report.Find("OR-REST-REF-002")!.Outcome);
        Assert.Equal(Outcome.Failed, report.Find("OR-REST-PAGE-007")!.Outcome);
    }

    private sealed class Recording(List<string> seen, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            seen.Add(request.RequestUri!.ToString());
            return base.SendAsync(request, cancellationToken);
        }
    }
}
