using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Koumu.Interop.Api.Auth;

namespace Koumu.Interop.Tests.Attendance;

public sealed class AttendanceQueryApiTests(AttendanceHub hub) : AttendanceQueryApiSpecification(hub), IClassFixture<AttendanceHub>;

public sealed class PostgresAttendanceQueryApiTests(PostgresAttendanceHub hub) : AttendanceQueryApiSpecification(hub), IClassFixture<PostgresAttendanceHub>;

/// <summary>
/// <c>GET /koumu/attendance/v1/records</c> and <c>…/warnings</c> through THE query engine (issue #6 point 7): OneRoster
/// filter operators, AND/OR, dates, sort with a stable tie-break, offset and cursor paging, fields, X-Total-Count and
/// Link, the imsx codeMinor of bad input — and that no filter, selection or cursor widens a confined client's view.
/// Through the real pipeline on SQLite and PostgreSQL.
/// </summary>
public abstract partial class AttendanceQueryApiSpecification
{
    private const string V1 = "/koumu/attendance/v1";
    private static readonly List<Schemas.Attendance.CalendarEntry> Calendar = AttendanceSamples.Weekdays();
    private readonly AttendanceHub _hub;

    protected AttendanceQueryApiSpecification(AttendanceHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    private static string D(int n) => Calendar[n].Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private sealed record Sent(string School, string Pupil, int Day, string Code, string Extra = "");

    /// <summary>
    /// 18 records: s1 on days 0–7 and s3 on days 0–5 at 第一小 (org-school), s4 on days 0–3 at 第二小 (org-school2); codes
    /// cycle so every operator has something to select and sorting by code has many ties.
    /// </summary>
    private static readonly Sent[] Records =
    [
        .. Enumerable.Range(0, 8).Select(d => new Sent("org-school", "s1", d, (d % 3) switch { 0 => "PRESENT", 1 => "ABSENT_ILLNESS", _ => "ABSENT_OTHER" },
            d % 3 == 1 ? ",\"symptoms\":[\"FEVER\"],\"temperature\":38.1" : d == 3 ? ",\"modifiers\":[\"LATE\"],\"arrivedAt\":\"09:20\"" : "")),
        .. Enumerable.Range(0, 6).Select(d => new Sent("org-school", "s3", d, d % 2 == 0 ? "ABSENT_OTHER" : "SUSPENDED_INFECTION",
            d % 2 == 0 ? "" : ",\"disease\":\"INFLUENZA\"")),
        .. Enumerable.Range(0, 4).Select(d => new Sent("org-school2", "s4", d, d == 0 ? "PRESENT" : "ABSENT_ACCIDENT_NOTIFIED")),
    ];

    private async Task<string> TenantWithRecordsAsync()
    {
        var tenant = await _hub.NewTenantAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceWrite);
        foreach (var school in Records.GroupBy(r => r.School))
        {
            var body = "{\"schoolYear\":2026,\"records\":[" + string.Join(",", school.Select(r =>
                $$"""{"pupilSourcedId":"{{r.Pupil}}","date":"{{D(r.Day)}}","code":"{{r.Code}}"{{r.Extra}}}""")) + "]}";
            using var response = await http.PostAsync($"{V1}/schools/{school.Key}/records", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
        return tenant;
    }

    private Task<HttpClient> ClientAsync(string tenant, string[]? orgs, params string[] scopes) => _hub.OneRosterClientAsync(scopes, orgs, tenant);

    private static string Q(string filter) => "filter=" + Uri.EscapeDataString(filter);

    private static async Task<(HttpStatusCode Status, JsonNode Body, HttpResponseMessage Response)> GetAsync(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!, response);
    }

    private static List<JsonObject> Items(JsonNode body, string name = "records") => [.. body[name]!.AsArray().Select(r => r!.AsObject())];

    private static string Key(JsonObject r) => $"{r["pupil"]!["sourcedId"]}|{r["date"]}";

    private static IEnumerable<string> Keys(IEnumerable<Sent> sent) => sent.Select(s => $"{s.Pupil}|{D(s.Day)}");

    /// <summary>Every page from <paramref name="url"/> on, following <c>rel="next"</c>; checks X-Total-Count on each page.</summary>
    private static async Task<(List<JsonObject> Items, int Pages)> AllPagesAsync(HttpClient http, string url, string name = "records")
    {
        var items = new List<JsonObject>();
        var pages = 0;
        long? total = null;
        for (string? next = url; next is not null; pages++)
        {
            using var response = await http.GetAsync(next);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var pageTotal = long.Parse(response.Headers.GetValues("X-Total-Count").Single(), CultureInfo.InvariantCulture);
            Assert.True(total is null || total == pageTotal, "X-Total-Count changed between pages");
            total = pageTotal;
            items.AddRange(Items(JsonNode.Parse(text)!, name));
            next = NextLink(response);
            Assert.True(pages < 100, "paging does not end");
        }
        Assert.Equal(total, items.Count);
        return (items, pages);
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values)) return null;
        var match = NextPattern().Match(string.Join(", ", values));
        return match.Success ? new Uri(match.Groups[1].Value).PathAndQuery : null;
    }

    [GeneratedRegex("<([^>]+)>; rel=\"next\"")]
    private static partial Regex NextPattern();

    // ------------------------------------------------------------------ operators

    public static TheoryData<string, string> Operators => new()
    {
        { "code='ABSENT_OTHER'", "=" },
        { "code!='ABSENT_OTHER'", "!=" },
        { "date>'" + D(4) + "'", ">" },
        { "date>='" + D(4) + "'", ">=" },
        { "date<'" + D(2) + "'", "<" },
        { "date<='" + D(2) + "'", "<=" },
        { "code~'absent'", "~" },
        { "pupil.sourcedId='s1' AND date>='" + D(2) + "' AND date<='" + D(5) + "'", "AND" },
        { "pupil.sourcedId='s4' OR code='SUSPENDED_INFECTION'", "OR" },
        { "period='0'", "= number" },
        { "arrivedAt>='09:00'", ">= text" },
    };

    private static bool Expected(Sent s, string op) => op switch
    {
        "=" => s.Code == "ABSENT_OTHER",
        "!=" => s.Code != "ABSENT_OTHER",
        ">" => s.Day > 4,
        ">=" => s.Day >= 4,
        "<" => s.Day < 2,
        "<=" => s.Day <= 2,
        "~" => s.Code.Contains("ABSENT", StringComparison.Ordinal),
        "AND" => s.Pupil == "s1" && s.Day is >= 2 and <= 5,
        "OR" => s.Pupil == "s4" || s.Code == "SUSPENDED_INFECTION",
        "= number" => true,
        ">= text" => s.Extra.Contains("arrivedAt", StringComparison.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    [SkippableTheory, MemberData(nameof(Operators))]
    public async Task Each_filter_operator_selects_exactly_the_matching_records(string filter, string op)
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        var (items, _) = await AllPagesAsync(http, $"{V1}/records?limit=5&{Q(filter)}");
        Assert.Equal(Keys(Records.Where(s => Expected(s, op))).Order(), items.Select(Key).Order());
    }

    [SkippableFact]
    public async Task Date_time_filters_select_by_dateLastModified()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        var (all, _) = await AllPagesAsync(http, $"{V1}/records?limit=100");
        Assert.Equal(Records.Length, all.Count);
        var (none, _) = await AllPagesAsync(http, $"{V1}/records?{Q("dateLastModified>'" + DateTime.UtcNow.AddMinutes(5).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) + "'")}");
        Assert.Empty(none);
        var (since, _) = await AllPagesAsync(http, $"{V1}/records?{Q("dateLastModified>='2026-04-01'")}");
        Assert.Equal(Records.Length, since.Count);
    }

    // ------------------------------------------------------------------ errors

    [SkippableFact]
    public async Task A_bad_filter_field_is_invalid_filter_field_and_a_bad_selection_is_invalid_selection_field()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        foreach (var (query, codeMinor, field) in new[]
                 {
                     (Q("password='x'"), "invalid_filter_field", "filter"),
                     (Q("client_id='c'"), "invalid_filter_field", "filter"), // a stored column that is not in the allow-list
                     (Q("disease='INFLUENZA'"), "invalid_filter_field", "filter"), // health field without the health scope
                     (Q("date>'not-a-date'"), "invalid_filter_field", "filter"),
                     (Q("code='A' AND code='B' OR code='C'"), "invalid_filter_field", "filter"),
                     (Q("code='unterminated"), "invalid_filter_field", "filter"),
                     ("fields=sourcedId,nope", "invalid_selection_field", "fields"),
                     ("fields=sourcedId&fields=", "invalid_selection_field", "fields"),
                     ("fields=disease", "invalid_selection_field", "fields"),
                     ("sort=nope", "invalid_selection_field", "sort"),
                     ("orderBy=sideways", "invaliddata", "orderBy"),
                     ("limit=0", "invaliddata", "limit"),
                     ("offset=-1", "invaliddata", "offset"),
                     ("cursor=AAAA", "invaliddata", "cursor"),
                 })
        {
            var (status, body, response) = await GetAsync(http, $"{V1}/records?{query}");
            using (response)
            {
                Assert.True(status == HttpStatusCode.BadRequest, $"{query}: {(int)status}");
                var minor = body["imsx_CodeMinor"]!["imsx_codeMinorField"]![0]!;
                Assert.Equal((field, codeMinor), (minor["imsx_codeMinorFieldName"]!.GetValue<string>(), minor["imsx_codeMinorFieldValue"]!.GetValue<string>()));
            }
        }
    }

    [SkippableFact]
    public async Task Health_fields_can_be_filtered_and_selected_with_the_health_scope()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead, KoumuScopes.AttendanceHealthRead);
        var (influenza, _) = await AllPagesAsync(http, $"{V1}/records?{Q("disease='INFLUENZA'")}&fields=pupil,disease");
        Assert.Equal(3, influenza.Count);
        Assert.All(influenza, r => Assert.Equal(["pupil", "disease"], r.Select(p => p.Key)));
        var (fever, _) = await AllPagesAsync(http, $"{V1}/records?{Q("symptoms='FEVER' AND temperature>'38'")}");
        Assert.Equal(Keys(Records.Where(s => s.Extra.Contains("FEVER", StringComparison.Ordinal))).Order(), fever.Select(Key).Order());
    }

    [SkippableFact]
    public async Task Fields_returns_only_the_selected_properties_comma_or_repeated()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        foreach (var query in new[] { "fields=sourcedId,code", "fields=sourcedId&fields=code", "fields=code,sourcedId,code" })
        {
            var (status, body, response) = await GetAsync(http, $"{V1}/records?{query}");
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.All(Items(body), r => Assert.Equal(new[] { "code", "sourcedId" }, r.Select(p => p.Key).Order()));
            }
        }
    }

    // ------------------------------------------------------------------ paging

    [SkippableTheory]
    [InlineData("code", "asc")]
    [InlineData("code", "desc")]
    [InlineData("date", "desc")]
    [InlineData("arrivedAt", "asc")]
    public async Task Sorted_pages_are_stable_and_visit_every_record_once(string sort, string orderBy)
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        var (items, pages) = await AllPagesAsync(http, $"{V1}/records?sort={sort}&orderBy={orderBy}&limit=4");
        Assert.Equal(5, pages);
        Assert.Equal(Records.Length, items.Select(r => r["sourcedId"]!.GetValue<string>()).Distinct().Count());
        // The same order as one page of everything (the tie-break makes the order total).
        var (status, body, response) = await GetAsync(http, $"{V1}/records?sort={sort}&orderBy={orderBy}&limit=100");
        using (response) Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Items(body).Select(r => r["sourcedId"]!.GetValue<string>()), items.Select(r => r["sourcedId"]!.GetValue<string>()));
        var values = items.Select(r => r[sort]?.GetValue<string>()).ToList();
        var sorted = orderBy == "asc"
            ? values.OrderBy(v => v is null).ThenBy(v => v, StringComparer.Ordinal)
            : values.OrderBy(v => v is not null).ThenByDescending(v => v, StringComparer.Ordinal);
        Assert.Equal(sorted, values);
    }

    [SkippableFact]
    public async Task Offset_paging_visits_every_record_once_and_links_first_prev_next_last()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        var seen = new List<string>();
        for (var offset = 0; offset < Records.Length; offset += 5)
        {
            var (status, body, response) = await GetAsync(http, $"{V1}/records?sort=date&limit=5&offset={offset}");
            using (response)
            {
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal(Records.Length.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("X-Total-Count").Single());
                var link = string.Join(", ", response.Headers.GetValues("Link"));
                Assert.Contains("rel=\"first\"", link, StringComparison.Ordinal);
                Assert.Contains("offset=15>; rel=\"last\"", link, StringComparison.Ordinal);
                Assert.Equal(offset > 0, link.Contains("rel=\"prev\"", StringComparison.Ordinal));
                Assert.Equal(offset + 5 < Records.Length, link.Contains("rel=\"next\"", StringComparison.Ordinal));
                seen.AddRange(Items(body).Select(r => r["sourcedId"]!.GetValue<string>()));
            }
        }
        Assert.Equal(Records.Length, seen.Count);
        Assert.Equal(Records.Length, seen.Distinct().Count());
    }

    [SkippableFact]
    public async Task A_cursor_is_bound_to_its_filter_and_order_and_a_huge_limit_is_clamped()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        using var first = await http.GetAsync($"{V1}/records?sort=code&limit=3");
        var next = NextLink(first)!;
        Assert.Contains("cursor=", next, StringComparison.Ordinal);
        using (var replayed = await http.GetAsync(next.Replace("sort=code", "sort=date", StringComparison.Ordinal)))
            Assert.Equal(HttpStatusCode.BadRequest, replayed.StatusCode);
        using (var history = await http.GetAsync(next + "&history=true"))
            Assert.Equal(HttpStatusCode.BadRequest, history.StatusCode); // the history is another collection
        var (status, body, response) = await GetAsync(http, $"{V1}/records?limit=99999999999");
        using (response) Assert.Equal((HttpStatusCode.OK, Records.Length), (status, Items(body).Count));
    }

    [SkippableFact]
    public async Task The_old_parameters_still_narrow_the_query()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        var (items, _) = await AllPagesAsync(http, $"{V1}/records?school=org-school&pupil=s1&from={D(1)}&to={D(3)}&{Q("code!='PRESENT'")}");
        Assert.Equal(Keys(Records.Where(s => s.Pupil == "s1" && s.Day is >= 1 and <= 3 && s.Code != "PRESENT")).Order(), items.Select(Key).Order());
    }

    // ------------------------------------------------------------------ least privilege

    [SkippableFact]
    public async Task An_OR_filter_never_widens_a_confined_clients_view()
    {
        var tenant = await TenantWithRecordsAsync();
        using var confined = await ClientAsync(tenant, ["org-school2"], KoumuScopes.AttendanceRead);
        foreach (var filter in new[]
                 {
                     "school.sourcedId='org-school' OR school.sourcedId='org-school2'",
                     "pupil.sourcedId='s1' OR pupil.sourcedId!='nobody'",
                     "code~'' OR status='active'",
                     "school.sourcedId!='org-school2'",
                 })
        {
            var (items, _) = await AllPagesAsync(confined, $"{V1}/records?limit=2&{Q(filter)}");
            Assert.All(items, r => Assert.Equal("org-school2", r["school"]!["sourcedId"]!.GetValue<string>()));
        }
        var (all, _) = await AllPagesAsync(confined, $"{V1}/records?{Q("school.sourcedId='org-school' OR school.sourcedId='org-school2'")}");
        Assert.Equal(Keys(Records.Where(s => s.School == "org-school2")).Order(), all.Select(Key).Order());
    }

    [SkippableFact]
    public async Task A_cursor_or_a_selection_from_a_wider_client_shows_a_confined_client_nothing_more()
    {
        var tenant = await TenantWithRecordsAsync();
        using var board = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        using var confined = await ClientAsync(tenant, ["org-school2"], KoumuScopes.AttendanceRead);
        // The board's cursor positions a page; it does not carry the board's rights.
        using var first = await board.GetAsync($"{V1}/records?limit=1");
        var next = NextLink(first)!;
        var (items, _) = await AllPagesAsync(confined, next);
        Assert.All(items, r => Assert.Equal("org-school2", r["school"]!["sourcedId"]!.GetValue<string>()));
        // A selection without school still returns only the client's records.
        var (selected, _) = await AllPagesAsync(confined, $"{V1}/records?fields=sourcedId");
        Assert.Equal(Records.Count(s => s.School == "org-school2"), selected.Count);
        // Naming another school is 404, whatever the filter.
        using var hidden = await confined.GetAsync($"{V1}/records?school=org-school&{Q("school.sourcedId='org-school2' OR code~''")}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    [SkippableFact]
    public async Task Record_reads_are_on_the_audit_trail_with_their_query()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead);
        using (var response = await http.GetAsync($"{V1}/records?limit=3&{Q("code='PRESENT'")}")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = (await _hub.AttendanceAuditAsync(tenant)).First(e => e.Action == "read");
        Assert.Equal(("attendance.records", "III", 3), (read.Resource, read.Classification, read.Records));
        Assert.Contains("filter=", read.Query, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ terms

    [SkippableFact]
    public async Task Yoroku_by_term_gives_the_default_three_terms_that_sum_to_the_year()
    {
        var tenant = await TenantWithRecordsAsync();
        using var http = await ClientAsync(tenant, null, KoumuScopes.AttendanceRead, KoumuScopes.AttendanceWrite);
        var entries = new JsonArray([.. Calendar.Select(e => (JsonNode)new JsonObject { ["date"] = e.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["scope"] = "SCHOOL", ["kind"] = "SCHOOL_DAY" })]);
        using (var put = await http.PutAsync($"{V1}/schools/org-school/calendar", new StringContent(new JsonObject { ["entries"] = entries }.ToJsonString(), Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        var (status, body, response) = await GetAsync(http, $"{V1}/schools/org-school/yoroku?schoolYear=2026&pupil=s1&by=term");
        using (response) Assert.Equal(HttpStatusCode.OK, status);
        var pupil = body["pupils"]![0]!;
        var terms = pupil["terms"]!.AsArray();
        Assert.Equal(["1学期", "2学期", "3学期"], terms.Select(t => t!["title"]!.GetValue<string>()));
        Assert.All(terms, t => Assert.Null(t!["academicSession"]));
        foreach (var column in new[] { "schoolDays", "absentDays", "presentDays", "requiredDays", "lateCount" })
            Assert.Equal(pupil["year"]![column]!.GetValue<int>(), terms.Sum(t => t!["counts"]![column]!.GetValue<int>()));
        Assert.Equal(Records.Count(r => r.Pupil == "s1" && r.Code != "PRESENT"), terms[0]!["counts"]!["absentDays"]!.GetValue<int>());

        var (monthly, monthlyBody, monthlyResponse) = await GetAsync(http, $"{V1}/schools/org-school/yoroku?schoolYear=2026&pupil=s1");
        using (monthlyResponse) Assert.Equal(HttpStatusCode.OK, monthly);
        Assert.Null(monthlyBody["pupils"]![0]!["terms"]);
        using var bad = await http.GetAsync($"{V1}/schools/org-school/yoroku?schoolYear=2026&by=week");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
