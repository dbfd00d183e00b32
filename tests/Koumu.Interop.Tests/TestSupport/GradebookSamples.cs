using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Import;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Koumu.Interop.Tests.TestSupport;

/// <summary>
/// Gradebook rows for the two-school roster of the OneRoster hub tests (org-school: class-1 with user-s1, user-s2;
/// org-school2: class-2 with user-s3), and the REST-only assessment rows, which have no CSV file and are written
/// straight through the provider's import writer.
/// </summary>
public static class GradebookSamples
{
    /// <summary>
    /// Three categories (cat-3 used by no lineItem), two scoreScales (ss-1 of org-school/class-1, ss-2 of
    /// org-school2/class-2), lineItems li-1 and li-2 in class-1 and li-3 in class-2, results rs-1..rs-3 for class-1's
    /// lineItems and rs-4 for li-3; li-1 and rs-1 have learning objectives and a scoreScale through the link files.
    /// </summary>
    public static PackageBuilder WithGradebook(this PackageBuilder package) => package
        .File("categories", "bulk", PackageBuilder.Header("categories"),
            "cat-1,,,定期考査,0.6",
            "cat-2,,,小テスト,0.4",
            "cat-3,,,提出物,")
        .File("scoreScales", "bulk", PackageBuilder.Header("scoreScales"),
            "ss-1,,,5段階評価,grade,org-school,course-1,class-1,\"{5:90-100},{4:80-89},{3:60-79}\"",
            "ss-2,,,ABC,grade,org-school2,course-2,class-2,\"{A:80-100},{B:50-79},{C:0-49}\"")
        .File("lineItems", "bulk", PackageBuilder.Header("lineItems"),
            "li-1,,,1学期 中間テスト,国語の中間テスト,2026-05-10T00:00:00Z,2026-05-20T00:00:00Z,class-1,cat-1,gp-1,0,100,org-school",
            "li-2,,,漢字小テスト,,2026-06-01T00:00:00Z,2026-06-02T00:00:00Z,class-1,cat-2,term-1,0,10,org-school",
            "li-3,,,数学 期末テスト,,2026-07-01T00:00:00Z,2026-07-10T00:00:00Z,class-2,cat-1,term-1,0,100,org-school2")
        .File("results", "bulk", PackageBuilder.Header("results"),
            "rs-1,,,li-1,user-s1,fully graded,85,2026-05-21,よくできました,,class-1,,,false,",
            "rs-2,,,li-1,user-s2,submitted,,2026-05-21,,,,true,,,",
            "rs-3,,,li-2,user-s1,fully graded,9,2026-06-03,,,class-1,,,,",
            "rs-4,,,li-3,user-s3,fully graded,70,2026-07-11,,B,class-2,,,,")
        .File("lineItemLearningObjectiveIds", "bulk", PackageBuilder.Header("lineItemLearningObjectiveIds"),
            "lilo-1,,,li-1,case,6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a01",
            "lilo-2,,,li-1,case,6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a02",
            "lilo-3,,,li-1,unknown,国語-読むこと")
        .File("lineItemScoreScales", "bulk", PackageBuilder.Header("lineItemScoreScales"),
            "liss-1,,,,li-1,ss-1")
        .File("resultLearningObjectiveIds", "bulk", PackageBuilder.Header("resultLearningObjectiveIds"),
            "rlo-1,,,rs-1,case,6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a01,40,",
            "rlo-2,,,rs-1,case,6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a02,,A")
        .File("resultScoreScales", "bulk", PackageBuilder.Header("resultScoreScales"),
            "rss-1,,,,rs-1,ss-1");

    /// <summary>
    /// Assessments: ali-1 a tenant-wide survey (no class), ali-2 in class-1 (child of ali-1, scale ss-1), ali-3 in
    /// class-2; assessment results ar-1 (user-s1, ali-1), ar-2 (user-s2, ali-2), ar-3 (user-s3 of org-school2, ali-3).
    /// </summary>
    public static async Task WriteAssessmentsAsync(RosterStore store, int tenantId)
    {
        await WriteAsync(store, tenantId, CsvBinding.AssessmentLineItems,
            AssessmentLineItem("ali-1", "全国学力・学習状況調査", learningObjectiveSet:
                """[{"source":"case","learningObjectiveIds":["6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a01"]}]"""),
            AssessmentLineItem("ali-2", "1組 単元テスト", classId: "class-1", parent: "ali-1", scoreScale: "ss-1", min: 0, max: 100,
                description: "単元1"),
            AssessmentLineItem("ali-3", "A組 単元テスト", classId: "class-2"));
        await WriteAsync(store, tenantId, CsvBinding.AssessmentResults,
            AssessmentResult("ar-1", "ali-1", "user-s1", 72, learningObjectiveSet:
                """[{"source":"case","learningObjectiveResults":[{"learningObjectiveId":"6b0c1f9e-1d2a-4c55-9a55-0f3f3c1d2a01","score":3}]}]"""),
            AssessmentResult("ar-2", "ali-2", "user-s2", 64, scoreScale: "ss-1"),
            AssessmentResult("ar-3", "ali-3", "user-s3", 88, scoreStatus: "ext:reviewed"));
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

    /// <summary>
    /// Writes rows of one type (REST-only types included) through the provider's import writer, in one transaction, as
    /// a one-file delta package would: <paramref name="rows"/> are indexed like <see cref="CsvFileDefinition.Columns"/>
    /// with storage-typed values (see <see cref="CsvRecord"/>); a null status means active.
    /// </summary>
    public static async Task WriteAsync(RosterStore store, int tenantId, CsvFileDefinition file, params object?[][] rows)
    {
        var now = DateTime.UtcNow;
        var importedAt = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        RosterWriter writer = connection is NpgsqlConnection npgsql
            ? new PostgresRosterWriter(npgsql, (NpgsqlTransaction)transaction, tenantId, importedAt)
            : new SqliteRosterWriter((SqliteConnection)connection, (SqliteTransaction)transaction, tenantId, importedAt);
        await using (writer)
        {
            await writer.BeginPackageAsync(new Manifest(), CancellationToken.None);
            await writer.BeginFileAsync(file, ProcessingMode.Delta, CancellationToken.None);
            var line = 1L;
            foreach (var row in rows)
            {
                Assert.Equal(file.Columns.Count, row.Length);
                await writer.WriteAsync(new CsvRecord(file, ++line, row, null), CancellationToken.None);
            }
            await writer.EndFileAsync(file, ProcessingMode.Delta, CancellationToken.None);
        }
        await transaction.CommitAsync();
    }
}
