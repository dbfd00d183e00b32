using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Schemas.Json;

/// <summary>The six Gradebook classes a client may write (OAS-G PUT / POST request bodies).</summary>
public enum GradebookObjectType { Category, LineItem, Result, ScoreScale, AssessmentLineItem, AssessmentResult }

/// <summary>One CSV row produced from a JSON object: the CSV text of each column (by header name, <c>metadata.*</c> included).</summary>
/// <param name="JsonPath">Where in the request body the row comes from (<c>lineItem</c>, <c>lineItems[3].learningObjectiveSet[0]</c>): problems found later in the row are reported there.</param>
public sealed record JsonCsvRow(CsvFileDefinition File, string JsonPath, IReadOnlyDictionary<string, string> Values);

/// <summary>A record the object references (a GUIDRef), as the CSV column that holds it.</summary>
public sealed record JsonReference(CsvFileDefinition Target, string SourcedId, string JsonPath);

/// <summary>A JSON shape error (wrong JSON type, unknown property, missing required property), with the JSON path of the field.</summary>
public sealed record JsonFieldError(string Field, string Message);

/// <summary>What <see cref="OneRosterJsonReader.Read"/> made of one object.</summary>
/// <param name="SourcedId">The sourcedId the object is stored under (the path's for PUT, the allocated one for POST).</param>
/// <param name="SuppliedSourcedId">The body's own sourcedId (for POST: the client's temporary id), or null when absent.</param>
/// <param name="Rows">The object's row first, then its link rows (learning objectives, score scales).</param>
public sealed record JsonReadResult(
    GradebookObjectType Type,
    string SourcedId,
    string? SuppliedSourcedId,
    IReadOnlyList<JsonCsvRow> Rows,
    IReadOnlyList<JsonReference> References,
    IReadOnlyList<JsonFieldError> Errors);

/// <summary>What the request path says about the object.</summary>
/// <param name="SourcedId">The sourcedId to store the object under.</param>
/// <param name="RequireBodySourcedId">POST: the body must carry the client's temporary sourcedId (it is answered in the GUIDPair).</param>
/// <param name="CheckBodySourcedId">PUT: a body sourcedId must equal <paramref name="SourcedId"/> (absent means the path's).</param>
/// <param name="PathReferences">GUIDRef properties fixed by the path (<c>class</c> for /classes/{id}/lineItems): absent → the path's, different → error.</param>
/// <param name="DefaultReferences">GUIDRef properties the hub can infer when absent (a lineItem's school from the path's class); a value in the body wins.</param>
public sealed record JsonReadContext(
    string SourcedId,
    bool RequireBodySourcedId = false,
    bool CheckBodySourcedId = true,
    IReadOnlyDictionary<string, string>? PathReferences = null,
    IReadOnlyDictionary<string, string>? DefaultReferences = null);

/// <summary>
/// Turns OneRoster 1.2 Gradebook JSON objects (OAS-G CategoryDType, LineItemDType, ResultDType, ScoreScaleDType,
/// AssessmentLineItemDType, AssessmentResultDType) into the CSV rows of the CSV binding, so a REST write goes through
/// the same import pipeline as a CSV package (issue #3: one storage, one validation). The reader checks only the JSON
/// shape — property names, JSON types, GUIDRef form, nesting — and writes each value as the CSV text the binding
/// expects; the value rules (enumerations, date formats, required columns, references to stored records) are the
/// import's (<see cref="Validation.PackageProcessor"/>), so a REST client and a CSV upload get the same verdict.
/// Decisions (docs/decisions/0005-gradebook-writes.md): unknown properties are refused (OAS <c>additionalProperties:
/// false</c>, nothing dropped silently); status must be <c>active</c> (deletion is DELETE); dateLastModified is the
/// hub's (decision 0001) and the body's is ignored; GUIDRef href is ignored (the hub emits canonical hrefs) but its
/// type, when present, must match; lineItem.gradingPeriod is stored as the lineItem's academic session when
/// academicSession is absent (the CSV binding has one column, academicSessionSourcedId).
/// </summary>
public static partial class OneRosterJsonReader
{
    /// <summary>The wrapper property of a single object (OAS-G Single*DType) and of a set (*SetDType).</summary>
    public static string Singular(GradebookObjectType type) => type switch
    {
        GradebookObjectType.Category => "category",
        GradebookObjectType.LineItem => "lineItem",
        GradebookObjectType.Result => "result",
        GradebookObjectType.ScoreScale => "scoreScale",
        GradebookObjectType.AssessmentLineItem => "assessmentLineItem",
        _ => "assessmentResult",
    };

    public static string Plural(GradebookObjectType type) => Singular(type) switch
    {
        "category" => "categories",
        var s => s + "s",
    };

    /// <summary>The CSV file an object of <paramref name="type"/> is stored in.</summary>
    public static CsvFileDefinition FileOf(GradebookObjectType type) => type switch
    {
        GradebookObjectType.Category => CsvBinding.Categories,
        GradebookObjectType.LineItem => CsvBinding.LineItems,
        GradebookObjectType.Result => CsvBinding.Results,
        GradebookObjectType.ScoreScale => CsvBinding.ScoreScales,
        GradebookObjectType.AssessmentLineItem => CsvBinding.AssessmentLineItems,
        _ => CsvBinding.AssessmentResults,
    };

    /// <summary>The files of the rows folded into an object of <paramref name="type"/> (replaced with it, deleted with it), with the column naming the owner.</summary>
    public static IReadOnlyList<(CsvFileDefinition File, string OwnerColumn)> LinkFiles(GradebookObjectType type) => type switch
    {
        GradebookObjectType.LineItem => [(CsvBinding.LineItemLearningObjectiveIds, "lineItemSourcedId"), (CsvBinding.LineItemScoreScales, "lineItemSourcedId")],
        GradebookObjectType.Result => [(CsvBinding.ResultLearningObjectiveIds, "resultSourcedId"), (CsvBinding.ResultScoreScales, "resultSourcedId")],
        _ => [],
    };

    /// <summary>
    /// The sourcedId of a link row: a hash of the file, the owner and the linked values, so a repeated PUT of the same
    /// object names the same rows (replacing, never duplicating) and no separator inside an id can make two links collide.
    /// </summary>
    public static string LinkSourcedId(CsvFileDefinition file, string owner, params string[] parts)
    {
        var text = string.Join('\0', [file.Name, owner, .. parts]);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return "koumu-link-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>Reads one object (the value of <c>lineItem</c>, or one element of <c>lineItems</c>) found at <paramref name="jsonPath"/>.</summary>
    public static JsonReadResult Read(GradebookObjectType type, JsonElement element, string jsonPath, JsonReadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = new State(type, jsonPath, context);
        if (element.ValueKind != JsonValueKind.Object)
        {
            state.Error(jsonPath, $"must be a JSON object ({Singular(type)}), not {Kind(element)}.");
            return state.Result(null);
        }
        var supplied = state.ReadCommon(element);
        switch (type)
        {
            case GradebookObjectType.Category: state.Category(element); break;
            case GradebookObjectType.LineItem: state.LineItem(element); break;
            case GradebookObjectType.Result: state.ResultObject(element); break;
            case GradebookObjectType.ScoreScale: state.ScoreScale(element); break;
            case GradebookObjectType.AssessmentLineItem: state.AssessmentLineItem(element); break;
            default: state.AssessmentResult(element); break;
        }
        state.CheckUnknown(element);
        return state.Result(supplied);
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };

    private sealed class State(GradebookObjectType type, string path, JsonReadContext context)
    {
        private readonly CsvFileDefinition _file = FileOf(type);
        private readonly Dictionary<string, string> _row = new(StringComparer.Ordinal);
        private readonly List<JsonCsvRow> _links = [];
        private readonly List<JsonReference> _references = [];
        private readonly List<JsonFieldError> _errors = [];
        private readonly HashSet<string> _known = new(StringComparer.Ordinal) { "sourcedId", "status", "dateLastModified", "metadata" };

        private string Id => context.SourcedId;

        public void Error(string field, string message) => _errors.Add(new JsonFieldError(field, message));

        public JsonReadResult Result(string? supplied)
        {
            var rows = new List<JsonCsvRow>(1 + _links.Count) { new(_file, path, _row) };
            rows.AddRange(_links);
            return new JsonReadResult(type, Id, supplied, rows, _references, _errors);
        }

        public string? ReadCommon(JsonElement e)
        {
            _row["sourcedId"] = Id;
            string? supplied = null;
            if (Property(e, "sourcedId") is { } sid)
            {
                if (sid.ValueKind != JsonValueKind.String || sid.GetString()!.Length == 0)
                    Error(path + ".sourcedId", $"must be a non-empty string, not {Kind(sid)}.");
                else
                {
                    supplied = sid.GetString()!;
                    if (context.CheckBodySourcedId && supplied != Id)
                        Error(path + ".sourcedId", $"'{Short(supplied)}' disagrees with the sourcedId of the request path '{Short(Id)}'.");
                }
            }
            else if (context.RequireBodySourcedId)
                Error(path + ".sourcedId", "is required: the client's temporary sourcedId is answered with the allocated one (GUIDPairDType).");

            if (Property(e, "status") is { } status && !(status.ValueKind == JsonValueKind.String && status.GetString() == StatusType.Active))
                Error(path + ".status", status.ValueKind == JsonValueKind.String && status.GetString() == StatusType.ToBeDeleted
                    ? "'tobedeleted' cannot be written: delete the object with DELETE."
                    : "must be 'active' (or absent).");
            // The hub sets dateLastModified itself (docs/decisions/0001); a value in the body is checked for type only.
            if (Property(e, "dateLastModified") is { } dlm && dlm.ValueKind != JsonValueKind.String)
                Error(path + ".dateLastModified", $"must be a date-time string, not {Kind(dlm)}.");
            _row["status"] = StatusType.Active;
            _row["dateLastModified"] = "1970-01-01T00:00:00Z"; // replaced by the hub's time when stored (RosterWriter)
            if (Property(e, "metadata") is { } metadata) Metadata(metadata, path + ".metadata", "metadata");
            return supplied;
        }

        /// <summary>MetadataDType → <c>metadata.a.b</c> columns: nested objects with string leaves (what the CSV binding can carry).</summary>
        private void Metadata(JsonElement e, string field, string column)
        {
            if (e.ValueKind == JsonValueKind.Null && column == "metadata") return;
            if (e.ValueKind != JsonValueKind.Object)
            {
                Error(field, column == "metadata" ? $"must be an object, not {Kind(e)}."
                    : $"must be a string or an object: the hub stores metadata as CSV metadata.* text columns, {Kind(e)} would not round-trip.");
                return;
            }
            foreach (var p in e.EnumerateObject())
            {
                if (!MetadataKey().IsMatch(p.Name))
                {
                    Error(field + "." + p.Name, "metadata keys are letters, digits, '_' and '-' (CSV metadata.* column names).");
                    continue;
                }
                var name = column + "." + p.Name;
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    if (p.Value.GetString()!.Length == 0) Error(field + "." + p.Name, "must not be empty: a blank CSV value means absent.");
                    else _row[name] = p.Value.GetString()!;
                }
                else Metadata(p.Value, field + "." + p.Name, name);
            }
        }

        public void CheckUnknown(JsonElement e)
        {
            foreach (var p in e.EnumerateObject())
                if (!_known.Contains(p.Name))
                    Error(path + "." + p.Name, $"is not a property of {Singular(type)} (OAS-G additionalProperties: false).");
        }

        private JsonElement? Property(JsonElement e, string name)
        {
            _known.Add(name);
            return e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
        }

        private void Required(string name) => Error(path + "." + name, "is required.");

        private void Text(JsonElement e, string name, bool required = false, string? column = null)
        {
            if (Property(e, name) is not { } v)
            {
                if (required) Required(name);
                return;
            }
            if (v.ValueKind != JsonValueKind.String) Error(path + "." + name, $"must be a string, not {Kind(v)}.");
            else Put(column ?? name, v.GetString()!, name, required);
        }

        private void Put(string column, string value, string name, bool required)
        {
            // A blank CSV value means "absent": an empty required string is reported by the import as missing.
            if (value.Length == 0 && !required) return;
            _row[column] = value;
        }

        private void Number(JsonElement e, string name, string? column = null)
        {
            if (Property(e, name) is not { } v) return;
            if (v.ValueKind != JsonValueKind.Number) Error(path + "." + name, $"must be a number, not {Kind(v)}.");
            else _row[column ?? name] = v.GetRawText();
        }

        /// <summary>OAS-G booleans are the strings "true"/"false"; a JSON boolean is accepted too (written as the string).</summary>
        private void Boolean(JsonElement e, string name)
        {
            if (Property(e, name) is not { } v) return;
            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) _row[name] = v.ValueKind == JsonValueKind.True ? "true" : "false";
            else if (v.ValueKind == JsonValueKind.String) _row[name] = v.GetString()!; // "yes" is the import's boolean.format error
            else Error(path + "." + name, $"must be \"true\" or \"false\", not {Kind(v)}.");
        }

        /// <summary>A GUIDRef: sourcedId required; type, when given, must name the expected class; href is not stored (the hub emits canonical hrefs).</summary>
        private string? Reference(JsonElement e, string name, string refType, CsvFileDefinition target, bool required, string? column)
        {
            string? id = null;
            if (Property(e, name) is { } v)
            {
                if (v.ValueKind != JsonValueKind.Object) Error(path + "." + name, $"must be a GUIDRef object {{href, sourcedId, type}}, not {Kind(v)}.");
                else
                {
                    foreach (var p in v.EnumerateObject())
                        if (p.Name is not ("href" or "sourcedId" or "type"))
                            Error(path + "." + name + "." + p.Name, "is not a property of a GUIDRef (href, sourcedId, type).");
                    if (!v.TryGetProperty("sourcedId", out var sid) || sid.ValueKind != JsonValueKind.String || sid.GetString()!.Length == 0)
                        Error(path + "." + name + ".sourcedId", "is required: a non-empty string.");
                    else id = sid.GetString();
                    if (v.TryGetProperty("type", out var t) && !(t.ValueKind == JsonValueKind.String && t.GetString() == refType))
                        Error(path + "." + name + ".type", $"must be '{refType}'.");
                    if (v.TryGetProperty("href", out var h) && h.ValueKind != JsonValueKind.String)
                        Error(path + "." + name + ".href", $"must be a string, not {Kind(h)}.");
                }
            }
            if (context.PathReferences is { } fixedRefs && fixedRefs.TryGetValue(name, out var fromPath))
            {
                if (id is null) id = fromPath;
                else if (id != fromPath)
                    Error(path + "." + name + ".sourcedId", $"'{Short(id)}' disagrees with the request path, which names {name} '{Short(fromPath)}'.");
            }
            if (id is null && context.DefaultReferences is { } defaults && defaults.TryGetValue(name, out var inferred)) id = inferred;
            if (id is null)
            {
                if (required) Required(name);
                return null;
            }
            if (column is not null) _row[column] = id;
            _references.Add(new JsonReference(target, id, path + "." + name));
            return id;
        }

        public void Category(JsonElement e)
        {
            Text(e, "title", required: true);
            Number(e, "weight");
        }

        public void LineItem(JsonElement e)
        {
            Text(e, "title", required: true);
            Text(e, "description");
            Text(e, "assignDate", required: true);
            Text(e, "dueDate", required: true);
            Reference(e, "class", GUIDRefType.Class, CsvBinding.Classes, true, "classSourcedId");
            Reference(e, "school", GUIDRefType.Org, CsvBinding.Orgs, true, "schoolSourcedId");
            Reference(e, "category", GUIDRefType.Category, CsvBinding.Categories, true, "categorySourcedId");
            var session = Reference(e, "academicSession", GUIDRefType.AcademicSession, CsvBinding.AcademicSessions, false, "academicSessionSourcedId");
            var gradingPeriod = Reference(e, "gradingPeriod", GUIDRefType.AcademicSession, CsvBinding.AcademicSessions, false, null);
            // The CSV binding has one column for both (lineItems.academicSessionSourcedId, required): gradingPeriod alone
            // is stored there; both must then agree, or one of them would be lost.
            if (session is null && gradingPeriod is not null) _row["academicSessionSourcedId"] = gradingPeriod;
            else if (session is not null && gradingPeriod is not null && session != gradingPeriod)
                Error(path + ".gradingPeriod", "must equal academicSession: the hub stores one academic session per lineItem (CSV lineItems.academicSessionSourcedId).");
            else if (session is null && gradingPeriod is null) Error(path + ".academicSession", "is required by this hub (or gradingPeriod): CSV lineItems.academicSessionSourcedId is required.");
            ScoreScaleLink(e, CsvBinding.LineItemScoreScales, "lineItemSourcedId");
            Number(e, "resultValueMin");
            Number(e, "resultValueMax");
            if (Property(e, "learningObjectiveSet") is { } set)
                foreach (var (source, ids, at) in ObjectiveSets(set, path + ".learningObjectiveSet"))
                    foreach (var (id, _) in ids)
                        _links.Add(new JsonCsvRow(CsvBinding.LineItemLearningObjectiveIds, at, Link(CsvBinding.LineItemLearningObjectiveIds, source, id,
                            ("lineItemSourcedId", Id), ("source", source), ("learningObjectiveId", id))));
        }

        public void ResultObject(JsonElement e)
        {
            Reference(e, "lineItem", GUIDRefType.LineItem, CsvBinding.LineItems, true, "lineItemSourcedId");
            Reference(e, "student", GUIDRefType.User, CsvBinding.Users, true, "studentSourcedId");
            Reference(e, "class", GUIDRefType.Class, CsvBinding.Classes, false, "classSourcedId");
            ScoreScaleLink(e, CsvBinding.ResultScoreScales, "resultSourcedId");
            Text(e, "scoreStatus", required: true);
            Number(e, "score");
            Text(e, "textScore");
            Text(e, "scoreDate", required: true);
            Text(e, "comment");
            ScoreSets(e, scores => _links.AddRange(scores.Select(s => new JsonCsvRow(CsvBinding.ResultLearningObjectiveIds, s.At,
                Link(CsvBinding.ResultLearningObjectiveIds, s.Source, s.Id, ("resultSourcedId", Id), ("source", s.Source), ("learningObjectiveId", s.Id),
                    ("score", s.Score), ("textScore", s.TextScore))))));
            foreach (var b in (string[])["inProgress", "incomplete", "late", "missing"]) Boolean(e, b);
        }

        public void ScoreScale(JsonElement e)
        {
            Text(e, "title", required: true);
            Text(e, "type", required: true);
            Reference(e, "course", GUIDRefType.Course, CsvBinding.Courses, false, "courseSourcedId");
            Reference(e, "class", GUIDRefType.Class, CsvBinding.Classes, true, "classSourcedId");
            // scoreScales.orgSourcedId (CSV, required) has no JSON property: the writer fills it with the class's school.
            if (Property(e, "scoreScaleValue") is not { } values)
            {
                Required("scoreScaleValue");
                return;
            }
            if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
            {
                Error(path + ".scoreScaleValue", "must be an array of at least one ScoreScaleValueDType (OAS minItems 1).");
                return;
            }
            var items = new List<string>();
            var i = 0;
            foreach (var item in values.EnumerateArray())
            {
                var at = $"{path}.scoreScaleValue[{i++}]";
                if (item.ValueKind != JsonValueKind.Object) { Error(at, $"must be an object {{itemValueLHS, itemValueRHS}}, not {Kind(item)}."); continue; }
                foreach (var p in item.EnumerateObject())
                    if (p.Name is not ("itemValueLHS" or "itemValueRHS")) Error(at + "." + p.Name, "is not a property of ScoreScaleValueDType.");
                var lhs = ScaleText(item, "itemValueLHS", at, left: true);
                var rhs = ScaleText(item, "itemValueRHS", at, left: false);
                if (lhs is not null && rhs is not null) items.Add("{" + lhs + ":" + rhs + "}");
            }
            // CSV form {LHS:RHS},{LHS:RHS} (the mapper's; the same braces syntax as users.userIds).
            if (items.Count > 0) _row["scoreScaleValue"] = string.Join(',', items);
        }

        private static string? ScaleTextValue(JsonElement item, string name) =>
            item.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private string? ScaleText(JsonElement item, string name, string at, bool left)
        {
            var value = ScaleTextValue(item, name);
            if (value is null) { Error(at + "." + name, "is required: a string."); return null; }
            // Only what the CSV form can carry back exactly: no braces, no ':' on the left, no surrounding spaces.
            if (value.AsSpan().IndexOfAny('{', '}') >= 0 || (left && (value.Contains(':', StringComparison.Ordinal) || value.Length == 0))
                || value.Trim().Length != value.Length)
            {
                Error(at + "." + name, left
                    ? "must be non-empty, without '{', '}', ':' or surrounding spaces (CSV scoreScaleValue form {LHS:RHS})."
                    : "must not contain '{' or '}' nor start or end with spaces (CSV scoreScaleValue form {LHS:RHS}).");
                return null;
            }
            return value;
        }

        public void AssessmentLineItem(JsonElement e)
        {
            Text(e, "title", required: true);
            Text(e, "description");
            Reference(e, "class", GUIDRefType.Class, CsvBinding.Classes, false, "classSourcedId");
            Reference(e, "parentAssessmentLineItem", GUIDRefType.AssessmentLineItem, CsvBinding.AssessmentLineItems, false, "parentAssessmentLineItemSourcedId");
            Reference(e, "scoreScale", GUIDRefType.ScoreScale, CsvBinding.ScoreScales, false, "scoreScaleSourcedId");
            Number(e, "resultValueMin");
            Number(e, "resultValueMax");
            if (Property(e, "learningObjectiveSet") is { } set)
            {
                var sets = ObjectiveSets(set, path + ".learningObjectiveSet");
                if (sets.Count > 0)
                    _row["learningObjectiveSet"] = JsonSerializer.Serialize(
                        sets.Select(s => new LearningObjectiveSet { Source = s.Source, LearningObjectiveIds = s.Ids.Select(x => x.Id).ToArray() }).ToArray(),
                        OneRosterJson.Options);
            }
        }

        public void AssessmentResult(JsonElement e)
        {
            Reference(e, "assessmentLineItem", GUIDRefType.AssessmentLineItem, CsvBinding.AssessmentLineItems, true, "assessmentLineItemSourcedId");
            Reference(e, "student", GUIDRefType.User, CsvBinding.Users, true, "studentSourcedId");
            Number(e, "score");
            Text(e, "textScore");
            Text(e, "scoreDate", required: true);
            Reference(e, "scoreScale", GUIDRefType.ScoreScale, CsvBinding.ScoreScales, false, "scoreScaleSourcedId");
            Number(e, "scorePercentile");
            Text(e, "scoreStatus", required: true);
            Text(e, "comment");
            ScoreSets(e, scores =>
            {
                if (scores.Count == 0) return;
                var sets = scores.GroupBy(s => s.Source, StringComparer.Ordinal).Select(g => new LearningObjectiveScoreSet
                {
                    Source = g.Key,
                    LearningObjectiveResults = g.Select(s => new LearningObjectiveResult
                    {
                        LearningObjectiveId = s.Id,
                        Score = s.Score is null ? null : double.Parse(s.Score, NumberStyles.Float, CultureInfo.InvariantCulture),
                        TextScore = s.TextScore,
                    }).ToArray(),
                }).ToArray();
                _row["learningObjectiveSet"] = JsonSerializer.Serialize(sets, OneRosterJson.Options);
            });
            foreach (var b in (string[])["inProgress", "incomplete", "late", "missing"]) Boolean(e, b);
        }

        /// <summary>lineItem.scoreScale / result.scoreScale: one row of lineItemScoreScales / resultScoreScales.</summary>
        private void ScoreScaleLink(JsonElement e, CsvFileDefinition file, string ownerColumn)
        {
            var id = Reference(e, "scoreScale", GUIDRefType.ScoreScale, CsvBinding.ScoreScales, false, null);
            if (id is null) return;
            _links.Add(new JsonCsvRow(file, path + ".scoreScale", new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["sourcedId"] = LinkSourcedId(file, Id, id),
                ["status"] = StatusType.Active,
                ["dateLastModified"] = "1970-01-01T00:00:00Z",
                [ownerColumn] = Id,
                ["scoreScaleSourcedId"] = id,
            }));
        }

        private Dictionary<string, string> Link(CsvFileDefinition file, string source, string id, params (string Column, string? Value)[] values)
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["sourcedId"] = LinkSourcedId(file, Id, source, id),
                ["status"] = StatusType.Active,
                ["dateLastModified"] = "1970-01-01T00:00:00Z",
            };
            foreach (var (column, value) in values)
                if (value is not null) row[column] = value;
            return row;
        }

        /// <summary>LearningObjectiveSetDType[]: sources distinct, ids distinct within a source (each is one CSV row).</summary>
        private List<(string Source, List<(string Id, string At)> Ids, string At)> ObjectiveSets(JsonElement set, string at)
        {
            var sets = new List<(string, List<(string, string)>, string)>();
            if (set.ValueKind != JsonValueKind.Array) { Error(at, $"must be an array, not {Kind(set)}."); return sets; }
            var sources = new HashSet<string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var item in set.EnumerateArray())
            {
                var itemAt = $"{at}[{i++}]";
                if (item.ValueKind != JsonValueKind.Object) { Error(itemAt, $"must be an object {{source, learningObjectiveIds}}, not {Kind(item)}."); continue; }
                foreach (var p in item.EnumerateObject())
                    if (p.Name is not ("source" or "learningObjectiveIds")) Error(itemAt + "." + p.Name, "is not a property of LearningObjectiveSetDType.");
                var source = SourceOf(item, itemAt, sources);
                if (!item.TryGetProperty("learningObjectiveIds", out var ids) || ids.ValueKind != JsonValueKind.Array || ids.GetArrayLength() == 0)
                {
                    Error(itemAt + ".learningObjectiveIds", "is required: an array of at least one string (OAS minItems 1).");
                    continue;
                }
                var list = new List<(string, string)>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var j = 0;
                foreach (var id in ids.EnumerateArray())
                {
                    var idAt = $"{itemAt}.learningObjectiveIds[{j++}]";
                    if (id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0) Error(idAt, "must be a non-empty string.");
                    else if (!seen.Add(id.GetString()!)) Error(idAt, $"'{Short(id.GetString()!)}' is listed twice for this source.");
                    else list.Add((id.GetString()!, idAt));
                }
                if (source is not null) sets.Add((source, list, itemAt));
            }
            return sets;
        }

        private string? SourceOf(JsonElement item, string itemAt, HashSet<string> sources)
        {
            if (!item.TryGetProperty("source", out var s) || s.ValueKind != JsonValueKind.String || s.GetString()!.Length == 0)
            {
                Error(itemAt + ".source", "is required: a non-empty string.");
                return null;
            }
            if (!sources.Add(s.GetString()!))
            {
                Error(itemAt + ".source", $"'{Short(s.GetString()!)}' appears twice: list its objectives in one set.");
                return null;
            }
            return s.GetString();
        }

        private readonly record struct ObjectiveScore(string Source, string Id, string? Score, string? TextScore, string At);

        /// <summary>LearningObjectiveScoreSetDType[] (results, assessmentResults).</summary>
        private void ScoreSets(JsonElement e, Action<List<ObjectiveScore>> use)
        {
            if (Property(e, "learningObjectiveSet") is not { } set) return;
            var at = path + ".learningObjectiveSet";
            if (set.ValueKind != JsonValueKind.Array) { Error(at, $"must be an array, not {Kind(set)}."); return; }
            var scores = new List<ObjectiveScore>();
            var sources = new HashSet<string>(StringComparer.Ordinal);
            var i = 0;
            foreach (var item in set.EnumerateArray())
            {
                var itemAt = $"{at}[{i++}]";
                if (item.ValueKind != JsonValueKind.Object) { Error(itemAt, $"must be an object {{source, learningObjectiveResults}}, not {Kind(item)}."); continue; }
                foreach (var p in item.EnumerateObject())
                    if (p.Name is not ("source" or "learningObjectiveResults")) Error(itemAt + "." + p.Name, "is not a property of LearningObjectiveScoreSetDType.");
                var source = SourceOf(item, itemAt, sources);
                if (!item.TryGetProperty("learningObjectiveResults", out var results) || results.ValueKind != JsonValueKind.Array || results.GetArrayLength() == 0)
                {
                    Error(itemAt + ".learningObjectiveResults", "is required: an array of at least one LearningObjectiveResultsDType (OAS minItems 1).");
                    continue;
                }
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var j = 0;
                foreach (var r in results.EnumerateArray())
                {
                    var rAt = $"{itemAt}.learningObjectiveResults[{j++}]";
                    if (r.ValueKind != JsonValueKind.Object) { Error(rAt, $"must be an object, not {Kind(r)}."); continue; }
                    foreach (var p in r.EnumerateObject())
                        if (p.Name is not ("learningObjectiveId" or "score" or "textScore")) Error(rAt + "." + p.Name, "is not a property of LearningObjectiveResultsDType.");
                    string? id = null, score = null, text = null;
                    if (!r.TryGetProperty("learningObjectiveId", out var idElement) || idElement.ValueKind != JsonValueKind.String || idElement.GetString()!.Length == 0)
                        Error(rAt + ".learningObjectiveId", "is required: a non-empty string.");
                    else if (!seen.Add(idElement.GetString()!)) Error(rAt + ".learningObjectiveId", $"'{Short(idElement.GetString()!)}' is listed twice for this source.");
                    else id = idElement.GetString();
                    if (r.TryGetProperty("score", out var s) && s.ValueKind != JsonValueKind.Null)
                    {
                        if (s.ValueKind != JsonValueKind.Number || !double.IsFinite(s.GetDouble())) Error(rAt + ".score", $"must be a finite number, not {Kind(s)}.");
                        else score = s.GetRawText();
                    }
                    if (r.TryGetProperty("textScore", out var t) && t.ValueKind != JsonValueKind.Null)
                    {
                        if (t.ValueKind != JsonValueKind.String) Error(rAt + ".textScore", $"must be a string, not {Kind(t)}.");
                        else if (t.GetString()!.Length > 0) text = t.GetString();
                    }
                    if (source is not null && id is not null) scores.Add(new ObjectiveScore(source, id, score, text, rAt));
                }
            }
            use(scores);
        }
    }

    private static string Short(string text) => text.Length <= 64 ? text : text[..64] + "…";

    [GeneratedRegex("^[A-Za-z0-9_\\-]+$")]
    private static partial Regex MetadataKey();
}
