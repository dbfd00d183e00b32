using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Api;

public sealed class ImportApiTests(KoumuApiFactory hub) : IClassFixture<KoumuApiFactory>
{
    internal static ByteArrayContent Zip(PackageBuilder package)
    {
        var path = package.WriteZip();
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        File.Delete(path);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }

    internal static async Task<JsonElement> WaitForJobAsync(HttpClient http, Uri location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = await http.GetFromJsonAsync<JsonElement>(location);
            var status = job.GetProperty("status").GetString();
            if (status is not ("queued" or "running")) return job;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Import job still {status} after 60 s.");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Valid_package_is_accepted_with_202_and_the_job_succeeds()
    {
        using var admin = await hub.AdminAsync("board-a");

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=oneroster-1.2", Zip(Rostering()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var queued = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("queued", queued.GetProperty("status").GetString());
        Assert.Equal("oneroster-1.2", queued.GetProperty("profile").GetString());
        var location = response.Headers.Location!;
        Assert.Equal($"/koumu/admin/v1/tenants/board-a/imports/{queued.GetProperty("id").GetGuid()}", location.OriginalString);
        var job = await WaitForJobAsync(admin, location);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(0, job.GetProperty("errorCount").GetInt64());
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("finishedAt").ValueKind);
        var users = job.GetProperty("summary").GetProperty("files").EnumerateArray().Single(f => f.GetProperty("file").GetString() is "users" or "users.csv");
        Assert.Equal(3, users.GetProperty("rows").GetInt64());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(hub.Folder, "uploads"))); // the upload is gone once imported
    }

    [Fact]
    public async Task Package_with_errors_is_rejected_and_its_problems_are_paged_with_X_Total_Count()
    {
        using var admin = await hub.AdminAsync("board-a");
        var package = Rostering().File("enrollments", "bulk", EnrollmentsHeader,
            [.. EnrollmentRows, "enr-x1,,,class-1,org-school,user-nobody,student,false,,", "enr-x2,,,class-1,org-school,user-ghost,student,false,,", "enr-x3,,,class-9,org-school,user-s1,student,false,,"]);

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=oneroster-1.2", Zip(package));
        var job = await WaitForJobAsync(admin, response.Headers.Location!);

        Assert.Equal("rejected", job.GetProperty("status").GetString());
        Assert.Equal(3, job.GetProperty("errorCount").GetInt64());
        using var page = await admin.GetAsync(response.Headers.Location + "/problems?offset=1&limit=1");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("3", page.Headers.GetValues("X-Total-Count").Single());
        var problem = Assert.Single((await page.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray());
        Assert.Equal("reference.unresolved", problem.GetProperty("ruleId").GetString());
        Assert.Equal("enrollments.csv", problem.GetProperty("file").GetString());
        Assert.Equal(6, problem.GetProperty("line").GetInt64());
        Assert.Equal("userSourcedId", problem.GetProperty("column").GetString());
        Assert.Equal("error", problem.GetProperty("severity").GetString());
        Assert.Equal("user-ghost", problem.GetProperty("value").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("messageEn").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("messageJa").GetString()));
    }

    [Fact]
    public async Task Malformed_zip_is_a_rejected_job_with_rule_package_not_a_zip()
    {
        using var admin = await hub.AdminAsync("board-a");
        var notAZip = new ByteArrayContent("PK\u0003\u0004 this is not really a zip"u8.ToArray());
        notAZip.Headers.ContentType = new MediaTypeHeaderValue("application/zip");

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=jp-1.2.1", notAZip);
        var job = await WaitForJobAsync(admin, response.Headers.Location!);

        Assert.Equal("rejected", job.GetProperty("status").GetString());
        var problems = await admin.GetFromJsonAsync<JsonElement>(response.Headers.Location + "/problems");
        Assert.Equal("package.not_a_zip", problems[0].GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task Zip_with_a_path_traversal_entry_is_rejected()
    {
        using var admin = await hub.AdminAsync("board-a");

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=oneroster-1.2",
            Zip(Rostering().Raw("../../evil.csv", "x"u8.ToArray())));
        var job = await WaitForJobAsync(admin, response.Headers.Location!);

        Assert.Equal("rejected", job.GetProperty("status").GetString());
        var problems = await admin.GetFromJsonAsync<JsonElement>(response.Headers.Location + "/problems");
        Assert.Equal("package.unsafe_entry_name", problems[0].GetProperty("ruleId").GetString());
    }

    [Fact]
    public async Task Multipart_upload_is_accepted_and_keeps_the_file_name()
    {
        using var admin = await hub.AdminAsync("board-a");
        using var form = new MultipartFormDataContent { { new StringContent("ignored"), "note" }, { Zip(Rostering()), "file", "../../名簿 2026.zip" } };

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=oneroster-1.2", form);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await WaitForJobAsync(admin, response.Headers.Location!);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("名簿 2026.zip", job.GetProperty("fileName").GetString());
    }

    [Fact]
    public async Task Upload_declared_larger_than_the_limit_is_413()
    {
        using var admin = await hub.AdminAsync("board-a");
        var big = new ByteArrayContent(new byte[KoumuApiFactory.UploadLimit + 1]);
        big.Headers.ContentType = new MediaTypeHeaderValue("application/zip");

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=jp-1.2.1", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Refused_upload_does_not_create_the_tenant_but_the_first_accepted_one_does()
    {
        using var op = await hub.AdminAsync("*");
        var big = new ByteArrayContent(new byte[KoumuApiFactory.UploadLimit + 1]);
        big.Headers.ContentType = new MediaTypeHeaderValue("application/zip");

        using var refused = await op.PostAsync("/koumu/admin/v1/tenants/board-new/imports?profile=oneroster-1.2", big);
        using var before = await op.GetAsync("/koumu/admin/v1/tenants/board-new/exports");
        using var accepted = await op.PostAsync("/koumu/admin/v1/tenants/board-new/imports?profile=oneroster-1.2", Zip(Rostering()));
        await WaitForJobAsync(op, accepted.Headers.Location!);
        using var after = await op.GetAsync("/koumu/admin/v1/tenants/board-new/exports");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Chunked_upload_growing_past_the_limit_is_413_and_leaves_no_file()
    {
        using var admin = await hub.AdminAsync("board-a");
        // No Content-Length: the hub must count the bytes itself.
        var chunked = new StreamContent(new NonSeekableStream(new byte[KoumuApiFactory.UploadLimit * 2]));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("application/zip");

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=jp-1.2.1", chunked);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var uploads = Path.Combine(hub.Folder, "uploads");
        Assert.True(!Directory.Exists(uploads) || !Directory.EnumerateFiles(uploads).Any(f => new FileInfo(f).Length > KoumuApiFactory.UploadLimit));
    }

    [Fact]
    public async Task Multipart_file_part_past_the_limit_is_413()
    {
        using var admin = await hub.AdminAsync("board-a");
        using var form = new MultipartFormDataContent { { new StreamContent(new NonSeekableStream(new byte[KoumuApiFactory.UploadLimit + 10])), "file", "big.zip" } };

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=jp-1.2.1", form);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("?profile=jp-9.9", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    [InlineData("?profile=jp-1.2.1&encoding=ebcdic", HttpStatusCode.BadRequest)]
    public async Task Unknown_profile_or_encoding_is_400_before_the_body_is_read(string query, HttpStatusCode expected)
    {
        using var admin = await hub.AdminAsync("board-a");

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports" + query, Zip(Rostering()));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Other_media_types_are_415()
    {
        using var admin = await hub.AdminAsync("board-a");

        using var response = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=jp-1.2.1", JsonContent.Create(new { zip = "no" }));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Client_of_tenant_A_cannot_import_into_B_nor_read_its_jobs()
    {
        using var adminA = await hub.AdminAsync("board-a");
        using var adminB = await hub.AdminAsync("board-b");
        using var accepted = await adminB.PostAsync("/koumu/admin/v1/tenants/board-b/imports?profile=oneroster-1.2", Zip(Rostering()));
        var jobOfB = accepted.Headers.Location!.OriginalString;

        using var import = await adminA.PostAsync("/koumu/admin/v1/tenants/board-b/imports?profile=oneroster-1.2", Zip(Rostering()));
        using var read = await adminA.GetAsync(jobOfB);
        using var problems = await adminA.GetAsync(jobOfB + "/problems");
        // Reading B's job through A's own tenant path finds nothing either.
        using var sideways = await adminA.GetAsync(jobOfB.Replace("/board-b/", "/board-a/", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Forbidden, import.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, problems.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, sideways.StatusCode);
    }

    [Theory]
    [InlineData("?offset=-1")]
    [InlineData("?limit=0")]
    [InlineData("?limit=100000")]
    [InlineData("?offset=abc")]
    public async Task Bad_problem_paging_is_400(string query)
    {
        using var admin = await hub.AdminAsync("board-a");
        using var accepted = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=oneroster-1.2", Zip(Rostering()));

        using var response = await admin.GetAsync(accepted.Headers.Location + "/problems" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_job_is_404()
    {
        using var admin = await hub.AdminAsync("board-a");
        using var _ = await admin.PostAsync("/koumu/admin/v1/tenants/board-a/imports?profile=oneroster-1.2", Zip(Rostering()));

        using var response = await admin.GetAsync($"/koumu/admin/v1/tenants/board-a/imports/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Invalid_tenant_code_is_400()
    {
        using var op = await hub.AdminAsync("*");

        using var response = await op.PostAsync("/koumu/admin/v1/tenants/bad%20tenant%3B/imports?profile=oneroster-1.2", Zip(Rostering()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>Forces chunked transfer: HttpClient cannot know the length of a non-seekable stream.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
