using System.Security.Claims;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Api.Imports;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Koumu.Interop.Api;

/// <summary>
/// CSV package imports (issue #2 §6): upload → 202 + job; the job runs in the background, all-or-nothing, and keeps
/// its problem list (file, line, column, rule id, English and Japanese message) for the board to fix its export.
/// </summary>
public static partial class ImportEndpoints
{
    public const int DefaultProblemPage = 100;
    public const int MaxProblemPage = 1000;

    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/koumu/admin/v1/tenants/{tenant}/imports").RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapPost("", CreateAsync).WithName("createImport");
        group.MapGet("/{jobId:guid}", GetAsync).WithName("getImport");
        group.MapGet("/{jobId:guid}/problems", ProblemsAsync).WithName("getImportProblems");
        return routes;
    }

    private static async Task<Results<Accepted<ImportJobView>, ProblemHttpResult>> CreateAsync(
        string tenant, string? profile, string? encoding, HttpRequest request, ClaimsPrincipal user,
        RosterStore store, ImportJobStore jobs, ImportQueue queue, HubSettings settings, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        // Everything that can be refused is refused before the (possibly 2 GiB) body is read.
        if (string.IsNullOrWhiteSpace(profile))
            return Problems.BadRequest("The 'profile' query parameter is required: one of " + ProfileList() + ".");
        var definition = OneRosterProfiles.Find(profile);
        if (definition is null) return Problems.BadRequest($"Unknown profile '{Truncate(profile)}'. Known profiles: {ProfileList()}.");
        if (!TryEncoding(encoding, out var sourceEncoding))
            return Problems.BadRequest($"Unknown encoding '{Truncate(encoding)}'. Use utf-8 (with or without BOM) or shift_jis (CP932).");
        if (TenantAccess.Check(user, tenant) is { } refused) return refused;

        var (upload, uploadProblem) = await UploadReceiver.ReceiveAsync(request, settings, cancellationToken);
        if (uploadProblem is not null) return uploadProblem;

        ImportJob job;
        try
        {
            // Only a received upload creates a tenant, never a refused one.
            var (tenantId, problem) = await TenantAccess.ResolveAsync(user, tenant, store, createIfMissing: true, cancellationToken);
            if (problem is not null)
            {
                File.Delete(upload!.Path);
                return problem;
            }
            job = await jobs.CreateAsync(tenantId!.Value, definition.Id, upload!.FileName, cancellationToken);
            queue.Enqueue(new ImportWorkItem(job.Id, tenantId.Value, tenant, upload.Path, definition, sourceEncoding, user.ClientId()));
        }
        catch
        {
            File.Delete(upload!.Path);
            throw;
        }
        LogQueued(loggers.CreateLogger(typeof(ImportEndpoints)), user.ClientId(), job.Id, tenant, definition.Id, upload.Bytes, upload.FileName);
        return TypedResults.Accepted($"/koumu/admin/v1/tenants/{Uri.EscapeDataString(tenant)}/imports/{job.Id}", ImportJobStore.View(job, tenant));
    }

    private static async Task<Results<Ok<ImportJobView>, ProblemHttpResult>> GetAsync(
        string tenant, Guid jobId, ClaimsPrincipal user, RosterStore store, ImportJobStore jobs, CancellationToken cancellationToken)
    {
        var (tenantId, problem) = await TenantAccess.ResolveAsync(user, tenant, store, createIfMissing: false, cancellationToken);
        if (problem is not null) return problem;
        var job = await jobs.FindAsync(tenantId!.Value, jobId, cancellationToken);
        return job is null ? Problems.NotFound($"Tenant '{tenant}' has no import job {jobId}.") : TypedResults.Ok(ImportJobStore.View(job, tenant));
    }

    private static async Task<Results<Ok<IReadOnlyList<ImportProblemView>>, ProblemHttpResult>> ProblemsAsync(
        string tenant, Guid jobId, int? offset, int? limit, HttpResponse response, ClaimsPrincipal user,
        RosterStore store, ImportJobStore jobs, CancellationToken cancellationToken)
    {
        if (offset is < 0) return Problems.BadRequest("'offset' must be 0 or more.");
        if (limit is < 1 or > MaxProblemPage) return Problems.BadRequest($"'limit' must be between 1 and {MaxProblemPage}.");
        var (tenantId, problem) = await TenantAccess.ResolveAsync(user, tenant, store, createIfMissing: false, cancellationToken);
        if (problem is not null) return problem;
        if (await jobs.FindAsync(tenantId!.Value, jobId, cancellationToken) is null)
            return Problems.NotFound($"Tenant '{tenant}' has no import job {jobId}.");
        var (total, page) = await jobs.ProblemsAsync(jobId, offset ?? 0, limit ?? DefaultProblemPage, cancellationToken);
        // The same paging header as OneRoster 1.2 REST collections (shared/reference/oneroster.md §1).
        response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(page);
    }

    internal static bool TryEncoding(string? name, out System.Text.Encoding? encoding)
    {
        encoding = null;
        switch (name?.Trim().ToUpperInvariant())
        {
            case null or "" or "UTF-8" or "UTF8":
                return true;
            case "SHIFT_JIS" or "SHIFT-JIS" or "SJIS" or "CP932" or "WINDOWS-31J":
                encoding = ShiftJis.Encoding;
                return true;
            default:
                return false;
        }
    }

    internal static string ProfileList() => string.Join(", ", OneRosterProfiles.All.Select(p => p.Id));

    /// <summary>Echoed user input stays short in error messages.</summary>
    internal static string Truncate(string? value) => value is { Length: > 64 } ? value[..64] + "…" : value ?? "";

    [LoggerMessage(LogLevel.Information, "Audit: client {ClientId} queued import {JobId} into tenant {Tenant} (profile {Profile}, {Bytes} bytes, file {FileName}).")]
    private static partial void LogQueued(ILogger logger, string clientId, Guid jobId, string tenant, string profile, long bytes, string? fileName);
}
