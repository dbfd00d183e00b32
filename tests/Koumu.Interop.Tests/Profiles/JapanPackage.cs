using System.Text;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Tests.TestSupport;

namespace Koumu.Interop.Tests.Profiles;

/// <summary>
/// A complete, valid package for a Japanese profile (orgs, academicSessions, courses, classes, users, roles,
/// enrollments, demographics) that a test breaks in exactly one place. Rows are kept as column → value maps;
/// the package is written through <see cref="PackageBuilder"/> with every field quoted (as Japanese importers expect).
/// Data rows start at line 2: row index i is on line i + 2.
/// </summary>
internal sealed class JapanPackage
{
    public const string District = "00000000-0000-4000-8000-000000000001";
    public const string School = "00000000-0000-4000-8000-000000000002";
    public const string Session = "00000000-0000-4000-8000-000000000010";
    public const string HomeroomCourse = "00000000-0000-4000-8000-000000000020";
    public const string JapaneseCourse = "00000000-0000-4000-8000-000000000021";
    public const string HomeroomClass = "00000000-0000-4000-8000-000000000030";
    public const string JapaneseClass = "00000000-0000-4000-8000-000000000031";
    public const string Teacher = "00000000-0000-4000-8000-000000000040";
    public const string Student = "00000000-0000-4000-8000-000000000041";
    public const string Guardian = "00000000-0000-4000-8000-000000000042";

    /// <summary>Valid 教育委員会コード and 学校コード (B1 小学校, 13 東京都, 2 公立).</summary>
    public const string BoardCode = "131016";
    public static readonly string SchoolCode = Schemas.Japan.MextCodes.SchoolCode("B1", 13, 2, 1_000_001);

    private readonly Dictionary<string, List<string>> _headers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Dictionary<string, string>>> _rows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _modes = new(StringComparer.Ordinal);

    private JapanPackage(ProfileDefinition profile) => Profile = profile;

    public ProfileDefinition Profile { get; }

    public string ShussekiNoColumn => Profile.LegacyEnrollmentExtensionNames ? "metadata.jp.ShussekiNo" : "metadata.jp.shussekiNo";

    public string PublicFlgColumn => Profile.LegacyEnrollmentExtensionNames ? "metadata.jp.PublicFlg" : "metadata.jp.publicFlg";

    public static JapanPackage Valid(string profileId)
    {
        var profile = OneRosterProfiles.Find(profileId) ?? throw new ArgumentException(profileId);
        var p = new JapanPackage(profile);

        p.Add("orgs", [],
            R("sourcedId", District, "name", "千代田区教育委員会", "type", "district", "identifier", BoardCode),
            R("sourcedId", School, "name", "千代田区立第一小学校", "type", "school", "identifier", SchoolCode, "parentSourcedId", District));
        p.Add("academicSessions", [],
            R("sourcedId", Session, "title", "2025年度", "type", "schoolYear", "startDate", "2025-04-01", "endDate", "2026-03-31", "schoolYear", "2025"));
        p.Add("courses", [],
            R("sourcedId", HomeroomCourse, "schoolYearSourcedId", Session, "title", "2025年度ホームルーム", "grades", "P1", "orgSourcedId", School),
            R("sourcedId", JapaneseCourse, "schoolYearSourcedId", Session, "title", "2025年度国語", "grades", "P1", "orgSourcedId", School,
                "subjects", "国語", "subjectCodes", "P010"));
        p.Add("classes", ["metadata.jp.specialNeeds"],
            R("sourcedId", HomeroomClass, "title", "1年1組", "grades", "P1", "courseSourcedId", HomeroomCourse, "classType", "homeroom",
                "location", "1年1組教室", "schoolSourcedId", School, "termSourcedIds", Session, "metadata.jp.specialNeeds", "false"),
            R("sourcedId", JapaneseClass, "title", "1年1組国語", "grades", "P1", "courseSourcedId", JapaneseCourse, "classType", "scheduled",
                "location", "1年1組教室", "schoolSourcedId", School, "termSourcedIds", Session, "subjects", "国語", "subjectCodes", "P010",
                "metadata.jp.specialNeeds", "false"));
        p.Add("users", ["metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName", "metadata.jp.homeClass"],
            User(Teacher, "t.yamada", "花子", "山田", "ハナコ", "ヤマダ", "00000000-0000-4000-8000-000000000140", null, null, null),
            User(Student, "s.sato", "太郎", "佐藤", "タロウ", "サトウ", "00000000-0000-4000-8000-000000000141", "P1", HomeroomClass, Guardian),
            User(Guardian, "g.sato", "一郎", "佐藤", "イチロウ", "サトウ", "00000000-0000-4000-8000-000000000142", null, null, null));
        p.Add("roles", [],
            R("sourcedId", "00000000-0000-4000-8000-000000000050", "userSourcedId", Teacher, "roleType", "primary", "role", "teacher", "orgSourcedId", School),
            R("sourcedId", "00000000-0000-4000-8000-000000000051", "userSourcedId", Teacher, "roleType", "secondary", "role", "siteAdministrator", "orgSourcedId", School),
            R("sourcedId", "00000000-0000-4000-8000-000000000052", "userSourcedId", Student, "roleType", "primary", "role", "student", "orgSourcedId", School),
            R("sourcedId", "00000000-0000-4000-8000-000000000053", "userSourcedId", Guardian, "roleType", "primary", "role", "guardian", "orgSourcedId", School));
        p.Add("demographics", [],
            R("sourcedId", Student, "birthDate", "2018-05-05", "sex", "male"));
        p.Add("enrollments", [p.ShussekiNoColumn, p.PublicFlgColumn],
            Enrollment(p, "00000000-0000-4000-8000-000000000060", HomeroomClass, Teacher, "teacher", "true", null),
            Enrollment(p, "00000000-0000-4000-8000-000000000061", HomeroomClass, Student, "student", "false", "1"),
            Enrollment(p, "00000000-0000-4000-8000-000000000062", JapaneseClass, Teacher, "teacher", "true", null),
            Enrollment(p, "00000000-0000-4000-8000-000000000063", JapaneseClass, Student, "student", "false", "1"));
        return p;

        static Dictionary<string, string> User(string id, string username, string given, string family, string kanaGiven, string kanaFamily,
            string master, string? grades, string? homeClass, string? agent) =>
            R("sourcedId", id, "enabledUser", "true", "username", username, "givenName", given, "familyName", family,
                "agentSourcedIds", agent ?? "", "grades", grades ?? "", "userMasterIdentifier", master,
                "preferredGivenName", given, "preferredFamilyName", family, "primaryOrgSourcedId", School,
                "metadata.jp.kanaGivenName", kanaGiven, "metadata.jp.kanaFamilyName", kanaFamily, "metadata.jp.homeClass", homeClass ?? "");

        static Dictionary<string, string> Enrollment(JapanPackage p, string id, string cls, string user, string role, string primary, string? number) =>
            R("sourcedId", id, "classSourcedId", cls, "schoolSourcedId", School, "userSourcedId", user, "role", role, "primary", primary,
                p.ShussekiNoColumn, number ?? "", p.PublicFlgColumn, number is null ? "" : "false");
    }

    /// <summary>A row from alternating column/value pairs.</summary>
    public static Dictionary<string, string> R(params string[] pairs)
    {
        var row = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < pairs.Length; i += 2) row[pairs[i]] = pairs[i + 1];
        return row;
    }

    private void Add(string file, string[] extensions, params Dictionary<string, string>[] rows)
    {
        var def = CsvBinding.Get(file);
        var layout = file == "users" && Profile.UsersLayout12 ? def.Layout12 : def.Layout121;
        _headers[file] = [.. layout.Select(c => c.Name), .. extensions];
        _rows[file] = [.. rows];
        _modes[file] = "bulk";
    }

    /// <summary>Sets one cell (row index 0 is line 2). A new extension column is appended to the header.</summary>
    public JapanPackage Set(string file, int row, string column, string value)
    {
        if (!_headers[file].Contains(column)) _headers[file].Add(column);
        _rows[file][row][column] = value;
        return this;
    }

    public string Get(string file, int row, string column) => _rows[file][row].GetValueOrDefault(column, "");

    /// <summary>Appends a row and returns its line number.</summary>
    public long AddRow(string file, Dictionary<string, string> row)
    {
        foreach (var column in row.Keys.Where(c => !_headers[file].Contains(c))) _headers[file].Add(column);
        _rows[file].Add(row);
        return _rows[file].Count + 1;
    }

    public JapanPackage RemoveColumn(string file, string column)
    {
        _headers[file].Remove(column);
        return this;
    }

    /// <summary>Declares a file delta (rows get status active and a dateLastModified) or absent (file dropped).</summary>
    public JapanPackage Mode(string file, string mode)
    {
        _modes[file] = mode;
        if (mode == "delta")
            foreach (var row in _rows[file])
            {
                row.TryAdd("status", "active");
                row.TryAdd("dateLastModified", "2025-04-01T00:00:00Z");
            }
        return this;
    }

    public int RowCount(string file) => _rows[file].Count;

    public PackageBuilder Builder()
    {
        var builder = new PackageBuilder { OneRosterVersion = Profile.ManifestOneRosterVersion };
        foreach (var (file, header) in _headers)
        {
            if (_modes[file] == "absent") continue;
            var text = new StringBuilder();
            text.Append(string.Join(',', header.Select(Quote))).Append("\r\n");
            foreach (var row in _rows[file])
                text.Append(string.Join(',', header.Select(c => Quote(row.GetValueOrDefault(c, ""))))).Append("\r\n");
            builder.File(file, _modes[file], text.ToString());
        }
        return builder;
    }

    public async Task<ProcessingResult> ProcessAsync(ProfileOptions? options = null, PackageLimits? limits = null)
    {
        using var source = PackageSource.Open(Builder().WriteFolder());
        return await PackageProcessor.ProcessAsync(source,
            new ProcessingOptions { Profile = Profile, ProfileOptions = options ?? new ProfileOptions(), Limits = limits ?? PackageLimits.Default });
    }

    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
