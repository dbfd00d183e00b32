using System.Reflection;
using System.Text.Json.Serialization;
using Koumu.Interop.Schemas.Csv;
using Json = Koumu.Interop.Schemas.Json;

namespace Koumu.Interop.Storage.Query;

/// <summary>How a filterable field is stored, which decides the SQL it compiles to.</summary>
public enum QueryFieldShape
{
    /// <summary>One column of the collection's own table.</summary>
    Column,
    /// <summary>A comma-joined list column (grades, subjects, terms.sourcedId, …): <c>=</c> means "is a member".</summary>
    ListColumn,
    /// <summary>A column of the user's rows in <c>roles</c> (users.roles[*].…): an <c>EXISTS</c> over active roles.</summary>
    RoleColumn,
}

/// <summary>
/// One entry of a collection's allow-list: the JSON path a client names in <c>filter</c> / <c>sort</c> and the stored
/// column it compiles to. Only entries of the allow-list ever reach SQL, and only through <see cref="Column"/>'s
/// quoted name (the CSV binding's, never the client's text).
/// </summary>
public sealed record QueryField(string Path, ColumnDefinition Column, QueryFieldShape Shape)
{
    public StorageType Type => Column.StorageType;

    /// <summary>Only single-valued fields of the collection's own table can order a page.</summary>
    public bool Sortable => Shape == QueryFieldShape.Column;

    /// <summary>Never NULL in storage (sourcedId, status, dateLastModified, or a column its table declares NOT NULL): sorting needs no NULL handling.</summary>
    public bool NotNull => StoredNotNull || Column.Kind is ColumnKind.SourcedId or ColumnKind.Status or ColumnKind.DateLastModified;

    /// <summary>Set by a non-OneRoster table whose column is declared NOT NULL (see <see cref="QueryCollection.ForTable"/>).</summary>
    public bool StoredNotNull { get; init; }
}

/// <summary>
/// One OneRoster collection as the query engine sees it: the table it reads (a <see cref="CsvFileDefinition"/>),
/// the fields a filter or sort may name, the fields a <c>fields</c> selection may name (the JSON properties of the
/// class, read from the JSON model so they cannot drift from the response), and an optional fixed predicate for
/// collections that are a subset of a table (<c>/schools</c> are orgs of type school, <c>/students</c> are users with
/// a student role). Built from <see cref="CsvBinding"/> by one rule — no hand-written copy per entity.
/// </summary>
public sealed class QueryCollection
{
    private readonly Dictionary<string, QueryField> _fields;
    private readonly HashSet<string> _selectable;

    internal QueryCollection(string name, string service, CsvFileDefinition file, Type model, IEnumerable<QueryField> fields,
        QueryFixedPredicate? fixedPredicate)
    {
        Name = name;
        Service = service;
        File = file;
        Table = file.StorageName;
        Model = model;
        FixedPredicate = fixedPredicate;
        _selectable = model.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        // A client names JSON fields: a CSV column with no JSON property (scoreScales.orgSourcedId — OAS
        // ScoreScaleDType has no org) cannot be filtered on.
        _fields = fields.Where(f => _selectable.Contains(f.Path.Split('.')[0])).ToDictionary(f => f.Path, StringComparer.Ordinal);
    }

    private QueryCollection(string name, string service, string table, Type model, QueryKey key, string select, IEnumerable<QueryField> fields,
        IEnumerable<string> selectable)
    {
        Name = name;
        Service = service;
        Table = table;
        Model = model;
        Key = key;
        Select = select;
        _selectable = selectable.ToHashSet(StringComparer.Ordinal);
        _fields = fields.ToDictionary(f => f.Path, StringComparer.Ordinal);
    }

    /// <summary>
    /// A collection over a hub table that is not a OneRoster CSV file (attendance records, alerts): the same filter,
    /// sort, paging, fields and cursor rules, with the table's own allow-list. <paramref name="fields"/> maps the JSON
    /// paths a client may filter or sort on to the table's columns (each <see cref="ColumnDefinition"/>'s snake-case
    /// name is the column; only these names ever reach SQL); <paramref name="selectable"/> is what <c>fields</c> may
    /// name; <paramref name="select"/> is the page's select list over the table aliased <c>t</c> (the hub's text);
    /// <paramref name="key"/> is the unique tie-break that makes every order total.
    /// </summary>
    public static QueryCollection ForTable(string name, string service, string table, Type model, QueryKey key, string select,
        IEnumerable<QueryField> fields, IEnumerable<string> selectable)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(table);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(select);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(selectable);
        return new QueryCollection(name, service, table, model, key, select, fields, selectable);
    }

    /// <summary>The collection's name in the REST path (<c>users</c>, <c>schools</c>, <c>lineItems</c>).</summary>
    public string Name { get; }

    /// <summary><c>rostering</c>, <c>gradebook</c> or <c>resources</c>: decides the codeMinor of a bad sort (see <see cref="QueryCodeMinor"/>).</summary>
    public string Service { get; }

    /// <summary>The OneRoster CSV file the collection reads; null for a <see cref="ForTable"/> collection.</summary>
    public CsvFileDefinition? File { get; }

    /// <summary>The table read (<c>t</c> in the compiled SQL).</summary>
    public string Table { get; }

    /// <summary>The tie-break of every order: <c>sourced_id</c> for OneRoster files (unique per tenant).</summary>
    public QueryKey Key { get; } = QueryKey.SourcedId;

    /// <summary>A <see cref="ForTable"/> collection's select list; null for OneRoster files (their CSV columns and metadata).</summary>
    public string? Select { get; }

    /// <summary>The class the rows are mapped to (the OAS <c>*DType</c> for OneRoster files).</summary>
    public Type Model { get; }

    public QueryFixedPredicate? FixedPredicate { get; }

    public IEnumerable<QueryField> Fields => _fields.Values;

    public IReadOnlyCollection<string> SelectableFields => _selectable;

    public QueryField? FindField(string path) => _fields.GetValueOrDefault(path);

    public bool IsSelectable(string field) => _selectable.Contains(field);

    public override string ToString() => Name;
}

/// <summary>
/// The unique column that ends every order (the tie-break) and positions a keyset cursor: <c>sourced_id</c> (text) for
/// OneRoster files; a table that keeps versions of a sourcedId (attendance records) uses its row id (a number, carried
/// in <see cref="KeysetPosition.SourcedId"/> as invariant digits).
/// </summary>
public sealed record QueryKey(string Column, bool Numeric)
{
    public static QueryKey SourcedId { get; } = new("sourced_id", false);
}

/// <summary>A fixed condition of a collection that is a subset of its table: <c>field = value</c> on an allow-listed field.</summary>
public sealed record QueryFixedPredicate(string Field, string Value);

/// <summary>The OneRoster 1.2 collections whose records the hub stores, each defined by <see cref="Define"/>.</summary>
public static class QueryCollections
{
    public const string Rostering = "rostering";
    public const string Gradebook = "gradebook";
    public const string Resources = "resources";

    public static readonly QueryCollection Orgs = Define("orgs", Rostering, CsvBinding.Orgs, typeof(Json.Org));
    public static readonly QueryCollection Schools = Define("schools", Rostering, CsvBinding.Orgs, typeof(Json.Org), new("type", "school"));
    public static readonly QueryCollection AcademicSessions = Define("academicSessions", Rostering, CsvBinding.AcademicSessions, typeof(Json.AcademicSession));
    public static readonly QueryCollection Terms = Define("terms", Rostering, CsvBinding.AcademicSessions, typeof(Json.AcademicSession), new("type", "term"));
    public static readonly QueryCollection GradingPeriods = Define("gradingPeriods", Rostering, CsvBinding.AcademicSessions, typeof(Json.AcademicSession), new("type", "gradingPeriod"));
    public static readonly QueryCollection Courses = Define("courses", Rostering, CsvBinding.Courses, typeof(Json.Course));
    public static readonly QueryCollection Classes = Define("classes", Rostering, CsvBinding.Classes, typeof(Json.Class));
    public static readonly QueryCollection Users = Define("users", Rostering, CsvBinding.Users, typeof(Json.User));
    public static readonly QueryCollection Students = Define("students", Rostering, CsvBinding.Users, typeof(Json.User), new("roles.role", "student"));
    public static readonly QueryCollection Teachers = Define("teachers", Rostering, CsvBinding.Users, typeof(Json.User), new("roles.role", "teacher"));
    public static readonly QueryCollection Enrollments = Define("enrollments", Rostering, CsvBinding.Enrollments, typeof(Json.Enrollment));
    public static readonly QueryCollection Demographics = Define("demographics", Rostering, CsvBinding.Demographics, typeof(Json.Demographics));
    public static readonly QueryCollection Categories = Define("categories", Gradebook, CsvBinding.Categories, typeof(Json.Category));
    public static readonly QueryCollection LineItems = Define("lineItems", Gradebook, CsvBinding.LineItems, typeof(Json.LineItem));
    public static readonly QueryCollection Results = Define("results", Gradebook, CsvBinding.Results, typeof(Json.Result));
    public static readonly QueryCollection ScoreScales = Define("scoreScales", Gradebook, CsvBinding.ScoreScales, typeof(Json.ScoreScale));
    public static readonly QueryCollection AssessmentLineItems = Define("assessmentLineItems", Gradebook, CsvBinding.AssessmentLineItems, typeof(Json.AssessmentLineItem));
    public static readonly QueryCollection AssessmentResults = Define("assessmentResults", Gradebook, CsvBinding.AssessmentResults, typeof(Json.AssessmentResult));
    public static readonly QueryCollection ResourceCollection = Define("resources", Resources, CsvBinding.Resources, typeof(Json.Resource));

    public static readonly IReadOnlyList<QueryCollection> All =
    [
        Orgs, Schools, AcademicSessions, Terms, GradingPeriods, Courses, Classes, Users, Students, Teachers, Enrollments,
        Demographics, Categories, LineItems, Results, ScoreScales, AssessmentLineItems, AssessmentResults, ResourceCollection,
    ];

    /// <summary>
    /// The JSON path of a CSV column (CSV binding §"GUIDRef flattening" in reverse): <c>xxxSourcedId</c> is the
    /// GUIDRef <c>xxx</c>, so its filter path is <c>xxx.sourcedId</c>; <c>xxxSourcedIds</c> is the GUIDRef list
    /// <c>xxxs</c> (<c>terms.sourcedId</c>, <c>agents.sourcedId</c>); users' preferredGivenName/preferredFamilyName are
    /// JSON preferredFirstName/preferredLastName (OAS UserDType). Every other column keeps its name.
    /// </summary>
    public static string JsonPath(ColumnDefinition column) => column.Name switch
    {
        "preferredGivenName" => "preferredFirstName",
        "preferredFamilyName" => "preferredLastName",
        "sourcedId" => "sourcedId",
        var n when n.EndsWith("SourcedIds", StringComparison.Ordinal) => n[..^"SourcedIds".Length] + "s.sourcedId",
        var n when n.EndsWith("SourcedId", StringComparison.Ordinal) => n[..^"SourcedId".Length] + ".sourcedId",
        var n => n,
    };

    /// <summary>
    /// A collection from its CSV file: every column except the ones with no filterable JSON scalar (userIds, whose
    /// JSON is an object list, password, which is never a search key, and the assessments' learningObjectiveSet, stored
    /// as its OAS JSON array) becomes a field; users also get
    /// <c>roles.*</c> from roles.csv (roleType, role, org.sourcedId, beginDate, endDate).
    /// </summary>
    private static QueryCollection Define(string name, string service, CsvFileDefinition file, Type model, QueryFixedPredicate? fixedPredicate = null)
    {
        var fields = new List<QueryField>();
        foreach (var column in file.Columns)
        {
            if (column.Kind == ColumnKind.UserIds || column.Name is "password" or "learningObjectiveSet") continue;
            var shape = column.Kind is ColumnKind.ReferenceList or ColumnKind.TextList or ColumnKind.EnumerationList
                ? QueryFieldShape.ListColumn : QueryFieldShape.Column;
            fields.Add(new QueryField(JsonPath(column), column, shape));
        }
        if (file == CsvBinding.Users)
        {
            foreach (var column in CsvBinding.Roles.Columns.Where(c => c.Name is "roleType" or "role" or "orgSourcedId" or "beginDate" or "endDate"))
                fields.Add(new QueryField("roles." + JsonPath(column), column, QueryFieldShape.RoleColumn));
        }
        return new QueryCollection(name, service, file, model, fields, fixedPredicate);
    }

    public static QueryCollection? Find(string name) => All.FirstOrDefault(c => c.Name == name);
}
