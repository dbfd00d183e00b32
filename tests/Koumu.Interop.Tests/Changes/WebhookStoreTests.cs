using System.Security.Cryptography;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Changes;

/// <summary>The durable delivery queue on SQLite and PostgreSQL: fan-out, claims with leases, at-least-once across a crash.</summary>
public sealed class WebhookStoreTests
{
    private static async Task<(WebhookStore Webhooks, Guid Subscription)> SubscribedAsync(TestStore store, long cursor = 0)
    {
        var id = Guid.NewGuid();
        await using (var db = store.Store.CreateDbContext())
        {
            db.WebhookSubscriptions.Add(new WebhookSubscription
            {
                Id = id, TenantId = store.TenantId, ClientId = "c-" + id.ToString("N")[..8], Url = "https://receiver.example/hook",
                Status = WebhookSubscriptionStatus.Active, Secret = RandomNumberGenerator.GetBytes(40), CursorVersion = cursor, CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }
        return (new WebhookStore(store.Store), id);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Fan_out_adds_one_delivery_per_change_once_and_moves_the_cursor(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var (webhooks, id) = await SubscribedAsync(store);
        Assert.Equal(14, await webhooks.FanOutAsync(id, store.TenantId, ChangeAudience.Everything(), CancellationToken.None));
        Assert.Equal(0, await webhooks.FanOutAsync(id, store.TenantId, ChangeAudience.Everything(), CancellationToken.None));
        await using var db = store.Store.CreateDbContext();
        Assert.Equal(14, db.WebhookSubscriptions.Single(s => s.Id == id).CursorVersion);
        Assert.Equal(14, db.WebhookDeliveries.Count(d => d.SubscriptionId == id));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Fan_out_honours_the_resource_filter(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var (webhooks, id) = await SubscribedAsync(store);
        Assert.Equal(3, await webhooks.FanOutAsync(id, store.TenantId, ChangeAudience.Everything(["users"]), CancellationToken.None));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_claimed_delivery_that_is_never_completed_is_claimed_again_after_its_lease(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var (webhooks, id) = await SubscribedAsync(store);
        await webhooks.FanOutAsync(id, store.TenantId, ChangeAudience.Everything(["users"]), CancellationToken.None);

        // A dispatcher claims three deliveries and dies (no outcome recorded): nothing is lost.
        var first = (await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(1), CancellationToken.None)).Where(d => d.SubscriptionId == id).ToList();
        Assert.Equal(3, first.Count);
        Assert.DoesNotContain(await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(1), CancellationToken.None), d => d.SubscriptionId == id);
        await Task.Delay(1200);
        var again = (await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(30), CancellationToken.None)).Where(d => d.SubscriptionId == id).ToList();
        Assert.Equal(first.Select(d => d.Id).Order(), again.Select(d => d.Id).Order());

        // Delivered rows are never claimed again.
        foreach (var d in again) await webhooks.MarkDeliveredAsync(d.Id, 204, CancellationToken.None);
        await using var db = store.Store.CreateDbContext();
        Assert.Equal(3, db.WebhookDeliveries.Count(d => d.SubscriptionId == id && d.Status == WebhookDeliveryStatus.Delivered));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Concurrent_claims_never_hand_the_same_delivery_to_two_dispatchers(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var (webhooks, id) = await SubscribedAsync(store);
        await webhooks.FanOutAsync(id, store.TenantId, ChangeAudience.Everything(), CancellationToken.None);
        // Four dispatchers claim small batches until the queue is empty (the PostgreSQL test database is shared: other
        // tests' deliveries may be claimed too; only this subscription's are counted).
        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var got = new List<ClaimedDelivery>();
            while (await webhooks.ClaimAsync(3, TimeSpan.FromMinutes(1), CancellationToken.None) is { Count: > 0 } batch) got.AddRange(batch);
            return got;
        })));
        var mine = claims.SelectMany(c => c).Where(d => d.SubscriptionId == id).Select(d => d.Id).ToList();
        Assert.Equal(mine.Count, mine.Distinct().Count());
        Assert.Equal(14, mine.Count);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_failed_delivery_waits_for_its_retry_time_and_a_dead_one_only_for_redelivery(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var (webhooks, id) = await SubscribedAsync(store);
        await webhooks.FanOutAsync(id, store.TenantId, ChangeAudience.Everything(["classes"]), CancellationToken.None);
        var claimed = Assert.Single(await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(30), CancellationToken.None), d => d.SubscriptionId == id);
        await webhooks.MarkFailedAsync(claimed.Id, 500, "HTTP 500", DateTime.UtcNow.AddMilliseconds(500), CancellationToken.None);
        Assert.DoesNotContain(await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(30), CancellationToken.None), d => d.SubscriptionId == id);
        await Task.Delay(700);
        var retry = Assert.Single(await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(30), CancellationToken.None), d => d.SubscriptionId == id);
        Assert.Equal(1, retry.Attempts);
        await webhooks.MarkFailedAsync(retry.Id, null, "connection refused", retryAt: null, CancellationToken.None);
        Assert.Single(await webhooks.DeadLettersAsync(id, 10, CancellationToken.None));
        await Task.Delay(100);
        Assert.DoesNotContain(await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(30), CancellationToken.None), d => d.SubscriptionId == id);
        Assert.Equal(1, await webhooks.RedeliverAsync(id, null, CancellationToken.None));
        var redelivered = Assert.Single(await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(30), CancellationToken.None), d => d.SubscriptionId == id);
        Assert.Equal(0, redelivered.Attempts);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Disabling_cancels_the_pending_deliveries_and_stops_fan_out(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var (webhooks, id) = await SubscribedAsync(store);
        await webhooks.FanOutAsync(id, store.TenantId, ChangeAudience.Everything(), CancellationToken.None);
        await webhooks.DisableAsync(id, -1, "test", CancellationToken.None);
        Assert.DoesNotContain(await webhooks.ClaimAsync(10_000, TimeSpan.FromSeconds(30), CancellationToken.None), d => d.SubscriptionId == id);
        await store.ImportAsync(new PackageBuilder().File("users", "delta", UsersHeader, OutboxTests.Delta(UserRows[1].Replace("太郎", "太", StringComparison.Ordinal))));
        Assert.Equal(-1, await webhooks.FanOutAsync(id, store.TenantId, ChangeAudience.Everything(), CancellationToken.None));
    }
}
