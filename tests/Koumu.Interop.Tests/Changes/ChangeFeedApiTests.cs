using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Tests.OneRoster;

namespace Koumu.Interop.Tests.Changes;

/// <summary>The pull feed and the live stream on SQLite.</summary>
public sealed class ChangeFeedApiTests(ChangesHub hub) : ChangeFeedApiSpecification(hub), IClassFixture<ChangesHub>;

/// <summary>The same specification on PostgreSQL.</summary>
public sealed class PostgresChangeFeedApiTests(PostgresChangesHub hub) : ChangeFeedApiSpecification(hub), IClassFixture<PostgresChangesHub>;

/// <summary><c>GET /koumu/changes/v1</c> and <c>/stream</c> (issue #4 §2, §4).</summary>
public abstract class ChangeFeedApiSpecification
{
    private readonly ChangesHub hub;

    protected ChangeFeedApiSpecification(ChangesHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private const string Feed = "/koumu/changes/v1";

    private Task<HttpClient> ReaderAsync(string[]? orgs = null) => hub.OneRosterClientAsync([KoumuScopes.ChangesReadonly], orgs);

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Every change after <paramref name="since"/>, following nextSince page by page.</summary>
    private static async Task<List<JsonElement>> AllAsync(HttpClient http, string query, long since = 0, int limit = 7)
    {
        var all = new List<JsonElement>();
        for (var pages = 0; pages < 1000; pages++)
        {
            var page = await GetJsonAsync(http, $"{Feed}?since={since}&limit={limit}{query}");
            all.AddRange(page.GetProperty("changes").EnumerateArray());
            var next = page.GetProperty("nextSince").GetInt64();
            if (!page.GetProperty("hasMore").GetBoolean()) return all;
            Assert.True(next > since);
            since = next;
        }
        throw new InvalidOperationException("The feed never ended.");
    }

    private static IEnumerable<string> Ids(IEnumerable<JsonElement> changes, string resource) =>
        changes.Where(c => c.GetProperty("resource").GetString() == resource).Select(c => c.GetProperty("sourcedId").GetString()!).Order(StringComparer.Ordinal);

    [SkippableFact]
    public async Task Feed_without_a_token_is_401_and_without_the_changes_scope_is_403()
    {
        using var anonymous = hub.CreateHttpsClient();
        using (var response = await anonymous.GetAsync(Feed)) Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var roster = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
        using (var response = await roster.GetAsync(Feed)) Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using (var response = await roster.GetAsync(Feed + "/stream")) Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [SkippableFact]
    public async Task Feed_pages_through_the_initial_load_in_ascending_versions_with_next_links_and_record_hrefs()
    {
        using var http = await ReaderAsync();
        using (var response = await http.GetAsync($"{Feed}?since=0&limit=5"))
        {
            var link = string.Join(",", response.Headers.GetValues("Link"));
            Assert.Contains($"{Feed}?limit=5&since=5>; rel=\"next\"", link, StringComparison.Ordinal);
        }
        var all = await AllAsync(http, "");
        var versions = all.Select(c => c.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(versions.Order(), versions);
        Assert.Equal(versions.Count, versions.Distinct().Count());
        Assert.Equal(1, versions[0]);
        Assert.Contains("user-s3", Ids(all, "users"));
        Assert.Equal(["res-1", "res-2", "res-3"], Ids(all, "resources").Distinct());
        var user = all.First(c => c.GetProperty("resource").GetString() == "users" && c.GetProperty("sourcedId").GetString() == "user-t1");
        Assert.Equal("https://localhost/ims/oneroster/rostering/v1p2/users/user-t1", user.GetProperty("href").GetString());
        Assert.Equal("upsert", user.GetProperty("operation").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", user.GetProperty("changedAt").GetString());
        var role = all.First(c => c.GetProperty("resource").GetString() == "roles");
        Assert.Equal(JsonValueKind.Null, role.GetProperty("href").ValueKind);
    }

    [SkippableFact]
    public async Task Resource_filter_returns_only_the_named_resources()
    {
        using var http = await ReaderAsync();
        var all = await AllAsync(http, "&resource=classes,orgs");
        Assert.Equal(["classes", "orgs"], all.Select(c => c.GetProperty("resource").GetString()).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains("class-2", Ids(all, "classes"));
    }

    [SkippableTheory]
    [InlineData("?resource=pupils")]
    [InlineData("?resource=users,../../etc")]
    [InlineData("?since=-1")]
    [InlineData("?since=abc")]
    [InlineData("?since=99999999999999999999999")]
    [InlineData("?since=1%20OR%201=1")]
    [InlineData("?limit=0")]
    [InlineData("?limit=ten")]
    public async Task Malformed_parameters_are_400(string query)
    {
        using var http = await ReaderAsync();
        using var response = await http.GetAsync(Feed + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [SkippableFact]
    public async Task Oversized_org_list_is_400_and_an_oversized_limit_is_served_at_the_maximum()
    {
        using var http = await ReaderAsync();
        var orgs = string.Join(",", Enumerable.Range(0, 101).Select(i => "org-" + i.ToString(CultureInfo.InvariantCulture)));
        using (var response = await http.GetAsync($"{Feed}?org={orgs}")) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using (var response = await http.GetAsync($"{Feed}?org={new string('x', 300)}")) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await GetJsonAsync(http, $"{Feed}?limit=100000000");
        Assert.True(page.GetProperty("changes").GetArrayLength() > 0);
    }

    [SkippableFact]
    public async Task A_client_confined_to_one_school_sees_only_that_schools_records_and_the_unconfined_calendar()
    {
        using var http = await ReaderAsync(["org-school2"]);
        var all = await AllAsync(http, "");
        Assert.Equal(["user-s3", "user-t2"], Ids(all, "users").Distinct());
        Assert.Equal(["class-2"], Ids(all, "classes").Distinct());
        Assert.Equal(["enr-s3", "enr-t2"], Ids(all, "enrollments").Distinct());
        Assert.Equal(["org-school2"], Ids(all, "orgs").Distinct());
        Assert.Equal(["user-s3"], Ids(all, "demographics").Distinct());
        Assert.Contains("term-1", Ids(all, "academicSessions"));
        // Records without a confinement rule are never served to a confined client.
        Assert.Empty(Ids(all, "roles"));
        Assert.Empty(Ids(all, "classResources"));
    }

    [SkippableFact]
    public async Task Statement_changes_are_served_to_a_tenant_wide_client_with_an_lrs_href_and_never_to_a_confined_one()
    {
        using var whole = await ReaderAsync();
        var since = await hub.VersionAsync();
        var stored = Guid.NewGuid().ToString();
        var voided = Guid.NewGuid().ToString();
        var voiding = Guid.NewGuid().ToString();
        static string Statement(string id, string verb, string obj) =>
            $$$"""{"id":"{{{id}}}","actor":{"mbox":"mailto:pupil@example.org"},"verb":{"id":"{{{verb}}}"},"object":{{{obj}}}}""";
        await hub.PostStatementsAsync(
            Statement(stored, "http://adlnet.gov/expapi/verbs/completed", """{"id":"http://example.org/lesson/1"}"""),
            Statement(voided, "http://adlnet.gov/expapi/verbs/completed", """{"id":"http://example.org/lesson/2"}"""),
            Statement(voiding, "http://adlnet.gov/expapi/verbs/voided", $$"""{"objectType":"StatementRef","id":"{{voided}}"}"""));

        var changes = await AllAsync(whole, "&resource=statements", since);
        Assert.Equal([(stored, "upsert"), (voided, "upsert"), (voiding, "upsert"), (voided, "delete")],
            changes.Select(c => (c.GetProperty("sourcedId").GetString(), c.GetProperty("operation").GetString())));
        Assert.All(changes, c => Assert.Equal("statements", c.GetProperty("resource").GetString()));
        Assert.EndsWith("/xapi/statements?statementId=" + stored, changes[0].GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Equal(4, (await AllAsync(whole, "", since)).Count(c => c.GetProperty("resource").GetString() == "statements"));

        // No rule links a Statement to orgs yet: a confined client sees none, whether it asks for them or not.
        using var confined = await ReaderAsync(["org-school2"]);
        Assert.Empty(await AllAsync(confined, "&resource=statements", since));
        Assert.DoesNotContain(await AllAsync(confined, "", since), c => c.GetProperty("resource").GetString() == "statements");
    }

    [SkippableFact]
    public async Task An_org_filter_narrows_but_can_never_widen_a_confined_client()
    {
        using var whole = await ReaderAsync();
        var school = await AllAsync(whole, "&org=org-school&resource=users");
        Assert.Equal(["user-s1", "user-s2", "user-t1"], Ids(school, "users").Distinct());

        using var confined = await ReaderAsync(["org-school2"]);
        Assert.Empty(await AllAsync(confined, "&org=org-school&resource=users"));
        // The district names both schools, but the client stays within its own.
        Assert.Equal(["user-s3", "user-t2"], Ids(await AllAsync(confined, "&org=org-district&resource=users"), "users").Distinct());
    }

    [SkippableFact]
    public async Task A_delta_change_and_a_deletion_appear_after_the_previous_version_and_dateLastModified_filters_still_work()
    {
        using var http = await ReaderAsync();
        var before = await hub.VersionAsync();
        await hub.ImportAsync(RosteringHub.Tenant, new TestSupport.PackageBuilder()
            .File("classResources", "delta", TestSupport.PackageBuilder.Header("classResources"), OutboxTests.Delta("cr-1,,,,class-1,res-1", "tobedeleted")));
        await hub.RenameAsync(ChangesHub.UserS1, "太一", "太郎");

        var changes = await AllAsync(http, "", since: before);
        Assert.Equal([("classResources", "cr-1", "delete"), ("users", "user-s1", "upsert")],
            changes.Select(c => (c.GetProperty("resource").GetString(), c.GetProperty("sourcedId").GetString(), c.GetProperty("operation").GetString())));
        Assert.Equal(before + 2, changes[^1].GetProperty("version").GetInt64());

        // OneRoster clients that only speak OneRoster keep syncing with dateLastModified (oneroster.md §filter).
        var changedAt = changes[^1].GetProperty("changedAt").GetString()!;
        var since = DateTime.Parse(changedAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).AddMilliseconds(-1)
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        using var roster = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
        var users = await GetJsonAsync(roster, $"/ims/oneroster/rostering/v1p2/users?filter={Uri.EscapeDataString($"dateLastModified>'{since}'")}");
        Assert.Equal(["user-s1"], users.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("sourcedId").GetString()));
    }

    [SkippableFact]
    public async Task A_Gradebook_REST_put_and_delete_each_record_exactly_one_change()
    {
        using var feed = await ReaderAsync();
        using var writer = await hub.OneRosterClientAsync([KoumuScopes.GradebookCreatePut, KoumuScopes.GradebookDelete]);
        var before = await hub.VersionAsync();
        var id = "cat-feed-" + Guid.NewGuid().ToString("N")[..8];
        using (var put = await writer.PutAsync(new Uri($"/ims/oneroster/gradebook/v1p2/categories/{id}", UriKind.Relative),
            new StringContent("{\"category\":{\"title\":\"小テスト\"}}", System.Text.Encoding.UTF8, "application/json")))
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        using (var delete = await writer.DeleteAsync(new Uri($"/ims/oneroster/gradebook/v1p2/categories/{id}", UriKind.Relative)))
            Assert.True(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());
        var changes = await AllAsync(feed, "", since: before);
        Assert.Equal([(before + 1, "upsert"), (before + 2, "delete")],
            changes.Select(c => (c.GetProperty("version").GetInt64(), c.GetProperty("operation").GetString())));
        Assert.All(changes, c => Assert.Equal(id, c.GetProperty("sourcedId").GetString()));
        Assert.EndsWith($"/ims/oneroster/gradebook/v1p2/categories/{id}", changes[0].GetProperty("href").GetString(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_stream_pushes_a_new_change_within_a_second_and_resumes_after_Last_Event_ID()
    {
        using var http = await ReaderAsync();
        var start = await hub.VersionAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, Feed + "/stream?resource=users");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // The stream's opening comment says where it starts: nothing older is replayed.
        Assert.StartsWith("retry:", await reader.ReadLineAsync());

        var written = DateTime.UtcNow;
        await hub.RenameAsync(ChangesHub.UserS3, "三太", "三郎");
        var (id, data) = await NextEventAsync(reader);
        var latency = DateTime.UtcNow - written;
        Assert.True(latency < TimeSpan.FromSeconds(2), $"pushed after {latency.TotalMilliseconds} ms");
        Assert.Equal(start + 1, id);
        Assert.Equal("user-s3", data.GetProperty("sourcedId").GetString());

        // A reconnect with Last-Event-ID from before the change replays it, and nothing older.
        using var again = new HttpRequestMessage(HttpMethod.Get, Feed + "/stream?resource=users");
        again.Headers.Add("Last-Event-ID", start.ToString(CultureInfo.InvariantCulture));
        using var resumed = await http.SendAsync(again, HttpCompletionOption.ResponseHeadersRead);
        using var reader2 = new StreamReader(await resumed.Content.ReadAsStreamAsync());
        var (replayedId, replayed) = await NextEventAsync(reader2);
        Assert.Equal(start + 1, replayedId);
        Assert.Equal("user-s3", replayed.GetProperty("sourcedId").GetString());
    }

    [SkippableFact]
    public async Task An_idle_stream_sends_heartbeats_and_a_malformed_Last_Event_ID_is_400()
    {
        using var http = await ReaderAsync();
        using var bad = new HttpRequestMessage(HttpMethod.Get, Feed + "/stream");
        bad.Headers.Add("Last-Event-ID", "'; DROP TABLE changes; --");
        using (var response = await http.SendAsync(bad)) Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, Feed + "/stream?resource=scoreScales");
        using var stream = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        string? line;
        do line = await reader.ReadLineAsync(timeout.Token);
        while (line is not null && line != ": heartbeat");
        Assert.Equal(": heartbeat", line);
    }

    private static async Task<(long Id, JsonElement Data)> NextEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        long? id = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
            if (line.StartsWith("id: ", StringComparison.Ordinal)) id = long.Parse(line[4..], CultureInfo.InvariantCulture);
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && id is { } found) return (found, JsonDocument.Parse(line[6..]).RootElement.Clone());
        }
    }
}
