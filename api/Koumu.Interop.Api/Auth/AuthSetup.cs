using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Koumu.Interop.Api.Auth;

public static class AuthSetup
{
    /// <summary>Authorization policy of the hub's admin API: a token with the <c>koumu.admin</c> scope.</summary>
    public const string AdminPolicy = "koumu.admin";

    public const string TokenPath = "/koumu/oauth/v1/token";

    /// <summary>
    /// OAuth 2.0 client credentials (RFC 6749 §4.4), as the 1EdTech Security Framework asks of OneRoster 1.2 providers.
    /// Access tokens are signed, unencrypted JWTs validated in-process with the server's own keys: no database round trip
    /// per request (shared/reference/pitfalls.md, "Signing keys").
    /// </summary>
    public static IServiceCollection AddKoumuAuth(this IServiceCollection services, HubSettings settings)
    {
        var signingKey = PersistentKeys.LoadOrCreate(settings.SigningKeyPath);
        var encryptionKey = PersistentKeys.LoadOrCreate(settings.EncryptionKeyPath);

        services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<KoumuDbContext>())
            .AddServer(options =>
            {
                options.SetTokenEndpointUris(TokenPath.TrimStart('/'));
                options.AllowClientCredentialsFlow();
                options.RegisterScopes([.. KoumuScopes.All]);
                options.AddSigningKey(signingKey);
                // OpenIddict always needs an encryption key (for its other token types); access tokens stay plain JWTs.
                options.AddEncryptionKey(encryptionKey);
                options.DisableAccessTokenEncryption();
                options.SetAccessTokenLifetime(settings.AccessTokenLifetime);
                // Client-credentials tokens are short-lived and never revoked one by one; storing each would grow a table
                // by one row per token request. Deleting the client or rotating its secret revokes its tokens through
                // ClientTokenRevocation instead (a per-client "valid from" instant, cached briefly).
                options.DisableTokenStorage();
                var aspNetCore = options.UseAspNetCore().EnableTokenEndpointPassthrough();
                if (!settings.RequireHttps) aspNetCore.DisableTransportSecurityRequirement();
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                options.UseAspNetCore();
                options.AddEventHandler(ClientTokenRevocation.RejectRevokedClientTokens.Descriptor);
            });

        services.AddAuthentication(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.HasScope(KoumuScopes.Admin)));
        services.AddSingleton<ClientTokenRevocation>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<ClientRegistry>();
        return services;
    }
}
