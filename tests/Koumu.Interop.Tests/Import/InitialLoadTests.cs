using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Import;

/// <summary>
/// Initial loads (an empty table) drop keys and indexes and rebuild them after the COPY: the schema must come out exactly as
/// it went in, whether the import commits or is rejected.
/// </summary>
public sealed class InitialLoadTests
{
    private static async Task<string> SchemaAsync(TestStore store)
    {
        await using var connection = await store.Store.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        if (store.Provider == Koumu.Interop.Storage.DatabaseProvider.Sqlite)
        {
            command.CommandText = "SELECT group_concat(type || ' ' || name || ': ' || coalesce(sql, ''), char(10)) FROM (SELECT * FROM sqlite_master ORDER BY name)";
            return (string)(await command.ExecuteScalarAsync())!;
        }
        command.CommandText =
            "SELECT string_agg(x, E'\\n' ORDER BY x) FROM (" +
            "SELECT 'index ' || indexname || ': ' || indexdef AS x FROM pg_indexes WHERE schemaname = current_schema() " +
            "UNION ALL SELECT 'constraint ' || conrelid::regclass || '.' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace) s";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Initial_load_rebuilds_every_key_and_index_and_a_rejected_one_leaves_them_as_they_were(string provider)
    {
        // SQLite: a fresh file per test; PostgreSQL: a database of its own (the shared one already has rows).
        await using var store = provider == "sqlite" ? await TestStore.CreateAsync(provider) : await TestStore.CreateIsolatedPostgresAsync();
        var schema = await SchemaAsync(store);
        Assert.Contains("IX_enrollments_tenant_id_class_sourced_id", schema, StringComparison.Ordinal);

        var rejected = await store.ImportAsync(Rostering().File("enrollments", "bulk", EnrollmentsHeader, "enr-1,,,class-9,org-school,user-s1,student,false,,"));
        Assert.False(rejected.Committed);
        Assert.Equal(schema, await SchemaAsync(store));
        Assert.Equal(0, await store.CountAsync("users"));

        var accepted = await store.ImportAsync(Rostering());
        Assert.True(accepted.Committed, ImportSemanticsTests.Errors(accepted));
        Assert.Equal(schema, await SchemaAsync(store));

        // The rebuilt keys hold: a second bulk import (now incremental) marks the missing pupil deleted, nothing doubles.
        var again = await store.ImportAsync(new PackageBuilder().File("users", "bulk", UsersHeader, UserRows[0], UserRows[1]));
        Assert.True(again.Committed, ImportSemanticsTests.Errors(again));
        Assert.Equal(3, await store.CountAsync("users"));
        Assert.Equal(1, await store.CountAsync("users", "status = 'tobedeleted'"));
    }
}
