using System.Net;

namespace Koumu.Interop.Tests.Xapi.Documents;

/// <summary>C §3.1 Concurrency (and the xAPI 2.0 battery's State rules, xapi.md §2).</summary>
public abstract partial class DocumentSpecification
{
    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Put_with_the_current_etag_in_if_match_replaces_and_a_stale_one_is_412_without_change(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "c", "{\"v\":1}");
        var etag1 = (await GetAsync(lrs, doc.Url("c"))).ETag!;
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("c"), JsonBody("{\"v\":2}"), ifMatch: etag1));
        // etag1 is stale now; the ADL suite also sends an unquoted "1234".
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Put, doc.Url("c"), JsonBody("{\"v\":3}"), ifMatch: etag1));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Put, doc.Url("c"), JsonBody("{\"v\":3}"), ifMatch: "1234"));
        Assert.Equal("{\"v\":2}", (await GetAsync(lrs, doc.Url("c"))).Body);
        // If-Match names a tag among several, weak or unquoted forms of the right tag, or *: the precondition holds.
        var etag2 = (await GetAsync(lrs, doc.Url("c"))).ETag!;
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("c"), JsonBody("{\"v\":3}"), ifMatch: $"\"other\", {etag2}"));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("c"), JsonBody("{\"v\":4}"), ifMatch: "*"));
        Assert.Equal("{\"v\":4}", (await GetAsync(lrs, doc.Url("c"))).Body);
    }

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task If_match_on_a_missing_document_is_412_and_creates_nothing(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Put, doc.Url("ghost"), JsonBody("{}"), ifMatch: "*"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Post, doc.Url("ghost"), JsonBody("{}"), ifMatch: "\"abc\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Delete, doc.Url("ghost"), ifMatch: "\"abc\""));
        Assert.Empty(await IdsAsync(lrs, doc.List()));
    }

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Put_with_if_none_match_star_creates_only_when_absent(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "n", "{\"first\":true}");
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Put, doc.Url("n"), JsonBody("{\"second\":true}"), ifNoneMatch: "*"));
        Assert.Equal("{\"first\":true}", (await GetAsync(lrs, doc.Url("n"))).Body);
        // If-None-Match with a tag other than the current one holds.
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("n"), JsonBody("{\"third\":true}"), ifNoneMatch: "\"not-the-etag\""));
    }

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Post_and_delete_with_a_stale_if_match_are_412_and_change_nothing(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "p", "{\"name\":\"original\"}");
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Post, doc.Url("p"), JsonBody("{\"name\":\"changed\"}"), ifMatch: "1234"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Post, doc.Url("p"), JsonBody("{\"name\":\"changed\"}"), ifNoneMatch: "*"));
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Delete, doc.Url("p"), ifMatch: "1234"));
        Assert.Equal("{\"name\":\"original\"}", (await GetAsync(lrs, doc.Url("p"))).Body);

        var etag = (await GetAsync(lrs, doc.Url("p"))).ETag!;
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Post, doc.Url("p"), JsonBody("{\"name\":\"changed\"}"), ifMatch: etag));
        AssertJsonEqual("{\"name\":\"changed\"}", (await GetAsync(lrs, doc.Url("p"))).Body);
        var etag2 = (await GetAsync(lrs, doc.Url("p"))).ETag!;
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Delete, doc.Url("p"), ifMatch: etag2));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(lrs, doc.Url("p"))).Status);
    }

    [SkippableTheory]
    [InlineData(ActivityProfile, "1.0.3")]
    [InlineData(ActivityProfile, "2.0.0")]
    [InlineData(AgentProfile, "1.0.3")]
    [InlineData(AgentProfile, "2.0.0")]
    [InlineData(State, "2.0.0")]
    public async Task Put_without_a_precondition_over_an_existing_document_is_409_with_an_explanation(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        // Creating without a precondition is allowed: there is nothing to overwrite.
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("x"), JsonBody("{\"v\":1}")));
        using var conflict = await SendForResponseAsync(lrs, HttpMethod.Put, doc.Url("x"), JsonBody("{\"v\":2}"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        // C §3.1.s4.b14: the message tells the client to check the current state and send If-Match with its ETag.
        var message = await conflict.Content.ReadAsStringAsync();
        Assert.Contains("If-Match", message, StringComparison.Ordinal);
        Assert.Contains("ETag", message, StringComparison.Ordinal);
        Assert.Equal("{\"v\":1}", (await GetAsync(lrs, doc.Url("x"))).Body);
    }

    [SkippableFact]
    public async Task Under_1_0_3_state_may_be_overwritten_without_a_precondition()
    {
        // C §3.1.s3: "The State Resource will permit PUT, POST and DELETE requests without concurrency headers".
        using var lrs = await LrsAsync("1.0.3");
        var doc = Doc.New(State);
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("s"), JsonBody("{\"v\":1}")));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("s"), JsonBody("{\"v\":2}")));
        Assert.Equal("{\"v\":2}", (await GetAsync(lrs, doc.Url("s"))).Body);
    }

    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task Get_with_the_current_etag_in_if_none_match_is_304_and_a_stale_if_match_is_412(string resource)
    {
        using var lrs = await LrsAsync();
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "g", "{}");
        var etag = (await GetAsync(lrs, doc.Url("g"))).ETag!;
        using (var notModified = await SendForResponseAsync(lrs, HttpMethod.Get, doc.Url("g"), ifNoneMatch: etag))
        {
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(etag, notModified.Headers.ETag!.ToString());
        }
        Assert.Equal(HttpStatusCode.PreconditionFailed, await SendAsync(lrs, HttpMethod.Get, doc.Url("g"), ifMatch: "\"stale\""));
        Assert.Equal(HttpStatusCode.OK, await SendAsync(lrs, HttpMethod.Get, doc.Url("g"), ifMatch: etag));
    }

    [SkippableTheory, MemberData(nameof(Versions))]
    public async Task Concurrent_conditional_writes_of_one_etag_let_exactly_one_win(string version)
    {
        // The lost-update case C §3.1 exists for: many clients read the same ETag and write; the store checks the
        // precondition against the very document it replaces, so exactly one succeeds.
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(ActivityProfile);
        await CreateAsync(lrs, doc, "race", "{\"n\":0}");
        var etag = (await GetAsync(lrs, doc.Url("race"))).ETag!;
        var statuses = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            SendAsync(lrs, HttpMethod.Put, doc.Url("race"), JsonBody($"{{\"n\":{i}}}"), ifMatch: etag)));
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.NoContent));
        Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.PreconditionFailed));

        var creates = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            SendAsync(lrs, HttpMethod.Put, doc.Url("fresh"), JsonBody($"{{\"n\":{i}}}"), ifNoneMatch: "*")));
        Assert.Equal(1, creates.Count(s => s == HttpStatusCode.NoContent));
        Assert.Equal(7, creates.Count(s => s == HttpStatusCode.PreconditionFailed));
    }
}
