using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Storage.Attendance;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.Attendance;

public sealed class AttendanceExchangeApiTests(AttendanceHub hub) : AttendanceExchangeApiSpecification(hub), IClassFixture<AttendanceHub>;

public sealed class PostgresAttendanceExchangeApiTests(PostgresAttendanceHub hub) : AttendanceExchangeApiSpecification(hub), IClassFixture<PostgresAttendanceHub>;

/// <summary>
/// Early-warning rules and alerts, withdrawal, CSV import/export, the infection report and code maps through the real
/// pipeline on SQLite and PostgreSQL: confinement, scopes, validation of hostile input, audit.
/// </summary>
public abstract class AttendanceExchangeApiSpecification
{
    private const string V1 = "/koumu/attendance/v1";
    private static readonly List<CalendarEntry> Calendar = AttendanceSamples.Weekdays();
    private readonly AttendanceHub _hub;

    protected AttendanceExchangeApiSpecification(AttendanceHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    private static string D(int n) => Calendar[n].Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static ByteArrayContent Csv(string text, Encoding? encoding = null, string charset = "utf-8")
    {
        var content = new ByteArrayContent((encoding ?? Encoding.UTF8).GetBytes(text));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"text/csv; charset={charset}");
        return content;
    }

    private static async Task<JsonNode> BodyAsync(HttpResponseMessage response) => JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

    private Task<HttpClient> ClientAsync(string tenant, string[]? orgs = null, params string[] scopes) =>
        _hub.OneRosterClientAsync(scopes.Length == 0 ? [KoumuScopes.AttendanceRead, KoumuScopes.AttendanceWrite, KoumuScopes.AttendanceHealthRead] : scopes, orgs, tenant);

    private static async Task SetUpSchoolAsync(HttpClient http, string school = "org-school")
    {
        var entries = new JsonArray([.. Calendar.Select(e => (JsonNode)new JsonObject
        {
            ["date"] = e.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["scope"] = "SCHOOL", ["kind"] = "SCHOOL_DAY",
        })]);
        using var response = await http.PutAsync($"{V1}/schools/{school}/calendar", Json(new JsonObject { ["entries"] = entries }.ToJsonString()));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task<JsonNode> PostRecordsAsync(HttpClient http, string school, params string[] records)
    {
        using var response = await http.PostAsync($"{V1}/schools/{school}/records", Json("{\"schoolYear\":2026,\"records\":[" + string.Join(",", records) + "]}"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await BodyAsync(response);
    }

    private Task<List<Koumu.Interop.Storage.Audit.AuditEventRow>> AuditAsync(string tenant) => _hub.AttendanceAuditAsync(tenant);

    private async Task<int> CountRecordsAsync(string tenant)
    {
        var store = _hub.Services.GetRequiredService<Koumu.Interop.Storage.RosterStore>();
        var id = await store.FindTenantAsync(tenant) ?? -1;
        return (await _hub.Services.GetRequiredService<AttendanceStore>().ReadAsync(id, new AttendanceRecordQuery { History = true, Limit = 1000 }, CancellationToken.None)).Rows.Count;
    }

    // ------------------------------------------------------------------ early warning

    [SkippableTheory]
    [InlineData("""{"rules":[{"kind":"SOMETHING"}]}""", "rules[0].kind")]
    [InlineData("""{"rules":[{"kind":"CONSECUTIVE_ABSENCES","threshold":1}]}""", "rules[0].threshold")]
    [InlineData("""{"rules":[{"kind":"CONSECUTIVE_ABSENCES","threshold":3,"sharePercent":20}]}""", "rules[0].sharePercent")]
    [InlineData("""{"rules":[{"kind":"ABSENCE_SHARE","threshold":5,"windowDays":30,"sharePercent":"20"}]}""", "rules[0].sharePercent")]
    [InlineData("""{"rules":[{"kind":"NURSE_ROOM_VISITS","threshold":3,"windowDays":30,"basis":"ABSENT"}]}""", "rules[0].basis")]
    [InlineData("""{"rules":[{"kind":"CONSECUTIVE_ABSENCES","threshold":3},{"kind":"CONSECUTIVE_ABSENCES","threshold":4}]}""", "rules[1].kind")]
    [InlineData("""{"rules":[{"kind":"CONSECUTIVE_ABSENCES","threshold":3,"script":"<x>"}]}""", "rules[0].script")]
    [InlineData("""{"rules":[{"kind":"CONSECUTIVE_ABSENCES","threshold":99999999999}]}""", "rules[0].threshold")]
    [InlineData("""{"rules":"all"}""", "rules")]
    [InlineData("""[]""", "rules")]
    public async Task Nonsense_rule_configuration_is_a_400_naming_the_value(string body, string field)
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        using var response = await http.PutAsync($"{V1}/warningRules", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(field, (await response.Content.ReadAsStringAsync()).Split('"'));
        using var read = await http.GetAsync($"{V1}/warningRules");
        Assert.False((await BodyAsync(read))["configured"]!.GetValue<bool>());
    }

    /// <summary>All changes after <paramref name="since"/> on the change feed (issue #4), page by page.</summary>
    private static async Task<List<JsonNode>> ChangesAsync(HttpClient feed, long since, string query = "")
    {
        var all = new List<JsonNode>();
        while (true)
        {
            using var response = await feed.GetAsync($"/koumu/changes/v1?since={since}&limit=50{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var page = await BodyAsync(response);
            all.AddRange(page["changes"]!.AsArray().Select(c => c!));
            since = page["nextSince"]!.GetValue<long>();
            if (!page["hasMore"]!.GetValue<bool>()) return all;
        }
    }

    private static long LastVersion(List<JsonNode> changes, long since) => changes.Count == 0 ? since : changes[^1]["version"]!.GetValue<long>();

    private static List<(string Resource, string SourcedId, string Operation)> Shape(IEnumerable<JsonNode> changes) =>
        [.. changes.Select(c => (c["resource"]!.GetValue<string>(), c["sourcedId"]!.GetValue<string>(), c["operation"]!.GetValue<string>()))];

    /// <summary>
    /// The outbox (decision 0006) covers attendance: every new version of a record, a withdrawal and every alert an
    /// evaluation raises is one change, in the writer's transaction; a refused write records none; a reader confined to
    /// orgs sees only its schools' records; the href reads the record back.
    /// </summary>
    [SkippableFact]
    public async Task Attendance_writes_withdrawals_and_alerts_are_each_one_change_on_the_feed_confined_to_the_readers_schools()
    {
        var tenant = await _hub.NewTenantAsync();
        using var board = await ClientAsync(tenant);
        await SetUpSchoolAsync(board);
        await SetUpSchoolAsync(board, "org-school2");
        using var feed = await _hub.OneRosterClientAsync([KoumuScopes.ChangesReadonly], null, tenant);
        var since = LastVersion(await ChangesAsync(feed, 0), 0);

        var morning = await PostRecordsAsync(board, "org-school", [.. Enumerable.Range(0, 3).Select(i => $$"""{"pupilSourcedId":"s1","date":"{{D(i)}}","code":"ABSENT_OTHER"}""")]);
        var ids = morning["records"]!.AsArray().Select(r => r!["sourcedId"]!.GetValue<string>()).ToList();
        var other = (await PostRecordsAsync(board, "org-school2", $$"""{"pupilSourcedId":"s4","date":"{{D(0)}}","code":"ABSENT_ILLNESS"}"""))["records"]![0]!["sourcedId"]!.GetValue<string>();
        // A correction is a new version of the same record; a repeat of the current content writes (and records) nothing.
        await PostRecordsAsync(board, "org-school", $$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"ABSENT_ILLNESS"}""");
        await PostRecordsAsync(board, "org-school", $$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"ABSENT_ILLNESS"}""");
        using (var withdraw = await board.DeleteAsync($"{V1}/records/{ids[2]}")) Assert.True(withdraw.IsSuccessStatusCode);
        // Refused writes (a pupil of another school, an unknown code) record nothing.
        using (var refused = await board.PostAsync($"{V1}/schools/org-school/records",
            Json("{\"schoolYear\":2026,\"records\":[{\"pupilSourcedId\":\"s4\",\"date\":\"" + D(1) + "\",\"code\":\"ABSENT_OTHER\"}]}")))
            Assert.False(refused.IsSuccessStatusCode);
        var afterWrites = await ChangesAsync(feed, since);
        Assert.Equal([
            ("attendanceRecords", ids[0], "upsert"), ("attendanceRecords", ids[1], "upsert"), ("attendanceRecords", ids[2], "upsert"),
            ("attendanceRecords", other, "upsert"), ("attendanceRecords", ids[0], "upsert"), ("attendanceRecords", ids[2], "delete"),
        ], Shape(afterWrites));

        // The href reads the record back through the attendance API.
        var href = new Uri(afterWrites[0]["href"]!.GetValue<string>());
        using (var read = await board.GetAsync(href.PathAndQuery))
        {
            var records = (await BodyAsync(read))["records"]!.AsArray();
            Assert.Equal(ids[0], records.Single()!["sourcedId"]!.GetValue<string>());
        }

        // An evaluation's alerts are changes too; an evaluation that changes nothing records nothing.
        since = LastVersion(afterWrites, since);
        using (var evaluate = await board.PostAsync($"{V1}/warnings/evaluate?asOf={D(4)}", null)) Assert.Equal(HttpStatusCode.OK, evaluate.StatusCode);
        var alerts = await ChangesAsync(feed, since);
        Assert.NotEmpty(alerts);
        Assert.All(Shape(alerts), c => Assert.Equal(("attendanceWarnings", "upsert"), (c.Resource, c.Operation)));
        using (var list = await board.GetAsync($"{V1}/warnings"))
            Assert.Equal((await BodyAsync(list))["alerts"]!.AsArray().Select(a => a!["sourcedId"]!.GetValue<string>()).Order(StringComparer.Ordinal),
                Shape(alerts).Select(c => c.SourcedId).Order(StringComparer.Ordinal));
        since = LastVersion(alerts, since);
        using (var again = await board.PostAsync($"{V1}/warnings/evaluate?asOf={D(4)}", null)) Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Empty(await ChangesAsync(feed, since));

        // Confinement: a reader of org-school2 sees only that school's record; an org filter narrows a tenant-wide reader;
        // a district reader sees both schools.
        using var school2 = await _hub.OneRosterClientAsync([KoumuScopes.ChangesReadonly], ["org-school2"], tenant);
        Assert.Equal([other], (await ChangesAsync(school2, 0, "&resource=attendanceRecords")).Select(c => c["sourcedId"]!.GetValue<string>()));
        Assert.Empty(await ChangesAsync(school2, 0, "&resource=attendanceRecords&org=org-school"));
        Assert.Equal([other], (await ChangesAsync(feed, 0, "&resource=attendanceRecords&org=org-school2")).Select(c => c["sourcedId"]!.GetValue<string>()));
        using var district = await _hub.OneRosterClientAsync([KoumuScopes.ChangesReadonly], ["org-district"], tenant);
        Assert.Equal(6, (await ChangesAsync(district, 0, "&resource=attendanceRecords")).Count);
    }

    [SkippableFact]
    public async Task Rules_are_configured_per_board_and_only_by_a_board_client()
    {
        var tenant = await _hub.NewTenantAsync();
        using var board = await ClientAsync(tenant);
        using var school = await ClientAsync(tenant, ["org-school"]);
        const string rules = """{"rules":[{"kind":"CONSECUTIVE_ABSENCES","threshold":2},{"kind":"APPROACHING_LONG_ABSENCE","threshold":15,"basis":"ABSENT_AND_EXCUSED"}]}""";
        using (var forbidden = await school.PutAsync($"{V1}/warningRules", Json(rules))) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var evaluate = await school.PostAsync($"{V1}/warnings/evaluate?asOf={D(3)}", null)) Assert.Equal(HttpStatusCode.Forbidden, evaluate.StatusCode);
        using var put = await board.PutAsync($"{V1}/warningRules", Json(rules));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stored = (await BodyAsync(put))["rules"]!.AsArray();
        Assert.Equal(4, stored.Count);
        Assert.False(stored.Single(r => r!["kind"]!.GetValue<string>() == "NURSE_ROOM_VISITS")!["enabled"]!.GetValue<bool>());
        using var read = await school.GetAsync($"{V1}/warningRules");
        var body = await BodyAsync(read);
        Assert.True(body["configured"]!.GetValue<bool>());
        Assert.Equal("ABSENT_AND_EXCUSED", body["rules"]!.AsArray().Single(r => r!["kind"]!.GetValue<string>() == "APPROACHING_LONG_ABSENCE")!["basis"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Alerts_are_listed_with_evidence_within_the_clients_schools_and_audited()
    {
        var tenant = await _hub.NewTenantAsync();
        using var board = await ClientAsync(tenant);
        await SetUpSchoolAsync(board);
        await SetUpSchoolAsync(board, "org-school2");
        var written = await PostRecordsAsync(board, "org-school", [
            $$"""{"pupilSourcedId":"s1","date":"{{D(2)}}","code":"ABSENT_ILLNESS"}""", $$"""{"pupilSourcedId":"s1","date":"{{D(3)}}","code":"ABSENT_OTHER"}""",
            $$"""{"pupilSourcedId":"s1","date":"{{D(4)}}","code":"ABSENT_OTHER"}""",
            .. Enumerable.Range(0, 5).Select(i => $$"""{"pupilSourcedId":"s3","date":"{{D(i)}}","code":"PRESENT","modifiers":["NURSE_ROOM"]}""")]);
        await PostRecordsAsync(board, "org-school2", [.. Enumerable.Range(1, 3).Select(i => $$"""{"pupilSourcedId":"s4","date":"{{D(i)}}","code":"ABSENT_OTHER"}""")]);
        using (var bad = await board.PostAsync($"{V1}/warnings/evaluate?asOf=2026-13-01", null)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var evaluate = await board.PostAsync($"{V1}/warnings/evaluate?asOf={D(4)}", null);
        Assert.Equal(HttpStatusCode.OK, evaluate.StatusCode);
        Assert.True((await BodyAsync(evaluate))["raised"]!.GetValue<int>() >= 3);

        // A school's client, without the health scope: its own school only, and no 保健室 alert.
        using var school = await ClientAsync(tenant, ["org-school"], KoumuScopes.AttendanceRead);
        using var list = await school.GetAsync($"{V1}/warnings");
        var alerts = (await BodyAsync(list))["alerts"]!.AsArray();
        Assert.All(alerts, a => Assert.Equal("org-school", a!["school"]!["sourcedId"]!.GetValue<string>()));
        Assert.DoesNotContain(alerts, a => a!["kind"]!.GetValue<string>() == "NURSE_ROOM_VISITS");
        var consecutive = alerts.Single(a => a!["kind"]!.GetValue<string>() == "CONSECUTIVE_ABSENCES")!;
        Assert.Equal(("s1", 3), (consecutive["pupil"]!["sourcedId"]!.GetValue<string>(), consecutive["value"]!.GetValue<int>()));
        var evidence = consecutive["evidence"]!.AsArray().Select(e => e!["sourcedId"]!.GetValue<string>()).ToList();
        Assert.Equal(written["records"]!.AsArray().Take(3).Select(r => r!["sourcedId"]!.GetValue<string>()), evidence);
        using (var other = await school.GetAsync($"{V1}/warnings?school=org-school2")) Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        using var health = await ClientAsync(tenant, ["org-school"], KoumuScopes.AttendanceRead, KoumuScopes.AttendanceHealthRead);
        using var nurse = await health.GetAsync($"{V1}/warnings?kind=NURSE_ROOM_VISITS");
        Assert.Equal("s3", (await BodyAsync(nurse))["alerts"]!.AsArray().Single()!["pupil"]!["sourcedId"]!.GetValue<string>());
        foreach (var bad in new[] { "status=maybe", "kind=ALL", "limit=-1", "cursor=%%%", "pupil=" + new string('x', 300) })
            using (var response = await health.GetAsync($"{V1}/warnings?{bad}")) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var audit = await AuditAsync(tenant);
        Assert.Contains(audit, a => (a.Action, a.Resource, a.Classification) == ("read", "attendance.alerts", "III"));
        Assert.Contains(audit, a => (a.Action, a.Resource, a.Classification) == ("read", "attendance.alerts", "II"));
        Assert.Contains(audit, a => (a.Action, a.Resource) == ("write", "attendance.alerts"));
    }

    /// <summary>
    /// <c>GET …/warnings</c> goes through the same query engine as the records (issue #6 point 7): filter, sort, fields,
    /// paging with X-Total-Count and next links, imsx errors — and the kinds a client may not see stay hidden whatever the
    /// filter says (an OR must not reach NURSE_ROOM_VISITS without the health scope).
    /// </summary>
    [SkippableFact]
    public async Task Alerts_are_filtered_sorted_projected_and_paged_by_the_query_engine_without_widening()
    {
        var tenant = await _hub.NewTenantAsync();
        using var board = await ClientAsync(tenant);
        await SetUpSchoolAsync(board);
        await PostRecordsAsync(board, "org-school", [
            .. Enumerable.Range(0, 5).Select(i => $$"""{"pupilSourcedId":"s1","date":"{{D(i)}}","code":"ABSENT_OTHER"}"""),
            .. Enumerable.Range(0, 5).Select(i => $$"""{"pupilSourcedId":"s3","date":"{{D(i)}}","code":"PRESENT","modifiers":["NURSE_ROOM"]}""")]);
        using (var evaluate = await board.PostAsync($"{V1}/warnings/evaluate?asOf={D(4)}", null)) Assert.Equal(HttpStatusCode.OK, evaluate.StatusCode);

        using var health = await ClientAsync(tenant, ["org-school"], KoumuScopes.AttendanceRead, KoumuScopes.AttendanceHealthRead);
        var all = await AlertsAsync(health, "limit=100");
        Assert.Contains(all, a => a["kind"]!.GetValue<string>() == "NURSE_ROOM_VISITS");
        Assert.True(all.Count >= 3, string.Join("\n", all));

        // filter
        var consecutive = await AlertsAsync(health, "filter=" + Uri.EscapeDataString("kind='CONSECUTIVE_ABSENCES'"));
        Assert.Equal(all.Count(a => a["kind"]!.GetValue<string>() == "CONSECUTIVE_ABSENCES"), consecutive.Count);
        Assert.All(consecutive, a => Assert.Equal("CONSECUTIVE_ABSENCES", a["kind"]!.GetValue<string>()));
        var s1 = await AlertsAsync(health, "filter=" + Uri.EscapeDataString("pupil.sourcedId='s1' AND value>='3'"));
        Assert.All(s1, a => Assert.Equal("s1", a["pupil"]!["sourcedId"]!.GetValue<string>()));
        Assert.NotEmpty(s1);

        // sort: values never increase, ties broken the same way every time
        var byValue = await AlertsAsync(health, "sort=value&orderBy=desc");
        var values = byValue.Select(a => a["value"]!.GetValue<double>()).ToList();
        Assert.Equal(values.OrderByDescending(v => v), values);
        Assert.Equal(byValue.Select(a => a["sourcedId"]!.GetValue<string>()), (await AlertsAsync(health, "sort=value&orderBy=desc")).Select(a => a["sourcedId"]!.GetValue<string>()));

        // fields
        var projected = await AlertsAsync(health, "fields=sourcedId,kind");
        Assert.All(projected, a => Assert.Equal(["kind", "sourcedId"], a.Select(p => p.Key).Order(StringComparer.Ordinal)));

        // paging: one alert a page, following rel="next", visits every alert once and agrees with X-Total-Count
        var seen = new List<string>();
        for (var next = $"{V1}/warnings?limit=1"; next is not null;)
        {
            using var page = await health.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(all.Count.ToString(CultureInfo.InvariantCulture), page.Headers.GetValues("X-Total-Count").Single());
            seen.AddRange((await BodyAsync(page))["alerts"]!.AsArray().Select(a => a!["sourcedId"]!.GetValue<string>()));
            var link = page.Headers.TryGetValues("Link", out var links) ? string.Join(", ", links) : "";
            var match = System.Text.RegularExpressions.Regex.Match(link, "<([^>]+)>; rel=\"next\"");
            next = match.Success ? new Uri(match.Groups[1].Value).PathAndQuery : null;
            Assert.True(seen.Count <= all.Count, "paging does not end");
        }
        Assert.Equal(all.Select(a => a["sourcedId"]!.GetValue<string>()).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        // errors
        foreach (var (query, codeMinor) in new[]
                 {
                     ("filter=" + Uri.EscapeDataString("evidence='x'"), "invalid_filter_field"),
                     ("filter=" + Uri.EscapeDataString("value>'many'"), "invalid_filter_field"),
                     ("fields=sourcedId,secret", "invalid_selection_field"),
                 })
        {
            using var response = await health.GetAsync($"{V1}/warnings?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var minor = (await BodyAsync(response))["imsx_CodeMinor"]!["imsx_codeMinorField"]![0]!;
            Assert.Equal(codeMinor, minor["imsx_codeMinorFieldValue"]!.GetValue<string>());
        }

        // no widening: without the health scope, an OR naming the hidden kind still shows none of it
        using var school = await ClientAsync(tenant, ["org-school"], KoumuScopes.AttendanceRead);
        var widened = await AlertsAsync(school, "filter=" + Uri.EscapeDataString("kind='NURSE_ROOM_VISITS' OR kind='CONSECUTIVE_ABSENCES'"));
        Assert.DoesNotContain(widened, a => a["kind"]!.GetValue<string>() == "NURSE_ROOM_VISITS");
        Assert.Equal(consecutive.Count, widened.Count);

        async Task<List<JsonObject>> AlertsAsync(HttpClient http, string query)
        {
            using var response = await http.GetAsync($"{V1}/warnings?{query}");
            var body = await BodyAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body}");
            return [.. body["alerts"]!.AsArray().Select(a => a!.AsObject())];
        }
    }

    // ------------------------------------------------------------------ withdraw

    [SkippableFact]
    public async Task Withdrawing_a_record_appends_a_tobedeleted_version_and_is_confined()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        var id = (await PostRecordsAsync(http, "org-school", $$"""{"pupilSourcedId":"s1","date":"{{D(2)}}","code":"ABSENT_OTHER"}"""))["records"]![0]!["sourcedId"]!.GetValue<string>();
        using var other = await ClientAsync(tenant, ["org-school2"]);
        using (var hidden = await other.DeleteAsync($"{V1}/records/{id}")) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using (var unknown = await http.DeleteAsync($"{V1}/records/{Guid.NewGuid()}")) Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using (var huge = await http.DeleteAsync($"{V1}/records/{new string('a', 2000)}")) Assert.Equal(HttpStatusCode.NotFound, huge.StatusCode);
        using (var reader = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead))
        using (var forbidden = await reader.DeleteAsync($"{V1}/records/{id}")) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var withdrawn = await http.DeleteAsync($"{V1}/records/{id}");
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        var body = await BodyAsync(withdrawn);
        Assert.Equal((true, "tobedeleted", 2), (body["changed"]!.GetValue<bool>(), body["record"]!["status"]!.GetValue<string>(), body["record"]!["version"]!.GetValue<int>()));
        using var again = await http.DeleteAsync($"{V1}/records/{id}");
        Assert.False((await BodyAsync(again))["changed"]!.GetValue<bool>());
        Assert.Equal(2, await CountRecordsAsync(tenant));
        using var yoroku = await http.GetAsync($"{V1}/schools/org-school/yoroku?schoolYear=2026&pupil=s1");
        Assert.Equal(0, (await BodyAsync(yoroku))["pupils"]![0]!["year"]!["absentDays"]!.GetValue<int>());
    }

    // ------------------------------------------------------------------ CSV import / export

    private const string Header = "pupilSourcedId,date,period,code,disease,modifiers,symptoms,temperature,note,reportedBy";

    [SkippableFact]
    public async Task A_csv_file_is_imported_all_or_nothing_and_exported_back_unchanged()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        var csv = $"\uFEFF{Header}\r\n" +
                  $"s1,{D(0)},,PRESENT,,LATE;SEPARATE_ROOM,,,\"遅刻, 電車遅延\",TEACHER\r\n" +
                  $"s3,{D(0)},,ABSENT_ILLNESS,,,FEVER;HEADACHE,38.2,\"=HYPERLINK(\"\"x\"\")\",PARENT_APP\r\n" +
                  $"s3,{D(0)},2,ABSENT_ILLNESS,,,,,,\r\n";
        using var response = await http.PostAsync($"{V1}/schools/org-school/records.csv?schoolYear=2026", Csv(csv));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(3, (await BodyAsync(response))["written"]!.GetValue<int>());

        using var export = await http.GetAsync($"{V1}/schools/org-school/records.csv?schoolYear=2026");
        Assert.Equal("text/csv", export.Content.Headers.ContentType!.MediaType);
        var text = await export.Content.ReadAsStringAsync();
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("pupilSourcedId,date,period,code,", lines[0], StringComparison.Ordinal);
        // A formula in free text is neutralised for spreadsheets.
        Assert.Contains("\"'=HYPERLINK(\"\"x\"\")\"", text, StringComparison.Ordinal);

        // Without the health scope the health columns are empty.
        using var plain = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        var plainText = await plain.GetStringAsync($"{V1}/schools/org-school/records.csv?schoolYear=2026");
        Assert.DoesNotContain("FEVER", plainText, StringComparison.Ordinal);
        Assert.DoesNotContain("38.2", plainText, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Every_bad_csv_row_is_reported_with_file_line_column_and_rule_and_nothing_is_written()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        var csv = $"{Header}\n" +
                  $"s1,{D(0)},,PRESENT,,,,,,\n" +                        // line 2: fine
                  $"s1,{D(1)},,NOT_A_CODE,,,,,,\n" +                     // line 3: unknown code
                  $"s3,2026-02-30,,PRESENT,,,,,,\n" +                    // line 4: bad date
                  $"s3,{D(1)},,ABSENT_ILLNESS,,LATE,,,,\n" +             // line 5: modifier on absence
                  "s3,\"multi\nline\",,PRESENT,,,,,,\n" +                 // line 6-7: bad date spanning two lines
                  $"s3,{D(2)},,SUSPENDED_INFECTION,,,,,,\n" +            // line 8: disease missing
                  $"s1,{D(3)},,PRESENT,,,,,\n" +                          // line 9: too few fields
                  $"s1,{D(4)},,PRESENT,,,,,,ROBOT\n";                     // line 10: bad reporter
        using var response = await http.PostAsync($"{V1}/schools/org-school/records.csv?schoolYear=2026", Csv(csv));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var description = (await BodyAsync(response))["imsx_description"]!.GetValue<string>();
        foreach (var expected in new[]
                 {
                     "records.csv:3:code: attendance.unknown-code", "records.csv:4:date: attendance.invalid-value", "records.csv:5:late: attendance.modifier-not-allowed",
                     "records.csv:6:date: attendance.invalid-value", "records.csv:8:disease: attendance.attribute-required", "records.csv:9: attendance.csv-malformed",
                     "records.csv:10:reportedBy: attendance.invalid-value",
                 })
            Assert.Contains(expected, description, StringComparison.Ordinal);
        Assert.DoesNotContain("records.csv:2", description, StringComparison.Ordinal);
        Assert.Equal(0, await CountRecordsAsync(tenant));

        // Enrolment is checked by the store, reported on the row's line: s4 is at the other school.
        using var notEnrolled = await http.PostAsync($"{V1}/schools/org-school/records.csv?schoolYear=2026",
            Csv($"{Header}\ns1,{D(0)},,PRESENT,,,,,,\ns4,{D(0)},,PRESENT,,,,,,\n", charset: "utf-8"));
        Assert.Contains("records.csv:3:pupilSourcedId: attendance.not-enrolled", (await BodyAsync(notEnrolled))["imsx_description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await CountRecordsAsync(tenant));
    }

    [SkippableTheory]
    [InlineData("pupilSourcedId,date,code,evil\r\ns1,2026-04-01,PRESENT,x\r\n", "records.csv:1:evil: attendance.csv-header")]
    [InlineData("pupilSourcedId,date\r\ns1,2026-04-01\r\n", "records.csv:1:code: attendance.csv-header")]
    [InlineData("pupilSourcedId,date,code,code\r\n", "records.csv:1:code: attendance.csv-header")]
    [InlineData("pupilSourcedId,date,code\r\n", "attendance.csv-header")]
    [InlineData("pupilSourcedId,date,code,status\r\ns1,2026-04-01,PRESENT,tobedeleted\r\n", "records.csv:2:status: attendance.invalid-value")]
    public async Task Hostile_csv_headers_and_rows_are_refused(string csv, string expected)
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        using var response = await http.PostAsync($"{V1}/schools/org-school/records.csv?schoolYear=2026", Csv(csv));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(expected, (await BodyAsync(response))["imsx_description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Oversized_malformed_and_mistyped_csv_bodies_are_refused()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        var path = $"{V1}/schools/org-school/records.csv?schoolYear=2026";
        using (var json = await http.PostAsync(path, Json("{}"))) Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        using (var latin = await http.PostAsync(path, Csv("a", charset: "iso-8859-1"))) Assert.Equal(HttpStatusCode.UnsupportedMediaType, latin.StatusCode);
        using (var noYear = await http.PostAsync($"{V1}/schools/org-school/records.csv", Csv($"{Header}\n"))) Assert.Equal(HttpStatusCode.BadRequest, noYear.StatusCode);
        // Shift_JIS bytes sent as UTF-8.
        var sjis = ShiftJis.Encoding.GetBytes($"{Header}\ns1,{D(0)},,PRESENT,,,,,電車遅延,\n");
        using (var content = new ByteArrayContent(sjis))
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("text/csv");
            using var wrong = await http.PostAsync(path, content);
            Assert.True(wrong.StatusCode == HttpStatusCode.UnprocessableEntity, await wrong.Content.ReadAsStringAsync());
            Assert.Contains("attendance.csv-malformed", (await BodyAsync(wrong))["imsx_description"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        // The same bytes declared as Shift_JIS are read.
        using (var declared = await http.PostAsync(path, Csv($"{Header}\ns1,{D(0)},,PRESENT,,,,,電車遅延,\n", ShiftJis.Encoding, "shift_jis")))
            Assert.Equal(HttpStatusCode.OK, declared.StatusCode);
        // One record far longer than the per-record limit (the reader stops: it never buffers an unbounded record).
        using (var longRecord = await http.PostAsync(path, Csv($"{Header}\ns1,{D(1)},,PRESENT,,,,,{new string('x', 100_000)},\n")))
            Assert.Contains("attendance.csv-malformed", (await BodyAsync(longRecord))["imsx_description"]!.GetValue<string>(), StringComparison.Ordinal);
        // A body over the limit.
        var big = new StringBuilder(Header).Append('\n');
        while (big.Length <= 17 * 1024 * 1024) big.Append("s1,").Append(D(2)).Append(",,PRESENT,,,,,,\n");
        using (var tooLarge = await http.PostAsync(path, Csv(big.ToString()))) Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(1, await CountRecordsAsync(tenant));
    }

    [SkippableFact]
    public async Task A_vendor_code_map_translates_the_code_column_on_import()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        using (var bad = await http.PutAsync($"{V1}/codeMaps/kenja", Json("""{"entries":[{"localCode":"X","code":"PRESENT","disease":"INFLUENZA"},{"localCode":"Y","code":"NOPE"}]}""")))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
            var text = await bad.Content.ReadAsStringAsync();
            Assert.Contains("entries[1].code", text, StringComparison.Ordinal);
        }
        using (var school = await ClientAsync(tenant, ["org-school"]))
        using (var forbidden = await school.PutAsync($"{V1}/codeMaps/kenja", Json("""{"entries":[]}"""))) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var put = await http.PutAsync($"{V1}/codeMaps/kenja", Json("""{"entries":[{"localCode":"1","code":"PRESENT"},{"localCode":"2","code":"SUSPENDED_INFECTION","disease":"INFLUENZA"},{"localCode":"6","code":"ABSENT_ILLNESS"}]}""")))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using (var read = await http.GetAsync($"{V1}/codeMaps/kenja"))
            Assert.Equal(3, (await BodyAsync(read))["entries"]!.AsArray().Count);

        using var unknown = await http.PostAsync($"{V1}/schools/org-school/records.csv?schoolYear=2026&system=kenja", Csv($"pupilSourcedId,date,code\ns1,{D(0)},PRESENT\n"));
        Assert.Contains("records.csv:2:code: attendance.unknown-code", (await BodyAsync(unknown))["imsx_description"]!.GetValue<string>(), StringComparison.Ordinal);
        using var mapped = await http.PostAsync($"{V1}/schools/org-school/records.csv?schoolYear=2026&system=kenja",
            Csv($"pupilSourcedId,date,code\ns1,{D(0)},2\ns3,{D(0)},6\n"));
        Assert.True(mapped.StatusCode == HttpStatusCode.OK, await mapped.Content.ReadAsStringAsync());
        using var records = await http.GetAsync($"{V1}/records?pupil=s1");
        var record = (await BodyAsync(records))["records"]![0]!;
        Assert.Equal(("SUSPENDED_INFECTION", "INFLUENZA"), (record["code"]!.GetValue<string>(), record["disease"]!.GetValue<string>()));
    }

    // ------------------------------------------------------------------ infection report

    [SkippableFact]
    public async Task The_infection_report_has_a_row_per_class_and_school_day_including_zeros()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant);
        await SetUpSchoolAsync(http);
        using (var closure = await http.PutAsync($"{V1}/schools/org-school/calendar",
                   Json($$"""{"entries":[{"date":"{{D(1)}}","scope":"CLASS","key":"class-3-2","kind":"CLASS_CLOSURE","reason":"インフルエンザ"}]}""")))
            Assert.Equal(HttpStatusCode.NoContent, closure.StatusCode);
        await PostRecordsAsync(http, "org-school",
            $$"""{"pupilSourcedId":"s1","date":"{{D(0)}}","code":"ABSENT_ILLNESS"}""",
            $$"""{"pupilSourcedId":"s5","date":"{{D(0)}}","code":"SUSPENDED_INFECTION","disease":"INFLUENZA"}""");
        using var response = await http.GetAsync($"{V1}/schools/org-school/infectionReport?from={D(0)}&to={D(1)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("date,schoolSourcedId,classSourcedId,classTitle,grade,dayKind,enrolled,absent,absentIllness,suspendedInfection,suspendedByDisease", lines[0]);
        // Day 0: 3-1 has s1 and s5 (s2 transfers in later), 3-2 has s3 and nobody absent — a row of zeros.
        Assert.Contains($"{D(0)},org-school,class-3-1,3年1組,P3,SCHOOL_DAY,2,1,1,1,INFLUENZA=1", lines);
        Assert.Contains($"{D(0)},org-school,class-3-2,3年2組,P3,SCHOOL_DAY,1,0,0,0,", lines);
        Assert.Contains($"{D(1)},org-school,class-3-2,3年2組,P3,CLASS_CLOSURE,1,0,0,0,", lines);
        Assert.Equal(5, lines.Length);

        using var sjis = await http.GetAsync($"{V1}/schools/org-school/infectionReport?date={D(0)}&charset=shift_jis");
        Assert.Equal("shift_jis", sjis.Content.Headers.ContentType!.CharSet);
        Assert.Contains("3年1組", ShiftJis.Encoding.GetString(await sjis.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);

        using var noHealth = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        using (var forbidden = await noHealth.GetAsync($"{V1}/schools/org-school/infectionReport?date={D(0)}")) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        foreach (var bad in new[] { "", "date=2026-04-31", $"from={D(0)}", $"from={D(40)}&to={D(0)}", $"from={D(0)}&to={D(60)}", $"date={D(0)}&charset=ebcdic", $"date={D(0)}&from={D(0)}&to={D(1)}" })
            using (var response2 = await http.GetAsync($"{V1}/schools/org-school/infectionReport?{bad}")) Assert.Equal(HttpStatusCode.BadRequest, response2.StatusCode);
        using var confined = await ClientAsync(tenant, ["org-school2"]);
        using (var hidden = await confined.GetAsync($"{V1}/schools/org-school/infectionReport?date={D(0)}")) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Contains(await AuditAsync(tenant), a => (a.Resource, a.Classification) == ("attendance.infection-report", "II"));
    }
}
