using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Storage.Xapi;
using Koumu.Interop.Tests.Changes;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>
/// Statement batches write the change-feed outbox (issue #4, docs/decisions/0006-change-feed.md) in their own transaction,
/// on SQLite and PostgreSQL: one "upsert" per stored Statement, one "delete" per voided one, nothing for a refused batch.
/// </summary>
public sealed class StatementChangeTests
{
    private static readonly JsonObject Authority = new() { ["objectType"] = "Agent", ["account"] = new JsonObject { ["homePage"] = "https://hub/xapi", ["name"] = "k" } };

    private static Func<DateTimeOffset, IReadOnlyList<PreparedStatement>> Prepare(params string[] statements) => stored =>
        [.. statements.Select(json => { using var d = JsonDocument.Parse(json); return XapiStatements.Prepare(d.RootElement, XapiVersion.V103, stored, Authority); })];

    private static string Statement(string id, string actor = "a") =>
        $$$"""{"id":"{{{id}}}","actor":{"mbox":"mailto:{{{actor}}}@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"}}""";

    private static string Void(string id, string target) =>
        $$$"""{"id":"{{{id}}}","actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"{{{XapiStatementValidator.VoidedVerb}}}"},"object":{"objectType":"StatementRef","id":"{{{target}}}"}}""";

    private static string NewId() => Guid.NewGuid().ToString();

    private static async Task<long> CounterAsync(TestStore store)
    {
        await using var connection = await store.Store.OpenConnectionAsync(CancellationToken.None);
        return await ChangeFeed.CurrentVersionAsync(connection, store.TenantId, CancellationToken.None);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_batch_of_n_statements_records_n_upsert_changes_with_increasing_versions_in_batch_order(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var before = await CounterAsync(db);
        var ids = Enumerable.Range(0, 25).Select(_ => NewId()).ToArray();
        var result = await statements.StoreAsync(db.TenantId, Prepare([.. ids.Select(id => Statement(id))]), default);
        Assert.Equal(XapiStoreStatus.Stored, result.Status);

        var changes = await OutboxTests.ChangesAsync(db, before);
        Assert.Equal(ids, changes.Select(c => c.SourcedId));
        Assert.All(changes, c => Assert.Equal((ChangeFeed.Statements, ChangeOperation.Upsert), (c.Resource, c.Operation)));
        Assert.Equal(Enumerable.Range(1, 25).Select(i => before + i), changes.Select(c => c.Version));
        Assert.All(changes, c => Assert.Equal(result.Stored, c.ChangedAt));
        Assert.Equal(before + 25, await CounterAsync(db));

        // A repeated identical Statement is a no-op (C §2.1.2): nothing stored, nothing recorded.
        await statements.StoreAsync(db.TenantId, Prepare(Statement(ids[0])), default);
        Assert.Equal(before + 25, await CounterAsync(db));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Voiding_records_a_delete_change_for_the_target_and_a_target_stored_voided_is_recorded_as_deleted(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var target = NewId();
        var voiding = NewId();
        await statements.StoreAsync(db.TenantId, Prepare(Statement(target)), default);
        var before = await CounterAsync(db);
        await statements.StoreAsync(db.TenantId, Prepare(Void(voiding, target)), default);
        Assert.Equal([(voiding, ChangeOperation.Upsert), (target, ChangeOperation.Delete)],
            (await OutboxTests.ChangesAsync(db, before)).Select(c => (c.SourcedId, c.Operation)));

        // Voiding an already voided target or a voiding Statement (which cannot be voided, D §2.3.2) deletes nothing.
        before = await CounterAsync(db);
        var again = NewId();
        var ofVoiding = NewId();
        await statements.StoreAsync(db.TenantId, Prepare(Void(again, target), Void(ofVoiding, voiding)), default);
        Assert.Equal([(again, ChangeOperation.Upsert), (ofVoiding, ChangeOperation.Upsert)],
            (await OutboxTests.ChangesAsync(db, before)).Select(c => (c.SourcedId, c.Operation)));

        // A target arriving after its voiding Statement is stored voided: it cannot be fetched, so its change is a delete.
        var late = NewId();
        var lateVoiding = NewId();
        await statements.StoreAsync(db.TenantId, Prepare(Void(lateVoiding, late)), default);
        before = await CounterAsync(db);
        await statements.StoreAsync(db.TenantId, Prepare(Statement(late)), default);
        Assert.Equal([(late, ChangeOperation.Delete)], (await OutboxTests.ChangesAsync(db, before)).Select(c => (c.SourcedId, c.Operation)));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_conflicting_batch_records_no_change(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var id = NewId();
        await statements.StoreAsync(db.TenantId, Prepare(Statement(id)), default);
        var before = await CounterAsync(db);
        var conflict = await statements.StoreAsync(db.TenantId, Prepare(Statement(NewId()), Void(NewId(), id), Statement(id, actor: "b")), default);
        Assert.Equal(XapiStoreStatus.Conflict, conflict.Status);
        Assert.Equal(before, await CounterAsync(db));
        Assert.Empty(await OutboxTests.ChangesAsync(db, before));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_batch_failing_inside_its_transaction_records_no_change(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var before = await CounterAsync(db);
        // The preparation runs before the lock, and again inside the batch's transaction when a later stored committed meanwhile: a failure must leave no trace.
        await Assert.ThrowsAnyAsync<Exception>(() => statements.StoreAsync(db.TenantId, stored =>
        {
            var prepared = Prepare(Statement(NewId()))(stored);
            throw new InvalidOperationException("refused after " + prepared.Count);
        }, default));
        Assert.Equal(before, await CounterAsync(db));
        Assert.Empty(await OutboxTests.ChangesAsync(db, before));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Imports_and_statement_batches_share_one_counter_with_unique_increasing_versions(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var imports = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var row = OutboxTests.Delta(OrgRows[0].Replace("Board", "Board" + i, StringComparison.Ordinal));
                Assert.True((await db.ImportAsync(new PackageBuilder().File("orgs", "delta", OrgsHeader, row))).Committed);
            }
        });
        var batches = Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++) await statements.StoreAsync(db.TenantId, Prepare(Statement(NewId()), Statement(NewId())), default);
        });
        await Task.WhenAll(imports, batches);
        var changes = await OutboxTests.ChangesAsync(db);
        Assert.Equal(20, changes.Count(c => c.Resource == ChangeFeed.Statements));
        Assert.Equal(Enumerable.Range(1, changes.Count).Select(i => (long)i), changes.Select(c => c.Version));
        Assert.Equal(changes.Count, await CounterAsync(db));
    }
}
