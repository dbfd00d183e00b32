using System.Security.Claims;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Koumu.Interop.Api;

/// <summary>Body of <c>POST /koumu/admin/v1/clients</c>.</summary>
public sealed record CreateClientRequest(string? Tenant, string? DisplayName, IReadOnlyList<string>? Scopes, IReadOnlyList<string>? Orgs);

/// <summary>The answer to a client creation: the only time the plain secret is ever shown.</summary>
public sealed record CreatedClient(string ClientId, string ClientSecret, string Tenant, string? DisplayName, IReadOnlyList<string> Scopes, IReadOnlyList<string> Orgs);

/// <summary>
/// OAuth clients of the hub (issue #2 §8). A <c>koumu.admin</c> client manages the clients of its own tenant only;
/// a client of tenant <c>*</c> manages every tenant's.
/// </summary>
public static partial class ClientEndpoints
{
    public const int MaxOrgs = 10_000;

    public static IEndpointRouteBuilder MapClientEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/koumu/admin/v1/clients").RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapPost("", CreateAsync).WithName("createClient");
        group.MapGet("", ListAsync).WithName("listClients");
        group.MapGet("/{clientId}", GetAsync).WithName("getClient");
        group.MapDelete("/{clientId}", DeleteAsync).WithName("deleteClient");
        return routes;
    }

    private static async Task<Results<Created<CreatedClient>, ProblemHttpResult>> CreateAsync(
        CreateClientRequest body, ClaimsPrincipal user, ClientRegistry clients, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var tenant = body.Tenant?.Trim();
        if (tenant != Caller.AllTenants && !Caller.IsValidTenantCode(tenant))
            return Problems.BadRequest("'tenant' is a tenant code (1–64 letters, digits, '.', '_' or '-') or '*' for every tenant.");
        if (tenant == Caller.AllTenants ? user.Tenant() != Caller.AllTenants : !user.MayAccessTenant(tenant!))
            return Problems.Forbidden($"This client is confined to tenant '{user.Tenant()}' and cannot create clients for '{tenant}'.");
        if (body.DisplayName is { Length: > 200 }) return Problems.BadRequest("'displayName' is at most 200 characters.");
        if (body.Scopes is not { Count: > 0 }) return Problems.BadRequest("'scopes' lists at least one scope.");
        var unknown = body.Scopes.Where(s => s is null || !KoumuScopes.IsKnown(s)).ToList();
        if (unknown.Count > 0)
            return Problems.BadRequest($"Unknown scope(s): {string.Join(", ", unknown.Take(5).Select(ImportEndpoints.Truncate))}. Known: {string.Join(" ", KoumuScopes.All)}.");
        var orgs = body.Orgs ?? [];
        if (orgs.Count > MaxOrgs) return Problems.BadRequest($"'orgs' lists at most {MaxOrgs} sourcedIds.");
        if (orgs.Any(o => string.IsNullOrWhiteSpace(o) || o.Length > 256)) return Problems.BadRequest("Every org sourcedId is 1–256 characters.");

        var created = await clients.CreateAsync(tenant!, body.DisplayName, body.Scopes, orgs, cancellationToken: cancellationToken);
        var c = created.Client;
        LogCreated(loggers.CreateLogger(typeof(ClientEndpoints)), user.ClientId(), c.ClientId, c.Tenant, string.Join(' ', c.Scopes));
        return TypedResults.Created($"/koumu/admin/v1/clients/{Uri.EscapeDataString(c.ClientId)}",
            new CreatedClient(c.ClientId, created.ClientSecret, c.Tenant, c.DisplayName, c.Scopes, c.Orgs));
    }

    private static async Task<Ok<IReadOnlyList<ClientInfo>>> ListAsync(ClaimsPrincipal user, ClientRegistry clients, CancellationToken cancellationToken) =>
        TypedResults.Ok(await clients.ListAsync(user.Tenant() ?? "", cancellationToken));

    private static async Task<Results<Ok<ClientInfo>, ProblemHttpResult>> GetAsync(
        string clientId, ClaimsPrincipal user, ClientRegistry clients, CancellationToken cancellationToken)
    {
        var client = await clients.FindAsync(clientId, cancellationToken);
        // Another tenant's client answers exactly like a missing one.
        return client is null || !user.MayAccessTenant(client.Tenant) ? NoSuchClient(clientId) : TypedResults.Ok(client);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string clientId, ClaimsPrincipal user, ClientRegistry clients, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!await clients.DeleteAsync(clientId, user.Tenant() ?? "", cancellationToken)) return NoSuchClient(clientId);
        LogDeleted(loggers.CreateLogger(typeof(ClientEndpoints)), user.ClientId(), clientId);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult NoSuchClient(string clientId) => Problems.NotFound($"There is no client '{ImportEndpoints.Truncate(clientId)}'.");

    [LoggerMessage(LogLevel.Information, "Audit: client {CallerId} created client {ClientId} for tenant {Tenant} with scopes {Scopes}.")]
    private static partial void LogCreated(ILogger logger, string callerId, string clientId, string tenant, string scopes);

    [LoggerMessage(LogLevel.Information, "Audit: client {CallerId} deleted client {ClientId}.")]
    private static partial void LogDeleted(ILogger logger, string callerId, string clientId);
}
