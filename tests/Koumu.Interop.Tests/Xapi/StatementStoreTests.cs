using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage.Xapi;
using Koumu.Interop.Tests.TestSupport;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>The Statement store on SQLite and PostgreSQL: all-or-nothing batches, id conflicts, voiding, filters, paging.</summary>
public sealed class StatementStoreTests
{
    private static readonly JsonObject Authority = new() { ["objectType"] = "Agent", ["account"] = new JsonObject { ["homePage"] = "https://hub/xapi", ["name"] = "k" } };

    private static Func<DateTimeOffset, IReadOnlyList<PreparedStatement>> Prepare(params string[] statements) => stored =>
        [.. statements.Select(json => { using var d = JsonDocument.Parse(json); return XapiStatements.Prepare(d.RootElement, XapiVersion.V103, stored, Authority); })];

    private static string Statement(string id, string actor = "a", string verb = "http://x.org/v", string activity = "http://x.org/a", string extra = "") =>
        $$$"""{"id":"{{{id}}}","actor":{"mbox":"mailto:{{{actor}}}@example.org"},"verb":{"id":"{{{verb}}}"},"object":{"id":"{{{activity}}}"}{{{extra}}}}""";

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Same_id_same_content_is_a_no_op_and_different_content_conflicts_without_writing_the_batch(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var id = Guid.NewGuid().ToString();
        Assert.Equal(XapiStoreStatus.Stored, (await statements.StoreAsync(db.TenantId, Prepare(Statement(id)), default)).Status);
        Assert.Equal(XapiStoreStatus.Stored, (await statements.StoreAsync(db.TenantId, Prepare(Statement(id)), default)).Status);
        Assert.Equal(1, await statements.CountAsync(db.TenantId, default));

        var other = Guid.NewGuid().ToString();
        var conflict = await statements.StoreAsync(db.TenantId, Prepare(Statement(other), Statement(id, actor: "b")), default);
        Assert.Equal(XapiStoreStatus.Conflict, conflict.Status);
        Assert.Equal(id, conflict.ConflictId);
        Assert.Equal(1, await statements.CountAsync(db.TenantId, default));
        Assert.Null(await statements.GetAsync(db.TenantId, other, voided: false, default));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_batch_prepared_before_a_later_batch_committed_is_prepared_again_so_stored_never_goes_back(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var (early, late) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        var instants = new List<DateTimeOffset>();
        XapiStoreResult? lateResult = null;
        // The early batch is prepared (before the tenant's lock is taken), then — before it gets the lock — another
        // batch commits with a later stored instant.
        var result = await statements.StoreAsync(db.TenantId, stored =>
        {
            instants.Add(stored);
            if (instants.Count == 1)
            {
                Thread.Sleep(5);
                lateResult = statements.StoreAsync(db.TenantId, Prepare(Statement(late)), default).GetAwaiter().GetResult();
            }
            return Prepare(Statement(early))(stored);
        }, default);

        Assert.Equal(XapiStoreStatus.Stored, result.Status);
        Assert.Equal(2, instants.Count); // prepared again under the lock
        Assert.True(lateResult!.Stored > instants[0].UtcDateTime);
        Assert.Equal(lateResult.Stored, result.Stored);
        Assert.Equal(lateResult.Stored, instants[1].UtcDateTime);
        var stored = (await statements.GetAsync(db.TenantId, early, voided: false, default))!;
        var lateStored = (await statements.GetAsync(db.TenantId, late, voided: false, default))!;
        Assert.True(stored.Sequence > lateStored.Sequence);
        Assert.Equal(result.Stored, stored.Stored);
        // The JSON carries the instant it was stored with (and timestamp defaults to it), not the first preparation's.
        var json = JsonNode.Parse(stored.Json)!;
        Assert.Equal(XapiFormats.FormatTimestamp(new DateTimeOffset(result.Stored)), json["stored"]!.GetValue<string>());
        Assert.Equal(XapiFormats.FormatTimestamp(new DateTimeOffset(result.Stored)), json["timestamp"]!.GetValue<string>());
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_batch_prepared_after_the_last_commit_is_prepared_once(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var first = await statements.StoreAsync(db.TenantId, Prepare(Statement(Guid.NewGuid().ToString())), default);
        await Task.Delay(5);
        var calls = 0;
        var second = await statements.StoreAsync(db.TenantId, stored => { calls++; return Prepare(Statement(Guid.NewGuid().ToString()))(stored); }, default);
        Assert.Equal(1, calls);
        Assert.True(second.Stored > first.Stored);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Voiding_marks_the_target_voided_but_never_a_voiding_statement(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var target = Guid.NewGuid().ToString();
        var voiding = Guid.NewGuid().ToString();
        var voidingTheVoiding = Guid.NewGuid().ToString();
        string Void(string id, string t) => $$$"""{"id":"{{{id}}}","actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"{{{XapiStatementValidator.VoidedVerb}}}"},"object":{"objectType":"StatementRef","id":"{{{t}}}"}}""";
        await statements.StoreAsync(db.TenantId, Prepare(Statement(target), Void(voiding, target)), default);
        await statements.StoreAsync(db.TenantId, Prepare(Void(voidingTheVoiding, voiding)), default);

        Assert.Null(await statements.GetAsync(db.TenantId, target, voided: false, default));
        Assert.NotNull(await statements.GetAsync(db.TenantId, target, voided: true, default));
        Assert.NotNull(await statements.GetAsync(db.TenantId, voiding, voided: false, default));
        var page = await statements.QueryAsync(db.TenantId, new XapiStatementQuery { Limit = 10 }, default);
        Assert.DoesNotContain(page.Statements, s => s.Json.Contains(target + "\",\"actor", StringComparison.Ordinal));
        Assert.Equal(2, page.Statements.Count);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_target_arriving_after_its_voiding_statement_is_stored_voided(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var late = Guid.NewGuid().ToString();
        var inBatch = Guid.NewGuid().ToString();
        string Void(string t) => $$$"""{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"{{{XapiStatementValidator.VoidedVerb}}}"},"object":{"objectType":"StatementRef","id":"{{{t}}}"}}""";
        await statements.StoreAsync(db.TenantId, Prepare(Void(late)), default);
        await statements.StoreAsync(db.TenantId, Prepare(Statement(late), Void(inBatch), Statement(inBatch)), default);
        Assert.NotNull(await statements.GetAsync(db.TenantId, late, voided: true, default));
        Assert.NotNull(await statements.GetAsync(db.TenantId, inBatch, voided: true, default));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Filters_and_paging_visit_every_matching_statement_once_newest_first(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var ids = new List<string>();
        for (var batch = 0; batch < 5; batch++)
        {
            var jsons = Enumerable.Range(0, 7).Select(i =>
            {
                var id = Guid.NewGuid().ToString();
                ids.Add(id);
                return Statement(id, actor: i % 2 == 0 ? "even" : "odd", activity: $"http://x.org/a{i % 3}",
                    extra: ""","context":{"contextActivities":{"parent":{"id":"http://x.org/course"}}}""");
            }).ToArray();
            await statements.StoreAsync(db.TenantId, Prepare(jsons), default);
        }
        var seen = new List<string>();
        long? after = null;
        while (true)
        {
            var page = await statements.QueryAsync(db.TenantId, new XapiStatementQuery { Limit = 4, After = after, AgentIfi = "mbox:mailto:even@example.org" }, default);
            seen.AddRange(page.Statements.Select(s => JsonNode.Parse(s.Json)!["id"]!.GetValue<string>()));
            if (!page.HasMore) break;
            after = page.Statements[^1].Sequence;
        }
        var expected = ids.Where((_, i) => i % 7 % 2 == 0).Reverse().ToList();
        Assert.Equal(expected, seen);

        var related = await statements.QueryAsync(db.TenantId, new XapiStatementQuery { Limit = 100, ActivityId = "http://x.org/course", RelatedActivities = true }, default);
        Assert.Equal(35, related.Statements.Count);
        var narrow = await statements.QueryAsync(db.TenantId, new XapiStatementQuery { Limit = 100, ActivityId = "http://x.org/course" }, default);
        Assert.Empty(narrow.Statements);
        var a0 = await statements.QueryAsync(db.TenantId, new XapiStatementQuery { Limit = 100, ActivityId = "http://x.org/a0", Ascending = true }, default);
        Assert.Equal(15, a0.Statements.Count);
        Assert.True(a0.Statements.Zip(a0.Statements.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Filters_also_match_statements_targeting_a_matching_statement_recursively(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        string Ref(string id, string target, string verb = "http://x.org/comment") =>
            $$$"""{"id":"{{{id}}}","actor":{"mbox":"mailto:c@example.org"},"verb":{"id":"{{{verb}}}"},"object":{"objectType":"StatementRef","id":"{{{target}}}"}}""";
        string[] ids = [.. Enumerable.Range(0, 7).Select(_ => Guid.NewGuid().ToString())];
        var (a, b, c, d, v, other, otherRef) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6]);
        await statements.StoreAsync(db.TenantId, Prepare(
            Statement(a, verb: "http://x.org/passed"),
            Ref(b, a),
            Ref(c, b),
            Statement(d, verb: "http://x.org/passed"),
            Ref(v, d, XapiStatementValidator.VoidedVerb),
            Statement(other, verb: "http://x.org/failed"),
            Ref(otherRef, other)), default);

        var page = await statements.QueryAsync(db.TenantId, new XapiStatementQuery { Limit = 100, VerbId = "http://x.org/passed", Ascending = true }, default);
        var found = page.Statements.Select(s => JsonNode.Parse(s.Json)!["id"]!.GetValue<string>()).ToList();
        // d is voided (not returned itself), but v targets it and d matches.
        Assert.Equal([a, b, c, v], found);

        var paged = new List<string>();
        long? after = null;
        do
        {
            var p = await statements.QueryAsync(db.TenantId, new XapiStatementQuery { Limit = 1, VerbId = "http://x.org/passed", After = after }, default);
            paged.AddRange(p.Statements.Select(s => JsonNode.Parse(s.Json)!["id"]!.GetValue<string>()));
            after = p.HasMore ? p.Statements[^1].Sequence : null;
        }
        while (after is not null);
        Assert.Equal([v, c, b, a], paged);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Tenants_do_not_see_each_others_statements(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var other = await db.CreateOtherTenantAsync("o" + Guid.NewGuid().ToString("N")[..10]);
        var id = Guid.NewGuid().ToString();
        await statements.StoreAsync(db.TenantId, Prepare(Statement(id)), default);
        Assert.Null(await statements.GetAsync(other, id, voided: false, default));
        Assert.Empty((await statements.QueryAsync(other, new XapiStatementQuery { Limit = 10 }, default)).Statements);
        // The same id in another tenant is another Statement, not a conflict.
        Assert.Equal(XapiStoreStatus.Stored, (await statements.StoreAsync(other, Prepare(Statement(id, actor: "z")), default)).Status);
    }

    /// <summary>
    /// On PostgreSQL a batch's rows are encoded before the lock and their sequences patched under it; a batch with an id
    /// already stored (or a stored voiding target) is encoded again under the lock. Either way the Statements follow one
    /// another in the order they were stored, each once, with every column intact.
    /// </summary>
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Batches_written_as_encoded_before_the_lock_or_again_under_it_continue_the_sequence(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var statements = new XapiStatementStore(db.Store);
        var ids = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid().ToString()).ToArray();
        var registration = Guid.NewGuid().ToString();
        string Rich(string id) => Statement(id, actor: "生徒", activity: "https://drill.example.jp/活動/1",
            extra: ",\"context\":{\"registration\":\"" + registration + "\",\"contextActivities\":{\"parent\":{\"id\":\"https://drill.example.jp/単元\"}}}");
        await statements.StoreAsync(db.TenantId, Prepare(Rich(ids[0]), Rich(ids[1]), Rich(ids[2])), default);
        await statements.StoreAsync(db.TenantId, Prepare(Rich(ids[1]), Rich(ids[3]), Rich(ids[4])), default); // ids[1] stored: encoded under the lock
        await statements.StoreAsync(db.TenantId, Prepare(Rich(ids[5]), Rich(ids[6])), default);

        var page = await statements.QueryAsync(db.TenantId, new XapiStatementQuery { Limit = 20, Ascending = true }, default);
        Assert.Equal(new[] { ids[0], ids[1], ids[2], ids[3], ids[4], ids[5], ids[6] },
            page.Statements.Select(s => JsonNode.Parse(s.Json)!["id"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => page.Statements[0].Sequence + i), page.Statements.Select(s => s.Sequence));
        foreach (var query in new[]
        {
            new XapiStatementQuery { Limit = 20, Registration = registration },
            new XapiStatementQuery { Limit = 20, AgentIfi = "mbox:mailto:生徒@example.org" },
            new XapiStatementQuery { Limit = 20, ActivityId = "https://drill.example.jp/単元", RelatedActivities = true },
        })
            Assert.Equal(7, (await statements.QueryAsync(db.TenantId, query, default)).Statements.Count);
    }

    /// <summary>
    /// PostgreSQL reads a batch's stored ids before the tenant's lock (it warms the index pages the inserts need), so two
    /// batches carrying the same id can both find it absent. The one that gets the lock second then fails on the unique
    /// (tenant, id) index, is rolled back and stored again — and now sees the id: a no-op when the content is the same, a
    /// conflict that writes nothing when it differs (C §2.1.1–2.1.2), never an error.
    /// </summary>
    [SkippableTheory, InlineData(true), InlineData(false)]
    public async Task Two_batches_that_both_read_an_id_as_absent_before_the_lock_store_it_once(bool sameContent)
    {
        await using var db = await TestStore.CreateAsync("postgres");
        var statements = new XapiStatementStore(db.Store);
        var (shared, first, second) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), Guid.NewGuid().ToString());

        // Hold the tenant's lock (advisory 7401, as XapiStatementStore takes it) until both batches have done their
        // reads and are waiting for it.
        await using var holder = (Npgsql.NpgsqlConnection)await db.Store.OpenConnectionAsync(default);
        await Execute(holder, $"SELECT pg_advisory_lock(7401, {db.TenantId})");
        var a = Task.Run(() => statements.StoreAsync(db.TenantId, Prepare(Statement(shared), Statement(first)), default));
        var b = Task.Run(() => statements.StoreAsync(db.TenantId, Prepare(Statement(shared, actor: sameContent ? "a" : "b"), Statement(second)), default));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await Scalar(holder, $"SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 7401 AND objid = {db.TenantId} AND NOT granted") < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "both batches should be waiting for the tenant's lock");
            await Task.Delay(10);
        }
        await Execute(holder, $"SELECT pg_advisory_unlock(7401, {db.TenantId})");
        var results = await Task.WhenAll(a, b);

        var count = await statements.CountAsync(db.TenantId, default);
        if (sameContent)
        {
            Assert.All(results, r => Assert.Equal(XapiStoreStatus.Stored, r.Status));
            Assert.Equal(3, count);
        }
        else
        {
            Assert.Equal(1, results.Count(r => r.Status == XapiStoreStatus.Stored));
            var conflict = Assert.Single(results, r => r.Status == XapiStoreStatus.Conflict);
            Assert.Equal(shared, conflict.ConflictId);
            Assert.Equal(2, count); // the conflicting batch wrote nothing
            var lost = conflict == results[0] ? first : second;
            Assert.Null(await statements.GetAsync(db.TenantId, lost, voided: false, default));
        }
    }

    /// <summary>
    /// The page warm-up is only worth its round trip if each probe walks the index the batch's inserts modify: the
    /// registration index to the new value's leaf, the actor and Activity indexes to the range's right edge. The
    /// planner could answer the actor and Activity probes from the primary key instead (their sequence bound is
    /// impossible), which would warm nothing — as the first version of the query did at 10 M.
    /// </summary>
    [SkippableFact]
    public async Task The_page_warm_up_probes_the_indexes_the_inserts_modify()
    {
        await using var db = await TestStore.CreateAsync("postgres");
        var statements = new XapiStatementStore(db.Store);
        for (var batch = 0; batch < 5; batch++)
            await statements.StoreAsync(db.TenantId, Prepare([.. Enumerable.Range(0, 100).Select(i => Statement(Guid.NewGuid().ToString(), actor: $"p{i % 40}",
                activity: $"http://x.org/a{i % 30}", extra: ",\"context\":{\"registration\":\"" + Guid.NewGuid() + "\"}"))]), default);
        await using var connection = (Npgsql.NpgsqlConnection)await db.Store.OpenConnectionAsync(default);
        await Execute(connection, "ANALYZE xapi_statements");
        await Execute(connection, "SET plan_cache_mode = force_generic_plan");
        await Execute(connection, "PREPARE warm(integer, text[], text[], text[]) AS " + XapiStatementStore.WarmPagesSql);
        await using var explain = new Npgsql.NpgsqlCommand(
            $"EXPLAIN (FORMAT TEXT) EXECUTE warm({db.TenantId}, ARRAY['{Guid.NewGuid()}'], ARRAY['mbox:mailto:p1@example.org'], ARRAY['http://x.org/a1'])", connection);
        var plan = new System.Text.StringBuilder();
        await using (var reader = await explain.ExecuteReaderAsync())
            while (await reader.ReadAsync()) plan.AppendLine(reader.GetString(0));
        var text = plan.ToString();
        Assert.Contains("IX_xapi_statements_tenant_id_registration_sequence", text, StringComparison.Ordinal);
        Assert.Contains("IX_xapi_statements_tenant_id_actor_ifi_sequence", text, StringComparison.Ordinal);
        Assert.Contains("IX_xapi_statements_tenant_id_activity_id_sequence", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PK_xapi_statements", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", text, StringComparison.Ordinal);
    }

    private static async Task Execute(Npgsql.NpgsqlConnection connection, string sql)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> Scalar(Npgsql.NpgsqlConnection connection, string sql)
    {
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
