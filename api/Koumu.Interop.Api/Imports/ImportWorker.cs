using System.Threading.Channels;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;

namespace Koumu.Interop.Api.Imports;

/// <summary>
/// Runs queued imports. One tenant's imports run one after another, in upload order: a delta package depends on the
/// state the previous package left. Different tenants run side by side, at most <see cref="HubSettings.MaxConcurrentImports"/> at once.
/// </summary>
public sealed partial class ImportWorker(
    ImportQueue queue, ImportJobStore jobs, RosterStore store, HubSettings settings, ILogger<ImportWorker> logger) : BackgroundService
{
    private readonly Dictionary<int, Channel<ImportWorkItem>> _tenantQueues = [];
    private readonly List<Task> _tenantLoops = [];
    private readonly SemaphoreSlim _slots = new(settings.MaxConcurrentImports, settings.MaxConcurrentImports);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var item in queue.Reader.ReadAllAsync(stoppingToken))
            {
                if (!_tenantQueues.TryGetValue(item.TenantId, out var tenantQueue))
                {
                    tenantQueue = Channel.CreateUnbounded<ImportWorkItem>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
                    _tenantQueues[item.TenantId] = tenantQueue;
                    _tenantLoops.Add(Task.Run(() => RunTenantAsync(tenantQueue.Reader, stoppingToken), CancellationToken.None));
                }
                tenantQueue.Writer.TryWrite(item);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        foreach (var q in _tenantQueues.Values) q.Writer.TryComplete();
        await Task.WhenAll(_tenantLoops);
        // Whatever was still waiting when the hub stopped: its upload is deleted and the job says so.
        while (queue.Reader.TryRead(out var item)) await AbandonAsync(item);
    }

    private async Task RunTenantAsync(ChannelReader<ImportWorkItem> reader, CancellationToken stoppingToken)
    {
        await foreach (var item in reader.ReadAllAsync(CancellationToken.None))
        {
            if (stoppingToken.IsCancellationRequested)
            {
                await AbandonAsync(item);
                continue;
            }
            try
            {
                await _slots.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                await AbandonAsync(item);
                continue;
            }
            try
            {
                await RunAsync(item, stoppingToken);
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    private async Task RunAsync(ImportWorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            await jobs.MarkRunningAsync(item.JobId, cancellationToken);
            LogStarted(item.JobId, item.Tenant, item.Profile.Id);
            var (result, committed) = await ImportAsync(item, cancellationToken);
            var status = await jobs.CompleteAsync(item.JobId, result, committed, CancellationToken.None);
            LogFinished(item.JobId, item.Tenant, item.ClientId, status, result.ErrorCount, result.WarningCount);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await jobs.FailAsync(item.JobId, "The hub stopped during this import; nothing was stored. Upload the package again.", CancellationToken.None);
        }
        catch (Exception e)
        {
            // The import is one transaction, so a failure here leaves the store as it was.
            LogFailed(e, item.JobId, item.Tenant);
            await jobs.FailAsync(item.JobId, $"The hub failed while importing ({e.GetType().Name}); nothing was stored.", CancellationToken.None);
        }
        finally
        {
            TryDelete(item.UploadPath);
        }
    }

    private async Task<(ProcessingResult Result, bool Committed)> ImportAsync(ImportWorkItem item, CancellationToken cancellationToken)
    {
        IPackageSource source;
        try
        {
            source = ZipPackageSource.Open(File.OpenRead(item.UploadPath), PackageLimits.Default, Path.GetFileName(item.UploadPath));
        }
        catch (PackageRejectedException e)
        {
            // Not a zip, or an unsafe one (path traversal, zip bomb): rejected before any file is read.
            return (Rejected(e.Problem), false);
        }
        using (source)
        {
            var options = new ProcessingOptions { Profile = item.Profile, SourceEncoding = item.Encoding };
            var outcome = await store.ImportAsync(item.TenantId, source, options, cancellationToken);
            return (outcome.Result, outcome.Committed);
        }
    }

    private static ProcessingResult Rejected(Problem problem) => new()
    {
        Manifest = null,
        Problems = [problem],
        ErrorCount = problem.Severity == Severity.Error ? 1 : 0,
        WarningCount = problem.Severity == Severity.Error ? 0 : 1,
        Files = [],
    };

    private async Task AbandonAsync(ImportWorkItem item)
    {
        TryDelete(item.UploadPath);
        await jobs.FailAsync(item.JobId, "The hub stopped before this import started; nothing was stored. Upload the package again.", CancellationToken.None);
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException e)
        {
            LogCleanupFailed(e, path);
        }
        catch (UnauthorizedAccessException e)
        {
            LogCleanupFailed(e, path);
        }
    }

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Import {JobId} into tenant {Tenant} started (profile {Profile}).")]
    private partial void LogStarted(Guid jobId, string tenant, string profile);

    [LoggerMessage(LogLevel.Information, "Audit: import {JobId} into tenant {Tenant} by client {ClientId} finished: {Status}, {Errors} errors, {Warnings} warnings.")]
    private partial void LogFinished(Guid jobId, string tenant, string clientId, string status, long errors, long warnings);

    [LoggerMessage(LogLevel.Error, "Import {JobId} into tenant {Tenant} failed; nothing was stored.")]
    private partial void LogFailed(Exception exception, Guid jobId, string tenant);

    [LoggerMessage(LogLevel.Warning, "Could not delete the upload {Path}.")]
    private partial void LogCleanupFailed(Exception exception, string path);
}
