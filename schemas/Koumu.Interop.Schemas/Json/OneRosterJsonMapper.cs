using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Schemas.Json;

/// <summary>
/// Maps OneRoster 1.2 CSV rows (<see cref="CsvRecord"/>) to the REST JSON form. The CSV binding flattens GUIDRefs to
/// <c>xxxSourcedId(s)</c> columns and lists to comma-joined text; this puts them back as GUIDRefs whose href is
/// <c>{baseUrl}{service base}/{collection}/{sourcedId}</c> (service bases from the OAS <c>servers</c>:
/// rostering, gradebook, resources), and renames preferredGivenName/preferredFamilyName to
/// preferredFirstName/preferredLastName. Deletion rows are not mapped here (a tobedeleted object's JSON form is the
/// storage layer's concern; roles/userProfiles marked tobedeleted are left out of the user).
/// </summary>
public sealed partial class OneRosterJsonMapper
{
    public const string RosteringBase = "/ims/oneroster/rostering/v1p2";
    public const string GradebookBase = "/ims/oneroster/gradebook/v1p2";
    public const string ResourcesBase = "/ims/oneroster/resources/v1p2";

    private readonly DateTime? _bulkDateLastModified;

    /// <param name="baseUrl">Absolute http(s) URL the services are published under, e.g. <c>https://hub.example.jp</c>.</param>
    /// <param name="bulkDateLastModified">
    /// dateLastModified for rows that have none (bulk CSV rows leave it blank, but JSON requires it) — normally the
    /// import time. Without it, mapping a row lacking dateLastModified throws.
    /// </param>
    public OneRosterJsonMapper(string baseUrl, DateTime? bulkDateLastModified = null)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            throw new ArgumentException($"Base URL must be an absolute http(s) URL without query or fragment: '{baseUrl}'.", nameof(baseUrl));
        BaseUrl = baseUrl.TrimEnd('/');
        _bulkDateLastModified = bulkDateLastModified is { } d ? InstantConverter.ToUtc(d) : null;
    }

    public string BaseUrl { get; }

    /// <summary>A GUIDRef to <paramref name="sourcedId"/> of the given <see cref="GUIDRefType"/>, with its canonical href.</summary>
    public GUIDRef Ref(string type, string sourcedId) => new()
    {
        Href = BaseUrl + type switch
        {
            GUIDRefType.Org => RosteringBase + "/orgs/",
            GUIDRefType.User => RosteringBase + "/users/",
            GUIDRefType.Class => RosteringBase + "/classes/",
            GUIDRefType.Course => RosteringBase + "/courses/",
            GUIDRefType.AcademicSession => RosteringBase + "/academicSessions/",
            GUIDRefType.Resource => ResourcesBase + "/resources/",
            GUIDRefType.LineItem => GradebookBase + "/lineItems/",
            GUIDRefType.Category => GradebookBase + "/categories/",
            GUIDRefType.ScoreScale => GradebookBase + "/scoreScales/",
            GUIDRefType.AssessmentLineItem => GradebookBase + "/assessmentLineItems/",
            _ => throw new ArgumentException($"Unknown GUIDRef type '{type}'.", nameof(type)),
        } + PathSegment(sourcedId),
        SourcedId = sourcedId,
        Type = type,
    };

    /// <summary>
    /// The profileId (AnyURI, unique within the user — OAS UserProfileDType) for a userProfiles.csv row, also used
    /// as RoleDType.userProfile. A sourcedId that already is an absolute URI is used as is; otherwise an absolute URI
    /// under the user's href is built so the value satisfies the OAS <c>format: uri</c>.
    /// </summary>
    public string UserProfileId(string userSourcedId, string userProfileSourcedId) =>
        Uri.TryCreate(userProfileSourcedId, UriKind.Absolute, out _) && userProfileSourcedId.Contains("://", StringComparison.Ordinal)
            ? userProfileSourcedId
            : Ref(GUIDRefType.User, userSourcedId).Href + "/userProfiles/" + PathSegment(userProfileSourcedId);

    /// <summary>
    /// A sourcedId as one URI path segment, percent-encoded. "." and ".." cannot be addressed at all: URI
    /// normalisation (RFC 3986 §6.2.2.2, §5.2.4; System.Uri does it) turns even %2E%2E into a dot segment that walks
    /// out of the collection, so such ids are refused rather than given an href pointing elsewhere.
    /// </summary>
    private static string PathSegment(string sourcedId)
    {
        ArgumentException.ThrowIfNullOrEmpty(sourcedId);
        if (sourcedId is "." or "..")
            throw new ArgumentException($"sourcedId '{sourcedId}' cannot be used as a URL path segment.", nameof(sourcedId));
        return Uri.EscapeDataString(sourcedId);
    }

    /// <summary>Maps a row of any single-row file this mapper supports (users need <see cref="ToUser"/>: their roles come from roles.csv).</summary>
    public OneRosterBase Map(CsvRecord record) => record.File.Name switch
    {
        "orgs" => ToOrg(record),
        "academicSessions" => ToAcademicSession(record),
        "courses" => ToCourse(record),
        "classes" => ToClass(record),
        "enrollments" => ToEnrollment(record),
        "demographics" => ToDemographics(record),
        "categories" => ToCategory(record),
        "lineItems" => ToLineItem(record),
        "results" => ToResult(record),
        "scoreScales" => ToScoreScale(record),
        "assessmentLineItems" => ToAssessmentLineItem(record),
        "assessmentResults" => ToAssessmentResult(record),
        "resources" => ToResource(record),
        "users" => throw new ArgumentException("users.csv rows need their roles.csv rows: call ToUser(user, roles, userProfiles).", nameof(record)),
        _ => throw new ArgumentException($"{record.File.FileName} has no JSON object of its own (its rows are folded into another object).", nameof(record)),
    };

    public Org ToOrg(CsvRecord r)
    {
        Expect(r, CsvBinding.Orgs);
        return new Org
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Name = Text(r, "name")!,
            Type = Text(r, "type")!,
            Identifier = Text(r, "identifier") ?? "",
            Parent = OptionalRef(r, "parentSourcedId", GUIDRefType.Org),
        };
    }

    public AcademicSession ToAcademicSession(CsvRecord r)
    {
        Expect(r, CsvBinding.AcademicSessions);
        return new AcademicSession
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Title = Text(r, "title")!,
            StartDate = Required<DateOnly>(r, "startDate"),
            EndDate = Required<DateOnly>(r, "endDate"),
            Type = Text(r, "type")!,
            Parent = OptionalRef(r, "parentSourcedId", GUIDRefType.AcademicSession),
            SchoolYear = Text(r, "schoolYear")!,
        };
    }

    public Course ToCourse(CsvRecord r)
    {
        Expect(r, CsvBinding.Courses);
        return new Course
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Title = Text(r, "title")!,
            SchoolYear = OptionalRef(r, "schoolYearSourcedId", GUIDRefType.AcademicSession),
            CourseCode = Text(r, "courseCode") ?? "",
            Grades = List(r, "grades"),
            Subjects = List(r, "subjects"),
            Org = OptionalRef(r, "orgSourcedId", GUIDRefType.Org),
            SubjectCodes = List(r, "subjectCodes"),
        };
    }

    public Class ToClass(CsvRecord r)
    {
        Expect(r, CsvBinding.Classes);
        return new Class
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Title = Text(r, "title")!,
            ClassCode = Text(r, "classCode"),
            ClassType = Text(r, "classType"),
            Location = Text(r, "location"),
            Grades = List(r, "grades"),
            Subjects = List(r, "subjects"),
            Course = RequiredRef(r, "courseSourcedId", GUIDRefType.Course),
            School = RequiredRef(r, "schoolSourcedId", GUIDRefType.Org),
            Terms = RefList(r, "termSourcedIds", GUIDRefType.AcademicSession) ?? [],
            SubjectCodes = List(r, "subjectCodes"),
            Periods = List(r, "periods"),
        };
    }

    /// <summary>
    /// A users.csv row with its roles.csv rows (RoleDType, OAS requires at least one) and userProfiles.csv rows.
    /// Rows of other users and rows marked tobedeleted are ignored. With no role rows the result has an empty
    /// <see cref="User.Roles"/>, which the OAS does not allow: the caller decides whether to serve such a user.
    /// </summary>
    public User ToUser(CsvRecord user, IEnumerable<CsvRecord> roles, IEnumerable<CsvRecord>? userProfiles = null)
    {
        Expect(user, CsvBinding.Users);
        ArgumentNullException.ThrowIfNull(roles);
        var id = user.SourcedId;
        var roleList = new List<Role>();
        foreach (var role in roles)
        {
            Expect(role, CsvBinding.Roles);
            if (role.IsDeletion || Text(role, "userSourcedId") != id) continue;
            roleList.Add(new Role
            {
                RoleType = Text(role, "roleType")!,
                RoleValue = Text(role, "role")!,
                Org = RequiredRef(role, "orgSourcedId", GUIDRefType.Org),
                UserProfile = Text(role, "userProfileSourcedId") is { } profile ? UserProfileId(id, profile) : null,
                BeginDate = role["beginDate"] as DateOnly?,
                EndDate = role["endDate"] as DateOnly?,
            });
        }
        List<UserProfile>? profileList = null;
        foreach (var profile in userProfiles ?? [])
        {
            Expect(profile, CsvBinding.UserProfiles);
            if (profile.IsDeletion || Text(profile, "userSourcedId") != id) continue;
            (profileList ??= []).Add(new UserProfile
            {
                ProfileId = UserProfileId(id, profile.SourcedId),
                ProfileType = Text(profile, "profileType")!,
                VendorId = Text(profile, "vendorId")!,
                ApplicationId = Text(profile, "applicationId"),
                Description = Text(profile, "description"),
                Credentials =
                [
                    new Credential { Type = Text(profile, "credentialType")!, Username = Text(profile, "username")!, Password = Text(profile, "password") },
                ],
            });
        }
        return new User
        {
            SourcedId = id, Status = Status(user), DateLastModified = Modified(user), Metadata = Metadata(user),
            UserMasterIdentifier = Text(user, "userMasterIdentifier"),
            Username = Text(user, "username"),
            UserIds = UserIds(user),
            EnabledUser = Required<bool>(user, "enabledUser"),
            GivenName = Text(user, "givenName")!,
            FamilyName = Text(user, "familyName")!,
            MiddleName = Text(user, "middleName"),
            PreferredFirstName = Text(user, "preferredGivenName"),
            PreferredMiddleName = Text(user, "preferredMiddleName"),
            PreferredLastName = Text(user, "preferredFamilyName"),
            Pronouns = Text(user, "pronouns"),
            Roles = roleList,
            UserProfiles = profileList,
            PrimaryOrg = OptionalRef(user, "primaryOrgSourcedId", GUIDRefType.Org),
            Identifier = Text(user, "identifier"),
            Email = Text(user, "email"),
            Sms = Text(user, "sms"),
            Phone = Text(user, "phone"),
            Agents = RefList(user, "agentSourcedIds", GUIDRefType.User),
            Grades = List(user, "grades"),
            Password = Text(user, "password"),
            // Only the original 1.2 layout has users.resourceSourcedIds (removed by the 1.2.1 errata).
            Resources = RefList(user, "resourceSourcedIds", GUIDRefType.Resource),
        };
    }

    public Enrollment ToEnrollment(CsvRecord r)
    {
        Expect(r, CsvBinding.Enrollments);
        var enrollment = new Enrollment
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            User = RequiredRef(r, "userSourcedId", GUIDRefType.User),
            Class = RequiredRef(r, "classSourcedId", GUIDRefType.Class),
            School = RequiredRef(r, "schoolSourcedId", GUIDRefType.Org),
            Role = Text(r, "role")!,
            Primary = r["primary"] as bool?,
            BeginDate = r["beginDate"] as DateOnly?,
            EndDate = r["endDate"] as DateOnly?,
        };
        JapanProfileMetadata.NormaliseEnrollmentKeys(enrollment.Metadata);
        return enrollment;
    }

    public Demographics ToDemographics(CsvRecord r)
    {
        Expect(r, CsvBinding.Demographics);
        return new Demographics
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            BirthDate = r["birthDate"] as DateOnly?,
            Sex = Text(r, "sex"),
            AmericanIndianOrAlaskaNative = r["americanIndianOrAlaskaNative"] as bool?,
            Asian = r["asian"] as bool?,
            BlackOrAfricanAmerican = r["blackOrAfricanAmerican"] as bool?,
            NativeHawaiianOrOtherPacificIslander = r["nativeHawaiianOrOtherPacificIslander"] as bool?,
            White = r["white"] as bool?,
            DemographicRaceTwoOrMoreRaces = r["demographicRaceTwoOrMoreRaces"] as bool?,
            HispanicOrLatinoEthnicity = r["hispanicOrLatinoEthnicity"] as bool?,
            CountryOfBirthCode = Text(r, "countryOfBirthCode"),
            StateOfBirthAbbreviation = Text(r, "stateOfBirthAbbreviation"),
            CityOfBirth = Text(r, "cityOfBirth"),
            PublicSchoolResidenceStatus = Text(r, "publicSchoolResidenceStatus"),
        };
    }

    public Category ToCategory(CsvRecord r)
    {
        Expect(r, CsvBinding.Categories);
        return new Category
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Title = Text(r, "title")!,
            Weight = r["weight"] as double?,
        };
    }

    /// <summary>
    /// A lineItems.csv row, optionally with its lineItemLearningObjectiveIds.csv rows (grouped by source) and its
    /// lineItemScoreScales.csv row (LineItemDType.scoreScale: the CSV binding moves the lineItem's one scoreScale
    /// GUIDRef into that link file; a tobedeleted or foreign link row is ignored).
    /// </summary>
    public LineItem ToLineItem(CsvRecord r, IEnumerable<CsvRecord>? learningObjectiveIds = null, CsvRecord? lineItemScoreScale = null)
    {
        Expect(r, CsvBinding.LineItems);
        List<LearningObjectiveSet>? sets = null;
        if (learningObjectiveIds is not null)
        {
            var rows = learningObjectiveIds.Where(x => Expect(x, CsvBinding.LineItemLearningObjectiveIds)
                && !x.IsDeletion && Text(x, "lineItemSourcedId") == r.SourcedId);
            sets = rows.GroupBy(x => Text(x, "source")!, StringComparer.Ordinal)
                .Select(g => new LearningObjectiveSet { Source = g.Key, LearningObjectiveIds = g.Select(x => Text(x, "learningObjectiveId")!).ToArray() })
                .ToList();
            if (sets.Count == 0) sets = null;
        }
        return new LineItem
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Title = Text(r, "title")!,
            Description = Text(r, "description"),
            AssignDate = Required<DateTime>(r, "assignDate"),
            DueDate = Required<DateTime>(r, "dueDate"),
            Class = RequiredRef(r, "classSourcedId", GUIDRefType.Class),
            School = RequiredRef(r, "schoolSourcedId", GUIDRefType.Org),
            Category = RequiredRef(r, "categorySourcedId", GUIDRefType.Category),
            // CSV academicSessionSourcedId is the JSON academicSession (gradingPeriod has no CSV column in 1.2).
            AcademicSession = OptionalRef(r, "academicSessionSourcedId", GUIDRefType.AcademicSession),
            ScoreScale = LinkedScoreScale(r, lineItemScoreScale, CsvBinding.LineItemScoreScales, "lineItemSourcedId"),
            ResultValueMin = r["resultValueMin"] as double?,
            ResultValueMax = r["resultValueMax"] as double?,
            LearningObjectiveSet = sets,
        };
    }

    /// <summary>
    /// A results.csv row, optionally with its resultLearningObjectiveIds.csv rows (grouped by source) and its
    /// resultScoreScales.csv row (ResultDType.scoreScale, as for lineItems).
    /// </summary>
    public Result ToResult(CsvRecord r, IEnumerable<CsvRecord>? learningObjectiveResults = null, CsvRecord? resultScoreScale = null)
    {
        Expect(r, CsvBinding.Results);
        List<LearningObjectiveScoreSet>? sets = null;
        if (learningObjectiveResults is not null)
        {
            var rows = learningObjectiveResults.Where(x => Expect(x, CsvBinding.ResultLearningObjectiveIds)
                && !x.IsDeletion && Text(x, "resultSourcedId") == r.SourcedId);
            sets = rows.GroupBy(x => Text(x, "source")!, StringComparer.Ordinal)
                .Select(g => new LearningObjectiveScoreSet
                {
                    Source = g.Key,
                    LearningObjectiveResults = g.Select(x => new LearningObjectiveResult
                    {
                        LearningObjectiveId = Text(x, "learningObjectiveId")!,
                        Score = x["score"] as double?,
                        TextScore = Text(x, "textScore"),
                    }).ToArray(),
                })
                .ToList();
            if (sets.Count == 0) sets = null;
        }
        return new Result
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            LineItem = RequiredRef(r, "lineItemSourcedId", GUIDRefType.LineItem),
            Student = RequiredRef(r, "studentSourcedId", GUIDRefType.User),
            Class = OptionalRef(r, "classSourcedId", GUIDRefType.Class),
            ScoreScale = LinkedScoreScale(r, resultScoreScale, CsvBinding.ResultScoreScales, "resultSourcedId"),
            ScoreStatus = Text(r, "scoreStatus")!,
            Score = r["score"] as double?,
            TextScore = Text(r, "textScore"),
            ScoreDate = Required<DateOnly>(r, "scoreDate"),
            Comment = Text(r, "comment"),
            LearningObjectiveSet = sets,
            InProgress = r["inProgress"] as bool?,
            Incomplete = r["incomplete"] as bool?,
            Late = r["late"] as bool?,
            Missing = r["missing"] as bool?,
        };
    }

    /// <summary>
    /// A scoreScales.csv row. The CSV scoreScaleValue column holds <c>{itemValueLHS:itemValueRHS}</c> items separated
    /// by commas (the same braces syntax as users.userIds; e.g. <c>{A:90-100},{B:80-89}</c>); text that is not in that
    /// form is a <see cref="FormatException"/> rather than a guess. The CSV orgSourcedId has no JSON counterpart.
    /// </summary>
    public ScoreScale ToScoreScale(CsvRecord r)
    {
        Expect(r, CsvBinding.ScoreScales);
        return new ScoreScale
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Title = Text(r, "title")!,
            Type = Text(r, "type")!,
            Course = OptionalRef(r, "courseSourcedId", GUIDRefType.Course),
            Class = RequiredRef(r, "classSourcedId", GUIDRefType.Class),
            ScoreScaleValue = Braces(r, "scoreScaleValue").Select(p => new ScoreScaleValue { ItemValueLHS = p.Left, ItemValueRHS = p.Right }).ToArray(),
        };
    }

    /// <summary>
    /// A stored OAS-G assessmentLineItem (REST only: <see cref="CsvBinding.AssessmentLineItems"/>). Its
    /// learningObjectiveSet is kept as the OAS JSON array text; text that is not such an array is a
    /// <see cref="FormatException"/>, never passed through.
    /// </summary>
    public AssessmentLineItem ToAssessmentLineItem(CsvRecord r)
    {
        Expect(r, CsvBinding.AssessmentLineItems);
        return new AssessmentLineItem
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Title = Text(r, "title")!,
            Description = Text(r, "description"),
            Class = OptionalRef(r, "classSourcedId", GUIDRefType.Class),
            ParentAssessmentLineItem = OptionalRef(r, "parentAssessmentLineItemSourcedId", GUIDRefType.AssessmentLineItem),
            ScoreScale = OptionalRef(r, "scoreScaleSourcedId", GUIDRefType.ScoreScale),
            ResultValueMin = r["resultValueMin"] as double?,
            ResultValueMax = r["resultValueMax"] as double?,
            LearningObjectiveSet = JsonArray<LearningObjectiveSet>(r, "learningObjectiveSet"),
        };
    }

    /// <summary>A stored OAS-G assessmentResult (REST only: <see cref="CsvBinding.AssessmentResults"/>).</summary>
    public AssessmentResult ToAssessmentResult(CsvRecord r)
    {
        Expect(r, CsvBinding.AssessmentResults);
        return new AssessmentResult
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            AssessmentLineItem = RequiredRef(r, "assessmentLineItemSourcedId", GUIDRefType.AssessmentLineItem),
            Student = RequiredRef(r, "studentSourcedId", GUIDRefType.User),
            Score = r["score"] as double?,
            TextScore = Text(r, "textScore"),
            ScoreDate = Required<DateOnly>(r, "scoreDate"),
            ScoreScale = OptionalRef(r, "scoreScaleSourcedId", GUIDRefType.ScoreScale),
            ScorePercentile = r["scorePercentile"] as double?,
            ScoreStatus = Text(r, "scoreStatus")!,
            Comment = Text(r, "comment"),
            LearningObjectiveSet = JsonArray<LearningObjectiveScoreSet>(r, "learningObjectiveSet"),
            InProgress = r["inProgress"] as bool?,
            Incomplete = r["incomplete"] as bool?,
            Late = r["late"] as bool?,
            Missing = r["missing"] as bool?,
        };
    }

    public Resource ToResource(CsvRecord r)
    {
        Expect(r, CsvBinding.Resources);
        return new Resource
        {
            SourcedId = r.SourcedId, Status = Status(r), DateLastModified = Modified(r), Metadata = Metadata(r),
            Title = Text(r, "title"),
            Roles = List(r, "roles"),
            Importance = Text(r, "importance"),
            VendorResourceId = Text(r, "vendorResourceId")!,
            VendorId = Text(r, "vendorId"),
            ApplicationId = Text(r, "applicationId"),
        };
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static bool Expect(CsvRecord record, CsvFileDefinition file)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.File != file)
            throw new ArgumentException($"Expected a {file.FileName} row, got a {record.File.FileName} row (line {record.Line}).", nameof(record));
        return true;
    }

    /// <summary>Bulk rows leave status blank, which means active (CSV binding; CsvRecord.Status).</summary>
    private static string Status(CsvRecord r) => r.Status ?? StatusType.Active;

    private DateTime Modified(CsvRecord r) => r["dateLastModified"] as DateTime? ?? _bulkDateLastModified
        ?? throw new InvalidOperationException($"{r.File.FileName} line {r.Line}: the row has no dateLastModified (bulk row) and the mapper was given no bulkDateLastModified.");

    private static JsonObject? Metadata(CsvRecord r) =>
        r.MetadataJson is null ? null : JsonNode.Parse(r.MetadataJson) as JsonObject
            ?? throw new FormatException($"{r.File.FileName} line {r.Line}: MetadataJson is not a JSON object.");

    /// <summary>Column value as text; a required column that is blank in the row is reported, not mapped to null.</summary>
    private static string? Text(CsvRecord r, string column)
    {
        var value = Column(r, column) as string;
        if (value is null && r.File.Column(column).Required && !r.IsDeletion)
            throw new FormatException($"{r.File.FileName} line {r.Line}: required column '{column}' is blank.");
        return value;
    }

    private static T Required<T>(CsvRecord r, string column) where T : struct =>
        Column(r, column) is T value ? value
            : throw new FormatException($"{r.File.FileName} line {r.Line}: required column '{column}' is blank or not a {typeof(T).Name}.");

    private static object? Column(CsvRecord r, string column)
    {
        var index = r.File.IndexOf(column);
        if (index < 0) throw new ArgumentException($"{r.File.FileName} has no column '{column}'.", nameof(column));
        return index < r.Values.Length ? r.Values[index] : null;
    }

    private static string[]? List(CsvRecord r, string column) =>
        Text(r, column) is { } text && text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } items
            ? items : null;

    private GUIDRef? OptionalRef(CsvRecord r, string column, string type) => Text(r, column) is { } id ? Ref(type, id) : null;

    private GUIDRef RequiredRef(CsvRecord r, string column, string type) =>
        Text(r, column) is { } id ? Ref(type, id) : throw new FormatException($"{r.File.FileName} line {r.Line}: required column '{column}' is blank.");

    private GUIDRef[]? RefList(CsvRecord r, string column, string type) =>
        r.File.IndexOf(column) < 0 ? null : List(r, column)?.Select(id => Ref(type, id)).ToArray();

    /// <summary>The scoreScale GUIDRef of an active link row (lineItemScoreScales / resultScoreScales) of record <paramref name="r"/>.</summary>
    private GUIDRef? LinkedScoreScale(CsvRecord r, CsvRecord? link, CsvFileDefinition linkFile, string ownerColumn)
    {
        if (link is null) return null;
        Expect(link, linkFile);
        return !link.IsDeletion && Text(link, ownerColumn) == r.SourcedId ? RequiredRef(link, "scoreScaleSourcedId", GUIDRefType.ScoreScale) : null;
    }

    /// <summary>A column holding an OAS JSON array (the assessments' learningObjectiveSet); blank or empty is null.</summary>
    private static T[]? JsonArray<T>(CsvRecord r, string column)
    {
        if (Text(r, column) is not { } text) return null;
        T[]? items;
        try
        {
            items = System.Text.Json.JsonSerializer.Deserialize<T[]>(text, OneRosterJson.Options);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new FormatException($"{r.File.FileName} line {r.Line}: '{column}' is not a JSON array of {typeof(T).Name}.", e);
        }
        if (items is not null && items.Any(i => i is null))
            throw new FormatException($"{r.File.FileName} line {r.Line}: '{column}' holds a null item.");
        return items is { Length: > 0 } ? items : null;
    }

    private static UserId[]? UserIds(CsvRecord r) =>
        Text(r, "userIds") is null ? null : Braces(r, "userIds").Select(p => new UserId { Type = p.Left, Identifier = p.Right }).ToArray();

    /// <summary>Parses <c>{left:right},{left:right}</c> (split at the first ':'), the CSV form of userIds and scoreScaleValue.</summary>
    private static List<(string Left, string Right)> Braces(CsvRecord r, string column)
    {
        var text = Text(r, column) ?? "";
        if (!BracesPattern().IsMatch(text))
            throw new FormatException($"{r.File.FileName} line {r.Line}: '{column}' must be {{a:b}} items separated by commas.");
        return BraceItem().Matches(text).Select(m => (m.Groups[1].Value.Trim(), m.Groups[2].Value.Trim())).ToList();
    }

    [GeneratedRegex(@"^\s*\{[^:{}]+:[^{}]*\}(\s*,\s*\{[^:{}]+:[^{}]*\})*\s*$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BracesPattern();

    [GeneratedRegex(@"\{([^:{}]+):([^{}]*)\}", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex BraceItem();
}
