using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.Api;

/// <summary>The hub stopped and started again on the same data folder and database.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task Tokens_and_import_jobs_survive_a_restart_because_the_signing_key_is_persistent()
    {
        string folder, token, location;
        using (var first = new KoumuApiFactory { KeepFolder = true })
        {
            folder = first.Folder;
            using var admin = await first.AdminAsync("board-r");
            token = admin.DefaultRequestHeaders.Authorization!.Parameter!;
            using var accepted = await admin.PostAsync("/koumu/admin/v1/tenants/board-r/imports?profile=oneroster-1.2", ImportApiTests.Zip(SamplePackages.Rostering()));
            location = accepted.Headers.Location!.OriginalString;
            Assert.Equal("succeeded", (await ImportApiTests.WaitForJobAsync(admin, accepted.Headers.Location!)).GetProperty("status").GetString());
        }
        Assert.True(File.Exists(Path.Combine(folder, "keys", "signing.pem")));

        using var second = new KoumuApiFactory(folder);
        using var http = second.CreateHttpsClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var job = await http.GetAsync(location);

        Assert.Equal(HttpStatusCode.OK, job.StatusCode);
        Assert.Equal("succeeded", (await job.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_hub_with_other_keys_rejects_the_token()
    {
        using var first = new KoumuApiFactory();
        using var other = new KoumuApiFactory();
        using var admin = await first.AdminAsync("board-r");
        using var http = other.CreateHttpsClient();
        http.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;

        using var response = await http.GetAsync("/koumu/admin/v1/clients");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Jobs_a_previous_process_left_queued_or_running_are_failed_at_start()
    {
        Guid running = Guid.NewGuid(), queued = Guid.NewGuid();
        string folder;
        using (var first = new KoumuApiFactory { KeepFolder = true })
        {
            folder = first.Folder;
            var store = first.Services.GetRequiredService<RosterStore>();
            var tenantId = await store.EnsureTenantAsync("board-r", "board-r");
            await using var db = store.CreateDbContext();
            db.ImportJobs.Add(new ImportJob { Id = running, TenantId = tenantId, Status = ImportJobStatus.Running, Profile = "jp-1.2.1", CreatedAt = DateTime.UtcNow });
            db.ImportJobs.Add(new ImportJob { Id = queued, TenantId = tenantId, Status = ImportJobStatus.Queued, Profile = "jp-1.2.1", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        using var second = new KoumuApiFactory(folder);
        using var admin = await second.AdminAsync("board-r");

        foreach (var id in new[] { running, queued })
        {
            var job = await admin.GetFromJsonAsync<JsonElement>($"/koumu/admin/v1/tenants/board-r/imports/{id}");
            Assert.Equal("failed", job.GetProperty("status").GetString());
            Assert.Contains("nothing was stored", job.GetProperty("failureMessage").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Production_start_without_a_connection_string_for_postgres_fails_fast()
    {
        using var hub = new PostgresWithoutConnection();

        var e = Assert.ThrowsAny<Exception>(() => hub.CreateClient());

        Assert.Contains("Koumu:Database:ConnectionString", e.ToString(), StringComparison.Ordinal);
    }

    private sealed class PostgresWithoutConnection : KoumuApiFactory
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Koumu:Database:Provider", "postgres");
            builder.UseSetting("Koumu:Database:ConnectionString", "");
        }
    }
}
