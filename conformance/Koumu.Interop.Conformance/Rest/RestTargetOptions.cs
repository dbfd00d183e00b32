namespace Koumu.Interop.Conformance.Rest;

/// <summary>How the client authenticates at the token endpoint (RFC 6749 §2.3.1): HTTP Basic (the 1EdTech Security Framework's form) or form fields.</summary>
public enum TokenClientAuthentication
{
    Basic,
    Post,
}

/// <summary>Where and how to reach a OneRoster 1.2 REST provider (issue #7 §1, target one).</summary>
public sealed record RestTargetOptions
{
    public const string RosterCoreReadonly = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-core.readonly";
    public const string RosterReadonly = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly";
    public const string RosterDemographicsReadonly = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster-demographics.readonly";
    public const string ResourceReadonly = "https://purl.imsglobal.org/spec/or/v1p2/scope/resource.readonly";
    public const string GradebookReadonly = "https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly";
    public const string AssessmentReadonly = "https://purl.imsglobal.org/spec/or/v1p2/scope/assessment.readonly";

    /// <summary>The Rostering service base, e.g. <c>https://vendor.example/ims/oneroster/rostering/v1p2</c> (OAS-R <c>servers</c>).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The Resources service base; null derives it from <see cref="BaseUrl"/> when that ends in the standard path, else skips it.</summary>
    public Uri? ResourcesUrl { get; init; }

    /// <summary>The Gradebook service base (reads only); null derives it like <see cref="ResourcesUrl"/>.</summary>
    public Uri? GradebookUrl { get; init; }

    /// <summary>Test the Resources and Gradebook read collections too (their schemas, X-Total-Count).</summary>
    public bool IncludeResources { get; init; } = true;

    public bool IncludeGradebook { get; init; } = true;

    /// <summary>OAuth 2.0 token endpoint (client credentials grant, 1EdTech Security Framework 1.1).</summary>
    public required Uri TokenUrl { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Never written to a report (<see cref="Redactor"/>).</summary>
    public required string ClientSecret { get; init; }

    public TokenClientAuthentication TokenAuthentication { get; init; } = TokenClientAuthentication.Basic;

    /// <summary>
    /// Scopes requested for the main token; null = roster, roster-core and roster-demographics, plus resource,
    /// gradebook and assessment reads when those services are tested.
    /// </summary>
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>Run the Japan Profile data checks (OR-JP-*) on what the provider returns.</summary>
    public bool JapanProfile { get; init; }

    /// <summary>Official 1EdTech OpenAPI files (JSON or YAML) to validate against as well as the hub's openapi.yaml.</summary>
    public IReadOnlyList<string> OasFiles { get; init; } = [];

    /// <summary>The Rostering collections whose paging, sort and filter semantics are checked.</summary>
    public IReadOnlyList<string> SemanticCollections { get; init; } = ["users", "enrollments", "classes"];

    /// <summary>Most records read from one collection; beyond it completeness checks are skipped (a prefecture has millions).</summary>
    public int MaxRecords { get; init; } = 5000;

    /// <summary>Longest response body shown in a report.</summary>
    public int MaxBodyChars { get; init; } = 4000;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The transport; null uses a plain <see cref="HttpClientHandler"/>. Tests pass the hub's in-memory handler (and fault injectors).</summary>
    public HttpMessageHandler? Handler { get; init; }

    internal Uri? ServiceUrl(string service, Uri? configured)
    {
        if (configured is not null) return configured;
        var text = BaseUrl.ToString().TrimEnd('/');
        const string rostering = "/ims/oneroster/rostering/v1p2";
        return text.EndsWith(rostering, StringComparison.Ordinal)
            ? new Uri(text[..^rostering.Length] + "/ims/oneroster/" + service + "/v1p2")
            : null;
    }

    internal IReadOnlyList<string> EffectiveScopes(bool resources, bool gradebook)
    {
        if (Scopes is { Count: > 0 } scopes) return scopes;
        var list = new List<string> { RosterReadonly, RosterCoreReadonly, RosterDemographicsReadonly };
        if (resources) list.Add(ResourceReadonly);
        // OAS-G: assessmentLineItems/assessmentResults are read with assessment.readonly, the rest with gradebook.readonly.
        if (gradebook) list.AddRange([GradebookReadonly, AssessmentReadonly]);
        return list;
    }
}
