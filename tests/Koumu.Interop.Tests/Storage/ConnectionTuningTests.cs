using Koumu.Interop.Storage;
using Npgsql;

namespace Koumu.Interop.Tests.Storage;

public sealed class ConnectionTuningTests
{
    [Fact]
    public void PostgreSQL_connections_prepare_hot_statements_unless_the_operator_chose_otherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(RosterStore.TuneNpgsql("Host=db;Username=u;Password=p;Database=d"));
        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal(1 << 16, tuned.WriteBufferSize);

        var pooler = new NpgsqlConnectionStringBuilder(RosterStore.TuneNpgsql("Host=db;Username=u;Password=p;Database=d;Max Auto Prepare=0"));
        Assert.Equal(0, pooler.MaxAutoPrepare);
        var custom = new NpgsqlConnectionStringBuilder(RosterStore.TuneNpgsql("Host=db;Username=u;Password=p;Database=d;maxautoprepare=8"));
        Assert.Equal(8, custom.MaxAutoPrepare);
    }
}

/// <summary>
/// Statements are auto-prepared (above), and after five executions PostgreSQL may plan a prepared statement once for
/// any parameter values (a generic plan). A generic plan cannot use a partial index whose predicate is compared with a
/// parameter: <c>is_current = $3</c> does not prove <c>WHERE is_current</c>, so the school's year became a parallel
/// sequential scan of the whole table from the sixth request on (bench attendance (a): 270 → 380 ms). SQLite matches
/// partial-index predicates only on literal terms too. So hand-written SQL spells the predicates of the partial indexes
/// (AttendanceModel: <c>"is_current"</c>) literally.
/// </summary>
public sealed class PartialIndexPredicateTests
{
    [Fact]
    public void Hand_written_SQL_states_the_current_version_predicate_literally_not_as_a_parameter()
    {
        var storage = Path.Combine(Path.GetDirectoryName(Api.OpenApiContractTests.OpenApiPath())!, "api", "Koumu.Interop.Storage");
        var offenders = Directory.EnumerateFiles(storage, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}Migrations{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line)))
            .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l.Text, @"(?<!SET )is_current\s*=\s*@"))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "Compare is_current literally (WHERE ... AND is_current):\n" + string.Join("\n", offenders));
    }
}
