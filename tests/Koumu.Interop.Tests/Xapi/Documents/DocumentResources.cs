using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Koumu.Interop.Tests.Xapi.Documents;

/// <summary>C §2.2 Document Resources and the single/multiple document methods shared by C §2.3, §2.6 and §2.7.</summary>
public abstract partial class DocumentSpecification
{
    // ---- C §2.3.s3 / §2.6.s3 / §2.7.s3 single document PUT, GET, DELETE ---------------------------------------------------

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Put_then_get_returns_the_document_with_its_content_type_etag_and_last_modified(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        var json = "{\"progress\":0.5,\"note\":\"ひらがな <b>&</b>\"}";
        await CreateAsync(lrs, doc, "bookmark", json);

        using var get = await lrs.GetAsync(doc.Url("bookmark"));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(version, get.Headers.GetValues("X-Experience-API-Version").Single());
        Assert.Equal("application/json", get.Content.Headers.ContentType!.MediaType);
        // The stored bytes come back exactly (C §2.2: documents are opaque), UTF-8 unescaped.
        Assert.Equal(json, await get.Content.ReadAsStringAsync());
        // C §3.1.s4.b1–b4: a quoted ETag, the lower-case SHA-1 hex of the content.
        Assert.Equal("\"" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(json))) + "\"", get.Headers.ETag!.ToString());
        Assert.False(get.Headers.ETag.IsWeak);
        // C §2.2.s6.b1: Last-Modified on a single document.
        Assert.NotNull(get.Content.Headers.LastModified);
        Assert.InRange(get.Content.Headers.LastModified!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task Documents_are_opaque_bytes_of_any_content_type(string resource)
    {
        using var lrs = await LrsAsync();
        var doc = Doc.New(resource);
        var bytes = new byte[] { 0, 1, 2, 0xFF, 0xFE, 0x80, 0x7F };
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("binary"), Bytes(bytes, "application/octet-stream"), ifNoneMatch: "*"));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("text"), Bytes(Encoding.UTF8.GetBytes("plain 日本語"), "text/plain; charset=utf-8"), ifNoneMatch: "*"));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("untyped"), Bytes([42], null), ifNoneMatch: "*"));

        using (var get = await lrs.GetAsync(doc.Url("binary")))
        {
            Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
            Assert.Equal("application/octet-stream", get.Content.Headers.ContentType!.MediaType);
        }
        using (var get = await lrs.GetAsync(doc.Url("text")))
        {
            Assert.Equal("plain 日本語", await get.Content.ReadAsStringAsync());
            Assert.Equal("text/plain", get.Content.Headers.ContentType!.MediaType);
        }
        using (var get = await lrs.GetAsync(doc.Url("untyped"))) Assert.Equal("application/octet-stream", get.Content.Headers.ContentType!.MediaType);
    }

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Get_of_a_missing_document_is_404_and_delete_of_a_missing_document_is_204(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(lrs, doc.Url("nothing"))).Status);
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Delete, doc.Url("nothing")));
    }

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Delete_removes_only_that_document(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "a", "{\"a\":1}");
        await CreateAsync(lrs, doc, "b", "{\"b\":1}");
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Delete, doc.Url("a")));
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(lrs, doc.Url("a"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(lrs, doc.Url("b"))).Status);
        Assert.Equal(["b"], await IdsAsync(lrs, doc.List()));
    }

    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task Head_answers_like_get_without_a_body(string resource)
    {
        using var lrs = await LrsAsync();
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "h", "{\"x\":\"y\"}");
        using var get = await lrs.GetAsync(doc.Url("h"));
        using var head = await lrs.SendAsync(new HttpRequestMessage(HttpMethod.Head, doc.Url("h")));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Content.Headers.LastModified, head.Content.Headers.LastModified);
        Assert.Equal(get.Content.Headers.ContentLength, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        using var headList = await lrs.SendAsync(new HttpRequestMessage(HttpMethod.Head, doc.List()));
        Assert.Equal(HttpStatusCode.OK, headList.StatusCode);
        Assert.NotNull(headList.Headers.ETag);
        Assert.Empty(await headList.Content.ReadAsByteArrayAsync());
        using var headMissing = await lrs.SendAsync(new HttpRequestMessage(HttpMethod.Head, doc.Url("missing")));
        Assert.Equal(HttpStatusCode.NotFound, headMissing.StatusCode);
    }

    // ---- C §2.3.s4 / §2.6.s4 / §2.7.s4 multiple document GET ------------------------------------------------------------

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Get_without_an_id_lists_the_ids_and_since_is_exclusive(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        Assert.Empty(await IdsAsync(lrs, doc.List()));
        await CreateAsync(lrs, doc, "first", "{}");
        using var firstGet = await lrs.GetAsync(doc.Url("first"));
        var firstModified = firstGet.Content.Headers.LastModified!.Value;
        await Task.Delay(1100); // Last-Modified has one-second resolution
        await CreateAsync(lrs, doc, "second", "{}");

        Assert.Equal(["first", "second"], (await IdsAsync(lrs, doc.List())).Order());
        // since is exclusive (C §2.3.s4 "stored since the specified Timestamp (exclusive)").
        var sinceFirst = firstModified.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(["second"], await IdsAsync(lrs, doc.List("&since=" + Q(sinceFirst))));
        Assert.Empty(await IdsAsync(lrs, doc.List("&since=" + Q(DateTimeOffset.UtcNow.AddMinutes(5).ToString("O")))));
        Assert.Equal(2, (await IdsAsync(lrs, doc.List("&since=" + Q(DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O"))))).Count);

        // C §2.2.s6.b2: Last-Modified of the newest document listed; and an ETag on every GET (C §3.1.s4.b1).
        using var list = await lrs.GetAsync(doc.List());
        Assert.True(list.Content.Headers.LastModified >= firstModified.AddSeconds(1));
        Assert.NotNull(list.Headers.ETag);
        Assert.Equal("application/json", list.Content.Headers.ContentType!.MediaType);
    }

    [SkippableTheory, MemberData(nameof(Resources))]
    public async Task Since_with_an_id_is_accepted_and_the_document_returned(string resource)
    {
        // The ADL suite sends since with a stateId and expects the document: since only narrows lists.
        using var lrs = await LrsAsync();
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "d", "{\"d\":true}");
        var (status, body, _, _) = await GetAsync(lrs, doc.Url("d", "&since=" + Q(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"))));
        Assert.Equal(HttpStatusCode.OK, status);
        AssertJsonEqual("{\"d\":true}", body);
    }

    // ---- C §2.2.s7–s8 POST merge ------------------------------------------------------------------------------------------

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Post_of_a_new_document_stores_it_as_sent(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Post, doc.Url("new"), JsonBody("{\"car\":\"MKX\"}")));
        AssertJsonEqual("{\"car\":\"MKX\"}", (await GetAsync(lrs, doc.Url("new"))).Body);
        // C §2.2.s4.b2 (suite "cannot reject … based on the contents"): JSON that is not an object, and non-JSON, are stored too.
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Post, doc.Url("one"), JsonBody("1")));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Post, doc.Url("true"), JsonBody("true")));
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Post, doc.Url("text"), Bytes(Encoding.UTF8.GetBytes("abc"), "text/plain")));
        Assert.Equal("1", (await GetAsync(lrs, doc.Url("one"))).Body);
    }

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Post_merges_top_level_properties_replacing_whole_values(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Post, doc.Url("m"),
            JsonBody("{\"x\":\"foo\",\"y\":\"bar\",\"car\":{\"make\":\"Ford\",\"model\":\"Escape\"}}")));
        using (var before = await lrs.GetAsync(doc.Url("m")))
        {
            var etag = before.Headers.ETag!.ToString();
            // C §2.2.s7: x replaced, y kept, z added; car replaced entirely (only top-level properties merge).
            Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Post, doc.Url("m"),
                JsonBody("{\"x\":\"bash\",\"z\":\"faz\",\"car\":{\"make\":\"Dodge\"}}"), ifMatch: etag));
        }
        var (_, body, etagAfter, contentType) = await GetAsync(lrs, doc.Url("m"));
        Assert.Equal("{\"x\":\"bash\",\"y\":\"bar\",\"car\":{\"make\":\"Dodge\"},\"z\":\"faz\"}", body);
        Assert.Equal("application/json", contentType);
        Assert.Equal("\"" + Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(body))) + "\"", etagAfter);
    }

    [SkippableTheory, MemberData(nameof(ResourcesAndVersions))]
    public async Task Post_merge_with_a_non_json_or_non_object_document_is_400_and_changes_nothing(string resource, string version)
    {
        using var lrs = await LrsAsync(version);
        var doc = Doc.New(resource);
        await CreateAsync(lrs, doc, "obj", "{\"keep\":1}");
        // C §2.2.s8.b1: the posted document is not application/json …
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Post, doc.Url("obj"), Bytes(Encoding.UTF8.GetBytes("abc"), "text/plain")));
        // … or is JSON but not an object.
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Post, doc.Url("obj"), JsonBody("[1,2]")));
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Post, doc.Url("obj"), JsonBody("\"s\"")));
        Assert.Equal("{\"keep\":1}", (await GetAsync(lrs, doc.Url("obj"))).Body);

        // … or the stored one is not JSON / not an object.
        Assert.Equal(HttpStatusCode.NoContent, await SendAsync(lrs, HttpMethod.Put, doc.Url("text"), Bytes(Encoding.UTF8.GetBytes("plain"), "text/plain"), ifNoneMatch: "*"));
        using (var post = await SendForResponseAsync(lrs, HttpMethod.Post, doc.Url("text"), JsonBody("{\"a\":1}")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
            Assert.Contains("application/json", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal("plain", (await GetAsync(lrs, doc.Url("text"))).Body);
        await CreateAsync(lrs, doc, "array", "[1]");
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Post, doc.Url("array"), JsonBody("{\"a\":1}")));
        Assert.Equal("[1]", (await GetAsync(lrs, doc.Url("array"))).Body);
    }

    // ---- C §1.4, §1.5, §3.2.s3.b6 content types ------------------------------------------------------------------------

    [SkippableTheory]
    [InlineData("application/json", "{not json")]
    [InlineData("application/json", "")]
    [InlineData("application/json; charset=iso-8859-1", "{}")]
    [InlineData("not a media type", "{}")]
    [InlineData("application/json", "{\"a\":1}{\"b\":2}")]
    public async Task A_body_that_does_not_match_its_content_type_is_400_and_stores_nothing(string contentType, string body)
    {
        using var lrs = await LrsAsync();
        var doc = Doc.New(State);
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Put, doc.Url("x"), content));
        using var post = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        post.Headers.TryAddWithoutValidation("Content-Type", contentType);
        Assert.Equal(HttpStatusCode.BadRequest, await SendAsync(lrs, HttpMethod.Post, doc.Url("x"), post));
        Assert.Empty(await IdsAsync(lrs, doc.List()));
    }
}
