using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Tests.Json;

public sealed class MapperTests
{
    private const string Base = "https://hub.example.jp";
    private static readonly DateTime Imported = new(2026, 4, 2, 3, 4, 5, 678, DateTimeKind.Utc);
    private static readonly OneRosterJsonMapper Mapper = new(Base + "/", Imported);

    /// <summary>A typed row as the PackageProcessor produces it (values indexed like CsvFileDefinition.Columns).</summary>
    private static CsvRecord Row(CsvFileDefinition file, string sourcedId, string? metadataJson = null, params (string Column, object? Value)[] cells)
    {
        var values = new object?[file.Columns.Count];
        values[0] = sourcedId;
        foreach (var (column, value) in cells)
        {
            var i = file.IndexOf(column);
            Assert.True(i >= 0, $"{file.Name} has no column {column}");
            values[i] = value;
        }
        return new CsvRecord(file, 2, values, metadataJson);
    }

    private static void AssertValid(string file, string component, object model)
    {
        var json = OneRosterJson.Serialize(model);
        var errors = OasSchemas.Errors(file, component, json);
        Assert.True(errors.Count == 0, string.Join("; ", errors) + "\n" + json);
    }

    [Fact]
    public void Org_row_maps_to_OrgDType_with_parent_href()
    {
        var org = Mapper.ToOrg(Row(CsvBinding.Orgs, "school-1", null, ("name", "第一小学校"), ("type", "school"), ("identifier", "B101210000011"), ("parentSourcedId", "district 1/x")));
        Assert.Equal("active", org.Status);
        Assert.Equal(Imported, org.DateLastModified);
        Assert.Equal($"{Base}/ims/oneroster/rostering/v1p2/orgs/district%201%2Fx", org.Parent!.Href);
        Assert.Equal("district 1/x", org.Parent.SourcedId);
        Assert.Equal("org", org.Parent.Type);
        AssertValid(OasSchemas.Rostering, "OrgDType", org);
    }

    [Fact]
    public void Org_without_identifier_gets_the_empty_identifier_json_requires()
    {
        var org = Mapper.ToOrg(Row(CsvBinding.Orgs, "d", null, ("name", "教育委員会"), ("type", "district")));
        Assert.Equal("", org.Identifier);
        Assert.Null(org.Parent);
        AssertValid(OasSchemas.Rostering, "OrgDType", org);
    }

    [Fact]
    public void Delta_row_keeps_its_status_and_dateLastModified()
    {
        var modified = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var org = Mapper.ToOrg(Row(CsvBinding.Orgs, "o", null, ("status", "tobedeleted"), ("dateLastModified", modified), ("name", "n"), ("type", "school")));
        Assert.Equal("tobedeleted", org.Status);
        Assert.Equal(modified, org.DateLastModified);
        Assert.Contains("\"dateLastModified\":\"2025-01-02T03:04:05.000Z\"", OneRosterJson.Serialize(org), StringComparison.Ordinal);
    }

    [Fact]
    public void Bulk_row_without_a_fallback_dateLastModified_is_refused()
    {
        var mapper = new OneRosterJsonMapper(Base);
        Assert.Throws<InvalidOperationException>(() => mapper.ToOrg(Row(CsvBinding.Orgs, "o", null, ("name", "n"), ("type", "school"))));
    }

    [Fact]
    public void Academic_session_row_maps_dates_and_schoolYear()
    {
        var s = Mapper.ToAcademicSession(Row(CsvBinding.AcademicSessions, "as-2026", null, ("title", "2026年度"), ("type", "schoolYear"),
            ("startDate", new DateOnly(2026, 4, 1)), ("endDate", new DateOnly(2027, 3, 31)), ("schoolYear", "2026"), ("parentSourcedId", "root")));
        Assert.Equal(new DateOnly(2026, 4, 1), s.StartDate);
        Assert.Equal("2026", s.SchoolYear);
        Assert.Equal($"{Base}/ims/oneroster/rostering/v1p2/academicSessions/root", s.Parent!.Href);
        AssertValid(OasSchemas.Rostering, "AcademicSessionDType", s);
    }

    [Fact]
    public void Course_row_splits_lists_and_defaults_courseCode_to_empty()
    {
        var c = Mapper.ToCourse(Row(CsvBinding.Courses, "course-1", null, ("title", "国語"), ("grades", "P1, P2"), ("orgSourcedId", "school-1"),
            ("schoolYearSourcedId", "as-2026"), ("subjects", "国語"), ("subjectCodes", "P010")));
        Assert.Equal(["P1", "P2"], c.Grades!);
        Assert.Equal("", c.CourseCode);
        Assert.Equal("academicSession", c.SchoolYear!.Type);
        AssertValid(OasSchemas.Rostering, "CourseDType", c);
    }

    [Fact]
    public void Class_row_maps_terms_and_japan_specialNeeds()
    {
        var c = Mapper.ToClass(Row(CsvBinding.Classes, "class-1", """{"jp":{"specialNeeds":"true"}}""", ("title", "1年1組"), ("grades", "P1"),
            ("courseSourcedId", "course-1"), ("classType", "homeroom"), ("schoolSourcedId", "school-1"), ("termSourcedIds", "t1,t2"),
            ("periods", "1,2"), ("location", "本館")));
        Assert.Equal(["t1", "t2"], c.Terms.Select(t => t.SourcedId));
        Assert.All(c.Terms, t => Assert.Equal("academicSession", t.Type));
        Assert.True(c.Jp.SpecialNeeds);
        Assert.Equal($"{Base}/ims/oneroster/rostering/v1p2/courses/course-1", c.Course.Href);
        AssertValid(OasSchemas.Rostering, "ClassDType", c);
    }

    [Fact]
    public void User_row_with_roles_and_profiles_maps_to_UserDType()
    {
        var user = Row(CsvBinding.Users, "user-1", """{"jp":{"kanaFamilyName":"ヤマダ","kanaGivenName":"タロウ","homeClass":"class-1"}}""",
            ("enabledUser", true), ("username", "taro"), ("userIds", "{LTI:abc},{Fed:x:y}"), ("givenName", "太郎"), ("familyName", "山田"),
            ("preferredGivenName", "たろう"), ("preferredFamilyName", "やまだ"), ("preferredMiddleName", "m"), ("agentSourcedIds", "p1,p2"),
            ("primaryOrgSourcedId", "school-1"), ("grades", "P1"), ("resourceSourcedIds", "r1"), ("userMasterIdentifier", "0b7d3a1e-2f0c-4f3e-9a52-3b8f5f0f8c11"));
        var roles = new[]
        {
            Row(CsvBinding.Roles, "role-1", null, ("userSourcedId", "user-1"), ("roleType", "primary"), ("role", "student"), ("orgSourcedId", "school-1"),
                ("userProfileSourcedId", "up-1"), ("beginDate", new DateOnly(2026, 4, 1))),
            Row(CsvBinding.Roles, "role-x", null, ("userSourcedId", "someone-else"), ("roleType", "primary"), ("role", "teacher"), ("orgSourcedId", "school-1")),
            Row(CsvBinding.Roles, "role-del", null, ("status", "tobedeleted"), ("dateLastModified", Imported), ("userSourcedId", "user-1"), ("roleType", "secondary"), ("role", "aide"), ("orgSourcedId", "school-1")),
        };
        var profiles = new[]
        {
            Row(CsvBinding.UserProfiles, "up-1", null, ("userSourcedId", "user-1"), ("profileType", "ePortal"), ("vendorId", "v"), ("credentialType", "password"),
                ("username", "taro"), ("password", "pw"), ("description", "学習eポータル")),
        };
        var u = Mapper.ToUser(user, roles, profiles);
        Assert.True(u.EnabledUser);
        Assert.Equal("たろう", u.PreferredFirstName);
        Assert.Equal("やまだ", u.PreferredLastName);
        Assert.Equal([("LTI", "abc"), ("Fed", "x:y")], u.UserIds!.Select(i => (i.Type, i.Identifier)));
        var role = Assert.Single(u.Roles);
        Assert.Equal("student", role.RoleValue);
        var profile = Assert.Single(u.UserProfiles!);
        Assert.Equal(profile.ProfileId, role.UserProfile);
        Assert.Equal("password", Assert.Single(profile.Credentials!).Type);
        Assert.Equal(["p1", "p2"], u.Agents!.Select(a => a.SourcedId));
        Assert.Equal($"{Base}/ims/oneroster/resources/v1p2/resources/r1", Assert.Single(u.Resources!).Href);
        Assert.Equal("タロウ", u.Jp.KanaGivenName);
        var json = JsonNode.Parse(OneRosterJson.Serialize(u))!;
        Assert.Equal("true", json["enabledUser"]!.GetValue<string>());
        Assert.Null(json["preferredGivenName"]);
        AssertValid(OasSchemas.Rostering, "UserDType", u);
    }

    [Fact]
    public void User_rows_need_ToUser_and_foreign_rows_are_refused()
    {
        var user = Row(CsvBinding.Users, "u", null, ("enabledUser", true), ("username", "u"), ("givenName", "g"), ("familyName", "f"));
        Assert.Throws<ArgumentException>(() => Mapper.Map(user));
        Assert.Throws<ArgumentException>(() => Mapper.ToUser(user, [Row(CsvBinding.Orgs, "o", null, ("name", "n"), ("type", "school"))]));
        Assert.Throws<ArgumentException>(() => Mapper.ToOrg(user));
    }

    [Theory]
    [InlineData("LTI:abc")]
    [InlineData("{LTI}")]
    [InlineData("{:abc}")]
    [InlineData("{a:b}{c:d}")]
    public void Malformed_userIds_are_refused(string userIds)
    {
        var user = Row(CsvBinding.Users, "u", null, ("enabledUser", true), ("username", "u"), ("givenName", "g"), ("familyName", "f"), ("userIds", userIds));
        Assert.Throws<FormatException>(() => Mapper.ToUser(user, []));
    }

    [Fact]
    public void Blank_required_column_is_refused_not_mapped_to_null()
    {
        Assert.Throws<FormatException>(() => Mapper.ToOrg(Row(CsvBinding.Orgs, "o", null, ("type", "school"))));
    }

    [Fact]
    public void Enrollment_row_maps_primary_and_canonical_japan_keys()
    {
        var e = Mapper.ToEnrollment(Row(CsvBinding.Enrollments, "enr-1", """{"jp":{"ShussekiNo":"5","publickFlg":"false"}}""",
            ("classSourcedId", "class-1"), ("schoolSourcedId", "school-1"), ("userSourcedId", "user-1"), ("role", "student"), ("primary", false),
            ("beginDate", new DateOnly(2026, 4, 1))));
        Assert.False(e.Primary);
        Assert.Equal(5, e.Jp.ShussekiNo);
        Assert.False(e.Jp.PublicFlg);
        var json = OneRosterJson.Serialize(e);
        Assert.Contains("\"primary\":\"false\"", json, StringComparison.Ordinal);
        Assert.Contains("\"shussekiNo\":\"5\"", json, StringComparison.Ordinal);
        Assert.Contains("\"publicFlg\":\"false\"", json, StringComparison.Ordinal);
        Assert.Equal($"{Base}/ims/oneroster/rostering/v1p2/classes/class-1", e.Class.Href);
        AssertValid(OasSchemas.Rostering, "EnrollmentDType", e);
    }

    [Fact]
    public void Demographics_row_maps_race_flags_to_string_booleans()
    {
        var d = Mapper.ToDemographics(Row(CsvBinding.Demographics, "user-1", null, ("birthDate", new DateOnly(2019, 5, 5)), ("sex", "female"),
            ("asian", true), ("white", false), ("hispanicOrLatinoEthnicity", false), ("cityOfBirth", "札幌市")));
        var json = JsonNode.Parse(OneRosterJson.Serialize(d))!;
        Assert.Equal("true", json["asian"]!.GetValue<string>());
        Assert.Equal("false", json["white"]!.GetValue<string>());
        Assert.Null(json["blackOrAfricanAmerican"]);
        Assert.Equal("2019-05-05", json["birthDate"]!.GetValue<string>());
        AssertValid(OasSchemas.Rostering, "DemographicsDType", d);
    }

    [Fact]
    public void Category_row_maps_weight()
    {
        var c = Mapper.ToCategory(Row(CsvBinding.Categories, "cat-1", null, ("title", "小テスト"), ("weight", 0.5)));
        Assert.Equal(0.5, c.Weight);
        AssertValid(OasSchemas.Gradebook, "CategoryDType", c);
    }

    [Fact]
    public void LineItem_row_maps_refs_under_the_gradebook_base_and_learning_objectives()
    {
        var row = Row(CsvBinding.LineItems, "li-1", null, ("title", "漢字"), ("assignDate", Imported), ("dueDate", Imported.AddDays(1)),
            ("classSourcedId", "class-1"), ("categorySourcedId", "cat-1"), ("academicSessionSourcedId", "term-1"), ("schoolSourcedId", "school-1"),
            ("resultValueMin", 0.0), ("resultValueMax", 100.0));
        var objectives = new[]
        {
            Row(CsvBinding.LineItemLearningObjectiveIds, "lo-a", null, ("lineItemSourcedId", "li-1"), ("source", "case"), ("learningObjectiveId", "x")),
            Row(CsvBinding.LineItemLearningObjectiveIds, "lo-b", null, ("lineItemSourcedId", "li-1"), ("source", "case"), ("learningObjectiveId", "y")),
            Row(CsvBinding.LineItemLearningObjectiveIds, "lo-c", null, ("lineItemSourcedId", "li-2"), ("source", "case"), ("learningObjectiveId", "z")),
        };
        var li = Mapper.ToLineItem(row, objectives);
        Assert.Equal($"{Base}/ims/oneroster/gradebook/v1p2/categories/cat-1", li.Category.Href);
        Assert.Equal("term-1", li.AcademicSession!.SourcedId);
        Assert.Equal(["x", "y"], Assert.Single(li.LearningObjectiveSet!).LearningObjectiveIds);
        Assert.Contains("\"assignDate\":\"2026-04-02T03:04:05.678Z\"", OneRosterJson.Serialize(li), StringComparison.Ordinal);
        AssertValid(OasSchemas.Gradebook, "LineItemDType", li);
    }

    [Fact]
    public void Result_row_maps_flags_and_learning_objective_results()
    {
        var row = Row(CsvBinding.Results, "r-1", null, ("lineItemSourcedId", "li-1"), ("studentSourcedId", "user-1"), ("scoreStatus", "fully graded"),
            ("score", 87.5), ("scoreDate", new DateOnly(2026, 5, 1)), ("classSourcedId", "class-1"), ("late", true), ("missing", false));
        var results = new[]
        {
            Row(CsvBinding.ResultLearningObjectiveIds, "rlo-1", null, ("resultSourcedId", "r-1"), ("source", "unknown"), ("learningObjectiveId", "x"), ("score", 3.0)),
        };
        var r = Mapper.ToResult(row, results);
        Assert.Equal($"{Base}/ims/oneroster/gradebook/v1p2/lineItems/li-1", r.LineItem.Href);
        Assert.Equal(3.0, Assert.Single(Assert.Single(r.LearningObjectiveSet!).LearningObjectiveResults).Score);
        var json = JsonNode.Parse(OneRosterJson.Serialize(r))!;
        Assert.Equal("true", json["late"]!.GetValue<string>());
        Assert.Equal("false", json["missing"]!.GetValue<string>());
        Assert.Null(json["inProgress"]);
        AssertValid(OasSchemas.Gradebook, "ResultDType", r);
    }

    [Fact]
    public void ScoreScale_row_parses_braced_values()
    {
        var s = Mapper.ToScoreScale(Row(CsvBinding.ScoreScales, "ss-1", null, ("title", "5段階"), ("type", "grade"), ("orgSourcedId", "school-1"),
            ("classSourcedId", "class-1"), ("courseSourcedId", "course-1"), ("scoreScaleValue", "{5:90-100}, {4:80-89}")));
        Assert.Equal([("5", "90-100"), ("4", "80-89")], s.ScoreScaleValue.Select(v => (v.ItemValueLHS, v.ItemValueRHS)));
        AssertValid(OasSchemas.Gradebook, "ScoreScaleDType", s);
    }

    [Theory]
    [InlineData("A,B,C")]
    [InlineData("{A:1},")]
    [InlineData("{{A:1}}")]
    public void Malformed_scoreScaleValue_is_refused(string value)
    {
        var row = Row(CsvBinding.ScoreScales, "ss-1", null, ("title", "t"), ("type", "grade"), ("orgSourcedId", "o"), ("classSourcedId", "c"), ("scoreScaleValue", value));
        Assert.Throws<FormatException>(() => Mapper.ToScoreScale(row));
    }

    [Fact]
    public void Resource_row_maps_roles_list()
    {
        var r = Mapper.ToResource(Row(CsvBinding.Resources, "res-1", null, ("vendorResourceId", "vr"), ("title", "教科書"), ("roles", "student,teacher"),
            ("importance", "primary"), ("vendorId", "v"), ("applicationId", "a")));
        Assert.Equal(["student", "teacher"], r.Roles!);
        AssertValid(OasSchemas.Resources, "ResourceDType", r);
    }

    [Fact]
    public void Map_dispatches_every_single_row_file()
    {
        Assert.IsType<Category>(Mapper.Map(Row(CsvBinding.Categories, "c", null, ("title", "t"))));
        Assert.IsType<Resource>(Mapper.Map(Row(CsvBinding.Resources, "r", null, ("vendorResourceId", "v"))));
        Assert.Throws<ArgumentException>(() => Mapper.Map(Row(CsvBinding.ClassResources, "cr", null, ("classSourcedId", "c"), ("resourceSourcedId", "r"))));
    }

    [Theory]
    [InlineData("hub.example.jp")]
    [InlineData("ftp://hub.example.jp")]
    [InlineData("https://hub.example.jp/?x=1")]
    [InlineData("")]
    public void Base_url_must_be_absolute_http(string baseUrl) =>
        Assert.Throws<ArgumentException>(() => new OneRosterJsonMapper(baseUrl));

    [Fact]
    public void Hostile_sourcedId_is_escaped_in_href_and_still_a_valid_uri()
    {
        var id = "../../admin?x=<script>&y=学校 #1";
        var org = Mapper.ToOrg(Row(CsvBinding.Orgs, "o", null, ("name", "n"), ("type", "school"), ("parentSourcedId", id)));
        Assert.StartsWith($"{Base}/ims/oneroster/rostering/v1p2/orgs/", org.Parent!.Href, StringComparison.Ordinal);
        Assert.DoesNotContain("/../", org.Parent.Href, StringComparison.Ordinal);
        Assert.Equal(id, org.Parent.SourcedId);
        AssertValid(OasSchemas.Rostering, "OrgDType", org);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("")]
    public void Dot_segment_and_empty_sourcedIds_get_no_href(string id) =>
        Assert.Throws<ArgumentException>(() => Mapper.Ref(GUIDRefType.Org, id));

    [Fact]
    public void Encoded_sourcedId_survives_uri_normalisation()
    {
        var href = Mapper.Ref(GUIDRefType.Org, "../x").Href;
        Assert.Equal($"{Base}/ims/oneroster/rostering/v1p2/orgs/..%2Fx", new Uri(href).AbsoluteUri);
    }
}
