using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static Koumu.Interop.Tests.Xapi.XapiRequests;

namespace Koumu.Interop.Tests.Xapi;

public sealed class AttachmentTests(XapiHub hub) : AttachmentSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresAttachmentTests(PostgresXapiHub hub) : AttachmentSpecification(hub), IClassFixture<PostgresXapiHub>;

/// <summary>
/// Attachments (C §1.5.2, D §2.4.11) through the real pipeline on SQLite and PostgreSQL: multipart/mixed requests whose
/// parts are matched to attachments by SHA-2, content stored once per tenant and hash, multipart/mixed answers to
/// attachments=true; malformed, hostile and oversized multipart bodies are refused and store nothing.
/// </summary>
public abstract class AttachmentSpecification
{
    private readonly XapiHub _hub;

    protected AttachmentSpecification(XapiHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    private static readonly byte[] Report = Encoding.UTF8.GetBytes("学習の記録: 3年2組 理科 — binary \0\r\n--not-a-boundary\r\n ok");
    private static readonly byte[] Picture = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 3, 255];

    private async Task AssertNothingStoredAsync(string tenant) => Assert.Equal((0L, 0L), await CountsAsync(_hub, tenant));

    // ---- C §1.5.2 requests ---------------------------------------------------------------------------------------------

    [SkippableFact]
    public async Task Multipart_post_stores_statements_and_attachment_content_matched_by_sha2()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var json = $"[{Statement(attachments: Attachment(Report))},{Statement(actor: "b", attachments: [Attachment(Report), Attachment(Picture, contentType: "image/png")])}]";
        // Parts in any order; the shared report is sent once (C §1.5.2 "SHOULD only include one copy").
        using var post = await lrs.PostAsync("/xapi/statements", Multipart(json, RawPart.For(Picture, "image/png"), RawPart.For(Report)));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal((2L, 2L), await CountsAsync(_hub, tenant));

        // The same content again (another Statement): stored once per tenant and hash.
        using var again = await lrs.PostAsync("/xapi/statements", Multipart(Statement(actor: "c", attachments: Attachment(Report)), RawPart.For(Report)));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((3L, 2L), await CountsAsync(_hub, tenant));
    }

    [SkippableFact]
    public async Task Multipart_put_stores_the_statement_with_its_attachment()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant, version: "2.0.0");
        var id = Guid.NewGuid().ToString();
        using var put = await lrs.PutAsync($"/xapi/statements?statementId={id}", Multipart(Statement(attachments: Attachment(Picture, contentType: "image/png")), RawPart.For(Picture, "image/png")));
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}&attachments=true");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var parts = await ReadMultipartAsync(get);
        Assert.Equal(2, parts.Count);
        Assert.StartsWith("application/json", parts[0].Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(id, JsonNode.Parse(parts[0].Content)!["id"]!.GetValue<string>());
        Assert.Equal(Picture, parts[1].Content);
        Assert.Equal("image/png", parts[1].Headers["Content-Type"]);
        Assert.Equal("binary", parts[1].Headers["Content-Transfer-Encoding"]);
        Assert.Equal(Sha256(Picture), parts[1].Headers["X-Experience-API-Hash"]);
    }

    [SkippableFact]
    public async Task Attachments_true_answers_one_part_per_distinct_attachment_after_the_statement_result()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var json = $"[{Statement(attachments: Attachment(Report))},{Statement(actor: "b", attachments: [Attachment(Report), Attachment(Picture)])}," +
            $"{Statement(actor: "c", attachments: Attachment(Encoding.UTF8.GetBytes("elsewhere"), fileUrl: "https://files.example.org/x.txt"))}]";
        using (var post = await lrs.PostAsync("/xapi/statements", Multipart(json, RawPart.For(Report), RawPart.For(Picture))))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);

        using var get = await lrs.GetAsync("/xapi/statements?attachments=true");
        Assert.Equal("multipart/mixed", get.Content.Headers.ContentType!.MediaType);
        var parts = await ReadMultipartAsync(get);
        Assert.Equal(3, JsonNode.Parse(parts[0].Content)!["statements"]!.AsArray().Count);
        // Two distinct contents held; the fileUrl-only attachment has no part.
        Assert.Equal(3, parts.Count);
        Assert.Equal(new[] { Sha256(Picture), Sha256(Report) }.Order(), parts.Skip(1).Select(p => p.Headers["X-Experience-API-Hash"]).Order());
        Assert.Equal(Report, parts.Single(p => p.Headers.GetValueOrDefault("X-Experience-API-Hash") == Sha256(Report)).Content);

        // Without attachments=true the answer is JSON.
        using var json2 = await lrs.GetAsync("/xapi/statements");
        Assert.Equal("application/json", json2.Content.Headers.ContentType!.MediaType);
    }

    [SkippableFact]
    public async Task File_url_attachments_are_fine_as_application_json()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        using var post = await lrs.PostAsync("/xapi/statements", JsonBody(Statement(attachments: Attachment(Report, fileUrl: "https://files.example.org/r.txt"))));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal((1L, 0L), await CountsAsync(_hub, tenant));
    }

    [SkippableFact]
    public async Task Attachment_with_neither_file_url_nor_part_is_400_and_nothing_is_stored()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var json = $"[{Statement(attachments: Attachment(Report))},{Statement(actor: "b", attachments: Attachment(Picture))}]";
        using var post = await lrs.PostAsync("/xapi/statements", Multipart(json, RawPart.For(Report)));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("$[1].attachments[0].fileUrl", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(tenant);
    }

    [SkippableFact]
    public async Task A_part_matching_no_attachment_is_400()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        using var post = await lrs.PostAsync("/xapi/statements", Multipart(Statement(attachments: Attachment(Report)), RawPart.For(Report), RawPart.For(Picture)));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        Assert.Contains("matches no attachment", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNothingStoredAsync(tenant);
    }

    public static TheoryData<string, string[]> BrokenPartHeaders => new()
    {
        { "hash header missing", ["Content-Type: text/plain", "Content-Transfer-Encoding: binary"] },
        { "hash of other content", ["Content-Type: text/plain", "Content-Transfer-Encoding: binary", "X-Experience-API-Hash: " + new string('a', 64)] },
        { "hash not hex", ["Content-Type: text/plain", "Content-Transfer-Encoding: binary", "X-Experience-API-Hash: not-a-hash"] },
        { "hash repeated", ["Content-Transfer-Encoding: binary", "X-Experience-API-Hash: {hash}", "X-Experience-API-Hash: {hash}"] },
        { "encoding missing", ["Content-Type: text/plain", "X-Experience-API-Hash: {hash}"] },
        { "encoding base64", ["Content-Type: text/plain", "Content-Transfer-Encoding: base64", "X-Experience-API-Hash: {hash}"] },
        { "enormous header", ["Content-Transfer-Encoding: binary", "X-Experience-API-Hash: {hash}", "X-Padding: " + new string('x', 100_000)] },
        { "too many headers", ["Content-Transfer-Encoding: binary", "X-Experience-API-Hash: {hash}", .. Enumerable.Range(0, 40).Select(i => $"X-H{i}: {i}")] },
    };

    [SkippableTheory, MemberData(nameof(BrokenPartHeaders))]
    public async Task Parts_with_wrong_headers_are_400_and_nothing_is_stored(string why, string[] headers)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var part = new RawPart(Report, [.. headers.Select(h => h.Replace("{hash}", Sha256(Report), StringComparison.Ordinal))]);
        using var post = await lrs.PostAsync("/xapi/statements", Multipart(Statement(attachments: Attachment(Report)), part));
        Assert.True(post.StatusCode == HttpStatusCode.BadRequest, $"{why}: {post.StatusCode}");
        Assert.True(post.Headers.Contains("X-Experience-API-Consistent-Through"));
        await AssertNothingStoredAsync(tenant);
    }

    [SkippableFact]
    public async Task A_part_whose_content_was_altered_in_transit_is_400()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var altered = (byte[])Report.Clone();
        altered[0] ^= 1;
        var part = new RawPart(altered, "Content-Transfer-Encoding: binary", $"X-Experience-API-Hash: {Sha256(Report)}");
        using var post = await lrs.PostAsync("/xapi/statements", Multipart(Statement(attachments: Attachment(Report)), part));
        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
        await AssertNothingStoredAsync(tenant);
    }

    [SkippableTheory]
    [InlineData("first part not JSON")]
    [InlineData("no closing boundary")]
    [InlineData("boundary parameter missing")]
    [InlineData("boundary longer than 70")]
    [InlineData("body without the boundary")]
    [InlineData("no parts at all")]
    public async Task Malformed_multipart_bodies_are_400_and_store_nothing(string why)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var json = Statement(attachments: Attachment(Report));
        HttpContent content = why switch
        {
            "first part not JSON" => Multipart(json, [RawPart.For(Report)], firstType: "text/plain"),
            "no closing boundary" => Multipart(json, [RawPart.For(Report)], close: false),
            "boundary longer than 70" => Multipart(json, [RawPart.For(Report)], boundary: new string('b', 71)),
            _ => Multipart(json, RawPart.For(Report)),
        };
        if (why == "boundary parameter missing") content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/mixed");
        if (why == "body without the boundary") content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/mixed; boundary=elsewhere");
        if (why == "no parts at all")
        {
            content = new ByteArrayContent(Encoding.UTF8.GetBytes("--abc--\r\n"));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/mixed; boundary=abc");
        }
        using var post = await lrs.PostAsync("/xapi/statements", content);
        Assert.True(post.StatusCode == HttpStatusCode.BadRequest, $"{why}: {post.StatusCode} {await post.Content.ReadAsStringAsync()}");
        await AssertNothingStoredAsync(tenant);
    }

    [SkippableTheory]
    [InlineData(10_000, HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(1_500, HttpStatusCode.BadRequest)]
    public async Task Thousands_of_parts_are_refused_without_storing_anything(int count, HttpStatusCode status)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var contents = Enumerable.Range(0, count).Select(i => Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var json = Statement(attachments: [.. contents.Take(3).Select(c => Attachment(c))]);
        using var post = await lrs.PostAsync("/xapi/statements", Multipart(json, contents.Select(c => RawPart.For(c))));
        // 10,000 parts pass the body limit (their headers count); 1,500 fit in it and pass the part cap.
        Assert.Equal(status, post.StatusCode);
        await AssertNothingStoredAsync(tenant);
    }

    [SkippableFact]
    public async Task Oversized_multipart_body_is_413_counting_parts_and_headers()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var big = new byte[XapiHub.MaxRequestBytes - 200];
        Random.Shared.NextBytes(big);
        // The statement and the part together pass the limit though the part alone does not.
        using var post = await lrs.PostAsync("/xapi/statements", Multipart(Statement(attachments: Attachment(big)), RawPart.For(big)));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, post.StatusCode);
        await AssertNothingStoredAsync(tenant);

        // Streamed without Content-Length: counted while reading.
        var content = Multipart(Statement(attachments: Attachment(big)), RawPart.For(big));
        var streamed = new StreamContent(new MemoryStream(await content.ReadAsByteArrayAsync()));
        streamed.Headers.ContentType = content.Headers.ContentType;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/xapi/statements") { Content = streamed };
        request.Headers.TransferEncodingChunked = true;
        using var chunked = await lrs.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        await AssertNothingStoredAsync(tenant);
    }

    [SkippableFact]
    public async Task A_conflicting_batch_stores_none_of_its_attachments()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant);
        var id = Guid.NewGuid().ToString();
        using (var first = await lrs.PutAsync($"/xapi/statements?statementId={id}", JsonBody(Statement(id))))
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        var json = $"[{Statement(actor: "b", attachments: Attachment(Report))},{Statement(id, actor: "other")}]";
        using var post = await lrs.PostAsync("/xapi/statements", Multipart(json, RawPart.For(Report)));
        Assert.Equal(HttpStatusCode.Conflict, post.StatusCode);
        Assert.Equal((1L, 0L), await CountsAsync(_hub, tenant));
    }

    [SkippableFact]
    public async Task Attachment_content_of_another_tenant_is_never_served()
    {
        var mine = XapiHub.NewTenant();
        var theirs = XapiHub.NewTenant();
        using var me = await _hub.LrsClientAsync(mine);
        using var them = await _hub.LrsClientAsync(theirs);
        using (var post = await them.PostAsync("/xapi/statements", Multipart(Statement(attachments: Attachment(Report)), RawPart.For(Report))))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        // Naming the same hash with a fileUrl does not give access to the other tenant's bytes.
        using (var post = await me.PostAsync("/xapi/statements", JsonBody(Statement(attachments: Attachment(Report, fileUrl: "https://example.org/r")))))
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        using var get = await me.GetAsync("/xapi/statements?attachments=true");
        var parts = await ReadMultipartAsync(get);
        Assert.Single(parts);
    }
}
