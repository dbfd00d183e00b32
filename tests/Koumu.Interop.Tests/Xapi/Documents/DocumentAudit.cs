using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Koumu.Interop.Tests.Xapi.Documents;

/// <summary>
/// Reads of a learner's documents and Person through the LRS are on the shared audit trail (decision 0011, 重要性分類 III),
/// like Statement reads: who (the credential), which resource, which document, how many; refusals and writes are not reads.
/// </summary>
public abstract partial class DocumentSpecification
{
    private async Task<List<JsonElement>> AuditEventsAsync(string tenant)
    {
        using var admin = await _hub.AdminAsync(tenant);
        var page = await admin.GetFromJsonAsync<JsonElement>("/koumu/admin/v1/audit?limit=100");
        return [.. page.GetProperty("events").EnumerateArray()];
    }

    private static void AssertLrsRead(JsonElement e, string tenant, string resource)
    {
        Assert.Equal("read", e.GetProperty("action").GetString());
        Assert.Equal(resource, e.GetProperty("resource").GetString());
        Assert.Equal("III", e.GetProperty("classification").GetString());
        Assert.Equal(tenant, e.GetProperty("tenant").GetString());
        Assert.Equal(200, e.GetProperty("status").GetInt32());
        Assert.StartsWith("xapi:", e.GetProperty("clientId").GetString(), StringComparison.Ordinal);
    }

    private static string AuditName(string resource) => resource switch
    {
        State => "xapi.state",
        ActivityProfile => "xapi.activity_profile",
        _ => "xapi.agent_profile",
    };

    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task Get_of_a_document_and_of_the_id_list_are_recorded_on_the_audit_trail_and_writes_are_not(string resource)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await LrsAsync(tenant: tenant);
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "lesson-1", "{\"page\":3}");
        await CreateAsync(lrs, doc, "lesson-2", "{\"page\":7}");
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Delete, doc.Url("lesson-2")));

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(lrs, doc.Url("lesson-1"))).Status);
        Assert.Equal(["lesson-1"], await IdsAsync(lrs, doc.List()));

        var events = await AuditEventsAsync(tenant);
        Assert.Equal(2, events.Count); // the two PUTs and the DELETE are writes, not reads
        Assert.All(events, e => AssertLrsRead(e, tenant, AuditName(resource)));
        // Newest first: the list (no target, as many records as ids), then the single document.
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("target").ValueKind);
        Assert.Equal(1, events[0].GetProperty("records").GetInt32());
        Assert.Equal("lesson-1", events[1].GetProperty("target").GetString());
        Assert.Equal(1, events[1].GetProperty("records").GetInt32());
        // The query names the context (which learner, which activity), as the Statement reads' query names the filter.
        Assert.Contains(doc.Url("lesson-1")[(doc.Url("lesson-1").IndexOf('?', StringComparison.Ordinal))..], events[1].GetProperty("query").GetString(), StringComparison.Ordinal);
    }

    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task Refused_missing_and_not_modified_document_reads_deliver_nothing_and_are_not_recorded(string resource)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await LrsAsync(tenant: tenant);
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "d", "{\"a\":1}");
        var etag = (await GetAsync(lrs, doc.Url("d"))).ETag;
        var before = (await AuditEventsAsync(tenant)).Count;

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(lrs, doc.Url("missing"))).Status);
        Assert.Equal(HttpStatusCode.NotModified, await SendAsync(lrs, HttpMethod.Get, doc.Url("d"), ifNoneMatch: etag));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Get, doc.Url("d"), ifMatch: "\"0000000000000000000000000000000000000000\""));
        // Hostile and malformed parameters: 400 before anything is read.
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(lrs, doc.Url("d", "&stateid=x&profileid=x"))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(lrs, doc.Url(new string('x', 9000)))).Status);
        using (var writeOnly = await LrsAsync(tenant: tenant, read: false))
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(writeOnly, doc.Url("d"))).Status);

        Assert.Equal(before, (await AuditEventsAsync(tenant)).Count);
    }

    [SkippableFact]
    public async Task Get_of_an_agents_person_is_recorded_and_get_of_an_activity_definition_is_not()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await LrsAsync(tenant: tenant);
        var agent = "{\"objectType\":\"Agent\",\"name\":\"生徒A\",\"account\":{\"homePage\":\"https://school.example.jp\",\"name\":\"s001\"}}";
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(lrs, "/xapi/agents?agent=" + Q(agent))).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(lrs, "/xapi/activities?activityId=" + Q(NewActivity()))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(lrs, "/xapi/agents?agent=" + Q("{\"objectType\":\"Group\",\"mbox\":\"mailto:g@example.org\"}"))).Status);

        var events = await AuditEventsAsync(tenant);
        var e = Assert.Single(events);
        AssertLrsRead(e, tenant, "xapi.agents");
        Assert.Equal(1, e.GetProperty("records").GetInt32());
    }

    [SkippableFact]
    public async Task Document_reads_of_one_tenant_are_not_on_another_tenants_trail()
    {
        var tenant = XapiHub.NewTenant();
        var other = XapiHub.NewTenant();
        using var lrs = await LrsAsync(tenant: tenant);
        var doc = Doc.New(State);
        await CreateAsync(lrs, doc, "d", "{}");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(lrs, doc.Url("d"))).Status);
        using var otherLrs = await LrsAsync(tenant: other);
        // The other tenant's credential cannot see the document, and its 404 is not a read.
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(otherLrs, doc.Url("d"))).Status);

        Assert.Single(await AuditEventsAsync(tenant));
        Assert.Empty(await AuditEventsAsync(other));
    }
}
