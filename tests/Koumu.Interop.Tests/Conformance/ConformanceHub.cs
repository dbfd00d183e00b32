using Koumu.Interop.Api.Auth;
using Koumu.Interop.Conformance;
using Koumu.Interop.Conformance.Rest;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.OneRoster;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>
/// The real hub seeded with the synthetic Japanese roster (the demo generator: a 小学校 and a 中学校 of one board, kana
/// names, MEXT codes, 前期/後期 terms so that the term routes have data), for the conformance tool to test. The tool
/// reaches it through the hub's in-memory handler, over https as in production.
/// </summary>
public class ConformanceHub : RosteringHub
{
    public const string Base = "https://localhost/ims/oneroster/rostering/v1p2";
    public const string TokenUrl = "https://localhost/koumu/oauth/v1/token";

    public static readonly string[] Scopes =
        [.. AllRosterScopes, KoumuScopes.ResourceReadonly, KoumuScopes.GradebookReadonly, KoumuScopes.AssessmentReadonly];

    public override async Task InitializeAsync()
    {
        var store = Services.GetRequiredService<RosterStore>();
        var tenantId = await store.EnsureTenantAsync(Tenant, Tenant);
        var folder = Path.Combine(Path.GetTempPath(), "koumu-conformance-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // Terms make the package fail the Japanese profiles (schoolYear sessions only), so it is imported as base
            // OneRoster 1.2; its data is still Japanese in form (kana, codes, 年度), which the OR-JP-* checks read.
            DemoGenerator.Write(DemoOptions.Demo with { Pupils = 48, Terms = true, Guardians = false }, folder);
            using var source = new FolderPackageSource(folder);
            var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions { Profile = OneRosterProfiles.Base });
            Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems.Take(10)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Options for the tool against this hub with a new client of <paramref name="scopes"/>; <paramref name="wrap"/> may put a fault injector in front.</summary>
    public async Task<RestTargetOptions> TargetAsync(Func<HttpMessageHandler, HttpMessageHandler>? wrap = null, string[]? scopes = null, bool japan = true)
    {
        var credential = await CreateClientAsync(Tenant, scopes ?? Scopes);
        var handler = Server.CreateHandler();
        return new RestTargetOptions
        {
            BaseUrl = new Uri(Base),
            TokenUrl = new Uri(TokenUrl),
            ClientId = credential.Client.ClientId,
            ClientSecret = credential.ClientSecret,
            JapanProfile = japan,
            Handler = wrap is null ? handler : wrap(handler),
        };
    }

    public async Task<ConformanceReport> RunAsync(AssertionSelection? selection = null, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null) =>
        await ConformanceRunner.RunAsync([new OneRosterRestTarget(await TargetAsync(wrap))], selection);
}

public sealed class PostgresConformanceHub : ConformanceHub
{
    protected override bool OnPostgres => true;
}
