using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Koumu.Interop.Api.Auth;

/// <summary>A client as the admin API shows it (never with its secret).</summary>
public sealed record ClientInfo(string ClientId, string Tenant, string? DisplayName, IReadOnlyList<string> Scopes, IReadOnlyList<string> Orgs);

/// <summary>A newly issued credential: the plain secret exists only here; the store keeps a hash.</summary>
public sealed record ClientCredential(ClientInfo Client, string ClientSecret);

/// <summary>
/// OAuth clients are OpenIddict applications (confidential, client_credentials only). The hub's own data — the tenant
/// code and the optional org sourcedIds — live in the application's Properties and end up as token claims.
/// </summary>
public sealed class ClientRegistry(IOpenIddictApplicationManager applications, ClientTokenRevocation revocation)
{
    public const string DemoAdminClientId = "demo-admin";

    private const string TenantProperty = "koumu_tenant";
    private const string OrgsProperty = "koumu_orgs";

    /// <summary>Random id of the client's current secret, new on create and rotation; tokens carry it (see ClientTokenRevocation).</summary>
    public const string CredentialGenerationProperty = "koumu_credential_generation";

    public async Task<ClientCredential> CreateAsync(
        string tenant, string? displayName, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string> orgs,
        string? clientId = null, CancellationToken cancellationToken = default)
    {
        var secret = NewSecret();
        var descriptor = Describe(clientId ?? "koumu-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), secret, tenant, displayName, scopes, orgs);
        await applications.CreateAsync(descriptor, cancellationToken);
        revocation.Invalidate(descriptor.ClientId!);
        return new ClientCredential(Info(descriptor), secret);
    }

    /// <summary>
    /// Gives <paramref name="clientId"/> a new secret (creating the client if needed), so a printed demo credential is
    /// valid only until the next start.
    /// </summary>
    public async Task<ClientCredential> RotateAsync(
        string clientId, string tenant, string displayName, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken = default)
    {
        var existing = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (existing is null) return await CreateAsync(tenant, displayName, scopes, [], clientId, cancellationToken);
        var secret = NewSecret();
        var descriptor = Describe(clientId, secret, tenant, displayName, scopes, []);
        await applications.UpdateAsync(existing, descriptor, cancellationToken);
        revocation.Invalidate(clientId);
        return new ClientCredential(Info(descriptor), secret);
    }

    public async Task<ClientInfo?> FindAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        return application is null ? null : await InfoAsync(application, cancellationToken);
    }

    /// <summary>The clients of <paramref name="tenant"/>, or of every tenant when it is <c>*</c>.</summary>
    public async Task<IReadOnlyList<ClientInfo>> ListAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var result = new List<ClientInfo>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            var info = await InfoAsync(application, cancellationToken);
            if (tenant == Caller.AllTenants || string.Equals(info.Tenant, tenant, StringComparison.Ordinal)) result.Add(info);
        }
        return [.. result.OrderBy(c => c.Tenant, StringComparer.Ordinal).ThenBy(c => c.ClientId, StringComparer.Ordinal)];
    }

    /// <summary>Deletes the client if it belongs to a tenant the caller may manage; false when there is no such client for the caller.</summary>
    public async Task<bool> DeleteAsync(string clientId, string callerTenant, CancellationToken cancellationToken = default)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null) return false;
        var info = await InfoAsync(application, cancellationToken);
        if (callerTenant != Caller.AllTenants && !string.Equals(info.Tenant, callerTenant, StringComparison.Ordinal)) return false;
        await applications.DeleteAsync(application, cancellationToken);
        revocation.Invalidate(clientId);
        return true;
    }

    /// <summary>The client's current credential generation (null for clients registered before generations existed).</summary>
    public async Task<string?> CredentialGenerationAsync(object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(CredentialGenerationProperty, out var g) && g.ValueKind == JsonValueKind.String ? g.GetString() : null;
    }

    /// <summary>The tenant and orgs stored with the application, for the token's claims.</summary>
    public async Task<(string? Tenant, IReadOnlyList<string> Orgs)> ConfinementAsync(object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return (ReadTenant(properties), ReadOrgs(properties));
    }

    public async Task<IReadOnlyList<string>> ScopesAsync(object application, CancellationToken cancellationToken)
    {
        var permissions = await applications.GetPermissionsAsync(application, cancellationToken);
        return [.. permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.Scope.Length..])];
    }

    private async Task<ClientInfo> InfoAsync(object application, CancellationToken cancellationToken)
    {
        var (tenant, orgs) = await ConfinementAsync(application, cancellationToken);
        return new ClientInfo(
            await applications.GetClientIdAsync(application, cancellationToken) ?? "",
            tenant ?? "",
            await applications.GetDisplayNameAsync(application, cancellationToken),
            await ScopesAsync(application, cancellationToken),
            orgs);
    }

    private static OpenIddictApplicationDescriptor Describe(
        string clientId, string secret, string tenant, string? displayName, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string> orgs)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = displayName,
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes.Distinct(StringComparer.Ordinal)) descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        descriptor.Properties[TenantProperty] = JsonSerializer.SerializeToElement(tenant);
        descriptor.Properties[OrgsProperty] = JsonSerializer.SerializeToElement(orgs.Distinct(StringComparer.Ordinal).ToArray());
        descriptor.Properties[CredentialGenerationProperty] = JsonSerializer.SerializeToElement(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
        return descriptor;
    }

    private static ClientInfo Info(OpenIddictApplicationDescriptor descriptor) =>
        new(descriptor.ClientId!, ReadTenant(descriptor.Properties.ToImmutableDictionary()) ?? "", descriptor.DisplayName,
            [.. descriptor.Permissions.Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal)).Select(p => p[Permissions.Prefixes.Scope.Length..])],
            ReadOrgs(descriptor.Properties.ToImmutableDictionary()));

    private static string? ReadTenant(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(TenantProperty, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;

    private static IReadOnlyList<string> ReadOrgs(IReadOnlyDictionary<string, JsonElement> properties) =>
        properties.TryGetValue(OrgsProperty, out var o) && o.ValueKind == JsonValueKind.Array
            ? [.. o.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];

    /// <summary>256 random bits, base64url: long enough that guessing is hopeless, safe in a form post and a shell.</summary>
    private static string NewSecret() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
