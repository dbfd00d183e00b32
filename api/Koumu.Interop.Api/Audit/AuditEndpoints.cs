using System.Globalization;
using System.Security.Claims;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Storage.Audit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Koumu.Interop.Api.Audit;

/// <summary>
/// The audit trail of personal-data access (docs/decisions/0011-audit-trail.md): the queue and its writer, a helper the
/// feature endpoints call after a successful read or write, and the admin API that reads the trail.
/// </summary>
public static class AuditEndpoints
{
    public const string Path = "/koumu/admin/v1/audit";
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddSingleton<AuditLog>();
        services.AddHostedService<AuditWriter>();
        return services;
    }

    /// <summary>Records an access by the caller of <paramref name="context"/> (queued; see <see cref="AuditLog"/>).</summary>
    public static ValueTask RecordAsync(HttpContext context, string tenant, string action, string resource, string? target, int records,
        string classification, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var entry = new AuditEntry(DateTime.UtcNow, tenant, context.User.ClientId(), action, resource, target,
            request.Path + request.QueryString, records, classification, status);
        return context.RequestServices.GetRequiredService<AuditLog>().RecordAsync(entry, context.RequestAborted);
    }

    /// <summary>
    /// 重要性分類 of what a OneRoster collection holds (ガイドライン R7.3, japan.md §3.5): grades (results) and
    /// demographics (birth date, sex) are II; the rest of the roster — names, enrolments, classes — is III.
    /// </summary>
    public static string OneRosterClassification(string collection) =>
        collection is "demographics" or "results" or "assessmentResults" ? "II" : "III";

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, ReadAsync).RequireAuthorization(AuthSetup.AdminPolicy).WithName("listAuditEvents");
        return routes;
    }

    public sealed record AuditEventView(
        long Id, DateTime At, string Tenant, string ClientId, string Action, string Resource, string? Target, string? Query, int Records,
        string Classification, int Status);

    public sealed record AuditPage(IReadOnlyList<AuditEventView> Events, string? Next);

    /// <summary>
    /// A tenant's trail, newest first, keyset-paged by <c>before</c> (the id of the last event seen). A tenant administrator
    /// reads its own tenant only; the hub operator (tenant <c>*</c>) names the tenant.
    /// </summary>
    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> ReadAsync(
        HttpContext context, ClaimsPrincipal user, AuditLog audit, string? tenant, string? clientId, string? before, string? limit, CancellationToken cancellationToken)
    {
        var own = user.Tenant();
        var target = tenant ?? (own == Caller.AllTenants ? null : own);
        if (target is null) return Problem(400, "tenant is required for a hub-wide administrator.");
        if (!Caller.IsValidTenantCode(target)) return Problem(400, "tenant is not a tenant code.");
        if (!user.MayAccessTenant(target)) return Problem(403, "This client may not read another tenant's audit trail.");
        long? beforeId = null;
        if (before is not null)
        {
            if (!long.TryParse(before, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b <= 0) return Problem(400, "before must be a positive event id.");
            beforeId = b;
        }
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take <= 0))
            return Problem(400, "limit must be a positive integer.");
        take = Math.Min(take, MaxLimit);
        if (clientId is { Length: > 200 }) return Problem(400, "clientId is too long.");

        // Everything recorded before this request is in the table when we read it.
        await audit.FlushAsync(cancellationToken);
        var rows = await audit.ReadAsync(target, clientId, beforeId, take, cancellationToken);
        var events = rows.Select(r => new AuditEventView(r.Id, DateTime.SpecifyKind(r.At, DateTimeKind.Utc), r.Tenant, r.ClientId, r.Action, r.Resource,
            r.Target, r.Query, r.Records, r.Classification, r.Status)).ToList();
        string? next = null;
        if (events.Count == take)
        {
            var query = new List<string> { "tenant=" + Uri.EscapeDataString(target), "before=" + events[^1].Id.ToString(CultureInfo.InvariantCulture), "limit=" + take.ToString(CultureInfo.InvariantCulture) };
            if (clientId is not null) query.Add("clientId=" + Uri.EscapeDataString(clientId));
            next = Path + "?" + string.Join('&', query);
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new AuditPage(events, next));
    }

    private static ProblemHttpResult Problem(int status, string detail) => TypedResults.Problem(detail: detail, statusCode: status);

    /// <summary>Runs the trail's writer for the host's life and drains the queue when the host stops.</summary>
    private sealed class AuditWriter(AuditLog audit) : BackgroundService
    {
        // Not the stopping token: on shutdown the queue is completed instead, and the loop writes what is queued.
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => audit.RunAsync(CancellationToken.None);

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            audit.Complete();
            if (ExecuteTask is { } running) await running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
