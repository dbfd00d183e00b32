using System.Security.Claims;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Changes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Api.Changes;

/// <summary>Body of <c>POST /koumu/admin/v1/webhooks</c>.</summary>
public sealed record CreateWebhookRequest(string? ClientId, string? Url, IReadOnlyList<string>? Resources, IReadOnlyList<string>? Orgs);

/// <summary>A subscription as the admin API shows it (never with its secret).</summary>
public sealed record WebhookInfo(Guid Id, string ClientId, string Tenant, string Url, IReadOnlyList<string>? Resources, IReadOnlyList<string>? Orgs,
    string Status, string? DisabledReason, DateTime CreatedAt, long CursorVersion);

/// <summary>The answer to a creation or rotation: the only time the plain <c>whsec_</c> secret is shown.</summary>
public sealed record WebhookSecret(WebhookInfo Subscription, string Secret, DateTime? PreviousSecretExpiresAt);

/// <summary>A dead letter: a change that could not be delivered after the last attempt.</summary>
public sealed record DeadLetter(long Id, long Version, string Resource, string SourcedId, string Operation, DateTime ChangedAt, int Attempts,
    int? LastStatusCode, string? LastError);

/// <summary>
/// Webhook subscriptions through the admin API (issue #4 §3; <c>koumu.admin</c>, confined to the caller's tenant like the
/// client endpoints): a subscription belongs to one OAuth client, whose orgs confine what it receives; resource and org
/// filters narrow it further. The <c>whsec_</c> secret is shown once and kept encrypted.
/// </summary>
public static partial class WebhookEndpoints
{
    public const string Path = "/koumu/admin/v1/webhooks";
    public const int MaxSubscriptionsPerClient = 10;

    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Path).RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapPost("", CreateAsync).WithName("createWebhook");
        group.MapGet("", ListAsync).WithName("listWebhooks");
        group.MapGet("/{id:guid}", GetAsync).WithName("getWebhook");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("deleteWebhook");
        group.MapPost("/{id:guid}/rotate-secret", RotateAsync).WithName("rotateWebhookSecret");
        group.MapGet("/{id:guid}/dead-letters", DeadLettersAsync).WithName("listWebhookDeadLetters");
        group.MapPost("/{id:guid}/dead-letters/redeliver", RedeliverAllAsync).WithName("redeliverWebhookDeadLetters");
        group.MapPost("/{id:guid}/dead-letters/{deliveryId:long}/redeliver", RedeliverAsync).WithName("redeliverWebhookDeadLetter");
        return routes;
    }

    private static async Task<Results<Created<WebhookSecret>, ProblemHttpResult>> CreateAsync(CreateWebhookRequest body, ClaimsPrincipal user,
        ClientRegistry clients, RosterStore store, WebhookStore webhooks, WebhookSecretBox box, WebhookTargets targets, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.ClientId) || body.ClientId.Length > 128) return Problems.BadRequest("'clientId' names an OAuth client of the hub.");
        var client = await clients.FindAsync(body.ClientId, cancellationToken);
        // Another tenant's client answers exactly like a missing one.
        if (client is null || !user.MayAccessTenant(client.Tenant) || client.Tenant == Caller.AllTenants)
            return Problems.NotFound($"There is no client '{ImportEndpoints.Truncate(body.ClientId)}' bound to one tenant.");
        // Least privilege: a subscription pushes what the client could pull, so the client must hold the feed's scope.
        if (!client.Scopes.Contains(KoumuScopes.ChangesReadonly, StringComparer.Ordinal))
            return Problems.BadRequest($"Client '{client.ClientId}' does not hold the scope {KoumuScopes.ChangesReadonly}.");
        if (string.IsNullOrWhiteSpace(body.Url) || body.Url.Length > 2048 || !Uri.TryCreate(body.Url, UriKind.Absolute, out var url))
            return Problems.BadRequest("'url' is an absolute https URL of at most 2048 characters.");
        if (await targets.CheckAsync(url, cancellationToken) is { } refusal) return Problems.BadRequest(refusal);
        var (resources, resourceError) = ChangeAudiences.ParseResources(body.Resources is null ? null : string.Join(',', body.Resources));
        if (resourceError is not null || body.Resources is { Count: 0 }) return Problems.BadRequest(resourceError ?? "'resources' lists at least one resource, or is absent for all.");
        var (orgs, orgError) = ChangeAudiences.ParseOrgs(body.Orgs is null ? null : string.Join(',', body.Orgs));
        if (orgError is not null || (body.Orgs is { Count: > 0 } && body.Orgs.Any(o => string.IsNullOrWhiteSpace(o) || o.Contains(',', StringComparison.Ordinal))))
            return Problems.BadRequest(orgError ?? "Every org sourcedId is 1–256 characters without commas.");

        var tenantId = await store.EnsureTenantAsync(client.Tenant, client.Tenant, cancellationToken);
        await using var db = store.CreateDbContext();
        if (await db.WebhookSubscriptions.CountAsync(s => s.ClientId == client.ClientId, cancellationToken) >= MaxSubscriptionsPerClient)
            return Problems.BadRequest($"A client has at most {MaxSubscriptionsPerClient} webhook subscriptions.");
        var secret = StandardWebhooks.NewSecret();
        var id = Guid.NewGuid();
        var subscription = new WebhookSubscription
        {
            Id = id,
            TenantId = tenantId,
            ClientId = client.ClientId,
            Url = url.AbsoluteUri,
            Resources = resources is null ? null : string.Join(',', resources),
            Orgs = orgs is null ? null : string.Join(',', orgs),
            Status = WebhookSubscriptionStatus.Active,
            Secret = box.Seal(id, secret),
            // From now on: a new subscription receives changes committed after its creation.
            CursorVersion = await webhooks.CurrentVersionAsync(tenantId, cancellationToken),
            CreatedAt = DateTime.UtcNow,
        };
        db.WebhookSubscriptions.Add(subscription);
        await db.SaveChangesAsync(cancellationToken);
        LogCreated(loggers.CreateLogger(typeof(WebhookEndpoints)), user.ClientId(), id, client.ClientId, url.Host);
        return TypedResults.Created($"{Path}/{id}", new WebhookSecret(Info(subscription, client.Tenant), secret, null));
    }

    private static async Task<Ok<List<WebhookInfo>>> ListAsync(ClaimsPrincipal user, RosterStore store, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var tenant = user.Tenant() ?? "";
        var rows = await db.WebhookSubscriptions.AsNoTracking()
            .Join(db.Tenants, s => s.TenantId, t => t.Id, (s, t) => new { s, t.Code })
            .Where(x => tenant == Caller.AllTenants || x.Code == tenant)
            .OrderBy(x => x.s.CreatedAt)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(x => Info(x.s, x.Code)).ToList());
    }

    private static async Task<Results<Ok<WebhookInfo>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, RosterStore store, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var (subscription, code) = await FindAsync(db, id, user, cancellationToken);
        return subscription is null ? NoSuch(id) : TypedResults.Ok(Info(subscription, code!));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, ClaimsPrincipal user, RosterStore store, ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var (subscription, _) = await FindAsync(db, id, user, cancellationToken);
        if (subscription is null) return NoSuch(id);
        db.WebhookSubscriptions.Remove(subscription);
        await db.SaveChangesAsync(cancellationToken);
        LogDeleted(loggers.CreateLogger(typeof(WebhookEndpoints)), user.ClientId(), id);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// A new secret; the previous one keeps signing for the overlap (Standard Webhooks: one <c>v1</c> entry per valid
    /// secret), so receivers can switch without losing a delivery.
    /// </summary>
    private static async Task<Results<Ok<WebhookSecret>, ProblemHttpResult>> RotateAsync(Guid id, ClaimsPrincipal user, RosterStore store, WebhookSecretBox box,
        WebhookOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var (subscription, code) = await FindAsync(db, id, user, cancellationToken);
        if (subscription is null) return NoSuch(id);
        var secret = StandardWebhooks.NewSecret();
        subscription.PreviousSecret = subscription.Secret;
        subscription.PreviousSecretExpiresAt = DateTime.UtcNow + options.RotationOverlap;
        subscription.Secret = box.Seal(id, secret);
        await db.SaveChangesAsync(cancellationToken);
        LogRotated(loggers.CreateLogger(typeof(WebhookEndpoints)), user.ClientId(), id);
        return TypedResults.Ok(new WebhookSecret(Info(subscription, code!), secret, subscription.PreviousSecretExpiresAt));
    }

    private static async Task<Results<Ok<List<DeadLetter>>, ProblemHttpResult>> DeadLettersAsync(Guid id, ClaimsPrincipal user, RosterStore store,
        WebhookStore webhooks, CancellationToken cancellationToken)
    {
        await using (var db = store.CreateDbContext())
            if ((await FindAsync(db, id, user, cancellationToken)).Subscription is null) return NoSuch(id);
        var dead = await webhooks.DeadLettersAsync(id, 1000, cancellationToken);
        return TypedResults.Ok(dead.Select(d => new DeadLetter(d.Id, d.Version, d.Resource, d.SourcedId, d.Operation,
            DateTime.SpecifyKind(d.ChangedAt, DateTimeKind.Utc), d.Attempts, d.LastStatusCode, d.LastError)).ToList());
    }

    public sealed record Redelivered(int Count);

    private static async Task<Results<Accepted<Redelivered>, ProblemHttpResult>> RedeliverAllAsync(Guid id, ClaimsPrincipal user, RosterStore store,
        WebhookStore webhooks, CancellationToken cancellationToken) =>
        await RedeliverCoreAsync(id, null, user, store, webhooks, cancellationToken);

    private static async Task<Results<Accepted<Redelivered>, ProblemHttpResult>> RedeliverAsync(Guid id, long deliveryId, ClaimsPrincipal user, RosterStore store,
        WebhookStore webhooks, CancellationToken cancellationToken) =>
        await RedeliverCoreAsync(id, deliveryId, user, store, webhooks, cancellationToken);

    private static async Task<Results<Accepted<Redelivered>, ProblemHttpResult>> RedeliverCoreAsync(Guid id, long? deliveryId, ClaimsPrincipal user,
        RosterStore store, WebhookStore webhooks, CancellationToken cancellationToken)
    {
        await using (var db = store.CreateDbContext())
        {
            var (subscription, _) = await FindAsync(db, id, user, cancellationToken);
            if (subscription is null) return NoSuch(id);
            if (subscription.Status != WebhookSubscriptionStatus.Active)
                return Problems.Status(StatusCodes.Status409Conflict, "Conflict", $"The subscription is {subscription.Status} ({subscription.DisabledReason}).");
        }
        var count = await webhooks.RedeliverAsync(id, deliveryId, cancellationToken);
        if (deliveryId is not null && count == 0) return Problems.NotFound($"Subscription {id} has no dead letter {deliveryId}.");
        return TypedResults.Accepted($"{Path}/{id}/dead-letters", new Redelivered(count));
    }

    private static async Task<(WebhookSubscription? Subscription, string? Tenant)> FindAsync(KoumuDbContext db, Guid id, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var row = await db.WebhookSubscriptions.Where(s => s.Id == id)
            .Join(db.Tenants, s => s.TenantId, t => t.Id, (s, t) => new { s, t.Code })
            .SingleOrDefaultAsync(cancellationToken);
        // Another tenant's subscription answers exactly like a missing one.
        return row is null || !user.MayAccessTenant(row.Code) ? (null, null) : (row.s, row.Code);
    }

    private static WebhookInfo Info(WebhookSubscription s, string tenant) =>
        new(s.Id, s.ClientId, tenant, s.Url, WebhookDispatcher.Split(s.Resources), WebhookDispatcher.Split(s.Orgs), s.Status, s.DisabledReason,
            DateTime.SpecifyKind(s.CreatedAt, DateTimeKind.Utc), s.CursorVersion);

    private static ProblemHttpResult NoSuch(Guid id) => Problems.NotFound($"There is no webhook subscription {id}.");

    [LoggerMessage(LogLevel.Information, "Audit: client {CallerId} created webhook subscription {SubscriptionId} for client {ClientId} to host {Host}.")]
    private static partial void LogCreated(ILogger logger, string callerId, Guid subscriptionId, string clientId, string host);

    [LoggerMessage(LogLevel.Information, "Audit: client {CallerId} deleted webhook subscription {SubscriptionId}.")]
    private static partial void LogDeleted(ILogger logger, string callerId, Guid subscriptionId);

    [LoggerMessage(LogLevel.Information, "Audit: client {CallerId} rotated the secret of webhook subscription {SubscriptionId}.")]
    private static partial void LogRotated(ILogger logger, string callerId, Guid subscriptionId);
}
