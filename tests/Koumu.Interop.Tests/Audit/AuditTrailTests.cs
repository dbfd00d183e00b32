using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Storage.Audit;
using Koumu.Interop.Tests.OneRoster;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.Audit;

public sealed class AuditTrailTests(RosteringHub hub) : AuditTrailSpecification(hub), IClassFixture<RosteringHub>;

public sealed class PostgresAuditTrailTests(PostgresRosteringHub hub) : AuditTrailSpecification(hub), IClassFixture<PostgresRosteringHub>;

/// <summary>
/// Every read of personal data lands on the audit trail with who, what, how much and its 重要性分類, and a tenant
/// administrator reads its own tenant's trail through the admin API (docs/decisions/0011-audit-trail.md).
/// </summary>
public abstract class AuditTrailSpecification
{
    private const string Users = "/ims/oneroster/rostering/v1p2/users";
    private readonly RosteringHub hub;

    protected AuditTrailSpecification(RosteringHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private static async Task<string> ClientIdOfAsync(HttpClient http)
    {
        // The token's subject is the client id: read it back from the JWT payload.
        var token = http.DefaultRequestHeaders.Authorization!.Parameter!;
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        using var json = JsonDocument.Parse(Convert.FromBase64String(payload));
        return json.RootElement.GetProperty("sub").GetString()!;
    }

    private async Task<JsonElement> TrailAsync(HttpClient admin, string query)
    {
        using var response = await admin.GetAsync("/koumu/admin/v1/audit?" + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [SkippableFact]
    public async Task Reading_users_records_who_read_what_and_how_many_with_the_classification()
    {
        using var reader = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
        var clientId = await ClientIdOfAsync(reader);
        using (var list = await reader.GetAsync(Users + "?limit=2&filter=" + Uri.EscapeDataString("status='active'")))
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var one = await reader.GetAsync(Users + "/user-s3"))
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using (var demographics = await reader.GetAsync("/ims/oneroster/rostering/v1p2/demographics"))
            Assert.Equal(HttpStatusCode.OK, demographics.StatusCode);

        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        var events = (await TrailAsync(admin, "clientId=" + Uri.EscapeDataString(clientId))).GetProperty("events").EnumerateArray().ToList();

        Assert.Equal(3, events.Count);
        // Newest first.
        Assert.Equal("oneroster.demographics", events[0].GetProperty("resource").GetString());
        Assert.Equal("II", events[0].GetProperty("classification").GetString());
        Assert.Equal("oneroster.users", events[1].GetProperty("resource").GetString());
        Assert.Equal("user-s3", events[1].GetProperty("target").GetString());
        Assert.Equal(1, events[1].GetProperty("records").GetInt32());
        Assert.Equal("III", events[1].GetProperty("classification").GetString());
        Assert.Equal(2, events[2].GetProperty("records").GetInt32());
        Assert.Contains("limit=2", events[2].GetProperty("query").GetString(), StringComparison.Ordinal);
        Assert.All(events, e =>
        {
            Assert.Equal(clientId, e.GetProperty("clientId").GetString());
            Assert.Equal(RosteringHub.Tenant, e.GetProperty("tenant").GetString());
            Assert.Equal("read", e.GetProperty("action").GetString());
            Assert.Equal(200, e.GetProperty("status").GetInt32());
        });
    }

    [SkippableFact]
    public async Task Refused_reads_return_no_data_and_are_not_recorded_as_reads()
    {
        using var reader = await hub.OneRosterClientAsync([KoumuScopes.RosterCoreReadonly], ["org-school"]);
        var clientId = await ClientIdOfAsync(reader);
        using (var other = await reader.GetAsync(Users + "/user-s3"))
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode); // a pupil of org-school2: outside the client's orgs
        using (var noScope = await reader.GetAsync("/ims/oneroster/rostering/v1p2/demographics"))
            Assert.Equal(HttpStatusCode.Forbidden, noScope.StatusCode);

        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        Assert.Empty((await TrailAsync(admin, "clientId=" + Uri.EscapeDataString(clientId))).GetProperty("events").EnumerateArray());
    }

    [SkippableFact]
    public async Task Trail_pages_newest_first_by_keyset_and_visits_every_event_once()
    {
        using var reader = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
        var clientId = await ClientIdOfAsync(reader);
        for (var i = 0; i < 5; i++)
            using (var r = await reader.GetAsync(Users + "?limit=1&offset=" + i)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        var seen = new List<long>();
        var next = "clientId=" + Uri.EscapeDataString(clientId) + "&limit=2";
        for (var pages = 0; next is not null && pages < 10; pages++)
        {
            var page = await TrailAsync(admin, next);
            seen.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            next = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetString()!.Split('?', 2)[1];
        }
        Assert.Equal(5, seen.Count);
        Assert.Equal(seen.OrderByDescending(id => id), seen);
    }

    [SkippableFact]
    public async Task A_tenant_administrator_cannot_read_another_tenants_trail_and_bad_parameters_are_400()
    {
        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        using var foreign = await admin.GetAsync("/koumu/admin/v1/audit?tenant=board-b");
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        foreach (var bad in new[] { "before=0", "before=-1", "before=abc", "limit=0", "limit=x", "tenant=" + Uri.EscapeDataString("../x"), "clientId=" + new string('a', 201) })
        {
            using var response = await admin.GetAsync("/koumu/admin/v1/audit?" + bad);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, bad);
        }
        using var reader = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
        using var notAdmin = await reader.GetAsync("/koumu/admin/v1/audit");
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        using var anonymous = hub.CreateHttpsClient();
        using var unauthenticated = await anonymous.GetAsync("/koumu/admin/v1/audit");
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    [SkippableFact]
    public async Task Hostile_long_queries_are_stored_clipped_and_the_trail_keeps_working()
    {
        using var reader = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
        var clientId = await ClientIdOfAsync(reader);
        using (var r = await reader.GetAsync(Users + "?filter=" + Uri.EscapeDataString("givenName='" + new string('x', 3000) + "'")))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        var query = (await TrailAsync(admin, "clientId=" + Uri.EscapeDataString(clientId))).GetProperty("events")[0].GetProperty("query").GetString()!;
        Assert.Equal(AuditLog.MaxText, query.Length);
        Assert.EndsWith("…", query, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Entries_queued_when_the_writer_is_stopped_are_written_before_it_returns()
    {
        var store = hub.Services.GetRequiredService<Koumu.Interop.Storage.RosterStore>();
        var log = new AuditLog(store);
        var tenant = "audit-drain-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 1234; i++)
            await log.RecordAsync(new AuditEntry(DateTime.UtcNow, tenant, "c", "read", "oneroster.users", null, null, 1, "III", 200));
        log.Complete();

        await log.RunAsync(CancellationToken.None);

        var stored = 0;
        long? before = null;
        while (true)
        {
            var page = await log.ReadAsync(tenant, null, before, 500, CancellationToken.None);
            if (page.Count == 0) break;
            stored += page.Count;
            before = page[^1].Id;
        }
        Assert.Equal(1234, stored);
    }
}
