using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Storage;

/// <summary>
/// The roster store's entry points: import (all-or-nothing), export, tenants. One instance per database.
/// Free of ASP.NET: the host, the CLI and the benchmarks use it the same way.
/// </summary>
public sealed partial class RosterStore
{
    public RosterStore(StorageOptions options) => Options = options;

    public StorageOptions Options { get; }

    /// <summary>Creates the database if needed and applies this provider's migrations.</summary>
    public partial Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the tenant's id, creating the tenant when it does not exist.</summary>
    public partial Task<int> EnsureTenantAsync(string code, string name, CancellationToken cancellationToken = default);

    /// <summary>The tenant's id, or null.</summary>
    public partial Task<int?> FindTenantAsync(string code, CancellationToken cancellationToken = default);

    /// <summary>
    /// Validates the package and stores it in one transaction. If anything is rejected (or the hub fails), nothing changes.
    /// </summary>
    public partial Task<ImportOutcome> ImportAsync(int tenantId, IPackageSource source, ProcessingOptions options, CancellationToken cancellationToken = default);

    /// <summary>Writes a CSV package (zip) of the tenant's records to <paramref name="output"/>, streaming.</summary>
    public partial Task ExportAsync(int tenantId, ExportOptions options, Stream output, CancellationToken cancellationToken = default);

    /// <summary>Creates a DbContext for this store (caller disposes).</summary>
    public partial KoumuDbContext CreateDbContext();
}
