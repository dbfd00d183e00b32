using System.Collections.Concurrent;
using System.Text.Json;
using OpenIddict.Abstractions;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Validation.OpenIddictValidationEvents;

namespace Koumu.Interop.Api.Auth;

/// <summary>
/// Access tokens are self-contained JWTs (no token storage, see <see cref="AuthSetup"/>), so deleting a client or rotating
/// its secret would otherwise leave every token already issued to it valid until it expires. Each client carries a random
/// credential generation (<see cref="ClientRegistry.CredentialGenerationProperty"/>, new on create and on every rotation)
/// that the token endpoint copies into the token (<see cref="Caller.CredentialGenerationClaim"/>); this handler rejects an
/// access token whose client no longer exists or whose generation is not the client's current one (RFC 7009 §2 intent: a
/// revoked credential's tokens stop working). A generation, unlike comparing <c>iat</c> with a rotation instant, is exact:
/// JWT times have one-second resolution.
/// The lookup is cached per process for <see cref="CacheLifetime"/>; the process that deletes or rotates a client drops
/// its entry at once, other hub processes within that lifetime.
/// </summary>
public sealed class ClientTokenRevocation
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<string, (string? Generation, bool Exists, long ExpiresAt)> cache = new(StringComparer.Ordinal);
    private readonly TimeProvider time;

    public ClientTokenRevocation(TimeProvider time) => this.time = time;

    /// <summary>Forgets what is cached for <paramref name="clientId"/> (called on create, rotate and delete).</summary>
    public void Invalidate(string clientId) => cache.TryRemove(clientId, out _);

    internal async ValueTask<bool> IsCurrentAsync(string clientId, string? tokenGeneration, IServiceScopeFactory scopes, CancellationToken cancellationToken)
    {
        var now = time.GetTimestamp();
        if (!cache.TryGetValue(clientId, out var entry) || entry.ExpiresAt < now)
        {
            // Only a cache miss pays for a scope (and its EF context): every other request is a dictionary lookup.
            await using var scope = scopes.CreateAsyncScope();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = await applications.FindByClientIdAsync(clientId, cancellationToken).ConfigureAwait(false);
            string? generation = null;
            if (application is not null)
            {
                var properties = await applications.GetPropertiesAsync(application, cancellationToken).ConfigureAwait(false);
                if (properties.TryGetValue(ClientRegistry.CredentialGenerationProperty, out var value) && value.ValueKind == JsonValueKind.String)
                    generation = value.GetString();
            }
            entry = (generation, application is not null, now + (long)(CacheLifetime.TotalSeconds * time.TimestampFrequency));
            cache[clientId] = entry;
        }
        if (!entry.Exists) return false;
        // Clients registered before generations existed have none; their tokens carry none either.
        return string.Equals(entry.Generation, tokenGeneration, StringComparison.Ordinal);
    }

    /// <summary>The OpenIddict validation step: runs right after the access token itself was validated.</summary>
    public sealed class RejectRevokedClientTokens(ClientTokenRevocation revocation, IServiceScopeFactory scopes)
        : IOpenIddictValidationHandler<ProcessAuthenticationContext>
    {
        public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
            OpenIddictValidationHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
                .UseSingletonHandler<RejectRevokedClientTokens>()
                .SetOrder(OpenIddictValidationHandlers.ValidateAccessToken.Descriptor.Order + 1)
                .SetType(OpenIddictValidationHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(ProcessAuthenticationContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            if (context.AccessTokenPrincipal is not { } principal) return;
            var clientId = principal.GetClaim(Claims.ClientId) ?? principal.GetClaim(Claims.Subject);
            if (clientId is null || !await revocation.IsCurrentAsync(clientId, principal.GetClaim(Caller.CredentialGenerationClaim), scopes, context.CancellationToken).ConfigureAwait(false))
            {
                context.Reject(error: Errors.InvalidToken, description: "The client of this access token was deleted or its secret was rotated.");
            }
        }
    }
}
