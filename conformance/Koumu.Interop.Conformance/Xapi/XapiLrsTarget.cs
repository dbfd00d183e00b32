using System.Globalization;

namespace Koumu.Interop.Conformance.Xapi;

/// <summary>Where and how to reach an xAPI LRS (issue #7 §1, target three).</summary>
public sealed record XapiTargetOptions
{
    /// <summary>The LRS endpoint, e.g. <c>https://lrs.example/xapi/</c> (resources are relative to it: statements, about, …).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>HTTP Basic user name (C §4: the ADL suite's and most LRSs' scheme); the key of an LRS credential.</summary>
    public required string Username { get; init; }

    /// <summary>Never written to a report (<see cref="Redactor"/>).</summary>
    public required string Password { get; init; }

    public XapiVersion Version { get; init; } = XapiVersion.V103;

    /// <summary>
    /// The IRI namespace every Activity, verb and document id of the run lives under; a new GUID per run below it, so
    /// the run's queries see only its own Statements whatever else the LRS holds.
    /// </summary>
    public Uri Namespace { get; init; } = new("https://conformance.koumu.example/xapi/");

    public int MaxBodyChars { get; init; } = 4000;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The transport; null = the network. Tests pass the hub's in-memory handler (and fault injectors).</summary>
    public HttpMessageHandler? Handler { get; init; }
}

/// <summary>
/// The xAPI LRS target: exercises an LRS's Communication and Data requirements (1.0.3 or 2.0) with Basic credentials
/// and evaluates <see cref="XapiAssertions"/>. Unlike the REST target it writes: Statements and documents with fresh
/// ids under a run-specific IRI namespace (<see cref="XapiTargetOptions.Namespace"/>), so point it at a test store —
/// xAPI Statements cannot be deleted, only voided (the ADL suite leaves its data behind the same way).
/// </summary>
public sealed class XapiLrsTarget(XapiTargetOptions options) : IConformanceTarget
{
    public string Target => ConformanceTargets.XapiLrs;

    public IReadOnlyList<AssertionDefinition> Assertions { get; } = XapiAssertions.For(options.Version);

    public TestedTarget Describe() => new(Target, options.Endpoint.ToString(), new Dictionary<string, string>
    {
        ["version"] = options.Version.Header(),
        // The user name names the board's account at the LRS; the password never appears.
        ["username"] = options.Username,
        ["namespace"] = options.Namespace.ToString(),
        ["timeout"] = options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s",
    });

    public async Task RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var session = new XapiSession(options);
        await new XapiChecks(session, run, options.Version).RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
