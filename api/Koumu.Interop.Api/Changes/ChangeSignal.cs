using Koumu.Interop.Storage;
using Npgsql;

namespace Koumu.Interop.Api.Changes;

/// <summary>
/// Wakes the stream and the webhook dispatcher when a change commits, so they need not wait for their next poll. On
/// PostgreSQL every committing import sends <c>NOTIFY koumu_changes</c> (in its transaction, so only on commit, to every
/// hub process); <see cref="ChangeListener"/> turns it into <see cref="Pulse"/>. Waiters still poll: a lost
/// notification (a dropped listener connection) only costs one poll interval.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Returns at the next pulse or after <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _next).Task;
        try
        {
            await next.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The poll interval passed without a notification: the caller looks anyway.
        }
    }
}

/// <summary>Listens for <c>koumu_changes</c> notifications on PostgreSQL (nothing to do on SQLite: one process, polling).</summary>
public sealed partial class ChangeListener(RosterStore store, ChangeSignal signal, ILogger<ChangeListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store.Options.Provider != DatabaseProvider.Postgres) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(store.Options.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Pulse();
                await using (var listen = new NpgsqlCommand("LISTEN koumu_changes", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                while (!stoppingToken.IsCancellationRequested) await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                LogListenFailed(logger, e);
                try { await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Listening for change notifications failed; reconnecting (deliveries continue by polling).")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
