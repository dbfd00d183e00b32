using System.Text.Json;
using System.Xml.Linq;
using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Cli;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Tests.TestSupport;

namespace Koumu.Interop.Tests.Conformance;

/// <summary><c>koumu-conformance</c> run in-process as a shell would run it: arguments in, text and exit code out.</summary>
public sealed class ConformanceCliTests(ConformanceHub hub) : IClassFixture<ConformanceHub>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("koumu-conf-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<(int Code, string Out, string Err)> RunAsync(IReadOnlyList<string> args, HttpMessageHandler? handler = null, string? secret = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var cli = new ConformanceCli(output, error)
        {
            Handler = handler,
            Environment = name => name == ConformanceCli.SecretVariable ? secret : null,
        };
        var code = await cli.RunAsync(args);
        return (code, output.ToString(), error.ToString());
    }

    private async Task<(string[] Args, string Secret)> RestArgsAsync(params string[] extra)
    {
        var options = await hub.TargetAsync();
        return ([
            "rest", "--base-url", ConformanceHub.Base, "--token-url", ConformanceHub.TokenUrl, "--client-id", options.ClientId,
            "--profile", "jp", .. extra,
        ], options.ClientSecret);
    }

    [Fact]
    public async Task One_command_checks_the_hub_exits_0_and_writes_the_JSON_JUnit_and_HTML_reports()
    {
        var (args, secret) = await RestArgsAsync("--json", Path.Combine(_folder, "r.json"), "--junit", Path.Combine(_folder, "r.xml"), "--html", Path.Combine(_folder, "r.html"));
        var (code, output, error) = await RunAsync(args, hub.Server.CreateHandler(), secret);

        Assert.True(code == ExitCodes.Conformant, output + error);
        Assert.Contains("CONFORMANT", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_folder, "r.json")));
        Assert.True(json.RootElement.GetProperty("summary").GetProperty("conformant").GetBoolean());
        Assert.Equal(0, json.RootElement.GetProperty("summary").GetProperty("mustFailed").GetInt32());
        Assert.NotEmpty(XDocument.Load(Path.Combine(_folder, "r.xml")).Descendants("testcase"));
        var html = await File.ReadAllTextAsync(Path.Combine(_folder, "r.html"));
        Assert.Contains("適合", html, StringComparison.Ordinal);
        foreach (var file in Directory.GetFiles(_folder))
            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_provider_exits_1_and_the_summary_lists_the_failed_assertion()
    {
        var (args, secret) = await RestArgsAsync("--section", "filter");
        var fault = ProviderFaults.All.Single(f => f.Name == "filter ignored");
        var (code, output, _) = await RunAsync(args, new FaultyProvider(fault, hub.Server.CreateHandler()), secret);
        Assert.Equal(ExitCodes.NotConformant, code);
        Assert.Contains("NOT CONFORMANT", output, StringComparison.Ordinal);
        Assert.Contains("OR-REST-FILTER-001", output, StringComparison.Ordinal);
        Assert.DoesNotContain("OR-REST-PAGE-", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_secret_is_read_from_the_environment_and_without_one_the_run_is_a_usage_error()
    {
        var (args, secret) = await RestArgsAsync("--id", "OR-REST-AUTH-001");
        var (code, _, _) = await RunAsync(args, hub.Server.CreateHandler(), secret);
        Assert.Equal(ExitCodes.Conformant, code);

        var (missing, _, error) = await RunAsync(args, hub.Server.CreateHandler(), secret: null);
        Assert.Equal(ExitCodes.Usage, missing);
        Assert.Contains(ConformanceCli.SecretVariable, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rest", "--base-url", "not a url", "--token-url", "https://x/token", "--client-id", "c", "--client-secret", "s")]
    [InlineData("rest", "--base-url", "file:///etc/passwd", "--token-url", "https://x/token", "--client-id", "c", "--client-secret", "s")]
    [InlineData("rest", "--base-url", "https://x/r", "--token-url", "https://x/token", "--client-id", "c", "--client-secret", "s", "--id", "NO-SUCH-ID")]
    [InlineData("rest", "--base-url", "https://x/r", "--token-url", "https://x/token", "--client-id", "c", "--client-secret", "s", "--oas", "/no/such/file.json")]
    [InlineData("rest", "--base-url", "https://x/r")]
    [InlineData("csv", "/no/such/package.zip", "--profile", "jp-1.2.1")]
    [InlineData("csv", ".", "--profile", "no-such-profile")]
    [InlineData("frobnicate")]
    public async Task Wrong_usage_exits_2_with_a_message(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task Csv_exits_0_for_a_valid_package_and_1_for_a_broken_one()
    {
        DemoGenerator.Write(DemoOptions.Demo with { Pupils = 12 }, _folder);
        var (ok, output, _) = await RunAsync(["csv", _folder, "--profile", "jp-1.2.1", "--junit", Path.Combine(_folder, "..", Path.GetFileName(_folder) + ".xml")]);
        File.Delete(Path.Combine(_folder, "..", Path.GetFileName(_folder) + ".xml"));
        Assert.True(ok == ExitCodes.Conformant, output);

        var broken = SamplePackages.Rostering().File("orgs", "bulk", SamplePackages.OrgsHeader, "o1,,,Board,nation,,").WriteZip();
        try
        {
            var (code, text, _) = await RunAsync(["csv", broken, "--profile", "oneroster-1.2"]);
            Assert.Equal(ExitCodes.NotConformant, code);
            Assert.Contains("OR-CSV-type.enumeration", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(broken);
        }
    }

    [Fact]
    public async Task List_prints_the_whole_catalogue_and_markdown_for_the_docs()
    {
        var (code, text, _) = await RunAsync(["list"]);
        Assert.Equal(0, code);
        Assert.Equal(ConformanceCatalogue.All.Count, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        var (_, markdown, _) = await RunAsync(["list", "--target", "oneroster-rest", "--format", "markdown"]);
        Assert.All(Koumu.Interop.Conformance.Rest.RestAssertions.All, a => Assert.Contains("`" + a.Id + "`", markdown, StringComparison.Ordinal));
        Assert.DoesNotContain("OR-CSV-", markdown, StringComparison.Ordinal);
    }
}
