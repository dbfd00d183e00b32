using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage.Query;
using QueryCollection = Koumu.Interop.Storage.Query.QueryCollection;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// What a route serves: a query-engine collection, the OAS wrapper property names (<c>*SetDType</c> plural,
/// <c>Single*DType</c> singular) and the mapper call that turns a stored row into its <c>*DType</c>. Several collections
/// share a wrapper (OAS-R: /schools → <c>orgs</c>, /students and /teachers → <c>users</c>, /terms and /gradingPeriods →
/// <c>academicSessions</c>).
/// </summary>
/// <param name="Links">
/// For lineItems and results: the link files their learningObjectiveSet and scoreScale come from, loaded for the whole
/// page by <see cref="GradebookLinkLoader"/> (such resources have no single-row <paramref name="Map"/>).
/// </param>
public sealed record RosterResource(QueryCollection Collection, string Plural, string Singular, Func<OneRosterJsonMapper, CsvRecord, OneRosterBase>? Map,
    GradebookLinks? Links = null)
{
    /// <summary>Users have no single-row mapping: their roles and userProfiles come from other tables (<see cref="UserRoleLoader"/>).</summary>
    public bool IsUser => Map is null && Links is null;

    public static readonly RosterResource Orgs = new(QueryCollections.Orgs, "orgs", "org", (m, r) => m.ToOrg(r));
    public static readonly RosterResource Schools = new(QueryCollections.Schools, "orgs", "org", (m, r) => m.ToOrg(r));
    public static readonly RosterResource AcademicSessions = new(QueryCollections.AcademicSessions, "academicSessions", "academicSession", (m, r) => m.ToAcademicSession(r));
    public static readonly RosterResource Terms = new(QueryCollections.Terms, "academicSessions", "academicSession", (m, r) => m.ToAcademicSession(r));
    public static readonly RosterResource GradingPeriods = new(QueryCollections.GradingPeriods, "academicSessions", "academicSession", (m, r) => m.ToAcademicSession(r));
    public static readonly RosterResource Courses = new(QueryCollections.Courses, "courses", "course", (m, r) => m.ToCourse(r));
    public static readonly RosterResource Classes = new(QueryCollections.Classes, "classes", "class", (m, r) => m.ToClass(r));
    public static readonly RosterResource Users = new(QueryCollections.Users, "users", "user", null);
    public static readonly RosterResource Students = new(QueryCollections.Students, "users", "user", null);
    public static readonly RosterResource Teachers = new(QueryCollections.Teachers, "users", "user", null);
    public static readonly RosterResource Enrollments = new(QueryCollections.Enrollments, "enrollments", "enrollment", (m, r) => m.ToEnrollment(r));
    public static readonly RosterResource Demographics = new(QueryCollections.Demographics, "demographics", "demographics", (m, r) => m.ToDemographics(r));

    // Gradebook (OAS-G). The wrappers are plural/singular of the collection (CategoriesSetDType holds "categories").
    public static readonly RosterResource Categories = new(QueryCollections.Categories, "categories", "category", (m, r) => m.ToCategory(r));
    public static readonly RosterResource LineItems = new(QueryCollections.LineItems, "lineItems", "lineItem", null, GradebookLinks.LineItems);
    public static readonly RosterResource Results = new(QueryCollections.Results, "results", "result", null, GradebookLinks.Results);
    public static readonly RosterResource ScoreScales = new(QueryCollections.ScoreScales, "scoreScales", "scoreScale", (m, r) => m.ToScoreScale(r));
    public static readonly RosterResource AssessmentLineItems = new(QueryCollections.AssessmentLineItems, "assessmentLineItems", "assessmentLineItem", (m, r) => m.ToAssessmentLineItem(r));
    public static readonly RosterResource AssessmentResults = new(QueryCollections.AssessmentResults, "assessmentResults", "assessmentResult", (m, r) => m.ToAssessmentResult(r));

    /// <summary>Learning resources (OAS-Res <c>ResourceSetDType</c> / <c>SingleResourceDType</c>).</summary>
    public static readonly RosterResource Resources = new(QueryCollections.ResourceCollection, "resources", "resource", (m, r) => m.ToResource(r));

    /// <summary>The OAS-R (OAS-Res for resources, OAS-G for gradebook) component name of the collection wrapper (for documentation and schema tests).</summary>
    public string SetSchema => Plural switch
    {
        "orgs" => "OrgSetDType",
        "academicSessions" => "AcademicSessionSetDType",
        "courses" => "CourseSetDType",
        "classes" => "ClassSetDType",
        "users" => "UserSetDType",
        "enrollments" => "EnrollmentSetDType",
        "demographics" => "DemographicsSetDType",
        "resources" => "ResourceSetDType",
        "categories" => "CategoriesSetDType",
        "lineItems" => "LineItemSetDType",
        "results" => "ResultSetDType",
        "scoreScales" => "ScoreScaleSetDType",
        "assessmentLineItems" => "AssessmentLineItemSetDType",
        "assessmentResults" => "AssessmentResultSetDType",
        _ => throw new InvalidOperationException(Plural),
    };

    /// <summary>The OAS-R component name of the single-object wrapper (OAS-G: SingleCategoryDType beside CategoriesSetDType).</summary>
    public string SingleSchema => Plural == "categories" ? "SingleCategoryDType" : "Single" + SetSchema.Replace("SetDType", "DType", StringComparison.Ordinal);
}
