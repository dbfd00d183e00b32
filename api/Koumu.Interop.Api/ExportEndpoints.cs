using System.Globalization;
using System.Security.Claims;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Koumu.Interop.Api;

/// <summary>CSV package exports (issue #2 §6): the tenant's roster as a OneRoster CSV zip, bulk or delta, streamed.</summary>
public static partial class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/koumu/admin/v1/tenants/{tenant}/exports", ExportAsync)
            .RequireAuthorization(AuthSetup.AdminPolicy)
            .WithName("export");
        return routes;
    }

    private static async Task<Results<ZipExportResult, ProblemHttpResult>> ExportAsync(
        string tenant, string? profile, string? mode, string? since, bool? quoteAll, string? usersLayout,
        HttpContext context, ClaimsPrincipal user, RosterStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var definition = string.IsNullOrWhiteSpace(profile) ? OneRosterProfiles.Base : OneRosterProfiles.Find(profile);
        if (definition is null)
            return Problems.BadRequest($"Unknown profile '{ImportEndpoints.Truncate(profile)}'. Known profiles: {ImportEndpoints.ProfileList()}.");

        bool delta;
        switch (mode?.ToUpperInvariant())
        {
            case null or "" or "BULK": delta = false; break;
            case "DELTA": delta = true; break;
            default: return Problems.BadRequest("'mode' is bulk or delta.");
        }

        DateTime? sinceUtc = null;
        if (!string.IsNullOrWhiteSpace(since))
        {
            if (!delta) return Problems.BadRequest("'since' applies to delta exports only (mode=delta).");
            // ISO 8601; without an offset the instant is read as UTC, like OneRoster's dateLastModified.
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                return Problems.BadRequest($"'since' is not an ISO 8601 date-time: '{ImportEndpoints.Truncate(since)}'. Percent-encode '+' in offsets, or use Z.");
            sinceUtc = parsed.UtcDateTime;
        }
        else if (delta)
        {
            return Problems.BadRequest("A delta export needs 'since' (ISO 8601): the changes after that instant are exported.");
        }

        bool? layout12;
        switch (usersLayout)
        {
            case null or "": layout12 = null; break; // the profile decides
            case "1.2": layout12 = true; break;      // users.csv with resourceSourcedIds (CSV binding 1.2)
            case "1.2.1": layout12 = false; break;   // users.csv without it (CSV binding 1.2.1)
            default: return Problems.BadRequest("'usersLayout' is 1.2 or 1.2.1.");
        }

        var (tenantId, problem) = await TenantAccess.ResolveAsync(user, tenant, store, createIfMissing: false, cancellationToken);
        if (problem is not null) return problem;

        var options = new ExportOptions { Profile = definition, Delta = delta, Since = sinceUtc, QuoteAll = quoteAll ?? false, UsersLayout12 = layout12 };
        var logger = loggers.CreateLogger(typeof(ExportEndpoints));
        LogExport(logger, user.ClientId(), tenant, definition.Id, delta ? "delta" : "bulk", sinceUtc);
        // A whole tenant's roster leaves the hub: on the trail with the II of its demographics and results.
        await Audit.AuditEndpoints.RecordAsync(context, tenant, "export", "oneroster.package", definition.Id, 0, "II");
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        return new ZipExportResult(store, tenantId!.Value, options, $"oneroster-{tenant}-{definition.Id}-{(delta ? "delta" : "bulk")}-{stamp}.zip", logger);
    }

    [LoggerMessage(LogLevel.Information, "Audit: client {ClientId} exported tenant {Tenant} (profile {Profile}, {Mode}, since {Since}).")]
    private static partial void LogExport(ILogger logger, string clientId, string tenant, string profile, string mode, DateTime? since);
}

/// <summary>Streams the export straight into the response: a prefecture's roster never sits in memory or on disk.</summary>
public sealed partial class ZipExportResult(RosterStore store, int tenantId, ExportOptions options, string fileName, ILogger logger) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "application/zip";
        response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName, DispositionType = "attachment" }.ToString();
        // ZipArchive writes its central directory synchronously when it is disposed; allow it for this response only.
        if (httpContext.Features.Get<IHttpBodyControlFeature>() is { } bodyControl) bodyControl.AllowSynchronousIO = true;
        try
        {
            await store.ExportAsync(tenantId, options, response.Body, httpContext.RequestAborted);
        }
        catch (Exception e) when (!httpContext.RequestAborted.IsCancellationRequested)
        {
            LogFailed(logger, e, fileName);
            if (!response.HasStarted) throw; // still time for a 500 problem response
            // Headers are gone: cut the connection so the client sees a failed download, never a truncated zip that looks whole.
            httpContext.Abort();
        }
    }

    [LoggerMessage(LogLevel.Error, "Export {FileName} failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string fileName);
}
