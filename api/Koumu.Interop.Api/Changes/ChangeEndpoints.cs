using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Changes;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace Koumu.Interop.Api.Changes;

/// <summary>
/// The pull feed <c>GET /koumu/changes/v1</c> and the live stream <c>GET /koumu/changes/v1/stream</c> (issue #4 §2, §4):
/// the tenant's changes after a version, ascending, confined to what the client may see (<see cref="ChangeAudiences"/>),
/// one query per page. A client resumes from the last version it processed (<c>nextSince</c>, or SSE's
/// <c>Last-Event-ID</c>), so nothing is missed across disconnects; delivery is at-least-once, consumers are idempotent
/// by (resource, sourcedId, version).
/// </summary>
public static class ChangeEndpoints
{
    public const string Path = "/koumu/changes/v1";
    public const string Policy = "koumu.changes";

    public static IServiceCollection AddKoumuChanges(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy
                .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.HasScope(KoumuScopes.ChangesReadonly)));
        services.AddSingleton(ChangeStreamOptions.From(configuration));
        services.AddSingleton<ChangeSignal>();
        services.AddHostedService<ChangeListener>();
        services.AddKoumuWebhooks(configuration);
        services.AddKoumuNats(configuration);
        return services;
    }

    public static IEndpointRouteBuilder MapChangeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, ReadAsync).RequireAuthorization(Policy).WithName("getChanges");
        routes.MapGet(Path + "/stream", StreamAsync).RequireAuthorization(Policy).WithName("streamChanges");
        routes.MapWebhookEndpoints();
        return routes;
    }

    /// <summary>A validated request: the tenant, where to start, the audience.</summary>
    private sealed record FeedRequest(int TenantId, long Since, int Limit, ChangeAudience Audience);

    private static async Task<(FeedRequest? Request, ProblemHttpResult? Problem)> ParseAsync(HttpContext context, RosterStore store, bool stream,
        CancellationToken cancellationToken)
    {
        var user = context.User;
        var tenant = user.Tenant();
        if (tenant is null || tenant == Caller.AllTenants)
            return (null, Problems.Forbidden("The change feed needs a client bound to one tenant (koumu_tenant)."));
        var query = context.Request.Query;

        long since = 0;
        var sinceText = stream && context.Request.Headers.TryGetValue("Last-Event-ID", out var lastEventId) && lastEventId.Count > 0 && !string.IsNullOrEmpty(lastEventId[0])
            ? lastEventId[0]
            : (string?)query["since"];
        if (sinceText is not null && (!long.TryParse(sinceText, NumberStyles.None, CultureInfo.InvariantCulture, out since) || sinceText.Length > 19))
            return (null, Problems.BadRequest("'since' (or Last-Event-ID) is a change version: a non-negative integer."));

        var limit = ChangeFeed.DefaultLimit;
        if ((string?)query["limit"] is { } limitText)
        {
            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit == 0)
                return (null, Problems.BadRequest($"'limit' is an integer from 1 to {ChangeFeed.MaxLimit}."));
            // Like OneRoster's limit: a larger page is served at the maximum rather than refused.
            limit = Math.Min(limit, ChangeFeed.MaxLimit);
        }

        var (resources, resourceError) = ChangeAudiences.ParseResources(query["resource"]);
        if (resourceError is not null) return (null, Problems.BadRequest(resourceError));
        var (orgs, orgError) = ChangeAudiences.ParseOrgs(query["org"]);
        if (orgError is not null) return (null, Problems.BadRequest(orgError));

        var tenantId = await store.FindTenantAsync(tenant, cancellationToken) ?? -1;
        await using var connection = await ChangeFeed.OpenAsync(store, cancellationToken);
        var audience = await ChangeAudiences.ResolveAsync(connection, store.Options.Provider, tenantId,
            [.. user.GetClaims(Caller.OrgsClaim)], orgs, resources, cancellationToken);
        if (stream && sinceText is null) since = await ChangeFeed.CurrentVersionAsync(connection, tenantId, cancellationToken);
        return (new FeedRequest(tenantId, since, limit, audience), null);
    }

    private static async Task<IResult> ReadAsync(HttpContext context, RosterStore store, HubSettings settings, CancellationToken cancellationToken)
    {
        var (request, problem) = await ParseAsync(context, store, stream: false, cancellationToken);
        if (problem is not null) return problem;
        IReadOnlyList<ChangeEntry> changes;
        bool hasMore;
        await using (var connection = await ChangeFeed.OpenAsync(store, cancellationToken))
            (changes, hasMore) = await ChangeFeed.ReadAsync(connection, store.Options.Provider, request!.TenantId, request.Since, request.Audience, request.Limit, cancellationToken);

        var nextSince = changes.Count > 0 ? changes[^1].Version : request.Since;
        var baseUrl = OneRoster.RosteringHandlers.BaseUrl(context.Request, settings.PublicBaseUrl);
        if (hasMore)
        {
            var pairs = context.Request.Query.Where(p => p.Key != "since")
                .SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(v ?? "")))
                .Append("since=" + nextSince.ToString(CultureInfo.InvariantCulture));
            context.Response.Headers.Link = $"<{baseUrl}{Path}?{string.Join('&', pairs)}>; rel=\"next\"";
        }
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("changes");
            foreach (var change in changes) WriteChange(writer, change, baseUrl);
            writer.WriteEndArray();
            writer.WriteNumber("nextSince", nextSince);
            writer.WriteBoolean("hasMore", hasMore);
            writer.WriteEndObject();
        }
        return Results.Bytes(buffer.ToArray(), "application/json; charset=utf-8");
    }

    /// <summary>One change as the feed, the stream and the webhook <c>data</c> show it.</summary>
    public static void WriteChange(Utf8JsonWriter writer, ChangeEntry change, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(change);
        writer.WriteStartObject();
        writer.WriteNumber("version", change.Version);
        writer.WriteString("resource", change.Resource);
        writer.WriteString("sourcedId", change.SourcedId);
        writer.WriteString("operation", change.Operation);
        writer.WriteString("changedAt", change.ChangedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        if (ChangeAudiences.Href(baseUrl, change.Resource, change.SourcedId) is { } href) writer.WriteString("href", href);
        else writer.WriteNull("href");
        writer.WriteEndObject();
    }

    /// <summary>
    /// Server-Sent Events (WHATWG HTML §9.2): one <c>change</c> event per change with <c>id:</c> = its version, so a
    /// reconnecting EventSource resumes after the last one it saw (<c>Last-Event-ID</c>). Without a position the stream
    /// starts at the tenant's current version (new changes only). The table is polled cheaply (one counter row), and on
    /// PostgreSQL a commit's NOTIFY wakes the stream at once (<see cref="ChangeSignal"/>); a comment line every heartbeat interval keeps proxies from closing
    /// an idle connection.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, RosterStore store, ChangeStreamOptions options, ChangeSignal signal,
        IHostApplicationLifetime lifetime, HubSettings settings)
    {
        // Ends with the client or with the hub (a stopping hub must not wait for streams that never end by themselves).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = linked.Token;
        var (request, problem) = await ParseAsync(context, store, stream: true, cancellationToken);
        if (problem is not null)
        {
            await problem.ExecuteAsync(context);
            return;
        }
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events through unbuffered
        // Koumu:PublicBaseUrl when set (a forged Host header must not put foreign URLs into hrefs), else the request's.
        var baseUrl = OneRoster.RosteringHandlers.BaseUrl(context.Request, settings.PublicBaseUrl);
        var position = request!.Since;
        await WriteAsync(response, $"retry: {(int)options.PollInterval.TotalMilliseconds * 4}\n: koumu change stream from version {position}\n\n", cancellationToken);
        var lastWrite = DateTime.UtcNow;
        var ends = DateTime.UtcNow + options.MaxDuration;
        try
        {
            while (!cancellationToken.IsCancellationRequested && DateTime.UtcNow < ends)
            {
                IReadOnlyList<ChangeEntry> changes = [];
                var hasMore = false;
                await using (var connection = await ChangeFeed.OpenAsync(store, cancellationToken))
                {
                    // The counter row first: an idle tenant costs one primary-key lookup per poll.
                    if (await ChangeFeed.CurrentVersionAsync(connection, request.TenantId, cancellationToken) > position)
                        (changes, hasMore) = await ChangeFeed.ReadAsync(connection, store.Options.Provider, request.TenantId, position, request.Audience,
                            ChangeFeed.MaxLimit, cancellationToken);
                }
                if (changes.Count > 0)
                {
                    var text = new StringBuilder();
                    foreach (var change in changes)
                    {
                        using var buffer = new MemoryStream();
                        await using (var writer = new Utf8JsonWriter(buffer)) WriteChange(writer, change, baseUrl);
                        text.Append("id: ").Append(change.Version.ToString(CultureInfo.InvariantCulture)).Append("\nevent: change\ndata: ")
                            .Append(Encoding.UTF8.GetString(buffer.ToArray())).Append("\n\n");
                    }
                    position = changes[^1].Version;
                    await WriteAsync(response, text.ToString(), cancellationToken);
                    lastWrite = DateTime.UtcNow;
                    if (hasMore) continue;
                }
                else if (DateTime.UtcNow - lastWrite >= options.Heartbeat)
                {
                    await WriteAsync(response, ": heartbeat\n\n", cancellationToken);
                    lastWrite = DateTime.UtcNow;
                }
                await signal.WaitAsync(options.PollInterval, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away: nothing to clean up, its position is its last event id.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, Encoding.UTF8, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

}

/// <summary>Stream timing (<c>Koumu:Changes:*</c>): poll interval, heartbeat interval, and how long one stream may last before the client reconnects.</summary>
public sealed record ChangeStreamOptions(TimeSpan PollInterval, TimeSpan Heartbeat, TimeSpan MaxDuration)
{
    public static ChangeStreamOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Koumu:Changes");
        var poll = section.GetValue<int?>("StreamPollMilliseconds") ?? 250;
        var heartbeat = section.GetValue<int?>("HeartbeatSeconds") ?? 15;
        var duration = section.GetValue<int?>("StreamMaxMinutes") ?? 60;
        if (poll <= 0 || heartbeat <= 0 || duration <= 0) throw new InvalidOperationException("Koumu:Changes timings must be positive.");
        return new ChangeStreamOptions(TimeSpan.FromMilliseconds(poll), TimeSpan.FromSeconds(heartbeat), TimeSpan.FromMinutes(duration));
    }
}
