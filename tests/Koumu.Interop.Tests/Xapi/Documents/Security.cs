using System.Net;
using System.Text;

namespace Koumu.Interop.Tests.Xapi.Documents;

/// <summary>Tenant isolation, rights (C §3.2.s3.b10), versions (C §3.3), size limits (C §3.2.s3.b11), hostile input, CORS.</summary>
public abstract partial class DocumentSpecification
{
    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task Another_tenants_documents_are_invisible_and_untouchable(string resource)
    {
        using var a = await LrsAsync();
        using var b = await LrsAsync();
        var doc = Doc.New(resource);
        await CreateAsync(a, doc, "mine", "{\"owner\":\"a\"}");

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(b, doc.Url("mine"))).Status);
        Assert.Empty(await IdsAsync(b, doc.List()));
        // b's writes and deletes in the same context land in b's tenant only.
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(b, HttpMethod.Delete, doc.Url("mine")));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(b, HttpMethod.Put, doc.Url("mine"), JsonBody("{\"owner\":\"b\"}"), ifNoneMatch: "*"));
        if (resource == State) Assert.Equal(HttpStatusCode.NoContent, await SendAsync(b, HttpMethod.Delete, doc.List()));
        Assert.Equal("{\"owner\":\"a\"}", (await GetAsync(a, doc.Url("mine"))).Body);
    }

    [SkippableFact]
    public async Task Another_tenants_statements_do_not_shape_activities_or_agents()
    {
        using var a = await LrsAsync();
        using var b = await LrsAsync();
        var id = NewActivity();
        var mbox = "mailto:" + Guid.NewGuid().ToString("N")[..10] + "@example.org";
        await PostStatementsAsync(a, Statement($"{{\"name\":\"Secret Name\",\"mbox\":\"{mbox}\"}}", "{\"id\":\"" + id + "\",\"definition\":{\"name\":{\"en\":\"A's\"}}}"));
        AssertJsonEqual($"{{\"objectType\":\"Activity\",\"id\":\"{id}\"}}", (await ActivityAsync(b, id)).ToJsonString());
        AssertJsonEqual($"{{\"objectType\":\"Person\",\"mbox\":[\"{mbox}\"]}}", (await GetAsync(b, "/xapi/agents?agent=" + Q($"{{\"mbox\":\"{mbox}\"}}"))).Body);
    }

    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task A_read_only_credential_cannot_write_and_a_write_only_one_cannot_read(string resource)
    {
        var tenant = XapiHub.NewTenant();
        using var writer = await LrsAsync(tenant: tenant);
        using var reader = await LrsAsync(tenant: tenant, write: false);
        using var writeOnly = await LrsAsync(tenant: tenant, read: false);
        var doc = Doc.New(resource);
        await CreateAsync(writer, doc, "d", "{\"v\":1}");

        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(reader, HttpMethod.Put, doc.Url("d"), JsonBody("{\"v\":2}"), ifMatch: "*"));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(reader, HttpMethod.Post, doc.Url("d"), JsonBody("{\"v\":2}")));
        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(reader, HttpMethod.Delete, doc.Url("d")));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(reader, doc.Url("d"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(writeOnly, doc.Url("d"))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(writeOnly, doc.List())).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(writeOnly, "/xapi/agents?agent=" + Q(doc.Agent))).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(writeOnly, "/xapi/activities?activityId=" + Q(doc.Activity))).Status);
        Assert.Equal("{\"v\":1}", (await GetAsync(writer, doc.Url("d"))).Body);
    }

    [SkippableFact]
    public async Task Without_credentials_every_document_resource_answers_401()
    {
        using var anonymous = _hub.CreateHttpsClient();
        anonymous.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        var doc = Doc.New(State);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(anonymous, doc.Url("s"))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(anonymous, HttpMethod.Put, doc.Url("s"), JsonBody("{}")));
        Assert.Equal(HttpStatusCode.Unauthorized, await SendAsync(anonymous, HttpMethod.Delete, doc.List()));
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(anonymous, "/xapi/agents?agent=" + Q(doc.Agent))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(anonymous, "/xapi/activities?activityId=" + Q(doc.Activity))).Status);
    }

    [SkippableTheory]
    [InlineData("", HttpStatusCode.BadRequest, "2.0.0")]
    [InlineData("1.1.0", HttpStatusCode.BadRequest, "2.0.0")]
    [InlineData("0.95", HttpStatusCode.BadRequest, "2.0.0")]
    [InlineData("1.0", HttpStatusCode.OK, "1.0.3")]
    [InlineData("1.0.2", HttpStatusCode.OK, "1.0.3")]
    [InlineData("2.0", HttpStatusCode.OK, "2.0.0")]
    public async Task The_version_header_is_required_and_echoed_on_every_resource(string header, HttpStatusCode status, string answered)
    {
        using var lrs = await LrsAsync(header);
        var doc = Doc.New(State);
        foreach (var url in new[] { doc.List(), Doc.New(ActivityProfile).List(), Doc.New(AgentProfile).List(),
                     "/xapi/agents?agent=" + Q(doc.Agent), "/xapi/activities?activityId=" + Q(doc.Activity) })
        {
            using var response = await lrs.GetAsync(url);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(answered, response.Headers.GetValues("X-Experience-API-Version").Single());
        }
    }

    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task An_oversized_document_is_413_declared_or_streamed_and_stores_nothing(string resource)
    {
        using var lrs = await LrsAsync();
        var doc = Doc.New(resource);
        var big = new byte[XapiHub.MaxRequestBytes + 1];
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await SendAsync(lrs, HttpMethod.Put, doc.Url("big"), Bytes(big, "application/octet-stream"), ifNoneMatch: "*"));
        // Without a Content-Length (chunked), the limit is counted while reading.
        using var stream = new StreamContent(new MemoryStream(big));
        stream.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        using var request = new HttpRequestMessage(HttpMethod.Post, doc.Url("big")) { Content = stream };
        request.Headers.TransferEncodingChunked = true;
        using (var chunked = await lrs.SendAsync(request)) Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Empty(await IdsAsync(lrs, doc.List()));
        // Exactly at the limit is fine.
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("max"), Bytes(new byte[XapiHub.MaxRequestBytes], "application/octet-stream"), ifNoneMatch: "*"));
    }

    [SkippableFact]
    public async Task Hostile_agent_parameters_are_400_not_a_crash()
    {
        using var lrs = await LrsAsync();
        var activity = Q(NewActivity());
        var deep = new string('[', 5000) + new string(']', 5000);
        var deepObject = "{\"mbox\":\"mailto:a@example.org\",\"name\":" + string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100) + "}";
        var hugeName = "{\"mbox\":\"mailto:a@example.org\",\"name\":\"" + new string('x', 100_000) + "\"}";
        var hugeMbox = "{\"mbox\":\"mailto:" + new string('a', 9000) + "@example.org\"}";
        foreach (var agent in new[] { deep, deepObject, hugeName, hugeMbox, "{\"mbox\":\"mailto:a@example.org\"", "{\"mbox\":null}", "\u0000" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(lrs, $"/xapi/activities/state?activityId={activity}&agent={Q(agent)}")).Status);
            Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Put, $"/xapi/agents/profile?agent={Q(agent)}&profileId=p", JsonBody("{}")));
            Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(lrs, $"/xapi/agents?agent={Q(agent)}")).Status);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(lrs, "/xapi/activities?activityId=" + Q("http://example.org/" + new string('a', 10_000)))).Status);
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Put, Doc.New(ActivityProfile).Url(new string('p', 10_000)), JsonBody("{}")));
    }

    [SkippableFact]
    public async Task A_deeply_nested_json_document_is_400_and_a_deep_opaque_one_is_stored()
    {
        using var lrs = await LrsAsync();
        var doc = Doc.New(State);
        var deep = new string('[', 10_000) + new string(']', 10_000);
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Put, doc.Url("deep"), JsonBody(deep)));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("opaque"), Bytes(Encoding.UTF8.GetBytes(deep), "text/plain")));
        Assert.Equal(["opaque"], await IdsAsync(lrs, doc.List()));
    }

    [SkippableFact]
    public async Task Cors_preflight_allows_delete_and_the_concurrency_headers_on_documents()
    {
        using var http = _hub.CreateHttpsClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/xapi/activities/state");
        preflight.Headers.Add("Origin", "https://content.example.org");
        preflight.Headers.Add("Access-Control-Request-Method", "DELETE");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,if-match,x-experience-api-version");
        using var response = await http.SendAsync(preflight);
        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Contains("DELETE", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        Assert.Contains("if-match", string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
    }
}
