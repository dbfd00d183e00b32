using System.Globalization;
using System.Text.Json;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Storage.Attendance;

namespace Koumu.Interop.Api.Attendance;

/// <summary>The JSON of attendance records, calendar entries and derived records (docs/attendance.md; openapi.yaml <c>Attendance*</c> schemas).</summary>
internal static class AttendanceJson
{
    private static readonly HashSet<string> RecordProperties =
    [
        "pupilSourcedId", "date", "period", "code", "deemedKind", "facility", "disease", "relationship", "onlineMethod", "onlineParticipated",
        "modifiers", "arrivedAt", "leftAt", "symptoms", "temperature", "note", "reportedBy", "sourceSystem", "reportedAt",
    ];

    public const string UnknownField = "attendance.unknown-field";
    public const string UnknownCode = "attendance.unknown-code";

    /// <summary>One input record; problems name the field within the record. Null when its pupil, date, code or reporter cannot be read.</summary>
    public static AttendanceEntry? ParseEntry(JsonElement e, string school, out List<AttendanceProblem> problems)
    {
        problems = [];
        if (e.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("", AttendanceRules.InvalidValue, "A record is an object."));
            return null;
        }
        foreach (var p in e.EnumerateObject())
            if (!RecordProperties.Contains(p.Name)) problems.Add(new(AttendanceEndpoints.Shorten(p.Name), UnknownField, "Unknown property."));
        var errors = problems;

        string? Str(string name, int max, bool required = false)
        {
            if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (required) errors.Add(new(name, AttendanceRules.AttributeRequired, $"'{name}' is required."));
                return null;
            }
            if (v.ValueKind != JsonValueKind.String || v.GetString() is not { Length: > 0 } s || s.Length > max)
            {
                errors.Add(new(name, AttendanceRules.InvalidValue, $"'{name}' is a string of 1–{max} characters."));
                return null;
            }
            return s;
        }

        T? Vocab<T>(string name) where T : struct, Enum
        {
            if (Str(name, 64) is not { } text) return null;
            if (AttendanceVocabulary.TryParse<T>(text, out var value)) return value;
            errors.Add(new(name, AttendanceRules.InvalidValue, $"'{AttendanceEndpoints.Shorten(text)}' is not one of {string.Join(", ", AttendanceVocabulary.AllNames<T>())}."));
            return null;
        }

        TimeOnly? Time(string name)
        {
            if (Str(name, 5) is not { } text) return null;
            if (TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return t;
            errors.Add(new(name, AttendanceRules.InvalidValue, $"'{name}' is a time HH:mm."));
            return null;
        }

        var pupil = Str("pupilSourcedId", 255, required: true);
        DateOnly date = default;
        var dateText = Str("date", 10, required: true);
        var dateOk = dateText is not null && DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
        if (dateText is not null && !dateOk) errors.Add(new("date", AttendanceRules.InvalidValue, "'date' is a date yyyy-MM-dd."));
        int? period = null;
        if (e.TryGetProperty("period", out var pv) && pv.ValueKind != JsonValueKind.Null)
        {
            if (pv.ValueKind == JsonValueKind.Number && pv.TryGetInt32(out var pn)) period = pn;
            else errors.Add(new("period", AttendanceRules.InvalidValue, "'period' is an integer (null for the whole day)."));
        }
        AttendanceCode? code = null;
        if (Str("code", 64, required: true) is { } codeText)
        {
            if (AttendanceCodes.TryParse(codeText, out var c)) code = c;
            else errors.Add(new("code", UnknownCode, $"'{AttendanceEndpoints.Shorten(codeText)}' is not a canonical attendance code."));
        }
        bool? participated = null;
        if (e.TryGetProperty("onlineParticipated", out var op) && op.ValueKind != JsonValueKind.Null)
        {
            if (op.ValueKind is JsonValueKind.True or JsonValueKind.False) participated = op.GetBoolean();
            else errors.Add(new("onlineParticipated", AttendanceRules.InvalidValue, "'onlineParticipated' is a boolean."));
        }
        var modifiers = new HashSet<string>(StringComparer.Ordinal);
        if (e.TryGetProperty("modifiers", out var mv) && mv.ValueKind != JsonValueKind.Null)
        {
            if (mv.ValueKind != JsonValueKind.Array || mv.GetArrayLength() > 4) errors.Add(new("modifiers", AttendanceRules.InvalidValue, "'modifiers' is an array of LATE, EARLY_LEAVE, NURSE_ROOM, SEPARATE_ROOM."));
            else
                foreach (var m in mv.EnumerateArray())
                    if (m.ValueKind != JsonValueKind.String || m.GetString() is not ("LATE" or "EARLY_LEAVE" or "NURSE_ROOM" or "SEPARATE_ROOM") || !modifiers.Add(m.GetString()!))
                        errors.Add(new("modifiers", AttendanceRules.InvalidValue, "'modifiers' holds LATE, EARLY_LEAVE, NURSE_ROOM, SEPARATE_ROOM, each at most once."));
        }
        var symptoms = new List<Symptom>();
        if (e.TryGetProperty("symptoms", out var sv) && sv.ValueKind != JsonValueKind.Null)
        {
            if (sv.ValueKind != JsonValueKind.Array || sv.GetArrayLength() > 9) errors.Add(new("symptoms", AttendanceRules.InvalidValue, "'symptoms' is an array of symptom names."));
            else
                foreach (var s in sv.EnumerateArray())
                    if (s.ValueKind == JsonValueKind.String && AttendanceVocabulary.TryParse<Symptom>(s.GetString(), out var symptom)) symptoms.Add(symptom);
                    else errors.Add(new("symptoms", AttendanceRules.InvalidValue, $"Symptoms are {string.Join(", ", AttendanceVocabulary.AllNames<Symptom>())}."));
        }
        decimal? temperature = null;
        if (e.TryGetProperty("temperature", out var tv) && tv.ValueKind != JsonValueKind.Null)
        {
            if (tv.ValueKind == JsonValueKind.Number && tv.TryGetDecimal(out var t)) temperature = t;
            else errors.Add(new("temperature", AttendanceRules.InvalidValue, "'temperature' is a number (°C)."));
        }
        DateTime? reportedAt = null;
        if (Str("reportedAt", 40) is { } reportedText)
        {
            if (DateTimeOffset.TryParse(reportedText, CultureInfo.InvariantCulture, DateTimeStyles.None, out var r)) reportedAt = r.UtcDateTime;
            else errors.Add(new("reportedAt", AttendanceRules.InvalidValue, "'reportedAt' is an ISO 8601 date-time with offset."));
        }
        var reportedBy = e.TryGetProperty("reportedBy", out _) ? Vocab<ReportedBy>("reportedBy") : ReportedBy.Teacher;
        var mark = new AttendanceMark
        {
            Code = code ?? AttendanceCode.Present,
            DeemedKind = Vocab<DeemedAttendanceKind>("deemedKind"),
            Facility = Str("facility", 200),
            Disease = Str("disease", 48),
            Relationship = Vocab<BereavementRelationship>("relationship"),
            OnlineMethod = Vocab<OnlineLessonMethod>("onlineMethod"),
            OnlineParticipated = participated,
            Late = modifiers.Contains("LATE"),
            ArrivedAt = Time("arrivedAt"),
            EarlyLeave = modifiers.Contains("EARLY_LEAVE"),
            LeftAt = Time("leftAt"),
            NurseRoom = modifiers.Contains("NURSE_ROOM"),
            SeparateRoom = modifiers.Contains("SEPARATE_ROOM"),
            Symptoms = symptoms,
            Temperature = temperature,
            Note = Str("note", AttendanceRules.MaxTextLength),
        };
        var sourceSystem = Str("sourceSystem", 64);
        // The entry is returned whenever its identity and code parsed, so that the caller can still check the mark's rules
        // and report every problem of the row at once; the caller never writes a request that has problems.
        if (pupil is null || !dateOk || code is null || reportedBy is null) return null;
        return new AttendanceEntry(school, pupil, date, period, mark, reportedBy.Value, sourceSystem, reportedAt);
    }

    public static void WriteRef(Utf8JsonWriter w, string name, string sourcedId, string type)
    {
        w.WriteStartObject(name);
        w.WriteString("sourcedId", sourcedId);
        w.WriteString("type", type);
        w.WriteEndObject();
    }

    /// <summary>
    /// A stored record version. Without <paramref name="health"/> the health details (disease, symptoms, temperature,
    /// 保健室登校, the free-text note) are left out (重要性分類 II, need-to-know).
    /// </summary>
    /// <summary>
    /// One record. Without <paramref name="health"/> the health details are left out; with <paramref name="fields"/>
    /// (the query's <c>fields</c>, already checked against the collection's allow-list) only those properties are written.
    /// </summary>
    public static void WriteRecord(Utf8JsonWriter w, AttendanceRecordRow r, bool health, IReadOnlyList<string>? fields = null)
    {
        bool Has(string name) => fields is null || fields.Contains(name, StringComparer.Ordinal);
        w.WriteStartObject();
        if (Has("sourcedId")) w.WriteString("sourcedId", r.SourcedId);
        if (Has("status")) w.WriteString("status", r.Status);
        if (Has("dateLastModified")) w.WriteString("dateLastModified", r.DateLastModified.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        if (Has("version")) w.WriteNumber("version", r.Version);
        if (Has("current")) w.WriteBoolean("current", r.IsCurrent);
        if (Has("school")) WriteRef(w, "school", r.SchoolSourcedId, "org");
        if (Has("pupil")) WriteRef(w, "pupil", r.PupilSourcedId, "user");
        if (Has("date")) w.WriteString("date", r.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        if (Has("period"))
        {
            if (r.Period == 0) w.WriteNull("period");
            else w.WriteNumber("period", r.Period);
        }
        if (Has("code")) w.WriteString("code", r.Code);
        if (Has("deemedKind")) Optional(w, "deemedKind", r.DeemedKind);
        if (Has("facility")) Optional(w, "facility", r.Facility);
        if (Has("relationship")) Optional(w, "relationship", r.Relationship);
        if (Has("onlineMethod")) Optional(w, "onlineMethod", r.OnlineMethod);
        if (Has("onlineParticipated") && r.OnlineParticipated is { } participated) w.WriteBoolean("onlineParticipated", participated);
        if (Has("modifiers"))
        {
            w.WriteStartArray("modifiers");
            if (r.Late) w.WriteStringValue("LATE");
            if (r.EarlyLeave) w.WriteStringValue("EARLY_LEAVE");
            if (r.NurseRoom && health) w.WriteStringValue("NURSE_ROOM");
            if (r.SeparateRoom) w.WriteStringValue("SEPARATE_ROOM");
            w.WriteEndArray();
        }
        if (Has("arrivedAt")) Optional(w, "arrivedAt", r.ArrivedAt);
        if (Has("leftAt")) Optional(w, "leftAt", r.LeftAt);
        if (health)
        {
            if (Has("disease")) Optional(w, "disease", r.Disease);
            if (Has("symptoms"))
            {
                w.WriteStartArray("symptoms");
                foreach (var s in (r.Symptoms ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)) w.WriteStringValue(s);
                w.WriteEndArray();
            }
            if (Has("temperature") && r.Temperature is { } t) w.WriteNumber("temperature", t);
            if (Has("note")) Optional(w, "note", r.Note);
        }
        if (Has("reportedBy")) w.WriteString("reportedBy", r.ReportedBy);
        if (Has("sourceSystem")) Optional(w, "sourceSystem", r.SourceSystem);
        if (Has("reportedAt") && r.ReportedAt is { } at) w.WriteString("reportedAt", at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    public static CalendarEntry? ParseCalendarEntry(JsonElement e, out List<AttendanceProblem> problems)
    {
        problems = [];
        if (e.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new("", AttendanceRules.InvalidValue, "An entry is an object."));
            return null;
        }
        foreach (var p in e.EnumerateObject())
            if (p.Name is not ("date" or "scope" or "key" or "kind" or "reason")) problems.Add(new(AttendanceEndpoints.Shorten(p.Name), UnknownField, "Unknown property."));
        string? Text(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        DateOnly date = default;
        if (Text("date") is not { } dateText || !DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            problems.Add(new("date", AttendanceRules.InvalidValue, "'date' is a date yyyy-MM-dd."));
        if (!AttendanceVocabulary.TryParse<CalendarScope>(Text("scope"), out var scope))
            problems.Add(new("scope", AttendanceRules.InvalidValue, "'scope' is SCHOOL, GRADE or CLASS."));
        if (!AttendanceVocabulary.TryParse<CalendarDayKind>(Text("kind"), out var kind))
            problems.Add(new("kind", AttendanceRules.InvalidValue, "'kind' is SCHOOL_DAY, HOLIDAY, TEMPORARY_CLOSURE or CLASS_CLOSURE."));
        if (e.TryGetProperty("key", out var k) && k.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            problems.Add(new("key", AttendanceRules.InvalidValue, "'key' is the grade or the class sourcedId."));
        if (e.TryGetProperty("reason", out var r) && r.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            problems.Add(new("reason", AttendanceRules.InvalidValue, "'reason' is text."));
        return problems.Count > 0 ? null : new CalendarEntry(date, scope, Text("key"), kind, Text("reason"));
    }

    public static void WriteCalendarEntry(Utf8JsonWriter w, CalendarEntry e)
    {
        w.WriteStartObject();
        w.WriteString("date", e.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        w.WriteString("scope", AttendanceVocabulary.Name(e.Scope));
        if (e.Key is null) w.WriteNull("key");
        else w.WriteString("key", e.Key);
        w.WriteString("kind", AttendanceVocabulary.Name(e.Kind));
        Optional(w, "reason", e.Reason);
        w.WriteEndObject();
    }

    public static void WriteYoroku(Utf8JsonWriter w, string pupil, YorokuRecord record, bool health,
        IReadOnlyList<(AttendanceTerm Term, YorokuTally Tally)>? terms = null)
    {
        w.WriteStartObject();
        WriteRef(w, "pupil", pupil, "user");
        w.WriteString("excusedLabel", record.ExcusedLabel);
        w.WritePropertyName("year");
        WriteTally(w, record.Year, health);
        w.WriteStartArray("months");
        foreach (var (year, month, tally) in record.Months)
        {
            w.WriteStartObject();
            w.WriteString("month", $"{year:D4}-{month:D2}");
            w.WritePropertyName("counts");
            WriteTally(w, tally, health);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (terms is not null)
        {
            // 学期 (by=term): the roster's term sessions or the board's split; they partition the year, so they sum to it.
            w.WriteStartArray("terms");
            foreach (var (term, tally) in terms)
            {
                w.WriteStartObject();
                if (term.SourcedId is { } id) WriteRef(w, "academicSession", id, "academicSession");
                else w.WriteNull("academicSession");
                w.WriteString("title", term.Title);
                w.WriteString("startDate", term.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WriteString("endDate", term.End.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                w.WritePropertyName("counts");
                WriteTally(w, tally, health);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartArray("conflicts");
        foreach (var c in record.Conflicts)
        {
            w.WriteStartObject();
            w.WriteString("date", c.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            if (c.Period is { } p) w.WriteNumber("period", p);
            else w.WriteNull("period");
            w.WriteString("rule", c.Rule);
            w.WriteString("message", c.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTally(Utf8JsonWriter w, YorokuTally t, bool health)
    {
        w.WriteStartObject();
        w.WriteNumber("schoolDays", t.SchoolDays);
        w.WriteNumber("excusedDays", t.ExcusedDays);
        w.WriteStartObject("excused");
        w.WriteNumber("suspension", t.Suspension);
        w.WriteNumber("classClosure", t.ClassClosure);
        w.WriteNumber("bereavement", t.Bereavement);
        w.WriteNumber("disaster", t.Disaster);
        w.WriteNumber("principalExcused", t.PrincipalExcused);
        w.WriteEndObject();
        w.WriteNumber("studyAbroadDays", t.StudyAbroadDays);
        w.WriteNumber("requiredDays", t.RequiredDays);
        w.WriteNumber("absentDays", t.AbsentDays);
        w.WriteStartObject("absent");
        w.WriteNumber("illness", t.AbsentIllness);
        w.WriteNumber("accidentNotified", t.AbsentAccidentNotified);
        w.WriteNumber("accidentUnnotified", t.AbsentAccidentUnnotified);
        w.WriteNumber("other", t.AbsentOther);
        w.WriteEndObject();
        w.WriteNumber("presentDays", t.PresentDays);
        w.WriteNumber("deemedDays", t.DeemedDays);
        w.WriteStartObject("deemed");
        foreach (var kind in Enum.GetValues<DeemedAttendanceKind>()) w.WriteNumber(AttendanceVocabulary.Name(kind), t.DeemedByKind.GetValueOrDefault(kind));
        w.WriteEndObject();
        w.WriteStartObject("onlineSpecialLessons");
        w.WriteNumber("days", t.OnlineLessonDays);
        w.WriteNumber("participationDays", t.OnlineParticipationDays);
        w.WriteStartArray("methods");
        foreach (var m in t.OnlineMethods) w.WriteStringValue(AttendanceVocabulary.Name(m));
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNumber("lateCount", t.LateCount);
        w.WriteNumber("earlyLeaveCount", t.EarlyLeaveCount);
        if (health) w.WriteNumber("nurseRoomDays", t.NurseRoomDays);
        w.WriteNumber("separateRoomDays", t.SeparateRoomDays);
        w.WriteNumber("missedPeriods", t.MissedPeriods);
        w.WriteNumber("unrecordedDays", t.UnrecordedDays);
        w.WriteEndObject();
    }
}
