using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Xapi;

namespace Koumu.Interop.Api.Xapi;

/// <summary>Who is calling the LRS: the tenant, the rights, and the authority the LRS writes into stored Statements.</summary>
/// <param name="Tenant">The tenant's code and <paramref name="ClientId"/> the credential key or OAuth client (for the audit trail).</param>
public sealed record XapiCaller(int TenantId, bool Read, bool Write, JsonObject Authority, string Tenant = "", string ClientId = "");

/// <summary>
/// LRS authentication (C §4): HTTP Basic with a credential from <c>/koumu/admin/v1/xapi-credentials</c> (what the ADL
/// suite and most Activity Providers use), or the hub's OAuth 2.0 bearer tokens with <c>koumu.xapi.read</c> /
/// <c>koumu.xapi.write</c>. Either way the caller is confined to one tenant; an operator token (tenant <c>*</c>) is refused,
/// because a Statement must belong to exactly one board of education.
/// </summary>
public static class XapiAuth
{
    public enum Outcome { Ok, Unauthenticated, Forbidden }

    public static async Task<(Outcome Outcome, XapiCaller? Caller, string? Message)> AuthenticateAsync(
        HttpContext context, XapiCredentialStore credentials, RosterStore store, Uri? publicBaseUrl, CancellationToken cancellationToken)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var baseUrl = OneRoster.RosteringHandlers.BaseUrl(context.Request, publicBaseUrl);
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            string decoded;
            try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())); }
            catch (FormatException) { return (Outcome.Unauthenticated, null, "The Basic credentials are not valid base64."); }
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) return (Outcome.Unauthenticated, null, "The Basic credentials have no ':'.");
            var principal = await credentials.AuthenticateAsync(decoded[..colon], decoded[(colon + 1)..], cancellationToken);
            if (principal is null) return (Outcome.Unauthenticated, null, "Unknown key or wrong secret.");
            var authority = new JsonObject
            {
                ["objectType"] = "Agent",
                ["name"] = principal.DisplayName ?? principal.Key,
                ["account"] = new JsonObject { ["homePage"] = baseUrl + "/xapi", ["name"] = principal.Key },
            };
            return (Outcome.Ok, new XapiCaller(principal.TenantId, principal.Read, principal.Write, authority, principal.Tenant, "xapi:" + principal.Key), null);
        }
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
            return (Outcome.Unauthenticated, null, "Send HTTP Basic credentials of an xAPI credential or an OAuth bearer token.");
        var read = user.HasScope(KoumuScopes.XapiRead);
        var write = user.HasScope(KoumuScopes.XapiWrite);
        if (!read && !write) return (Outcome.Forbidden, null, $"The token has neither {KoumuScopes.XapiRead} nor {KoumuScopes.XapiWrite}.");
        var tenant = user.Tenant();
        if (tenant is null || tenant == Caller.AllTenants)
            return (Outcome.Forbidden, null, "An xAPI caller belongs to one tenant; a hub-wide (tenant '*') client cannot read or write Statements.");
        var tenantId = await store.FindTenantAsync(tenant, cancellationToken) ?? await store.EnsureTenantAsync(tenant, tenant, cancellationToken);
        var clientAuthority = new JsonObject
        {
            ["objectType"] = "Agent",
            ["name"] = user.FindFirstValue(OpenIddict.Abstractions.OpenIddictConstants.Claims.Name) ?? user.ClientId(),
            ["account"] = new JsonObject { ["homePage"] = baseUrl + AuthSetup.TokenPath, ["name"] = user.ClientId() },
        };
        return (Outcome.Ok, new XapiCaller(tenantId, read, write, clientAuthority, tenant, user.ClientId()), null);
    }

    private static bool HasScope(this ClaimsPrincipal user, string scope) => OpenIddict.Abstractions.OpenIddictExtensions.HasScope(user, scope);
}
