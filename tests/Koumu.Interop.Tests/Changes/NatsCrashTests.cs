using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Tests.OneRoster;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using Xunit.Abstractions;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Changes;

/// <summary>
/// The NATS publisher across crashes (issue #4 §5, at-least-once across restarts): the hub process is killed (SIGKILL)
/// while it publishes a burst of changes; after a restart the stream holds every change exactly once, in version order,
/// and nothing the killed process had recorded as acknowledged is published again. A core NATS subscription on
/// <c>koumu.&gt;</c> watches every publish — it sees re-publishes that JetStream then drops as duplicates, so it can
/// tell a re-publish from a first publish.
/// </summary>
public sealed class NatsCrashTests(ITestOutputHelper output)
{
    private const int Burst = 3_000;

    [SkippableFact]
    public Task Sqlite_publisher_killed_mid_burst_republishes_nothing_it_recorded_and_loses_nothing() => RunAsync(postgres: false, processes: 1);

    [SkippableFact]
    public Task Postgres_publisher_killed_mid_burst_republishes_nothing_it_recorded_and_loses_nothing() => RunAsync(postgres: true, processes: 1);

    [SkippableFact]
    public Task Postgres_two_hubs_share_the_publishing_and_the_survivor_takes_over_the_killed_ones_tenant() => RunAsync(postgres: true, processes: 2);

    private async Task RunAsync(bool postgres, int processes)
    {
        await using var nats = await NatsServer.StartAsync();
        var stream = "KOUMU_CRASH_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var folder = Path.Combine(Path.GetTempPath(), "koumu-nats-crash-" + Guid.NewGuid().ToString("N"));
        string? connection = null;
        if (postgres)
        {
            await using var isolated = await TestStore.CreateIsolatedPostgresAsync();
            connection = isolated.Store.Options.ConnectionString;
        }
        StorageOptions storage;
        using (var setup = new CrashSetupHub(folder, connection))
        {
            setup.KeepFolder = true;
            await setup.ImportAsync(RosteringHub.Tenant, RosteringHub.Package());
            storage = setup.Services.GetRequiredService<RosterStore>().Options;
            try { Directory.Delete(setup.Folder, recursive: true); } catch (IOException) { }
        }

        await using var watcher = new NatsConnection(new NatsOpts { Url = nats.Url });
        var seen = new ConcurrentQueue<(DateTime At, long Version)>();
        await using var subscription = await watcher.SubscribeCoreAsync<byte[]>("koumu.>");
        using var stopWatching = new CancellationTokenSource();
        var watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var message in subscription.Msgs.ReadAllAsync(stopWatching.Token))
                    seen.Enqueue((DateTime.UtcNow, JsonDocument.Parse(message.Data!).RootElement.GetProperty("data").GetProperty("version").GetInt64()));
            }
            catch (OperationCanceledException)
            {
            }
        });
        string[] settings =
        [
            $"--Koumu:Nats:Url={nats.Url}", $"--Koumu:Nats:Stream={stream}", "--Koumu:Nats:PollMilliseconds=50",
            "--Koumu:Nats:LeaseSeconds=5", "--Koumu:Nats:AckTimeoutSeconds=2",
        ];
        var hubs = new List<Process>();
        try
        {
            for (var i = 0; i < processes; i++) hubs.Add(await CrashTests.StartHubAsync(folder, storage, settings));
            var store = new RosterStore(storage);
            var progress = new PublisherStore(store);
            var tenantId = (await store.FindTenantAsync(RosteringHub.Tenant))!.Value;
            var before = await CrashTests.VersionAsync(store, tenantId);
            var import = Task.Run(() => ImportBurstAsync(store, tenantId));

            // Kill (SIGKILL) once the burst is being published.
            var clock = Stopwatch.StartNew();
            while (seen.Count < before + 300 && clock.Elapsed < TimeSpan.FromSeconds(120)) await Task.Delay(10);
            hubs[0].Kill();
            await hubs[0].WaitForExitAsync();
            var recorded = await progress.PublishedVersionAsync("nats:" + stream, tenantId, CancellationToken.None);
            await import;
            var total = await CrashTests.VersionAsync(store, tenantId);
            Assert.Equal(before + Burst, total);
            Assert.True(recorded < total, $"the kill came after everything was published ({recorded} of {total})");
            var restartedAt = DateTime.UtcNow;
            if (processes == 1) hubs[0] = await CrashTests.StartHubAsync(folder, storage, settings);

            clock.Restart();
            while (await progress.PublishedVersionAsync("nats:" + stream, tenantId, CancellationToken.None) < total)
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), "the publisher did not catch up after the crash");
                await Task.Delay(50);
            }

            // Loses nothing, and the stream holds each change once, in version order (re-publishes dropped by Nats-Msg-Id).
            var stored = await nats.ReadStreamAsync(stream);
            Assert.Equal(Enumerable.Range(1, (int)total).Select(v => (long)v), stored.Select(m => m.Version));
            Assert.Equal(stored.Select(m => $"{RosteringHub.Tenant}:{m.Version}"), stored.Select(m => m.MessageId));
            // Nothing recorded as acknowledged before the kill was published again after it.
            var republished = seen.Where(s => s.At >= restartedAt && s.Version <= recorded).ToList();
            Assert.Empty(republished);
            var publishes = seen.Count;
            output.WriteLine($"{(postgres ? "PostgreSQL" : "SQLite")}, {processes} process(es): killed with {recorded} of {total} changes recorded as " +
                $"published; {publishes} publishes seen for {total} changes ({publishes - total} re-publishes of unrecorded acknowledgements, dropped by JetStream); " +
                $"stream holds {stored.Count} messages");
        }
        finally
        {
            foreach (var hub in hubs.Where(h => !h.HasExited)) { hub.Kill(); await hub.WaitForExitAsync(); }
            foreach (var hub in hubs) hub.Dispose();
            await stopWatching.CancelAsync();
            await watching;
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary><see cref="Burst"/> new users in delta imports of 1,000.</summary>
    private static async Task ImportBurstAsync(RosterStore store, int tenantId)
    {
        for (var batch = 0; batch < Burst / 1000; batch++)
        {
            var rows = Enumerable.Range(batch * 1000, 1000)
                .Select(i => OutboxTests.Delta($"nats-{i:D5},,,true,nats{i},,名{i},姓,,,,,,,P1,,,,,,org-school,"));
            var package = new PackageBuilder().File("users", "delta", UsersHeader, [.. rows]).WriteFolder();
            try
            {
                using var source = new FolderPackageSource(package);
                var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions());
                Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems.Take(5)));
            }
            finally
            {
                Directory.Delete(package, recursive: true);
            }
        }
    }
}
