using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;

namespace Koumu.Interop.Api.Demo;

/// <summary>
/// Fills a tenant with the synthetic demo roster: the demo generator writes a CSV package, and the package goes through
/// the same import as any board's upload (profile jp-1.2.1), so the demo data is valid by construction.
/// Shared by the host and the <c>koumu seed</c> command (linked source file).
/// </summary>
internal static class DemoSeeder
{
    public const string Tenant = "demo";
    public const string TenantName = "デモ市教育委員会 (demo)";

    public static async Task<ImportOutcome> SeedAsync(
        RosterStore store, string tenant, int? pupils, IProgress<ProcessingProgress>? progress, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), "koumu-demo-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            WritePackage(folder, pupils);
            var tenantId = await store.EnsureTenantAsync(tenant, tenant == Tenant ? TenantName : tenant, cancellationToken);
            using var source = new FolderPackageSource(folder);
            var options = new ProcessingOptions { Profile = OneRosterProfiles.JapanV121, Progress = progress };
            return await store.ImportAsync(tenantId, source, options, cancellationToken);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void WritePackage(string folder, int? pupils) =>
        DemoGenerator.Write(pupils is null ? DemoOptions.Demo : DemoOptions.Demo with { Pupils = pupils.Value }, folder);
}
