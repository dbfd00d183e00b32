using System.Globalization;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Attendance;
using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Api.Attendance;

/// <summary>Early-warning rules and alerts, and withdrawing a record (docs/attendance.md "Early warning", "Withdrawing a record").</summary>
public static partial class AttendanceEndpoints
{
    /// <summary>Japan has one time zone and no DST: the school day of "now" is the date in UTC+9.</summary>
    private static DateOnly TodayInJapan() => DateOnly.FromDateTime(DateTime.UtcNow.AddHours(9));

    /// <summary>Board-level operations (rules, evaluation, code maps) need a client not confined to orgs: a school's client must not change the board's settings.</summary>
    private static async Task<bool> RequireBoardAsync(HttpContext context, Access access)
    {
        if (access.Confinement.Orgs is null) return true;
        await RosteringHandlers.FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden,
            "This operation is the board's: it needs a client not confined to orgs.", "koumu_orgs");
        return false;
    }

    // ------------------------------------------------------------------ withdraw

    /// <summary>DELETE a record: a new version with <c>status = tobedeleted</c>; 200 with it, 404 when unknown or outside the client's orgs.</summary>
    private static async Task WithdrawRecordAsync(HttpContext context, string sourcedId, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceWrite, null);
        if (access is null) return;
        var result = sourcedId.Length > 36 ? null : await attendance.WithdrawAsync(access.TenantId, sourcedId, access.Confinement.Orgs, access.ClientId, context.RequestAborted);
        if (result is not { } withdrawn)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject, "No such attendance record for this client.", "sourcedId");
            return;
        }
        await AuditAsync(context, access, "write", "records", false, withdrawn.Row.SchoolSourcedId, withdrawn.Row.PupilSourcedId, withdrawn.Changed ? 1 : 0);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteBoolean("changed", withdrawn.Changed);
            w.WritePropertyName("record");
            AttendanceJson.WriteRecord(w, withdrawn.Row, access.Health);
        });
    }

    // ------------------------------------------------------------------ rules

    private static async Task GetWarningRulesAsync(HttpContext context, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, null);
        if (access is null) return;
        var (rules, configured) = await attendance.ReadWarningRulesAsync(access.TenantId, context.RequestAborted);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w => WriteRules(w, rules, configured));
    }

    private static void WriteRules(Utf8JsonWriter w, IReadOnlyList<WarningRule> rules, bool configured)
    {
        w.WriteBoolean("configured", configured);
        w.WriteStartArray("rules");
        foreach (var r in rules)
        {
            w.WriteStartObject();
            w.WriteString("kind", AttendanceVocabulary.Name(r.Kind));
            w.WriteBoolean("enabled", r.Enabled);
            if (r.Threshold is { } t) w.WriteNumber("threshold", t);
            if (r.WindowDays is { } d) w.WriteNumber("windowDays", d);
            if (r.SharePercent is { } s) w.WriteNumber("sharePercent", s);
            if (r.Basis is { } b) w.WriteString("basis", AttendanceVocabulary.Name(b));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>
    /// PUT the board's rules: <c>{"rules": [{"kind", "enabled", "threshold", "windowDays", "sharePercent", "basis"}]}</c>, each
    /// kind at most once, only the parameters of its kind. The set replaces the previous one; a kind left out is off.
    /// 400 <c>invaliddata</c> listing every bad value.
    /// </summary>
    private static async Task PutWarningRulesAsync(HttpContext context, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceWrite, null);
        if (access is null || !await RequireBoardAsync(context, access)) return;
        using var body = await ReadBodyAsync(context);
        if (body is null) return;
        var problems = new List<(string Field, string Rule, string Message)>();
        var rules = new List<WarningRule>();
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("rules", out var array) || array.ValueKind != JsonValueKind.Array
            || array.GetArrayLength() > 16 || root.EnumerateObject().Any(p => p.Name != "rules"))
            problems.Add(("rules", WarningRule.InvalidRule, "The body is {\"rules\": [...]}, one rule per kind."));
        else
        {
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var rule = ParseRule(item, out var ruleProblems);
                foreach (var p in ruleProblems) problems.Add(($"rules[{i}].{p.Field}", p.Rule, p.Message));
                if (rule is not null)
                {
                    if (rules.Any(r => r.Kind == rule.Kind)) problems.Add(($"rules[{i}].kind", WarningRule.InvalidRule, "Each kind is configured at most once."));
                    foreach (var p in rule.Validate()) problems.Add(($"rules[{i}].{p.Field}", p.Rule, p.Message));
                    rules.Add(rule);
                }
                i++;
            }
        }
        if (problems.Count > 0)
        {
            await InvalidAsync(context, problems, StatusCodes.Status400BadRequest);
            return;
        }
        // Store every kind: one left out is stored disabled, so that "configured, nothing on" is not mistaken for "never configured".
        var complete = Enum.GetValues<WarningRuleKind>().Select(k => rules.FirstOrDefault(r => r.Kind == k) ?? new WarningRule(k, Enabled: false)).ToList();
        await attendance.ReplaceWarningRulesAsync(access.TenantId, complete, context.RequestAborted);
        await AuditAsync(context, access, "write", "warning-rules", false, null, null, rules.Count);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w => WriteRules(w, complete, true));
    }

    private static WarningRule? ParseRule(JsonElement e, out List<AttendanceProblem> problems)
    {
        problems = [];
        if (e.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("", WarningRule.InvalidRule, "A rule is an object."));
            return null;
        }
        foreach (var p in e.EnumerateObject())
            if (p.Name is not ("kind" or "enabled" or "threshold" or "windowDays" or "sharePercent" or "basis"))
                problems.Add(new(Shorten(p.Name), AttendanceJson.UnknownField, "Unknown property."));
        var errors = problems;
        int? Int(string name)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n)) return n;
            errors.Add(new(name, WarningRule.InvalidRule, $"'{name}' is an integer."));
            return null;
        }
        WarningRuleKind kind = default;
        if (!e.TryGetProperty("kind", out var k) || k.ValueKind != JsonValueKind.String || !AttendanceVocabulary.TryParse(k.GetString(), out kind))
            problems.Add(new("kind", WarningRule.InvalidRule, $"'kind' is one of {string.Join(", ", AttendanceVocabulary.AllNames<WarningRuleKind>())}."));
        var enabled = true;
        if (e.TryGetProperty("enabled", out var en))
        {
            if (en.ValueKind is JsonValueKind.True or JsonValueKind.False) enabled = en.GetBoolean();
            else problems.Add(new("enabled", WarningRule.InvalidRule, "'enabled' is a boolean."));
        }
        LongAbsenceBasis? basis = null;
        if (e.TryGetProperty("basis", out var b) && b.ValueKind != JsonValueKind.Null)
        {
            if (b.ValueKind == JsonValueKind.String && AttendanceVocabulary.TryParse<LongAbsenceBasis>(b.GetString(), out var parsed)) basis = parsed;
            else problems.Add(new("basis", WarningRule.InvalidRule, "'basis' is ABSENT or ABSENT_AND_EXCUSED."));
        }
        var rule = new WarningRule(kind, enabled, Int("threshold"), Int("windowDays"), Int("sharePercent"), basis);
        return problems.Count > 0 ? null : rule;
    }

    // ------------------------------------------------------------------ evaluation and alerts

    /// <summary>POST evaluate: every enabled rule for every pupil of the tenant as of <c>asOf</c> (default today in Japan); 200 with the counts.</summary>
    private static async Task EvaluateWarningsAsync(HttpContext context, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceWrite, null);
        if (access is null || !await RequireBoardAsync(context, access)) return;
        var asOf = TodayInJapan();
        if (DateParam(context.Request.Query, "asOf", out var given) is false || given is { Year: < 2000 or > 2100 })
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, "'asOf' is a date yyyy-MM-dd.", "asOf");
            return;
        }
        if (given is { } d) asOf = d;
        var result = await attendance.EvaluateWarningsAsync(access.TenantId, asOf, context.RequestAborted);
        await AuditAsync(context, access, "write", "alerts", true, null, null, result.Raised + result.Updated + result.Resolved);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteString("asOf", result.AsOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteNumber("schoolYear", result.SchoolYear);
            w.WriteNumber("pupilsEvaluated", result.Pupils);
            w.WriteNumber("raised", result.Raised);
            w.WriteNumber("updated", result.Updated);
            w.WriteNumber("resolved", result.Resolved);
            w.WriteNumber("open", result.Open);
        });
    }

    /// <summary>
    /// GET alerts through THE query engine (<see cref="AttendanceQuery.Alerts"/>): <c>filter</c>, <c>sort</c>/<c>orderBy</c>,
    /// <c>limit</c>, <c>offset</c>, <c>fields</c>, signed <c>cursor</c>, <c>X-Total-Count</c>, <c>Link</c>. The convenience
    /// parameters <c>school</c>, <c>pupil</c>, <c>status</c> (open | resolved | all; default open) and <c>kind</c> stay.
    /// Confined to the client's orgs; <c>NURSE_ROOM_VISITS</c> alerts (a health signal, 重要性分類 II) only with the health
    /// scope — both in the hub's AND group, outside the client's filter.
    /// </summary>
    private static async Task GetWarningsAsync(HttpContext context, RosterStore store, AttendanceStore attendance, HubSettings settings, AttendanceCursors cursors)
    {
        var q = context.Request.Query;
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, (string?)q["school"]);
        if (access is null) return;
        string? error = null;
        var status = (string?)q["status"] switch { null or "open" => "open", "resolved" => "resolved", "all" => null, _ => "?" };
        if (status == "?") error = "status";
        var visible = Enum.GetValues<WarningRuleKind>().Where(k => access.Health || k != WarningRuleKind.NurseRoomVisits).Select(k => AttendanceVocabulary.Name(k)).ToList();
        var kinds = visible;
        if ((string?)q["kind"] is { } kindText)
        {
            if (!AttendanceVocabulary.TryParse<WarningRuleKind>(kindText, out _)) error = "kind";
            else kinds = [.. visible.Where(k => k == kindText)];
        }
        if ((string?)q["pupil"] is { Length: > 255 }) error = "pupil";
        if (error is not null)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, $"Invalid value of '{error}'.", error);
            return;
        }
        var parsed = RosterQueryParser.Parse(AttendanceQuery.Alerts, new QueryParameters(Single(q, "filter"), Single(q, "sort"), Single(q, "orderBy"),
            Single(q, "limit"), Single(q, "offset"), q.TryGetValue("fields", out var f) ? f.OfType<string>().ToList() : null, Single(q, "cursor")), cursors.Codec);
        if (parsed.Error is { } queryError)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, queryError.CodeMinor, queryError.Message, queryError.Parameter);
            return;
        }
        var alertQuery = new AlertQuery { Schools = access.Confinement.Orgs, School = (string?)q["school"], Pupil = (string?)q["pupil"], Status = status, Kinds = kinds };
        var page = await attendance.ReadAlertPageAsync(access.TenantId, parsed.Value, AttendanceStore.Scope(alertQuery), includeTotal: true, cursors.Codec, context.RequestAborted);
        var rows = page.Records;
        var fields = parsed.Value.Fields;
        bool Has(string name) => fields is null || fields.Contains(name, StringComparer.Ordinal);
        await AuditAsync(context, access, "read", "alerts", access.Health, alertQuery.School, alertQuery.Pupil, rows.Count);
        context.Response.Headers["X-Total-Count"] = page.TotalCount!.Value.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.Link = RosteringHandlers.PagingLinks(context.Request, settings.PublicBaseUrl, parsed.Value, page.HasMore, page.NextCursor, page.TotalCount);
        await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteStartArray("alerts");
            foreach (var a in rows)
            {
                w.WriteStartObject();
                if (Has("sourcedId")) w.WriteString("sourcedId", a.SourcedId);
                if (Has("status")) w.WriteString("status", a.Status);
                if (Has("dateLastModified")) w.WriteString("dateLastModified", a.DateLastModified.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                if (Has("kind")) w.WriteString("kind", a.Kind);
                if (Has("school")) AttendanceJson.WriteRef(w, "school", a.SchoolSourcedId, "org");
                if (Has("pupil")) AttendanceJson.WriteRef(w, "pupil", a.PupilSourcedId, "user");
                if (Has("schoolYear")) w.WriteNumber("schoolYear", a.SchoolYear);
                if (Has("value")) w.WriteNumber("value", a.Value);
                if (Has("from")) w.WriteString("from", a.WindowFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                if (Has("to")) w.WriteString("to", a.WindowTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                if (Has("raisedAt")) w.WriteString("raisedAt", a.RaisedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                if (Has("resolvedAt") && a.ResolvedAt is { } resolvedAt) w.WriteString("resolvedAt", resolvedAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                if (Has("evidence"))
                {
                    w.WritePropertyName("evidence");
                    using var evidence = JsonDocument.Parse(a.Evidence);
                    evidence.RootElement.WriteTo(w);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }
}
