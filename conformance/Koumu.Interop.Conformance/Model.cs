using System.Text.Json.Serialization;

namespace Koumu.Interop.Conformance;

/// <summary>RFC 2119 level of the requirement an assertion checks: a MUST failure makes the run fail, a SHOULD one is reported only.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AssertionLevel>))]
public enum AssertionLevel
{
    Must,
    Should,
}

/// <summary>The kinds of system the tool checks (issue #7 §1).</summary>
public static class ConformanceTargets
{
    public const string OneRosterRest = "oneroster-rest";
    public const string OneRosterCsv = "oneroster-csv";
    public const string XapiLrs = "xapi-lrs";
}

/// <summary>
/// One assertion of the catalogue. <see cref="Id"/> never changes once published (boards and vendors script against
/// it); <see cref="Section"/> is the short key a run can be limited to (<c>paging</c>, <c>filter</c>, …);
/// <see cref="Reference"/> cites where the requirement comes from; the descriptions state the requirement itself.
/// </summary>
public sealed record AssertionDefinition(
    string Id,
    string Target,
    string Section,
    AssertionLevel Level,
    string Reference,
    string DescriptionEn,
    string DescriptionJa);

[JsonConverter(typeof(JsonStringEnumConverter<Outcome>))]
public enum Outcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>
/// One HTTP request and its response as shown in a report: secrets already redacted (<see cref="Redactor"/>), bodies
/// truncated. A report is sent to vendors, so nothing in it may let its reader call the provider.
/// </summary>
public sealed record HttpExchange(
    string Method,
    string Url,
    IReadOnlyList<string> RequestHeaders,
    string? RequestBody,
    int? Status,
    IReadOnlyList<string> ResponseHeaders,
    string? ResponseBody,
    string? Error);

/// <summary>The outcome of one assertion, with what shows it: a message, details (schema errors, CSV problems) and the exchanges.</summary>
public sealed record AssertionResult(
    AssertionDefinition Assertion,
    Outcome Outcome,
    string? Message = null,
    IReadOnlyList<string>? Details = null,
    IReadOnlyList<HttpExchange>? Exchanges = null)
{
    public IReadOnlyList<string> Details { get; init; } = Details ?? [];

    public IReadOnlyList<HttpExchange> Exchanges { get; init; } = Exchanges ?? [];
}

/// <summary>What was tested: a target kind and where (URL or package path), never a credential.</summary>
public sealed record TestedTarget(string Target, string Location, IReadOnlyDictionary<string, string> Settings);

public sealed record ConformanceSummary(int Total, int Passed, int Failed, int Skipped, int MustFailed, int ShouldFailed)
{
    /// <summary>Conformant: no MUST failed (SHOULD failures and skips are reported but do not fail the run).</summary>
    public bool Conformant => MustFailed == 0;
}

/// <summary>A finished run: every selected assertion has exactly one result, in catalogue order.</summary>
public sealed record ConformanceReport(
    string ToolVersion,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    IReadOnlyList<TestedTarget> Targets,
    IReadOnlyList<AssertionResult> Results)
{
    public ConformanceSummary Summary => new(
        Results.Count,
        Results.Count(r => r.Outcome == Outcome.Passed),
        Results.Count(r => r.Outcome == Outcome.Failed),
        Results.Count(r => r.Outcome == Outcome.Skipped),
        Results.Count(r => r.Outcome == Outcome.Failed && r.Assertion.Level == AssertionLevel.Must),
        Results.Count(r => r.Outcome == Outcome.Failed && r.Assertion.Level == AssertionLevel.Should));

    public AssertionResult? Find(string id) => Results.FirstOrDefault(r => r.Assertion.Id == id);
}
