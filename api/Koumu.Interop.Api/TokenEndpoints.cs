using Microsoft.AspNetCore;
using System.Collections.Immutable;
using System.Security.Claims;
using Koumu.Interop.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Koumu.Interop.Api;

/// <summary>
/// <c>POST /koumu/oauth/v1/token</c>. OpenIddict has already authenticated the client (secret checked against its hash),
/// checked the grant type and checked every requested scope against the registered scopes and the client's permissions;
/// this handler only decides what goes into the token.
/// </summary>
public static class TokenEndpoints
{
    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(AuthSetup.TokenPath, ExchangeAsync).WithName("token");
        return routes;
    }

    private static async Task<Results<SignInHttpResult, ForbidHttpResult>> ExchangeAsync(
        HttpContext context, IOpenIddictApplicationManager applications, ClientRegistry clients, CancellationToken cancellationToken)
    {
        var request = context.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request is missing: the token endpoint must be reached through OpenIddict.");
        if (!request.IsClientCredentialsGrantType()) return Forbid(Errors.UnsupportedGrantType, "Only client_credentials is supported.");

        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken);
        if (application is null) return Forbid(Errors.InvalidClient, "The client no longer exists.");
        var (tenant, orgs) = await clients.ConfinementAsync(application, cancellationToken);
        // A client without a tenant would be confined to nothing; refuse rather than issue an unusable token.
        if (string.IsNullOrEmpty(tenant)) return Forbid(Errors.InvalidClient, "The client has no tenant.");

        // RFC 6749 §3.3: without a scope parameter the server applies a pre-defined default — here every scope the client holds.
        var scopes = request.GetScopes();
        if (scopes.IsEmpty) scopes = [.. await clients.ScopesAsync(application, cancellationToken)];

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetClaim(Claims.Name, await applications.GetDisplayNameAsync(application, cancellationToken));
        identity.SetClaim(Caller.TenantClaim, tenant);
        if (orgs.Count > 0) identity.SetClaims(Caller.OrgsClaim, [.. orgs]);
        if (await clients.CredentialGenerationAsync(application, cancellationToken) is { } generation)
            identity.SetClaim(Caller.CredentialGenerationClaim, generation);
        identity.SetScopes(scopes);
        identity.SetDestinations(static _ => [Destinations.AccessToken]);
        return TypedResults.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static ForbidHttpResult Forbid(string error, string description) =>
        TypedResults.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
