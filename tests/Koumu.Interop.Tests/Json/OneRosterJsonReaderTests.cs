using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Tests.Json;

/// <summary>
/// JSON → CSV rows (<see cref="OneRosterJsonReader"/>) → the import pipeline → CSV record → JSON
/// (<see cref="OneRosterJsonMapper"/>) gives back the object: a REST write stores exactly what a GET will serve.
/// </summary>
public sealed class OneRosterJsonReaderTests
{
    private static readonly OneRosterJsonMapper Mapper = new("https://hub.example.jp");

    private const string Alphabet = "aZ0 ,\"\n{}:アｱ髙﨑①\té";

    private static readonly Gen<string> Text = Gen.Int[0, Alphabet.Length - 1].Array[1, 24]
        .Select(ix => new string(ix.Select(i => Alphabet[i]).ToArray()))
        .Where(s => s.Trim().Length == s.Length && s.Length > 0);

    private static readonly Gen<string> Id = Gen.String[Gen.Char["abcdefghij0123456789-_.:/ あ"], 1, 20].Where(s => s.Trim().Length == s.Length && s.Length > 0 && s is not ("." or ".."));

    private static readonly Gen<double?> Number = Gen.Select(Gen.Bool, Gen.Double.Where(double.IsFinite)).Select((some, d) => some ? d : (double?)null);

    private static readonly Gen<DateTime> Instant = Gen.Int[0, 400_000_000].Select(s => new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(s));

    private static readonly Gen<IReadOnlyList<LearningObjectiveSet>?> ObjectiveSets =
        Gen.Select(Id, Id.HashSet[1, 4]).Array[0, 3]
            .Select(sets => sets.DistinctBy(s => s.Item1).Select(s => new LearningObjectiveSet { Source = s.Item1, LearningObjectiveIds = s.Item2.ToArray() }).ToArray())
            .Select(a => a.Length == 0 ? null : (IReadOnlyList<LearningObjectiveSet>?)a);

    private static readonly Gen<LineItem> LineItems =
        Gen.Select(Id, Text, Text.Null(), Instant, Instant, Gen.Select(Id, Id, Id, Id), Gen.Select(Number, Number), ObjectiveSets)
            .Select((id, title, description, assign, due, refs, range, sets) => new LineItem
            {
                SourcedId = id, Status = "active", DateLastModified = DateTime.UnixEpoch, Title = title, Description = description,
                AssignDate = assign, DueDate = due,
                Class = Mapper.Ref(GUIDRefType.Class, refs.Item1), School = Mapper.Ref(GUIDRefType.Org, refs.Item2),
                Category = Mapper.Ref(GUIDRefType.Category, refs.Item3), AcademicSession = Mapper.Ref(GUIDRefType.AcademicSession, refs.Item4),
                ResultValueMin = range.Item1, ResultValueMax = range.Item2, LearningObjectiveSet = sets,
            });

    private static readonly Gen<IReadOnlyList<LearningObjectiveScoreSet>?> ScoreSets =
        Gen.Select(Id, Gen.Select(Id, Number, Text.Null()).Array[1, 3]).Array[0, 3]
            .Select(sets => sets.DistinctBy(s => s.Item1).Select(s => new LearningObjectiveScoreSet
            {
                Source = s.Item1,
                LearningObjectiveResults = s.Item2.DistinctBy(r => r.Item1).Select(r => new LearningObjectiveResult { LearningObjectiveId = r.Item1, Score = r.Item2, TextScore = r.Item3 }).ToArray(),
            }).ToArray())
            .Select(a => a.Length == 0 ? null : (IReadOnlyList<LearningObjectiveScoreSet>?)a);

    private static readonly Gen<Result> Results =
        Gen.Select(Id, Gen.Select(Id, Id, Id.Null()), Gen.Int[0, 3].Select(i => new[] { "exempt", "fully graded", "not submitted", "ext:retake" }[i]), Number, Text.Null(),
                Gen.Date.Select(d => DateOnly.FromDateTime(d)), ScoreSets, Gen.Int[0, 2].Select(i => i == 0 ? (bool?)null : i == 1).Array[4])
            .Select((id, refs, status, score, comment, date, sets, flags) => new Result
            {
                SourcedId = id, Status = "active", DateLastModified = DateTime.UnixEpoch,
                LineItem = Mapper.Ref(GUIDRefType.LineItem, refs.Item1), Student = Mapper.Ref(GUIDRefType.User, refs.Item2),
                Class = refs.Item3 is null ? null : Mapper.Ref(GUIDRefType.Class, refs.Item3),
                ScoreStatus = status, Score = score, TextScore = comment, ScoreDate = date, Comment = comment, LearningObjectiveSet = sets,
                InProgress = flags[0], Incomplete = flags[1], Late = flags[2], Missing = flags[3],
            });

    private static readonly Gen<ScoreScale> ScoreScales =
        Gen.Select(Id, Text, Text, Id.Null(), Id,
                Gen.Select(Gen.String[Gen.Char["ABC123あ -"], 1, 6], Gen.String[Gen.Char["0123456789-: ,ア"], 1, 8]).Array[1, 4])
            .Select((id, title, type, course, cls, values) => new ScoreScale
            {
                SourcedId = id, Status = "active", DateLastModified = DateTime.UnixEpoch, Title = title, Type = type,
                Course = course is null ? null : Mapper.Ref(GUIDRefType.Course, course), Class = Mapper.Ref(GUIDRefType.Class, cls),
                ScoreScaleValue = values.Select(v => new ScoreScaleValue { ItemValueLHS = v.Item1.Trim(), ItemValueRHS = v.Item2.Trim() })
                    .Where(v => v.ItemValueLHS.Length > 0).ToArray(),
            })
            .Where(s => s.ScoreScaleValue.Count > 0);

    /// <summary>Reads <paramref name="json"/>, runs its rows through the pipeline (every referenced record "stored"), returns the records and the result.</summary>
    private static (List<CsvRecord> Records, ProcessingResult Result) Store(GradebookObjectType type, JsonElement json, string id, bool scoreScaleOrg = false)
    {
        var read = OneRosterJsonReader.Read(type, json, OneRosterJsonReader.Singular(type), new JsonReadContext(id));
        Assert.True(read.Errors.Count == 0, string.Join("\n", read.Errors));
        var rows = read.Rows.Select(r => scoreScaleOrg && r.File == CsvBinding.ScoreScales
                ? r with { Values = new Dictionary<string, string>(r.Values) { ["orgSourcedId"] = "org-1" } } : r)
            .GroupBy(r => r.File)
            .Select(g => KeyValuePair.Create(g.Key, (IReadOnlyList<IReadOnlyDictionary<string, string>>)g.Select(r => r.Values).ToList()));
        using var source = new MemoryPackageSource(rows, CsvBinding.RestOnlyFiles);
        var sink = new Sink();
        var result = PackageProcessor.ProcessAsync(source, new ProcessingOptions { AcceptRestOnlyFiles = true }, sink, new EverythingStored()).GetAwaiter().GetResult();
        return (sink.Records, result);
    }

    private static void AssertSame(OneRosterBase expected, OneRosterBase actual)
    {
        var e = JsonSerializer.SerializeToNode(expected, expected.GetType(), OneRosterJson.Options)!.AsObject();
        var a = JsonSerializer.SerializeToNode(actual, actual.GetType(), OneRosterJson.Options)!.AsObject();
        e.Remove("dateLastModified");
        a.Remove("dateLastModified");
        Assert.True(JsonNode.DeepEquals(e, a), $"expected {e.ToJsonString()}\nactual   {a.ToJsonString()}");
    }

    private static JsonElement ToJson(OneRosterBase value) => JsonSerializer.SerializeToElement(value, value.GetType(), OneRosterJson.Options);

    [Fact]
    public void Any_line_item_round_trips_through_the_import_pipeline_and_the_mapper()
    {
        LineItems.Sample(item =>
        {
            var (records, result) = Store(GradebookObjectType.LineItem, ToJson(item), item.SourcedId);
            Assert.True(result.Accepted, string.Join("\n", result.Problems));
            var row = records.Single(r => r.File == CsvBinding.LineItems);
            AssertSame(item, Mapper.ToLineItem(row, records.Where(r => r.File == CsvBinding.LineItemLearningObjectiveIds)));
        }, iter: 150);
    }

    [Fact]
    public void Any_result_round_trips_through_the_import_pipeline_and_the_mapper()
    {
        Results.Sample(item =>
        {
            var (records, result) = Store(GradebookObjectType.Result, ToJson(item), item.SourcedId);
            Assert.True(result.Accepted, string.Join("\n", result.Problems));
            var row = records.Single(r => r.File == CsvBinding.Results);
            AssertSame(item, Mapper.ToResult(row, records.Where(r => r.File == CsvBinding.ResultLearningObjectiveIds)));
        }, iter: 150);
    }

    [Fact]
    public void Any_score_scale_round_trips_through_the_import_pipeline_and_the_mapper()
    {
        ScoreScales.Sample(item =>
        {
            var (records, result) = Store(GradebookObjectType.ScoreScale, ToJson(item), item.SourcedId, scoreScaleOrg: true);
            Assert.True(result.Accepted, string.Join("\n", result.Problems));
            AssertSame(item, Mapper.ToScoreScale(records.Single()));
        }, iter: 150);
    }

    [Fact]
    public void A_category_with_metadata_round_trips()
    {
        var category = new Category
        {
            SourcedId = "c-1", Status = "active", DateLastModified = DateTime.UnixEpoch, Title = "定期考査", Weight = 0.25,
            Metadata = new JsonObject { ["jp"] = new JsonObject { ["note"] = "前期" }, ["vendor"] = "x" },
        };
        var (records, result) = Store(GradebookObjectType.Category, ToJson(category), "c-1");
        Assert.True(result.Accepted, string.Join("\n", result.Problems));
        AssertSame(category, Mapper.ToCategory(records.Single()));
    }

    [Fact]
    public void Link_row_ids_are_the_same_for_the_same_owner_and_values_and_differ_otherwise()
    {
        var file = CsvBinding.LineItemLearningObjectiveIds;
        Assert.Equal(OneRosterJsonReader.LinkSourcedId(file, "li", "case", "x"), OneRosterJsonReader.LinkSourcedId(file, "li", "case", "x"));
        Assert.NotEqual(OneRosterJsonReader.LinkSourcedId(file, "li", "case", "x"), OneRosterJsonReader.LinkSourcedId(file, "li", "cas", "ex"));
        Assert.NotEqual(OneRosterJsonReader.LinkSourcedId(file, "li", "case", "x"), OneRosterJsonReader.LinkSourcedId(CsvBinding.ResultLearningObjectiveIds, "li", "case", "x"));
    }

    [Fact]
    public async Task An_uploaded_package_cannot_carry_the_rest_only_files()
    {
        var rows = new[] { KeyValuePair.Create(CsvBinding.AssessmentLineItems, (IReadOnlyList<IReadOnlyDictionary<string, string>>)[new Dictionary<string, string> { ["sourcedId"] = "a", ["status"] = "active", ["dateLastModified"] = "2026-01-01T00:00:00Z", ["title"] = "t" }]) };
        using var source = new MemoryPackageSource(rows, CsvBinding.RestOnlyFiles);
        var ignored = new Sink();
        var result = await PackageProcessor.ProcessAsync(source, new ProcessingOptions(), ignored);
        Assert.Empty(ignored.Records); // an unknown file of an upload is reported and never stored
        Assert.Contains(result.Problems, p => p.File == "assessmentLineItems.csv");
        using var allowed = new MemoryPackageSource(rows, CsvBinding.RestOnlyFiles);
        var stored = new Sink();
        Assert.True((await PackageProcessor.ProcessAsync(allowed, new ProcessingOptions { AcceptRestOnlyFiles = true }, stored)).Accepted);
        Assert.Equal("a", Assert.Single(stored.Records).SourcedId);
    }

    private sealed class Sink : IRecordSink
    {
        public List<CsvRecord> Records { get; } = [];

        public ValueTask BeginFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask WriteAsync(CsvRecord record, CancellationToken cancellationToken)
        {
            Records.Add(record);
            return ValueTask.CompletedTask;
        }

        public ValueTask EndFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>A store that holds every referenced record (the round trip is about values, not references).</summary>
    private sealed class EverythingStored : IStoredRecordLookup
    {
        public Task<IReadOnlySet<string>> FindActiveAsync(CsvFileDefinition file, IReadOnlyCollection<string> sourcedIds, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlySet<string>>(sourcedIds.ToHashSet(StringComparer.Ordinal));

        public Task<IReadOnlyList<KeyValuePair<string, string?>>> ParentsAsync(CsvFileDefinition file, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<KeyValuePair<string, string?>>>([]);
    }
}
