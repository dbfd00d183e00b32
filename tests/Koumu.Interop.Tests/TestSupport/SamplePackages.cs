namespace Koumu.Interop.Tests.TestSupport;

/// <summary>Small, valid base OneRoster 1.2 packages to start tests from.</summary>
public static class SamplePackages
{
    public const string OrgsHeader = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId";
    public const string SessionsHeader = "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,schoolYear";
    public const string CoursesHeader = "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,subjects,subjectCodes";
    public const string ClassesHeader = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods";
    public const string UsersHeader = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns";
    public const string Users12Header = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns";
    public const string RolesHeader = "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,userProfileSourcedId";
    public const string EnrollmentsHeader = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate";

    public static string[] Orgs =>
    [
        ",,,Sample City Board,district,131016,",
        ",,,Sample Elementary,school,B113210000010,org-district",
    ];

    /// <summary>The org rows with their sourcedIds (org-district, org-school).</summary>
    public static string[] OrgRows => ["org-district" + Orgs[0], "org-school" + Orgs[1]];

    public static string[] SessionRows => ["ay-2026,,,2026年度,schoolYear,2026-04-01,2027-03-31,,2027"];

    public static string[] CourseRows => ["course-1,,,ay-2026,2026年度 国語,,P1,org-school,国語,P010"];

    public static string[] ClassRows => ["class-1,,,1年1組,P1,course-1,,homeroom,,org-school,ay-2026,,,"];

    public static string[] UserRows =>
    [
        "user-t1,,,true,teacher1,{LTI:t1},花子,山田,,,,,,,,,,,,,org-school,",
        "user-s1,,,true,pupil1,,太郎,佐藤,,,,,,,P1,,,,,,org-school,",
        "user-s2,,,true,pupil2,,次郎,鈴木,,,,,,,P1,,,,,,org-school,",
    ];

    public static string[] RoleRows =>
    [
        "role-t1,,,user-t1,primary,teacher,,,org-school,",
        "role-s1,,,user-s1,primary,student,,,org-school,",
        "role-s2,,,user-s2,primary,student,,,org-school,",
    ];

    public static string[] EnrollmentRows =>
    [
        "enr-t1,,,class-1,org-school,user-t1,teacher,true,2026-04-01,2027-03-31",
        "enr-s1,,,class-1,org-school,user-s1,student,false,2026-04-01,",
        "enr-s2,,,class-1,org-school,user-s2,student,false,,",
    ];

    /// <summary>A complete bulk rostering package (orgs, sessions, courses, classes, users, roles, enrollments).</summary>
    public static PackageBuilder Rostering() => new PackageBuilder()
        .File("orgs", "bulk", OrgsHeader, OrgRows)
        .File("academicSessions", "bulk", SessionsHeader, SessionRows)
        .File("courses", "bulk", CoursesHeader, CourseRows)
        .File("classes", "bulk", ClassesHeader, ClassRows)
        .File("users", "bulk", UsersHeader, UserRows)
        .File("roles", "bulk", RolesHeader, RoleRows)
        .File("enrollments", "bulk", EnrollmentsHeader, EnrollmentRows);
}
