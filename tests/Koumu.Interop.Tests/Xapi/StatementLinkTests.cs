using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Xapi;
using Koumu.Interop.Tests.TestSupport;
using Npgsql;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>
/// The filter links of Statements (C §2.1.3 agent, related_agents, related_activities): on PostgreSQL keyed by a digest of
/// (kind, value) (<see cref="XapiLinkKind.Key"/>, migration XapiLeanerIngest), on SQLite by the text itself.
/// </summary>
public sealed class StatementLinkTests
{
    private static readonly JsonObject Authority = new() { ["objectType"] = "Agent", ["account"] = new JsonObject { ["homePage"] = "https://hub/xapi", ["name"] = "k" } };

    public static TheoryData<string, string> Values => new()
    {
        { XapiLinkKind.Agent, "mbox:mailto:a@example.org" },
        { XapiLinkKind.RelatedAgent, "account:https://portal.example.jp 山田 太郎" },
        { XapiLinkKind.RelatedActivity, "https://drill.example.jp/activities/算数/g3/u2/q1?x=1&y=ü" },
        { XapiLinkKind.RelatedActivity, "" },
        { XapiLinkKind.Agent, "openid:https://id.example.org/" + new string('é', 2000) }, // longer than the stack buffer
    };

    [SkippableTheory, MemberData(nameof(Values))]
    public async Task The_link_key_is_what_the_migration_computes_in_PostgreSQL_for_existing_rows(string kind, string value)
    {
        await using var db = await TestStore.CreateAsync("postgres");
        await using var connection = (NpgsqlConnection)await db.Store.OpenConnectionAsync(default);
        // The expression of migration XapiLeanerIngest.
        await using var command = new NpgsqlCommand("SELECT substring(sha256(convert_to(@kind || ':' || @value, 'UTF8')) from 1 for 16)", connection);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("value", value);
        var inDatabase = (byte[])(await command.ExecuteScalarAsync())!;
        Assert.Equal(inDatabase, XapiLinkKind.Key(kind, value));
        Assert.Equal(XapiLinkKind.KeyLength, inDatabase.Length);
    }

    [Fact]
    public void Link_keys_differ_by_kind_and_by_value()
    {
        var keys = new[]
        {
            XapiLinkKind.Key(XapiLinkKind.Agent, "mbox:mailto:a@example.org"),
            XapiLinkKind.Key(XapiLinkKind.RelatedAgent, "mbox:mailto:a@example.org"),
            XapiLinkKind.Key(XapiLinkKind.Agent, "mbox:mailto:b@example.org"),
            XapiLinkKind.Key(XapiLinkKind.RelatedActivity, "mbox:mailto:a@example.org"),
        };
        Assert.Equal(keys.Length, keys.Select(Convert.ToHexString).Distinct().Count());
    }

    /// <summary>
    /// A rich Statement — a Group actor with members, an Agent in a SubStatement, instructor, team, context activities of
    /// every kind in both places — is found by each IFI and activity it involves exactly as C §2.1.3 says, and by nothing
    /// else, whichever way the links are keyed.
    /// </summary>
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Every_filter_finds_a_rich_Statement_by_exactly_the_agents_and_activities_it_involves(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var store = new XapiStatementStore(db.Store);
        var id = Guid.NewGuid().ToString();
        var json = """
            {"id":"@ID",
             "actor":{"objectType":"Group","name":"班","mbox":"mailto:group@example.org","member":[{"mbox":"mailto:member@example.org"},{"account":{"homePage":"https://portal.example.jp","name":"pupil-1"}}]},
             "verb":{"id":"http://adlnet.gov/expapi/verbs/commented"},
             "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:sub-actor@example.org"},"verb":{"id":"http://x.org/v"},
                       "object":{"id":"http://x.org/sub-object"},
                       "context":{"instructor":{"mbox":"mailto:sub-instructor@example.org"},"contextActivities":{"parent":{"id":"http://x.org/sub-parent"}}}},
             "context":{"instructor":{"mbox":"mailto:instructor@example.org"},
                        "team":{"objectType":"Group","member":[{"mbox":"mailto:teammate@example.org"}]},
                        "contextActivities":{"parent":[{"id":"http://x.org/parent"}],"grouping":{"id":"http://x.org/grouping"},"category":[{"id":"http://x.org/category"}],"other":[{"id":"http://x.org/other"}]}}}
            """.Replace("@ID", id, StringComparison.Ordinal);
        Assert.Equal(XapiStoreStatus.Stored, (await store.StoreAsync(db.TenantId, stored =>
        {
            using var d = JsonDocument.Parse(json);
            return [XapiStatements.Prepare(d.RootElement, XapiVersion.V103, stored, Authority)];
        }, default)).Status);

        async Task<bool> Finds(string? agent = null, bool relatedAgents = false, string? activity = null, bool relatedActivities = false) =>
            (await store.QueryAsync(db.TenantId, new XapiStatementQuery
            {
                AgentIfi = agent, RelatedAgents = relatedAgents, ActivityId = activity, RelatedActivities = relatedActivities, Limit = 10,
            }, default)).Statements.Count == 1;

        // agent: the actor and its members (the object is a SubStatement, so no object agent).
        foreach (var ifi in new[] { "mbox:mailto:group@example.org", "mbox:mailto:member@example.org", "account:https://portal.example.jp pupil-1" })
        {
            Assert.True(await Finds(agent: ifi), ifi);
            Assert.True(await Finds(agent: ifi, relatedAgents: true), ifi);
        }
        // related_agents only: instructor, team (and members), authority, and everything in the SubStatement.
        foreach (var ifi in new[] { "mbox:mailto:instructor@example.org", "mbox:mailto:teammate@example.org", "account:https://hub/xapi k",
                     "mbox:mailto:sub-actor@example.org", "mbox:mailto:sub-instructor@example.org" })
        {
            Assert.False(await Finds(agent: ifi), ifi);
            Assert.True(await Finds(agent: ifi, relatedAgents: true), ifi);
        }
        Assert.False(await Finds(agent: "mbox:mailto:nobody@example.org", relatedAgents: true));
        // related_activities: the context activities of both levels and the SubStatement's object; plain activity: none
        // (the object is not an Activity).
        foreach (var activity in new[] { "http://x.org/parent", "http://x.org/grouping", "http://x.org/category", "http://x.org/other", "http://x.org/sub-object", "http://x.org/sub-parent" })
        {
            Assert.False(await Finds(activity: activity), activity);
            Assert.True(await Finds(activity: activity, relatedActivities: true), activity);
        }
        Assert.False(await Finds(activity: "http://x.org/none", relatedActivities: true));
        // A value of one kind does not match as another: an activity IRI is no agent.
        Assert.False(await Finds(agent: "http://x.org/parent", relatedAgents: true));
    }

    [Fact]
    public void Links_leave_out_the_actor_and_the_object_Activity_that_the_Statement_columns_index()
    {
        using var d = JsonDocument.Parse("""
            {"id":"6f1d3b1e-0000-4000-8000-000000000001","actor":{"mbox":"mailto:pupil@example.org"},"verb":{"id":"http://x.org/v"},
             "object":{"id":"http://x.org/q1"},
             "context":{"instructor":{"mbox":"mailto:teacher@example.org"},"contextActivities":{"parent":[{"id":"http://x.org/unit"}]}}}
            """);
        var index = XapiStatements.Prepare(d.RootElement, XapiVersion.V103, DateTimeOffset.UtcNow, Authority).Index;
        Assert.Equal("mbox:mailto:pupil@example.org", index.ActorIfi);
        Assert.Equal("http://x.org/q1", index.ActivityId);
        Assert.Equal(
            new[] { (XapiLinkKind.RelatedAgent, "account:https://hub/xapi k"), (XapiLinkKind.RelatedAgent, "mbox:mailto:teacher@example.org"), (XapiLinkKind.RelatedActivity, "http://x.org/unit") }
                .Order(),
            XapiStatementStore.Links(index).Order());
    }

    /// <summary>
    /// The common shape — an identified actor and an Activity object — is matched through the Statement's own columns,
    /// other Statements through their links; a filter with both (agent, related_agents, related_activities) pages through
    /// the union in sequence order, each Statement once, newest first and ascending alike, alone or combined.
    /// </summary>
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Column_and_link_matches_page_together_in_sequence_order_each_Statement_once(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var store = new XapiStatementStore(db.Store);
        const string Pupil = "mailto:pupil@example.org", Unit = "http://x.org/unit";
        // i % 3 == 0: the pupil is the actor and the unit the object (columns); i % 3 == 1: the pupil is the instructor and
        // the unit a parent (links only); i % 3 == 2: neither.
        var ids = new List<string>();
        for (var i = 0; i < 21; i++)
        {
            var id = Guid.NewGuid().ToString();
            ids.Add(id);
            var (actor, obj, context) = (i % 3) switch
            {
                0 => (Pupil, Unit, """{"instructor":{"mbox":"mailto:other@example.org"}}"""),
                1 => ("mailto:other@example.org", "http://x.org/q" + i, "{\"instructor\":{\"mbox\":\"" + Pupil + "\"},\"contextActivities\":{\"parent\":[{\"id\":\"" + Unit + "\"}]}}"),
                _ => ("mailto:other@example.org", "http://x.org/q" + i, """{"instructor":{"mbox":"mailto:other@example.org"}}"""),
            };
            var json = $$"""{"id":"{{id}}","actor":{"mbox":"{{actor}}"},"verb":{"id":"http://x.org/v"},"object":{"id":"{{obj}}"},"context":""" + context + "}";
            Assert.Equal(XapiStoreStatus.Stored, (await store.StoreAsync(db.TenantId, stored =>
            {
                using var d = JsonDocument.Parse(json);
                return [XapiStatements.Prepare(d.RootElement, XapiVersion.V103, stored, Authority)];
            }, default)).Status);
        }
        var columns = ids.Where((_, i) => i % 3 == 0).ToList();
        var either = ids.Where((_, i) => i % 3 != 2).ToList();

        async Task<List<string>> All(XapiStatementQuery query)
        {
            var found = new List<string>();
            long? after = null;
            while (true)
            {
                var page = await store.QueryAsync(db.TenantId, query with { After = after }, default);
                found.AddRange(page.Statements.Select(s => JsonNode.Parse(s.Json)!["id"]!.GetValue<string>()));
                if (!page.HasMore) return found;
                after = page.Statements[^1].Sequence;
            }
        }
        foreach (var ascending in new[] { false, true })
        {
            List<string> Ordered(List<string> expected) => ascending ? expected : [.. Enumerable.Reverse(expected)];
            var q = new XapiStatementQuery { Limit = 4, Ascending = ascending };
            Assert.Equal(Ordered(columns), await All(q with { AgentIfi = "mbox:" + Pupil }));
            Assert.Equal(Ordered(either), await All(q with { AgentIfi = "mbox:" + Pupil, RelatedAgents = true }));
            Assert.Equal(Ordered(columns), await All(q with { ActivityId = Unit }));
            Assert.Equal(Ordered(either), await All(q with { ActivityId = Unit, RelatedActivities = true }));
            Assert.Equal(Ordered(either), await All(q with { AgentIfi = "mbox:" + Pupil, RelatedAgents = true, ActivityId = Unit, RelatedActivities = true }));
            Assert.Equal(Ordered(columns), await All(q with { AgentIfi = "mbox:" + Pupil, ActivityId = Unit, RelatedActivities = true }));
            Assert.Equal(Ordered(columns), await All(q with { AgentIfi = "mbox:" + Pupil, RelatedAgents = true, ActivityId = Unit }));
        }
    }

    /// <summary>
    /// Links written before the Statement's columns were left out of them repeat a column's value; such a Statement is
    /// found once, not once per index that holds it.
    /// </summary>
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_link_that_repeats_a_column_value_does_not_return_the_Statement_twice(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var store = new XapiStatementStore(db.Store);
        var json = $$"""{"id":"{{Guid.NewGuid()}}","actor":{"mbox":"mailto:pupil@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/q1"}""" + "}";
        Assert.Equal(XapiStoreStatus.Stored, (await store.StoreAsync(db.TenantId, stored =>
        {
            using var d = JsonDocument.Parse(json);
            return [XapiStatements.Prepare(d.RootElement, XapiVersion.V103, stored, Authority)];
        }, default)).Status);
        await using (var connection = await db.Store.OpenConnectionAsync(default))
        {
            foreach (var (kind, value) in new[] { (XapiLinkKind.Agent, "mbox:mailto:pupil@example.org"), (XapiLinkKind.RelatedAgent, "mbox:mailto:pupil@example.org"), (XapiLinkKind.RelatedActivity, "http://x.org/q1") })
            {
                await using var insert = connection.CreateCommand();
                if (connection is NpgsqlConnection)
                {
                    insert.CommandText = "INSERT INTO xapi_statement_links (tenant_id, key, sequence) SELECT tenant_id, @key, sequence FROM xapi_statements WHERE tenant_id = @tenant";
                    ((NpgsqlCommand)insert).Parameters.AddWithValue("key", XapiLinkKind.Key(kind, value));
                }
                else
                {
                    insert.CommandText = "INSERT INTO xapi_statement_links (tenant_id, kind, value, sequence) SELECT tenant_id, @kind, @value, sequence FROM xapi_statements WHERE tenant_id = @tenant";
                    AddParameter(insert, "kind", kind);
                    AddParameter(insert, "value", value);
                }
                AddParameter(insert, "tenant", db.TenantId);
                Assert.Equal(1, await insert.ExecuteNonQueryAsync());
            }
        }
        foreach (var query in new[]
                 {
                     new XapiStatementQuery { AgentIfi = "mbox:mailto:pupil@example.org", Limit = 10 },
                     new XapiStatementQuery { AgentIfi = "mbox:mailto:pupil@example.org", RelatedAgents = true, Limit = 10 },
                     new XapiStatementQuery { ActivityId = "http://x.org/q1", RelatedActivities = true, Limit = 10 },
                 })
        {
            var page = await store.QueryAsync(db.TenantId, query, default);
            Assert.Single(page.Statements);
            Assert.False(page.HasMore);
        }
    }

    /// <summary>
    /// Migration XapiLinksLeaveOutColumns removes from stored links exactly the rows the store no longer writes, and its
    /// Down gives them back: migrating down adds the actor (twice) and the object Activity, migrating up takes them away
    /// again, and the Statement is found the same way throughout.
    /// </summary>
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Migration_XapiLinksLeaveOutColumns_drops_the_links_the_columns_index_and_its_Down_restores_them(string provider)
    {
        await using var db = provider == "postgres" ? await TestStore.CreateIsolatedPostgresAsync() : await TestStore.CreateAsync(provider);
        var store = new XapiStatementStore(db.Store);
        var json = $$"""{"id":"{{Guid.NewGuid()}}","actor":{"mbox":"mailto:pupil@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/q1"},"context":{"contextActivities":{"parent":[{"id":"http://x.org/unit"}]}""" + "}}";
        Assert.Equal(XapiStoreStatus.Stored, (await store.StoreAsync(db.TenantId, stored =>
        {
            using var d = JsonDocument.Parse(json);
            return [XapiStatements.Prepare(d.RootElement, XapiVersion.V103, stored, Authority)];
        }, default)).Status);

        async Task<long> Links()
        {
            await using var connection = await db.Store.OpenConnectionAsync(default);
            await using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM xapi_statement_links";
            return Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }
        async Task Found()
        {
            foreach (var query in new[]
                     {
                         new XapiStatementQuery { AgentIfi = "mbox:mailto:pupil@example.org", Limit = 10 },
                         new XapiStatementQuery { AgentIfi = "account:https://hub/xapi k", RelatedAgents = true, Limit = 10 },
                         new XapiStatementQuery { ActivityId = "http://x.org/q1", RelatedActivities = true, Limit = 10 },
                         new XapiStatementQuery { ActivityId = "http://x.org/unit", RelatedActivities = true, Limit = 10 },
                     })
                Assert.Single((await store.QueryAsync(db.TenantId, query, default)).Statements);
        }
        Assert.Equal(2, await Links()); // the authority, the parent
        await Found();
        var previous = provider == "postgres" ? "20261124195330_XapiLeanerIngest" : "20261124183108_XapiIngest";
        await using (var context = db.Store.CreateDbContext())
            await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(context.Database).MigrateAsync(previous);
        Assert.Equal(5, await Links());
        await Found();
        await db.Store.MigrateAsync();
        Assert.Equal(2, await Links());
        await Found();
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
