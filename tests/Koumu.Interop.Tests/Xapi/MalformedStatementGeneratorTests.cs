using System.Net;
using System.Text.Json.Nodes;
using CsCheck;
using Koumu.Interop.Schemas.Xapi;
using static Koumu.Interop.Tests.Xapi.XapiRequests;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>One generated malformed Statement: the rule it breaks, the version it is sent with, and the path the 400 must name.</summary>
public sealed record MalformedCase(string Rule, XapiVersion Version, JsonObject Statement, string Path);

/// <summary>
/// Issue #5 "Done when": a systematically generated set of malformed Statements covering every rule of the validator —
/// each rule of <see cref="XapiSamples.Mutations"/> applied to each of several valid base Statements under each version
/// the rule exists in.
/// </summary>
public static class MalformedStatementGenerator
{
    /// <summary>Valid base Statements per version: generated (CsCheck, fixed seed) so they differ in actor kind, object kind, context, result.</summary>
    public const int BasesPerVersion = 8;

    public static IReadOnlyList<MalformedCase> Cases { get; } = Generate();

    private static List<MalformedCase> Generate()
    {
        var cases = new List<MalformedCase>();
        foreach (var version in new[] { XapiVersion.V103, XapiVersion.V200 })
        {
            var bases = XapiSamples.Statement(version).Array[BasesPerVersion].Single(_ => true, seed: "0N0XIzNsQ0O2");
            foreach (var mutation in XapiSamples.Mutations)
            {
                if ((mutation.Only103 && version != XapiVersion.V103) || (mutation.Only200 && version != XapiVersion.V200)) continue;
                foreach (var statement in bases)
                {
                    var mutated = statement.DeepClone().AsObject();
                    cases.Add(new MalformedCase(mutation.Rule, version, mutated, mutation.Apply(mutated)));
                }
            }
        }
        return cases;
    }
}

public sealed class MalformedStatementGeneratorTests(XapiHub hub) : MalformedStatementGeneratorSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresMalformedStatementGeneratorTests(PostgresXapiHub hub) : MalformedStatementGeneratorSpecification(hub), IClassFixture<PostgresXapiHub>;

public abstract class MalformedStatementGeneratorSpecification
{
    private readonly XapiHub _hub;

    protected MalformedStatementGeneratorSpecification(XapiHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    [Fact]
    public void The_generated_set_has_over_a_thousand_cases_and_every_rule_under_every_version_it_exists_in()
    {
        var cases = MalformedStatementGenerator.Cases;
        Assert.True(cases.Count >= 1000, $"{cases.Count} cases");
        foreach (var mutation in XapiSamples.Mutations)
        {
            if (!mutation.Only200) Assert.Equal(MalformedStatementGenerator.BasesPerVersion, cases.Count(c => c.Rule == mutation.Rule && c.Version == XapiVersion.V103));
            if (!mutation.Only103) Assert.Equal(MalformedStatementGenerator.BasesPerVersion, cases.Count(c => c.Rule == mutation.Rule && c.Version == XapiVersion.V200));
        }
        // The bases really are valid: each rejection is the mutation's doing.
        foreach (var version in new[] { XapiVersion.V103, XapiVersion.V200 })
            foreach (var statement in XapiSamples.Statement(version).Array[MalformedStatementGenerator.BasesPerVersion].Single(_ => true, seed: "0N0XIzNsQ0O2"))
                Assert.Empty(XapiStatementValidator.Validate(System.Text.Json.JsonDocument.Parse(statement.ToJsonString()).RootElement, version));
    }

    [SkippableFact]
    public async Task Every_generated_malformed_statement_is_400_naming_its_path_through_the_real_pipeline_and_nothing_is_stored()
    {
        var tenant = XapiHub.NewTenant();
        using var v103 = await _hub.LrsClientAsync(tenant, version: "1.0.3");
        using var v200 = await _hub.LrsClientAsync(tenant, version: "2.0.0");
        // Something stored first, so "unchanged" is checked against a non-empty store.
        using (var seed = await v103.PostAsync("/xapi/statements", JsonBody(Statement())))
            Assert.Equal(HttpStatusCode.OK, seed.StatusCode);
        var before = await CountsAsync(_hub, tenant);
        var failures = new List<string>();
        // Four requests at a time: the cases are independent, and the store sees concurrent refusals too.
        await Parallel.ForEachAsync(MalformedStatementGenerator.Cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (c, cancellationToken) =>
        {
            var lrs = c.Version == XapiVersion.V200 ? v200 : v103;
            // Half as PUT (one Statement), half as POST (a batch of one).
            var put = (c.Statement.ToJsonString().Length & 1) == 0;
            using var response = put
                ? await lrs.PutAsync($"/xapi/statements?statementId={Guid.NewGuid()}", JsonBody(c.Statement.ToJsonString()), cancellationToken)
                : await lrs.PostAsync("/xapi/statements", JsonBody(c.Statement.ToJsonString()), cancellationToken);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
            var problems = body["problems"]?.AsArray().Select(p => p!.GetValue<string>()).ToList() ?? [];
            // PUT's statementId and the body's id may legitimately disagree (another problem at $.id); the rule's path must be named.
            if (response.StatusCode != HttpStatusCode.BadRequest || !problems.Any(p => p.StartsWith(c.Path + ": ", StringComparison.Ordinal))
                || !body["message"]!.GetValue<string>().StartsWith("Invalid Statement: $", StringComparison.Ordinal))
                lock (failures) failures.Add($"{c.Version} {c.Rule}: {(int)response.StatusCode}, {c.Path} not in {string.Join(" | ", problems)}");
        });
        Assert.True(failures.Count == 0, $"{failures.Count} of {MalformedStatementGenerator.Cases.Count}:\n" + string.Join("\n", failures.Take(20)));
        Assert.Equal(before, await CountsAsync(_hub, tenant));
    }
}
