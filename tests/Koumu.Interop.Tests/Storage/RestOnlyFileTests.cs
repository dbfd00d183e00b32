using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Tests.Storage;

/// <summary>
/// The OAS-G assessment types have no CSV file: they are stored like the CSV files (same writers, same key, same
/// indexes) but never appear in CSV packages, manifests or exports.
/// </summary>
public sealed class RestOnlyFileTests
{
    [Fact]
    public void Rest_only_files_are_stored_but_are_not_csv_files()
    {
        Assert.Equal(21, CsvBinding.Files.Count);
        Assert.Equal(["assessmentLineItems", "assessmentResults"], CsvBinding.RestOnlyFiles.Select(f => f.Name));
        Assert.Equal(CsvBinding.Files.Concat(CsvBinding.RestOnlyFiles), CsvBinding.AllFiles);
        Assert.Null(CsvBinding.Find("assessmentLineItems"));
        Assert.Same(CsvBinding.AssessmentResults, CsvBinding.FindAny("assessmentResults"));
        // Every reference names a stored type, and every type comes after the ones it references (processing order).
        foreach (var file in CsvBinding.AllFiles)
            foreach (var column in file.Columns.Where(c => c.References is not null))
                Assert.True(CsvBinding.GetAny(column.References!).Order <= file.Order, $"{file.Name}.{column.Name}");
        Assert.Equal(CsvBinding.AllFiles.Select((_, i) => i), CsvBinding.AllFiles.Select(f => f.Order));
    }

    [Fact]
    public void Every_rest_only_file_has_a_table_with_reference_indexes()
    {
        using var db = StorageContexts.Create(new StorageOptions(DatabaseProvider.Sqlite, "Data Source=:memory:"));
        foreach (var file in CsvBinding.RestOnlyFiles)
        {
            var entity = db.Model.FindEntityType(file.StorageName);
            Assert.NotNull(entity);
            var columns = entity.GetProperties().Select(p => p.GetColumnName()).ToHashSet();
            foreach (var column in file.Columns) Assert.Contains(column.StorageName, columns);
            var indexed = entity.GetIndexes().Select(i => string.Join(',', i.Properties.Select(p => p.GetColumnName()))).ToHashSet();
            foreach (var column in file.Columns.Where(c => c.Kind == ColumnKind.Reference))
                Assert.Contains("tenant_id," + column.StorageName, indexed);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Import_writers_upsert_and_delete_rest_only_rows(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var line = AssessmentLineItem("ali-1", "単元テスト 1", learningObjectiveSet: """[{"source":"case","learningObjectiveIds":["a"]}]""");
        await store.WriteAsync(CsvBinding.AssessmentLineItems, line);
        await store.WriteAsync(CsvBinding.AssessmentResults, AssessmentResult("ar-1", "ali-1", "stu-1", 87.5));

        var stored = await store.RowAsync("assessment_results", "ar-1");
        Assert.NotNull(stored);
        Assert.Equal("87.5", stored["score"]);
        Assert.Equal("2026-06-01", stored["score_date"]);
        Assert.Equal("fully graded", stored["score_status"]);
        Assert.Contains(stored["late"], new[] { "true", "1" }); // SQLite keeps booleans as integers
        Assert.Contains(stored["missing"], new[] { "false", "0" });
        Assert.Equal("""[{"source":"case","learningObjectiveIds":["a"]}]""", (await store.RowAsync("assessment_line_items", "ali-1"))!["learning_objective_set"]);

        // Unchanged rows keep their dateLastModified; a tobedeleted row marks the stored one deleted.
        var before = stored["date_last_modified"];
        await Task.Delay(5);
        await store.WriteAsync(CsvBinding.AssessmentResults, AssessmentResult("ar-1", "ali-1", "stu-1", 87.5));
        Assert.Equal(before, (await store.RowAsync("assessment_results", "ar-1"))!["date_last_modified"]);
        var deletion = AssessmentResult("ar-1", "ali-1", "stu-1", 87.5);
        deletion[1] = "tobedeleted";
        await store.WriteAsync(CsvBinding.AssessmentResults, deletion);
        Assert.Equal("tobedeleted", (await store.RowAsync("assessment_results", "ar-1"))!["status"]);
    }

    /// <summary>An assessmentLineItems row, indexed like <see cref="CsvBinding.AssessmentLineItems"/>'s columns.</summary>
    public static object?[] AssessmentLineItem(string id, string title, string? classId = null, string? parent = null,
        string? scoreScale = null, double? min = null, double? max = null, string? learningObjectiveSet = null, string? description = null) =>
        [id, null, null, title, description, classId, parent, scoreScale, min, max, learningObjectiveSet];

    /// <summary>An assessmentResults row, indexed like <see cref="CsvBinding.AssessmentResults"/>'s columns.</summary>
    public static object?[] AssessmentResult(string id, string lineItem, string student, double? score, string scoreStatus = "fully graded",
        string? scoreScale = null, string? learningObjectiveSet = null) =>
        [id, null, null, lineItem, student, score, null, new DateOnly(2026, 6, 1), scoreScale, 90.0, scoreStatus,
            "よくできました", learningObjectiveSet, false, false, true, false];
}
