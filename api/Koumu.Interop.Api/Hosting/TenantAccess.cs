using System.Security.Claims;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Koumu.Interop.Api.Hosting;

/// <summary>
/// Resolves the <c>{tenant}</c> of an admin route for the caller. A client is confined to the tenant in its token
/// (<c>koumu_tenant</c>) unless that is <c>*</c>; a foreign tenant gets 403 whether it exists or not, so the answer
/// tells nothing about other boards of education.
/// </summary>
public static class TenantAccess
{
    /// <summary>The checks that need no database: a well-formed code the caller may act on.</summary>
    public static ProblemHttpResult? Check(ClaimsPrincipal user, string tenant)
    {
        if (!Caller.IsValidTenantCode(tenant))
            return Problems.BadRequest("A tenant code is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        return user.MayAccessTenant(tenant) ? null : Problems.Forbidden($"This client is confined to tenant '{user.Tenant()}'.");
    }

    public static async Task<(int? TenantId, ProblemHttpResult? Problem)> ResolveAsync(
        ClaimsPrincipal user, string tenant, RosterStore store, bool createIfMissing, CancellationToken cancellationToken)
    {
        if (Check(user, tenant) is { } refused) return (null, refused);
        // The first import into a tenant creates it: a board of education exists in the hub from its first roster on.
        if (createIfMissing) return (await store.EnsureTenantAsync(tenant, tenant, cancellationToken), null);
        var id = await store.FindTenantAsync(tenant, cancellationToken);
        return id is null ? (null, Problems.NotFound($"There is no tenant '{tenant}'.")) : (id, null);
    }
}
