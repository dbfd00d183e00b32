using Koumu.Interop.Tests.TestSupport;
using Npgsql;

namespace Koumu.Interop.Tests.Storage;

public sealed class ImportStatisticsTests
{
    [SkippableFact]
    public async Task A_first_load_on_PostgreSQL_leaves_planner_statistics_for_the_tables_it_filled()
    {
        await using var db = await TestStore.CreateIsolatedPostgresAsync();
        var before = await LastAnalyzeAsync(db, "users");

        var outcome = await db.ImportAsync(SamplePackages.Rostering());

        Assert.True(outcome.Committed);
        Assert.Null(before);
        Assert.NotNull(await LastAnalyzeAsync(db, "users"));
        Assert.NotNull(await LastAnalyzeAsync(db, "enrollments"));
    }

    private static async Task<DateTime?> LastAnalyzeAsync(TestStore db, string table)
    {
        await using var connection = new NpgsqlConnection(db.Store.Options.ConnectionString);
        await connection.OpenAsync();
        // The statistics collector reports asynchronously: clear this session's snapshot so the read is current.
        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", connection)) await clear.ExecuteNonQueryAsync();
        await using var read = new NpgsqlCommand("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = @t", connection);
        read.Parameters.AddWithValue("t", table);
        var value = await read.ExecuteScalarAsync();
        return value is DateTime at ? at : null;
    }
}
