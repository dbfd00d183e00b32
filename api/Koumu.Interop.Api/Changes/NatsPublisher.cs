using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Changes;
using Microsoft.EntityFrameworkCore;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Koumu.Interop.Api.Changes;

/// <summary>
/// The optional NATS JetStream publisher (<c>Koumu:Nats:*</c>; off unless <c>Koumu:Nats:Url</c> is set), issue #4 §5
/// "fan-out to systems beyond the hub".
/// </summary>
public sealed partial record NatsOptions
{
    public required string Url { get; init; }

    /// <summary>The JetStream stream the publisher ensures exists (created with the prefix's subjects when missing).</summary>
    public string Stream { get; init; } = "KOUMU_CHANGES";

    /// <summary>The first subject token(s): subjects are <c>&lt;prefix&gt;.&lt;tenant&gt;.&lt;resource&gt;.&lt;operation&gt;</c>.</summary>
    public string SubjectPrefix { get; init; } = "koumu";

    /// <summary>Changes read and published per claim of a tenant.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>How long a claimed tenant is this process's (longer than a batch can take; after a crash, the wait before another process takes over).</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for one publish acknowledgement.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The JetStream duplicate window of a stream the publisher creates: longer than the lease, so a re-publish after a crash is dropped.</summary>
    public TimeSpan DuplicateWindow { get; init; } = TimeSpan.FromMinutes(10);

    public string BaseUrl { get; init; } = "";

    /// <summary>The <c>publisher_progress</c> key: progress is per stream, so a new stream receives every change from the beginning.</summary>
    public string Publisher => "nats:" + Stream;

    /// <summary>The options, or null when <c>Koumu:Nats:Url</c> is not set (no publisher). Invalid values stop the hub.</summary>
    public static NatsOptions? From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var s = configuration.GetSection("Koumu:Nats");
        if (string.IsNullOrWhiteSpace(s["Url"])) return null;
        var options = new NatsOptions
        {
            Url = s["Url"]!.Trim(),
            Stream = s["Stream"] ?? "KOUMU_CHANGES",
            SubjectPrefix = s["SubjectPrefix"] ?? "koumu",
            BatchSize = Math.Clamp(s.GetValue<int?>("BatchSize") ?? 500, 1, 10_000),
            Lease = TimeSpan.FromSeconds(Math.Max(5, s.GetValue<int?>("LeaseSeconds") ?? 30)),
            AckTimeout = TimeSpan.FromSeconds(Math.Max(1, s.GetValue<int?>("AckTimeoutSeconds") ?? 5)),
            Poll = TimeSpan.FromMilliseconds(Math.Max(10, s.GetValue<int?>("PollMilliseconds") ?? 250)),
            DuplicateWindow = TimeSpan.FromMinutes(Math.Max(1, s.GetValue<int?>("DuplicateWindowMinutes") ?? 10)),
            BaseUrl = (configuration["Koumu:PublicBaseUrl"] ?? "").TrimEnd('/'),
        };
        if (!Uri.TryCreate(options.Url.Split(',')[0], UriKind.Absolute, out var url) || url.Scheme is not ("nats" or "tls" or "ws" or "wss"))
            throw new InvalidOperationException("Koumu:Nats:Url must be a NATS URL such as nats://127.0.0.1:4222 (comma-separated for a cluster).");
        // JetStream stream names may not contain '.', '*', '>', path separators or whitespace (NATS docs, "Naming").
        if (!StreamName().IsMatch(options.Stream))
            throw new InvalidOperationException("Koumu:Nats:Stream must be 1–64 letters, digits, '_' or '-'.");
        // Literal subject tokens only: a wildcard or empty token in the prefix would publish outside the stream's subjects.
        if (!SubjectPrefixPattern().IsMatch(options.SubjectPrefix))
            throw new InvalidOperationException("Koumu:Nats:SubjectPrefix must be dot-separated tokens of letters, digits, '_' or '-'.");
        if (options.Lease <= options.AckTimeout)
            throw new InvalidOperationException("Koumu:Nats:LeaseSeconds must be longer than AckTimeoutSeconds.");
        return options;
    }

    /// <summary>
    /// <c>&lt;prefix&gt;.&lt;tenant&gt;.&lt;resource&gt;.&lt;operation&gt;</c>. A tenant code may contain '.', the NATS
    /// token separator: it becomes '~' (never part of a tenant code), so one tenant's subjects can never fall under
    /// another's (<c>koumu.a.&gt;</c> must not match tenant <c>a.b</c>).
    /// </summary>
    public string Subject(string tenantCode, string resource, string operation) =>
        SubjectPrefix + "." + tenantCode.Replace('.', '~') + "." + resource + "." + operation;

    /// <summary>The stable message id of a change (tenant + version): JetStream drops a re-publish within the duplicate window.</summary>
    public static string MessageId(string tenantCode, long version) => tenantCode + ":" + version.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex StreamName();

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SubjectPrefixPattern();
}

public static class NatsSetup
{
    /// <summary>Registers the publisher when <c>Koumu:Nats:Url</c> is set; without it the hub has no NATS dependency at run time.</summary>
    public static IServiceCollection AddKoumuNats(this IServiceCollection services, IConfiguration configuration)
    {
        if (NatsOptions.From(configuration) is not { } options) return services;
        services.AddSingleton(options);
        services.AddSingleton(sp => new PublisherStore(sp.GetRequiredService<RosterStore>()));
        services.AddHostedService<NatsPublisher>();
        return services;
    }
}

/// <summary>
/// Publishes every change of the outbox to NATS JetStream (issue #4 §5): per tenant in version order, to
/// <c>&lt;prefix&gt;.&lt;tenant&gt;.&lt;resource&gt;.&lt;operation&gt;</c>, with the webhooks' thin CloudEvents body and
/// <c>Nats-Msg-Id</c> = tenant + version. A tenant's progress lives in <c>publisher_progress</c>, claimed with the
/// webhook queue's lease (<see cref="PublisherStore"/>) so several hub processes share the tenants and one publishes a
/// tenant at a time; it moves only after JetStream acknowledged the messages. A crash after an acknowledgement but before
/// the record re-publishes those messages, which JetStream drops as duplicates (same message id within the stream's
/// duplicate window) — at-least-once into the stream, exactly-once in it in practice. NATS being down never affects the
/// hub's writes: the outbox is in the database, and publishing resumes from the recorded version when NATS is back.
/// </summary>
public sealed partial class NatsPublisher(
    NatsOptions options, PublisherStore progress, RosterStore store, ChangeSignal signal, ILogger<NatsPublisher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<int, string> _tenantCodes = new();
    private static readonly NatsHeaders NoHeaders = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var connection = new NatsConnection(new NatsOpts
        {
            Url = options.Url,
            Name = "koumu-hub",
            // Keep reconnecting for as long as the hub runs: the outbox waits in the database meanwhile.
            MaxReconnectRetry = -1,
            RetryOnInitialConnect = true,
        });
        var js = new NatsJSContext(connection);
        var streamReady = false;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var published = false;
            try
            {
                if (!streamReady)
                {
                    await EnsureStreamAsync(js, stoppingToken);
                    streamReady = true;
                }
                await progress.EnsureTenantsAsync(options.Publisher, stoppingToken);
                foreach (var claim in await progress.ClaimAsync(options.Publisher, count: 8, options.Lease, stoppingToken))
                    published |= await PublishAsync(js, claim, stoppingToken);
                failures = 0;
                if (published) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NatsException or DbException or InvalidOperationException or TimeoutException or OperationCanceledException or IOException)
            {
                // NATS (or the database) is unreachable: nothing was recorded beyond what was acknowledged; look again soon.
                streamReady = false;
                // Back off (1, 2, 4, 8, then every 15 s) so an outage costs a log line now and then, not one a second.
                var delay = TimeSpan.FromSeconds(Math.Min(15, 1 << Math.Min(failures++, 4)));
                LogCycleFailed(logger, e, delay.TotalSeconds);
                try { await Task.Delay(delay, stoppingToken); }
                catch (OperationCanceledException) { return; }
                continue;
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

    /// <summary>Creates the stream (file storage, the prefix's subjects) unless it exists; an existing stream's settings are the operator's.</summary>
    private async Task EnsureStreamAsync(NatsJSContext js, CancellationToken cancellationToken)
    {
        try
        {
            await js.GetStreamAsync(options.Stream, cancellationToken: cancellationToken);
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            await js.CreateStreamAsync(new StreamConfig(options.Stream, [options.SubjectPrefix + ".>"])
            {
                Storage = StreamConfigStorage.File,
                DuplicateWindow = options.DuplicateWindow,
            }, cancellationToken);
        }
    }

    /// <summary>
    /// Publishes the claimed tenant's next batch one message at a time (each acknowledged before the next is sent, so the
    /// stream holds them in version order), then records the last acknowledged version and releases the tenant. A
    /// failure stops the batch after the last acknowledged change, which is recorded before the error propagates.
    /// Returns whether anything was published.
    /// </summary>
    private async Task<bool> PublishAsync(NatsJSContext js, PublisherClaim claim, CancellationToken cancellationToken)
    {
        var acknowledged = claim.PublishedVersion;
        try
        {
            var changes = await progress.ReadAsync(claim.TenantId, claim.PublishedVersion, options.BatchSize, cancellationToken);
            var tenant = await TenantCodeAsync(claim.TenantId, cancellationToken);
            foreach (var change in changes)
            {
                var id = NatsOptions.MessageId(tenant, change.Version);
                var body = ChangeEvents.CloudEvent(change, tenant, id, options.BaseUrl);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.AckTimeout);
                var ack = await js.PublishAsync(options.Subject(tenant, change.Resource, change.Operation), body,
                    opts: new NatsJSPubOpts { MsgId = id }, headers: new NatsHeaders { ["Content-Type"] = "application/cloudevents+json; charset=utf-8" },
                    cancellationToken: timeout.Token);
                // A duplicate is an acknowledgement too: the stream already holds this change (a re-publish after a crash).
                if (ack.Error is { } error) throw new NatsJSApiException(error);
                acknowledged = change.Version;
            }
            return changes.Count > 0;
        }
        finally
        {
            // Record what was acknowledged (and let the tenant go) even when the batch failed part-way.
            if (!await progress.ReleaseAsync(options.Publisher, claim, acknowledged, CancellationToken.None))
                LogLeaseLost(logger, claim.TenantId);
        }
    }

    private async Task<string> TenantCodeAsync(int tenantId, CancellationToken cancellationToken)
    {
        if (_tenantCodes.TryGetValue(tenantId, out var code)) return code;
        await using var db = store.CreateDbContext();
        code = await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.Code).SingleAsync(cancellationToken);
        _tenantCodes[tenantId] = code;
        return code;
    }

    [LoggerMessage(LogLevel.Warning, "NATS publisher cycle failed (is NATS reachable?); retrying in {Seconds} s. Changes wait in the outbox meanwhile.")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(LogLevel.Warning, "NATS publisher: the lease on tenant {TenantId} ran out before its progress was recorded; another process publishes it (duplicates are dropped by message id).")]
    private static partial void LogLeaseLost(ILogger logger, int tenantId);
}
