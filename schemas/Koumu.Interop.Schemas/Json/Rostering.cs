using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Koumu.Interop.Schemas.Json;

// OneRoster 1.2 Rostering service data model: OAS-R components.schemas (onerosterv1p2rostersservice_openapi3_v1p0.json).
// Property order and names follow the OAS; optional members are null and omitted on output.

/// <summary>OrgDType.</summary>
public sealed class Org : OneRosterBase
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("type"), JsonConverter(typeof(VocabularyConverter<OrgType>))]
    public required string Type { get; init; }

    /// <summary>Required in JSON although optional in the CSV binding; an absent CSV identifier maps to "".</summary>
    [JsonPropertyName("identifier")]
    public required string Identifier { get; init; }

    [JsonPropertyName("parent")]
    public GUIDRef? Parent { get; init; }

    [JsonPropertyName("children")]
    public IReadOnlyList<GUIDRef>? Children { get; init; }
}

/// <summary>AcademicSessionDType.</summary>
public sealed class AcademicSession : OneRosterBase
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("startDate"), JsonConverter(typeof(DateConverter))]
    public required DateOnly StartDate { get; init; }

    [JsonPropertyName("endDate"), JsonConverter(typeof(DateConverter))]
    public required DateOnly EndDate { get; init; }

    [JsonPropertyName("type"), JsonConverter(typeof(VocabularyConverter<SessionType>))]
    public required string Type { get; init; }

    [JsonPropertyName("parent")]
    public GUIDRef? Parent { get; init; }

    [JsonPropertyName("children")]
    public IReadOnlyList<GUIDRef>? Children { get; init; }

    /// <summary>"YYYY", the year the school year ends (OAS description of schoolYear).</summary>
    [JsonPropertyName("schoolYear")]
    public required string SchoolYear { get; init; }
}

/// <summary>CourseDType.</summary>
public sealed class Course : OneRosterBase
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("schoolYear")]
    public GUIDRef? SchoolYear { get; init; }

    /// <summary>Required in JSON, optional in CSV (and fixed empty in the Japan Profile): absent maps to "".</summary>
    [JsonPropertyName("courseCode")]
    public required string CourseCode { get; init; }

    [JsonPropertyName("grades")]
    public IReadOnlyList<string>? Grades { get; init; }

    [JsonPropertyName("subjects")]
    public IReadOnlyList<string>? Subjects { get; init; }

    [JsonPropertyName("org")]
    public GUIDRef? Org { get; init; }

    [JsonPropertyName("subjectCodes")]
    public IReadOnlyList<string>? SubjectCodes { get; init; }

    [JsonPropertyName("resources")]
    public IReadOnlyList<GUIDRef>? Resources { get; init; }
}

/// <summary>ClassDType (JSON name "class").</summary>
public sealed class Class : OneRosterBase
{
    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("classCode")]
    public string? ClassCode { get; init; }

    [JsonPropertyName("classType"), JsonConverter(typeof(VocabularyConverter<Json.ClassType>))]
    public string? ClassType { get; init; }

    [JsonPropertyName("location")]
    public string? Location { get; init; }

    [JsonPropertyName("grades")]
    public IReadOnlyList<string>? Grades { get; init; }

    [JsonPropertyName("subjects")]
    public IReadOnlyList<string>? Subjects { get; init; }

    [JsonPropertyName("course")]
    public required GUIDRef Course { get; init; }

    [JsonPropertyName("school")]
    public required GUIDRef School { get; init; }

    /// <summary>At least one term (OAS <c>minItems: 1</c>).</summary>
    [JsonPropertyName("terms")]
    public required IReadOnlyList<GUIDRef> Terms { get; init; }

    [JsonPropertyName("subjectCodes")]
    public IReadOnlyList<string>? SubjectCodes { get; init; }

    [JsonPropertyName("periods")]
    public IReadOnlyList<string>? Periods { get; init; }

    [JsonPropertyName("resources")]
    public IReadOnlyList<GUIDRef>? Resources { get; init; }

    /// <summary>Typed view of the Japan Profile's <c>metadata.jp</c> for classes (specialNeeds).</summary>
    [JsonIgnore]
    public JapanClassMetadata Jp => new(this);
}

/// <summary>UserIdDType: an identifier of the user in another system, e.g. <c>{"type":"LTI","identifier":"abc"}</c>.</summary>
public sealed record UserId
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("identifier")]
    public required string Identifier { get; init; }
}

/// <summary>RoleDType: one role of a user in an org (CSV: a roles.csv row).</summary>
public sealed record Role
{
    [JsonPropertyName("roleType"), JsonConverter(typeof(VocabularyConverter<Json.RoleType>))]
    public required string RoleType { get; init; }

    [JsonPropertyName("role"), JsonConverter(typeof(VocabularyConverter<RoleName>))]
    public required string RoleValue { get; init; }

    [JsonPropertyName("org")]
    public required GUIDRef Org { get; init; }

    /// <summary>The profileId (AnyURI) of the user's <see cref="UserProfile"/> this role uses.</summary>
    [JsonPropertyName("userProfile")]
    public string? UserProfile { get; init; }

    [JsonPropertyName("beginDate"), JsonConverter(typeof(DateConverter))]
    public DateOnly? BeginDate { get; init; }

    [JsonPropertyName("endDate"), JsonConverter(typeof(DateConverter))]
    public DateOnly? EndDate { get; init; }
}

/// <summary>CredentialDType. The only open DType besides metadata (<c>additionalProperties: true</c>), hence <see cref="AdditionalProperties"/>.</summary>
public sealed record Credential
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("username")]
    public required string Username { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }

    // Dictionary, not JsonObject: System.Text.Json (10.0) writes a JsonObject extension-data member as a nested
    // object without a key, i.e. invalid JSON.
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>UserProfileDType: an account of the user in a system/tool/app (CSV: a userProfiles.csv row).</summary>
public sealed record UserProfile
{
    /// <summary>AnyURI, unique within the user.</summary>
    [JsonPropertyName("profileId")]
    public required string ProfileId { get; init; }

    [JsonPropertyName("profileType")]
    public required string ProfileType { get; init; }

    [JsonPropertyName("vendorId")]
    public required string VendorId { get; init; }

    [JsonPropertyName("applicationId")]
    public string? ApplicationId { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("credentials")]
    public IReadOnlyList<Credential>? Credentials { get; init; }
}

/// <summary>UserDType.</summary>
public sealed class User : OneRosterBase
{
    [JsonPropertyName("userMasterIdentifier")]
    public string? UserMasterIdentifier { get; init; }

    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("userIds")]
    public IReadOnlyList<UserId>? UserIds { get; init; }

    [JsonPropertyName("enabledUser"), JsonConverter(typeof(StringBooleanConverter))]
    public required bool EnabledUser { get; init; }

    [JsonPropertyName("givenName")]
    public required string GivenName { get; init; }

    [JsonPropertyName("familyName")]
    public required string FamilyName { get; init; }

    [JsonPropertyName("middleName")]
    public string? MiddleName { get; init; }

    /// <summary>CSV column preferredGivenName.</summary>
    [JsonPropertyName("preferredFirstName")]
    public string? PreferredFirstName { get; init; }

    [JsonPropertyName("preferredMiddleName")]
    public string? PreferredMiddleName { get; init; }

    /// <summary>CSV column preferredFamilyName.</summary>
    [JsonPropertyName("preferredLastName")]
    public string? PreferredLastName { get; init; }

    [JsonPropertyName("pronouns")]
    public string? Pronouns { get; init; }

    /// <summary>At least one role (OAS <c>minItems: 1</c>).</summary>
    [JsonPropertyName("roles")]
    public required IReadOnlyList<Role> Roles { get; init; }

    [JsonPropertyName("userProfiles")]
    public IReadOnlyList<UserProfile>? UserProfiles { get; init; }

    [JsonPropertyName("primaryOrg")]
    public GUIDRef? PrimaryOrg { get; init; }

    [JsonPropertyName("identifier")]
    public string? Identifier { get; init; }

    [JsonPropertyName("email")]
    public string? Email { get; init; }

    [JsonPropertyName("sms")]
    public string? Sms { get; init; }

    [JsonPropertyName("phone")]
    public string? Phone { get; init; }

    [JsonPropertyName("agents")]
    public IReadOnlyList<GUIDRef>? Agents { get; init; }

    [JsonPropertyName("grades")]
    public IReadOnlyList<string>? Grades { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("resources")]
    public IReadOnlyList<GUIDRef>? Resources { get; init; }

    /// <summary>Typed view of the Japan Profile's <c>metadata.jp</c> for users (kana names, homeClass).</summary>
    [JsonIgnore]
    public JapanUserMetadata Jp => new(this);
}

/// <summary>EnrollmentDType.</summary>
public sealed class Enrollment : OneRosterBase, IJsonOnDeserialized, IJsonOnSerializing
{
    [JsonPropertyName("user")]
    public required GUIDRef User { get; init; }

    [JsonPropertyName("class")]
    public required GUIDRef Class { get; init; }

    [JsonPropertyName("school")]
    public required GUIDRef School { get; init; }

    [JsonPropertyName("role"), JsonConverter(typeof(VocabularyConverter<EnrollmentRole>))]
    public required string Role { get; init; }

    [JsonPropertyName("primary"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? Primary { get; init; }

    [JsonPropertyName("beginDate"), JsonConverter(typeof(DateConverter))]
    public DateOnly? BeginDate { get; init; }

    [JsonPropertyName("endDate"), JsonConverter(typeof(DateConverter))]
    public DateOnly? EndDate { get; init; }

    /// <summary>Typed view of the Japan Profile's <c>metadata.jp</c> for enrollments (shussekiNo, publicFlg).</summary>
    [JsonIgnore]
    public JapanEnrollmentMetadata Jp => new(this);

    // Legacy Japan Profile keys (ShussekiNo, PublicFlg, misspelt publickFlg) are read and always written under the
    // current 1EdTech Japan K-12 names (shared/reference/japan.md; pitfalls.md "accept all, emit what the profile says").
    void IJsonOnDeserialized.OnDeserialized() => JapanProfileMetadata.NormaliseEnrollmentKeys(Metadata);

    void IJsonOnSerializing.OnSerializing() => JapanProfileMetadata.NormaliseEnrollmentKeys(Metadata);
}

/// <summary>DemographicsDType (its sourcedId is the user's).</summary>
public sealed class Demographics : OneRosterBase
{
    [JsonPropertyName("birthDate"), JsonConverter(typeof(DateConverter))]
    public DateOnly? BirthDate { get; init; }

    [JsonPropertyName("sex"), JsonConverter(typeof(VocabularyConverter<Json.Sex>))]
    public string? Sex { get; init; }

    [JsonPropertyName("americanIndianOrAlaskaNative"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? AmericanIndianOrAlaskaNative { get; init; }

    [JsonPropertyName("asian"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? Asian { get; init; }

    [JsonPropertyName("blackOrAfricanAmerican"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? BlackOrAfricanAmerican { get; init; }

    [JsonPropertyName("nativeHawaiianOrOtherPacificIslander"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? NativeHawaiianOrOtherPacificIslander { get; init; }

    [JsonPropertyName("white"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? White { get; init; }

    [JsonPropertyName("demographicRaceTwoOrMoreRaces"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? DemographicRaceTwoOrMoreRaces { get; init; }

    [JsonPropertyName("hispanicOrLatinoEthnicity"), JsonConverter(typeof(StringBooleanConverter))]
    public bool? HispanicOrLatinoEthnicity { get; init; }

    [JsonPropertyName("countryOfBirthCode")]
    public string? CountryOfBirthCode { get; init; }

    [JsonPropertyName("stateOfBirthAbbreviation")]
    public string? StateOfBirthAbbreviation { get; init; }

    [JsonPropertyName("cityOfBirth")]
    public string? CityOfBirth { get; init; }

    [JsonPropertyName("publicSchoolResidenceStatus")]
    public string? PublicSchoolResidenceStatus { get; init; }
}
