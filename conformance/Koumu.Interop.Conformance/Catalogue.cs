using System.Text;
using Koumu.Interop.Conformance.Csv;
using Koumu.Interop.Conformance.Rest;
using Koumu.Interop.Conformance.Xapi;

namespace Koumu.Interop.Conformance;

/// <summary>Every assertion of every target, for listings and documentation (docs/conformance.md is checked against it).</summary>
public static class ConformanceCatalogue
{
    public static IReadOnlyList<AssertionDefinition> All { get; } = [.. RestAssertions.All, .. OneRosterCsvTarget.Catalogue, .. XapiAssertions.All];

    /// <summary>A Markdown table: id, section, level, requirement in English and Japanese, source.</summary>
    public static string Markdown(IEnumerable<AssertionDefinition> assertions)
    {
        ArgumentNullException.ThrowIfNull(assertions);
        var md = new StringBuilder();
        md.Append("| id | section | level | requirement | 要件 | source |\n|---|---|---|---|---|---|\n");
        foreach (var a in assertions)
            md.Append("| `").Append(a.Id).Append("` | ").Append(a.Section).Append(" | ").Append(a.Level.ToString().ToUpperInvariant()).Append(" | ")
                .Append(Cell(a.DescriptionEn)).Append(" | ").Append(Cell(a.DescriptionJa)).Append(" | ").Append(Cell(a.Reference)).Append(" |\n");
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
