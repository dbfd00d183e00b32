using System.IO.Compression;
using System.Net;
using System.Text;
using Koumu.Interop.Tests.TestSupport;

namespace Koumu.Interop.Tests.Api;

public sealed class ExportApiTests(KoumuApiFactory hub) : IClassFixture<KoumuApiFactory>
{
    private async Task<HttpClient> AdminWithRosterAsync(string tenant)
    {
        var admin = await hub.AdminAsync(tenant);
        using var accepted = await admin.PostAsync($"/koumu/admin/v1/tenants/{tenant}/imports?profile=oneroster-1.2", ImportApiTests.Zip(SamplePackages.Rostering()));
        var job = await ImportApiTests.WaitForJobAsync(admin, accepted.Headers.Location!);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        return admin;
    }

    [Fact]
    public async Task Bulk_export_streams_a_zip_with_the_imported_records()
    {
        using var admin = await AdminWithRosterAsync("board-e");

        using var response = await admin.GetAsync("/koumu/admin/v1/tenants/board-e/exports?profile=oneroster-1.2&mode=bulk&quoteAll=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.StartsWith("oneroster-board-e-oneroster-1.2-bulk-", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.NotNull(zip.GetEntry("manifest.csv"));
        using var users = new StreamReader(zip.GetEntry("users.csv")!.Open(), Encoding.UTF8);
        var text = await users.ReadToEndAsync();
        Assert.Contains("\"user-s1\"", text, StringComparison.Ordinal);
        Assert.Contains("\"太郎\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delta_export_since_the_future_has_no_records()
    {
        using var admin = await AdminWithRosterAsync("board-f");

        using var response = await admin.GetAsync("/koumu/admin/v1/tenants/board-f/exports?mode=delta&since=2999-01-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var zip = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()));
        Assert.Null(zip.GetEntry("users.csv"));
    }

    [Theory]
    [InlineData("?mode=delta")]
    [InlineData("?mode=delta&since=yesterday")]
    [InlineData("?mode=bulk&since=2026-01-01T00:00:00Z")]
    [InlineData("?mode=sideways")]
    [InlineData("?profile=jp-0")]
    [InlineData("?usersLayout=1.3")]
    [InlineData("?quoteAll=maybe")]
    public async Task Bad_export_parameters_are_400(string query)
    {
        using var admin = await hub.AdminAsync("board-e");

        using var response = await admin.GetAsync("/koumu/admin/v1/tenants/board-e/exports" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Client_of_tenant_A_cannot_export_B()
    {
        using var admin = await hub.AdminAsync("board-a");

        using var response = await admin.GetAsync("/koumu/admin/v1/tenants/board-e/exports");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Export_of_an_unknown_tenant_is_404()
    {
        using var op = await hub.AdminAsync("*");

        using var response = await op.GetAsync("/koumu/admin/v1/tenants/no-such-board/exports");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
