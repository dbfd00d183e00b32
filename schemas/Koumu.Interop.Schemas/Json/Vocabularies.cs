using System.Text.RegularExpressions;

namespace Koumu.Interop.Schemas.Json;

/// <summary>
/// One OneRoster 1.2 enumeration as the OAS declares it: a fixed list of strings and, for the extensible ones
/// (OAS <c>anyOf</c> with pattern <c>(ext:)[a-zA-Z0-9\.\-_]+</c>), any <c>ext:</c> token.
/// </summary>
public sealed partial class Vocabulary
{
    public Vocabulary(string name, bool extensible, params string[] values)
    {
        Name = name;
        Extensible = extensible;
        Values = values;
        _set = new HashSet<string>(values, StringComparer.Ordinal);
    }

    private readonly HashSet<string> _set;

    /// <summary>The OAS name of the enumeration (used in error messages).</summary>
    public string Name { get; }

    public bool Extensible { get; }

    public IReadOnlyList<string> Values { get; }

    /// <summary>
    /// Whether <paramref name="value"/> is a value of this vocabulary. Matching is case-sensitive (the OAS enums are).
    /// The OAS pattern is unanchored; we anchor it so that e.g. "xext:a" is not accepted (the same rule as the CSV
    /// reader, PackageProcessor's extension pattern).
    /// </summary>
    public bool Contains(string value) => _set.Contains(value) || (Extensible && ExtensionPattern().IsMatch(value));

    public override string ToString() => Name;

    [GeneratedRegex(@"^ext:[a-zA-Z0-9.\-_]+$", RegexOptions.CultureInvariant)]
    internal static partial Regex ExtensionPattern();
}

/// <summary>A type that names one <see cref="Json.Vocabulary"/>; used as the type argument of <see cref="VocabularyConverter{T}"/>.</summary>
public interface IVocabulary
{
    static abstract Vocabulary Vocabulary { get; }
}

/// <summary><c>status</c> of every object (OAS BaseDType.status): closed.</summary>
public sealed class StatusType : IVocabulary
{
    private StatusType() { }
    public const string Active = "active";
    public const string ToBeDeleted = "tobedeleted";
    public static Vocabulary Vocabulary { get; } = new("status", false, Active, ToBeDeleted);
}

/// <summary>OrgDType.type (extensible).</summary>
public sealed class OrgType : IVocabulary
{
    private OrgType() { }
    public const string Department = "department";
    public const string District = "district";
    public const string Local = "local";
    public const string National = "national";
    public const string School = "school";
    public const string State = "state";
    public static Vocabulary Vocabulary { get; } = new("OrgType", true, Department, District, Local, National, School, State);
}

/// <summary>AcademicSessionDType.type (extensible).</summary>
public sealed class SessionType : IVocabulary
{
    private SessionType() { }
    public const string GradingPeriod = "gradingPeriod";
    public const string Semester = "semester";
    public const string SchoolYear = "schoolYear";
    public const string Term = "term";
    public static Vocabulary Vocabulary { get; } = new("SessionType", true, GradingPeriod, Semester, SchoolYear, Term);
}

/// <summary>ClassDType.classType (extensible).</summary>
public sealed class ClassType : IVocabulary
{
    private ClassType() { }
    public const string Homeroom = "homeroom";
    public const string Scheduled = "scheduled";
    public static Vocabulary Vocabulary { get; } = new("ClassType", true, Homeroom, Scheduled);
}

/// <summary>RoleDType.roleType: closed.</summary>
public sealed class RoleType : IVocabulary
{
    private RoleType() { }
    public const string Primary = "primary";
    public const string Secondary = "secondary";
    public static Vocabulary Vocabulary { get; } = new("RoleType", false, Primary, Secondary);
}

/// <summary>RoleDType.role (extensible).</summary>
public sealed class RoleName : IVocabulary
{
    private RoleName() { }
    public const string Aide = "aide";
    public const string Counselor = "counselor";
    public const string DistrictAdministrator = "districtAdministrator";
    public const string Guardian = "guardian";
    public const string Parent = "parent";
    public const string Principal = "principal";
    public const string Proctor = "proctor";
    public const string Relative = "relative";
    public const string SiteAdministrator = "siteAdministrator";
    public const string Student = "student";
    public const string SystemAdministrator = "systemAdministrator";
    public const string Teacher = "teacher";
    public static Vocabulary Vocabulary { get; } = new("RoleEnum", true, Aide, Counselor, DistrictAdministrator, Guardian, Parent,
        Principal, Proctor, Relative, SiteAdministrator, Student, SystemAdministrator, Teacher);
}

/// <summary>EnrollmentDType.role (extensible).</summary>
public sealed class EnrollmentRole : IVocabulary
{
    private EnrollmentRole() { }
    public const string Administrator = "administrator";
    public const string Proctor = "proctor";
    public const string Student = "student";
    public const string Teacher = "teacher";
    public static Vocabulary Vocabulary { get; } = new("EnrolRole", true, Administrator, Proctor, Student, Teacher);
}

/// <summary>DemographicsDType.sex (extensible).</summary>
public sealed class Sex : IVocabulary
{
    private Sex() { }
    public const string Male = "male";
    public const string Female = "female";
    public const string Unspecified = "unspecified";
    public const string Other = "other";
    public static Vocabulary Vocabulary { get; } = new("Gender", true, Male, Female, Unspecified, Other);
}

/// <summary>ResultDType / AssessmentResultDType.scoreStatus (extensible; values contain spaces).</summary>
public sealed class ScoreStatus : IVocabulary
{
    private ScoreStatus() { }
    public const string Exempt = "exempt";
    public const string FullyGraded = "fully graded";
    public const string NotSubmitted = "not submitted";
    public const string PartiallyGraded = "partially graded";
    public const string Submitted = "submitted";
    public static Vocabulary Vocabulary { get; } = new("ScoreStatus", true, Exempt, FullyGraded, NotSubmitted, PartiallyGraded, Submitted);
}

/// <summary>ResourceDType.importance: closed.</summary>
public sealed class Importance : IVocabulary
{
    private Importance() { }
    public const string Primary = "primary";
    public const string Secondary = "secondary";
    public static Vocabulary Vocabulary { get; } = new("Importance", false, Primary, Secondary);
}

/// <summary>ResourceDType.roles items (extensible).</summary>
public sealed class ResourceRole : IVocabulary
{
    private ResourceRole() { }
    public const string Administrator = "administrator";
    public const string Aide = "aide";
    public const string Guardian = "guardian";
    public const string Parent = "parent";
    public const string Proctor = "proctor";
    public const string Relative = "relative";
    public const string Student = "student";
    public const string Teacher = "teacher";
    public static Vocabulary Vocabulary { get; } = new("ResourceRole", true, Administrator, Aide, Guardian, Parent, Proctor, Relative, Student, Teacher);
}

/// <summary>The <c>type</c> of the GUIDRef DTypes (each *GUIDRefDType fixes one of these values).</summary>
public sealed class GUIDRefType : IVocabulary
{
    private GUIDRefType() { }
    public const string Org = "org";
    public const string User = "user";
    public const string Class = "class";
    public const string Course = "course";
    public const string AcademicSession = "academicSession";
    public const string Resource = "resource";
    public const string LineItem = "lineItem";
    public const string Category = "category";
    public const string ScoreScale = "scoreScale";
    public const string AssessmentLineItem = "assessmentLineItem";
    public static Vocabulary Vocabulary { get; } = new("GUIDRefType", false, Org, User, Class, Course, AcademicSession, Resource,
        LineItem, Category, ScoreScale, AssessmentLineItem);
}

/// <summary>imsx_StatusInfoDType.imsx_codeMajor: closed.</summary>
public sealed class CodeMajor : IVocabulary
{
    private CodeMajor() { }
    public const string Success = "success";
    public const string Processing = "processing";
    public const string Failure = "failure";
    public const string Unsupported = "unsupported";
    public static Vocabulary Vocabulary { get; } = new("imsx_codeMajor", false, Success, Processing, Failure, Unsupported);
}

/// <summary>imsx_StatusInfoDType.imsx_severity: closed.</summary>
public sealed class Severity : IVocabulary
{
    private Severity() { }
    public const string Status = "status";
    public const string Warning = "warning";
    public const string Error = "error";
    public static Vocabulary Vocabulary { get; } = new("imsx_severity", false, Status, Warning, Error);
}

/// <summary>
/// imsx_CodeMinorFieldDType.imsx_codeMinorFieldValue. The three services declare different subsets: all have the
/// first nine; only Gradebook has <c>deletefailure</c>; only Resources has <c>invalid_sort_field</c> and
/// <c>unsupported</c>. This vocabulary is the union; callers pick a value their service declares.
/// </summary>
public sealed class CodeMinorValue : IVocabulary
{
    private CodeMinorValue() { }
    public const string FullSuccess = "fullsuccess";
    public const string InvalidFilterField = "invalid_filter_field";
    public const string InvalidSelectionField = "invalid_selection_field";
    public const string InvalidData = "invaliddata";
    public const string UnauthorisedRequest = "unauthorisedrequest";
    public const string Forbidden = "forbidden";
    public const string ServerBusy = "server_busy";
    public const string UnknownObject = "unknownobject";
    public const string InternalServerError = "internal_server_error";
    /// <summary>Gradebook service only.</summary>
    public const string DeleteFailure = "deletefailure";
    /// <summary>Resources service only.</summary>
    public const string InvalidSortField = "invalid_sort_field";
    /// <summary>Resources service only.</summary>
    public const string Unsupported = "unsupported";
    public static Vocabulary Vocabulary { get; } = new("imsx_codeMinorFieldValue", false, FullSuccess, InvalidFilterField,
        InvalidSelectionField, InvalidData, UnauthorisedRequest, Forbidden, ServerBusy, UnknownObject, InternalServerError,
        DeleteFailure, InvalidSortField, Unsupported);
}
