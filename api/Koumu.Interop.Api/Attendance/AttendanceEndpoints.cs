using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Attendance;
using Koumu.Interop.Storage.Query;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;

namespace Koumu.Interop.Api.Attendance;

/// <summary>Per-board attendance settings: <c>Koumu:Attendance:*</c>, overridable per tenant under <c>Koumu:Attendance:Tenants:&lt;code&gt;:*</c>.</summary>
public sealed class AttendanceSettings(IConfiguration configuration)
{
    private string? Value(string tenant, string key) =>
        configuration[$"Koumu:Attendance:Tenants:{tenant}:{key}"] ?? configuration[$"Koumu:Attendance:{key}"];

    /// <summary>MissingDay (Present | AbsentOther) and ExcusedLabel (the board's name for 出席停止・忌引等の日数).</summary>
    public YorokuOptions Yoroku(string tenant) => new()
    {
        MissingDay = Enum.TryParse<MissingDayPolicy>(Value(tenant, "MissingDay"), ignoreCase: true, out var policy) ? policy : MissingDayPolicy.Present,
        ExcusedLabel = Value(tenant, "ExcusedLabel") is { Length: > 0 and <= 100 } label ? label : new YorokuOptions().ExcusedLabel,
    };

    /// <summary>
    /// TermStarts: the board's 学期 split as start dates <c>MM-dd</c>, comma-separated (default <c>04-01,09-01,01-01</c>;
    /// a two-term board sets e.g. <c>04-01,10-01</c>). Used only when the roster has no term sessions for the year.
    /// </summary>
    public IReadOnlyList<string> TermStarts(string tenant) =>
        Value(tenant, "TermStarts") is { Length: > 0 and <= 200 } starts
            ? starts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : AttendanceTerms.DefaultStarts;

    /// <summary>LongAbsenceBasis (Absent | AbsentAndExcused): the default basis of the 長期欠席 list.</summary>
    public LongAbsenceBasis Basis(string tenant) =>
        Enum.TryParse<LongAbsenceBasis>(Value(tenant, "LongAbsenceBasis"), ignoreCase: true, out var basis) ? basis : LongAbsenceBasis.Absent;
}

/// <summary>
/// The attendance API <c>/koumu/attendance/v1</c> (issue #6; docs/attendance.md, decision 0009), in OneRoster conventions:
/// records carry <c>sourcedId</c>, <c>status</c>, <c>dateLastModified</c>; errors are <c>imsx_StatusInfo</c> (401
/// <c>unauthorisedrequest</c>, 403 <c>forbidden</c>, 404 <c>unknownobject</c>, 400/422 <c>invaliddata</c> with one
/// <c>imsx_codeMinorField</c> per bad value, named <c>records[i].field</c>). Scopes: <c>koumu.attendance.read</c> /
/// <c>.write</c>, and <c>.health.read</c> for the health details (重要性分類 II). A client confined to orgs
/// (<c>koumu_orgs</c>) sees and writes only its schools (<see cref="ClientConfinement"/>: listed orgs and their descendants).
/// Every request that touches personal data is put on the hub's audit trail (<c>audit_events</c>, decision 0011).
/// </summary>
public static partial class AttendanceEndpoints
{
    public const string Base = "/koumu/attendance/v1";

    /// <summary>A morning of 100,000 pupils is about 8 MB of JSON.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    public const int MaxRecordsPerRequest = 100_000;
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IServiceCollection AddAttendance(this IServiceCollection services)
    {
        services.AddSingleton<AttendanceSettings>();
        // The engine's signed cursors, keyed apart from OneRoster's (HKDF of the token signing key with its own label):
        // every hub process validating the same tokens accepts the same cursors, and no cursor crosses APIs.
        services.AddSingleton(sp => new AttendanceCursors(new QueryCursorCodec(HKDF.DeriveKey(HashAlgorithmName.SHA256,
            File.ReadAllBytes(sp.GetRequiredService<HubSettings>().SigningKeyPath), 32, salt: [],
            info: Encoding.UTF8.GetBytes("koumu attendance query cursor v1")))));
        services.AddSingleton(sp => new AttendanceStore(sp.GetRequiredService<RosterStore>()));
        return services;
    }

    public static IEndpointRouteBuilder MapAttendanceEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapPost(Base + "/schools/{schoolSourcedId}/records", WriteRecordsAsync).WithName("postAttendanceRecordsForSchool");
        routes.MapGet(Base + "/records", ReadRecordsAsync).WithName("getAttendanceRecords");
        routes.MapPut(Base + "/schools/{schoolSourcedId}/calendar", PutCalendarAsync).WithName("putAttendanceCalendarForSchool");
        routes.MapGet(Base + "/schools/{schoolSourcedId}/calendar", GetCalendarAsync).WithName("getAttendanceCalendarForSchool");
        routes.MapGet(Base + "/schools/{schoolSourcedId}/yoroku", GetYorokuAsync).WithName("getYorokuAttendanceForSchool");
        routes.MapGet(Base + "/schools/{schoolSourcedId}/longAbsence", GetLongAbsenceAsync).WithName("getLongAbsenceForSchool");
        routes.MapDelete(Base + "/records/{sourcedId}", WithdrawRecordAsync).WithName("deleteAttendanceRecord");
        routes.MapGet(Base + "/warningRules", GetWarningRulesAsync).WithName("getAttendanceWarningRules");
        routes.MapPut(Base + "/warningRules", PutWarningRulesAsync).WithName("putAttendanceWarningRules");
        routes.MapPost(Base + "/warnings/evaluate", EvaluateWarningsAsync).WithName("postAttendanceWarningEvaluation");
        routes.MapGet(Base + "/warnings", GetWarningsAsync).WithName("getAttendanceWarnings");
        routes.MapGet(Base + "/schools/{schoolSourcedId}/infectionReport", GetInfectionReportAsync).WithName("getInfectionReportForSchool");
        routes.MapPost(Base + "/schools/{schoolSourcedId}/records.csv", ImportRecordsCsvAsync).WithName("postAttendanceRecordsCsvForSchool");
        routes.MapGet(Base + "/schools/{schoolSourcedId}/records.csv", ExportRecordsCsvAsync).WithName("getAttendanceRecordsCsvForSchool");
        routes.MapPut(Base + "/codeMaps/{system}", PutCodeMapAsync).WithName("putAttendanceCodeMap");
        routes.MapGet(Base + "/codeMaps/{system}", GetCodeMapAsync).WithName("getAttendanceCodeMap");
        return routes;
    }

    // ------------------------------------------------------------------ access

    /// <summary>The cursor codec of the attendance collections (a type of its own so it is not OneRoster's).</summary>
    public sealed record AttendanceCursors(QueryCursorCodec Codec);

    private sealed record Access(string Tenant, int TenantId, ClientConfinement Confinement, bool Health, string ClientId);

    /// <summary>Authentication, scope, tenant and confinement, or a written error (null).</summary>
    private static async Task<Access?> AuthorizeAsync(HttpContext context, RosterStore store, string scope, string? school)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RosteringHandlers.FailAsync(context, StatusCodes.Status401Unauthorized, CodeMinorValue.UnauthorisedRequest, "A valid bearer access token is required.", "token");
            return null;
        }
        if (!user.HasScope(scope))
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden, $"This operation needs the scope {scope}.", "scope");
            return null;
        }
        var tenant = user.Tenant();
        if (tenant is null || tenant == Caller.AllTenants)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden, "Attendance needs a client bound to one tenant (koumu_tenant).", "token");
            return null;
        }
        var tenantId = await store.FindTenantAsync(tenant, context.RequestAborted) ?? -1;
        var confinement = await ConfinementAsync(store, user, tenantId, context.RequestAborted);
        // A school outside the client's orgs is answered like one that does not exist (OneRoster nested routes: 404).
        if (school is not null && (school.Length > 255 || (confinement.Orgs is { } orgs && !orgs.Contains(school, StringComparer.Ordinal))))
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject, "No such school for this client.", "schoolSourcedId");
            return null;
        }
        return new Access(tenant, tenantId, confinement, user.HasScope(KoumuScopes.AttendanceHealthRead), user.ClientId());
    }

    private static async Task<ClientConfinement> ConfinementAsync(RosterStore store, ClaimsPrincipal user, int tenantId, CancellationToken cancellationToken)
    {
        var orgs = user.GetClaims(Caller.OrgsClaim);
        if (orgs.IsDefaultOrEmpty) return ClientConfinement.Tenant;
        await using var db = store.CreateDbContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        return await ClientConfinement.ResolveAsync(connection, store.Options.Provider, tenantId, [.. orgs], cancellationToken);
    }

    /// <summary>
    /// Puts the access on the hub's audit trail (decision 0011, <c>audit_events</c>, read with <c>GET /koumu/admin/v1/audit</c>):
    /// resource <c>attendance.&lt;what&gt;</c>, target the pupil or class asked for (else the school), the request's path
    /// and query, the number of records or pupils, and the 重要性分類 — II when health details were returned or written,
    /// else III (ガイドライン R7.3, japan.md §3.5).
    /// </summary>
    private static Task AuditAsync(HttpContext context, Access access, string action, string resource, bool health, string? school, string? subject, int count) =>
        Audit.AuditEndpoints.RecordAsync(context, access.Tenant, action, "attendance." + resource, subject ?? school, count, health ? "II" : "III").AsTask();

    // ------------------------------------------------------------------ records

    /// <summary>
    /// POST a school's records (a morning's 出席簿, corrections, period records) in one request: all-or-nothing; 200 with
    /// the versions written, or 422 listing every bad value as <c>records[i].field</c>.
    /// </summary>
    private static async Task WriteRecordsAsync(HttpContext context, string schoolSourcedId, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceWrite, schoolSourcedId);
        if (access is null) return;
        using var body = await ReadBodyAsync(context);
        if (body is null) return;
        var root = body.RootElement;
        var problems = new List<(string Field, string Rule, string Message)>();
        int schoolYear = 0;
        if (root.ValueKind != JsonValueKind.Object) problems.Add(("body", AttendanceRules.InvalidValue, "The body is an object with schoolYear and records."));
        else
        {
            foreach (var p in root.EnumerateObject())
                if (p.Name is not ("schoolYear" or "records")) problems.Add((p.Name, "attendance.unknown-field", $"Unknown property '{Shorten(p.Name)}'."));
            if (!root.TryGetProperty("schoolYear", out var y) || y.ValueKind != JsonValueKind.Number || !y.TryGetInt32(out schoolYear) || schoolYear is < 2000 or > 2100)
                problems.Add(("schoolYear", AttendanceRules.InvalidValue, "'schoolYear' is the 年度 (its start year, e.g. 2026 for 2026-04-01..2027-03-31)."));
        }
        var entries = new List<AttendanceEntry>();
        if (root.ValueKind == JsonValueKind.Object)
        {
            if (!root.TryGetProperty("records", out var records) || records.ValueKind != JsonValueKind.Array || records.GetArrayLength() == 0)
                problems.Add(("records", AttendanceRules.InvalidValue, "'records' is a non-empty array."));
            else if (records.GetArrayLength() > MaxRecordsPerRequest)
                problems.Add(("records", AttendanceRules.InvalidValue, $"At most {MaxRecordsPerRequest} records per request."));
            else
            {
                var i = 0;
                var parseFailed = false;
                var rowProblemsByIndex = new List<List<AttendanceProblem>>();
                foreach (var record in records.EnumerateArray())
                {
                    var entry = AttendanceJson.ParseEntry(record, schoolSourcedId, out var rowProblems);
                    foreach (var p in rowProblems) problems.Add(($"records[{i}].{p.Field}", p.Rule, p.Message));
                    parseFailed |= rowProblems.Count > 0 || entry is null;
                    rowProblemsByIndex.Add(rowProblems);
                    entries.Add(entry ?? Placeholder);
                    i++;
                }
                // The store checks the marks' rules too, but it is not reached when a row did not parse: check them here so
                // that one response lists every problem the rows have on their own (enrolment needs the rows to parse).
                if (parseFailed)
                    for (var k = 0; k < entries.Count; k++)
                        if (!ReferenceEquals(entries[k], Placeholder))
                            foreach (var p in AttendanceRules.Validate(entries[k].Mark, entries[k].Period)
                                         .Where(p => !rowProblemsByIndex[k].Any(q => q.Field == p.Field)))
                                problems.Add(($"records[{k}].{p.Field}", p.Rule, p.Message));
            }
        }
        if (problems.Count == 0)
        {
            var result = await attendance.WriteAsync(access.TenantId, schoolYear, entries, access.Confinement.Orgs, access.ClientId, context.RequestAborted);
            problems.AddRange(result.Problems.Select(p => ($"records[{p.Index}].{p.Field}", p.Rule, p.Message)));
            if (problems.Count == 0)
            {
                await AuditAsync(context, access, "write", "records", entries.Any(e => e.Mark.HasHealthDetails), schoolSourcedId, null, result.Written.Count);
                await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
                {
                    w.WriteNumber("written", result.Written.Count);
                    w.WriteNumber("unchanged", result.Unchanged);
                    w.WriteStartArray("records");
                    foreach (var row in result.Written) AttendanceJson.WriteRecord(w, row, health: true);
                    w.WriteEndArray();
                });
                return;
            }
        }
        await InvalidAsync(context, problems);
    }

    /// <summary>Stands in for a row that did not parse, so indexes stay aligned (never written: the request has problems).</summary>
    private static readonly AttendanceEntry Placeholder = new("", "", DateOnly.MinValue, null, new AttendanceMark { Code = AttendanceCode.Present }, ReportedBy.System, null, null);

    /// <summary>
    /// GET records through THE query engine (<see cref="AttendanceQuery"/>): OneRoster <c>filter</c> (every operator,
    /// AND/OR, dates), <c>sort</c>/<c>orderBy</c> (ties broken by row id), <c>limit</c> (default 100, clamped to
    /// 10,000), <c>offset</c>, <c>fields</c> (comma list or repeated), a signed <c>cursor</c> in the <c>next</c> link,
    /// <c>X-Total-Count</c> and RFC 8288 <c>Link</c>; 400 <c>invalid_filter_field</c> / <c>invalid_selection_field</c> /
    /// <c>invaliddata</c> as the OneRoster API. The older parameters <c>school</c>, <c>pupil</c>, <c>from</c>, <c>to</c>,
    /// <c>since</c> and <c>history</c> still work: with the client's schools they are the hub's AND group, outside the filter.
    /// </summary>
    private static async Task ReadRecordsAsync(HttpContext context, RosterStore store, AttendanceStore attendance, HubSettings settings, AttendanceCursors cursors)
    {
        var q = context.Request.Query;
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, (string?)q["school"]);
        if (access is null) return;
        var legacy = new AttendanceRecordQuery { Schools = access.Confinement.Orgs, School = (string?)q["school"], Pupil = (string?)q["pupil"] };
        string? error = null;
        if (legacy.Pupil is { Length: > 255 }) error = "pupil";
        if (DateParam(q, "from", out var from) is false) error = "from";
        if (DateParam(q, "to", out var to) is false) error = "to";
        DateTime? since = null;
        if ((string?)q["since"] is { } sinceText)
        {
            if (DateTime.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var s)) since = s;
            else error = "since";
        }
        var history = (string?)q["history"] switch { null or "false" => false, "true" => true, _ => (bool?)null };
        if (history is null) error = "history";
        if (error is not null)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, $"Invalid value of '{error}'.", error);
            return;
        }
        legacy = legacy with { From = from, To = to, ModifiedSince = since, History = history!.Value };

        // Health fields are in the allow-list only with the health scope (a filter on disease would reveal it).
        var collection = AttendanceQuery.RecordsFor(legacy.History, access.Health);
        var parsed = RosterQueryParser.Parse(collection, new QueryParameters(Single(q, "filter"), Single(q, "sort"), Single(q, "orderBy"),
            Single(q, "limit"), Single(q, "offset"), q.TryGetValue("fields", out var f) ? f.OfType<string>().ToList() : null, Single(q, "cursor")), cursors.Codec);
        if (parsed.Error is { } queryError)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, queryError.CodeMinor, queryError.Message, queryError.Parameter);
            return;
        }
        var query = parsed.Value;
        var page = await attendance.ReadPageAsync(access.TenantId, query, AttendanceStore.Scope(legacy), includeTotal: true, cursors.Codec, context.RequestAborted);
        await AuditAsync(context, access, "read", "records", access.Health, legacy.School, legacy.Pupil, page.Records.Count);
        context.Response.Headers["X-Total-Count"] = page.TotalCount!.Value.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.Link = RosteringHandlers.PagingLinks(context.Request, settings.PublicBaseUrl, query, page.HasMore, page.NextCursor, page.TotalCount);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray("records");
            foreach (var row in page.Records) AttendanceJson.WriteRecord(w, row, access.Health, query.Fields);
            w.WriteEndArray();
        });
    }

    /// <summary>One value of a query parameter; a repeated one (other than fields) takes the first (as the OneRoster API).</summary>
    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static bool? DateParam(IQueryCollection q, string name, out DateOnly? value)
    {
        value = null;
        if ((string?)q[name] is not { } text) return null;
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return false;
        value = d;
        return true;
    }

    // ------------------------------------------------------------------ calendar

    private static async Task PutCalendarAsync(HttpContext context, string schoolSourcedId, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceWrite, schoolSourcedId);
        if (access is null) return;
        using var body = await ReadBodyAsync(context);
        if (body is null) return;
        var problems = new List<(string Field, string Rule, string Message)>();
        var entries = new List<CalendarEntry>();
        if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("entries", out var array) || array.ValueKind != JsonValueKind.Array
            || array.GetArrayLength() is 0 or > 5000)
            problems.Add(("entries", AttendanceRules.InvalidValue, "The body is {\"entries\": [...]} with 1–5000 entries."));
        else
        {
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var entry = AttendanceJson.ParseCalendarEntry(item, out var rowProblems);
                foreach (var p in rowProblems) problems.Add(($"entries[{i}].{p.Field}", p.Rule, p.Message));
                if (entry is not null) entries.Add(entry);
                i++;
            }
        }
        if (problems.Count == 0)
        {
            var stored = await attendance.UpsertCalendarAsync(access.TenantId, schoolSourcedId, entries, context.RequestAborted);
            problems.AddRange(stored.Select(p => ($"entries[{p.Index}].{p.Field}", p.Rule, p.Message)));
        }
        if (problems.Count > 0)
        {
            await InvalidAsync(context, problems);
            return;
        }
        await AuditAsync(context, access, "write", "calendar", false, schoolSourcedId, null, entries.Count);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task GetCalendarAsync(HttpContext context, string schoolSourcedId, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, schoolSourcedId);
        if (access is null) return;
        if (await SchoolYearAsync(context) is not { } year) return;
        var entries = await attendance.ReadCalendarAsync(access.TenantId, schoolSourcedId, year, context.RequestAborted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteNumber("schoolYear", year);
            w.WriteStartArray("entries");
            foreach (var e in entries) AttendanceJson.WriteCalendarEntry(w, e);
            w.WriteEndArray();
        });
    }

    private static async Task<int?> SchoolYearAsync(HttpContext context)
    {
        if ((string?)context.Request.Query["schoolYear"] is { } text && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year is >= 2000 and <= 2100)
            return year;
        await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData,
            "'schoolYear' (the 年度 by its start year, e.g. 2026) is required.", "schoolYear");
        return null;
    }

    // ------------------------------------------------------------------ derived

    /// <summary>指導要録「出欠の記録」 of a school's pupils for a 年度 (optionally one pupil or one class), with months and conflicts.</summary>
    private static async Task GetYorokuAsync(HttpContext context, string schoolSourcedId, RosterStore store, AttendanceStore attendance, AttendanceSettings settings)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, schoolSourcedId);
        if (access is null) return;
        if (await SchoolYearAsync(context) is not { } year) return;
        var pupil = (string?)context.Request.Query["pupil"];
        var classId = (string?)context.Request.Query["class"];
        var byTerm = (string?)context.Request.Query["by"] switch { null or "month" => false, "term" => true, _ => (bool?)null };
        if (byTerm is null)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, "'by' is month (the default) or term.", "by");
            return;
        }
        List<(string Pupil, YorokuRecord Record, List<(AttendanceTerm Term, YorokuTally Tally)>? Terms)> derived;
        if (byTerm.Value)
        {
            var terms = await attendance.ReadTermsAsync(access.TenantId, year, settings.TermStarts(access.Tenant), context.RequestAborted);
            derived = [.. (await attendance.DeriveByTermAsync(access.TenantId, schoolSourcedId, year, settings.Yoroku(access.Tenant), pupil, classId, terms, context.RequestAborted))
                .Select(d => (d.Pupil, d.Record, (List<(AttendanceTerm, YorokuTally)>?)d.Terms))];
        }
        else
            derived = [.. (await attendance.DeriveAsync(access.TenantId, schoolSourcedId, year, settings.Yoroku(access.Tenant), pupil, classId, context.RequestAborted))
                .Select(d => (d.Pupil, d.Record, (List<(AttendanceTerm, YorokuTally)>?)null))];
        if (pupil is not null && derived.Count == 0)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject, "The pupil was not enrolled at the school in that year.", "pupil");
            return;
        }
        await AuditAsync(context, access, "read", "yoroku", access.Health, schoolSourcedId, pupil ?? classId, derived.Count);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteNumber("schoolYear", year);
            w.WriteStartArray("pupils");
            foreach (var (id, record, terms) in derived) AttendanceJson.WriteYoroku(w, id, record, access.Health, terms);
            w.WriteEndArray();
        });
    }

    /// <summary>長期欠席: pupils at or above the threshold (default 30 days) on the basis asked for (or the board's default).</summary>
    private static async Task GetLongAbsenceAsync(HttpContext context, string schoolSourcedId, RosterStore store, AttendanceStore attendance, AttendanceSettings settings)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, schoolSourcedId);
        if (access is null) return;
        if (await SchoolYearAsync(context) is not { } year) return;
        var q = context.Request.Query;
        var basis = settings.Basis(access.Tenant);
        if ((string?)q["basis"] is { } basisText)
        {
            if (!AttendanceVocabulary.TryParse(basisText, out basis))
            {
                await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, "'basis' is ABSENT or ABSENT_AND_EXCUSED.", "basis");
                return;
            }
        }
        var threshold = LongAbsence.DefaultThreshold;
        if ((string?)q["threshold"] is { } t && (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out threshold) || threshold is < 1 or > 366))
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, "'threshold' is 1–366 days.", "threshold");
            return;
        }
        var derived = await attendance.DeriveAsync(access.TenantId, schoolSourcedId, year, settings.Yoroku(access.Tenant), null, null, context.RequestAborted);
        var listed = derived.Select(d => (d.Pupil, d.Record.Year, Status: LongAbsence.Evaluate(d.Record.Year, basis, threshold))).Where(d => d.Status.IsLongAbsent).ToList();
        await AuditAsync(context, access, "read", "long-absence", false, schoolSourcedId, null, listed.Count);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteNumber("schoolYear", year);
            w.WriteString("basis", AttendanceVocabulary.Name(basis));
            w.WriteNumber("threshold", threshold);
            w.WriteStartArray("pupils");
            foreach (var (pupil, tally, status) in listed)
            {
                w.WriteStartObject();
                AttendanceJson.WriteRef(w, "pupil", pupil, "user");
                w.WriteNumber("countedDays", status.CountedDays);
                w.WriteNumber("absentDays", tally.AbsentDays);
                w.WriteNumber("excusedDays", tally.ExcusedDays);
                w.WriteNumber("presentDays", tally.PresentDays);
                w.WriteNumber("deemedDays", tally.DeemedDays);
                w.WriteBoolean("absent90OrMore", status.Absent90OrMore);
                w.WriteBoolean("present10OrFewer", status.Present10OrFewer);
                w.WriteBoolean("presentZero", status.PresentZero);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    // ------------------------------------------------------------------ plumbing

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    /// <summary>
    /// 422 invaliddata: one <c>imsx_codeMinorField</c> per bad value (its path), and the description lists
    /// <c>path: rule: message</c> per line (so a client can show every bad row of a morning at once).
    /// </summary>
    private static async Task InvalidAsync(HttpContext context, List<(string Field, string Rule, string Message)> problems, int status = StatusCodes.Status422UnprocessableEntity)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var shown = problems.Take(1000).ToList();
        var info = new ImsxStatusInfo
        {
            CodeMajor = CodeMajor.Failure,
            Severity = Severity.Error,
            Description = string.Join("\n", shown.Select(p => $"{p.Field}: {p.Rule}: {p.Message}"))
                + (problems.Count > shown.Count ? $"\n… and {problems.Count - shown.Count} more problems." : ""),
            CodeMinor = new ImsxCodeMinor { Fields = [.. shown.Select(p => new ImsxCodeMinorField { Name = p.Field, Value = CodeMinorValue.InvalidData })] },
        };
        await context.Response.Body.WriteAsync(OneRosterJson.SerializeToUtf8Bytes(info), context.RequestAborted);
    }

    /// <summary>The body as JSON (application/json, at most <see cref="MaxBodyBytes"/>, depth 16), or a written 415/413/400 (null).</summary>
    private static Task<JsonDocument?> ReadBodyAsync(HttpContext context) =>
        JsonRequestBody.ReadAsync(context, MaxBodyBytes, 16, $"The body exceeds {MaxBodyBytes} bytes.");

    private static Task TooLargeAsync(HttpContext context) =>
        RosteringHandlers.FailAsync(context, StatusCodes.Status413PayloadTooLarge, CodeMinorValue.InvalidData, $"The body exceeds {MaxBodyBytes} bytes.", "body");

    internal static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
