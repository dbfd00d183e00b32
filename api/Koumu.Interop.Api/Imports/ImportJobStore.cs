using System.Text.Json;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Api.Imports;

/// <summary>An import job as the admin API returns it.</summary>
public sealed record ImportJobView(
    Guid Id, string Tenant, string Status, string Profile, string? FileName,
    DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt,
    long ErrorCount, long WarningCount, JsonElement? Summary, string? FailureMessage);

/// <summary>One problem of a job, as the admin API returns it.</summary>
public sealed record ImportProblemView(
    int Sequence, string? File, long? Line, string? Column, string RuleId, string Severity, string MessageEn, string MessageJa, string? Value);

/// <summary>
/// The import_jobs / import_problems rows. Jobs live in the database, not in memory, so their status and problem list
/// survive a restart and can be read by any hub process.
/// </summary>
public sealed class ImportJobStore(RosterStore store)
{
    private const int ProblemBatch = 1000;

    public async Task<ImportJob> CreateAsync(int tenantId, string profile, string? fileName, CancellationToken cancellationToken)
    {
        var job = new ImportJob
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Status = ImportJobStatus.Queued,
            Profile = profile,
            FileName = fileName,
            CreatedAt = DateTime.UtcNow,
        };
        await using var db = store.CreateDbContext();
        db.ImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    public async Task<ImportJob?> FindAsync(int tenantId, Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        return await db.ImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.TenantId == tenantId, cancellationToken);
    }

    public async Task<(long Total, IReadOnlyList<ImportProblemView> Page)> ProblemsAsync(Guid jobId, int offset, int limit, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var query = db.ImportProblems.AsNoTracking().Where(p => p.JobId == jobId);
        var total = await query.LongCountAsync(cancellationToken);
        // The (job_id, sequence) index makes both the count and the page cheap; problems are capped per job anyway.
        var page = await query.OrderBy(p => p.Sequence).Skip(offset).Take(limit)
            .Select(p => new ImportProblemView(p.Sequence, p.File, p.Line, p.Column, p.RuleId, p.Severity, p.MessageEn, p.MessageJa, p.Value))
            .ToListAsync(cancellationToken);
        return (total, page);
    }

    public async Task MarkRunningAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var job = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
        job.Status = ImportJobStatus.Running;
        job.StartedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Records the outcome: succeeded when stored, rejected when the package had errors (nothing stored).</summary>
    public async Task<string> CompleteAsync(Guid jobId, ProcessingResult result, bool committed, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        // One transaction, status last: a client polling the job never sees "rejected" before its problems are readable.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Problems go in batches with a cleared change tracker: a rejected package can carry up to
        // PackageLimits.MaxProblemsKept (100,000) problems, and one SaveChanges over all of them would hold every entity.
        for (var start = 0; start < result.Problems.Count; start += ProblemBatch)
        {
            var end = Math.Min(start + ProblemBatch, result.Problems.Count);
            for (var i = start; i < end; i++)
            {
                var p = result.Problems[i];
                db.ImportProblems.Add(new ImportProblem
                {
                    JobId = jobId,
                    Sequence = i + 1,
                    File = p.File,
                    Line = p.Line,
                    Column = p.Column,
                    RuleId = p.RuleId,
                    Severity = p.Severity == Severity.Error ? "error" : "warning",
                    MessageEn = p.MessageEn,
                    MessageJa = p.MessageJa,
                    Value = p.Value,
                });
            }
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        var job = await db.ImportJobs.SingleAsync(j => j.Id == jobId, cancellationToken);
        job.Status = committed ? ImportJobStatus.Succeeded : result.Accepted ? ImportJobStatus.Failed : ImportJobStatus.Rejected;
        if (!committed && result.Accepted) job.FailureMessage = "The package was valid but the store did not commit it; nothing was stored.";
        job.FinishedAt = DateTime.UtcNow;
        job.ErrorCount = result.ErrorCount;
        job.WarningCount = result.WarningCount;
        job.SummaryJson = Summary(result, committed);
        db.Entry(job).State = EntityState.Modified;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return job.Status;
    }

    /// <summary>The hub (not the package) failed: nothing was stored, and the job says so.</summary>
    public async Task FailAsync(Guid jobId, string message, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var job = await db.ImportJobs.SingleOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        if (job is null) return;
        job.Status = ImportJobStatus.Failed;
        job.FinishedAt = DateTime.UtcNow;
        job.FailureMessage = message;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Jobs left queued or running by a previous process can never finish: their upload was a temp file of that process.
    /// The import is all-or-nothing, so nothing of them was stored.
    /// </summary>
    public async Task<int> FailAbandonedAsync(CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var now = DateTime.UtcNow;
        return await db.ImportJobs
            .Where(j => j.Status == ImportJobStatus.Queued || j.Status == ImportJobStatus.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, ImportJobStatus.Failed)
                .SetProperty(j => j.FinishedAt, now)
                .SetProperty(j => j.FailureMessage, "The hub stopped before this import finished; nothing was stored. Upload the package again."),
                cancellationToken);
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DateTime? Utc(DateTime? value) => value is null ? null : Utc(value.Value);

    public static ImportJobView View(ImportJob job, string tenant) => new(
        // SQLite hands DateTime back without a kind: every stored instant is UTC, so say so (the JSON gets its 'Z').
        job.Id, tenant, job.Status, job.Profile, job.FileName, Utc(job.CreatedAt), Utc(job.StartedAt), Utc(job.FinishedAt),
        job.ErrorCount, job.WarningCount,
        job.SummaryJson is null ? null : JsonSerializer.Deserialize<JsonElement>(job.SummaryJson),
        job.FailureMessage);

    private static string Summary(ProcessingResult result, bool committed) => JsonSerializer.Serialize(new
    {
        committed,
        oneRosterVersion = result.Manifest?.OneRosterVersion,
        problemsKept = result.Problems.Count,
        files = result.Files.Select(f => new
        {
            file = f.File,
            mode = f.Mode.ToString().ToLowerInvariant(),
            rows = f.Rows,
            deletions = f.Deletions,
            layout = f.Layout,
        }),
    });
}
