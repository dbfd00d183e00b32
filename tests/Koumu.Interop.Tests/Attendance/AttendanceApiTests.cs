using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Storage.Attendance;
using Koumu.Interop.Storage.Audit;
using Koumu.Interop.Tests.OneRoster;
using Microsoft.Extensions.DependencyInjection;
using static Koumu.Interop.Tests.Attendance.AttendanceRoster;

namespace Koumu.Interop.Tests.Attendance;

/// <summary>The hub for attendance API tests; every test imports the attendance roster into a tenant of its own.</summary>
public class AttendanceHub : RosteringHub
{
    public override Task InitializeAsync() => Task.CompletedTask;

    public async Task<string> NewTenantAsync()
    {
        var tenant = "att-" + Guid.NewGuid().ToString("N")[..10];
        await ImportAsync(tenant, AttendanceRoster.Package()); // not RosteringHub.Package()
        return tenant;
    }

    /// <summary>The tenant's attendance events on the hub's audit trail (decision 0011), newest first, once everything queued is stored.</summary>
    public async Task<List<AuditEventRow>> AttendanceAuditAsync(string tenant)
    {
        var log = Services.GetRequiredService<AuditLog>();
        await log.FlushAsync();
        return [.. (await log.ReadAsync(tenant, null, null, 1000, CancellationToken.None)).Where(e => e.Resource.StartsWith("attendance.", StringComparison.Ordinal))];
    }
}

public sealed class PostgresAttendanceHub : AttendanceHub
{
    protected override bool OnPostgres => true;
}

public sealed class AttendanceApiTests(AttendanceHub hub) : AttendanceApiSpecification(hub), IClassFixture<AttendanceHub>;

public sealed class PostgresAttendanceApiTests(PostgresAttendanceHub hub) : AttendanceApiSpecification(hub), IClassFixture<PostgresAttendanceHub>;

/// <summary><c>/koumu/attendance/v1</c> through the real pipeline (token, scopes, confinement, validation, audit) on SQLite and PostgreSQL.</summary>
public abstract class AttendanceApiSpecification
{
    private const string RecordsPath = "/koumu/attendance/v1/schools/org-school/records";
    private static readonly List<CalendarEntry> Calendar = AttendanceSamples.Weekdays();
    private readonly AttendanceHub _hub;

    protected AttendanceApiSpecification(AttendanceHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    private static string D(int n) => Calendar[n].Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonNode> BodyAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private Task<HttpClient> ClientAsync(string tenant, string[]? orgs = null, params string[] scopes) =>
        _hub.OneRosterClientAsync(scopes.Length == 0 ? [KoumuScopes.AttendanceRead, KoumuScopes.AttendanceWrite] : scopes, orgs, tenant);

    private static async Task PutCalendarAsync(HttpClient http)
    {
        var entries = new JsonArray([.. Calendar.Select(e => (JsonNode)new JsonObject { ["date"] = e.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["scope"] = "SCHOOL", ["kind"] = "SCHOOL_DAY" })]);
        using var response = await http.PutAsync("/koumu/attendance/v1/schools/org-school/calendar", Json(new JsonObject { ["entries"] = entries }.ToJsonString()));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static string Records(params string[] records) => "{\"schoolYear\":2026,\"records\":[" + string.Join(",", records) + "]}";

    private async Task<long> CountRecordsAsync(string tenant)
    {
        var attendance = _hub.Services.GetRequiredService<AttendanceStore>();
        var store = _hub.Services.GetRequiredService<Koumu.Interop.Storage.RosterStore>();
        var id = await store.FindTenantAsync(tenant) ?? -1;
        return (await attendance.ReadAsync(id, new AttendanceRecordQuery { History = true, Limit = 1000 }, CancellationToken.None)).Rows.Count;
    }

    [SkippableFact]
    public async Task A_morning_is_entered_in_one_request_and_read_back()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead, KoumuScopes.AttendanceWrite, KoumuScopes.AttendanceHealthRead);
        using var response = await http.PostAsync(RecordsPath, Json(Records(
            $$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"PRESENT","modifiers":["LATE"],"arrivedAt":"09:10","reportedBy":"PARENT_APP","sourceSystem":"renraku-app"}""",
            $$"""{"pupilSourcedId":"s3","date":"{{D(0)}}","code":"ABSENT_ILLNESS","symptoms":["FEVER"],"temperature":38.5}""",
            $$"""{"pupilSourcedId":"s5","date":"{{D(0)}}","code":"SUSPENDED_INFECTION","disease":"INFLUENZA","reportedBy":"NURSE"}""")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await BodyAsync(response);
        Assert.Equal(3, body["written"]!.GetValue<int>());

        using var read = await http.GetAsync($"/koumu/attendance/v1/records?school=org-school&from={D(0)}&to={D(0)}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var records = (await BodyAsync(read))["records"]!.AsArray();
        Assert.Equal(3, records.Count);
        var s3 = records.Single(r => r!["pupil"]!["sourcedId"]!.GetValue<string>() == "s3")!;
        Assert.Equal("ABSENT_ILLNESS", s3["code"]!.GetValue<string>());
        Assert.Equal(38.5m, s3["temperature"]!.GetValue<decimal>());
        Assert.Equal("active", s3["status"]!.GetValue<string>());
        Assert.NotNull(s3["dateLastModified"]);
        var s1 = records.Single(r => r!["pupil"]!["sourcedId"]!.GetValue<string>() == "s1")!;
        Assert.Equal(("LATE", "09:10", "PARENT_APP"), (s1["modifiers"]![0]!.GetValue<string>(), s1["arrivedAt"]!.GetValue<string>(), s1["reportedBy"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task Health_details_are_left_out_without_the_health_scope()
    {
        var tenant = await _hub.NewTenantAsync();
        using var writer = await ClientAsync(tenant);
        using (var response = await writer.PostAsync(RecordsPath, Json(Records(
            $$"""{"pupilSourcedId":"s3","date":"{{D(1)}}","code":"SUSPENDED_INFECTION","disease":"INFLUENZA","symptoms":["FEVER"],"temperature":39.0,"note":"インフルエンザA"}"""))))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        using var read = await reader.GetAsync("/koumu/attendance/v1/records?pupil=s3");
        var record = (await BodyAsync(read))["records"]!.AsArray().Single()!.AsObject();
        Assert.Equal("SUSPENDED_INFECTION", record["code"]!.GetValue<string>());
        foreach (var hidden in new[] { "disease", "symptoms", "temperature", "note" }) Assert.False(record.ContainsKey(hidden), hidden);

        // On the hub's trail (audit_events), newest first: the read without health details is III, the write with them II.
        var audit = await _hub.AttendanceAuditAsync(tenant);
        Assert.Equal([("read", "attendance.records", "III"), ("write", "attendance.records", "II")], audit.Select(a => (a.Action, a.Resource, a.Classification)));
    }

    [SkippableFact]
    public async Task Every_bad_row_is_reported_by_index_and_field_and_nothing_is_written()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        using var response = await http.PostAsync(RecordsPath, Json(Records(
            $$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"PRESENT"}""",
            $$"""{"pupilSourcedId":"s1","date":"{{D(1)}}","code":"KESSEKI"}""",
            $$"""{"pupilSourcedId":"s2","date":"{{D(1)}}","code":"ABSENT_OTHER"}""",
            """{"pupilSourcedId":"s3","date":"2027-04-05","code":"PRESENT"}""",
            $$"""{"pupilSourcedId":"s4","date":"{{D(1)}}","code":"PRESENT"}""",
            $$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"ABSENT_OTHER"}""",
            $$"""{"pupilSourcedId":"s3","date":"{{D(2)}}","code":"BEREAVEMENT","hacker":"1"}""",
            $$"""{"pupilSourcedId":"s3","date":"{{D(3)}}","code":"ABSENT_ILLNESS","modifiers":["LATE"]}""")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await BodyAsync(response);
        var fields = body["imsx_CodeMinor"]!["imsx_codeMinorField"]!.AsArray().Select(f => f!["imsx_codeMinorFieldName"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain(fields, f => f.StartsWith("records[0]", StringComparison.Ordinal));
        Assert.Contains("records[1].code", fields); // unknown code: found while parsing, so the rows below are reported with it
        Assert.Contains("records[6].hacker", fields);
        Assert.Contains("records[6].relationship", fields);
        Assert.Contains("records[7].late", fields);
        var description = body["imsx_description"]!.GetValue<string>();
        Assert.Contains("records[1].code: attendance.unknown-code", description, StringComparison.Ordinal);
        Assert.Equal(0, await CountRecordsAsync(tenant));

        // With the syntax fixed, the enrolment, year, slot and school rules report every remaining row.
        using var second = await http.PostAsync(RecordsPath, Json(Records(
            $$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"PRESENT"}""",
            $$"""{"pupilSourcedId":"s2","date":"{{D(1)}}","code":"ABSENT_OTHER"}""",
            """{"pupilSourcedId":"s3","date":"2027-04-05","code":"PRESENT"}""",
            $$"""{"pupilSourcedId":"s4","date":"{{D(1)}}","code":"PRESENT"}""",
            $$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"ABSENT_OTHER"}""")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        var description2 = (await BodyAsync(second))["imsx_description"]!.GetValue<string>();
        Assert.Contains($"records[1].pupil: {AttendanceStore.RuleNotEnrolled}", description2, StringComparison.Ordinal);
        Assert.Contains($"records[2].date: {AttendanceStore.RuleOutsideYear}", description2, StringComparison.Ordinal);
        Assert.Contains($"records[3].pupil: {AttendanceStore.RuleNotEnrolled}", description2, StringComparison.Ordinal); // s4 is at the other school
        Assert.Contains($"records[4].date: {AttendanceStore.RuleDuplicateSlot}", description2, StringComparison.Ordinal);
        Assert.DoesNotContain("records[0]", description2, StringComparison.Ordinal);
        Assert.Equal(0, await CountRecordsAsync(tenant));
    }

    [SkippableFact]
    public async Task A_confined_client_sees_and_writes_only_its_schools()
    {
        var tenant = await _hub.NewTenantAsync();
        using var admin = await ClientAsync(tenant);
        using (var r = await admin.PostAsync("/koumu/attendance/v1/schools/org-school2/records", Json(Records($$"""{"pupilSourcedId":"s4","date":"{{D(0)}}","code":"ABSENT_OTHER"}"""))))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await admin.PostAsync(RecordsPath, Json(Records($$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"ABSENT_OTHER"}"""))))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        using var confined = await ClientAsync(tenant, ["org-school"]);
        using (var r = await confined.PostAsync("/koumu/attendance/v1/schools/org-school2/records", Json(Records($$"""{"pupilSourcedId":"s4","date":"{{D(1)}}","code":"PRESENT"}"""))))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using (var r = await confined.GetAsync("/koumu/attendance/v1/schools/org-school2/yoroku?schoolYear=2026"))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        using var read = await confined.GetAsync("/koumu/attendance/v1/records");
        var records = (await BodyAsync(read))["records"]!.AsArray();
        Assert.Equal(["s1"], records.Select(r => r!["pupil"]!["sourcedId"]!.GetValue<string>()));
        using var asked = await confined.GetAsync("/koumu/attendance/v1/records?school=org-school2");
        Assert.Equal(HttpStatusCode.NotFound, asked.StatusCode);

        // A district-level client sees both schools (orgs below its own).
        using var district = await ClientAsync(tenant, ["org-district"]);
        using var all = await district.GetAsync("/koumu/attendance/v1/records");
        Assert.Equal(2, (await BodyAsync(all))["records"]!.AsArray().Count);
    }

    [SkippableFact]
    public async Task Scopes_and_tokens_are_required()
    {
        var tenant = await _hub.NewTenantAsync();
        using var anonymous = _hub.CreateHttpsClient();
        using (var r = await anonymous.GetAsync("/koumu/attendance/v1/records")) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using var roster = await ClientAsync(tenant, null, KoumuScopes.RosterReadonly);
        using (var r = await roster.GetAsync("/koumu/attendance/v1/records")) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using var reader = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        using (var r = await reader.PostAsync(RecordsPath, Json(Records($$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"PRESENT"}"""))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("forbidden", (await BodyAsync(r))["imsx_CodeMinor"]!["imsx_codeMinorField"]![0]!["imsx_codeMinorFieldValue"]!.GetValue<string>());
        }
        Assert.Equal(0, await CountRecordsAsync(tenant));
    }

    [SkippableFact]
    public async Task Malformed_hostile_and_oversized_bodies_are_refused()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        using (var r = await http.PostAsync(RecordsPath, Json("{\"schoolYear\":2026,\"records\":[")))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await http.PostAsync(RecordsPath, new StringContent(Records(), Encoding.UTF8, "text/csv")))
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, r.StatusCode);
        using (var r = await http.PostAsync(RecordsPath, Json(new string('[', 100) + new string(']', 100))))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await http.PostAsync(RecordsPath, Json("{\"schoolYear\":2026,\"records\":[],\"x\":1}")))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        using (var r = await http.PostAsync(RecordsPath, Json("[1,2]")))
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
        var huge = "{\"schoolYear\":2026,\"records\":[{\"pupilSourcedId\":\"" + new string('x', 17 * 1024 * 1024) + "\"}]}";
        using (var r = await http.PostAsync(RecordsPath, Json(huge)))
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);
        using (var r = await http.PostAsync(RecordsPath, Json(Records($$"""{"pupilSourcedId":"{{new string('x', 300)}}","date":"{{D(0)}}","code":"PRESENT","note":"{{new string('x', 501)}}"}"""))))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, r.StatusCode);
            var fields = (await BodyAsync(r))["imsx_CodeMinor"]!["imsx_codeMinorField"]!.AsArray().Select(f => f!["imsx_codeMinorFieldName"]!.GetValue<string>());
            Assert.Contains("records[0].pupilSourcedId", fields);
            Assert.Contains("records[0].note", fields);
        }
        using (var r = await http.GetAsync("/koumu/attendance/v1/records?cursor=%27%3B--&limit=x"))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await http.GetAsync("/koumu/attendance/v1/records?from=2026-13-01"))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal(0, await CountRecordsAsync(tenant));
    }

    [SkippableFact]
    public async Task The_yoroku_record_and_the_long_absence_list_are_derived_per_school()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        await PutCalendarAsync(http);
        using (var r = await http.PutAsync("/koumu/attendance/v1/schools/org-school/calendar", Json(
            $$"""{"entries":[{"date":"{{D(50)}}","scope":"CLASS","key":"class-3-1","kind":"CLASS_CLOSURE","reason":"インフルエンザ"},{"date":"{{D(60)}}","scope":"SCHOOL","kind":"TEMPORARY_CLOSURE"}]}""")))
            Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        // s3 is absent 30 days (長期欠席), s1 has an online special lesson on the whole-school closure day.
        var absences = Enumerable.Range(100, 30).Select(i => $$"""{"pupilSourcedId":"s3","date":"{{D(i)}}","code":"ABSENT_OTHER"}""");
        using (var r = await http.PostAsync(RecordsPath, Json(Records([.. absences,
            $$"""{"pupilSourcedId":"s1","date":"{{D(60)}}","code":"ONLINE_SPECIAL_LESSON","onlineMethod":"SYNCHRONOUS"}""",
            $$"""{"pupilSourcedId":"s1","date":"{{D(61)}}","code":"PRESENT_DEEMED","deemedKind":"HOME_ICT"}"""]))))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        using var yoroku = await http.GetAsync("/koumu/attendance/v1/schools/org-school/yoroku?schoolYear=2026&pupil=s1");
        Assert.Equal(HttpStatusCode.OK, yoroku.StatusCode);
        var s1 = (await BodyAsync(yoroku))["pupils"]!.AsArray().Single()!;
        var year = s1["year"]!;
        Assert.Equal(Calendar.Count - 1, year["schoolDays"]!.GetValue<int>());
        Assert.Equal(1, year["excused"]!["classClosure"]!.GetValue<int>());
        Assert.Equal(year["requiredDays"]!.GetValue<int>() - year["absentDays"]!.GetValue<int>(), year["presentDays"]!.GetValue<int>());
        Assert.Equal(1, year["deemed"]!["HOME_ICT"]!.GetValue<int>());
        Assert.Equal(1, year["onlineSpecialLessons"]!["days"]!.GetValue<int>());
        Assert.Equal("出席停止・忌引等の日数", s1["excusedLabel"]!.GetValue<string>());
        Assert.Equal(12, s1["months"]!.AsArray().Count);

        using var oneClass = await http.GetAsync("/koumu/attendance/v1/schools/org-school/yoroku?schoolYear=2026&class=class-3-2");
        Assert.Equal(["s3"], (await BodyAsync(oneClass))["pupils"]!.AsArray().Select(p => p!["pupil"]!["sourcedId"]!.GetValue<string>()));

        using var list = await http.GetAsync("/koumu/attendance/v1/schools/org-school/longAbsence?schoolYear=2026");
        var pupils = (await BodyAsync(list))["pupils"]!.AsArray();
        var s3 = Assert.Single(pupils)!;
        Assert.Equal(("s3", 30), (s3["pupil"]!["sourcedId"]!.GetValue<string>(), s3["countedDays"]!.GetValue<int>()));
        using var stricter = await http.GetAsync("/koumu/attendance/v1/schools/org-school/longAbsence?schoolYear=2026&threshold=31");
        Assert.Empty((await BodyAsync(stricter))["pupils"]!.AsArray());
        using (var r = await http.GetAsync("/koumu/attendance/v1/schools/org-school/longAbsence?schoolYear=2026&basis=WHATEVER"))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await http.GetAsync("/koumu/attendance/v1/schools/org-school/yoroku"))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await http.GetAsync("/koumu/attendance/v1/schools/org-school/yoroku?schoolYear=2026&pupil=nobody"))
            Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [SkippableFact]
    public async Task Records_are_paged_with_a_next_link_and_corrections_keep_their_history()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        using (var r = await http.PostAsync(RecordsPath, Json(Records([.. Enumerable.Range(0, 5).Select(i => $$"""{"pupilSourcedId":"s1","date":"{{D(i)}}","code":"ABSENT_OTHER"}""")]))))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        using (var r = await http.PostAsync(RecordsPath, Json(Records($$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"ABSENT_ILLNESS"}"""))))
            Assert.Equal(2, (await BodyAsync(r))["records"]![0]!["version"]!.GetValue<int>());

        var seen = new List<string>();
        var url = "/koumu/attendance/v1/records?limit=2";
        while (true)
        {
            using var page = await http.GetAsync(url);
            seen.AddRange((await BodyAsync(page))["records"]!.AsArray().Select(r => r!["date"]!.GetValue<string>()));
            // RFC 8288 Link with first/prev/next/last (the query engine's); only rel="next" continues.
            var next = System.Text.RegularExpressions.Regex.Match(string.Join(", ", page.Headers.GetValues("Link")), "<([^>]+)>; rel=\"next\"");
            if (!next.Success) break;
            url = new Uri(next.Groups[1].Value).PathAndQuery;
        }
        Assert.Equal(5, seen.Count);
        Assert.Equal(5, seen.Distinct().Count());
        using var history = await http.GetAsync("/koumu/attendance/v1/records?history=true&pupil=s1&from=" + D(0) + "&to=" + D(0));
        Assert.Equal([("ABSENT_OTHER", false), ("ABSENT_ILLNESS", true)], (await BodyAsync(history))["records"]!.AsArray()
            .Select(r => (r!["code"]!.GetValue<string>(), r["current"]!.GetValue<bool>())));
    }
}

