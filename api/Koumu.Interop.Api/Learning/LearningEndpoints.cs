using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Xapi;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Koumu.Interop.Api.Learning;

/// <summary>Settings of the roster link (<c>Koumu:Xapi:AccountHomePage</c>).</summary>
public sealed record LearningSettings(string? AccountHomePage)
{
    public static LearningSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var homePage = configuration["Koumu:Xapi:AccountHomePage"];
        if (string.IsNullOrWhiteSpace(homePage)) return new LearningSettings(AccountHomePage: null);
        // D §2.4.2.4: account.homePage is an IRL; the stored IFI keeps it as sent, so it is compared as configured, byte for byte.
        if (!Uri.TryCreate(homePage, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || homePage.Any(char.IsWhiteSpace))
            throw new InvalidOperationException($"Koumu:Xapi:AccountHomePage must be an absolute http(s) URL, not '{homePage}'.");
        return new LearningSettings(homePage);
    }
}

/// <summary>
/// Learning activity per pupil, class and school (issue #5 point 6; docs/decisions/0008-xapi-roster-link.md) under the hub's
/// own namespace <c>/koumu/learning/v1</c>: the LRS's Statements linked to roster users by their actor account
/// (<see cref="XapiRosterLink"/>). Bearer tokens with <see cref="KoumuScopes.LearningReadonly"/>, one tenant, and the OneRoster
/// org confinement (<see cref="ClientConfinement"/>): a user, class or school the client may not see is 404, exactly as one that
/// does not exist. Errors are <c>imsx_StatusInfo</c>, as on the OneRoster endpoints. Every answer is personal data about
/// pupils, so every successful read is audited.
/// </summary>
public static partial class LearningEndpoints
{
    public const string Path = "/koumu/learning/v1";
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>Longer cursors are refused before decoding (a cursor holds a sequence or a sourcedId).</summary>
    private const int MaxCursorLength = 1400;

    /// <summary>Longer sourcedIds are refused (far above any real one; keeps hostile input out of SQL parameters and logs).</summary>
    private const int MaxSourcedIdLength = 1024;

    private static readonly string[] Parameters = ["since", "until", "limit", "cursor"];

    public static IServiceCollection AddLearning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(LearningSettings.From(configuration));
        services.AddSingleton(sp => new XapiRosterLink(sp.GetRequiredService<RosterStore>()));
        return services;
    }

    public static IEndpointRouteBuilder MapLearningEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path + "/users/{sourcedId}/activity", (HttpContext c, string sourcedId) => UserAsync(c, sourcedId)).WithName("getUserLearningActivity");
        routes.MapGet(Path + "/classes/{sourcedId}/activity", (HttpContext c, string sourcedId) => GroupAsync(c, LearnerGroup.Class, sourcedId)).WithName("getClassLearningActivity");
        routes.MapGet(Path + "/schools/{sourcedId}/activity", (HttpContext c, string sourcedId) => GroupAsync(c, LearnerGroup.School, sourcedId)).WithName("getSchoolLearningActivity");
        return routes;
    }

    /// <summary>A request that passed authentication, scope, tenant and parameter checks.</summary>
    private sealed record Request(int TenantId, string Tenant, IReadOnlyList<string>? AllowedOrgs, ActivityWindow Window, int Limit, string? Cursor, string HomePage);

    private static async Task<Request?> BeginAsync(HttpContext context, string sourcedId)
    {
        var user = context.User;
        var cancellationToken = context.RequestAborted;
        if (user.Identity?.IsAuthenticated != true)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RosteringHandlers.FailAsync(context, StatusCodes.Status401Unauthorized, CodeMinorValue.UnauthorisedRequest, "A valid bearer access token is required.", "token");
            return null;
        }
        if (!user.HasScope(KoumuScopes.LearningReadonly))
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden, $"Learning activity needs the scope {KoumuScopes.LearningReadonly}.", "scope");
            return null;
        }
        var tenant = user.Tenant();
        if (tenant is null || tenant == Caller.AllTenants)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden, "Learning activity needs a client bound to one tenant (koumu_tenant).", "token");
            return null;
        }
        if (sourcedId.Length > MaxSourcedIdLength || sourcedId.Any(char.IsControl))
        {
            await Invalid(context, "sourcedId", $"A sourcedId is at most {MaxSourcedIdLength} characters, without control characters.");
            return null;
        }

        var query = context.Request.Query;
        if (query.Keys.FirstOrDefault(k => !Parameters.Contains(k, StringComparer.Ordinal)) is { } unknown)
        {
            await Invalid(context, Shorten(unknown), $"'{Shorten(unknown)}' is not a parameter here (since, until, limit, cursor).");
            return null;
        }
        if (query.FirstOrDefault(p => p.Value.Count > 1) is { Key: { } repeated })
        {
            await Invalid(context, repeated, $"'{repeated}' is given more than once.");
            return null;
        }
        DateTime? since = null, until = null;
        foreach (var name in new[] { "since", "until" })
        {
            if ((string?)query[name] is not { } text) continue;
            if (!XapiFormats.TryParseTimestamp(text, out var instant))
            {
                await Invalid(context, name, $"'{name}' is an RFC 3339 timestamp with seconds and a zone, e.g. 2026-04-01T00:00:00Z.");
                return null;
            }
            if (name == "since") since = instant.UtcDateTime; else until = instant.UtcDateTime;
        }
        var limit = DefaultLimit;
        if ((string?)query["limit"] is { } limitText)
        {
            if (limitText.Length > 9 || !int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit == 0)
            {
                await Invalid(context, "limit", $"'limit' is a whole number from 1 to {MaxLimit}.");
                return null;
            }
            // Like OneRoster's and the change feed's limit: a larger page is served at the maximum rather than refused.
            limit = Math.Min(limit, MaxLimit);
        }
        string? cursor = null;
        if ((string?)query["cursor"] is { } cursorText)
        {
            cursor = DecodeCursor(cursorText);
            if (cursor is null)
            {
                await Invalid(context, "cursor", "'cursor' is not a cursor this endpoint issued (take it from the 'next' of the previous page).");
                return null;
            }
        }

        var services = context.RequestServices;
        var store = services.GetRequiredService<RosterStore>();
        var hub = services.GetRequiredService<HubSettings>();
        // A tenant with no roster yet has no users: -1 matches none, so everything answers 404.
        var tenantId = await store.FindTenantAsync(tenant, cancellationToken) ?? -1;
        ClientConfinement confinement;
        await using (var db = store.CreateDbContext())
        {
            var connection = db.Database.GetDbConnection();
            await connection.OpenAsync(cancellationToken);
            confinement = await ClientConfinement.ResolveAsync(connection, store.Options.Provider, tenantId, [.. user.GetClaims(Caller.OrgsClaim)], cancellationToken);
        }
        var homePage = services.GetRequiredService<LearningSettings>().AccountHomePage ?? RosteringHandlers.BaseUrl(context.Request, hub.PublicBaseUrl);
        return new Request(tenantId, tenant, confinement.Orgs, new ActivityWindow(since, until), limit, cursor, homePage);
    }

    /// <summary>
    /// <c>GET /koumu/learning/v1/users/{sourcedId}/activity</c>: the user's activity summary and a page of its linked
    /// Statements (as stored, newest first), with <c>next</c> cursor paging.
    /// </summary>
    private static async Task UserAsync(HttpContext context, string sourcedId)
    {
        var request = await BeginAsync(context, sourcedId);
        if (request is null) return;
        long? before = null;
        if (request.Cursor is { } cursor)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                await Invalid(context, "cursor", "'cursor' is not a cursor of this user's Statements.");
                return;
            }
            before = sequence;
        }
        var cancellationToken = context.RequestAborted;
        var link = context.RequestServices.GetRequiredService<XapiRosterLink>();
        var user = await link.FindUserAsync(request.TenantId, sourcedId, request.AllowedOrgs, cancellationToken);
        if (user is null)
        {
            // Also for a user outside the client's orgs: the answer must not reveal that it exists.
            await RosteringHandlers.FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject, $"There is no user '{Shorten(sourcedId)}'.", "sourcedId");
            return;
        }
        var activity = await link.UserActivityAsync(request.TenantId, user, request.HomePage, request.Window, cancellationToken);
        var page = await link.UserStatementsAsync(request.TenantId, user, request.HomePage, request.Window, before, request.Limit, cancellationToken);
        var next = page.HasMore ? EncodeCursor(page.Statements[^1].Sequence.ToString(CultureInfo.InvariantCulture)) : null;

        var buffer = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = XapiStatements.WriteOptions.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("sourcedId", user.SourcedId);
            writer.WriteString("accountHomePage", request.HomePage);
            writer.WritePropertyName("activity");
            WriteActivity(writer, activity, withSourcedId: false);
            writer.WriteStartArray("statements");
            // The Statements exactly as the LRS stored them (format=exact of C §2.1.3).
            foreach (var statement in page.Statements) writer.WriteRawValue(statement.Json, skipInputValidation: true);
            writer.WriteEndArray();
            if (next is null) writer.WriteNull("next"); else writer.WriteString("next", next);
            writer.WriteEndObject();
        }
        LogRead(Logger(context), context.User.ClientId(), "user", Shorten(sourcedId), request.Tenant, page.Statements.Count);
        // 学習記録 are 重要性分類 III (ガイドライン R7.3).
        await Audit.AuditEndpoints.RecordAsync(context, request.Tenant, "read", "learning.user", sourcedId, page.Statements.Count, "III");
        await WriteAsync(context, buffer, next);
    }

    /// <summary>
    /// <c>GET /koumu/learning/v1/classes/{sourcedId}/activity</c> and <c>…/schools/{sourcedId}/activity</c>: a page of the
    /// group's pupils (sourcedId order) with their activity, pupils without any activity included.
    /// </summary>
    private static async Task GroupAsync(HttpContext context, LearnerGroup group, string sourcedId)
    {
        var request = await BeginAsync(context, sourcedId);
        if (request is null) return;
        var cancellationToken = context.RequestAborted;
        var link = context.RequestServices.GetRequiredService<XapiRosterLink>();
        var kind = group == LearnerGroup.Class ? "class" : "school";
        if (!await link.GroupVisibleAsync(request.TenantId, group, sourcedId, request.AllowedOrgs, cancellationToken))
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject, $"There is no {kind} '{Shorten(sourcedId)}'.", "sourcedId");
            return;
        }
        var (pupils, hasMore) = await link.GroupActivityAsync(request.TenantId, group, sourcedId, request.HomePage, request.AllowedOrgs, request.Window,
            request.Cursor, request.Limit, cancellationToken);
        var next = hasMore ? EncodeCursor(pupils[^1].SourcedId) : null;

        var buffer = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = XapiStatements.WriteOptions.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("sourcedId", sourcedId);
            writer.WriteString("accountHomePage", request.HomePage);
            writer.WriteStartArray("pupils");
            foreach (var pupil in pupils) WriteActivity(writer, pupil, withSourcedId: true);
            writer.WriteEndArray();
            if (next is null) writer.WriteNull("next"); else writer.WriteString("next", next);
            writer.WriteEndObject();
        }
        LogRead(Logger(context), context.User.ClientId(), kind, Shorten(sourcedId), request.Tenant, pupils.Count);
        await Audit.AuditEndpoints.RecordAsync(context, request.Tenant, "read", "learning." + kind, sourcedId, pupils.Count, "III");
        await WriteAsync(context, buffer, next);
    }

    private static void WriteActivity(Utf8JsonWriter writer, LearnerActivity activity, bool withSourcedId)
    {
        writer.WriteStartObject();
        if (withSourcedId) writer.WriteString("sourcedId", activity.SourcedId);
        writer.WriteNumber("statements", activity.Statements);
        writer.WriteNumber("activities", activity.Activities);
        if (activity.LastStored is { } last) writer.WriteString("lastStored", XapiFormats.FormatTimestamp(new DateTimeOffset(last)));
        else writer.WriteNull("lastStored");
        writer.WriteEndObject();
    }

    /// <summary>Writes the body, with an RFC 8288 <c>next</c> link (the request's URL with the new cursor) when there is a next page.</summary>
    private static async Task WriteAsync(HttpContext context, ArrayBufferWriter<byte> buffer, string? next)
    {
        var request = context.Request;
        if (next is not null)
        {
            var pairs = request.Query.Where(p => p.Key != "cursor")
                .SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(v ?? "")))
                .Append("cursor=" + next);
            var baseUrl = RosteringHandlers.BaseUrl(request, context.RequestServices.GetRequiredService<HubSettings>().PublicBaseUrl);
            context.Response.Headers.Link = $"<{baseUrl}{request.Path.ToUriComponent()}?{string.Join('&', pairs)}>; rel=\"next\"";
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        // Personal data: not for shared caches.
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>
    /// Cursors are the position in plain text (a sequence or a sourcedId), base64url-encoded. They are not signed: every page
    /// re-applies the tenant, the confinement and the filters, so a forged cursor can only skip within what the caller may see.
    /// </summary>
    private static string EncodeCursor(string position) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(position));

    private static string? DecodeCursor(string text)
    {
        if (text.Length == 0 || text.Length > MaxCursorLength) return null;
        try
        {
            var position = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text));
            return position.Length == 0 || position.Any(char.IsControl) ? null : position;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static Task Invalid(HttpContext context, string parameter, string message) =>
        RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, message, parameter);

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static ILogger Logger(HttpContext context) => context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LearningEndpoints));

    [LoggerMessage(LogLevel.Information, "Audit: client {ClientId} read the learning activity of {Kind} {SourcedId} in tenant {Tenant} ({Count} rows).")]
    private static partial void LogRead(ILogger logger, string clientId, string kind, string sourcedId, string tenant, int count);
}
