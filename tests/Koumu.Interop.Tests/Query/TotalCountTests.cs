using System.Globalization;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Query;

/// <summary>
/// X-Total-Count through <see cref="TotalCountCache"/> against stored rosters, on SQLite and PostgreSQL: always the exact
/// number of records the request matches (OneRoster 1.2 REST), never a total of older data, of another filter or of a
/// wider confinement.
/// </summary>
public sealed class TotalCountTests
{
    private static PackageBuilder Delta(string file, string header, params string[] rows) => new PackageBuilder().File(file, "delta", header, rows);

    private static async Task<TestStore> RosterAsync(string provider)
    {
        var store = await TestStore.CreateAsync(provider);
        var outcome = await store.ImportAsync(SamplePackages.Rostering());
        Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems));
        return store;
    }

    private static async Task<long> TotalAsync(TestStore store, TotalCountCache cache, string? filter = null,
        QueryConfinement? confinement = null, int? tenantId = null)
    {
        var query = RosterQueryParser.Parse(QueryCollections.Users, new QueryParameters(Filter: filter, Limit: "1"));
        Assert.True(query.IsSuccess, query.Error?.ToString());
        var plan = RosterQueryCompiler.Compile(query.Value, store.Provider, tenantId ?? store.TenantId, confinement ?? QueryConfinement.None);
        await using var connection = await store.Store.OpenConnectionAsync(CancellationToken.None);
        var page = await RosterQueryExecutor.ReadPageAsync(connection, plan, includeTotal: true, cursors: null, cache);
        return page.TotalCount!.Value;
    }

    private static async Task<long> DataVersionAsync(TestStore store)
    {
        await using var connection = await store.Store.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT data_version FROM tenants WHERE id = {store.TenantId}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Total_after_an_import_is_the_number_of_stored_records_and_is_counted_once(string provider)
    {
        await using var store = await RosterAsync(provider);
        var cache = new TotalCountCache();

        Assert.Equal(await store.CountAsync("users"), await TotalAsync(store, cache));
        Assert.Equal(await store.CountAsync("users"), await TotalAsync(store, cache));
        Assert.Equal(3, await TotalAsync(store, cache));
        Assert.Equal(1, cache.Misses);
        Assert.Equal(2, cache.Hits);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Every_committed_import_moves_the_data_version_and_the_total_follows_additions_and_deletions(string provider)
    {
        await using var store = await RosterAsync(provider);
        var cache = new TotalCountCache();
        var first = await DataVersionAsync(store);
        Assert.Equal(3, await TotalAsync(store, cache, "status='active'"));

        var added = await store.ImportAsync(Delta("users", UsersHeader, "user-s9,active,2026-05-01T00:00:00Z,true,pupil9,,九郎,山田,,,,,,,P1,,,,,,org-school,"));
        Assert.True(added.Committed, string.Join("\n", added.Result.Problems));
        Assert.Equal(first + 1, await DataVersionAsync(store));
        Assert.Equal(4, await TotalAsync(store, cache, "status='active'"));

        var deleted = await store.ImportAsync(Delta("users", UsersHeader, "user-s9,tobedeleted,2026-05-02T00:00:00Z,,,,,,,,,,,,,,,,,,,"));
        Assert.True(deleted.Committed, string.Join("\n", deleted.Result.Problems));
        Assert.Equal(first + 2, await DataVersionAsync(store));
        Assert.Equal(3, await TotalAsync(store, cache, "status='active'"));
        Assert.Equal(4, await TotalAsync(store, cache)); // the deleted record is still served, as tobedeleted
        Assert.Equal(0, cache.Hits);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_rejected_import_leaves_the_data_version_and_the_cached_total_as_they_were(string provider)
    {
        await using var store = await RosterAsync(provider);
        var cache = new TotalCountCache();
        var before = await DataVersionAsync(store);
        Assert.Equal(3, await TotalAsync(store, cache));

        // A user at an org that does not exist: rejected, nothing stored.
        var rejected = await store.ImportAsync(Delta("users", UsersHeader, "user-x,active,2026-05-01T00:00:00Z,true,x,,x,x,,,,,,,P1,,,,,,org-missing,"));
        Assert.False(rejected.Committed);

        Assert.Equal(before, await DataVersionAsync(store));
        Assert.Equal(3, await TotalAsync(store, cache));
        Assert.Equal(1, cache.Hits);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Two_filters_do_not_share_a_total(string provider)
    {
        await using var store = await RosterAsync(provider);
        var cache = new TotalCountCache();
        var teachers = await store.CountAsync("users", "family_name = '山田'");
        var pupils = await store.CountAsync("users", "family_name = '佐藤'");

        Assert.Equal(teachers, await TotalAsync(store, cache, "familyName='山田'"));
        Assert.Equal(pupils, await TotalAsync(store, cache, "familyName='佐藤'"));
        Assert.Equal(0, await TotalAsync(store, cache, "familyName='佐藤' AND givenName='nobody'"));
        Assert.Equal(0, await TotalAsync(store, cache, "familyName='佐藤 '"));
        Assert.Equal(teachers, await TotalAsync(store, cache, "familyName='山田'"));
        Assert.Equal(1, cache.Hits);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_confined_client_never_gets_the_unconfined_total(string provider)
    {
        await using var store = await RosterAsync(provider);
        var cache = new TotalCountCache();
        Assert.Equal(3, await TotalAsync(store, cache)); // the whole tenant, now cached

        var nowhere = QueryConfinement.FieldIn("roles.org.sourcedId", ["org-elsewhere"]);
        Assert.Equal(0, await TotalAsync(store, cache, confinement: nowhere));
        Assert.Equal(0, await TotalAsync(store, cache, confinement: QueryConfinement.FieldIn("roles.org.sourcedId", [])));
        // An OR in the filter cannot widen the confinement, nor reach the unconfined total through the cache.
        Assert.Equal(0, await TotalAsync(store, cache, "familyName='佐藤' OR familyName!='佐藤'", nowhere));
        var school = QueryConfinement.FieldIn("roles.org.sourcedId", ["org-school"]);
        Assert.Equal(await store.CountAsync("users", "sourced_id IN (SELECT user_sourced_id FROM roles WHERE org_sourced_id = 'org-school')"),
            await TotalAsync(store, cache, confinement: school));
        Assert.Equal(0, cache.Hits);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Another_tenant_with_the_same_query_gets_its_own_total(string provider)
    {
        await using var store = await RosterAsync(provider);
        var cache = new TotalCountCache();
        var other = await store.CreateOtherTenantAsync("o" + Guid.NewGuid().ToString("N")[..12]);

        Assert.Equal(3, await TotalAsync(store, cache));
        Assert.Equal(0, await TotalAsync(store, cache, tenantId: other));
        Assert.Equal(0, cache.Hits);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task An_unknown_tenant_matches_nothing_and_leaves_nothing_in_the_cache(string provider)
    {
        await using var store = await RosterAsync(provider);
        var cache = new TotalCountCache();

        Assert.Equal(0, await TotalAsync(store, cache, tenantId: -1));
        Assert.Equal(0, await TotalAsync(store, cache, tenantId: int.MaxValue));
        Assert.Equal(0, cache.Count);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task An_oversized_filter_value_is_counted_exactly_and_keyed_in_constant_space(string provider)
    {
        await using var store = await RosterAsync(provider);
        var cache = new TotalCountCache(capacity: 4);
        var huge = new string('佐', 8_000); // near the engine's 8,192-character filter limit

        Assert.Equal(0, await TotalAsync(store, cache, $"familyName='{huge}'"));
        Assert.Equal(0, await TotalAsync(store, cache, $"familyName~'{huge}'"));
        Assert.Equal(0, await TotalAsync(store, cache, $"familyName='{huge}'"));
        Assert.Equal(1, cache.Hits);
        Assert.True(cache.Count <= cache.Capacity);
    }
}
