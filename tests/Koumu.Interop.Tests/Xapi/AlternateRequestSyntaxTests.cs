using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using static Koumu.Interop.Tests.Xapi.XapiRequests;

namespace Koumu.Interop.Tests.Xapi;

public sealed class AlternateRequestSyntaxTests(XapiHub hub) : AlternateRequestSyntaxSpecification(hub), IClassFixture<XapiHub>;

public sealed class PostgresAlternateRequestSyntaxTests(PostgresXapiHub hub) : AlternateRequestSyntaxSpecification(hub), IClassFixture<PostgresXapiHub>;

/// <summary>
/// The Alternate Request Syntax (C §1.3; xAPI 1.0.3 only, removed in 2.0): POST ?method=X with the headers, parameters
/// and content as form fields is the request X.
/// </summary>
public abstract class AlternateRequestSyntaxSpecification
{
    private readonly XapiHub _hub;

    protected AlternateRequestSyntaxSpecification(XapiHub hub)
    {
        _hub = hub;
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
    }

    /// <summary>An https client with no default headers at all: everything travels in the form, as old browsers had to.</summary>
    private async Task<(HttpClient Bare, string Authorization)> BareClientAsync(string tenant)
    {
        using var lrs = await _hub.LrsClientAsync(tenant);
        return (_hub.CreateHttpsClient(), lrs.DefaultRequestHeaders.Authorization!.ToString());
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    [SkippableFact]
    public async Task Put_in_a_form_stores_the_statement_and_get_in_a_form_reads_it()
    {
        var tenant = XapiHub.NewTenant();
        var (http, authorization) = await BareClientAsync(tenant);
        using (http)
        {
            var id = Guid.NewGuid().ToString();
            using var put = await http.PostAsync("/xapi/statements?method=PUT", Form(("Authorization", authorization), ("X-Experience-API-Version", "1.0.3"),
                ("Content-Type", "application/json"), ("statementId", id), ("content", Statement(actor: "日本語"))));
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
            Assert.True(put.Headers.Contains("X-Experience-API-Consistent-Through"));

            using var get = await http.PostAsync("/xapi/statements?method=GET", Form(("authorization", authorization), ("x-experience-api-version", "1.0.3"), ("statementId", id)));
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var statement = JsonNode.Parse(await get.Content.ReadAsStringAsync())!;
            Assert.Equal(id, statement["id"]!.GetValue<string>());
            Assert.Equal("mailto:日本語@example.org", statement["actor"]!["mbox"]!.GetValue<string>());
        }
    }

    [SkippableFact]
    public async Task Post_in_a_form_stores_a_batch_and_head_answers_without_a_body()
    {
        var tenant = XapiHub.NewTenant();
        var (http, authorization) = await BareClientAsync(tenant);
        using (http)
        {
            using var post = await http.PostAsync("/xapi/statements?method=POST", Form(("Authorization", authorization), ("X-Experience-API-Version", "1.0.3"),
                ("content", $"[{Statement()},{Statement(actor: "b")}]")));
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
            Assert.Equal(2, JsonNode.Parse(await post.Content.ReadAsStringAsync())!.AsArray().Count);

            using var head = await http.PostAsync("/xapi/statements?method=HEAD", Form(("Authorization", authorization), ("X-Experience-API-Version", "1.0.3")));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    [SkippableFact]
    public async Task Under_2_0_the_alternate_syntax_is_400()
    {
        var tenant = XapiHub.NewTenant();
        var (http, authorization) = await BareClientAsync(tenant);
        using (http)
        {
            using var put = await http.PostAsync("/xapi/statements?method=PUT", Form(("Authorization", authorization), ("X-Experience-API-Version", "2.0.0"),
                ("statementId", Guid.NewGuid().ToString()), ("content", Statement())));
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
            Assert.Contains("2.0", await put.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal((0L, 0L), await CountsAsync(_hub, tenant));
        }
    }

    [SkippableTheory]
    [InlineData("/xapi/statements?method=PUT&statementId=6fbd600f-d17c-4c74-801a-2ec2e53231c7", "form", HttpStatusCode.BadRequest)]
    [InlineData("/xapi/statements?method=put", "form", HttpStatusCode.BadRequest)]
    [InlineData("/xapi/statements?method=PATCH", "form", HttpStatusCode.BadRequest)]
    [InlineData("/xapi/statements?method=PUT&method=GET", "form", HttpStatusCode.BadRequest)]
    [InlineData("/xapi/statements?method=PUT", "json", HttpStatusCode.BadRequest)]
    [InlineData("/xapi/statements?method=PUT", "repeated field", HttpStatusCode.BadRequest)]
    [InlineData("/xapi/statements?method=PUT", "too many fields", HttpStatusCode.BadRequest)]
    [InlineData("/xapi/statements?method=PUT", "oversized", HttpStatusCode.RequestEntityTooLarge)]
    [InlineData("/xapi/statements?method=DELETE", "form", HttpStatusCode.MethodNotAllowed)]
    [InlineData("/xapi/statements?method=PUT", "no credentials", HttpStatusCode.Unauthorized)]
    [InlineData("/xapi/statements?method=PUT", "unknown parameter", HttpStatusCode.BadRequest)]
    public async Task Malformed_alternate_requests_are_refused(string url, string body, HttpStatusCode status)
    {
        var tenant = XapiHub.NewTenant();
        var (http, authorization) = await BareClientAsync(tenant);
        using (http)
        {
            var id = Guid.NewGuid().ToString();
            (string, string)[] fields = [("Authorization", authorization), ("X-Experience-API-Version", "1.0.3"), ("statementId", id), ("content", Statement())];
            HttpContent content = body switch
            {
                "json" => JsonBody(Statement()),
                "repeated field" => Form([.. fields, ("statementId", id)]),
                "too many fields" => Form([.. fields, .. Enumerable.Range(0, 100).Select(i => ($"f{i}", "x"))]),
                "oversized" => Form([.. fields, ("padding", new string('x', (int)XapiHub.MaxRequestBytes))]),
                "no credentials" => Form(fields[1..]),
                "unknown parameter" => Form([.. fields, ("StatementId", id)]),
                _ => Form(fields),
            };
            using var response = await http.PostAsync(url, content);
            Assert.True(status == response.StatusCode, $"{body}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.True(response.Headers.Contains("X-Experience-API-Version"));
            Assert.Equal((0L, 0L), await CountsAsync(_hub, tenant));
        }
    }

    [SkippableFact]
    public async Task Headers_in_the_form_replace_the_requests_own()
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await _hub.LrsClientAsync(tenant, version: "2.0.0");
        var authorization = lrs.DefaultRequestHeaders.Authorization!.ToString();
        // The real header says 2.0; the form says 1.0.3: the form is the request (C §1.3).
        using var request = new HttpRequestMessage(HttpMethod.Post, "/xapi/statements?method=GET")
        {
            Content = Form(("Authorization", authorization), ("X-Experience-API-Version", "1.0.3")),
        };
        using var response = await lrs.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1.0.3", response.Headers.GetValues("X-Experience-API-Version").Single());
    }

    [SkippableFact]
    public async Task Form_content_with_another_content_type_field_is_judged_by_it()
    {
        var tenant = XapiHub.NewTenant();
        var (http, authorization) = await BareClientAsync(tenant);
        using (http)
        {
            using var put = await http.PostAsync("/xapi/statements?method=PUT", Form(("Authorization", authorization), ("X-Experience-API-Version", "1.0.3"),
                ("Content-Type", "text/plain"), ("statementId", Guid.NewGuid().ToString()), ("content", Statement())));
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
            // Broken percent-encoding decodes leniently; the content it leaves is no Statement.
            var form = new ByteArrayContent(Encoding.UTF8.GetBytes($"Authorization={Uri.EscapeDataString(authorization)}&X-Experience-API-Version=1.0.3&statementId={Guid.NewGuid()}&%%%=%%%&content=%ZZ"));
            form.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            using var broken = await http.PostAsync("/xapi/statements?method=PUT", form);
            Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
            Assert.Equal((0L, 0L), await CountsAsync(_hub, tenant));
        }
    }
}
