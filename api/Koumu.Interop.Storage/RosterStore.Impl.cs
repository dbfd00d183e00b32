using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Storage;

// Temporary: implemented by the storage work.
public sealed partial class RosterStore
{
    public partial Task MigrateAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
    public partial Task<int> EnsureTenantAsync(string code, string name, CancellationToken cancellationToken) => throw new NotImplementedException();
    public partial Task<int?> FindTenantAsync(string code, CancellationToken cancellationToken) => throw new NotImplementedException();
    public partial Task<ImportOutcome> ImportAsync(int tenantId, IPackageSource source, ProcessingOptions options, CancellationToken cancellationToken) => throw new NotImplementedException();
    public partial Task ExportAsync(int tenantId, ExportOptions options, Stream output, CancellationToken cancellationToken) => throw new NotImplementedException();
    public partial KoumuDbContext CreateDbContext() => throw new NotImplementedException();
}
