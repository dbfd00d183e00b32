using System.Globalization;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Changes;

/// <summary>
/// The transactional outbox (issue #4 §1): every committed import records exactly one change per row it changed, in
/// the same transaction, with per-tenant strictly increasing versions; a rolled-back import records none.
/// </summary>
public sealed class OutboxTests
{
    private static readonly ChangeAudience All = ChangeAudience.Everything();

    internal static async Task<List<ChangeEntry>> ChangesAsync(TestStore store, long since = 0, int? tenantId = null)
    {
        await using var connection = await store.Store.OpenConnectionAsync(CancellationToken.None);
        var (changes, _) = await ChangeFeed.ReadAsync(connection, store.Provider, tenantId ?? store.TenantId, since, All, 100_000, CancellationToken.None);
        return [.. changes];
    }

    /// <summary>A row of a delta file: the sample row with status (delta files require it) and a producer dateLastModified.</summary>
    internal static string Delta(string row, string status = "active")
    {
        var comma = row.IndexOf(",,,", StringComparison.Ordinal);
        return row[..comma] + "," + status + ",2026-05-01T00:00:00.000Z," + row[(comma + 3)..];
    }

    private static async Task<long> CounterAsync(TestStore store)
    {
        await using var connection = await store.Store.OpenConnectionAsync(CancellationToken.None);
        return await ChangeFeed.CurrentVersionAsync(connection, store.TenantId, CancellationToken.None);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task First_import_records_one_upsert_per_stored_row_numbered_from_1_in_dependency_order(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var outcome = await store.ImportAsync(Rostering());
        Assert.True(outcome.Committed);

        var changes = await ChangesAsync(store);
        // 2 orgs, 1 session, 1 course, 1 class, 3 users, 3 roles, 3 enrollments.
        Assert.Equal(14, changes.Count);
        Assert.Equal(Enumerable.Range(1, 14).Select(v => (long)v), changes.Select(c => c.Version));
        Assert.All(changes, c => Assert.Equal(ChangeOperation.Upsert, c.Operation));
        Assert.All(changes, c => Assert.Equal(outcome.ImportedAt, c.ChangedAt));
        Assert.Equal(["orgs", "academicSessions", "courses", "classes", "users", "roles", "enrollments"], changes.Select(c => c.Resource).Distinct());
        Assert.Equal(["user-s1", "user-s2", "user-t1"], changes.Where(c => c.Resource == "users").Select(c => c.SourcedId).Order(StringComparer.Ordinal));
        Assert.Equal(14, await CounterAsync(store));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Reimporting_an_unchanged_package_records_nothing(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Assert.True((await store.ImportAsync(Rostering())).Committed);
        Assert.True((await store.ImportAsync(Rostering())).Committed);
        Assert.Equal(14, (await ChangesAsync(store)).Count);
        Assert.Equal(14, await CounterAsync(store));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Delta_update_and_delete_record_exactly_their_rows_after_the_previous_version(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var delta = new PackageBuilder()
            .File("users", "delta", UsersHeader, Delta(UserRows[1].Replace("太郎", "太一", StringComparison.Ordinal)))
            .File("enrollments", "delta", EnrollmentsHeader, Delta(EnrollmentRows[2], "tobedeleted"));
        var outcome = await store.ImportAsync(delta);
        Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems));

        var changes = await ChangesAsync(store, since: 14);
        Assert.Equal(2, changes.Count);
        Assert.Equal((15L, "users", "user-s1", ChangeOperation.Upsert), (changes[0].Version, changes[0].Resource, changes[0].SourcedId, changes[0].Operation));
        Assert.Equal((16L, "enrollments", "enr-s2", ChangeOperation.Delete), (changes[1].Version, changes[1].Resource, changes[1].SourcedId, changes[1].Operation));
        Assert.All(changes, c => Assert.Equal(outcome.ImportedAt, c.ChangedAt));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_bulk_file_that_drops_a_record_records_its_deletion(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var outcome = await store.ImportAsync(new PackageBuilder().File("enrollments", "bulk", EnrollmentsHeader, EnrollmentRows[0], EnrollmentRows[1]));
        Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems));
        var change = Assert.Single(await ChangesAsync(store, since: 14));
        Assert.Equal(("enrollments", "enr-s2", ChangeOperation.Delete), (change.Resource, change.SourcedId, change.Operation));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_role_change_records_the_role_and_the_user_it_belongs_to(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var outcome = await store.ImportAsync(new PackageBuilder()
            .File("roles", "delta", RolesHeader, Delta("role-s1,,,user-s1,primary,student,2026-04-01,,org-school,")));
        Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems));
        var changes = await ChangesAsync(store, since: 14);
        Assert.Equal([("users", "user-s1"), ("roles", "role-s1")], changes.Select(c => (c.Resource, c.SourcedId)));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_rejected_import_records_no_change_and_keeps_the_counter(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var outcome = await store.ImportAsync(new PackageBuilder()
            .File("users", "delta", UsersHeader, Delta(UserRows[1].Replace("太郎", "太一", StringComparison.Ordinal)))
            .File("enrollments", "delta", EnrollmentsHeader, Delta("enr-x,,,class-1,org-school,user-s1,student,maybe,,")));
        Assert.False(outcome.Committed);
        Assert.Empty(await ChangesAsync(store, since: 14));
        Assert.Equal(14, await CounterAsync(store));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task An_import_that_fails_mid_way_records_no_change(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var package = new PackageBuilder().File("users", "delta", UsersHeader,
            Delta(UserRows[0].Replace("花子", "花", StringComparison.Ordinal)), Delta(UserRows[1].Replace("太郎", "太一", StringComparison.Ordinal)));
        var folder = package.WriteFolder();
        using (var source = PackageSource.Open(folder))
        {
            await Assert.ThrowsAsync<IOException>(() => store.Store.ImportAsync(store.TenantId, source, new ProcessingOptions(),
                sink => new FailingSink(sink, afterRows: 1), CancellationToken.None));
        }
        Assert.Empty(await ChangesAsync(store, since: 14));
        Assert.Equal(14, await CounterAsync(store));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Import_time_is_strictly_later_than_the_previous_import_even_when_the_clock_is_behind(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var first = await store.ImportAsync(Rostering());
        // A clock stepped back by an hour (or a previous import stamped in the future): the next import must still sort after it.
        var future = first.ImportedAt.AddHours(1);
        await using (var connection = await store.Store.OpenConnectionAsync(CancellationToken.None))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE tenants SET last_imported_at = @t WHERE id = @id";
            var t = command.CreateParameter(); t.ParameterName = "t"; t.Value = future; command.Parameters.Add(t);
            var id = command.CreateParameter(); id.ParameterName = "id"; id.Value = store.TenantId; command.Parameters.Add(id);
            await command.ExecuteNonQueryAsync();
        }
        var second = await store.ImportAsync(new PackageBuilder().File("users", "delta", UsersHeader, Delta(UserRows[2].Replace("次郎", "二郎", StringComparison.Ordinal))));
        Assert.Equal(future.AddMilliseconds(1), second.ImportedAt);
        var row = await store.RowAsync("users", "user-s2");
        Assert.Equal(second.ImportedAt, DateTime.Parse(row!["date_last_modified"]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal));
        var third = await store.ImportAsync(new PackageBuilder().File("users", "delta", UsersHeader, Delta(UserRows[2])));
        Assert.True(third.ImportedAt > second.ImportedAt);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Back_to_back_imports_get_distinct_increasing_times_and_versions(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var times = new List<DateTime>();
        for (var i = 0; i < 5; i++)
        {
            var name = "名" + i.ToString(CultureInfo.InvariantCulture);
            var outcome = await store.ImportAsync(new PackageBuilder().File("users", "delta", UsersHeader, Delta(UserRows[1].Replace("太郎", name, StringComparison.Ordinal))));
            Assert.True(outcome.Committed);
            times.Add(outcome.ImportedAt);
        }
        Assert.Equal(times.Order(), times);
        Assert.Equal(5, times.Distinct().Count());
        var changes = await ChangesAsync(store, since: 14);
        Assert.Equal(times, changes.Select(c => c.ChangedAt));
        Assert.Equal([15L, 16, 17, 18, 19], changes.Select(c => c.Version));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Versions_are_per_tenant_and_a_tenant_never_sees_anothers_changes(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.ImportAsync(Rostering());
        var other = await store.CreateOtherTenantAsync("o" + Guid.NewGuid().ToString("N")[..12]);
        using (var source = PackageSource.Open(new PackageBuilder().File("orgs", "bulk", OrgsHeader, OrgRows).WriteFolder()))
            Assert.True((await store.Store.ImportAsync(other, source, new ProcessingOptions())).Committed);
        var theirs = await ChangesAsync(store, tenantId: other);
        Assert.Equal([1L, 2], theirs.Select(c => c.Version));
        Assert.Equal(14, (await ChangesAsync(store)).Count);
    }

    /// <summary>Passes records through, then fails like a lost disk or connection would.</summary>
    private sealed class FailingSink(IRecordSink inner, int afterRows) : IRecordSink
    {
        private int _rows;

        public ValueTask BeginPackageAsync(Manifest manifest, CancellationToken cancellationToken) => inner.BeginPackageAsync(manifest, cancellationToken);

        public ValueTask BeginFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) =>
            inner.BeginFileAsync(file, mode, cancellationToken);

        public async ValueTask WriteAsync(CsvRecord record, CancellationToken cancellationToken)
        {
            if (++_rows > afterRows) throw new IOException("simulated failure mid-import");
            await inner.WriteAsync(record, cancellationToken);
        }

        public ValueTask EndFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) =>
            inner.EndFileAsync(file, mode, cancellationToken);

        public ValueTask AbandonFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) =>
            inner.AbandonFileAsync(file, mode, cancellationToken);
    }
}
