using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Japan;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Sylvan.Data.Csv;

namespace Koumu.Interop.Tests.Demo;

public sealed partial class DemoGeneratorTests : IDisposable
{
    private readonly List<string> _cleanup = [];

    public void Dispose()
    {
        foreach (var path in _cleanup)
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
        }
    }

    private string NewFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "koumu-demo-" + Guid.NewGuid().ToString("N"));
        _cleanup.Add(dir);
        return dir;
    }

    private (string Folder, DemoCounts Counts) Generate(DemoOptions options)
    {
        var folder = NewFolder();
        return (folder, DemoGenerator.Write(options, folder));
    }

    private static async Task<ProcessingResult> ProcessAsync(string path, ProfileDefinition profile)
    {
        using var source = PackageSource.Open(path);
        return await PackageProcessor.ProcessAsync(source, new ProcessingOptions { Profile = profile });
    }

    private static string Describe(ProcessingResult result) =>
        string.Join("\n", result.Problems.Take(20).Select(p => $"{p.RuleId} {p.File}:{p.Line} {p.Column} {p.MessageEn}"));

    private static List<Dictionary<string, string>> ReadCsv(string folder, string file)
    {
        using var csv = CsvDataReader.Create(Path.Combine(folder, file + ".csv"));
        var rows = new List<Dictionary<string, string>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < csv.FieldCount; i++) row[csv.GetName(i)] = csv.GetString(i);
            rows.Add(row);
        }
        return rows;
    }

    private static Dictionary<string, string> HashFiles(string folder) =>
        Directory.EnumerateFiles(folder).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    // ---- determinism ----------------------------------------------------------------------------------------------

    [Fact]
    public void Same_seed_writes_byte_identical_folders()
    {
        var options = DemoOptions.Demo with { Pupils = 1_000 };
        var (a, _) = Generate(options);
        var (b, _) = Generate(options);
        var ha = HashFiles(a);
        Assert.Equal(9, ha.Count); // manifest + 8 data files
        Assert.Equal(ha, HashFiles(b));
    }

    [Fact]
    public void Same_seed_writes_byte_identical_zips_with_the_same_content_as_the_folder()
    {
        var options = DemoOptions.Demo;
        using var first = new MemoryStream();
        using var second = new MemoryStream();
        var counts = DemoGenerator.WriteZip(options, first);
        DemoGenerator.WriteZip(options, second);
        Assert.Equal(first.ToArray(), second.ToArray());

        var (folder, folderCounts) = Generate(options);
        Assert.Equal(folderCounts.Rows, counts.Rows);
        Assert.Equal(folderCounts.Bytes, counts.Bytes);
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(first.ToArray()));
        Assert.Equal("manifest.csv", zip.Entries[0].FullName);
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, entry.FullName)), m.ToArray());
        }
    }

    [Fact]
    public void A_different_seed_gives_different_ids_and_names()
    {
        var (a, _) = Generate(DemoOptions.Demo);
        var (b, _) = Generate(DemoOptions.Demo with { Seed = 7 });
        var usersA = ReadCsv(a, "users");
        var usersB = ReadCsv(b, "users");
        Assert.Equal(usersA.Count, usersB.Count);
        Assert.Empty(usersA.Select(u => u["sourcedId"]).Intersect(usersB.Select(u => u["sourcedId"])));
        Assert.NotEqual(usersA.Select(u => u["familyName"]), usersB.Select(u => u["familyName"]));
    }

    // ---- validity -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Demo_package_has_no_error_under_base_OneRoster()
    {
        var (folder, _) = Generate(DemoOptions.Demo);
        var result = await ProcessAsync(folder, OneRosterProfiles.Base);
        Assert.True(result.ErrorCount == 0, Describe(result));
        Assert.Equal(0, result.WarningCount);
    }

    [Fact]
    public async Task Demo_package_has_no_error_under_the_Japan_profile_v121()
    {
        var (folder, _) = Generate(DemoOptions.Demo);
        var result = await ProcessAsync(folder, OneRosterProfiles.JapanV121);
        Assert.True(result.ErrorCount == 0, Describe(result));
        Assert.Equal("1.2.1", result.Manifest!.OneRosterVersion);
        Assert.All(result.Files, f => Assert.Equal(ProcessingMode.Bulk, f.Mode));
    }

    [Fact]
    public async Task Zip_package_has_no_error_under_the_Japan_profile_v121()
    {
        var path = Path.Combine(Path.GetTempPath(), "koumu-demo-" + Guid.NewGuid().ToString("N") + ".zip");
        _cleanup.Add(path);
        using (var file = File.Create(path)) DemoGenerator.WriteZip(DemoOptions.Demo with { Pupils = 2_000, Boards = 2 }, file);
        var result = await ProcessAsync(path, OneRosterProfiles.JapanV121);
        Assert.True(result.ErrorCount == 0, Describe(result));
    }

    [Fact]
    public async Task Several_boards_and_thousands_of_pupils_stay_valid()
    {
        var (folder, counts) = Generate(DemoOptions.Demo with { Pupils = 10_000, Boards = 3 });
        var result = await ProcessAsync(folder, OneRosterProfiles.Base);
        Assert.True(result.ErrorCount == 0, Describe(result));
        Assert.Equal(counts.Users, result.Files.Single(f => f.File == "users").Rows);
        Assert.Equal(counts.Enrollments, result.Files.Single(f => f.File == "enrollments").Rows);
    }

    [Theory]
    [InlineData("jp-2")]
    [InlineData("jp-k12")]
    public async Task Package_takes_the_form_of_the_chosen_profile(string profileId)
    {
        var profile = OneRosterProfiles.Find(profileId)!;
        var (folder, _) = Generate(DemoOptions.Demo with { Profile = profile });
        var result = await ProcessAsync(folder, profile);
        Assert.True(result.ErrorCount == 0, Describe(result));
        Assert.Equal(profile.ManifestOneRosterVersion, result.Manifest!.OneRosterVersion);
        Assert.Equal(profile.UsersLayout12 ? "1.2" : "1.2.1", result.Files.Single(f => f.File == "users").Layout);
        var header = File.ReadLines(Path.Combine(folder, "enrollments.csv")).First();
        Assert.EndsWith(profile.LegacyEnrollmentExtensionNames ? "metadata.jp.ShussekiNo" : "metadata.jp.shussekiNo", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terms_are_children_of_the_school_year_and_classes_refer_to_them()
    {
        var (folder, counts) = Generate(DemoOptions.Demo with { Terms = true });
        var result = await ProcessAsync(folder, OneRosterProfiles.Base);
        Assert.True(result.ErrorCount == 0, Describe(result));
        var sessions = ReadCsv(folder, "academicSessions");
        Assert.Equal(3, counts.AcademicSessions);
        var year = sessions.Single(s => s["type"] == "schoolYear");
        var terms = sessions.Where(s => s["type"] == "term").ToList();
        Assert.Equal(["2026年度 前期", "2026年度 後期"], terms.Select(t => t["title"]));
        Assert.All(terms, t => Assert.Equal(year["sourcedId"], t["parentSourcedId"]));
        Assert.Equal(("2026-04-01", "2026-09-30"), (terms[0]["startDate"], terms[0]["endDate"]));
        Assert.Equal(("2026-10-01", "2027-03-31"), (terms[1]["startDate"], terms[1]["endDate"]));
        var expectedTerms = terms[0]["sourcedId"] + "," + terms[1]["sourcedId"];
        Assert.All(ReadCsv(folder, "classes"), c => Assert.Equal(expectedTerms, c["termSourcedIds"]));
        // A list field holds a comma, so it is quoted on disk (RFC 4180).
        Assert.Contains("\"" + expectedTerms + "\"", File.ReadAllText(Path.Combine(folder, "classes.csv")), StringComparison.Ordinal);
    }

    // ---- content --------------------------------------------------------------------------------------------------

    [Fact]
    public void School_year_session_is_named_by_the_start_year_and_carries_the_end_year()
    {
        var (folder, _) = Generate(DemoOptions.Demo);
        var session = Assert.Single(ReadCsv(folder, "academicSessions"));
        Assert.Equal("2026年度", session["title"]);
        Assert.Equal("schoolYear", session["type"]);
        Assert.Equal("2026-04-01", session["startDate"]);
        Assert.Equal("2027-03-31", session["endDate"]);
        Assert.Equal("2027", session["schoolYear"]); // base OneRoster: the END year (DemoGenerator remarks)
        Assert.Equal("", session["parentSourcedId"]);
    }

    [Fact]
    public void Orgs_are_a_board_with_its_code_and_schools_with_valid_school_codes()
    {
        var (folder, counts) = Generate(DemoOptions.Demo);
        var orgs = ReadCsv(folder, "orgs");
        var board = Assert.Single(orgs, o => o["type"] == "district");
        Assert.Equal("若葉市教育委員会", board["name"]);
        Assert.Equal("139001", board["identifier"]);
        Assert.True(MextCodes.IsValidBoardCode(board["identifier"]));
        Assert.Equal("", board["parentSourcedId"]);
        var schools = orgs.Where(o => o["type"] == "school").ToList();
        Assert.Equal(2, schools.Count);
        Assert.Equal(2, counts.Schools);
        Assert.Contains(schools, s => s["name"] == "若葉市立東小学校" && s["identifier"].StartsWith("B1132", StringComparison.Ordinal));
        Assert.Contains(schools, s => s["name"] == "若葉市立東中学校" && s["identifier"].StartsWith("C1132", StringComparison.Ordinal));
        Assert.All(schools, s =>
        {
            Assert.True(MextCodes.IsValidSchoolCode(s["identifier"]), s["identifier"]);
            Assert.Matches(SchoolCodePattern(), s["identifier"]);
            Assert.Equal(board["sourcedId"], s["parentSourcedId"]);
        });
    }

    [Fact]
    public void Courses_and_classes_use_the_Japanese_titles_grades_and_subject_codes()
    {
        var (folder, _) = Generate(DemoOptions.Demo);
        var courses = ReadCsv(folder, "courses");
        Assert.All(courses, c =>
        {
            Assert.Equal("", c["courseCode"]);
            Assert.Matches(GradePattern(), c["grades"]);
            Assert.StartsWith("2026年度 ", c["title"], StringComparison.Ordinal);
            if (c["subjectCodes"] != "") Assert.Matches(SubjectCodePattern(), c["subjectCodes"]);
        });
        Assert.Contains(courses, c => c["title"] == "2026年度 国語" && c["grades"] == "P1" && c["subjectCodes"] == "P010");
        Assert.Contains(courses, c => c["title"] == "2026年度 数学" && c["grades"] == "J3" && c["subjectCodes"] == "J030");
        Assert.Contains(courses, c => c["title"] == "2026年度 ホームルーム" && c["subjectCodes"] == "");
        Assert.DoesNotContain(courses, c => c["grades"] == "P1" && c["subjects"] == "理科"); // 理科 starts in grade 3

        var classes = ReadCsv(folder, "classes");
        Assert.Contains(classes, c => c["title"] == "1年1組" && c["classType"] == "homeroom" && c["grades"] == "P1");
        Assert.Contains(classes, c => c["title"] == "1年1組 国語" && c["classType"] == "scheduled");
        Assert.All(classes, c => Assert.Equal("false", c["metadata.jp.specialNeeds"]));
    }

    [Fact]
    public void Every_pupil_has_one_homeroom_enrollment_with_a_unique_attendance_number()
    {
        var (folder, counts) = Generate(DemoOptions.Demo with { Pupils = 2_000 });
        var homerooms = ReadCsv(folder, "classes").Where(c => c["classType"] == "homeroom").Select(c => c["sourcedId"]).ToHashSet();
        var users = ReadCsv(folder, "users");
        var pupils = users.Where(u => u["grades"] != "").ToDictionary(u => u["sourcedId"]);
        Assert.Equal(2_000, pupils.Count);
        Assert.Equal(2_000, counts.Pupils);
        var enrollments = ReadCsv(folder, "enrollments");
        var pupilHomeroom = enrollments.Where(e => e["role"] == "student" && homerooms.Contains(e["classSourcedId"])).ToList();

        Assert.Equal(pupils.Keys.Order(), pupilHomeroom.Select(e => e["userSourcedId"]).Order());
        foreach (var group in pupilHomeroom.GroupBy(e => e["classSourcedId"]))
        {
            var numbers = group.Select(e => int.Parse(e["metadata.jp.ShussekiNo"], CultureInfo.InvariantCulture)).Order().ToList();
            Assert.Equal(Enumerable.Range(1, numbers.Count), numbers);
        }
        // The homeroom of the enrollment is the pupil's metadata.jp.homeClass; students are never primary.
        Assert.All(pupilHomeroom, e => Assert.Equal(e["classSourcedId"], pupils[e["userSourcedId"]]["metadata.jp.homeClass"]));
        Assert.All(enrollments.Where(e => e["role"] == "student"), e => Assert.Equal("false", e["primary"]));
        Assert.All(enrollments.Where(e => e["role"] == "teacher"), e => Assert.Equal("true", e["primary"]));
        // Subject enrollments carry no 出席番号.
        Assert.All(enrollments.Where(e => !homerooms.Contains(e["classSourcedId"])), e => Assert.Equal("", e["metadata.jp.ShussekiNo"]));
    }

    [Fact]
    public void Attendance_numbers_follow_kana_order_within_a_homeroom()
    {
        var (folder, _) = Generate(DemoOptions.Demo);
        var users = ReadCsv(folder, "users").ToDictionary(u => u["sourcedId"]);
        var homeroomEnrollments = ReadCsv(folder, "enrollments").Where(e => e["metadata.jp.ShussekiNo"] != "");
        foreach (var group in homeroomEnrollments.GroupBy(e => e["classSourcedId"]))
        {
            var kana = group.OrderBy(e => int.Parse(e["metadata.jp.ShussekiNo"], CultureInfo.InvariantCulture))
                .Select(e => users[e["userSourcedId"]]).Select(u => u["metadata.jp.kanaFamilyName"]).ToList();
            Assert.Equal(kana.Order(StringComparer.Ordinal), kana);
        }
    }

    [Fact]
    public void Pupils_have_guardians_roles_and_birth_dates_that_match_their_grade()
    {
        var (folder, counts) = Generate(DemoOptions.Demo);
        var users = ReadCsv(folder, "users").ToDictionary(u => u["sourcedId"]);
        var roles = ReadCsv(folder, "roles");
        var demographics = ReadCsv(folder, "demographics").ToDictionary(d => d["sourcedId"]);
        var pupils = users.Values.Where(u => u["grades"] != "").ToList();
        Assert.Equal(counts.Pupils, demographics.Count);
        foreach (var pupil in pupils)
        {
            var guardian = users[pupil["agentSourcedIds"]];
            Assert.Equal(pupil["familyName"], guardian["familyName"]);
            Assert.Single(roles, r => r["userSourcedId"] == guardian["sourcedId"] && r["role"] == "guardian" && r["roleType"] == "primary");
            Assert.Single(roles, r => r["userSourcedId"] == pupil["sourcedId"] && r["role"] == "student" && r["orgSourcedId"] == pupil["primaryOrgSourcedId"]);

            // 2026年度: 小1 born 2019-04-02..2020-04-01, each grade one year earlier; 中1 = grade 7.
            var grade = pupil["grades"];
            var n = (grade[0] == 'P' ? 0 : 6) + (grade[1] - '0');
            var birth = DateOnly.ParseExact(demographics[pupil["sourcedId"]]["birthDate"], "yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.InRange(birth, new DateOnly(2026 - 6 - n, 4, 2), new DateOnly(2026 - 5 - n, 4, 1));
            Assert.Contains(demographics[pupil["sourcedId"]]["sex"], new[] { "male", "female" });
        }
        var teachers = roles.Where(r => r["role"] == "teacher").Select(r => r["userSourcedId"]).ToHashSet();
        Assert.Equal(counts.Teachers, teachers.Count);
        Assert.Equal(counts.Users, roles.Count); // exactly one primary role per user
    }

    [Fact]
    public void Names_are_kanji_with_full_width_katakana_readings_and_no_half_width_katakana_anywhere()
    {
        var (folder, _) = Generate(DemoOptions.Demo);
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            var bytes = File.ReadAllBytes(file);
            Assert.False(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]), $"{file} starts with a BOM");
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            Assert.DoesNotMatch(HalfWidthKatakana(), text);
        }
        Assert.All(ReadCsv(folder, "users"), u =>
        {
            Assert.Matches(FullWidthKatakana(), u["metadata.jp.kanaGivenName"]);
            Assert.Matches(FullWidthKatakana(), u["metadata.jp.kanaFamilyName"]);
            Assert.DoesNotMatch(FullWidthKatakana(), u["familyName"]);
            Assert.Equal("true", u["enabledUser"]);
            Assert.Matches(Uuid4Pattern(), u["userMasterIdentifier"]);
        });
    }

    [Fact]
    public void Every_sourcedId_is_a_unique_version_4_UUID()
    {
        var (folder, _) = Generate(DemoOptions.Demo with { Pupils = 3_000 });
        foreach (var file in DemoGenerator.Files)
        {
            var ids = ReadCsv(folder, file.Name).Select(r => r["sourcedId"]).ToList();
            Assert.All(ids, id => Assert.Matches(Uuid4Pattern(), id));
            if (file.Name != "demographics") Assert.Equal(ids.Count, ids.Distinct().Count());
        }
        // Ids are unique across files too, except demographics, which reuse their user's sourcedId by definition.
        var all = DemoGenerator.Files.Where(f => f.Name != "demographics").SelectMany(f => ReadCsv(folder, f.Name).Select(r => r["sourcedId"])).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    // ---- scale ----------------------------------------------------------------------------------------------------

    [Fact]
    public void Counts_scale_with_the_number_of_pupils()
    {
        var (folder, counts) = Generate(DemoOptions.Demo with { Pupils = 10_000 });

        // 10,000 pupils over 9 grades: 1,112 in grades 1 and 1,111 in the others. 小学校 6,667 pupils → 13 schools,
        // 中学校 3,333 → 7 schools (≈500 each); classes of ≤30 per school and grade.
        var perGrade = Enumerable.Range(0, 9).Select(g => 10_000 / 9 + (g < 10_000 % 9 ? 1 : 0)).ToArray();
        long homerooms = 0, juniorGradeSchools = 0;
        for (var g = 0; g < 9; g++)
        {
            var schools = g < 6 ? 13 : 7;
            for (var s = 0; s < schools; s++)
            {
                var pupils = perGrade[g] / schools + (s < perGrade[g] % schools ? 1 : 0);
                homerooms += (pupils + 29) / 30;
                if (g >= 6) juniorGradeSchools++;
            }
        }
        Assert.Equal(20, counts.Schools);
        Assert.Equal(21, counts.Orgs);
        Assert.Equal(10_000, counts.Pupils);
        Assert.Equal(10_000, counts.Guardians);
        Assert.Equal(homerooms * 3, counts.Classes);                       // homeroom + 2 subject classes
        Assert.Equal(homerooms + juniorGradeSchools * 2, counts.Teachers); // 担任 + 2 教科担任 per 中学校 grade
        Assert.Equal(20_000 + counts.Teachers, counts.Users);
        Assert.Equal(counts.Users, counts.Roles);
        Assert.Equal(10_000, counts.Demographics);
        Assert.Equal(10_000 * 3 + counts.Classes, counts.Enrollments);     // 3 per pupil + 1 teacher per class
        Assert.InRange(10_000.0 / homerooms, 25, 30);

        foreach (var (file, rows) in counts.Rows)
            Assert.Equal(rows + 1, File.ReadLines(Path.Combine(folder, file + ".csv")).LongCount());
        Assert.Equal(Directory.EnumerateFiles(folder).Sum(f => new FileInfo(f).Length), counts.Bytes);
    }

    [Fact]
    public void Prefecture_preset_is_a_million_pupils_in_forty_boards()
    {
        var p = DemoOptions.Prefecture;
        Assert.Equal(1_000_000, p.Pupils);
        Assert.Equal(40, p.Boards);
        p.Validate();
        Assert.InRange(DemoOptions.Demo.Pupils, 200, 999);
    }

    [Fact]
    public async Task One_pupil_is_a_valid_package()
    {
        var (folder, counts) = Generate(DemoOptions.Demo with { Pupils = 1 });
        Assert.Equal(1, counts.Schools);
        Assert.Equal(1, counts.Pupils);
        Assert.True((await ProcessAsync(folder, OneRosterProfiles.Base)).Accepted);
    }

    // ---- hostile input ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_board_name_with_quotes_and_commas_is_quoted_per_RFC_4180_and_reads_back_unchanged()
    {
        const string name = "若葉\"市\",教育委員会";
        var (folder, _) = Generate(DemoOptions.Demo with { BoardName = name });
        Assert.Contains("\"若葉\"\"市\"\",教育委員会\"", File.ReadAllText(Path.Combine(folder, "orgs.csv")), StringComparison.Ordinal);
        Assert.Equal(name, ReadCsv(folder, "orgs").Single(o => o["type"] == "district")["name"]);
        var result = await ProcessAsync(folder, OneRosterProfiles.Base);
        Assert.True(result.ErrorCount == 0, Describe(result));
    }

    public static TheoryData<string, DemoOptions> InvalidOptions => new()
    {
        { "no pupils", DemoOptions.Demo with { Pupils = 0 } },
        { "negative pupils", DemoOptions.Demo with { Pupils = -5 } },
        { "oversized", DemoOptions.Demo with { Pupils = 20_000_001 } },
        { "board code with a letter", DemoOptions.Demo with { BoardCode = "13900A" } },
        { "board code starting with 5", DemoOptions.Demo with { BoardCode = "539001", PrefectureNumber = 53 } },
        { "board code of another prefecture", DemoOptions.Demo with { BoardCode = "279001" } },
        { "prefecture 0", DemoOptions.Demo with { PrefectureNumber = 0 } },
        { "half-width katakana", DemoOptions.Demo with { BoardName = "ﾜｶﾊﾞ市教育委員会" } },
        { "control character", DemoOptions.Demo with { BoardName = "若葉市\n教育委員会" } },
        { "empty name", DemoOptions.Demo with { BoardName = " " } },
        { "huge name", DemoOptions.Demo with { BoardName = new string('市', 101) } },
        { "boards beyond the code range", DemoOptions.Demo with { Boards = 1_000, BoardCode = "139500" } },
        { "no class size", DemoOptions.Demo with { PupilsPerClass = 0 } },
        { "too many subject classes", DemoOptions.Demo with { SubjectClassesPerHomeroom = 10 } },
        { "five-digit year", DemoOptions.Demo with { SchoolYear = 10_000 } },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_rejected_before_anything_is_written(string why, DemoOptions options)
    {
        var folder = NewFolder();
        Assert.ThrowsAny<ArgumentException>(() => DemoGenerator.Write(options, folder));
        Assert.False(Directory.Exists(folder), why);
        Assert.ThrowsAny<ArgumentException>(() => DemoGenerator.WriteZip(options, Stream.Null));
    }

    [Fact]
    public void Too_many_schools_for_the_school_number_range_are_rejected()
    {
        var folder = NewFolder();
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoGenerator.Write(DemoOptions.Demo with { Pupils = 200_000, PupilsPerSchool = 10 }, folder));
    }

    [GeneratedRegex("^[ABCDEFGH][12][0-4][0-9][123][0-9]{7}[0-9]$")]
    private static partial Regex SchoolCodePattern();

    [GeneratedRegex("^(P[1-6]|J[1-3])$")]
    private static partial Regex GradePattern();

    [GeneratedRegex("^(P(0[1-9]0|100)|J0[1-9]0)$")]
    private static partial Regex SubjectCodePattern();

    [GeneratedRegex("[\uFF61-\uFF9F]")]
    private static partial Regex HalfWidthKatakana();

    [GeneratedRegex("^[\u30A1-\u30FA\u30FC]+$")]
    private static partial Regex FullWidthKatakana();

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex Uuid4Pattern();
}
