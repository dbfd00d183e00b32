namespace Koumu.Interop.Conformance.Rest;

public enum OneRosterService
{
    Rostering,
    Resources,
    Gradebook,
}

/// <summary>
/// A top-level collection of a OneRoster 1.2 service with its single-object route (OAS-R/OAS-G/OAS-RS <c>paths</c>):
/// the JSON wrapper keys and the component schemas of both responses (the names are the same in the official files and
/// in the hub's openapi.yaml).
/// </summary>
public sealed record RestCollection(OneRosterService Service, string Path, string Plural, string Singular, string SetSchema, string SingleSchema);

/// <summary>A relationship (nested) route of the Rostering service, OAS-R.</summary>
public sealed record RestNestedRoute(string Template, string Plural, string SetSchema);

public static class RestEndpoints
{
    private static RestCollection R(string path, string plural, string singular, string type) =>
        new(OneRosterService.Rostering, path, plural, singular, type + "SetDType", "Single" + type + "DType");

    /// <summary>The twelve top-level Rostering collections (OAS-R): /schools, /students, /teachers, /terms and /gradingPeriods reuse the org, user and academicSession wrappers.</summary>
    public static readonly IReadOnlyList<RestCollection> Rostering =
    [
        R("academicSessions", "academicSessions", "academicSession", "AcademicSession"),
        R("classes", "classes", "class", "Class"),
        R("courses", "courses", "course", "Course"),
        R("demographics", "demographics", "demographics", "Demographics"),
        R("enrollments", "enrollments", "enrollment", "Enrollment"),
        R("gradingPeriods", "academicSessions", "academicSession", "AcademicSession"),
        R("orgs", "orgs", "org", "Org"),
        R("schools", "orgs", "org", "Org"),
        R("students", "users", "user", "User"),
        R("teachers", "users", "user", "User"),
        R("terms", "academicSessions", "academicSession", "AcademicSession"),
        R("users", "users", "user", "User"),
    ];

    public static readonly IReadOnlyList<RestCollection> Resources =
    [
        new(OneRosterService.Resources, "resources", "resources", "resource", "ResourceSetDType", "SingleResourceDType"),
    ];

    /// <summary>The Gradebook read collections (OAS-G); writes are not exercised: a conformance run must not change a board's data.</summary>
    public static readonly IReadOnlyList<RestCollection> Gradebook =
    [
        new(OneRosterService.Gradebook, "categories", "categories", "category", "CategoriesSetDType", "SingleCategoryDType"),
        new(OneRosterService.Gradebook, "lineItems", "lineItems", "lineItem", "LineItemSetDType", "SingleLineItemDType"),
        new(OneRosterService.Gradebook, "results", "results", "result", "ResultSetDType", "SingleResultDType"),
        new(OneRosterService.Gradebook, "scoreScales", "scoreScales", "scoreScale", "ScoreScaleSetDType", "SingleScoreScaleDType"),
        new(OneRosterService.Gradebook, "assessmentLineItems", "assessmentLineItems", "assessmentLineItem", "AssessmentLineItemSetDType", "SingleAssessmentLineItemDType"),
        new(OneRosterService.Gradebook, "assessmentResults", "assessmentResults", "assessmentResult", "AssessmentResultSetDType", "SingleAssessmentResultDType"),
    ];

    /// <summary>The seventeen relationship routes of OAS-R; parameters are filled from the provider's own data.</summary>
    public static readonly IReadOnlyList<RestNestedRoute> Nested =
    [
        new("classes/{classSourcedId}/students", "users", "UserSetDType"),
        new("classes/{classSourcedId}/teachers", "users", "UserSetDType"),
        new("courses/{courseSourcedId}/classes", "classes", "ClassSetDType"),
        new("schools/{schoolSourcedId}/classes", "classes", "ClassSetDType"),
        new("schools/{schoolSourcedId}/classes/{classSourcedId}/enrollments", "enrollments", "EnrollmentSetDType"),
        new("schools/{schoolSourcedId}/classes/{classSourcedId}/students", "users", "UserSetDType"),
        new("schools/{schoolSourcedId}/classes/{classSourcedId}/teachers", "users", "UserSetDType"),
        new("schools/{schoolSourcedId}/courses", "courses", "CourseSetDType"),
        new("schools/{schoolSourcedId}/enrollments", "enrollments", "EnrollmentSetDType"),
        new("schools/{schoolSourcedId}/students", "users", "UserSetDType"),
        new("schools/{schoolSourcedId}/teachers", "users", "UserSetDType"),
        new("schools/{schoolSourcedId}/terms", "academicSessions", "AcademicSessionSetDType"),
        new("students/{studentSourcedId}/classes", "classes", "ClassSetDType"),
        new("teachers/{teacherSourcedId}/classes", "classes", "ClassSetDType"),
        new("terms/{termSourcedId}/classes", "classes", "ClassSetDType"),
        new("terms/{termSourcedId}/gradingPeriods", "academicSessions", "AcademicSessionSetDType"),
        new("users/{userSourcedId}/classes", "classes", "ClassSetDType"),
    ];

    public static RestCollection Find(string path) =>
        Rostering.Concat(Resources).Concat(Gradebook).FirstOrDefault(c => c.Path == path)
        ?? throw new ArgumentException("Unknown OneRoster collection " + path, nameof(path));

    /// <summary>The official file's name for a hub component (openapi.yaml calls imsx_StatusInfoDType ImsxStatusInfo).</summary>
    internal static string OfficialName(string hubComponent) => hubComponent == "ImsxStatusInfo" ? "imsx_StatusInfoDType" : hubComponent;
}
