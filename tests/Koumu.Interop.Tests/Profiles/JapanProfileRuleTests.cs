using Koumu.Interop.Schemas.Japan;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Profiles.Japan;
using Koumu.Interop.Schemas.Validation;
using static Koumu.Interop.Tests.Profiles.JapanPackage;

namespace Koumu.Interop.Tests.Profiles;

/// <summary>Each jp.* rule: a package that breaks it exactly once, with the rule id, file, line and column asserted.</summary>
public sealed class JapanProfileRuleTests
{
    public static TheoryData<string> AllJapanese => new() { "jp-2", "jp-1.2.1", "jp-k12", "eportal-v3", "eportal-v4", "interop-v5", "interop-v6" };

    public static TheoryData<string> StandardModels => new() { "eportal-v3", "eportal-v4", "interop-v5", "interop-v6" };

    public static TheoryData<string> JapanProfileRevisions => new() { "jp-2", "jp-1.2.1", "jp-k12" };

    private const string NewOrg = "00000000-0000-4000-8000-000000000003";

    private static Problem AssertProblem(ProcessingResult result, Rule rule, string file, long line, string column)
    {
        var problem = Assert.Single(result.Problems, p => p.RuleId == rule.Id);
        Assert.Equal(file, problem.File);
        Assert.Equal(line, problem.Line);
        Assert.Equal(column, problem.Column);
        Assert.Equal(rule.Severity, problem.Severity);
        Assert.False(string.IsNullOrWhiteSpace(problem.MessageEn));
        Assert.False(string.IsNullOrWhiteSpace(problem.MessageJa));
        Assert.Equal(rule.Severity == Severity.Error, !result.Accepted);
        return problem;
    }

    private static void AssertNo(ProcessingResult result, Rule rule) => Assert.DoesNotContain(result.Problems, p => p.RuleId == rule.Id);

    // ---- orgs ----------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Org_of_type_other_than_district_or_school_is_rejected(string profile)
    {
        var package = Valid(profile);
        var line = package.AddRow("orgs", R("sourcedId", NewOrg, "name", "教育センター", "type", "department", "parentSourcedId", District));

        var result = await package.ProcessAsync();

        var p = AssertProblem(result, JapanRules.OrgType, "orgs.csv", line, "type");
        Assert.Equal("department", p.Value);
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task District_with_a_parent_is_rejected(string profile)
    {
        var package = Valid(profile);
        var line = package.AddRow("orgs", R("sourcedId", NewOrg, "name", "港区教育委員会", "type", "district", "parentSourcedId", District));

        var result = await package.ProcessAsync();

        Assert.Equal(District, AssertProblem(result, JapanRules.DistrictParent, "orgs.csv", line, "parentSourcedId").Value);
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task School_without_a_parent_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("orgs", 1, "parentSourcedId", "").ProcessAsync();

        AssertProblem(result, JapanRules.SchoolParentRequired, "orgs.csv", 3, "parentSourcedId");
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task School_whose_parent_is_a_school_is_rejected(string profile)
    {
        var package = Valid(profile);
        var line = package.AddRow("orgs", R("sourcedId", NewOrg, "name", "第一小学校分校", "type", "school",
            "identifier", MextCodes.SchoolCode("B1", 13, 2, 1_000_002), "parentSourcedId", School));

        var result = await package.ProcessAsync();

        var p = AssertProblem(result, JapanRules.SchoolParentNotDistrict, "orgs.csv", line, "parentSourcedId");
        Assert.Equal(School, p.Value);
        Assert.Contains("'school'", p.MessageEn, StringComparison.Ordinal);
    }

    [Fact]
    public async Task School_listed_before_its_district_is_accepted()
    {
        var package = Valid("interop-v6");
        var district = R("sourcedId", District, "name", "千代田区教育委員会", "type", "district", "identifier", BoardCode);
        package.Set("orgs", 0, "sourcedId", School).Set("orgs", 0, "name", "千代田区立第一小学校").Set("orgs", 0, "type", "school")
            .Set("orgs", 0, "identifier", SchoolCode).Set("orgs", 0, "parentSourcedId", District);
        package.Set("orgs", 1, "sourcedId", District).Set("orgs", 1, "name", district["name"]).Set("orgs", 1, "type", "district")
            .Set("orgs", 1, "identifier", BoardCode).Set("orgs", 1, "parentSourcedId", "");

        var result = await package.ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Theory]
    [InlineData("B11321000000")]      // 12 characters
    [InlineData("Z113210000005")]     // 学校種 letter outside A–H
    [InlineData("B148210000009")]     // 都道府県番号 48
    [InlineData("B113410000005")]     // 設置区分 4
    [InlineData("Ｂ１１３２１０００００１６")] // full-width characters
    [InlineData("b113210000005")]     // lower case
    public async Task School_identifier_that_is_not_a_school_code_is_rejected(string identifier)
    {
        var result = await Valid("jp-2").Set("orgs", 1, "identifier", identifier).ProcessAsync();

        Assert.Equal(identifier, AssertProblem(result, JapanRules.SchoolCode, "orgs.csv", 3, "identifier").Value);
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task School_code_with_a_wrong_check_digit_is_rejected(string profile)
    {
        var wrong = SchoolCode[..12] + (char)('0' + ((SchoolCode[12] - '0' + 1) % 10));

        var result = await Valid(profile).Set("orgs", 1, "identifier", wrong).ProcessAsync();

        var p = AssertProblem(result, JapanRules.SchoolCodeCheckDigit, "orgs.csv", 3, "identifier");
        Assert.Contains(SchoolCode[12].ToString(), p.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("F112310102342")] // the published example (大学, 千葉県, 私立)
    [InlineData("B101210000018")]
    [InlineData("C239290000059")]
    public async Task Published_school_codes_are_accepted(string identifier)
    {
        var result = await Valid("interop-v6").Set("orgs", 1, "identifier", identifier).ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Theory]
    [InlineData("13101")]
    [InlineData("1310166")]
    [InlineData("481000")]
    [InlineData("000000")]
    [InlineData("13A016")]
    public async Task District_identifier_that_is_not_a_board_code_is_rejected(string identifier)
    {
        var result = await Valid("eportal-v4").Set("orgs", 0, "identifier", identifier).ProcessAsync();

        Assert.Equal(identifier, AssertProblem(result, JapanRules.BoardCode, "orgs.csv", 2, "identifier").Value);
    }

    [Fact]
    public async Task Org_identifiers_are_optional()
    {
        var result = await Valid("interop-v6").Set("orgs", 0, "identifier", "").Set("orgs", 1, "identifier", "").ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Fact]
    public async Task Oversized_school_identifier_is_rejected_with_a_truncated_value()
    {
        var huge = new string('9', 10_000);

        var result = await Valid("jp-k12").Set("orgs", 1, "identifier", huge).ProcessAsync();

        var p = AssertProblem(result, JapanRules.SchoolCode, "orgs.csv", 3, "identifier");
        Assert.True(p.Value!.Length <= 201);
    }

    // ---- academicSessions ----------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Academic_session_other_than_schoolYear_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("academicSessions", 0, "type", "term").ProcessAsync();

        Assert.Equal("term", AssertProblem(result, JapanRules.SessionType, "academicSessions.csv", 2, "type").Value);
    }

    [Theory]
    [InlineData("2025")]
    [InlineData("令和7年度")]
    [InlineData("２０２５年度")]
    [InlineData("2025年度前期")]
    [InlineData("0000年度")]
    public async Task Academic_session_title_that_is_not_YYYY_nendo_is_rejected(string title)
    {
        var result = await Valid("jp-1.2.1").Set("academicSessions", 0, "title", title).ProcessAsync();

        Assert.Equal(title, AssertProblem(result, JapanRules.SessionTitle, "academicSessions.csv", 2, "title").Value);
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Academic_session_not_starting_on_April_1_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("academicSessions", 0, "startDate", "2025-04-02").ProcessAsync();

        var p = AssertProblem(result, JapanRules.SessionStartDate, "academicSessions.csv", 2, "startDate");
        Assert.Contains("2025-04-01", p.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Academic_session_not_ending_on_March_31_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("academicSessions", 0, "endDate", "2026-03-30").ProcessAsync();

        var p = AssertProblem(result, JapanRules.SessionEndDate, "academicSessions.csv", 2, "endDate");
        Assert.Contains("2026-03-31", p.MessageEn, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2024")]
    [InlineData("2027")]
    public async Task Academic_session_schoolYear_not_matching_the_nendo_is_rejected(string schoolYear)
    {
        var result = await Valid("eportal-v3").Set("academicSessions", 0, "schoolYear", schoolYear).ProcessAsync();

        Assert.Equal(schoolYear, AssertProblem(result, JapanRules.SessionSchoolYear, "academicSessions.csv", 2, "schoolYear").Value);
    }

    [Theory]
    [InlineData("2025")] // 年度 convention: start year (MEIBO)
    [InlineData("2026")] // base OneRoster convention: end year
    public async Task Academic_session_schoolYear_may_be_the_start_or_the_end_year(string schoolYear)
    {
        var result = await Valid("interop-v6").Set("academicSessions", 0, "schoolYear", schoolYear).ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    // ---- courses / classes ---------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Course_with_a_courseCode_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("courses", 1, "courseCode", "KOKUGO1").ProcessAsync();

        Assert.Equal("KOKUGO1", AssertProblem(result, JapanRules.CourseCode, "courses.csv", 3, "courseCode").Value);
    }

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task Course_title_without_the_nendo_is_rejected_in_the_standard_models(string profile)
    {
        var result = await Valid(profile).Set("courses", 1, "title", "国語").ProcessAsync();

        AssertProblem(result, JapanRules.CourseTitle, "courses.csv", 3, "title");
    }

    [Theory]
    [MemberData(nameof(JapanProfileRevisions))]
    public async Task Course_title_is_free_in_the_japan_profile_revisions(string profile)
    {
        var result = await Valid(profile).Set("courses", 1, "title", "国語").ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Class_type_extension_value_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("classes", 1, "classType", "ext:club").ProcessAsync();

        Assert.Equal("ext:club", AssertProblem(result, JapanRules.ClassType, "classes.csv", 3, "classType").Value);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("TRUE")]
    [InlineData("1")]
    public async Task Class_specialNeeds_that_is_not_a_boolean_is_rejected(string value)
    {
        var result = await Valid("jp-2").Set("classes", 0, "metadata.jp.specialNeeds", value).ProcessAsync();

        Assert.Equal(value, AssertProblem(result, JapanRules.SpecialNeeds, "classes.csv", 2, "metadata.jp.specialNeeds").Value);
    }

    // ---- grades and subject codes ----------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task User_grade_outside_the_MEXT_list_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("users", 1, "grades", "P1,G1").ProcessAsync();

        Assert.Equal("G1", AssertProblem(result, JapanRules.Grade, "users.csv", 3, "grades").Value);
    }

    [Fact]
    public async Task Class_and_course_grades_are_checked()
    {
        var result = await Valid("jp-k12").Set("classes", 1, "grades", "1").Set("courses", 0, "grades", "K1").ProcessAsync();

        Assert.Contains(result.Problems, p => p.RuleId == JapanRules.Grade.Id && p.File == "classes.csv" && p.Line == 3 && p.Column == "grades" && p.Value == "1");
        Assert.Contains(result.Problems, p => p.RuleId == JapanRules.Grade.Id && p.File == "courses.csv" && p.Line == 2 && p.Column == "grades" && p.Value == "K1");
    }

    [Theory]
    [InlineData("H1")]
    [InlineData("E3")]
    public async Task High_school_and_early_years_grades_are_accepted_by_default(string grade)
    {
        var result = await Valid("eportal-v4").Set("users", 1, "grades", grade).ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Fact]
    public async Task Grade_list_is_configurable()
    {
        var options = new ProfileOptions { GradeCodes = new HashSet<string>(StringComparer.Ordinal) { "01", "02" } };
        var package = Valid("interop-v6");
        foreach (var file in new[] { "classes", "courses" })
            for (var i = 0; i < package.RowCount(file); i++) package.Set(file, i, "grades", "01");
        package.Set("users", 1, "grades", "P1");

        var result = await package.ProcessAsync(options);

        Assert.Equal("P1", AssertProblem(result, JapanRules.Grade, "users.csv", 3, "grades").Value);
    }

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task Subject_code_outside_the_standard_model_list_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("courses", 1, "subjectCodes", "X999").ProcessAsync();

        Assert.Equal("X999", AssertProblem(result, JapanRules.SubjectCode, "courses.csv", 3, "subjectCodes").Value);
    }

    [Theory]
    [InlineData("P100")]
    [InlineData("J090")]
    [InlineData("T13")]
    [InlineData("T62")]
    public async Task Subject_codes_of_K_and_M_validators_are_accepted(string code)
    {
        var result = await Valid("interop-v5").Set("classes", 1, "subjectCodes", code).ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Fact]
    public async Task Subject_codes_are_free_in_the_japan_profile_unless_configured()
    {
        var free = await Valid("jp-2").Set("classes", 1, "subjectCodes", "X999").ProcessAsync();
        var configured = await Valid("jp-2").Set("classes", 1, "subjectCodes", "X999")
            .ProcessAsync(new ProfileOptions { SubjectCodes = new HashSet<string>(StringComparer.Ordinal) { "P010" } });

        AssertNo(free, JapanRules.SubjectCode);
        Assert.Equal("X999", AssertProblem(configured, JapanRules.SubjectCode, "classes.csv", 3, "subjectCodes").Value);
    }

    // ---- UUID sourcedIds, full-width text ---------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task Sourced_id_that_is_not_a_UUID_is_rejected_in_the_standard_models(string profile)
    {
        var result = await Valid(profile).Set("demographics", 0, "sourcedId", "student-0001").ProcessAsync();

        Assert.Equal("student-0001", AssertProblem(result, JapanRules.SourcedIdUuid, "demographics.csv", 2, "sourcedId").Value);
    }

    [Theory]
    [InlineData("00000000000040008000000000000003")]       // no hyphens
    [InlineData("{00000000-0000-4000-8000-000000000003}")] // braces
    [InlineData("00000000-0000-4000-8000-00000000000g")]   // not hex
    public async Task Org_sourced_id_must_be_a_canonical_UUID(string id)
    {
        var package = Valid("interop-v6");
        var line = package.AddRow("orgs", R("sourcedId", id, "name", "千代田区立第二小学校", "type", "school", "parentSourcedId", District));

        var result = await package.ProcessAsync();

        Assert.Equal(id, AssertProblem(result, JapanRules.SourcedIdUuid, "orgs.csv", line, "sourcedId").Value);
    }

    [Theory]
    [MemberData(nameof(JapanProfileRevisions))]
    public async Task Sourced_ids_are_free_in_the_japan_profile_revisions(string profile)
    {
        var result = await Valid(profile).Set("demographics", 0, "sourcedId", "student-0001").ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task Half_width_katakana_in_a_name_is_rejected_in_the_standard_models(string profile)
    {
        var result = await Valid(profile).Set("users", 1, "givenName", "ﾀﾛｳ").ProcessAsync();

        var p = AssertProblem(result, JapanRules.HalfWidthKatakana, "users.csv", 3, "givenName");
        Assert.Equal("ﾀﾛｳ", p.Value);
    }

    [Theory]
    [InlineData("orgs", 1, "name", "orgs.csv", 3)]
    [InlineData("courses", 1, "title", "courses.csv", 3)]
    [InlineData("classes", 0, "location", "classes.csv", 2)]
    [InlineData("classes", 1, "title", "classes.csv", 3)]
    [InlineData("users", 0, "preferredFamilyName", "users.csv", 2)]
    public async Task Half_width_katakana_is_rejected_in_every_text_column(string file, int row, string column, string fileName, long line)
    {
        var result = await Valid("eportal-v3").Set(file, row, column, "2025年度ｺｸｺﾞ").ProcessAsync();

        AssertProblem(result, JapanRules.HalfWidthKatakana, fileName, line, column);
    }

    [Fact]
    public async Task Half_width_katakana_is_not_checked_by_the_japan_profile_revisions()
    {
        var result = await Valid("jp-2").Set("users", 1, "givenName", "ﾀﾛｳ").ProcessAsync();

        AssertNo(result, JapanRules.HalfWidthKatakana);
    }

    // ---- users -----------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task Missing_kana_name_is_rejected_in_the_standard_models(string profile)
    {
        var result = await Valid(profile).Set("users", 2, "metadata.jp.kanaFamilyName", "").ProcessAsync();

        AssertProblem(result, JapanRules.UserRequired, "users.csv", 4, "metadata.jp.kanaFamilyName");
    }

    [Fact]
    public async Task Missing_kana_column_is_reported_once_on_the_header()
    {
        var result = await Valid("interop-v6").RemoveColumn("users", "metadata.jp.kanaGivenName").ProcessAsync();

        AssertProblem(result, JapanRules.UserRequired, "users.csv", 1, "metadata.jp.kanaGivenName");
    }

    [Theory]
    [MemberData(nameof(JapanProfileRevisions))]
    public async Task Kana_names_are_optional_in_the_japan_profile_revisions(string profile)
    {
        var result = await Valid(profile).RemoveColumn("users", "metadata.jp.kanaGivenName").Set("users", 0, "metadata.jp.kanaFamilyName", "").ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Theory]
    [InlineData("userMasterIdentifier")]
    [InlineData("preferredGivenName")]
    [InlineData("preferredFamilyName")]
    public async Task Standard_models_require_master_identifier_and_preferred_names(string column)
    {
        var result = await Valid("eportal-v4").Set("users", 0, column, "").ProcessAsync();

        AssertProblem(result, JapanRules.UserRequired, "users.csv", 2, column);
    }

    [Theory]
    [InlineData("たろう")]     // hiragana
    [InlineData("ﾀﾛｳ")]       // half-width katakana
    [InlineData("Taro")]      // latin
    [InlineData("タロウ😀")]   // emoji (surrogate pair)
    [InlineData("太郎")]       // kanji
    public async Task Kana_name_that_is_not_full_width_katakana_is_rejected(string kana)
    {
        var result = await Valid("jp-2").Set("users", 1, "metadata.jp.kanaGivenName", kana).ProcessAsync();

        Assert.Equal(kana, AssertProblem(result, JapanRules.Kana, "users.csv", 3, "metadata.jp.kanaGivenName").Value);
        AssertNo(result, JapanRules.HalfWidthKatakana);
    }

    [Theory]
    [InlineData("ヴァレンティーナ")]
    [InlineData("ヤマダ　タロウ")]
    [InlineData("ジョン・スミス")]
    public async Task Full_width_katakana_kana_names_are_accepted(string kana)
    {
        var result = await Valid("interop-v6").Set("users", 1, "metadata.jp.kanaGivenName", kana).ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Fact]
    public async Task Kana_preferred_names_are_checked()
    {
        var result = await Valid("jp-1.2.1").Set("users", 0, "metadata.jp.kanaPreferredFamilyName", "やまだ").ProcessAsync();

        AssertProblem(result, JapanRules.Kana, "users.csv", 2, "metadata.jp.kanaPreferredFamilyName");
    }

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task User_master_identifier_that_is_not_a_UUID_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("users", 1, "userMasterIdentifier", "S-0001").ProcessAsync();

        Assert.Equal("S-0001", AssertProblem(result, JapanRules.UserMasterIdentifierUuid, "users.csv", 3, "userMasterIdentifier").Value);
    }

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task Duplicate_user_master_identifier_is_rejected(string profile)
    {
        var package = Valid(profile);
        // Same UUID in upper case: still the same identifier.
        package.Set("users", 2, "userMasterIdentifier", package.Get("users", 0, "userMasterIdentifier").ToUpperInvariant());

        // Identifiers are kept as hash partitions: in memory, or spilled to disk when the budget is spent.
        foreach (var limits in new[] { PackageLimits.Default, new PackageLimits { MaxIdMemoryBytes = 0 } })
        {
            var result = await package.ProcessAsync(limits: limits);

            var p = AssertProblem(result, JapanRules.UserMasterIdentifierDuplicate, "users.csv", 4, "userMasterIdentifier");
            Assert.Contains("line 2", p.MessageEn, StringComparison.Ordinal);
            Assert.Equal(package.Get("users", 0, "userMasterIdentifier"), p.Value);
        }
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Disabled_user_is_accepted_with_a_warning(string profile)
    {
        var result = await Valid(profile).Set("users", 2, "enabledUser", "false").ProcessAsync();

        AssertProblem(result, JapanRules.EnabledUser, "users.csv", 4, "enabledUser");
        Assert.True(result.Accepted);
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Home_class_not_in_a_bulk_classes_file_is_rejected(string profile)
    {
        const string missing = "00000000-0000-4000-8000-000000000099";

        var result = await Valid(profile).Set("users", 1, "metadata.jp.homeClass", missing).ProcessAsync();

        Assert.Equal(missing, AssertProblem(result, JapanRules.HomeClass, "users.csv", 3, "metadata.jp.homeClass").Value);
    }

    [Fact]
    public async Task Home_class_not_in_a_delta_classes_file_is_a_warning()
    {
        const string stored = "00000000-0000-4000-8000-000000000099";

        var result = await Valid("interop-v6").Mode("classes", "delta").Set("users", 1, "metadata.jp.homeClass", stored).ProcessAsync();

        Assert.Equal(stored, AssertProblem(result, JapanRules.HomeClassUnverified, "users.csv", 3, "metadata.jp.homeClass").Value);
    }

    [Fact]
    public async Task Home_class_deleted_by_a_delta_classes_file_is_rejected()
    {
        var package = Valid("jp-k12").Mode("classes", "delta").Set("classes", 0, "status", "tobedeleted");
        package.Mode("enrollments", "absent");

        var result = await package.ProcessAsync();

        AssertProblem(result, JapanRules.HomeClass, "users.csv", 3, "metadata.jp.homeClass");
    }

    [Fact]
    public async Task Home_class_without_a_classes_file_is_a_warning()
    {
        var package = Valid("eportal-v3").Mode("classes", "absent").Mode("enrollments", "absent");

        var result = await package.ProcessAsync();

        var p = AssertProblem(result, JapanRules.HomeClassUnverified, "users.csv", 3, "metadata.jp.homeClass");
        Assert.Contains("absent", p.MessageEn, StringComparison.Ordinal);
    }

    // ---- roles -----------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task Role_outside_the_standard_model_vocabulary_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("roles", 1, "role", "aide").ProcessAsync();

        Assert.Equal("aide", AssertProblem(result, JapanRules.RoleVocabulary, "roles.csv", 3, "role").Value);
    }

    [Theory]
    [MemberData(nameof(JapanProfileRevisions))]
    public async Task Base_roles_are_accepted_by_the_japan_profile_revisions(string profile)
    {
        var result = await Valid(profile).Set("roles", 1, "role", "aide").ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Secondary_role_without_a_primary_role_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("roles", 2, "roleType", "secondary").ProcessAsync(limits: new PackageLimits { MaxIdMemoryBytes = 0 });

        Assert.Equal(Student, AssertProblem(result, JapanRules.SecondaryWithoutPrimary, "roles.csv", 4, "userSourcedId").Value);
    }

    [Fact]
    public async Task Secondary_role_listed_before_the_primary_role_is_accepted()
    {
        var package = Valid("interop-v6");
        package.Set("roles", 0, "roleType", "secondary").Set("roles", 0, "role", "siteAdministrator");
        package.Set("roles", 1, "roleType", "primary").Set("roles", 1, "role", "teacher");

        var result = await package.ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Fact]
    public async Task Secondary_role_in_a_delta_roles_file_is_not_checked_against_stored_roles()
    {
        var result = await Valid("jp-2").Mode("roles", "delta").Set("roles", 2, "roleType", "secondary").ProcessAsync();

        AssertNo(result, JapanRules.SecondaryWithoutPrimary);
    }

    [Fact]
    public async Task Thousands_of_secondary_roles_without_primary_are_all_counted()
    {
        var package = Valid("jp-2");
        const int users = 3_000;
        for (var i = 0; i < users; i++)
            package.AddRow("roles", R("sourcedId", $"role-{i}", "userSourcedId", $"unknown-user-{i}",
                "roleType", "secondary", "role", "teacher", "orgSourcedId", School));

        var result = await package.ProcessAsync();

        // One unresolved reference (base layer) and one secondary-without-primary per row: every one is counted,
        // even past the cap on kept problems.
        Assert.Equal(2L * users, result.ErrorCount);
        Assert.DoesNotContain(result.Problems, p => p.RuleId == JapanRules.SecondaryWithoutPrimary.Id && p.Value == Student);
    }

    // ---- enrollments -----------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Enrollment_role_proctor_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("enrollments", 0, "role", "proctor").ProcessAsync();

        Assert.Equal("proctor", AssertProblem(result, JapanRules.EnrollmentRole, "enrollments.csv", 2, "role").Value);
    }

    [Fact]
    public async Task Guardian_enrollment_is_not_rejected_by_the_profile_layer()
    {
        // The Japan Profile adds guardian to enrollments.role (MEIBO); the profile widens the base enumeration.
        var result = await Valid("jp-2").Set("enrollments", 0, "role", "guardian").ProcessAsync();

        AssertNo(result, JapanRules.EnrollmentRole);
        Assert.DoesNotContain(result.Problems, p => p.RuleId == "type.enumeration");
    }

    [Theory]
    [MemberData(nameof(StandardModels))]
    public async Task Blank_primary_is_rejected_in_the_standard_models(string profile)
    {
        var result = await Valid(profile).Set("enrollments", 2, "primary", "").ProcessAsync();

        AssertProblem(result, JapanRules.PrimaryRequired, "enrollments.csv", 4, "primary");
    }

    [Theory]
    [MemberData(nameof(JapanProfileRevisions))]
    public async Task Primary_is_optional_in_the_japan_profile_revisions(string profile)
    {
        var result = await Valid(profile).Set("enrollments", 2, "primary", "").ProcessAsync();

        Assert.True(result.Accepted, string.Join(Environment.NewLine, result.Problems));
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Student_enrollment_with_primary_true_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("enrollments", 1, "primary", "true").ProcessAsync();

        AssertProblem(result, JapanRules.StudentPrimary, "enrollments.csv", 3, "primary");
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Attendance_number_that_is_not_an_integer_is_rejected_under_the_header_spelling(string profile)
    {
        var package = Valid(profile);

        var result = await package.Set("enrollments", 1, package.ShussekiNoColumn, "一").ProcessAsync();

        Assert.Equal("一", AssertProblem(result, JapanRules.ShussekiNo, "enrollments.csv", 3, package.ShussekiNoColumn).Value);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("１")]
    [InlineData("1234567890")]
    public async Task Attendance_number_must_be_a_small_whole_number(string number)
    {
        var package = Valid("jp-k12");

        var result = await package.Set("enrollments", 3, "metadata.jp.shussekiNo", number).ProcessAsync();

        AssertProblem(result, JapanRules.ShussekiNo, "enrollments.csv", 5, "metadata.jp.shussekiNo");
    }

    [Fact]
    public async Task Legacy_attendance_number_column_is_read_in_the_K12_profile()
    {
        // A 第2版 exporter sending metadata.jp.ShussekiNo to a K-12 profile import: the pipeline normalises the name.
        var package = Valid("jp-k12").RemoveColumn("enrollments", "metadata.jp.shussekiNo");

        var result = await package.Set("enrollments", 1, "metadata.jp.ShussekiNo", "x").ProcessAsync();

        AssertProblem(result, JapanRules.ShussekiNo, "enrollments.csv", 3, "metadata.jp.ShussekiNo");
    }

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Public_flag_that_is_not_a_boolean_is_rejected(string profile)
    {
        var package = Valid(profile);

        var result = await package.Set("enrollments", 1, package.PublicFlgColumn, "1").ProcessAsync();

        Assert.Equal("1", AssertProblem(result, JapanRules.PublicFlg, "enrollments.csv", 3, package.PublicFlgColumn).Value);
    }

    // ---- demographics ------------------------------------------------------------------------------------------------

    [Theory]
    [MemberData(nameof(AllJapanese))]
    public async Task Demographic_sex_extension_value_is_rejected(string profile)
    {
        var result = await Valid(profile).Set("demographics", 0, "sex", "ext:x").ProcessAsync();

        Assert.Equal("ext:x", AssertProblem(result, JapanRules.Sex, "demographics.csv", 2, "sex").Value);
    }

    // ---- catalogue ---------------------------------------------------------------------------------------------------

    [Fact]
    public void Rule_ids_are_unique_prefixed_and_bilingual()
    {
        Assert.Equal(JapanRules.All.Count, JapanRules.All.Select(r => r.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(JapanRules.All, r =>
        {
            Assert.StartsWith("jp.", r.Id, StringComparison.Ordinal);
            Assert.Equal(RuleLayer.Profile, r.Layer);
            Assert.Matches(@"[\u3040-\u30FF\u4E00-\u9FFF]", r.MessageJa);
        });
    }

    [Fact]
    public void Every_rule_is_documented()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "profiles.md"));
        Assert.All(JapanRules.All, r => Assert.Contains("`" + r.Id + "`", doc, StringComparison.Ordinal));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Koumu.Interop.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Koumu.Interop.sln not found above the test binaries.");
    }
}
