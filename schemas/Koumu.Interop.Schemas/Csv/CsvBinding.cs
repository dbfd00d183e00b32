namespace Koumu.Interop.Schemas.Csv;

/// <summary>How a CSV column's text is interpreted (OneRoster 1.2 CSV Binding, §2.2 of shared/reference/oneroster.md).</summary>
public enum ColumnKind
{
    /// <summary>The record's sourcedId (primary key within a tenant).</summary>
    SourcedId,
    /// <summary><c>active</c> / <c>tobedeleted</c>; blank in bulk files, required in delta files.</summary>
    Status,
    /// <summary>ISO 8601 UTC instant; blank in bulk files, required in delta files.</summary>
    DateLastModified,
    Text,
    /// <summary>A value from <see cref="ColumnDefinition.Values"/>, or <c>ext:</c> + token when extensible.</summary>
    Enumeration,
    /// <summary>Several enumeration values, comma separated.</summary>
    EnumerationList,
    /// <summary>Calendar date <c>YYYY-MM-DD</c>.</summary>
    Date,
    /// <summary>ISO 8601 instant (lineItems assignDate/dueDate).</summary>
    DateTime,
    /// <summary><c>true</c> / <c>false</c>, lower case.</summary>
    Boolean,
    Float,
    /// <summary>Four-digit year (academicSessions.schoolYear).</summary>
    Year,
    /// <summary>The sourcedId of one record of <see cref="ColumnDefinition.References"/>.</summary>
    Reference,
    /// <summary>Comma-separated sourcedIds of <see cref="ColumnDefinition.References"/>.</summary>
    ReferenceList,
    /// <summary>Comma-separated free tokens (grades, subjects, subjectCodes, periods).</summary>
    TextList,
    /// <summary>Comma-separated <c>{type:identifier}</c> items (users.userIds).</summary>
    UserIds,
}

/// <summary>The physical storage type a column maps to, shared by every storage provider.</summary>
public enum StorageType { Text, Date, Instant, Boolean, Float }

/// <summary>One column of a OneRoster CSV file.</summary>
/// <param name="Name">The header exactly as the CSV binding spells it.</param>
/// <param name="Required">Whether a value is required (for status/dateLastModified: required in delta only).</param>
/// <param name="References">For reference columns, the file whose sourcedIds the value must name.</param>
/// <param name="Values">For enumerations, the standard's values.</param>
/// <param name="Extensible">Whether <c>ext:</c> values are allowed (OneRoster extensible enumerations).</param>
/// <param name="Only12Layout">Present only in the original 1.2 layout (users.resourceSourcedIds, removed by 1.2.1).</param>
public sealed record ColumnDefinition(
    string Name,
    ColumnKind Kind,
    bool Required = false,
    string? References = null,
    IReadOnlyList<string>? Values = null,
    bool Extensible = false,
    bool Only12Layout = false)
{
    /// <summary>Column name in storage: snake_case of the CSV header.</summary>
    public string StorageName { get; } = Naming.ToSnakeCase(Name);

    /// <summary>The column name quoted for SQL (enrollments.primary is a reserved word in both databases).</summary>
    public string SqlName => "\"" + StorageName + "\"";

    public StorageType StorageType => Kind switch
    {
        ColumnKind.Date => StorageType.Date,
        ColumnKind.DateTime or ColumnKind.DateLastModified => StorageType.Instant,
        ColumnKind.Boolean => StorageType.Boolean,
        ColumnKind.Float => StorageType.Float,
        _ => StorageType.Text,
    };
}

/// <summary>One of the 21 data files of a OneRoster 1.2 CSV package.</summary>
public sealed class CsvFileDefinition
{
    internal CsvFileDefinition(string name, int order, IReadOnlyList<ColumnDefinition> columns)
    {
        Name = name;
        Order = order;
        Columns = columns;
        StorageName = Naming.ToSnakeCase(name);
        Layout121 = columns.Where(c => !c.Only12Layout).ToArray();
        Layout12 = columns;
        Index = columns.Select((c, i) => (c.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
    }

    /// <summary>The manifest key suffix and file stem, e.g. <c>academicSessions</c> (file.academicSessions, academicSessions.csv).</summary>
    public string Name { get; }

    public string FileName => Name + ".csv";

    public string ManifestKey => "file." + Name;

    /// <summary>Processing order: every file comes after the files it references (self references are resolved at file end).</summary>
    public int Order { get; }

    /// <summary>Every column the hub stores, in 1.2 order (a superset of the 1.2.1 layout).</summary>
    public IReadOnlyList<ColumnDefinition> Columns { get; }

    /// <summary>Header of the CSV Binding 1.2.1 (errata) layout.</summary>
    public IReadOnlyList<ColumnDefinition> Layout121 { get; }

    /// <summary>Header of the original CSV Binding 1.2 layout.</summary>
    public IReadOnlyList<ColumnDefinition> Layout12 { get; }

    public bool HasAlternateLayout => Layout12.Count != Layout121.Count;

    /// <summary>Table name in storage.</summary>
    public string StorageName { get; }

    private IReadOnlyDictionary<string, int> Index { get; }

    public int IndexOf(string column) => Index.TryGetValue(column, out var i) ? i : -1;

    public ColumnDefinition Column(string name) => Columns[IndexOf(name)];

    public override string ToString() => FileName;
}

/// <summary>The OneRoster 1.2 CSV binding: the 21 data files and their columns, in spec order (plus the REST-only OAS-G assessment types).</summary>
public static class CsvBinding
{
    public static readonly IReadOnlyList<string> StatusValues = ["active", "tobedeleted"];

    private static ColumnDefinition Id() => new("sourcedId", ColumnKind.SourcedId, Required: true);
    private static ColumnDefinition St() => new("status", ColumnKind.Status);
    private static ColumnDefinition Dlm() => new("dateLastModified", ColumnKind.DateLastModified);
    private static ColumnDefinition Text(string n, bool req = false) => new(n, ColumnKind.Text, req);
    private static ColumnDefinition Ref(string n, string file, bool req = false) => new(n, ColumnKind.Reference, req, file);
    private static ColumnDefinition Refs(string n, string file, bool req = false) => new(n, ColumnKind.ReferenceList, req, file);
    private static ColumnDefinition Enum(string n, bool req, bool ext, params string[] values) => new(n, ColumnKind.Enumeration, req, Values: values, Extensible: ext);
    private static ColumnDefinition Bool(string n, bool req = false) => new(n, ColumnKind.Boolean, req);
    private static ColumnDefinition Date(string n, bool req = false) => new(n, ColumnKind.Date, req);
    private static ColumnDefinition Float(string n, bool req = false) => new(n, ColumnKind.Float, req);
    private static ColumnDefinition List(string n) => new(n, ColumnKind.TextList);

    public static readonly CsvFileDefinition Orgs = new("orgs", 0,
    [
        Id(), St(), Dlm(), Text("name", true),
        Enum("type", true, true, "department", "district", "local", "national", "school", "state"),
        Text("identifier"), Ref("parentSourcedId", "orgs"),
    ]);

    public static readonly CsvFileDefinition AcademicSessions = new("academicSessions", 1,
    [
        Id(), St(), Dlm(), Text("title", true),
        Enum("type", true, true, "gradingPeriod", "semester", "schoolYear", "term"),
        Date("startDate", true), Date("endDate", true), Ref("parentSourcedId", "academicSessions"),
        new("schoolYear", ColumnKind.Year, Required: true),
    ]);

    public static readonly CsvFileDefinition Resources = new("resources", 2,
    [
        Id(), St(), Dlm(), Text("vendorResourceId", true), Text("title"),
        new("roles", ColumnKind.EnumerationList, Values: ["administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"], Extensible: true),
        Enum("importance", false, false, "primary", "secondary"),
        Text("vendorId"), Text("applicationId"),
    ]);

    public static readonly CsvFileDefinition Courses = new("courses", 3,
    [
        Id(), St(), Dlm(), Ref("schoolYearSourcedId", "academicSessions"), Text("title", true), Text("courseCode"),
        List("grades"), Ref("orgSourcedId", "orgs", true), List("subjects"), List("subjectCodes"),
    ]);

    public static readonly CsvFileDefinition Classes = new("classes", 4,
    [
        Id(), St(), Dlm(), Text("title", true), List("grades"), Ref("courseSourcedId", "courses", true), Text("classCode"),
        Enum("classType", true, true, "homeroom", "scheduled"), Text("location"), Ref("schoolSourcedId", "orgs", true),
        Refs("termSourcedIds", "academicSessions", true), List("subjects"), List("subjectCodes"), List("periods"),
    ]);

    public static readonly CsvFileDefinition Users = new("users", 5,
    [
        Id(), St(), Dlm(), Bool("enabledUser", true), Text("username", true), new("userIds", ColumnKind.UserIds),
        Text("givenName", true), Text("familyName", true), Text("middleName"), Text("identifier"), Text("email"),
        Text("sms"), Text("phone"), Refs("agentSourcedIds", "users"), List("grades"), Text("password"),
        Text("userMasterIdentifier"),
        new("resourceSourcedIds", ColumnKind.ReferenceList, References: "resources", Only12Layout: true),
        Text("preferredGivenName"), Text("preferredMiddleName"), Text("preferredFamilyName"),
        Ref("primaryOrgSourcedId", "orgs"), Text("pronouns"),
    ]);

    public static readonly CsvFileDefinition UserProfiles = new("userProfiles", 6,
    [
        Id(), St(), Dlm(), Ref("userSourcedId", "users", true), Text("profileType", true), Text("vendorId", true),
        Text("applicationId"), Text("description"), Text("credentialType", true), Text("username", true), Text("password"),
    ]);

    public static readonly CsvFileDefinition Roles = new("roles", 7,
    [
        Id(), St(), Dlm(), Ref("userSourcedId", "users", true), Enum("roleType", true, false, "primary", "secondary"),
        Enum("role", true, true, "aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor",
            "relative", "siteAdministrator", "student", "systemAdministrator", "teacher"),
        Date("beginDate"), Date("endDate"), Ref("orgSourcedId", "orgs", true), Ref("userProfileSourcedId", "userProfiles"),
    ]);

    public static readonly CsvFileDefinition Demographics = new("demographics", 8,
    [
        Id(), St(), Dlm(), Date("birthDate"), Enum("sex", false, true, "male", "female", "unspecified", "other"),
        Bool("americanIndianOrAlaskaNative"), Bool("asian"), Bool("blackOrAfricanAmerican"),
        Bool("nativeHawaiianOrOtherPacificIslander"), Bool("white"), Bool("demographicRaceTwoOrMoreRaces"),
        Bool("hispanicOrLatinoEthnicity"), Text("countryOfBirthCode"), Text("stateOfBirthAbbreviation"),
        Text("cityOfBirth"), Text("publicSchoolResidenceStatus"),
    ]);

    public static readonly CsvFileDefinition Enrollments = new("enrollments", 9,
    [
        Id(), St(), Dlm(), Ref("classSourcedId", "classes", true), Ref("schoolSourcedId", "orgs", true),
        Ref("userSourcedId", "users", true), Enum("role", true, true, "administrator", "proctor", "student", "teacher"),
        Bool("primary"), Date("beginDate"), Date("endDate"),
    ]);

    public static readonly CsvFileDefinition ClassResources = new("classResources", 10,
    [
        Id(), St(), Dlm(), Text("title"), Ref("classSourcedId", "classes", true), Ref("resourceSourcedId", "resources", true),
    ]);

    public static readonly CsvFileDefinition CourseResources = new("courseResources", 11,
    [
        Id(), St(), Dlm(), Text("title"), Ref("courseSourcedId", "courses", true), Ref("resourceSourcedId", "resources", true),
    ]);

    public static readonly CsvFileDefinition UserResources = new("userResources", 12,
    [
        Id(), St(), Dlm(), Ref("userSourcedId", "users", true), Ref("orgSourcedId", "orgs"), Ref("classSourcedId", "classes"),
        Ref("resourceSourcedId", "resources", true),
    ]);

    public static readonly CsvFileDefinition Categories = new("categories", 13,
    [
        Id(), St(), Dlm(), Text("title", true), Float("weight"),
    ]);

    public static readonly CsvFileDefinition ScoreScales = new("scoreScales", 14,
    [
        Id(), St(), Dlm(), Text("title", true), Text("type", true), Ref("orgSourcedId", "orgs", true),
        Ref("courseSourcedId", "courses"), Ref("classSourcedId", "classes", true), Text("scoreScaleValue", true),
    ]);

    public static readonly CsvFileDefinition LineItems = new("lineItems", 15,
    [
        Id(), St(), Dlm(), Text("title", true), Text("description"), new("assignDate", ColumnKind.DateTime, true),
        new("dueDate", ColumnKind.DateTime, true), Ref("classSourcedId", "classes", true), Ref("categorySourcedId", "categories", true),
        Ref("academicSessionSourcedId", "academicSessions", true), Float("resultValueMin"), Float("resultValueMax"),
        Ref("schoolSourcedId", "orgs", true),
    ]);

    public static readonly CsvFileDefinition Results = new("results", 16,
    [
        Id(), St(), Dlm(), Ref("lineItemSourcedId", "lineItems", true), Ref("studentSourcedId", "users", true),
        Enum("scoreStatus", true, true, "exempt", "fully graded", "not submitted", "partially graded", "submitted"),
        Float("score"), Date("scoreDate", true), Text("comment"), Text("textScore"), Ref("classSourcedId", "classes"),
        Bool("inProgress"), Bool("incomplete"), Bool("late"), Bool("missing"),
    ]);

    public static readonly CsvFileDefinition LineItemLearningObjectiveIds = new("lineItemLearningObjectiveIds", 17,
    [
        Id(), St(), Dlm(), Ref("lineItemSourcedId", "lineItems", true), Text("source", true), Text("learningObjectiveId", true),
    ]);

    public static readonly CsvFileDefinition LineItemScoreScales = new("lineItemScoreScales", 18,
    [
        Id(), St(), Dlm(), Text("title"), Ref("lineItemSourcedId", "lineItems", true), Ref("scoreScaleSourcedId", "scoreScales", true),
    ]);

    public static readonly CsvFileDefinition ResultLearningObjectiveIds = new("resultLearningObjectiveIds", 19,
    [
        Id(), St(), Dlm(), Ref("resultSourcedId", "results", true), Text("source", true), Text("learningObjectiveId", true),
        Float("score"), Text("textScore"),
    ]);

    public static readonly CsvFileDefinition ResultScoreScales = new("resultScoreScales", 20,
    [
        Id(), St(), Dlm(), Text("title"), Ref("resultSourcedId", "results", true), Ref("scoreScaleSourcedId", "scoreScales", true),
    ]);

    /// <summary>All 21 data files in processing (dependency) order.</summary>
    public static readonly IReadOnlyList<CsvFileDefinition> Files =
    [
        Orgs, AcademicSessions, Resources, Courses, Classes, Users, UserProfiles, Roles, Demographics, Enrollments,
        ClassResources, CourseResources, UserResources, Categories, ScoreScales, LineItems, Results,
        LineItemLearningObjectiveIds, LineItemScoreScales, ResultLearningObjectiveIds, ResultScoreScales,
    ];

    // OAS-G (OneRoster 1.2 Gradebook service) assessmentLineItems / assessmentResults have no CSV file in the 1.2 CSV
    // binding: they exist only over REST. They are described here like the CSV files (column names = the OAS-G
    // AssessmentLineItemDType / AssessmentResultDType properties, references as *SourcedId as the CSV binding spells
    // them) so that storage tables, the import writers and the query engine are generated from one definition.
    // learningObjectiveSet has no flat CSV form: it is kept as its OAS JSON array (compact text).

    /// <summary>OAS-G AssessmentLineItemDType (REST only, no CSV file).</summary>
    public static readonly CsvFileDefinition AssessmentLineItems = new("assessmentLineItems", 21,
    [
        Id(), St(), Dlm(), Text("title", true), Text("description"), Ref("classSourcedId", "classes"),
        Ref("parentAssessmentLineItemSourcedId", "assessmentLineItems"), Ref("scoreScaleSourcedId", "scoreScales"),
        Float("resultValueMin"), Float("resultValueMax"), Text("learningObjectiveSet"),
    ]);

    /// <summary>OAS-G AssessmentResultDType (REST only, no CSV file).</summary>
    public static readonly CsvFileDefinition AssessmentResults = new("assessmentResults", 22,
    [
        Id(), St(), Dlm(), Ref("assessmentLineItemSourcedId", "assessmentLineItems", true), Ref("studentSourcedId", "users", true),
        Float("score"), Text("textScore"), Date("scoreDate", true), Ref("scoreScaleSourcedId", "scoreScales"),
        Float("scorePercentile"),
        Enum("scoreStatus", true, true, "exempt", "fully graded", "not submitted", "partially graded", "submitted"),
        Text("comment"), Text("learningObjectiveSet"), Bool("inProgress"), Bool("incomplete"), Bool("late"), Bool("missing"),
    ]);

    /// <summary>
    /// Types the hub stores that have no CSV file (REST only). Never part of a CSV package, an export or a manifest:
    /// those stay exactly the 21 files of <see cref="Files"/>.
    /// </summary>
    public static readonly IReadOnlyList<CsvFileDefinition> RestOnlyFiles = [AssessmentLineItems, AssessmentResults];

    /// <summary>Every stored type: the 21 CSV files, then the REST-only ones, in dependency order.</summary>
    public static readonly IReadOnlyList<CsvFileDefinition> AllFiles = [.. Files, .. RestOnlyFiles];

    private static readonly Dictionary<string, CsvFileDefinition> ByName =
        Files.ToDictionary(f => f.Name, StringComparer.Ordinal);

    private static readonly Dictionary<string, CsvFileDefinition> AnyByName =
        AllFiles.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>One of the 21 CSV files by name (a REST-only name is not a CSV file: null).</summary>
    public static CsvFileDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    public static CsvFileDefinition Get(string name) => ByName[name];

    /// <summary>Any stored type by name, REST-only ones included.</summary>
    public static CsvFileDefinition? FindAny(string name) => AnyByName.GetValueOrDefault(name);

    /// <summary>Any stored type by name, REST-only ones included.</summary>
    public static CsvFileDefinition GetAny(string name) => AnyByName[name];
}

public static class Naming
{
    /// <summary><c>lineItemScoreScales</c> → <c>line_item_score_scales</c>.</summary>
    public static string ToSnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
