using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Csv;
using Koumu.Interop.Conformance.Rest;
using Koumu.Interop.Conformance.Xapi;
using Koumu.Interop.Tests.Api;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>docs/conformance.md and the README agree with the tool.</summary>
public sealed class ConformanceDocsTests
{
    private static string Root => Path.GetDirectoryName(OpenApiContractTests.OpenApiPath())!;

    [Fact]
    public void The_docs_list_every_REST_assertion_with_its_level_and_the_CSV_naming_rule()
    {
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "conformance.md"));
        Assert.Contains(ConformanceCatalogue.Markdown(RestAssertions.All), doc, StringComparison.Ordinal);
        Assert.Contains("`" + OneRosterCsvTarget.PackageAccepted + "`", doc, StringComparison.Ordinal);
        Assert.Contains("`OR-CSV-` + the rule id", doc, StringComparison.Ordinal);
        Assert.Contains(ConformanceCatalogue.Markdown(XapiAssertions.All), doc, StringComparison.Ordinal);
    }

    [Fact]
    public void The_readme_shows_a_board_the_one_command_to_check_a_vendor()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        Assert.Contains("## Check a vendor", readme, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project conformance/Koumu.Interop.Conformance.Cli -- rest", readme, StringComparison.Ordinal);
        Assert.Contains(Koumu.Interop.Conformance.Cli.ConformanceCli.SecretVariable, readme, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project conformance/Koumu.Interop.Conformance.Cli -- xapi", readme, StringComparison.Ordinal);
        Assert.Contains(Koumu.Interop.Conformance.Cli.ConformanceCli.XapiPasswordVariable, readme, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "conformance", "Koumu.Interop.Conformance.Cli", "Koumu.Interop.Conformance.Cli.csproj")));
    }
}
