using Koumu.Interop.Api.Auth;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;
using QueryCollection = Koumu.Interop.Storage.Query.QueryCollection;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>The three shapes of a OneRoster read (OAS-R): a collection, one object by sourcedId, a collection under a parent.</summary>
public enum RouteShape { Collection, Single, Nested }

/// <summary>
/// A parent a nested route names: <c>{Parameter}</c> must be a record of <see cref="Collection"/> the caller may see,
/// otherwise 404 <c>unknownobject</c> (OAS-R: nested routes with an unknown parent). <see cref="Extra"/> adds a condition
/// from the other route values (a class under /schools/{sid}/classes/{cid} must belong to that school).
/// </summary>
public sealed record RouteParent(string Parameter, QueryCollection Collection, Func<IReadOnlyDictionary<string, string>, QueryConfinement>? Extra = null);

/// <summary>
/// One row of a OneRoster route table: the service base path (<see cref="RosteringRoutes.Base"/>,
/// <see cref="ResourcesRoutes.Base"/>), path under it, OAS operationId, what it serves, the scopes
/// any one of which admits the caller (OAS-R <c>security</c> of the operation), and for nested routes the parents and the
/// membership condition (a hub-written predicate, ANDed like any confinement so no filter can widen it).
/// </summary>
public sealed record RosteringRoute(
    string Base,
    string Path,
    string OperationId,
    RouteShape Shape,
    RosterResource Resource,
    IReadOnlyList<string> Scopes,
    IReadOnlyList<RouteParent>? Parents = null,
    Func<IReadOnlyDictionary<string, string>, DatabaseProvider, QueryConfinement>? Membership = null);

/// <summary>
/// The 41 GET operations of the OneRoster 1.2 Rostering service (OAS-R <c>paths</c>), as data: the handlers in
/// <see cref="RosteringHandlers"/> are one per shape.
/// </summary>
public static class RosteringRoutes
{
    public const string Base = "/ims/oneroster/rostering/v1p2";

    // OAS-R security: top-level collections and singles accept roster.readonly or roster-core.readonly; relationship
    // (nested) reads need roster.readonly; demographics need roster-demographics.readonly.
    private static readonly string[] Core = [KoumuScopes.RosterReadonly, KoumuScopes.RosterCoreReadonly];
    private static readonly string[] Roster = [KoumuScopes.RosterReadonly];
    private static readonly string[] Demographic = [KoumuScopes.RosterDemographicsReadonly];

    public static readonly IReadOnlyList<RosteringRoute> All = Build();

    private static List<RosteringRoute> Build()
    {
        var routes = new List<RosteringRoute>();
        void Top(string name, string all, string one, RosterResource resource, string[] scopes)
        {
            routes.Add(new(Base, "/" + name, all, RouteShape.Collection, resource, scopes));
            routes.Add(new(Base, "/" + name + "/{sourcedId}", one, RouteShape.Single, resource, scopes));
        }
        Top("academicSessions", "getAllAcademicSessions", "getAcademicSession", RosterResource.AcademicSessions, Core);
        Top("classes", "getAllClasses", "getClass", RosterResource.Classes, Core);
        Top("courses", "getAllCourses", "getCourse", RosterResource.Courses, Core);
        Top("demographics", "getAllDemographics", "getDemographics", RosterResource.Demographics, Demographic);
        Top("enrollments", "getAllEnrollments", "getEnrollment", RosterResource.Enrollments, Core);
        Top("gradingPeriods", "getAllGradingPeriods", "getGradingPeriod", RosterResource.GradingPeriods, Core);
        Top("orgs", "getAllOrgs", "getOrg", RosterResource.Orgs, Core);
        Top("schools", "getAllSchools", "getSchool", RosterResource.Schools, Core);
        Top("students", "getAllStudents", "getStudent", RosterResource.Students, Core);
        Top("teachers", "getAllTeachers", "getTeacher", RosterResource.Teachers, Core);
        Top("terms", "getAllTerms", "getTerm", RosterResource.Terms, Core);
        Top("users", "getAllUsers", "getUser", RosterResource.Users, Core);

        void Nested(string path, string operationId, RosterResource resource, RouteParent[] parents,
            Func<IReadOnlyDictionary<string, string>, DatabaseProvider, QueryConfinement> membership) =>
            routes.Add(new(Base, path, operationId, RouteShape.Nested, resource, Roster, parents, membership));

        RouteParent School = new("schoolSourcedId", QueryCollections.Schools);
        RouteParent ClassOfSchool = new("classSourcedId", QueryCollections.Classes, v => Equal("school.sourcedId", v["schoolSourcedId"]));

        Nested("/classes/{classSourcedId}/students", "getStudentsForClass", RosterResource.Users,
            [new("classSourcedId", QueryCollections.Classes)], (v, _) => EnrolledUsers(v["classSourcedId"], "student", null));
        Nested("/classes/{classSourcedId}/teachers", "getTeachersForClass", RosterResource.Users,
            [new("classSourcedId", QueryCollections.Classes)], (v, _) => EnrolledUsers(v["classSourcedId"], "teacher", null));
        Nested("/courses/{courseSourcedId}/classes", "getClassesForCourse", RosterResource.Classes,
            [new("courseSourcedId", QueryCollections.Courses)], (v, _) => Equal("course.sourcedId", v["courseSourcedId"]));
        Nested("/schools/{schoolSourcedId}/classes", "getClassesForSchool", RosterResource.Classes,
            [School], (v, _) => Equal("school.sourcedId", v["schoolSourcedId"]));
        Nested("/schools/{schoolSourcedId}/classes/{classSourcedId}/enrollments", "getEnrollmentsForClassInSchool", RosterResource.Enrollments,
            [School, ClassOfSchool], (v, _) => Equal("school.sourcedId", v["schoolSourcedId"]).And(Equal("class.sourcedId", v["classSourcedId"])));
        Nested("/schools/{schoolSourcedId}/classes/{classSourcedId}/students", "getStudentsForClassInSchool", RosterResource.Users,
            [School, ClassOfSchool], (v, _) => EnrolledUsers(v["classSourcedId"], "student", v["schoolSourcedId"]));
        Nested("/schools/{schoolSourcedId}/classes/{classSourcedId}/teachers", "getTeachersForClassInSchool", RosterResource.Users,
            [School, ClassOfSchool], (v, _) => EnrolledUsers(v["classSourcedId"], "teacher", v["schoolSourcedId"]));
        Nested("/schools/{schoolSourcedId}/courses", "getCoursesForSchool", RosterResource.Courses,
            [School], (v, _) => Equal("org.sourcedId", v["schoolSourcedId"]));
        Nested("/schools/{schoolSourcedId}/enrollments", "getEnrollmentsForSchool", RosterResource.Enrollments,
            [School], (v, _) => Equal("school.sourcedId", v["schoolSourcedId"]));
        Nested("/schools/{schoolSourcedId}/students", "getStudentsForSchool", RosterResource.Users,
            [School], (v, _) => RoleAtOrg(v["schoolSourcedId"], "student"));
        Nested("/schools/{schoolSourcedId}/teachers", "getTeachersForSchool", RosterResource.Users,
            [School], (v, _) => RoleAtOrg(v["schoolSourcedId"], "teacher"));
        Nested("/schools/{schoolSourcedId}/terms", "getTermsForSchool", RosterResource.Terms,
            [School], (v, p) => TermsOfSchool(v["schoolSourcedId"], p));
        Nested("/students/{studentSourcedId}/classes", "getClassesForStudent", RosterResource.Classes,
            [new("studentSourcedId", QueryCollections.Students)], (v, _) => ClassesOfUser(v["studentSourcedId"]));
        Nested("/teachers/{teacherSourcedId}/classes", "getClassesForTeacher", RosterResource.Classes,
            [new("teacherSourcedId", QueryCollections.Teachers)], (v, _) => ClassesOfUser(v["teacherSourcedId"]));
        Nested("/terms/{termSourcedId}/classes", "getClassesForTerm", RosterResource.Classes,
            [new("termSourcedId", QueryCollections.Terms)], (v, p) => ClassesOfTerm(v["termSourcedId"], p));
        Nested("/terms/{termSourcedId}/gradingPeriods", "getGradingPeriodsForTerm", RosterResource.GradingPeriods,
            [new("termSourcedId", QueryCollections.Terms)], (v, _) => Equal("parent.sourcedId", v["termSourcedId"]));
        Nested("/users/{userSourcedId}/classes", "getClassesForUser", RosterResource.Classes,
            [new("userSourcedId", QueryCollections.Users)], (v, _) => ClassesOfUser(v["userSourcedId"]));
        return routes;
    }

    private static QueryConfinement Equal(string field, string value) => QueryConfinement.FieldIn(field, [value]);

    private static string Col(CsvFileDefinition file, string column) => file.Column(column).SqlName;

    private static string Enrollments => CsvBinding.Enrollments.StorageName;

    /// <summary>
    /// Users with an active enrollment in the class in the given role (OAS-R getStudentsForClass: "the set of students
    /// that are enrolled in the class"). A tobedeleted enrollment no longer makes its user a member.
    /// </summary>
    private static QueryConfinement EnrolledUsers(string classId, string role, string? schoolId)
    {
        var e = CsvBinding.Enrollments;
        var sql = $"EXISTS (SELECT 1 FROM {Enrollments} e WHERE e.tenant_id = t.tenant_id AND e.{Col(e, "userSourcedId")} = t.sourced_id " +
                  $"AND e.{Col(e, "classSourcedId")} = @r_class AND e.{Col(e, "role")} = @r_role AND e.status = 'active'" +
                  (schoolId is null ? ")" : $" AND e.{Col(e, "schoolSourcedId")} = @r_school)");
        var parameters = new Dictionary<string, object> { ["r_class"] = classId, ["r_role"] = role };
        if (schoolId is not null) parameters["r_school"] = schoolId;
        return QueryConfinement.Sql(sql, parameters);
    }

    /// <summary>Users holding the role at the org (an active roles.csv row): /schools/{id}/students and /teachers.</summary>
    private static QueryConfinement RoleAtOrg(string orgId, string role)
    {
        var r = CsvBinding.Roles;
        return QueryConfinement.Sql(
            $"EXISTS (SELECT 1 FROM {r.StorageName} ro WHERE ro.tenant_id = t.tenant_id AND ro.{Col(r, "userSourcedId")} = t.sourced_id " +
            $"AND ro.{Col(r, "orgSourcedId")} = @r_org AND ro.{Col(r, "role")} = @r_role AND ro.status = 'active')",
            new Dictionary<string, object> { ["r_org"] = orgId, ["r_role"] = role });
    }

    /// <summary>Classes the user has an active enrollment in (any role): /students|teachers|users/{id}/classes.</summary>
    private static QueryConfinement ClassesOfUser(string userId)
    {
        var e = CsvBinding.Enrollments;
        return QueryConfinement.Sql(
            $"EXISTS (SELECT 1 FROM {Enrollments} e WHERE e.tenant_id = t.tenant_id AND e.{Col(e, "classSourcedId")} = t.sourced_id " +
            $"AND e.{Col(e, "userSourcedId")} = @r_user AND e.status = 'active')",
            new Dictionary<string, object> { ["r_user"] = userId });
    }

    /// <summary>Classes whose terms list holds the term (stored comma-joined, as the query engine's list membership).</summary>
    private static QueryConfinement ClassesOfTerm(string termId, DatabaseProvider provider) =>
        QueryConfinement.Sql($"{Find(provider)}(',' || t.{Col(CsvBinding.Classes, "termSourcedIds")} || ',', @r_term) > 0",
            new Dictionary<string, object> { ["r_term"] = "," + termId + "," });

    /// <summary>
    /// Terms of a school: academicSessions carry no org in OneRoster 1.2, so a school's terms are the terms its active
    /// classes are scheduled in (classes.termSourcedIds).
    /// </summary>
    private static QueryConfinement TermsOfSchool(string schoolId, DatabaseProvider provider)
    {
        var c = CsvBinding.Classes;
        return QueryConfinement.Sql(
            $"EXISTS (SELECT 1 FROM {c.StorageName} c WHERE c.tenant_id = t.tenant_id AND c.{Col(c, "schoolSourcedId")} = @r_school " +
            $"AND c.status = 'active' AND {Find(provider)}(',' || c.{Col(c, "termSourcedIds")} || ',', ',' || t.sourced_id || ',') > 0)",
            new Dictionary<string, object> { ["r_school"] = schoolId });
    }

    private static string Find(DatabaseProvider provider) => provider == DatabaseProvider.Postgres ? "strpos" : "instr";
}
