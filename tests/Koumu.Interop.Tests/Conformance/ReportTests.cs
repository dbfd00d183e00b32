using System.Net;
using System.Text;
using System.Xml.Linq;
using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Reports;
using Koumu.Interop.Conformance.Rest;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>The reports a board hands to a vendor: complete, machine-readable, and never carrying a credential.</summary>
public sealed class ReportTests(ConformanceHub hub) : IClassFixture<ConformanceHub>
{
    /// <summary>Breaks token_type (so the failure's evidence is the token response itself) and leaks a user password into the data.</summary>
    private static readonly ProviderFault TokenAndPasswordFault = new("token evidence and a password in the data", "OR-REST-AUTH-001", After: async x =>
    {
        if (x.IsToken && x.Status == 200) await x.EditJsonAsync(j => j["token_type"] = "mac");
        if (x.IsOneRoster && x.Status == 200) await x.EditRecordsAsync(r => { if (r.ContainsKey("enabledUser")) r["password"] = "pupil-password-1234"; });
    });

    [Fact]
    public async Task No_report_carries_the_client_secret_an_access_token_or_a_password_even_when_they_are_the_evidence()
    {
        var options = await hub.TargetAsync();
        FaultyProvider? provider = null;
        options = options with { Handler = provider = new FaultyProvider(TokenAndPasswordFault, options.Handler!) };
        var report = await ConformanceRunner.RunAsync([new OneRosterRestTarget(options)]);

        var tokenFailure = report.Find("OR-REST-AUTH-001")!;
        Assert.Equal(Outcome.Failed, tokenFailure.Outcome);
        Assert.Contains(tokenFailure.Exchanges, e => e.ResponseBody!.Contains("access_token", StringComparison.Ordinal));

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(options.ClientId) + ":" + Uri.EscapeDataString(options.ClientSecret)));
        string[] secrets = [options.ClientSecret, basic, "pupil-password-1234", .. provider.Tokens().Select(t => t.Token)];
        Assert.True(secrets.Length >= 4, "the run obtained its tokens");
        foreach (var (name, text) in new[] { ("json", JsonReport.Write(report)), ("junit", JUnitReport.Write(report)), ("html", HtmlReport.Write(report)) })
            foreach (var secret in secrets)
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"The {name} report contains a secret ({secret[..Math.Min(6, secret.Length)]}…)");
        Assert.Contains("Basic ***", JsonReport.Write(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_JUnit_report_has_one_testcase_per_assertion_with_failures_typed_by_level()
    {
        var report = await hub.RunAsync(wrap: inner => new FaultyProvider(ProviderFaults.All.Single(f => f.Name == "filter ignored"), inner));
        var xml = XDocument.Parse(JUnitReport.Write(report));

        var cases = xml.Descendants("testcase").ToList();
        Assert.Equal(report.Results.Count, cases.Count);
        Assert.Equal(report.Results.Select(r => r.Assertion.Id), cases.Select(c => c.Attribute("name")!.Value.Split(' ')[0]));
        var failures = xml.Descendants("failure").ToList();
        Assert.Equal(report.Summary.Failed, failures.Count);
        Assert.Equal(report.Summary.Failed.ToString(System.Globalization.CultureInfo.InvariantCulture), xml.Root!.Attribute("failures")!.Value);
        Assert.All(failures, f => Assert.Contains(f.Attribute("type")!.Value, new[] { "MUST", "SHOULD" }));
        var filter = cases.Single(c => c.Attribute("name")!.Value.StartsWith("OR-REST-FILTER-001 ", StringComparison.Ordinal));
        Assert.Equal("MUST", filter.Element("failure")!.Attribute("type")!.Value);
        Assert.Equal("oneroster-rest.filter", filter.Attribute("classname")!.Value);
    }

    [Fact]
    public async Task The_JSON_report_reads_back_with_the_same_results()
    {
        var report = await hub.RunAsync(new AssertionSelection { Sections = ["paging"] });
        var read = JsonReport.Read(JsonReport.Write(report));
        Assert.Equal(report.Summary, read.Summary);
        Assert.Equal(report.Results.Select(r => (r.Assertion.Id, r.Outcome)), read.Results.Select(r => (r.Assertion.Id, r.Outcome)));
        Assert.All(read.Results, r => Assert.Equal("paging", r.Assertion.Section));
    }

    [Fact]
    public async Task Hostile_provider_text_is_encoded_in_the_HTML_report_and_huge_bodies_are_truncated()
    {
        var hostile = new ProviderFault("hostile error bodies", "OR-REST-ERR-004", After: x =>
        {
            if (x.IsOneRoster && x.Status >= 400)
                x.SetBody("<script>alert('pwned')</script><img src=x onerror=alert(1)>" + new string('x', 200_000), "text/html");
            return Task.CompletedTask;
        });
        var report = await hub.RunAsync(new AssertionSelection { Ids = ["OR-REST-ERR-004"] }, inner => new FaultyProvider(hostile, inner));
        var result = Assert.Single(report.Results);
        Assert.Equal(Outcome.Failed, result.Outcome);
        Assert.All(result.Exchanges, e => Assert.True(e.ResponseBody!.Length < 5_000, "body not truncated"));

        var html = HtmlReport.Write(report);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_HTML_report_is_Japanese_with_an_English_switch_and_no_external_assets()
    {
        var report = await hub.RunAsync(new AssertionSelection { Sections = ["filter"] },
            inner => new FaultyProvider(ProviderFaults.All.Single(f => f.Name == "filter ignored"), inner));
        var html = HtmlReport.Write(report);
        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"ja\">", html, StringComparison.Ordinal);
        Assert.Contains("不適合", html, StringComparison.Ordinal);
        Assert.Contains("Not conformant", html, StringComparison.Ordinal);
        Assert.Contains("id=\"lang-en\"", html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(RestAssertions.FilterEquals.DescriptionJa), html, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(RestAssertions.FilterEquals.Reference), html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"http", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Selection_limits_a_run_by_target_section_and_id_prefix()
    {
        var all = ConformanceCatalogue.All;
        Assert.All(all.Where(new AssertionSelection { Sections = ["paging"] }.Includes), a => Assert.Equal("paging", a.Section));
        Assert.Equal(8, all.Count(new AssertionSelection { Ids = ["or-rest-page-*"] }.Includes));
        Assert.Single(all, new AssertionSelection { Ids = ["OR-REST-FILTER-001"] }.Includes);
        Assert.DoesNotContain(all, new AssertionSelection { Targets = [ConformanceTargets.OneRosterCsv], Sections = ["paging"] }.Includes);
        Assert.Equal(RestAssertions.All.Count, all.Count(new AssertionSelection { Targets = [ConformanceTargets.OneRosterRest] }.Includes));
        Assert.Equal(all.Count, all.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public void Every_assertion_has_an_id_section_level_source_and_descriptions_in_both_languages()
    {
        Assert.All(ConformanceCatalogue.All, a =>
        {
            Assert.Matches("^(OR-(REST|JP|CSV)|XAPI)-", a.Id);
            Assert.DoesNotContain("@", a.Id, StringComparison.Ordinal); // '@' separates the xAPI version in a run's ids
            Assert.False(string.IsNullOrWhiteSpace(a.Section));
            Assert.False(string.IsNullOrWhiteSpace(a.Reference));
            Assert.False(string.IsNullOrWhiteSpace(a.DescriptionEn));
            Assert.Matches("[\\p{IsHiragana}\\p{IsKatakana}\\p{IsCJKUnifiedIdeographs}]", a.DescriptionJa);
        });
        Assert.Equal(ConformanceCatalogue.All.Count, ConformanceCatalogue.All.Select(a => a.Id).Distinct().Count());
    }

    [Theory]
    [InlineData("{\"access_token\":\"abc.def.ghi\",\"token_type\":\"Bearer\"}", "abc.def.ghi")]
    [InlineData("{\"password\" : \"s3cr3t-pass\"}", "s3cr3t-pass")]
    [InlineData("grant_type=client_credentials&client_secret=very-secret-value&scope=x", "very-secret-value")]
    [InlineData("https://h/x?access_token=tok-in-url-123", "tok-in-url-123")]
    public void The_redactor_masks_credentials_it_was_never_told_about(string text, string secret)
    {
        var masked = new Redactor().Text(text);
        Assert.DoesNotContain(secret, masked, StringComparison.Ordinal);
        Assert.Contains(Redactor.Mask, masked, StringComparison.Ordinal);
    }

    [Fact]
    public void The_redactor_masks_registered_secrets_also_url_encoded_and_credentials_headers()
    {
        var redactor = new Redactor();
        redactor.Add("p@ss word+1");
        Assert.Equal("a *** b ***", redactor.Text("a p@ss word+1 b " + Uri.EscapeDataString("p@ss word+1")));
        Assert.Equal("Bearer ***", redactor.Header("Authorization", "Bearer eyJhbGciOi"));
        Assert.Equal("***", redactor.Header("Cookie", "session=1"));
        redactor.Add("ab");
        Assert.Equal("about", redactor.Text("about"));
    }
}
