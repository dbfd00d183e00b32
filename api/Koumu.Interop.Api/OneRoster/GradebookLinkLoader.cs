using System.Data.Common;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// The link files the CSV binding uses for the parts of a gradebook object that are lists or optional GUIDRefs in
/// OAS-G: LineItemDType.learningObjectiveSet / scoreScale come from lineItemLearningObjectiveIds.csv /
/// lineItemScoreScales.csv, ResultDType.learningObjectiveSet / scoreScale from resultLearningObjectiveIds.csv /
/// resultScoreScales.csv (each row names its owner in <see cref="OwnerColumn"/>).
/// </summary>
public sealed record GradebookLinks(
    CsvFileDefinition LearningObjectives,
    CsvFileDefinition ScoreScales,
    string OwnerColumn,
    Func<OneRosterJsonMapper, CsvRecord, IEnumerable<CsvRecord>, CsvRecord?, OneRosterBase> Map)
{
    public static readonly GradebookLinks LineItems = new(CsvBinding.LineItemLearningObjectiveIds, CsvBinding.LineItemScoreScales,
        "lineItemSourcedId", (m, r, objectives, scale) => m.ToLineItem(r, objectives, scale));

    public static readonly GradebookLinks Results = new(CsvBinding.ResultLearningObjectiveIds, CsvBinding.ResultScoreScales,
        "resultSourcedId", (m, r, objectives, scale) => m.ToResult(r, objectives, scale));
}

/// <summary>
/// Loads the link rows of a whole page of lineItems or results: one query per link file (never one per record),
/// through the (tenant_id, owner) reference index, active rows only (a tobedeleted link no longer associates).
/// A lineItem or result has at most one scoreScale in OAS-G; should a package link several, the one with the lowest
/// sourcedId is served, so the answer is stable.
/// </summary>
internal static class GradebookLinkLoader
{
    public static async Task<(ILookup<string, CsvRecord> LearningObjectives, IReadOnlyDictionary<string, CsvRecord> ScoreScales)> LoadAsync(
        DbConnection connection, DatabaseProvider provider, int tenantId, GradebookLinks links, IReadOnlyList<string> ownerIds,
        CancellationToken cancellationToken)
    {
        if (ownerIds.Count == 0) return (Array.Empty<CsvRecord>().ToLookup(r => "", StringComparer.Ordinal), new Dictionary<string, CsvRecord>());
        var objectives = await ReadAsync(connection, provider, tenantId, links.LearningObjectives, links.OwnerColumn, ownerIds, cancellationToken);
        var scales = await ReadAsync(connection, provider, tenantId, links.ScoreScales, links.OwnerColumn, ownerIds, cancellationToken);
        var scaleByOwner = new Dictionary<string, CsvRecord>(StringComparer.Ordinal);
        foreach (var row in scales) scaleByOwner.TryAdd((string)row[links.OwnerColumn]!, row); // rows come in sourcedId order
        return (objectives.ToLookup(r => (string)r[links.OwnerColumn]!, StringComparer.Ordinal), scaleByOwner);
    }

    private static async Task<List<CsvRecord>> ReadAsync(DbConnection connection, DatabaseProvider provider, int tenantId,
        CsvFileDefinition file, string ownerColumn, IReadOnlyList<string> ownerIds, CancellationToken cancellationToken)
    {
        var rows = new List<CsvRecord>();
        await using var command = connection.CreateCommand();
        var columns = file.Columns;
        var owners = Sql.In(command, "o", ownerIds, provider);
        command.CommandText =
            $"SELECT {string.Join(", ", columns.Select(c => "t." + c.SqlName))}, t.metadata FROM {file.StorageName} t " +
            $"WHERE t.tenant_id = @tenant AND t.status = 'active' AND t.{file.Column(ownerColumn).SqlName} {owners} ORDER BY t.sourced_id";
        Sql.Add(command, "tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(StoredRecords.ReadRecord(reader, file, columns));
        return rows;
    }
}
