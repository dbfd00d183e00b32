using System.Globalization;
using Koumu.Interop.Conformance.Schemas;

namespace Koumu.Interop.Conformance.Rest;

/// <summary>
/// The OneRoster 1.2 REST provider target: reads a vendor's Rostering service (and its Resources and Gradebook read
/// collections) with OAuth 2.0 client credentials and evaluates <see cref="RestAssertions.All"/>. It only reads: a
/// conformance run must never change a board's data.
/// </summary>
public sealed class OneRosterRestTarget(RestTargetOptions options) : IConformanceTarget
{
    public string Target => ConformanceTargets.OneRosterRest;

    public IReadOnlyList<AssertionDefinition> Assertions => RestAssertions.All;

    public TestedTarget Describe() => new(Target, options.BaseUrl.ToString(), new Dictionary<string, string>
    {
        ["tokenUrl"] = options.TokenUrl.ToString(),
        // The client id names the vendor's account for the board; it is not a secret (the secret never appears).
        ["clientId"] = options.ClientId,
        ["japanProfile"] = options.JapanProfile ? "true" : "false",
        ["oas"] = string.Join(", ", options.OasFiles.Select(Path.GetFileName)),
        ["semanticCollections"] = string.Join(", ", options.SemanticCollections),
        ["maxRecords"] = options.MaxRecords.ToString(CultureInfo.InvariantCulture),
    });

    public async Task RunAsync(ConformanceRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        var official = options.OasFiles.Select(ComponentSchemas.FromFile).ToList();
        using var session = new RestSession(options);
        await new RestChecks(session, run, official).RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
