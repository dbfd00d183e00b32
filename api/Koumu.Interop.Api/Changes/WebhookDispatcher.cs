using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Changes;
using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Api.Changes;

/// <summary>Webhook delivery settings (<c>Koumu:Webhooks:*</c>).</summary>
public sealed record WebhookOptions
{
    public bool AllowPrivateTargets { get; init; }
    public RetrySchedule Retry { get; init; } = RetrySchedule.Default;
    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(250);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>A claimed delivery is not claimed again before this; longer than <see cref="Timeout"/>.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(60);
    public int BatchSize { get; init; } = 64;
    public int Concurrency { get; init; } = 16;
    /// <summary>How long the previous secret keeps signing after a rotation.</summary>
    public TimeSpan RotationOverlap { get; init; } = TimeSpan.FromHours(24);
    /// <summary>The hub's public URL (<c>Koumu:PublicBaseUrl</c>) for CloudEvents <c>source</c> and record <c>href</c>s; relative without it.</summary>
    public string BaseUrl { get; init; } = "";

    public static WebhookOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var s = configuration.GetSection("Koumu:Webhooks");
        var retry = new RetrySchedule(
            TimeSpan.FromMilliseconds(s.GetValue<int?>("RetryBaseMilliseconds") ?? 5000),
            TimeSpan.FromSeconds(s.GetValue<int?>("RetryCapSeconds") ?? 3600),
            s.GetValue<int?>("MaxAttempts") ?? 12);
        if (retry.Base <= TimeSpan.Zero || retry.Cap < retry.Base || retry.MaxAttempts < 1)
            throw new InvalidOperationException("Koumu:Webhooks retry settings must be positive (cap ≥ base, at least one attempt).");
        return new WebhookOptions
        {
            AllowPrivateTargets = s.GetValue<bool?>("AllowPrivateTargets") ?? false,
            Retry = retry,
            Poll = TimeSpan.FromMilliseconds(Math.Max(10, s.GetValue<int?>("PollMilliseconds") ?? 250)),
            Timeout = TimeSpan.FromSeconds(Math.Max(1, s.GetValue<int?>("TimeoutSeconds") ?? 10)),
            Lease = TimeSpan.FromSeconds(Math.Max(5, s.GetValue<int?>("LeaseSeconds") ?? 60)),
            BatchSize = Math.Clamp(s.GetValue<int?>("BatchSize") ?? 64, 1, 1000),
            Concurrency = Math.Clamp(s.GetValue<int?>("Concurrency") ?? 16, 1, 64),
            RotationOverlap = TimeSpan.FromHours(Math.Max(0, s.GetValue<double?>("RotationOverlapHours") ?? 24)),
            BaseUrl = (configuration["Koumu:PublicBaseUrl"] ?? "").TrimEnd('/'),
        };
    }
}

public static class WebhookSetup
{
    public const string HttpClientName = "koumu-webhooks";

    public static IServiceCollection AddKoumuWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        var options = WebhookOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton(new WebhookTargets(options.AllowPrivateTargets));
        services.AddSingleton(sp => new WebhookStore(sp.GetRequiredService<RosterStore>()));
        // The secrets' key is derived from the token signing key (HKDF-SHA256, as the OneRoster cursor key): every hub
        // process of the deployment can sign, and there is no second secret to distribute.
        services.AddSingleton(sp => new WebhookSecretBox(HKDF.DeriveKey(HashAlgorithmName.SHA256,
            File.ReadAllBytes(sp.GetRequiredService<HubSettings>().SigningKeyPath), 32, salt: [], info: Encoding.UTF8.GetBytes("koumu webhook secrets v1"))));
        services.AddHttpClient(HttpClientName, client => client.Timeout = options.Timeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                // The SSRF check runs on the address actually dialled (DNS rebinding); no proxy, so it is the target's.
                ConnectCallback = sp.GetRequiredService<WebhookTargets>().ConnectAsync,
                UseProxy = false,
                // A redirect could point anywhere (an internal address included): 3xx is a failed delivery.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}

/// <summary>
/// Delivers changes to webhook subscriptions (issue #4 §3): fans each subscription's new visible changes out into the
/// delivery queue, claims due deliveries and POSTs them (Standard Webhooks headers, thin CloudEvents 1.0 JSON body).
/// 2xx = delivered; 410 Gone disables the subscription; anything else (or no answer) is retried with exponential
/// backoff and full jitter, <c>Retry-After</c> honoured, and becomes a dead letter after the last attempt. All state is
/// in the database, so deliveries survive restarts and several hub processes share the queue.
/// </summary>
public sealed partial class WebhookDispatcher(
    WebhookStore webhooks, RosterStore store, WebhookSecretBox secrets, WebhookOptions options, IHttpClientFactory httpClients,
    IServiceScopeFactory scopes, ChangeSignal signal, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<int, string> _tenantCodes = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FanOutAsync(stoppingToken);
                var claimed = await webhooks.ClaimAsync(options.BatchSize, options.Lease, stoppingToken);
                if (claimed.Count > 0)
                {
                    await SendAllAsync(claimed, stoppingToken);
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or HttpRequestException or IOException)
            {
                LogCycleFailed(logger, e);
            }
            try
            {
                await signal.WaitAsync(options.Poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Fans out the subscriptions that are behind their tenant's change version (an idle hub costs one query).</summary>
    private async Task FanOutAsync(CancellationToken cancellationToken)
    {
        List<WebhookSubscription> behind;
        await using (var db = store.CreateDbContext())
        {
            behind = await db.WebhookSubscriptions.AsNoTracking()
                .Where(s => s.Status == WebhookSubscriptionStatus.Active)
                .Join(db.Tenants, s => s.TenantId, t => t.Id, (s, t) => new { s, t.ChangeVersion })
                .Where(x => x.s.CursorVersion < x.ChangeVersion)
                .Select(x => x.s)
                .ToListAsync(cancellationToken);
        }
        if (behind.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var clients = scope.ServiceProvider.GetRequiredService<ClientRegistry>();
        foreach (var subscription in behind)
        {
            var client = await clients.FindAsync(subscription.ClientId, cancellationToken);
            if (client is null)
            {
                // The client was deleted: nobody may receive its deliveries any more.
                await webhooks.DisableAsync(subscription.Id, deliveryId: -1, "the client was deleted", cancellationToken);
                continue;
            }
            ChangeAudience audience;
            await using (var connection = await webhooks.OpenAsync(cancellationToken))
            {
                audience = await ChangeAudiences.ResolveAsync(connection, webhooks.Provider, subscription.TenantId, client.Orgs,
                    Split(subscription.Orgs), Split(subscription.Resources), cancellationToken);
            }
            // Catch up in windows; another process holding the subscription (-1) does it instead.
            while (await webhooks.FanOutAsync(subscription.Id, subscription.TenantId, audience, cancellationToken) > 0)
            {
            }
        }
    }

    internal static IReadOnlyList<string>? Split(string? text) =>
        string.IsNullOrEmpty(text) ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private async Task SendAllAsync(IReadOnlyList<ClaimedDelivery> claimed, CancellationToken cancellationToken)
    {
        var ids = claimed.Select(c => c.SubscriptionId).Distinct().ToList();
        Dictionary<Guid, WebhookSubscription> subscriptions;
        await using (var db = store.CreateDbContext())
            subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var delivered = new ConcurrentBag<(long, int)>();
        try
        {
            await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
                async (delivery, token) =>
                {
                    if (!subscriptions.TryGetValue(delivery.SubscriptionId, out var subscription) || subscription.Status != WebhookSubscriptionStatus.Active) return;
                    if (await SendAsync(subscription, delivery, token) is { } status) delivered.Add((delivery.Id, status));
                });
        }
        finally
        {
            // Successes are recorded together, one statement for the batch; a crash before this line only means the
            // batch is sent again after its lease (at-least-once; receivers deduplicate by webhook-id).
            await webhooks.MarkDeliveredAsync([.. delivered], CancellationToken.None);
        }
    }

    /// <summary>Sends one delivery; returns the status code when it was delivered (recorded by the caller), null otherwise (recorded here).</summary>
    private async Task<int?> SendAsync(WebhookSubscription subscription, ClaimedDelivery delivery, CancellationToken cancellationToken)
    {
        var messageId = MessageId(subscription.Id, delivery.Version);
        var body = await BodyAsync(delivery, messageId, cancellationToken);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var keys = new List<string> { secrets.Open(subscription.Id, subscription.Secret) };
        if (subscription.PreviousSecret is { } previous && subscription.PreviousSecretExpiresAt > DateTime.UtcNow)
            keys.Add(secrets.Open(subscription.Id, previous));

        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/cloudevents+json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("webhook-id", messageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", StandardWebhooks.SignatureHeader(keys, messageId, timestamp, body));
        request.Headers.UserAgent.ParseAdd("KoumuInterop-Webhooks/1.0");

        int? status = null;
        string error;
        TimeSpan? retryAfter = null;
        try
        {
            using var response = await httpClients.CreateClient(WebhookSetup.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return status;
            if (response.StatusCode == HttpStatusCode.Gone)
            {
                await webhooks.DisableAsync(subscription.Id, delivery.Id, "the receiver answered 410 Gone", CancellationToken.None);
                LogDisabled(logger, subscription.Id);
                return null;
            }
            retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - DateTimeOffset.UtcNow,
                _ => null,
            };
            error = "HTTP " + status.Value.ToString(CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null; // shutting down: the lease expires and another attempt follows
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            error = e is OperationCanceledException ? "timed out" : e.Message;
        }
        var delay = options.Retry.Next(delivery.Attempts + 1, retryAfter, Random.Shared);
        await webhooks.MarkFailedAsync(delivery.Id, status, error, delay is { } d ? DateTime.UtcNow + d : null, CancellationToken.None);
        if (delay is null) LogDead(logger, delivery.Id, subscription.Id, error);
        return null;
    }

    /// <summary>Stable across retries (Standard Webhooks: the same id for the same message, so receivers can deduplicate).</summary>
    public static string MessageId(Guid subscriptionId, long version) =>
        "msg_" + subscriptionId.ToString("N") + "_" + version.ToString(CultureInfo.InvariantCulture);

    /// <summary>The delivery's thin CloudEvents body (<see cref="ChangeEvents.CloudEvent"/>), shared with the NATS publisher.</summary>
    private async Task<byte[]> BodyAsync(ClaimedDelivery delivery, string messageId, CancellationToken cancellationToken) =>
        ChangeEvents.CloudEvent(new ChangeEntry
        {
            TenantId = delivery.TenantId, Version = delivery.Version, Resource = delivery.Resource, SourcedId = delivery.SourcedId,
            Operation = delivery.Operation, ChangedAt = delivery.ChangedAt,
        }, await TenantCodeAsync(delivery.TenantId, cancellationToken), messageId, options.BaseUrl);

    private async Task<string> TenantCodeAsync(int tenantId, CancellationToken cancellationToken)
    {
        if (_tenantCodes.TryGetValue(tenantId, out var code)) return code;
        await using var db = store.CreateDbContext();
        code = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Code).SingleAsync(cancellationToken);
        _tenantCodes[tenantId] = code;
        return code;
    }

    [LoggerMessage(LogLevel.Warning, "Webhook dispatcher cycle failed; retrying.")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Webhook subscription {SubscriptionId} disabled: the receiver answered 410 Gone.")]
    private static partial void LogDisabled(ILogger logger, Guid subscriptionId);

    [LoggerMessage(LogLevel.Warning, "Webhook delivery {DeliveryId} of subscription {SubscriptionId} is a dead letter after its last attempt: {Error}")]
    private static partial void LogDead(ILogger logger, long deliveryId, Guid subscriptionId, string error);
}
