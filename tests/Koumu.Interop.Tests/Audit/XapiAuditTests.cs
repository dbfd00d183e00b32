using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Tests.Xapi;

namespace Koumu.Interop.Tests.Audit;

public sealed class XapiAuditTests(XapiHub hub) : XapiAuditSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresXapiAuditTests(PostgresXapiHub hub) : XapiAuditSpecification(hub), IClassFixture<PostgresXapiHub>;

/// <summary>Reads of learning records (学習記録, 重要性分類 III) through the LRS are on the audit trail (decision 0011).</summary>
public abstract class XapiAuditSpecification
{
    private readonly XapiHub hub;

    protected XapiAuditSpecification(XapiHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    [SkippableFact]
    public async Task Statement_reads_are_recorded_with_the_credential_and_the_count_and_writes_are_not_reads()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await hub.LrsClientAsync(tenant);
        var id = Guid.NewGuid().ToString();
        var statement = $$$"""{"id":"{{{id}}}","actor":{"mbox":"mailto:pupil@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://drill.example.jp/a/1"}}""";
        using (var post = await lrs.PostAsync("/xapi/statements", new StringContent(statement, Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        using (var one = await lrs.GetAsync("/xapi/statements?statementId=" + id)) Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using (var list = await lrs.GetAsync("/xapi/statements?limit=10")) Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using (var missing = await lrs.GetAsync("/xapi/statements?statementId=" + Guid.NewGuid())) Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var admin = await hub.AdminAsync(tenant);
        var events = (await admin.GetFromJsonAsync<JsonElement>("/koumu/admin/v1/audit")).GetProperty("events").EnumerateArray().ToList();

        Assert.Equal(2, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal("xapi.statements", e.GetProperty("resource").GetString());
            Assert.Equal("III", e.GetProperty("classification").GetString());
            Assert.Equal(tenant, e.GetProperty("tenant").GetString());
            Assert.StartsWith("xapi:", e.GetProperty("clientId").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(1, events[0].GetProperty("records").GetInt32());
        Assert.Equal(id, events[1].GetProperty("target").GetString());
    }
}
