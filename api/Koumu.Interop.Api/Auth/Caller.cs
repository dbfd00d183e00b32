using System.Security.Claims;
using System.Text.RegularExpressions;
using OpenIddict.Abstractions;

namespace Koumu.Interop.Api.Auth;

/// <summary>Who is calling: the client id and the tenant confinement carried in the access token.</summary>
public static partial class Caller
{
    /// <summary>Claim with the client's tenant code; <c>*</c> means every tenant (the hub operator).</summary>
    public const string TenantClaim = "koumu_tenant";

    /// <summary>Claims with the org sourcedIds the client may see (none = the whole tenant).</summary>
    public const string OrgsClaim = "koumu_orgs";

    public const string AllTenants = "*";

    /// <summary>Claim with the client's credential generation at issue time (revocation, see ClientTokenRevocation).</summary>
    public const string CredentialGenerationClaim = "koumu_cred";

    public static string ClientId(this ClaimsPrincipal user) =>
        user.GetClaim(OpenIddictConstants.Claims.Subject) ?? user.GetClaim(OpenIddictConstants.Claims.ClientId) ?? "?";

    public static string? Tenant(this ClaimsPrincipal user) => user.GetClaim(TenantClaim);

    /// <summary>
    /// True when the caller may act on <paramref name="tenant"/>. Compared ordinally: tenant codes are identifiers, and a
    /// culture-aware comparison must never widen access.
    /// </summary>
    public static bool MayAccessTenant(this ClaimsPrincipal user, string tenant) =>
        user.Tenant() is { } own && (own == AllTenants || string.Equals(own, tenant, StringComparison.Ordinal));

    /// <summary>Tenant codes appear in URLs, file names and logs: letters, digits, '.', '_' and '-' only, at most 64 characters.</summary>
    public static bool IsValidTenantCode(string? code) => code is not null && TenantCodePattern().IsMatch(code);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantCodePattern();
}
