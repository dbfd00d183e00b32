using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace Koumu.Interop.Conformance.Reports;

/// <summary>The report as JSON: the whole <see cref="ConformanceReport"/> plus its summary, for scripts and archives.</summary>
public static class JsonReport
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Read by people and scripts, never embedded in HTML: keep Japanese readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.Serialize(new { report.ToolVersion, report.StartedAt, report.FinishedAt, report.Summary, report.Targets, report.Results }, Options);
    }

    public static ConformanceReportDocument Read(string json) =>
        JsonSerializer.Deserialize<ConformanceReportDocument>(json, Options) ?? throw new JsonException("Empty report.");
}

/// <summary>The JSON report read back (tests and tools that post-process a report).</summary>
public sealed record ConformanceReportDocument(
    string ToolVersion, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, ConformanceSummary Summary,
    IReadOnlyList<TestedTarget> Targets, IReadOnlyList<AssertionResult> Results);

/// <summary>
/// JUnit XML for vendors' CI: one testsuite per target, one testcase per assertion (classname = target.section,
/// name = id and description). A failed MUST and a failed SHOULD are both &lt;failure&gt;, typed by level so a CI can
/// tell them apart; skipped assertions are &lt;skipped&gt; with their reason.
/// </summary>
public static class JUnitReport
{
    public static string Write(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var builder = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using (var xml = XmlWriter.Create(new StringWriterUtf8(builder), settings))
        {
            var seconds = (report.FinishedAt - report.StartedAt).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            var summary = report.Summary;
            xml.WriteStartElement("testsuites");
            xml.WriteAttributeString("name", "koumu-conformance");
            xml.WriteAttributeString("tests", summary.Total.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("failures", summary.Failed.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("skipped", summary.Skipped.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("time", seconds);
            foreach (var group in report.Results.GroupBy(r => r.Assertion.Target))
            {
                var target = report.Targets.FirstOrDefault(t => t.Target == group.Key);
                xml.WriteStartElement("testsuite");
                xml.WriteAttributeString("name", group.Key);
                xml.WriteAttributeString("tests", group.Count().ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("failures", group.Count(r => r.Outcome == Outcome.Failed).ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("skipped", group.Count(r => r.Outcome == Outcome.Skipped).ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("timestamp", report.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
                if (target is not null)
                {
                    xml.WriteStartElement("properties");
                    Property(xml, "location", target.Location);
                    foreach (var (key, value) in target.Settings) Property(xml, key, value);
                    xml.WriteEndElement();
                }
                foreach (var result in group)
                {
                    var a = result.Assertion;
                    xml.WriteStartElement("testcase");
                    xml.WriteAttributeString("classname", $"{a.Target}.{a.Section}");
                    xml.WriteAttributeString("name", $"{a.Id} [{a.Level.ToString().ToUpperInvariant()}] {a.DescriptionEn}");
                    if (result.Outcome == Outcome.Failed)
                    {
                        xml.WriteStartElement("failure");
                        xml.WriteAttributeString("type", a.Level.ToString().ToUpperInvariant());
                        xml.WriteAttributeString("message", Clean(result.Message ?? "failed"));
                        xml.WriteString(Clean(Body(result)));
                        xml.WriteEndElement();
                    }
                    else if (result.Outcome == Outcome.Skipped)
                    {
                        xml.WriteStartElement("skipped");
                        xml.WriteAttributeString("message", Clean(result.Message ?? "skipped"));
                        xml.WriteEndElement();
                    }
                    else if (result.Message is not null)
                    {
                        xml.WriteElementString("system-out", Clean(result.Message));
                    }
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return builder.ToString();
    }

    private static void Property(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", Clean(value));
        xml.WriteEndElement();
    }

    private static string Body(AssertionResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(result.Assertion.Reference);
        foreach (var d in result.Details) text.AppendLine(d);
        foreach (var e in result.Exchanges)
        {
            text.AppendLine().Append(e.Method).Append(' ').AppendLine(e.Url);
            text.AppendLine(e.Status is { } s ? "→ " + s.ToString(CultureInfo.InvariantCulture) : "→ " + e.Error);
            if (e.ResponseBody is { Length: > 0 } body) text.AppendLine(body);
        }
        return text.ToString();
    }

    /// <summary>XML 1.0 cannot carry most control characters (a provider's body may contain them): drop them.</summary>
    internal static string Clean(string text)
    {
        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) clean.Append(c).Append(text[++i]);
            else if (c is '\t' or '\n' or '\r' || (c >= ' ' && !char.IsSurrogate(c) && c is not ('\uFFFE' or '\uFFFF'))) clean.Append(c);
        }
        return clean.ToString();
    }

    private sealed class StringWriterUtf8(StringBuilder builder) : StringWriter(builder, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}
