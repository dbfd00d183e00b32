using System.Net.Http.Headers;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Client;
using Koumu.Interop.Tests.OneRoster;

namespace Koumu.Interop.Tests.Client;

/// <summary>A learning app writing grades through the generated client, on SQLite.</summary>
public sealed class GeneratedClientGradebookTests(RosteringHub hub) : GeneratedClientGradebookSpecification(hub), IClassFixture<RosteringHub>;

/// <summary>The same, on PostgreSQL.</summary>
public sealed class PostgresGeneratedClientGradebookTests(PostgresRosteringHub hub) : GeneratedClientGradebookSpecification(hub), IClassFixture<PostgresRosteringHub>;

/// <summary>
/// The Gradebook write operations (PUT with the client's id → 201, POST with temporary ids → 201 sourcedIdPairs,
/// DELETE → 204) and their read-back, through the C# client generated from openapi.yaml: request bodies built from the
/// generated types must be accepted exactly as the hub's contract describes them.
/// </summary>
public abstract class GeneratedClientGradebookSpecification
{
    private static readonly DateTimeOffset Modified = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly RosteringHub hub;

    protected GeneratedClientGradebookSpecification(RosteringHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private static GUIDRef Ref(string sourcedId, GUIDRefType type) => new() { Href = new Uri("https://example.invalid/" + sourcedId), SourcedId = sourcedId, Type = type };

    private async Task<(KoumuClient Client, HttpClient Http)> AppAsync()
    {
        var http = await hub.OneRosterClientAsync([KoumuScopes.GradebookCreatePut, KoumuScopes.GradebookCreatePost, KoumuScopes.GradebookDelete, KoumuScopes.GradebookReadonly]);
        return (new KoumuClient(http), http);
    }

    [SkippableFact]
    public async Task A_learning_app_puts_a_line_item_posts_results_reads_them_back_and_deletes_one()
    {
        var (client, http) = await AppAsync();
        using var _ = http;
        var suffix = Guid.NewGuid().ToString("N")[..8];

        var category = await client.PutCategoryAsync(new SingleCategoryDType
        {
            Category = new CategoryDType { SourcedId = "cat-" + suffix, Status = Status.Active, DateLastModified = Modified, Title = "小テスト", Weight = 0.3 },
        }, "cat-" + suffix);
        Assert.Equal(201, category.StatusCode);

        var lineItemId = "li-" + suffix;
        var put = await client.PutLineItemAsync(new SingleLineItemDType
        {
            LineItem = new LineItemDType
            {
                SourcedId = lineItemId, Status = Status.Active, DateLastModified = Modified, Title = "漢字テスト 第1回",
                AssignDate = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero), DueDate = new DateTimeOffset(2026, 6, 8, 0, 0, 0, TimeSpan.Zero),
                Class = Ref("class-1", GUIDRefType.Class), School = Ref("org-school", GUIDRefType.Org), Category = Ref("cat-" + suffix, GUIDRefType.Category),
                AcademicSession = Ref("term-1", GUIDRefType.AcademicSession), ResultValueMin = 0, ResultValueMax = 100,
                LearningObjectiveSet = [new LearningObjectiveSet { Source = "MEXT", LearningObjectiveIds = ["8260233111000000"] }],
            },
        }, lineItemId);
        Assert.Equal(201, put.StatusCode);

        var posted = await client.PostResultsForLineItemAsync(new ResultSetDType
        {
            Results =
            [
                Result("tmp-1", lineItemId, "user-s1", 92),
                Result("tmp-2", lineItemId, "user-s2", 78),
            ],
        }, lineItemId);
        Assert.Equal(201, posted.StatusCode);
        Assert.Equal(["tmp-1", "tmp-2"], posted.Result.SourcedIdPairs.Select(p => p.SuppliedSourcedId).Order(StringComparer.Ordinal));
        var allocated = posted.Result.SourcedIdPairs.ToDictionary(p => p.SuppliedSourcedId, p => p.AllocatedSourcedId);
        Assert.All(allocated.Values, id => Assert.True(Guid.TryParse(id, out var _), id));

        var results = await client.GetResultsForLineItemForClassAsync(null, "sourcedId", null, null, null, null, null, "class-1", lineItemId);
        Assert.Equal(allocated.Values.Order(StringComparer.Ordinal), results.Result.Results.Select(r => r.SourcedId));
        var first = results.Result.Results.Single(r => r.SourcedId == allocated["tmp-1"]);
        Assert.Equal(92, first.Score);
        Assert.Equal("fully graded", first.ScoreStatus);
        Assert.Equal(new DateTimeOffset(2026, 6, 9, 0, 0, 0, TimeSpan.Zero), first.ScoreDate);

        var lineItem = await client.GetLineItemAsync(null, lineItemId);
        Assert.Equal("8260233111000000", lineItem.Result.LineItem.LearningObjectiveSet!.Single().LearningObjectiveIds.Single());

        var deleted = await client.DeleteResultAsync(allocated["tmp-2"]);
        Assert.Equal(204, deleted.StatusCode);
        var after = await client.GetResultAsync(null, allocated["tmp-2"]);
        Assert.Equal(Status.Tobedeleted, after.Result.Result.Status);
    }

    [SkippableFact]
    public async Task A_set_with_a_result_for_an_unknown_student_is_a_typed_422_invaliddata_and_nothing_is_stored()
    {
        var (client, http) = await AppAsync();
        using var app = http;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var lineItemId = "li-" + suffix;
        Assert.Equal(201, (await client.PutCategoryAsync(new SingleCategoryDType
        {
            Category = new CategoryDType { SourcedId = "cat-" + suffix, Status = Status.Active, DateLastModified = Modified, Title = "ドリル" },
        }, "cat-" + suffix)).StatusCode);
        Assert.Equal(201, (await client.PutLineItemAsync(new SingleLineItemDType
        {
            LineItem = new LineItemDType
            {
                SourcedId = lineItemId, Status = Status.Active, DateLastModified = Modified, Title = "計算ドリル",
                AssignDate = Modified, DueDate = Modified.AddDays(7),
                Class = Ref("class-1", GUIDRefType.Class), School = Ref("org-school", GUIDRefType.Org), Category = Ref("cat-" + suffix, GUIDRefType.Category),
                GradingPeriod = Ref("gp-1", GUIDRefType.AcademicSession),
            },
        }, lineItemId)).StatusCode);

        var error = await Assert.ThrowsAsync<KoumuApiException<ImsxStatusInfo>>(() => client.PostResultsForLineItemAsync(new ResultSetDType
        {
            Results = [Result("tmp-ok", lineItemId, "user-s1", 50), Result("tmp-bad", lineItemId, "no-such-pupil", 60)],
        }, lineItemId));

        Assert.Equal(422, error.StatusCode);
        Assert.Equal(Imsx_codeMinorFieldValue.Invaliddata, error.Result.Imsx_CodeMinor!.Imsx_codeMinorField!.First().Imsx_codeMinorFieldValue);
        Assert.Contains("no-such-pupil", error.Result.Imsx_description, StringComparison.Ordinal);
        var stored = await client.GetResultsForLineItemForClassAsync(null, null, null, null, null, null, null, "class-1", lineItemId);
        Assert.Empty(stored.Result.Results);
    }

    private static ResultDType Result(string sourcedId, string lineItem, string student, double score) => new()
    {
        SourcedId = sourcedId, Status = Status.Active, DateLastModified = Modified,
        LineItem = Ref(lineItem, GUIDRefType.LineItem), Student = Ref(student, GUIDRefType.User),
        ScoreStatus = "fully graded", Score = score, ScoreDate = new DateTimeOffset(2026, 6, 9, 0, 0, 0, TimeSpan.Zero),
    };
}
