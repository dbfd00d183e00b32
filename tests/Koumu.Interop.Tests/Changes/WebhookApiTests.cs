using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Tests.Api;
using Koumu.Interop.Tests.OneRoster;

namespace Koumu.Interop.Tests.Changes;

/// <summary>Webhook delivery on SQLite.</summary>
public sealed class WebhookApiTests(ChangesHub hub) : WebhookApiSpecification(hub), IClassFixture<ChangesHub>;

/// <summary>The same specification on PostgreSQL (claims with FOR UPDATE SKIP LOCKED).</summary>
public sealed class PostgresWebhookApiTests(PostgresChangesHub hub) : WebhookApiSpecification(hub), IClassFixture<PostgresChangesHub>;

/// <summary>Webhook subscriptions and deliveries through the real hub and a receiver on 127.0.0.1 (issue #4 §3).</summary>
public abstract class WebhookApiSpecification
{
    private readonly ChangesHub hub;

    protected WebhookApiSpecification(ChangesHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private const string Admin = "/koumu/admin/v1/webhooks";

    private static bool Has(WebhookReceiver.Received r, string sourcedId) =>
        r.Json.GetProperty("data").GetProperty("sourcedId").GetString() == sourcedId;

    [SkippableFact]
    public async Task A_subscription_receives_each_new_change_as_a_signed_CloudEvent()
    {
        using var receiver = new WebhookReceiver();
        var client = await hub.ChangeClientAsync();
        var (id, secret) = await hub.SubscribeAsync(client, receiver.Url, resources: ["users"]);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var version = await hub.VersionAsync();

        await hub.RenameAsync(ChangesHub.UserS1, "太二", "太郎");
        var received = (await receiver.WaitForAsync(l => l.Any(r => Has(r, "user-s1")))).Single(r => Has(r, "user-s1"));

        var headers = received.Headers;
        Assert.Equal($"msg_{Guid.Parse(id):N}_{version + 1}", headers["webhook-id"]);
        Assert.True(StandardWebhooks.Verify(secret, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], received.Body,
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)), headers["webhook-signature"]);
        Assert.StartsWith("application/cloudevents+json", headers["content-type"], StringComparison.Ordinal);
        var json = received.Json;
        Assert.Equal("1.0", json.GetProperty("specversion").GetString());
        Assert.Equal(headers["webhook-id"], json.GetProperty("id").GetString());
        Assert.Equal("jp.koumu.oneroster.users.upsert", json.GetProperty("type").GetString());
        Assert.Equal("users/user-s1", json.GetProperty("subject").GetString());
        Assert.EndsWith("/koumu/tenants/" + RosteringHub.Tenant, json.GetProperty("source").GetString(), StringComparison.Ordinal);
        var data = json.GetProperty("data");
        Assert.Equal(version + 1, data.GetProperty("version").GetInt64());
        Assert.Equal("upsert", data.GetProperty("operation").GetString());
        Assert.EndsWith("/ims/oneroster/rostering/v1p2/users/user-s1", data.GetProperty("href").GetString(), StringComparison.Ordinal);

        // A tampered body no longer verifies.
        var tampered = (byte[])received.Body.Clone();
        tampered[^2] ^= 1;
        Assert.False(StandardWebhooks.Verify(secret, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], tampered,
            DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        await DeleteAsync(id);
    }

    [SkippableFact]
    public async Task A_confined_subscription_never_receives_another_schools_changes()
    {
        using var receiver = new WebhookReceiver();
        var client = await hub.ChangeClientAsync(["org-school2"]);
        var (id, _) = await hub.SubscribeAsync(client, receiver.Url);
        await hub.RenameAsync(ChangesHub.UserS1, "太三", "太郎");   // org-school
        await hub.RenameAsync(ChangesHub.UserS3, "三吉", "三郎");   // org-school2
        await receiver.WaitForAsync(l => l.Any(r => Has(r, "user-s3")));
        await Task.Delay(300);
        Assert.DoesNotContain(receiver.Requests, r => Has(r, "user-s1"));
        Assert.All(receiver.Requests, r => Assert.Equal("users", r.Json.GetProperty("data").GetProperty("resource").GetString()));
        await DeleteAsync(id);
    }

    [SkippableFact]
    public async Task A_statement_is_delivered_to_a_tenant_wide_subscription_and_never_to_a_confined_one()
    {
        using var wide = new WebhookReceiver();
        using var confined = new WebhookReceiver();
        var (wideId, _) = await hub.SubscribeAsync(await hub.ChangeClientAsync(), wide.Url, resources: ["statements"]);
        var (confinedId, _) = await hub.SubscribeAsync(await hub.ChangeClientAsync(["org-school2"]), confined.Url);
        var statement = Guid.NewGuid().ToString();
        await hub.PostStatementsAsync($$$"""{"id":"{{{statement}}}","actor":{"mbox":"mailto:pupil@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"http://example.org/lesson/1"}}""");
        await hub.RenameAsync(ChangesHub.UserS3, "三太", "三郎");   // visible to the confined subscription, after the Statement

        var received = (await wide.WaitForAsync(l => l.Any(r => Has(r, statement)))).Single(r => Has(r, statement));
        Assert.Equal("jp.koumu.oneroster.statements.upsert", received.Json.GetProperty("type").GetString());
        Assert.Equal("statements/" + statement, received.Json.GetProperty("subject").GetString());
        Assert.EndsWith("/xapi/statements?statementId=" + statement, received.Json.GetProperty("data").GetProperty("href").GetString(), StringComparison.Ordinal);
        await confined.WaitForAsync(l => l.Any(r => Has(r, "user-s3")));
        Assert.DoesNotContain(confined.Requests, r => r.Json.GetProperty("data").GetProperty("resource").GetString() == "statements");
        Assert.All(wide.Requests, r => Assert.Equal("statements", r.Json.GetProperty("data").GetProperty("resource").GetString()));
        await DeleteAsync(wideId);
        await DeleteAsync(confinedId);
    }

    [SkippableFact]
    public async Task A_failing_receiver_is_retried_then_dead_lettered_and_a_manual_redelivery_delivers_it()
    {
        using var receiver = new WebhookReceiver { Respond = _ => (500, null) };
        var (id, _) = await hub.SubscribeAsync(await hub.ChangeClientAsync(), receiver.Url, resources: ["users"]);
        await hub.RenameAsync(ChangesHub.UserS1, "太四", "太郎");

        // Three attempts (Koumu:Webhooks:MaxAttempts), the same message id each time, then a dead letter.
        var attempts = await receiver.WaitForAsync(l => l.Count(r => Has(r, "user-s1")) >= 3);
        Assert.Single(attempts.Select(r => r.Headers["webhook-id"]).Distinct());
        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        JsonElement dead = default;
        for (var i = 0; i < 100 && (dead.ValueKind != JsonValueKind.Array || dead.GetArrayLength() == 0); i++)
        {
            dead = await admin.GetFromJsonAsync<JsonElement>($"{Admin}/{id}/dead-letters");
            await Task.Delay(50);
        }
        var letter = Assert.Single(dead.EnumerateArray());
        Assert.Equal("user-s1", letter.GetProperty("sourcedId").GetString());
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        Assert.Equal(500, letter.GetProperty("lastStatusCode").GetInt32());
        await Task.Delay(300);
        Assert.Equal(3, receiver.Requests.Count(r => Has(r, "user-s1")));

        receiver.Respond = _ => (200, null);
        using (var redeliver = await admin.PostAsync($"{Admin}/{id}/dead-letters/{letter.GetProperty("id").GetInt64()}/redeliver", null))
            Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await receiver.WaitForAsync(l => l.Count(r => Has(r, "user-s1")) >= 4);
        for (var i = 0; i < 100; i++)
        {
            dead = await admin.GetFromJsonAsync<JsonElement>($"{Admin}/{id}/dead-letters");
            if (dead.GetArrayLength() == 0) break;
            await Task.Delay(50);
        }
        Assert.Equal(0, dead.GetArrayLength());
        using (var again = await admin.PostAsync($"{Admin}/{id}/dead-letters/{letter.GetProperty("id").GetInt64()}/redeliver", null))
            Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        await DeleteAsync(id);
    }

    [SkippableFact]
    public async Task Retry_After_is_honoured_before_the_next_attempt()
    {
        using var receiver = new WebhookReceiver { Respond = n => n == 0 ? (503, "1") : (204, null) };
        var (id, _) = await hub.SubscribeAsync(await hub.ChangeClientAsync(), receiver.Url, resources: ["users"]);
        await hub.RenameAsync(ChangesHub.UserS1, "太五", "太郎");
        var both = await receiver.WaitForAsync(l => l.Count(r => Has(r, "user-s1")) >= 2);
        var gap = both[1].At - both[0].At;
        Assert.True(gap >= TimeSpan.FromSeconds(0.9), $"retried after {gap.TotalMilliseconds} ms despite Retry-After: 1");
        await DeleteAsync(id);
    }

    [SkippableFact]
    public async Task Gone_disables_the_subscription_and_nothing_more_is_sent()
    {
        using var receiver = new WebhookReceiver { Respond = _ => (410, null) };
        var (id, _) = await hub.SubscribeAsync(await hub.ChangeClientAsync(), receiver.Url, resources: ["users"]);
        await hub.RenameAsync(ChangesHub.UserS1, "太六", "太郎");
        await receiver.WaitForAsync(l => l.Count > 0);
        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        JsonElement info = default;
        for (var i = 0; i < 100; i++)
        {
            info = await admin.GetFromJsonAsync<JsonElement>($"{Admin}/{id}");
            if (info.GetProperty("status").GetString() == "disabled") break;
            await Task.Delay(50);
        }
        Assert.Equal("disabled", info.GetProperty("status").GetString());
        Assert.Contains("410", info.GetProperty("disabledReason").GetString(), StringComparison.Ordinal);
        await hub.RenameAsync(ChangesHub.UserS1, "太七", "太郎");
        await Task.Delay(500);
        Assert.Single(receiver.Requests);
        await DeleteAsync(id);
    }

    [SkippableFact]
    public async Task After_a_rotation_deliveries_carry_both_signatures_until_the_overlap_ends()
    {
        using var receiver = new WebhookReceiver();
        var (id, oldSecret) = await hub.SubscribeAsync(await hub.ChangeClientAsync(), receiver.Url, resources: ["users"]);
        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        using var rotated = await admin.PostAsync($"{Admin}/{id}/rotate-secret", null);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);

        await hub.RenameAsync(ChangesHub.UserS1, "太八", "太郎");
        var received = (await receiver.WaitForAsync(l => l.Any(r => Has(r, "user-s1")))).First(r => Has(r, "user-s1"));
        var h = received.Headers;
        Assert.Equal(2, h["webhook-signature"].Split(' ').Length);
        foreach (var secret in new[] { oldSecret, newSecret })
            Assert.True(StandardWebhooks.Verify(secret, h["webhook-id"], h["webhook-timestamp"], h["webhook-signature"], received.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        await DeleteAsync(id);
    }

    [SkippableFact]
    public async Task Admin_API_lists_hides_secrets_and_keeps_tenants_apart()
    {
        using var receiver = new WebhookReceiver();
        var (id, secret) = await hub.SubscribeAsync(await hub.ChangeClientAsync(), receiver.Url, resources: ["users", "classes"], orgs: ["org-school"]);
        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        var list = await admin.GetStringAsync(Admin);
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[6..], list, StringComparison.Ordinal);
        var info = await admin.GetFromJsonAsync<JsonElement>($"{Admin}/{id}");
        Assert.Equal(["users", "classes"], info.GetProperty("resources").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["org-school"], info.GetProperty("orgs").EnumerateArray().Select(e => e.GetString()));

        using var stranger = await hub.AdminAsync("board-z");
        using (var response = await stranger.GetAsync($"{Admin}/{id}")) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using (var response = await stranger.DeleteAsync($"{Admin}/{id}")) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using (var response = await stranger.PostAsync($"{Admin}/{id}/rotate-secret", null)) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(id, await stranger.GetStringAsync(Admin), StringComparison.Ordinal);
        using (var reader = await hub.OneRosterClientAsync([KoumuScopes.ChangesReadonly]))
        using (var response = await reader.GetAsync(Admin))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await DeleteAsync(id);
        using (var response = await admin.GetAsync($"{Admin}/{id}")) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [SkippableTheory]
    [InlineData("{\"clientId\":\"nobody\",\"url\":\"http://127.0.0.1:9/\"}", HttpStatusCode.NotFound)]
    [InlineData("{\"clientId\":\"$CLIENT\",\"url\":\"not a url\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"clientId\":\"$CLIENT\",\"url\":\"file:///etc/passwd\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"clientId\":\"$CLIENT\",\"url\":\"http://127.0.0.1:9/\",\"resources\":[\"pupils\"]}", HttpStatusCode.BadRequest)]
    [InlineData("{\"clientId\":\"$CLIENT\",\"url\":\"http://127.0.0.1:9/\",\"resources\":[]}", HttpStatusCode.BadRequest)]
    [InlineData("{\"clientId\":\"$CLIENT\",\"url\":\"http://127.0.0.1:9/\",\"orgs\":[\"a,b\"]}", HttpStatusCode.BadRequest)]
    [InlineData("{\"clientId\":\"$CLIENT\",\"url\":\"http://127.0.0.1:9/$LONG\"}", HttpStatusCode.BadRequest)]
    [InlineData("{\"clientId\":\"$NOSCOPE\",\"url\":\"http://127.0.0.1:9/\"}", HttpStatusCode.BadRequest)]
    public async Task Malformed_or_hostile_subscriptions_are_refused(string body, HttpStatusCode expected)
    {
        var client = await hub.ChangeClientAsync();
        var noScope = (await hub.CreateClientAsync(RosteringHub.Tenant, RosteringHub.AllRosterScopes)).Client.ClientId;
        body = body.Replace("$CLIENT", client, StringComparison.Ordinal).Replace("$NOSCOPE", noScope, StringComparison.Ordinal)
            .Replace("$LONG", new string('a', 3000), StringComparison.Ordinal);
        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        using var response = await admin.PostAsync(Admin, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(expected, response.StatusCode);
    }

    private async Task DeleteAsync(string id)
    {
        using var admin = await hub.AdminAsync(RosteringHub.Tenant);
        using var response = await admin.DeleteAsync($"{Admin}/{id}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}

/// <summary>A hub with default settings refuses private webhook targets (no AllowPrivateTargets).</summary>
public sealed class WebhookPrivateTargetTests : IClassFixture<KoumuApiFactory>
{
    private readonly KoumuApiFactory hub;

    public WebhookPrivateTargetTests(KoumuApiFactory hub) => this.hub = hub;

    [Theory]
    [InlineData("https://10.0.0.1/hook")]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("http://8.8.8.8/hook")]
    public async Task Private_and_loopback_targets_are_refused_at_subscription_time(string url)
    {
        var client = (await hub.CreateClientAsync("board-p", [KoumuScopes.ChangesReadonly])).Client.ClientId;
        using var admin = await hub.AdminAsync("board-p");
        using var response = await admin.PostAsJsonAsync("/koumu/admin/v1/webhooks", new { clientId = client, url });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
    }
}
