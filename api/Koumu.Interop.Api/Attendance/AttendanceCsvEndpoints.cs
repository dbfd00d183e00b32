using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Attendance;
using Microsoft.AspNetCore.Http.Features;
using Sylvan.Data.Csv;

namespace Koumu.Interop.Api.Attendance;

/// <summary>
/// Attendance as CSV (docs/attendance.md "CSV"): import and export of records (one row per record, columns named as the
/// JSON properties), the infection-surveillance daily report, and a tenant's local code maps.
/// </summary>
public static partial class AttendanceEndpoints
{
    /// <summary>The import columns, in the API's words (the JSON record properties); <c>modifiers</c> and <c>symptoms</c> are <c>;</c>-separated.</summary>
    public static readonly string[] CsvColumns =
    [
        "pupilSourcedId", "date", "period", "code", "deemedKind", "facility", "disease", "relationship", "onlineMethod", "onlineParticipated",
        "modifiers", "arrivedAt", "leftAt", "symptoms", "temperature", "note", "reportedBy", "sourceSystem", "reportedAt",
    ];

    /// <summary>Read-only columns the export adds; an import accepts them (so an export can be edited and sent back) and ignores all but <c>status</c>.</summary>
    public static readonly string[] CsvReadOnlyColumns = ["sourcedId", "status", "version", "dateLastModified"];

    private const string RuleCsvHeader = "attendance.csv-header";
    private const string RuleCsvMalformed = "attendance.csv-malformed";
    private const int MaxCsvRecordChars = 8192;
    private const int ExportPage = 5000;

    // ------------------------------------------------------------------ import

    /// <summary>
    /// POST a school's records as CSV (<c>text/csv</c>, UTF-8 or <c>charset=shift_jis</c>): read row by row from the request
    /// stream, each row checked by the same parser and rules as the JSON POST, written all-or-nothing by the same store
    /// call. <c>system</c> maps the <c>code</c> column through the tenant's code map of that system. 422 lists every bad
    /// value as <c>file:line:column</c> with its rule id.
    /// </summary>
    private static async Task ImportRecordsCsvAsync(HttpContext context, string schoolSourcedId, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceWrite, schoolSourcedId);
        if (access is null) return;
        if (await SchoolYearAsync(context) is not { } year) return;
        var request = context.Request;
        Encoding? encoding = null;
        if (request.ContentType is { } contentType && Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
            encoding = media.Charset.Length == 0 ? new UTF8Encoding(false, throwOnInvalidBytes: true) : CharsetOf(media.Charset.Value);
        if (encoding is null)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status415UnsupportedMediaType, CodeMinorValue.InvalidData,
                "The body must be text/csv (charset utf-8 or shift_jis).", "Content-Type");
            return;
        }
        if (request.ContentLength > MaxBodyBytes)
        {
            await TooLargeAsync(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxBodyBytes;
        LocalCodeMap? map = null;
        var system = (string?)request.Query["system"];
        if (system is not null)
        {
            if (system.Length is 0 or > 64)
            {
                await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, "'system' is 1–64 characters.", "system");
                return;
            }
            map = await attendance.LoadCodeMapAsync(access.TenantId, system, context.RequestAborted);
        }
        var file = FileName(request);
        var problems = new List<(string Field, string Rule, string Message)>();
        var entries = new List<AttendanceEntry>();
        var lines = new List<long>();
        try
        {
            await ReadCsvAsync(request.Body, encoding, file, schoolSourcedId, map, system, entries, lines, problems, context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            await TooLargeAsync(context);
            return;
        }
        if (problems.Count == 0 && entries.Count == 0) problems.Add(($"{file}:1", RuleCsvHeader, "The file has no records."));
        if (problems.Count == 0)
        {
            var result = await attendance.WriteAsync(access.TenantId, year, entries, access.Confinement.Orgs, access.ClientId, context.RequestAborted);
            problems.AddRange(result.Problems.Select(p => ($"{file}:{lines[p.Index]}:{ColumnOf(p.Field)}", p.Rule, p.Message)));
            if (problems.Count == 0)
            {
                await AuditAsync(context, access, "write", "records", entries.Any(e => e.Mark.HasHealthDetails), schoolSourcedId, null, result.Written.Count);
                await WriteJsonAsync(context, StatusCodes.Status200OK, w =>
                {
                    w.WriteNumber("rows", entries.Count);
                    w.WriteNumber("written", result.Written.Count);
                    w.WriteNumber("unchanged", result.Unchanged);
                });
                return;
            }
        }
        await InvalidAsync(context, problems);
    }

    /// <summary>The store names "school" for a school outside the client's orgs; in the CSV the school is the URL's, so the row's pupil column is shown.</summary>
    private static string ColumnOf(string field) => field == "school" ? "pupilSourcedId" : field == "pupil" ? "pupilSourcedId" : field;

    private static Encoding? CharsetOf(string? name) => name?.Trim('"').ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => new UTF8Encoding(false, throwOnInvalidBytes: true),
        "shift_jis" or "shift-jis" or "sjis" or "cp932" or "windows-31j" => ShiftJis.Encoding,
        _ => null,
    };

    private static string FileName(HttpRequest request)
    {
        if (Microsoft.Net.Http.Headers.ContentDispositionHeaderValue.TryParse(request.Headers.ContentDisposition.ToString(), out var disposition)
            && (disposition.FileNameStar.Value ?? disposition.FileName.Value)?.Trim('"') is { Length: > 0 and <= 100 } name
            && name.All(c => !char.IsControl(c) && c is not ('/' or '\\' or ':')))
            return name;
        return "records.csv";
    }

    private static async Task ReadCsvAsync(Stream body, Encoding encoding, string file, string school, LocalCodeMap? map, string? system,
        List<AttendanceEntry> entries, List<long> lines, List<(string Field, string Rule, string Message)> problems, CancellationToken cancellationToken)
    {
        using var text = new StreamReader(body, encoding, detectEncodingFromByteOrderMarks: encoding is UTF8Encoding, bufferSize: 1 << 16, leaveOpen: true);
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16, MaxBufferSize = MaxCsvRecordChars * 2 },
                cancellationToken);
        }
        catch (CsvRecordTooLargeException)
        {
            problems.Add(($"{file}:1", RuleCsvMalformed, $"A record is longer than {MaxCsvRecordChars} characters."));
            return;
        }
        catch (DecoderFallbackException)
        {
            problems.Add(($"{file}:1", RuleCsvMalformed, "The header is not valid in its charset (Shift_JIS? send text/csv; charset=shift_jis)."));
            return;
        }
        await using var _ = csv;
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        foreach (var (name, i) in header.Select((n, i) => (n, i)))
        {
            if (!CsvColumns.Contains(name, StringComparer.Ordinal) && !CsvReadOnlyColumns.Contains(name, StringComparer.Ordinal))
                problems.Add(($"{file}:1:{Shorten(name)}", RuleCsvHeader, "Unknown column (the columns are the record's JSON properties)."));
            else if (Array.IndexOf(header, name) != i) problems.Add(($"{file}:1:{name}", RuleCsvHeader, "The column is named twice."));
        }
        foreach (var required in new[] { "pupilSourcedId", "date", "code" })
            if (!header.Contains(required, StringComparer.Ordinal)) problems.Add(($"{file}:1:{required}", RuleCsvHeader, "A required column is missing."));
        if (problems.Count > 0) return;
        var statusColumn = Array.IndexOf(header, "status");
        long nextLine = 2;
        var buffer = new ArrayBufferWriter<byte>(1024);
        while (true)
        {
            bool read;
            try
            {
                read = await csv.ReadAsync(cancellationToken);
            }
            catch (CsvRecordTooLargeException)
            {
                problems.Add(($"{file}:{nextLine}", RuleCsvMalformed, $"A record is longer than {MaxCsvRecordChars} characters; nothing after it was read."));
                return;
            }
            catch (DecoderFallbackException)
            {
                problems.Add(($"{file}:{nextLine}", RuleCsvMalformed, "The text is not valid in its charset (Shift_JIS? send text/csv; charset=shift_jis); nothing after it was read."));
                return;
            }
            if (!read) break;
            var line = nextLine;
            var newlines = 0;
            for (var i = 0; i < csv.RowFieldCount; i++) newlines += csv.GetFieldSpan(i).Count('\n');
            nextLine += 1 + newlines;
            if (entries.Count >= MaxRecordsPerRequest)
            {
                problems.Add(($"{file}:{line}", RuleCsvMalformed, $"At most {MaxRecordsPerRequest} records per request."));
                return;
            }
            if (csv.RowFieldCount != header.Length)
            {
                problems.Add(($"{file}:{line}", RuleCsvMalformed, $"The row has {csv.RowFieldCount} fields; the header has {header.Length}."));
                entries.Add(Placeholder);
                lines.Add(line);
                continue;
            }
            var rowProblems = new List<(string Field, string Rule, string Message)>();
            if (statusColumn >= 0 && csv.GetString(statusColumn) is { Length: > 0 } status && status != "active")
                rowProblems.Add(("status", AttendanceRules.InvalidValue, "Only active records are imported; withdraw a record with DELETE /records/{sourcedId}."));
            buffer.ResetWrittenCount();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                for (var i = 0; i < header.Length; i++)
                {
                    var name = header[i];
                    if (CsvReadOnlyColumns.Contains(name, StringComparer.Ordinal)) continue;
                    var value = csv.GetString(i);
                    if (name == "code" && map is not null && value.Length > 0)
                    {
                        if (!map.TryMap(system!, value, null, out var template))
                        {
                            rowProblems.Add(("code", AttendanceJson.UnknownCode, $"'{Shorten(value)}' is not in the code map of '{Shorten(system!)}'."));
                            continue;
                        }
                        value = AttendanceCodes.Name(template.Code);
                        // The template's attributes fill the columns the row leaves empty (LocalCodeMap.TryMap: the record's own values win).
                        WriteTemplateAttributes(w, template, header, csv);
                    }
                    if (value.Length == 0) continue;
                    WriteCsvValue(w, name, value);
                }
                w.WriteEndObject();
            }
            using var json = JsonDocument.Parse(buffer.WrittenMemory);
            var entry = AttendanceJson.ParseEntry(json.RootElement, school, out var parsed);
            rowProblems.AddRange(parsed.Select(p => (p.Field, p.Rule, p.Message)));
            if (entry is not null && parsed.Count == 0)
                rowProblems.AddRange(AttendanceRules.Validate(entry.Mark, entry.Period).Select(p => (p.Field, p.Rule, p.Message)));
            foreach (var (field, rule, message) in rowProblems) problems.Add(($"{file}:{line}:{field}", rule, message));
            entries.Add(rowProblems.Count == 0 && entry is not null ? entry : Placeholder);
            lines.Add(line);
        }
    }

    private static void WriteTemplateAttributes(Utf8JsonWriter w, AttendanceMark template, string[] header, CsvDataReader csv)
    {
        bool Empty(string column) => Array.IndexOf(header, column) is var i && (i < 0 || csv.GetString(i).Length == 0);
        if (template.DeemedKind is { } k && Empty("deemedKind")) w.WriteString("deemedKind", AttendanceVocabulary.Name(k));
        if (template.Disease is { } d && Empty("disease")) w.WriteString("disease", d);
        if (template.Relationship is { } r && Empty("relationship")) w.WriteString("relationship", AttendanceVocabulary.Name(r));
        if (template.OnlineMethod is { } o && Empty("onlineMethod")) w.WriteString("onlineMethod", AttendanceVocabulary.Name(o));
    }

    /// <summary>A cell as the JSON value the record parser expects: numbers and booleans typed when they parse (else left as text for the parser to reject), lists split on <c>;</c>.</summary>
    private static void WriteCsvValue(Utf8JsonWriter w, string name, string value)
    {
        switch (name)
        {
            case "period" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var period):
                w.WriteNumber(name, period);
                break;
            case "temperature" when decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var t):
                w.WriteNumber(name, t);
                break;
            case "onlineParticipated" when value is "true" or "false":
                w.WriteBoolean(name, value == "true");
                break;
            case "modifiers" or "symptoms":
                w.WriteStartArray(name);
                foreach (var item in value.Split(';', StringSplitOptions.TrimEntries)) w.WriteStringValue(item);
                w.WriteEndArray();
                break;
            default:
                w.WriteString(name, value);
                break;
        }
    }

    // ------------------------------------------------------------------ export

    /// <summary>
    /// GET a school's current records of a 年度 as CSV, streamed page by page (keyset on the row id, so rows written
    /// meanwhile neither repeat nor shift the pages). Health columns are empty without the health scope.
    /// </summary>
    private static async Task ExportRecordsCsvAsync(HttpContext context, string schoolSourcedId, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, schoolSourcedId);
        if (access is null) return;
        if (await SchoolYearAsync(context) is not { } year) return;
        if (await CharsetParamAsync(context) is not { } encoding) return;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = $"text/csv; charset={(encoding is UTF8Encoding ? "utf-8" : "shift_jis")}";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"attendance-{schoolSourcedId.Where(char.IsAsciiLetterOrDigit).Take(40).Aggregate("", (s, c) => s + c)}-{year}.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, encoding, 1 << 16, leaveOpen: true);
        writer.NewLine = "\r\n"; // RFC 4180
        await writer.WriteLineAsync(string.Join(',', CsvColumns.Concat(CsvReadOnlyColumns)));
        var query = new AttendanceRecordQuery
        {
            Schools = access.Confinement.Orgs, School = schoolSourcedId, From = SchoolYear.Start(year), To = SchoolYear.End(year), Limit = ExportPage,
        };
        var count = 0;
        while (true)
        {
            var (rows, hasMore) = await attendance.ReadAsync(access.TenantId, query, context.RequestAborted);
            foreach (var r in rows) await writer.WriteLineAsync(CsvLine(r, access.Health));
            count += rows.Count;
            await writer.FlushAsync(context.RequestAborted);
            if (!hasMore) break;
            query = query with { After = rows[^1].Id };
        }
        await AuditAsync(context, access, "read", "records", access.Health, schoolSourcedId, null, count);
    }

    private static string CsvLine(AttendanceRecordRow r, bool health)
    {
        var modifiers = new List<string>();
        if (r.Late) modifiers.Add("LATE");
        if (r.EarlyLeave) modifiers.Add("EARLY_LEAVE");
        if (r.NurseRoom && health) modifiers.Add("NURSE_ROOM");
        if (r.SeparateRoom) modifiers.Add("SEPARATE_ROOM");
        string?[] values =
        [
            r.PupilSourcedId, r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.Period == 0 ? null : r.Period.ToString(CultureInfo.InvariantCulture),
            r.Code, r.DeemedKind, Text(r.Facility), health ? r.Disease : null, r.Relationship, r.OnlineMethod,
            r.OnlineParticipated is { } p ? (p ? "true" : "false") : null, string.Join(';', modifiers), r.ArrivedAt, r.LeftAt,
            health ? r.Symptoms?.Replace(',', ';') : null, health ? r.Temperature?.ToString(CultureInfo.InvariantCulture) : null, health ? Text(r.Note) : null,
            r.ReportedBy, Text(r.SourceSystem), r.ReportedAt?.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            r.SourcedId, r.Status, r.Version.ToString(CultureInfo.InvariantCulture), r.DateLastModified.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ];
        return string.Join(',', values.Select(Quote));
    }

    /// <summary>
    /// Free text that a spreadsheet would run as a formula (leading <c>= + - @</c>, tab, CR — OWASP "CSV injection") gets a
    /// leading apostrophe: these files are opened in Excel at schools.
    /// </summary>
    private static string? Text(string? value) => value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static string Quote(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static async Task<Encoding?> CharsetParamAsync(HttpContext context)
    {
        var name = (string?)context.Request.Query["charset"] ?? "utf-8";
        if (CharsetOf(name) is { } encoding) return encoding;
        await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData, "'charset' is utf-8 or shift_jis.", "charset");
        return null;
    }

    // ------------------------------------------------------------------ infection surveillance

    /// <summary>The infection-surveillance columns (docs/attendance.md): one row per homeroom class and school day.</summary>
    public static readonly string[] InfectionReportColumns =
    [
        "date", "schoolSourcedId", "classSourcedId", "classTitle", "grade", "dayKind", "enrolled", "absent", "absentIllness", "suspendedInfection", "suspendedByDisease",
    ];

    /// <summary>
    /// GET the daily per-class report: <c>date</c>, or <c>from</c> and <c>to</c> (at most 31 days); <c>charset</c> utf-8 or
    /// shift_jis. Disease counts per class are health data (重要性分類 II): the health scope is required.
    /// </summary>
    private static async Task GetInfectionReportAsync(HttpContext context, string schoolSourcedId, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, schoolSourcedId);
        if (access is null) return;
        if (!access.Health)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden,
                $"The infection report holds health data: it needs the scope {KoumuScopes.AttendanceHealthRead}.", "scope");
            return;
        }
        var q = context.Request.Query;
        var single = DateParam(q, "date", out var date);
        var fromOk = DateParam(q, "from", out var from);
        var toOk = DateParam(q, "to", out var to);
        if (single is true && fromOk is null && toOk is null) (from, to) = (date, date);
        if (single is false || fromOk is false || toOk is false || from is null || to is null || to < from
            || to.Value.DayNumber - from.Value.DayNumber >= AttendanceStore.MaxReportDays || (single is true && (fromOk is not null || toOk is not null)))
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status400BadRequest, CodeMinorValue.InvalidData,
                $"Give 'date', or 'from' and 'to' (yyyy-MM-dd, at most {AttendanceStore.MaxReportDays} days).", "date");
            return;
        }
        if (await CharsetParamAsync(context) is not { } encoding) return;
        var rows = await attendance.InfectionReportAsync(access.TenantId, schoolSourcedId, from.Value, to.Value, context.RequestAborted);
        await AuditAsync(context, access, "read", "infection-report", true, schoolSourcedId, null, rows.Count);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = $"text/csv; charset={(encoding is UTF8Encoding ? "utf-8" : "shift_jis")}";
        await using var writer = new StreamWriter(context.Response.Body, encoding, 1 << 16, leaveOpen: true);
        writer.NewLine = "\r\n";
        await writer.WriteLineAsync(string.Join(',', InfectionReportColumns));
        foreach (var r in rows)
        {
            string?[] values =
            [
                r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), schoolSourcedId, r.ClassSourcedId, Text(r.ClassTitle), r.Grade,
                AttendanceVocabulary.Name(r.DayKind), Count(r.Enrolled), Count(r.Absent), Count(r.AbsentIllness), Count(r.SuspendedInfection),
                string.Join(';', r.SuspendedByDisease.Select(d => $"{d.Disease}={Count(d.Count)}")),
            ];
            await writer.WriteLineAsync(string.Join(',', values.Select(Quote)));
        }
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    // ------------------------------------------------------------------ code maps

    /// <summary>PUT a system's code map: <c>{"entries": [{"localCode", "code", "deemedKind", "disease", "relationship", "onlineMethod"}]}</c>; replaces the system's map.</summary>
    private static async Task PutCodeMapAsync(HttpContext context, string system, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceWrite, null);
        if (access is null || !await RequireBoardAsync(context, access)) return;
        if (system.Length > 64)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject, "'system' is 1–64 characters.", "system");
            return;
        }
        using var body = await ReadBodyAsync(context);
        if (body is null) return;
        var problems = new List<(string Field, string Rule, string Message)>();
        var entries = new List<(string, AttendanceMark)>();
        if (body.RootElement.ValueKind != JsonValueKind.Object || !body.RootElement.TryGetProperty("entries", out var array) || array.ValueKind != JsonValueKind.Array
            || array.GetArrayLength() > 2000)
            problems.Add(("entries", AttendanceRules.InvalidValue, "The body is {\"entries\": [...]} with at most 2000 entries."));
        else
        {
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    problems.Add(($"entries[{i++}]", AttendanceRules.InvalidValue, "An entry is an object."));
                    continue;
                }
                foreach (var p in item.EnumerateObject())
                    if (p.Name is not ("localCode" or "code" or "deemedKind" or "disease" or "relationship" or "onlineMethod"))
                        problems.Add(($"entries[{i}].{Shorten(p.Name)}", AttendanceJson.UnknownField, "Unknown property."));
                var localCode = item.TryGetProperty("localCode", out var lc) && lc.ValueKind == JsonValueKind.String ? lc.GetString() : null;
                if (localCode is null) problems.Add(($"entries[{i}].localCode", AttendanceRules.AttributeRequired, "'localCode' is a string."));
                // The template is a record without pupil and date: parse it with the record parser for the same messages.
                using var template = JsonDocument.Parse("{\"pupilSourcedId\":\"-\",\"date\":\"2000-04-01\"," +
                    string.Join(',', item.EnumerateObject().Where(p => p.Name is "code" or "deemedKind" or "disease" or "relationship" or "onlineMethod").Select(p => JsonSerializer.Serialize(p.Name) + ":" + p.Value.GetRawText())) + "}");
                var entry = AttendanceJson.ParseEntry(template.RootElement, "-", out var parsed);
                foreach (var p in parsed) problems.Add(($"entries[{i}].{p.Field}", p.Rule, p.Message));
                if (entry is not null && localCode is not null && parsed.Count == 0) entries.Add((localCode, entry.Mark));
                i++;
            }
        }
        if (problems.Count == 0)
            problems.AddRange((await attendance.ReplaceCodeMapAsync(access.TenantId, system, entries, context.RequestAborted))
                .Select(p => ($"entries[{p.Index}].{p.Field}", p.Rule, p.Message)));
        if (problems.Count > 0)
        {
            await InvalidAsync(context, problems);
            return;
        }
        await AuditAsync(context, access, "write", "code-map", false, null, system, entries.Count);
        await WriteCodeMapAsync(context, system, entries);
    }

    private static async Task GetCodeMapAsync(HttpContext context, string system, RosterStore store, AttendanceStore attendance)
    {
        var access = await AuthorizeAsync(context, store, KoumuScopes.AttendanceRead, null);
        if (access is null) return;
        var entries = system.Length > 64 ? [] : await attendance.ReadCodeMapAsync(access.TenantId, system, context.RequestAborted);
        await WriteCodeMapAsync(context, system, entries);
    }

    private static Task WriteCodeMapAsync(HttpContext context, string system, IReadOnlyList<(string LocalCode, AttendanceMark Template)> entries) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, w =>
        {
            w.WriteString("system", system);
            w.WriteStartArray("entries");
            foreach (var (localCode, t) in entries)
            {
                w.WriteStartObject();
                w.WriteString("localCode", localCode);
                w.WriteString("code", AttendanceCodes.Name(t.Code));
                if (t.DeemedKind is { } k) w.WriteString("deemedKind", AttendanceVocabulary.Name(k));
                if (t.Disease is { } d) w.WriteString("disease", d);
                if (t.Relationship is { } r) w.WriteString("relationship", AttendanceVocabulary.Name(r));
                if (t.OnlineMethod is { } o) w.WriteString("onlineMethod", AttendanceVocabulary.Name(o));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
}
