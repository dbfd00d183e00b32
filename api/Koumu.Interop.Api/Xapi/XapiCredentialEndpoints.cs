using System.Security.Claims;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Storage.Xapi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Koumu.Interop.Api.Xapi;

/// <summary>Body of <c>POST /koumu/admin/v1/xapi-credentials</c>; read and write default to true.</summary>
public sealed record CreateXapiCredentialRequest(string? Tenant, string? DisplayName, bool? Read, bool? Write);

/// <summary>A new credential: the only time its secret is shown. Use key:secret as HTTP Basic credentials.</summary>
public sealed record CreatedXapiCredential(string Key, string Secret, string Tenant, string? DisplayName, bool Read, bool Write, DateTime CreatedAt);

/// <summary>
/// HTTP Basic credentials of the LRS (C §4), managed like OAuth clients: a <c>koumu.admin</c> client manages its own
/// tenant's; a client of tenant <c>*</c> every tenant's. Another tenant's credential answers like a missing one.
/// </summary>
public static partial class XapiCredentialEndpoints
{
    public static IEndpointRouteBuilder MapXapiCredentialEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/koumu/admin/v1/xapi-credentials").RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapPost("", CreateAsync).WithName("createXapiCredential");
        group.MapGet("", ListAsync).WithName("listXapiCredentials");
        group.MapDelete("/{key}", DeleteAsync).WithName("deleteXapiCredential");
        return routes;
    }

    private static async Task<Results<Created<CreatedXapiCredential>, ProblemHttpResult>> CreateAsync(
        CreateXapiCredentialRequest body, ClaimsPrincipal user, XapiCredentialStore credentials, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var tenant = body.Tenant?.Trim();
        // A Statement belongs to one board of education: no '*' credentials.
        if (!Caller.IsValidTenantCode(tenant)) return Problems.BadRequest("'tenant' is a tenant code (1–64 letters, digits, '.', '_' or '-').");
        if (!user.MayAccessTenant(tenant!))
            return Problems.Forbidden($"This client is confined to tenant '{user.Tenant()}' and cannot create credentials for '{tenant}'.");
        if (body.DisplayName is { Length: > 200 }) return Problems.BadRequest("'displayName' is at most 200 characters.");
        var read = body.Read ?? true;
        var write = body.Write ?? true;
        if (!read && !write) return Problems.BadRequest("A credential may read, write or both.");
        var (info, secret) = await credentials.CreateAsync(tenant!, body.DisplayName, read, write, cancellationToken);
        LogCreated(loggers.CreateLogger(typeof(XapiCredentialEndpoints)), user.ClientId(), info.Key, info.Tenant);
        return TypedResults.Created($"/koumu/admin/v1/xapi-credentials/{info.Key}",
            new CreatedXapiCredential(info.Key, secret, info.Tenant, info.DisplayName, info.Read, info.Write, info.CreatedAt));
    }

    private static async Task<Ok<IReadOnlyList<XapiCredentialInfo>>> ListAsync(ClaimsPrincipal user, XapiCredentialStore credentials, CancellationToken cancellationToken)
    {
        var tenant = user.Tenant();
        return TypedResults.Ok(await credentials.ListAsync(tenant == Caller.AllTenants ? null : tenant ?? "", cancellationToken));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string key, ClaimsPrincipal user, XapiCredentialStore credentials, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var tenant = user.Tenant();
        if (!await credentials.DeleteAsync(key, tenant == Caller.AllTenants ? null : tenant ?? "", cancellationToken))
            return Problems.NotFound($"There is no xAPI credential '{ImportEndpoints.Truncate(key)}'.");
        LogDeleted(loggers.CreateLogger(typeof(XapiCredentialEndpoints)), user.ClientId(), key);
        return TypedResults.NoContent();
    }

    [LoggerMessage(LogLevel.Information, "Audit: client {CallerId} created xAPI credential {Key} for tenant {Tenant}.")]
    private static partial void LogCreated(ILogger logger, string callerId, string key, string tenant);

    [LoggerMessage(LogLevel.Information, "Audit: client {CallerId} deleted xAPI credential {Key}.")]
    private static partial void LogDeleted(ILogger logger, string callerId, string key);
}
