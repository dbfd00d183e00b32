using System.Data.Common;
using System.Text.Json;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Storage.Writes;

/// <summary>How a write ended.</summary>
public enum WriteStatus
{
    /// <summary>201: the object(s) stored (PUT, POST).</summary>
    Created,
    /// <summary>204: the object marked tobedeleted (DELETE).</summary>
    Deleted,
    /// <summary>404 unknownobject: the target or the path's parent does not exist or is not visible to the client.</summary>
    NotFound,
    /// <summary>422 invaliddata: the body breaks a rule; nothing was stored.</summary>
    Invalid,
}

/// <summary>One reason a write was refused: the field (CSV column or JSON path) and the rule's message.</summary>
public sealed record WriteError(string Field, string Message);

/// <summary>The result of a Gradebook write.</summary>
/// <param name="Pairs">POST: the client's temporary sourcedIds and the ones the hub allocated, in body order.</param>
public sealed record WriteOutcome(WriteStatus Status, IReadOnlyList<WriteError> Errors, IReadOnlyList<GUIDPair> Pairs)
{
    public static WriteOutcome Created(IReadOnlyList<GUIDPair>? pairs = null) => new(WriteStatus.Created, [], pairs ?? []);

    public static WriteOutcome NotFound(string field, string message) => new(WriteStatus.NotFound, [new WriteError(field, message)], []);

    public static WriteOutcome Invalid(IReadOnlyList<WriteError> errors) => new(WriteStatus.Invalid, errors, []);

    public static WriteOutcome Invalid(string field, string message) => Invalid([new WriteError(field, message)]);
}

/// <summary>What a client may see of a collection (the host's org confinement: <c>ClientConfinement.For</c>).</summary>
public delegate QueryConfinement CollectionConfinement(QueryCollection collection);

/// <summary>
/// The 16 write operations of the OneRoster 1.2 Gradebook service (OAS-G: put/delete of categories, lineItems,
/// results, scoreScales, assessmentLineItems, assessmentResults; post of lineItems for a class or school and of
/// results for a lineItem or a class's academic session). Every write becomes a small delta package —
/// <see cref="OneRosterJsonReader"/> turns the JSON into CSV rows, <see cref="MemoryPackageSource"/> holds them — and is
/// stored by <see cref="RosterStore.ImportAsync"/>: the same types, enumerations, references, profile rules,
/// all-or-nothing transaction and dateLastModified handling as a CSV upload (issue #3). Before the import, the
/// writer applies least privilege: a confined client may only replace or delete records it can read (else 404, as for
/// a record that does not exist), and every record its body references must be visible to it (else 422, worded the
/// same whether the record is hidden or missing). Decisions: docs/decisions/0005-gradebook-writes.md.
/// </summary>
public sealed class GradebookWriter(RosterStore store)
{
    /// <summary>Objects per POST (the import of a POST is one transaction; larger sets are CSV uploads' work).</summary>
    public const int MaxObjectsPerPost = 1_000;

    private const int MaxErrorsReported = 100;

    public static QueryCollection CollectionOf(GradebookObjectType type) => type switch
    {
        GradebookObjectType.Category => QueryCollections.Categories,
        GradebookObjectType.LineItem => QueryCollections.LineItems,
        GradebookObjectType.Result => QueryCollections.Results,
        GradebookObjectType.ScoreScale => QueryCollections.ScoreScales,
        GradebookObjectType.AssessmentLineItem => QueryCollections.AssessmentLineItems,
        _ => QueryCollections.AssessmentResults,
    };

    /// <summary>The collection whose confinement decides whether a referenced record of <paramref name="file"/> is visible.</summary>
    private static QueryCollection ReferenceCollection(CsvFileDefinition file) => file.Name switch
    {
        "classes" => QueryCollections.Classes,
        "orgs" => QueryCollections.Orgs,
        "users" => QueryCollections.Users,
        "courses" => QueryCollections.Courses,
        "academicSessions" => QueryCollections.AcademicSessions,
        "categories" => QueryCollections.Categories,
        "scoreScales" => QueryCollections.ScoreScales,
        "lineItems" => QueryCollections.LineItems,
        "assessmentLineItems" => QueryCollections.AssessmentLineItems,
        _ => throw new InvalidOperationException($"No collection for references to {file.Name}."),
    };

    /// <summary>PUT: creates the object under <paramref name="sourcedId"/>, or replaces the stored one (its link rows no longer in the body become tobedeleted).</summary>
    public async Task<WriteOutcome> PutAsync(int tenantId, GradebookObjectType type, string sourcedId, JsonElement body,
        CollectionConfinement confinement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confinement);
        var singular = OneRosterJsonReader.Singular(type);
        if (Unwrap(body, singular) is not { } element)
            return WriteOutcome.Invalid("body", $"The body must be an object with exactly one property, \"{singular}\" (OAS-G Single{char.ToUpperInvariant(singular[0])}{singular[1..]}DType).");
        var read = OneRosterJsonReader.Read(type, element, singular, new JsonReadContext(sourcedId));
        if (read.Errors.Count > 0) return WriteOutcome.Invalid(FromJson(read.Errors));

        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var collection = CollectionOf(type);
        var scope = confinement(collection);
        var exists = await ExistsAsync(connection, OneRosterJsonReader.FileOf(type), tenantId, sourcedId, cancellationToken).ConfigureAwait(false);
        if (exists && scope.Parts.Count > 0
            && (await VisibleAsync(connection, tenantId, collection, scope, [sourcedId], cancellationToken).ConfigureAwait(false)).Count == 0)
            // Not the client's to replace; answered as for an unknown id so the answer does not reveal the record.
            return WriteOutcome.NotFound("sourcedId", $"There is no {collection.Name} '{Short(sourcedId)}'.");

        var objects = new List<JsonReadResult> { read };
        var refused = await CheckReferencesAsync(connection, tenantId, objects, confinement, cancellationToken).ConfigureAwait(false);
        if (refused is not null) return refused;
        var rows = await RowsAsync(connection, tenantId, type, objects, confinement, cancellationToken).ConfigureAwait(false);
        if (rows.Errors.Count > 0) return WriteOutcome.Invalid(rows.Errors);
        if (exists) await AddStaleLinkDeletionsAsync(connection, tenantId, type, read, rows.Rows, cancellationToken).ConfigureAwait(false);
        await connection.CloseAsync().ConfigureAwait(false);
        return await ImportAsync(tenantId, rows.Rows, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// DELETE: marks the object and its link rows tobedeleted with a new dateLastModified (records are kept: REST delta
    /// consumers must see the deletion). A record already tobedeleted answers 204 again and changes nothing (DELETE is
    /// idempotent, RFC 9110 §9.2.2; a client retrying after a lost response is not told the record is unknown).
    /// </summary>
    public async Task<WriteOutcome> DeleteAsync(int tenantId, GradebookObjectType type, string sourcedId,
        CollectionConfinement confinement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confinement);
        var collection = CollectionOf(type);
        var file = OneRosterJsonReader.FileOf(type);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = await VisibleAsync(connection, tenantId, collection, confinement(collection), [sourcedId], cancellationToken).ConfigureAwait(false);
        if (found.Count == 0) return WriteOutcome.NotFound("sourcedId", $"There is no {collection.Name} '{Short(sourcedId)}'.");
        if (found[0].IsDeletion) return new WriteOutcome(WriteStatus.Deleted, [], []);

        var rows = new Dictionary<CsvFileDefinition, List<JsonCsvRow>> { [file] = [Deletion(file, sourcedId, "sourcedId")] };
        foreach (var (link, owner) in OneRosterJsonReader.LinkFiles(type))
            foreach (var id in await ActiveLinksAsync(connection, tenantId, link, owner, sourcedId, cancellationToken).ConfigureAwait(false))
                Add(rows, Deletion(link, id, "sourcedId"));
        await connection.CloseAsync().ConfigureAwait(false);
        var outcome = await ImportAsync(tenantId, rows, null, cancellationToken).ConfigureAwait(false);
        return outcome.Status == WriteStatus.Created ? new WriteOutcome(WriteStatus.Deleted, [], []) : outcome;
    }

    /// <summary>postLineItemsForClass (<paramref name="parent"/> = classes) / postLineItemsForSchool (orgs of type school).</summary>
    public async Task<WriteOutcome> PostLineItemsAsync(int tenantId, QueryCollection parent, string parentId, JsonElement body,
        CollectionConfinement confinement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(confinement);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var found = await VisibleAsync(connection, tenantId, parent, confinement(parent), [parentId], cancellationToken).ConfigureAwait(false);
        var isClass = parent.File == CsvBinding.Classes;
        var parameter = isClass ? "classSourcedId" : "schoolSourcedId";
        if (found.Count == 0 || found[0].IsDeletion) return WriteOutcome.NotFound(parameter, $"There is no {parent.Name} '{Short(parentId)}'.");
        var fixedRefs = new Dictionary<string, string> { [isClass ? "class" : "school"] = parentId };
        var defaults = isClass && found[0].Text("schoolSourcedId") is { } school ? new Dictionary<string, string> { ["school"] = school } : null;
        return await PostAsync(connection, tenantId, GradebookObjectType.LineItem, body, fixedRefs, defaults, confinement, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>postResultsForLineItem.</summary>
    public async Task<WriteOutcome> PostResultsForLineItemAsync(int tenantId, string lineItemId, JsonElement body,
        CollectionConfinement confinement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confinement);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var lineItems = QueryCollections.LineItems;
        var found = await VisibleAsync(connection, tenantId, lineItems, confinement(lineItems), [lineItemId], cancellationToken).ConfigureAwait(false);
        if (found.Count == 0 || found[0].IsDeletion) return WriteOutcome.NotFound("lineItemSourcedId", $"There is no lineItems '{Short(lineItemId)}'.");
        var fixedRefs = new Dictionary<string, string> { ["lineItem"] = lineItemId };
        return await PostAsync(connection, tenantId, GradebookObjectType.Result, body, fixedRefs, null, confinement, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// postResultsForAcademicSessionForClass: results of the class whose lineItems belong to the class and to the
    /// academic session (a result has no session of its own; the path's session is its lineItem's).
    /// </summary>
    public async Task<WriteOutcome> PostResultsForAcademicSessionForClassAsync(int tenantId, string classId, string academicSessionId, JsonElement body,
        CollectionConfinement confinement, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(confinement);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var classes = QueryCollections.Classes;
        var foundClass = await VisibleAsync(connection, tenantId, classes, confinement(classes), [classId], cancellationToken).ConfigureAwait(false);
        if (foundClass.Count == 0 || foundClass[0].IsDeletion) return WriteOutcome.NotFound("classSourcedId", $"There is no classes '{Short(classId)}'.");
        var sessions = QueryCollections.AcademicSessions;
        var foundSession = await VisibleAsync(connection, tenantId, sessions, confinement(sessions), [academicSessionId], cancellationToken).ConfigureAwait(false);
        if (foundSession.Count == 0 || foundSession[0].IsDeletion)
            return WriteOutcome.NotFound("academicSessionSourcedId", $"There is no academicSessions '{Short(academicSessionId)}'.");
        var fixedRefs = new Dictionary<string, string> { ["class"] = classId };
        return await PostAsync(connection, tenantId, GradebookObjectType.Result, body, fixedRefs, null, confinement,
            async (objects, ct) =>
            {
                // One query for every lineItem the set names.
                var ids = objects.SelectMany(o => o.References).Where(r => r.Target == CsvBinding.LineItems).Select(r => r.SourcedId).Distinct(StringComparer.Ordinal).ToList();
                var lineItems = QueryCollections.LineItems;
                var rows = ids.Count == 0 ? [] : await VisibleAsync(connection, tenantId, lineItems, confinement(lineItems), ids, ct).ConfigureAwait(false);
                var byId = rows.ToDictionary(r => r.SourcedId, StringComparer.Ordinal);
                var errors = new List<WriteError>();
                foreach (var reference in objects.SelectMany(o => o.References).Where(r => r.Target == CsvBinding.LineItems))
                {
                    if (!byId.TryGetValue(reference.SourcedId, out var lineItem)) continue; // reported by the reference check
                    if (lineItem.Text("classSourcedId") != classId || lineItem.Text("academicSessionSourcedId") != academicSessionId)
                        errors.Add(new WriteError(reference.JsonPath + ".sourcedId",
                            $"lineItem '{Short(reference.SourcedId)}' is not a lineItem of class '{Short(classId)}' in academic session '{Short(academicSessionId)}' (the request path)."));
                }
                return errors;
            }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<WriteOutcome> PostAsync(DbConnection connection, int tenantId, GradebookObjectType type, JsonElement body,
        IReadOnlyDictionary<string, string> fixedRefs, IReadOnlyDictionary<string, string>? defaults, CollectionConfinement confinement,
        Func<IReadOnlyList<JsonReadResult>, CancellationToken, Task<List<WriteError>>>? extraCheck, CancellationToken cancellationToken)
    {
        var plural = OneRosterJsonReader.Plural(type);
        if (Unwrap(body, plural) is not { ValueKind: JsonValueKind.Array } array)
            return WriteOutcome.Invalid("body", $"The body must be an object with exactly one property, \"{plural}\", an array.");
        var count = array.GetArrayLength();
        if (count > MaxObjectsPerPost)
            return WriteOutcome.Invalid(plural, $"A POST may create at most {MaxObjectsPerPost} {plural}, not {count}: send several requests or a CSV package.");
        if (count == 0) return WriteOutcome.Created([]);

        var objects = new List<JsonReadResult>(count);
        var errors = new List<JsonFieldError>();
        var supplied = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var element in array.EnumerateArray())
        {
            var at = $"{plural}[{i++}]";
            var read = OneRosterJsonReader.Read(type, element, at,
                new JsonReadContext(Guid.NewGuid().ToString(), RequireBodySourcedId: true, CheckBodySourcedId: false, fixedRefs, defaults));
            errors.AddRange(read.Errors);
            if (read.SuppliedSourcedId is { } id && !supplied.Add(id))
                errors.Add(new JsonFieldError(at + ".sourcedId", $"'{Short(id)}' is supplied twice: each object needs its own temporary sourcedId."));
            objects.Add(read);
        }
        if (errors.Count > 0) return WriteOutcome.Invalid(FromJson(errors));

        var refused = await CheckReferencesAsync(connection, tenantId, objects, confinement, cancellationToken).ConfigureAwait(false);
        if (refused is not null) return refused;
        if (extraCheck is not null && await extraCheck(objects, cancellationToken).ConfigureAwait(false) is { Count: > 0 } extra)
            return WriteOutcome.Invalid(extra);
        var rows = await RowsAsync(connection, tenantId, type, objects, confinement, cancellationToken).ConfigureAwait(false);
        if (rows.Errors.Count > 0) return WriteOutcome.Invalid(rows.Errors);
        await connection.CloseAsync().ConfigureAwait(false);
        var pairs = objects.Select(o => new GUIDPair { SuppliedSourcedId = o.SuppliedSourcedId!, AllocatedSourcedId = o.SourcedId }).ToList();
        return await ImportAsync(tenantId, rows.Rows, pairs, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Least privilege for a confined client: every referenced record must be one it can read — one query per
    /// referenced collection for the whole request. Unconfined clients skip this (the import checks existence).
    /// </summary>
    private static async Task<WriteOutcome?> CheckReferencesAsync(DbConnection connection, int tenantId, IReadOnlyList<JsonReadResult> objects,
        CollectionConfinement confinement, CancellationToken cancellationToken)
    {
        var errors = new List<WriteError>();
        foreach (var group in objects.SelectMany(o => o.References).GroupBy(r => r.Target))
        {
            var collection = ReferenceCollection(group.Key);
            var scope = confinement(collection);
            if (scope.Parts.Count == 0) continue;
            var ids = group.Select(r => r.SourcedId).Distinct(StringComparer.Ordinal).ToList();
            var visible = (await VisibleAsync(connection, tenantId, collection, scope, ids, cancellationToken).ConfigureAwait(false))
                .Where(r => !r.IsDeletion).Select(r => r.SourcedId).ToHashSet(StringComparer.Ordinal);
            foreach (var reference in group)
                if (!visible.Contains(reference.SourcedId))
                    // The same words as the import's unresolved reference: a hidden record and a missing one look alike.
                    errors.Add(new WriteError(reference.JsonPath + ".sourcedId", $"'{Short(reference.SourcedId)}' does not name a record of {group.Key.Name} in the store."));
        }
        return errors.Count > 0 ? WriteOutcome.Invalid(errors.Take(MaxErrorsReported).ToList()) : null;
    }

    private sealed record PackageRows(Dictionary<CsvFileDefinition, List<JsonCsvRow>> Rows, List<WriteError> Errors);

    private static async Task<PackageRows> RowsAsync(DbConnection connection, int tenantId, GradebookObjectType type, IReadOnlyList<JsonReadResult> objects,
        CollectionConfinement confinement, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<CsvFileDefinition, List<JsonCsvRow>>();
        var errors = new List<WriteError>();
        Dictionary<string, string?>? schools = null;
        if (type == GradebookObjectType.ScoreScale)
        {
            // CSV scoreScales.orgSourcedId is required but ScoreScaleDType has no org: the hub stores the class's school.
            var classIds = objects.SelectMany(o => o.References).Where(r => r.Target == CsvBinding.Classes).Select(r => r.SourcedId).Distinct(StringComparer.Ordinal).ToList();
            var classes = QueryCollections.Classes;
            schools = (await VisibleAsync(connection, tenantId, classes, confinement(classes), classIds, cancellationToken).ConfigureAwait(false))
                .Where(r => !r.IsDeletion).ToDictionary(r => r.SourcedId, r => r.Text("schoolSourcedId"), StringComparer.Ordinal);
        }
        foreach (var read in objects)
        {
            for (var i = 0; i < read.Rows.Count; i++)
            {
                var row = read.Rows[i];
                if (i == 0 && schools is not null && row.Values.TryGetValue("classSourcedId", out var classId))
                {
                    if (schools.GetValueOrDefault(classId) is { } school)
                        row = row with { Values = new Dictionary<string, string>(row.Values, StringComparer.Ordinal) { ["orgSourcedId"] = school } };
                    else
                        errors.Add(new WriteError(row.JsonPath + ".class.sourcedId", $"'{Short(classId)}' does not name a record of classes in the store."));
                }
                Add(rows, row);
            }
        }
        return new PackageRows(rows, errors);
    }

    /// <summary>A replaced object's link rows (learning objectives, score scales) that the new body no longer has become tobedeleted.</summary>
    private static async Task AddStaleLinkDeletionsAsync(DbConnection connection, int tenantId, GradebookObjectType type, JsonReadResult read,
        Dictionary<CsvFileDefinition, List<JsonCsvRow>> rows, CancellationToken cancellationToken)
    {
        foreach (var (link, owner) in OneRosterJsonReader.LinkFiles(type))
        {
            var kept = read.Rows.Where(r => r.File == link).Select(r => r.Values["sourcedId"]).ToHashSet(StringComparer.Ordinal);
            foreach (var id in await ActiveLinksAsync(connection, tenantId, link, owner, read.SourcedId, cancellationToken).ConfigureAwait(false))
                if (!kept.Contains(id)) Add(rows, Deletion(link, id, read.Rows[0].JsonPath));
        }
    }

    private async Task<WriteOutcome> ImportAsync(int tenantId, Dictionary<CsvFileDefinition, List<JsonCsvRow>> rows, IReadOnlyList<GUIDPair>? pairs,
        CancellationToken cancellationToken)
    {
        using var source = new MemoryPackageSource(
            rows.Select(p => KeyValuePair.Create(p.Key, (IReadOnlyList<IReadOnlyDictionary<string, string>>)p.Value.Select(r => r.Values).ToList())),
            CsvBinding.RestOnlyFiles);
        var options = new ProcessingOptions { Profile = OneRosterProfiles.Base, AcceptRestOnlyFiles = true };
        var outcome = await store.ImportAsync(tenantId, source, options, cancellationToken).ConfigureAwait(false);
        if (outcome.Committed) return WriteOutcome.Created(pairs);
        return WriteOutcome.Invalid(outcome.Result.Problems.Where(p => p.Severity == Koumu.Interop.Schemas.Validation.Severity.Error).Take(MaxErrorsReported)
            .Select(p => FromProblem(p, rows)).ToList());
    }

    /// <summary>An import problem in the words of the request: the CSV column as the field, the JSON path of the object in the message.</summary>
    private static WriteError FromProblem(Problem problem, Dictionary<CsvFileDefinition, List<JsonCsvRow>> rows)
    {
        string? at = null;
        if (problem.File is { } fileName && fileName.EndsWith(".csv", StringComparison.Ordinal)
            && CsvBinding.FindAny(fileName[..^4]) is { } file && rows.TryGetValue(file, out var list)
            && problem.Line is { } line && line >= 2 && line - 2 < list.Count)
            at = list[(int)(line - 2)].JsonPath;
        var field = problem.Column ?? "body";
        return new WriteError(field, (at is null ? "" : at + ": ") + $"{problem.MessageEn} [{problem.RuleId}]");
    }

    private static List<WriteError> FromJson(IEnumerable<JsonFieldError> errors) =>
        errors.Take(MaxErrorsReported).Select(e => new WriteError(e.Field, e.Field + " " + e.Message)).ToList();

    private static JsonElement? Unwrap(JsonElement body, string property)
    {
        if (body.ValueKind != JsonValueKind.Object) return null;
        JsonElement? value = null;
        foreach (var p in body.EnumerateObject())
        {
            if (p.Name != property || value is not null) return null;
            value = p.Value;
        }
        return value;
    }

    private static JsonCsvRow Deletion(CsvFileDefinition file, string sourcedId, string jsonPath) =>
        new(file, jsonPath, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["sourcedId"] = sourcedId,
            ["status"] = StatusType.ToBeDeleted,
            ["dateLastModified"] = "1970-01-01T00:00:00Z", // the hub's time replaces it (RosterWriter, decision 0001)
        });

    private static void Add(Dictionary<CsvFileDefinition, List<JsonCsvRow>> rows, JsonCsvRow row)
    {
        if (!rows.TryGetValue(row.File, out var list)) rows[row.File] = list = [];
        list.Add(row);
    }

    /// <summary>Records of <paramref name="collection"/> among <paramref name="ids"/> that <paramref name="scope"/> lets the client read (any status), through the query engine.</summary>
    private static async Task<IReadOnlyList<CsvRecord>> VisibleAsync(DbConnection connection, int tenantId, QueryCollection collection,
        QueryConfinement scope, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var query = RosterQueryParser.Parse(collection, new QueryParameters(Limit: RosterQueryParser.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture))).Value;
        var plan = RosterQueryCompiler.Compile(query, ProviderOf(connection), tenantId, scope.And(QueryConfinement.FieldIn("sourcedId", ids)));
        return (await RosterQueryExecutor.ReadPageAsync(connection, plan, includeTotal: false, null, cancellationToken).ConfigureAwait(false)).Records;
    }

    private static DatabaseProvider ProviderOf(DbConnection connection) =>
        connection is Npgsql.NpgsqlConnection ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite;

    /// <summary>Whether the tenant has a record <paramref name="sourcedId"/> in <paramref name="file"/>, of any status, whoever may see it.</summary>
    private static async Task<bool> ExistsAsync(DbConnection connection, CsvFileDefinition file, int tenantId, string sourcedId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT 1 FROM {file.StorageName} WHERE tenant_id = @tenant AND sourced_id = @id";
        Parameter(command, "tenant", tenantId);
        Parameter(command, "id", sourcedId);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    private static async Task<List<string>> ActiveLinksAsync(DbConnection connection, int tenantId, CsvFileDefinition link, string ownerColumn, string owner,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT sourced_id FROM {link.StorageName} WHERE tenant_id = @tenant AND {link.Column(ownerColumn).SqlName} = @owner AND status = 'active'";
        Parameter(command, "tenant", tenantId);
        Parameter(command, "owner", owner);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) ids.Add(reader.GetString(0));
        return ids;
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
    }

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
