using System.Net;
using Koumu.Interop.Api.Changes;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Tests.OneRoster;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Changes;

/// <summary>The NATS JetStream publisher on SQLite.</summary>
public sealed class NatsPublisherTests(NatsHub hub) : NatsPublisherSpecification(hub), IClassFixture<NatsHub>;

/// <summary>The same specification on PostgreSQL (tenants claimed with FOR UPDATE SKIP LOCKED).</summary>
public sealed class PostgresNatsPublisherTests(PostgresNatsHub hub) : NatsPublisherSpecification(hub), IClassFixture<PostgresNatsHub>;

/// <summary>
/// Issue #4 §5: every change of the outbox reaches the JetStream stream once, in version order per tenant, on
/// <c>koumu.&lt;tenant&gt;.&lt;resource&gt;.&lt;operation&gt;</c> with the webhooks' CloudEvents body and
/// <c>Nats-Msg-Id</c> = tenant + version; NATS being down never stops the hub.
/// </summary>
public abstract class NatsPublisherSpecification
{
    private readonly NatsHub hub;

    protected NatsPublisherSpecification(NatsHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    [SkippableFact]
    public async Task Every_change_is_published_once_in_version_order_with_its_subject_CloudEvent_body_and_message_id()
    {
        await hub.RenameAsync(ChangesHub.UserS1, "太四", "太郎");
        await hub.ImportAsync(RosteringHub.Tenant, new PackageBuilder().File("users", "delta", UsersHeader,
            OutboxTests.Delta(ChangesHub.UserS3, status: "tobedeleted")));
        await hub.WaitPublishedAsync(RosteringHub.Tenant);

        var changes = await hub.ChangesAsync(RosteringHub.Tenant);
        var stored = await hub.Nats!.ReadStreamAsync(hub.Stream, "koumu.board-a.>");
        Assert.Equal(changes.Select(c => c.Version), stored.Select(s => s.Version));
        Assert.Contains(stored, s => s.Subject == "koumu.board-a.users.delete" && s.Json.GetProperty("subject").GetString() == "users/user-s3");
        foreach (var (change, message) in changes.Zip(stored))
        {
            Assert.Equal($"koumu.board-a.{change.Resource}.{change.Operation}", message.Subject);
            Assert.Equal($"board-a:{change.Version}", message.MessageId);
            var json = message.Json;
            Assert.Equal("1.0", json.GetProperty("specversion").GetString());
            Assert.Equal(message.MessageId, json.GetProperty("id").GetString());
            Assert.Equal($"jp.koumu.oneroster.{change.Resource}.{change.Operation}", json.GetProperty("type").GetString());
            Assert.EndsWith("/koumu/tenants/board-a", json.GetProperty("source").GetString(), StringComparison.Ordinal);
            Assert.Equal(change.SourcedId, json.GetProperty("data").GetProperty("sourcedId").GetString());
            Assert.Equal(change.Operation, json.GetProperty("data").GetProperty("operation").GetString());
        }
    }

    [SkippableFact]
    public async Task Tenants_publish_under_their_own_subject_token_and_message_ids_even_with_a_dot_in_the_code()
    {
        // "board-a.east" must not fall under koumu.board-a.> (the '.' becomes '~'), and its version 1 must not be dropped
        // as a duplicate of board-a's version 1 (the message id carries the tenant).
        const string east = "board-a.east";
        await hub.ImportAsync(east, RosteringHub.Package());
        await hub.WaitPublishedAsync(RosteringHub.Tenant);
        await hub.WaitPublishedAsync(east);

        var own = await hub.Nats!.ReadStreamAsync(hub.Stream, "koumu.board-a.>");
        Assert.Equal((await hub.ChangesAsync(RosteringHub.Tenant)).Count, own.Count);
        Assert.All(own, m => Assert.StartsWith("board-a:", m.MessageId, StringComparison.Ordinal));
        Assert.All(own, m => Assert.EndsWith("/koumu/tenants/board-a", m.Json.GetProperty("source").GetString(), StringComparison.Ordinal));

        var other = await hub.Nats.ReadStreamAsync(hub.Stream, "koumu.board-a~east.>");
        Assert.Equal((await hub.ChangesAsync(east)).Select(c => c.Version), other.Select(m => m.Version));
        Assert.Equal("board-a.east:1", other[0].MessageId);
        Assert.All(other, m => Assert.EndsWith("/koumu/tenants/board-a.east", m.Json.GetProperty("source").GetString(), StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task While_NATS_is_down_the_hub_keeps_working_and_publishing_resumes_when_it_is_back()
    {
        await hub.WaitPublishedAsync(RosteringHub.Tenant);
        await hub.Nats!.StopAsync();
        long version;
        try
        {
            // Writes commit and reads are served: NATS is not on the write path.
            await hub.RenameAsync(ChangesHub.UserS1, "太五", "太郎");
            version = await hub.VersionAsync();
            using var http = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
            using var response = await http.GetAsync(new Uri("/ims/oneroster/rostering/v1p2/users/user-s1", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("太五", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await Task.Delay(1500);
            Assert.True(await hub.PublishedVersionAsync(RosteringHub.Tenant) < version, "nothing can be acknowledged while NATS is down");
        }
        finally
        {
            await hub.Nats.StartAgainAsync();
        }
        await hub.WaitPublishedAsync(RosteringHub.Tenant, seconds: 60);
        var stored = await hub.Nats.ReadStreamAsync(hub.Stream, "koumu.board-a.users.upsert");
        Assert.Single(stored, m => m.Version == version);
        Assert.Equal(stored.Select(m => m.Version).Distinct().Count(), stored.Count);
    }
}

/// <summary><c>Koumu:Nats:*</c> settings: hostile values stop the hub instead of publishing somewhere unexpected.</summary>
public sealed class NatsOptionsTests
{
    [Fact]
    public void Configuration_is_validated_and_the_publisher_is_off_without_a_url()
    {
        static NatsOptions? From(params (string Key, string Value)[] values) => NatsOptions.From(
            Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(new Microsoft.Extensions.Configuration.ConfigurationBuilder(), values.ToDictionary(v => "Koumu:Nats:" + v.Key, v => (string?)v.Value)).Build());

        Assert.Null(From());
        Assert.Null(From(("Url", " ")));
        var options = From(("Url", "nats://127.0.0.1:4222"))!;
        Assert.Equal("koumu.board-a~east.users.delete", options.Subject("board-a.east", "users", "delete"));
        Assert.Equal("nats:KOUMU_CHANGES", options.Publisher);
        Assert.Throws<InvalidOperationException>(() => From(("Url", "http://127.0.0.1:4222")));
        Assert.Throws<InvalidOperationException>(() => From(("Url", "not a url")));
        Assert.Throws<InvalidOperationException>(() => From(("Url", "nats://127.0.0.1:4222"), ("Stream", "a.b")));
        Assert.Throws<InvalidOperationException>(() => From(("Url", "nats://127.0.0.1:4222"), ("Stream", new string('s', 65))));
        // A wildcard or empty token in the prefix would publish outside the stream's subjects (or into other subscribers' subjects).
        Assert.Throws<InvalidOperationException>(() => From(("Url", "nats://127.0.0.1:4222"), ("SubjectPrefix", "koumu.>")));
        Assert.Throws<InvalidOperationException>(() => From(("Url", "nats://127.0.0.1:4222"), ("SubjectPrefix", "koumu..x")));
        Assert.Throws<InvalidOperationException>(() => From(("Url", "nats://127.0.0.1:4222"), ("SubjectPrefix", "*")));
        Assert.Throws<InvalidOperationException>(() => From(("Url", "nats://127.0.0.1:4222"), ("LeaseSeconds", "5"), ("AckTimeoutSeconds", "10")));
    }
}

/// <summary>The changes hub with a real nats-server and the publisher on (fast polls, short leases).</summary>
public class NatsHub : ChangesHub
{
    public NatsServer? Nats { get; private set; }

    public string Stream { get; } = "KOUMU_TEST_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public override async Task InitializeAsync()
    {
        if (Unavailable is not null) return;
        try
        {
            Nats = await NatsServer.StartAsync();
        }
        catch (SkipException e)
        {
            Unavailable = e.Message;
            return;
        }
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Koumu:Nats:Url", Nats?.Url ?? throw new InvalidOperationException("nats-server not started"));
        builder.UseSetting("Koumu:Nats:Stream", Stream);
        builder.UseSetting("Koumu:Nats:PollMilliseconds", "50");
        builder.UseSetting("Koumu:Nats:LeaseSeconds", "5");
        builder.UseSetting("Koumu:Nats:AckTimeoutSeconds", "2");
    }

    public async Task<int> TenantIdAsync(string tenant) =>
        (await Services.GetRequiredService<RosterStore>().FindTenantAsync(tenant)) ?? throw new InvalidOperationException("no tenant " + tenant);

    public async Task<long> PublishedVersionAsync(string tenant) =>
        await Services.GetRequiredService<PublisherStore>().PublishedVersionAsync("nats:" + Stream, await TenantIdAsync(tenant), CancellationToken.None);

    /// <summary>The tenant's changes, in version order.</summary>
    public async Task<List<ChangeEntry>> ChangesAsync(string tenant)
    {
        var id = await TenantIdAsync(tenant);
        await using var db = Services.GetRequiredService<RosterStore>().CreateDbContext();
        return await db.ChangeEntries.AsNoTracking().Where(c => c.TenantId == id).OrderBy(c => c.Version).ToListAsync();
    }

    /// <summary>Waits until the publisher recorded the tenant's current version as acknowledged.</summary>
    public async Task WaitPublishedAsync(string tenant, double seconds = 20)
    {
        var id = await TenantIdAsync(tenant);
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            await using (var db = Services.GetRequiredService<RosterStore>().CreateDbContext())
            {
                var current = await db.Tenants.Where(t => t.Id == id).Select(t => t.ChangeVersion).SingleAsync();
                if (await PublishedVersionAsync(tenant) >= current) return;
                if (DateTime.UtcNow > until) throw new TimeoutException($"{tenant}: published {await PublishedVersionAsync(tenant)} of {current} within {seconds} s");
            }
            await Task.Delay(50);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) Nats?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresNatsHub : NatsHub
{
    protected override bool OnPostgres => true;
}
