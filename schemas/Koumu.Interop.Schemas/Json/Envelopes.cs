using System.Text.Json.Serialization;

namespace Koumu.Interop.Schemas.Json;

// Response/request envelopes: the OAS *SetDType (collections, e.g. {"orgs":[…]}; GET /schools, /students, /terms … reuse
// the same envelopes) and Single*DType (one object, e.g. {"class":{…}}). Names are the OAS names without "DType".

/// <summary>OrgSetDType: <c>{"orgs":[…]}</c>.</summary>
public sealed record OrgSet
{
    [JsonPropertyName("orgs")]
    public IReadOnlyList<Org> Orgs { get; init; } = [];
}

/// <summary>AcademicSessionSetDType: <c>{"academicSessions":[…]}</c>.</summary>
public sealed record AcademicSessionSet
{
    [JsonPropertyName("academicSessions")]
    public IReadOnlyList<AcademicSession> AcademicSessions { get; init; } = [];
}

/// <summary>CourseSetDType: <c>{"courses":[…]}</c>.</summary>
public sealed record CourseSet
{
    [JsonPropertyName("courses")]
    public IReadOnlyList<Course> Courses { get; init; } = [];
}

/// <summary>ClassSetDType: <c>{"classes":[…]}</c>.</summary>
public sealed record ClassSet
{
    [JsonPropertyName("classes")]
    public IReadOnlyList<Class> Classes { get; init; } = [];
}

/// <summary>UserSetDType: <c>{"users":[…]}</c>.</summary>
public sealed record UserSet
{
    [JsonPropertyName("users")]
    public IReadOnlyList<User> Users { get; init; } = [];
}

/// <summary>EnrollmentSetDType: <c>{"enrollments":[…]}</c>.</summary>
public sealed record EnrollmentSet
{
    [JsonPropertyName("enrollments")]
    public IReadOnlyList<Enrollment> Enrollments { get; init; } = [];
}

/// <summary>DemographicsSetDType: <c>{"demographics":[…]}</c>.</summary>
public sealed record DemographicsSet
{
    [JsonPropertyName("demographics")]
    public IReadOnlyList<Demographics> Demographics { get; init; } = [];
}

/// <summary>CategoriesSetDType: <c>{"categories":[…]}</c>.</summary>
public sealed record CategoriesSet
{
    [JsonPropertyName("categories")]
    public IReadOnlyList<Category> Categories { get; init; } = [];
}

/// <summary>LineItemSetDType: <c>{"lineItems":[…]}</c>.</summary>
public sealed record LineItemSet
{
    [JsonPropertyName("lineItems")]
    public IReadOnlyList<LineItem> LineItems { get; init; } = [];
}

/// <summary>ResultSetDType: <c>{"results":[…]}</c>.</summary>
public sealed record ResultSet
{
    [JsonPropertyName("results")]
    public IReadOnlyList<Result> Results { get; init; } = [];
}

/// <summary>ScoreScaleSetDType: <c>{"scoreScales":[…]}</c>.</summary>
public sealed record ScoreScaleSet
{
    [JsonPropertyName("scoreScales")]
    public IReadOnlyList<ScoreScale> ScoreScales { get; init; } = [];
}

/// <summary>AssessmentLineItemSetDType: <c>{"assessmentLineItems":[…]}</c>.</summary>
public sealed record AssessmentLineItemSet
{
    [JsonPropertyName("assessmentLineItems")]
    public IReadOnlyList<AssessmentLineItem> AssessmentLineItems { get; init; } = [];
}

/// <summary>AssessmentResultSetDType: <c>{"assessmentResults":[…]}</c>.</summary>
public sealed record AssessmentResultSet
{
    [JsonPropertyName("assessmentResults")]
    public IReadOnlyList<AssessmentResult> AssessmentResults { get; init; } = [];
}

/// <summary>ResourceSetDType: <c>{"resources":[…]}</c>.</summary>
public sealed record ResourceSet
{
    [JsonPropertyName("resources")]
    public IReadOnlyList<Resource> Resources { get; init; } = [];
}

/// <summary>SingleOrgDType: <c>{"org":{…}}</c>.</summary>
public sealed record SingleOrg
{
    [JsonPropertyName("org")]
    public required Org Org { get; init; }
}

/// <summary>SingleAcademicSessionDType: <c>{"academicSession":{…}}</c>.</summary>
public sealed record SingleAcademicSession
{
    [JsonPropertyName("academicSession")]
    public required AcademicSession AcademicSession { get; init; }
}

/// <summary>SingleCourseDType: <c>{"course":{…}}</c>.</summary>
public sealed record SingleCourse
{
    [JsonPropertyName("course")]
    public required Course Course { get; init; }
}

/// <summary>SingleClassDType: <c>{"class":{…}}</c>.</summary>
public sealed record SingleClass
{
    [JsonPropertyName("class")]
    public required Class Class { get; init; }
}

/// <summary>SingleUserDType: <c>{"user":{…}}</c>.</summary>
public sealed record SingleUser
{
    [JsonPropertyName("user")]
    public required User User { get; init; }
}

/// <summary>SingleEnrollmentDType: <c>{"enrollment":{…}}</c>.</summary>
public sealed record SingleEnrollment
{
    [JsonPropertyName("enrollment")]
    public required Enrollment Enrollment { get; init; }
}

/// <summary>SingleDemographicsDType: <c>{"demographics":{…}}</c>.</summary>
public sealed record SingleDemographics
{
    [JsonPropertyName("demographics")]
    public required Demographics Demographics { get; init; }
}

/// <summary>SingleCategoryDType: <c>{"category":{…}}</c>.</summary>
public sealed record SingleCategory
{
    [JsonPropertyName("category")]
    public required Category Category { get; init; }
}

/// <summary>SingleLineItemDType: <c>{"lineItem":{…}}</c>.</summary>
public sealed record SingleLineItem
{
    [JsonPropertyName("lineItem")]
    public required LineItem LineItem { get; init; }
}

/// <summary>SingleResultDType: <c>{"result":{…}}</c>.</summary>
public sealed record SingleResult
{
    [JsonPropertyName("result")]
    public required Result Result { get; init; }
}

/// <summary>SingleScoreScaleDType: <c>{"scoreScale":{…}}</c>.</summary>
public sealed record SingleScoreScale
{
    [JsonPropertyName("scoreScale")]
    public required ScoreScale ScoreScale { get; init; }
}

/// <summary>SingleAssessmentLineItemDType: <c>{"assessmentLineItem":{…}}</c>.</summary>
public sealed record SingleAssessmentLineItem
{
    [JsonPropertyName("assessmentLineItem")]
    public required AssessmentLineItem AssessmentLineItem { get; init; }
}

/// <summary>SingleAssessmentResultDType: <c>{"assessmentResult":{…}}</c>.</summary>
public sealed record SingleAssessmentResult
{
    [JsonPropertyName("assessmentResult")]
    public required AssessmentResult AssessmentResult { get; init; }
}

/// <summary>SingleResourceDType: <c>{"resource":{…}}</c>.</summary>
public sealed record SingleResource
{
    [JsonPropertyName("resource")]
    public required Resource Resource { get; init; }
}
