using System.Buffers.Binary;
using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Reports;
using Microsoft.Playwright;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>
/// Issue #7 "Done when": the HTML report renders in headless Chromium and shows the failures of a broken provider.
/// The system Chromium (Debian package, installed by .ci/run) is driven by Playwright; no browser is ever downloaded.
/// </summary>
public sealed class HtmlReportScreenshotTests(ConformanceHub hub) : IClassFixture<ConformanceHub>, IDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _folder = Directory.CreateTempSubdirectory("koumu-conf-html-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Chromium, or a skip (locally) / failure (CI=true), as the PostgreSQL fixture does: a skipped browser test in CI proves nothing.</summary>
    internal static void RequireChromium()
    {
        if (File.Exists(ChromiumPath)) return;
        var message = $"Chromium is not installed at {ChromiumPath} (apt-get install chromium)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(message + ": it is required in CI.");
        Skip.If(true, message);
    }

    [SkippableFact]
    public async Task The_report_of_a_broken_provider_renders_in_headless_Chromium_showing_its_failures_in_Japanese_and_English()
    {
        RequireChromium();
        var fault = ProviderFaults.All.Single(f => f.Name == "filter ignored");
        var report = await hub.RunAsync(new AssertionSelection { Sections = ["filter", "errors"] }, inner => new FaultyProvider(fault, inner));
        Assert.Equal(Outcome.Failed, report.Find("OR-REST-FILTER-001")!.Outcome);
        var file = Path.Combine(_folder, "report.html");
        await File.WriteAllTextAsync(file, HtmlReport.Write(report));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(Path.Combine(_folder, "profile"), new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            Locale = "ja-JP",
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        // The report must need nothing from the network: any request other than the file itself is a defect.
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        await page.GotoAsync(new Uri(file).AbsoluteUri);

        Assert.Equal("不適合", (await page.Locator("#verdict .ja").InnerTextAsync())[..3]);
        var failure = page.Locator("section.result.failed#OR-REST-FILTER-001");
        Assert.True(await failure.IsVisibleAsync(), "the failed assertion is not shown");
        var text = await failure.InnerTextAsync();
        Assert.Contains("不合格", text, StringComparison.Ordinal);
        Assert.Contains("OAS-R parameter filter", text, StringComparison.Ordinal);
        Assert.Contains("filter=", text, StringComparison.Ordinal);
        Assert.Contains("HTTP 200", text, StringComparison.Ordinal);
        Assert.False(await page.Locator("#verdict .en").IsVisibleAsync());

        var shot = Path.Combine(_folder, "report-ja.png");
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true, Path = shot });
        // Set KOUMU_TEST_ARTIFACTS to a folder to keep the report and the screenshot for a look.
        if (Environment.GetEnvironmentVariable("KOUMU_TEST_ARTIFACTS") is { Length: > 0 } artifacts)
        {
            Directory.CreateDirectory(artifacts);
            File.Copy(shot, Path.Combine(artifacts, "conformance-report-ja.png"), overwrite: true);
            File.Copy(file, Path.Combine(artifacts, "conformance-report.html"), overwrite: true);
        }
        AssertNonTrivialPng(png, minWidth: 1000, minHeight: 1500);
        var section = await failure.ScreenshotAsync();
        AssertNonTrivialPng(section, minWidth: 600, minHeight: 150);

        await page.Locator("label[for=lang-en]").ClickAsync();
        Assert.True(await page.Locator("#verdict .en").IsVisibleAsync());
        Assert.False(await page.Locator("#verdict .ja").IsVisibleAsync());
        Assert.StartsWith("Not conformant", await page.Locator("#verdict .en").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("FAIL", await failure.InnerTextAsync(), StringComparison.Ordinal);

        Assert.All(requests, url => Assert.StartsWith("file://", url, StringComparison.Ordinal));
    }

    /// <summary>A PNG of at least the given size (IHDR) whose compressed data is not that of a blank page.</summary>
    internal static void AssertNonTrivialPng(byte[] png, int minWidth, int minHeight)
    {
        Assert.True(png.Length > 24 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "not a PNG");
        var width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4));
        var height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4));
        Assert.True(width >= minWidth && height >= minHeight, $"screenshot {width}x{height}, expected at least {minWidth}x{minHeight}");
        // A blank white page of this size compresses to a few kilobytes; text, tables and badges do not.
        Assert.True(png.Length > width * height / 200, $"screenshot of {png.Length} bytes for {width}x{height}: nearly blank");
    }
}

/// <summary>
/// The same for the xAPI LRS target: the report of an LRS that accepts an invalid Statement shows, in Chromium, the
/// failed assertion with its spec section, the Statement POSTed and the LRS's 200 that proves it.
/// </summary>
public sealed class XapiHtmlReportTests(XapiConformanceHub hub) : IClassFixture<XapiConformanceHub>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("koumu-conf-xapi-html-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public async Task The_report_of_a_broken_LRS_shows_the_accepted_invalid_Statement_with_its_request_response_and_spec_text()
    {
        HtmlReportScreenshotTests.RequireChromium();
        var fault = LrsFaults.All.Single(f => f.Name == "Agent with two IFIs accepted");
        var report = await hub.RunAsync(fault.Version, new AssertionSelection { Sections = ["validation", "about"] }, inner => new FaultyProvider(fault.Fault, inner));
        Assert.Equal(Outcome.Failed, report.Find("XAPI-VAL-IFI-001@1.0.3")!.Outcome);
        var file = Path.Combine(_folder, "report.html");
        await File.WriteAllTextAsync(file, HtmlReport.Write(report));

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchPersistentContextAsync(Path.Combine(_folder, "profile"), new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = HtmlReportScreenshotTests.ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            ViewportSize = new ViewportSize { Width = 1200, Height = 900 },
            Locale = "ja-JP",
        });
        var page = browser.Pages.Count > 0 ? browser.Pages[0] : await browser.NewPageAsync();
        await page.GotoAsync(new Uri(file).AbsoluteUri);

        Assert.Equal("不適合", (await page.Locator("#verdict .ja").InnerTextAsync())[..3]);
        // The id carries the version; an attribute selector, since '@' and '.' are not plain CSS id characters.
        var failure = page.Locator("section.result.failed[id='XAPI-VAL-IFI-001@1.0.3']");
        Assert.True(await failure.IsVisibleAsync(), "the failed xAPI assertion is not shown");
        var text = await failure.InnerTextAsync();
        Assert.Contains("D §2.4.2.1", text, StringComparison.Ordinal);
        Assert.Contains("IFI を2つ持つ Agent", text, StringComparison.Ordinal);
        Assert.Contains("https://openid.example/conformance", text, StringComparison.Ordinal);
        Assert.Contains("HTTP 200", text, StringComparison.Ordinal);
        Assert.Contains("POST", text, StringComparison.Ordinal);
        // Passed assertions of the same run are listed, not shown as failures.
        Assert.Equal(0, await page.Locator("section.result.failed[id='XAPI-ABOUT-001@1.0.3']").CountAsync());
        HtmlReportScreenshotTests.AssertNonTrivialPng(await failure.ScreenshotAsync(), minWidth: 600, minHeight: 150);
        // The Basic password is nowhere in the report.
        var (_, secret) = await hub.CredentialAsync();
        Assert.DoesNotContain(secret, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }
}
