using System.Text.RegularExpressions;

namespace Koumu.Interop.Tests.Api;

/// <summary>The README's two commands and its curl walkthrough agree with openapi.yaml and with CI.</summary>
public sealed partial class ReadmeContractTests
{
    private static string Root => Path.GetDirectoryName(OpenApiContractTests.OpenApiPath())!;

    private static string Readme => File.ReadAllText(Path.Combine(Root, "README.md"));

    [Fact]
    public void Readme_gives_the_run_and_test_commands_and_ci_runs_the_same_test_command()
    {
        Assert.Contains("dotnet run --project api/Koumu.Interop.Api", Readme, StringComparison.Ordinal);
        Assert.Contains("dotnet test Koumu.Interop.sln", Readme, StringComparison.Ordinal);
        var ci = File.ReadAllText(Path.Combine(Root, ".ci", "run"));
        Assert.Contains("dotnet test Koumu.Interop.sln", ci, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_curl_call_in_the_readme_is_a_documented_route_and_method()
    {
        var yaml = OpenApiContractTests.Yaml.Load(OpenApiContractTests.OpenApiPath());
        var documented = yaml.Keys("paths")
            .SelectMany(path => yaml.Keys("paths", path).Where(m => m is "get" or "post" or "put" or "delete" or "patch")
                .Select(m => (Template: new Regex("^" + Regex.Replace(Regex.Escape(path), @"\\\{[^}]+}", "[^/]+") + "$"), Method: m.ToUpperInvariant())))
            .ToList();

        var calls = CurlCall().Matches(Readme).Select(m =>
        {
            var line = m.Value;
            // curl: -X wins; -G turns data into a query string (GET); otherwise data means POST.
            var method = Method().Match(line) is { Success: true } x ? x.Groups[1].Value
                : line.Contains(" -G ", StringComparison.Ordinal) ? "GET"
                : line.Contains(" -d ", StringComparison.Ordinal) || line.Contains("--data", StringComparison.Ordinal) ? "POST" : "GET";
            var path = Url().Match(line).Groups[1].Value.Split('?')[0].Replace("$JOB", "00000000-0000-0000-0000-000000000000", StringComparison.Ordinal);
            return (Method: method, Path: path, Line: line);
        }).ToList();

        Assert.True(calls.Count >= 5, "the walkthrough should show the token, import, job, problems and export calls");
        foreach (var call in calls)
            Assert.True(documented.Any(d => d.Method == call.Method && d.Template.IsMatch(call.Path)),
                $"README calls {call.Method} {call.Path}, which openapi.yaml does not document:\n{call.Line}");
    }

    // A curl command line (with its continuation lines' first line) that calls the hub.
    [GeneratedRegex(@"curl [^\n]*\$HUB[^\n]*(\n\s+-[-a-zA-Z][^\n]*)*")]
    private static partial Regex CurlCall();

    [GeneratedRegex(@"-X ([A-Z]+)")]
    private static partial Regex Method();

    [GeneratedRegex(@"""?\$HUB(/[^""\s]*)")]
    private static partial Regex Url();
}
