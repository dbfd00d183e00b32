using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Json;

namespace Koumu.Interop.Tests.Json;

/// <summary>Fully populated instances of every OneRoster 1.2 JSON class (every optional member set).</summary>
internal static class Samples
{
    public static readonly OneRosterJsonMapper Refs = new("https://hub.example.jp");
    public static readonly DateTime Modified = new(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);

    public static JsonObject Meta() => new() { ["jp"] = new JsonObject { ["note"] = "拡張" }, ["vendor"] = new JsonObject { ["x"] = 1 } };

    public static GUIDRef Ref(string type, string id) => Refs.Ref(type, id);

    public static Org Org() => new()
    {
        SourcedId = "org-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        Name = "札幌市立第一小学校", Type = OrgType.School, Identifier = "B101210000011",
        Parent = Ref(GUIDRefType.Org, "district-1"), Children = [Ref(GUIDRefType.Org, "dept-1")],
    };

    public static AcademicSession AcademicSession() => new()
    {
        SourcedId = "as-2026", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        Title = "2026年度", StartDate = new DateOnly(2026, 4, 1), EndDate = new DateOnly(2027, 3, 31), Type = SessionType.SchoolYear,
        Parent = Ref(GUIDRefType.AcademicSession, "as-root"), Children = [Ref(GUIDRefType.AcademicSession, "term-1")], SchoolYear = "2027",
    };

    public static Course Course() => new()
    {
        SourcedId = "course-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        Title = "2026年度 国語", SchoolYear = Ref(GUIDRefType.AcademicSession, "as-2026"), CourseCode = "",
        Grades = ["P1"], Subjects = ["国語"], Org = Ref(GUIDRefType.Org, "org-1"), SubjectCodes = ["P010"],
        Resources = [Ref(GUIDRefType.Resource, "res-1")],
    };

    public static Class Class()
    {
        var c = new Class
        {
            SourcedId = "class-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
            Title = "1年1組", ClassCode = "1-1", ClassType = ClassType.Homeroom, Location = "本館 1F", Grades = ["P1"], Subjects = ["国語"],
            Course = Ref(GUIDRefType.Course, "course-1"), School = Ref(GUIDRefType.Org, "org-1"), Terms = [Ref(GUIDRefType.AcademicSession, "as-2026")],
            SubjectCodes = ["P010"], Periods = ["1", "2"], Resources = [Ref(GUIDRefType.Resource, "res-1")],
        };
        c.Jp.SpecialNeeds = false;
        return c;
    }

    public static User User()
    {
        var u = new User
        {
            SourcedId = "user-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
            UserMasterIdentifier = "0b7d3a1e-2f0c-4f3e-9a52-3b8f5f0f8c11", Username = "taro", UserIds = [new UserId { Type = "LTI", Identifier = "abc" }],
            EnabledUser = true, GivenName = "太郎", FamilyName = "山田", MiddleName = "M", PreferredFirstName = "たろう", PreferredMiddleName = "m",
            PreferredLastName = "やまだ", Pronouns = "he",
            Roles =
            [
                new Role { RoleType = RoleType.Primary, RoleValue = RoleName.Student, Org = Ref(GUIDRefType.Org, "org-1"),
                    UserProfile = Refs.UserProfileId("user-1", "up-1"), BeginDate = new DateOnly(2026, 4, 1), EndDate = new DateOnly(2027, 3, 31) },
            ],
            UserProfiles =
            [
                new UserProfile { ProfileId = Refs.UserProfileId("user-1", "up-1"), ProfileType = "ePortal", VendorId = "vendor", ApplicationId = "app",
                    Description = "学習eポータル", Credentials = [new Credential { Type = "password", Username = "taro", Password = "secret",
                        AdditionalProperties = new() { ["hint"] = System.Text.Json.JsonSerializer.SerializeToElement("x") } }] },
            ],
            PrimaryOrg = Ref(GUIDRefType.Org, "org-1"), Identifier = "S0001", Email = "taro@example.jp", Sms = "+81", Phone = "011",
            Agents = [Ref(GUIDRefType.User, "parent-1")], Grades = ["P1"], Password = "pw", Resources = [Ref(GUIDRefType.Resource, "res-1")],
        };
        u.Jp.KanaGivenName = "タロウ";
        u.Jp.KanaFamilyName = "ヤマダ";
        u.Jp.KanaMiddleName = "エム";
        u.Jp.HomeClass = "class-1";
        u.Jp.KanaPreferredGivenName = "タロウ";
        u.Jp.KanaPreferredFamilyName = "ヤマダ";
        u.Jp.KanaPreferredMiddleName = "エム";
        return u;
    }

    public static Enrollment Enrollment()
    {
        var e = new Enrollment
        {
            SourcedId = "enr-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
            User = Ref(GUIDRefType.User, "user-1"), Class = Ref(GUIDRefType.Class, "class-1"), School = Ref(GUIDRefType.Org, "org-1"),
            Role = EnrollmentRole.Student, Primary = false, BeginDate = new DateOnly(2026, 4, 1), EndDate = new DateOnly(2027, 3, 31),
        };
        e.Jp.ShussekiNo = 12;
        e.Jp.PublicFlg = true;
        return e;
    }

    public static Demographics Demographics() => new()
    {
        SourcedId = "user-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        BirthDate = new DateOnly(2019, 5, 5), Sex = Sex.Male, AmericanIndianOrAlaskaNative = false, Asian = true, BlackOrAfricanAmerican = false,
        NativeHawaiianOrOtherPacificIslander = false, White = false, DemographicRaceTwoOrMoreRaces = false, HispanicOrLatinoEthnicity = false,
        CountryOfBirthCode = "JP", StateOfBirthAbbreviation = "01", CityOfBirth = "札幌市", PublicSchoolResidenceStatus = "resident",
    };

    public static Category Category() => new()
    {
        SourcedId = "cat-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(), Title = "小テスト", Weight = 0.25,
    };

    public static LineItem LineItem() => new()
    {
        SourcedId = "li-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        Title = "漢字テスト", Description = "第1回", AssignDate = Modified, DueDate = Modified.AddDays(7),
        Class = Ref(GUIDRefType.Class, "class-1"), School = Ref(GUIDRefType.Org, "org-1"), Category = Ref(GUIDRefType.Category, "cat-1"),
        GradingPeriod = Ref(GUIDRefType.AcademicSession, "gp-1"), AcademicSession = Ref(GUIDRefType.AcademicSession, "term-1"),
        ScoreScale = Ref(GUIDRefType.ScoreScale, "ss-1"), ResultValueMin = 0, ResultValueMax = 100,
        LearningObjectiveSet = [new LearningObjectiveSet { Source = "case", LearningObjectiveIds = ["lo-1", "lo-2"] }],
    };

    private static LearningObjectiveScoreSet ScoreSet() => new()
    {
        Source = "unknown",
        LearningObjectiveResults = [new LearningObjectiveResult { LearningObjectiveId = "lo-1", Score = 3.5, TextScore = "B" }],
    };

    public static Result Result() => new()
    {
        SourcedId = "res-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        LineItem = Ref(GUIDRefType.LineItem, "li-1"), Student = Ref(GUIDRefType.User, "user-1"), Class = Ref(GUIDRefType.Class, "class-1"),
        ScoreScale = Ref(GUIDRefType.ScoreScale, "ss-1"), ScoreStatus = ScoreStatus.FullyGraded, Score = 87.5, TextScore = "A",
        ScoreDate = new DateOnly(2026, 5, 1), Comment = "よくできました", LearningObjectiveSet = [ScoreSet()],
        InProgress = false, Incomplete = false, Late = true, Missing = false,
    };

    public static ScoreScale ScoreScale() => new()
    {
        SourcedId = "ss-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        Title = "5段階", Type = "grade", Course = Ref(GUIDRefType.Course, "course-1"), Class = Ref(GUIDRefType.Class, "class-1"),
        ScoreScaleValue = [new ScoreScaleValue { ItemValueLHS = "5", ItemValueRHS = "90-100" }],
    };

    public static AssessmentLineItem AssessmentLineItem() => new()
    {
        SourcedId = "ali-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        Title = "全国学力テスト", Description = "国語", Class = Ref(GUIDRefType.Class, "class-1"),
        ParentAssessmentLineItem = Ref(GUIDRefType.AssessmentLineItem, "ali-0"), ScoreScale = Ref(GUIDRefType.ScoreScale, "ss-1"),
        ResultValueMin = 0, ResultValueMax = 100, LearningObjectiveSet = [new LearningObjectiveSet { Source = "case", LearningObjectiveIds = ["lo-1"] }],
    };

    public static AssessmentResult AssessmentResult() => new()
    {
        SourcedId = "ar-1", Status = StatusType.ToBeDeleted, DateLastModified = Modified, Metadata = Meta(),
        AssessmentLineItem = Ref(GUIDRefType.AssessmentLineItem, "ali-1"), Student = Ref(GUIDRefType.User, "user-1"),
        Score = 70, TextScore = "B", ScoreDate = new DateOnly(2026, 6, 1), ScoreScale = Ref(GUIDRefType.ScoreScale, "ss-1"),
        ScorePercentile = 55.5, ScoreStatus = "ext:reviewed", Comment = "c", LearningObjectiveSet = [ScoreSet()],
        InProgress = true, Incomplete = false, Late = false, Missing = false,
    };

    public static Resource Resource() => new()
    {
        SourcedId = "res-1", Status = StatusType.Active, DateLastModified = Modified, Metadata = Meta(),
        Title = "デジタル教科書", Roles = [ResourceRole.Student, "ext:librarian"], Importance = Importance.Primary,
        VendorResourceId = "vr-1", VendorId = "vendor", ApplicationId = "app",
    };

    public static ImsxStatusInfo StatusInfo() => ImsxStatusInfo.Failure(CodeMinorValue.UnknownObject, "Unknown Object", "sourcedId");

    /// <summary>(OAS file, component name, instance) for every class and envelope.</summary>
    public static IEnumerable<object[]> All()
    {
        const string R = OasSchemas.Rostering, G = OasSchemas.Gradebook, S = OasSchemas.Resources;
        yield return [R, "OrgDType", Org()];
        yield return [R, "AcademicSessionDType", AcademicSession()];
        yield return [R, "CourseDType", Course()];
        yield return [R, "ClassDType", Class()];
        yield return [R, "UserDType", User()];
        yield return [R, "EnrollmentDType", Enrollment()];
        yield return [R, "DemographicsDType", Demographics()];
        yield return [R, "RoleDType", User().Roles[0]];
        yield return [R, "UserProfileDType", User().UserProfiles![0]];
        yield return [R, "CredentialDType", User().UserProfiles![0].Credentials![0]];
        yield return [R, "UserIdDType", User().UserIds![0]];
        yield return [R, "OrgGUIDRefDType", Ref(GUIDRefType.Org, "o")];
        yield return [R, "UserGUIDRefDType", Ref(GUIDRefType.User, "u")];
        yield return [R, "ClassGUIDRefDType", Ref(GUIDRefType.Class, "c")];
        yield return [R, "CourseGUIDRefDType", Ref(GUIDRefType.Course, "c")];
        yield return [R, "AcadSessionGUIDRefDType", Ref(GUIDRefType.AcademicSession, "a")];
        yield return [R, "ResourceGUIDRefDType", Ref(GUIDRefType.Resource, "r")];
        foreach (var (name, type) in new[] { ("OrgGUIDRefDType", GUIDRefType.Org), ("UserGUIDRefDType", GUIDRefType.User),
            ("ClassGUIDRefDType", GUIDRefType.Class), ("CourseGUIDRefDType", GUIDRefType.Course), ("AcadSessionGUIDRefDType", GUIDRefType.AcademicSession) })
            yield return [G, name, Ref(type, "g-1")];
        yield return [G, "LineItemGUIDRefDType", Ref(GUIDRefType.LineItem, "l")];
        yield return [G, "CategoryGUIDRefDType", Ref(GUIDRefType.Category, "c")];
        yield return [G, "ScoreScaleGUIDRefDType", Ref(GUIDRefType.ScoreScale, "s")];
        yield return [G, "AssessmentLineItemGUIDRefDType", Ref(GUIDRefType.AssessmentLineItem, "a")];
        yield return [R, "OrgSetDType", new OrgSet { Orgs = [Org(), Org()] }];
        yield return [R, "AcademicSessionSetDType", new AcademicSessionSet { AcademicSessions = [AcademicSession()] }];
        yield return [R, "CourseSetDType", new CourseSet { Courses = [Course()] }];
        yield return [R, "ClassSetDType", new ClassSet { Classes = [Class()] }];
        yield return [R, "UserSetDType", new UserSet { Users = [User()] }];
        yield return [R, "UserSetDType", new UserSet()];
        yield return [R, "EnrollmentSetDType", new EnrollmentSet { Enrollments = [Enrollment()] }];
        yield return [R, "DemographicsSetDType", new DemographicsSet { Demographics = [Demographics()] }];
        yield return [R, "SingleOrgDType", new SingleOrg { Org = Org() }];
        yield return [R, "SingleAcademicSessionDType", new SingleAcademicSession { AcademicSession = AcademicSession() }];
        yield return [R, "SingleCourseDType", new SingleCourse { Course = Course() }];
        yield return [R, "SingleClassDType", new SingleClass { Class = Class() }];
        yield return [R, "SingleUserDType", new SingleUser { User = User() }];
        yield return [R, "SingleEnrollmentDType", new SingleEnrollment { Enrollment = Enrollment() }];
        yield return [R, "SingleDemographicsDType", new SingleDemographics { Demographics = Demographics() }];
        yield return [R, "imsx_StatusInfoDType", StatusInfo()];
        yield return [R, "imsx_StatusInfoDType", new ImsxStatusInfo { CodeMajor = CodeMajor.Success, Severity = Severity.Status }];
        yield return [G, "CategoryDType", Category()];
        yield return [G, "LineItemDType", LineItem()];
        yield return [G, "ResultDType", Result()];
        yield return [G, "ScoreScaleDType", ScoreScale()];
        yield return [G, "ScoreScaleValueDType", ScoreScale().ScoreScaleValue[0]];
        yield return [G, "AssessmentLineItemDType", AssessmentLineItem()];
        yield return [G, "AssessmentResultDType", AssessmentResult()];
        yield return [G, "LearningObjectiveSetDType", LineItem().LearningObjectiveSet![0]];
        yield return [G, "LearningObjectiveScoreSetDType", ScoreSet()];
        yield return [G, "LearningObjectiveResultsDType", ScoreSet().LearningObjectiveResults[0]];
        yield return [G, "CategoriesSetDType", new CategoriesSet { Categories = [Category()] }];
        yield return [G, "LineItemSetDType", new LineItemSet { LineItems = [LineItem()] }];
        yield return [G, "ResultSetDType", new ResultSet { Results = [Result()] }];
        yield return [G, "ScoreScaleSetDType", new ScoreScaleSet { ScoreScales = [ScoreScale()] }];
        yield return [G, "AssessmentLineItemSetDType", new AssessmentLineItemSet { AssessmentLineItems = [AssessmentLineItem()] }];
        yield return [G, "AssessmentResultSetDType", new AssessmentResultSet { AssessmentResults = [AssessmentResult()] }];
        yield return [G, "SingleCategoryDType", new SingleCategory { Category = Category() }];
        yield return [G, "SingleLineItemDType", new SingleLineItem { LineItem = LineItem() }];
        yield return [G, "SingleResultDType", new SingleResult { Result = Result() }];
        yield return [G, "SingleScoreScaleDType", new SingleScoreScale { ScoreScale = ScoreScale() }];
        yield return [G, "SingleAssessmentLineItemDType", new SingleAssessmentLineItem { AssessmentLineItem = AssessmentLineItem() }];
        yield return [G, "SingleAssessmentResultDType", new SingleAssessmentResult { AssessmentResult = AssessmentResult() }];
        yield return [G, "GUIDPairDType", new GUIDPair { SuppliedSourcedId = "tmp-1", AllocatedSourcedId = "li-9" }];
        yield return [G, "GUIDPairSetDType", new GUIDPairSet { SourcedIdPairs = [new GUIDPair { SuppliedSourcedId = "tmp-1", AllocatedSourcedId = "li-9" }] }];
        yield return [G, "imsx_StatusInfoDType", ImsxStatusInfo.Failure(CodeMinorValue.DeleteFailure)];
        yield return [S, "ResourceDType", Resource()];
        yield return [S, "ResourceSetDType", new ResourceSet { Resources = [Resource()] }];
        yield return [S, "SingleResourceDType", new SingleResource { Resource = Resource() }];
        yield return [S, "imsx_StatusInfoDType", ImsxStatusInfo.Failure(CodeMinorValue.InvalidSortField, "sort")];
        foreach (var file in new[] { R, G, S })
        {
            yield return [file, "imsx_CodeMinorDType", StatusInfo().CodeMinor!];
            yield return [file, "imsx_CodeMinorFieldDType", StatusInfo().CodeMinor!.Fields[0]];
            yield return [file, "MetadataDType", Meta()];
        }
    }
}
