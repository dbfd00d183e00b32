using System.Reflection;
using System.Text;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Validation;

/// <summary>Every base rule of the OneRoster 1.2 CSV binding, each with a package that breaks it (no store involved).</summary>
public sealed class BaseRuleTests
{
    private const string Dlm = "2026-05-01T00:00:00Z";

    public sealed record Case(string RuleId, string? File, long? Line, string? Column, Func<PackageBuilder> Package)
    {
        public override string ToString() => RuleId;
    }

    private static string[] Replace(string[] rows, int index, string row)
    {
        var copy = rows.ToArray();
        copy[index] = row;
        return copy;
    }

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static readonly Case[] Cases =
    [
        new("manifest.missing", "manifest.csv", null, null, () => Rostering().WithoutManifest()),
        new("manifest.header", "manifest.csv", 1, null, () => Rostering().WithoutManifest().Raw("manifest.csv", Utf8("name,val\nmanifest.version,1.0\n"))),
        new("manifest.version", "manifest.csv", null, "manifest.version", () => Rostering().Manifest("manifest.version", "2.0")),
        new("manifest.oneroster_version", "manifest.csv", null, "oneroster.version", () => Rostering().Manifest("oneroster.version", "1.1")),
        new("manifest.file_mode", "manifest.csv", null, "file.orgs", () => Rostering().Manifest("file.orgs", "full")),
        new("manifest.file_key_missing", "manifest.csv", null, "file.categories", () => Rostering().Manifest("file.categories", null)),
        new("manifest.unknown_property", "manifest.csv", null, "custom.setting", () => Rostering().Manifest("custom.setting", "1")),
        new("manifest.duplicate_property", "manifest.csv", 4, "propertyName", () => Rostering().Manifest("oneroster.version", "1.2\noneroster.version,1.2")),
        new("manifest.file_missing", "manifest.csv", null, "file.categories", () => Rostering().Manifest("file.categories", "bulk")),
        new("manifest.file_not_declared", "categories.csv", null, null, () => Rostering().Raw("categories.csv", Utf8("sourcedId,status,dateLastModified,title,weight\n"))),
        new("package.unknown_file", "notes.txt", null, null, () => Rostering().Raw("notes.txt", Utf8("hello"))),
        new("structure.header_missing", "orgs.csv", 1, null, () => Rostering().File("orgs", "bulk", "")),
        new("structure.header_unknown_column", "orgs.csv", 1, "city", () => Rostering().File("orgs", "bulk", OrgsHeader + ",city", OrgRows.Select(r => r + ",x").ToArray())),
        new("structure.header_missing_column", "orgs.csv", 1, "identifier", () => Rostering().File("orgs", "bulk", "sourcedId,status,dateLastModified,name,type,parentSourcedId", "org-district,,,Board,district,", "org-school,,,School,school,org-district")),
        new("structure.header_order", "orgs.csv", 1, "type", () => Rostering().File("orgs", "bulk", "sourcedId,status,dateLastModified,type,name,identifier,parentSourcedId", "org-district,,,district,Board,,", "org-school,,,school,School,,org-district")),
        new("structure.header_extension_position", "orgs.csv", 1, "metadata.jp.note", () => Rostering().File("orgs", "bulk", "sourcedId,status,dateLastModified,name,type,identifier,metadata.jp.note,parentSourcedId", "org-district,,,Board,district,,,", "org-school,,,School,school,,,org-district")),
        new("structure.header_extension_name", "orgs.csv", 1, "metadata.jp", () => Rostering().File("orgs", "bulk", OrgsHeader + ",metadata.jp,metadata.jp.note", OrgRows.Select(r => r + ",x,y").ToArray())),
        new("structure.header_duplicate", "orgs.csv", 1, "name", () => Rostering().File("orgs", "bulk", OrgsHeader + ",name", OrgRows.Select(r => r + ",x").ToArray())),
        new("structure.field_count", "orgs.csv", 3, null, () => Rostering().File("orgs", "bulk", OrgsHeader, OrgRows[0], OrgRows[1] + ",extra")),
        new("structure.malformed_csv", "orgs.csv", 3, null, () => Rostering().File("orgs", "bulk", OrgsHeader, OrgRows[0], "org-school,,,\"School\"x,school,,org-district")),
        new("structure.invalid_utf8", "orgs.csv", 3, "name", () => Rostering().File("orgs", "bulk", Utf8(OrgsHeader + "\n" + OrgRows[0] + "\norg-school,,,").Concat(new byte[] { 0x93, 0x8C, 0x8B, 0x9E }).Concat(Utf8(",school,,org-district\n")).ToArray())),
        new("structure.control_character", "orgs.csv", 3, "name", () => Rostering().File("orgs", "bulk", OrgsHeader, OrgRows[0], "org-school,,,Sch\u0001ool,school,,org-district")),
        new("type.required", "orgs.csv", 3, "name", () => Rostering().File("orgs", "bulk", OrgsHeader, OrgRows[0], "org-school,,,,school,,org-district")),
        new("type.enumeration", "orgs.csv", 3, "type", () => Rostering().File("orgs", "bulk", OrgsHeader, OrgRows[0], "org-school,,,School,city,,org-district")),
        new("type.date", "academicSessions.csv", 2, "startDate", () => Rostering().File("academicSessions", "bulk", SessionsHeader, "ay-2026,,,2026年度,schoolYear,2026/04/01,2027-03-31,,2027")),
        new("type.datetime", "orgs.csv", 2, "dateLastModified", () => Rostering().File("orgs", "delta", OrgsHeader, "org-x,active,yesterday,X,school,,org-district")),
        new("type.boolean", "users.csv", 3, "enabledUser", () => Rostering().File("users", "bulk", UsersHeader, Replace(UserRows, 1, UserRows[1].Replace(",true,", ",yes,", StringComparison.Ordinal)))),
        new("type.float", "categories.csv", 2, "weight", () => Rostering().File("categories", "bulk", PackageBuilder.Header("categories"), "cat-1,,,Tests,heavy")),
        new("type.year", "academicSessions.csv", 2, "schoolYear", () => Rostering().File("academicSessions", "bulk", SessionsHeader, "ay-2026,,,2026年度,schoolYear,2026-04-01,2027-03-31,,26")),
        new("type.user_ids", "users.csv", 2, "userIds", () => Rostering().File("users", "bulk", UsersHeader, Replace(UserRows, 0, UserRows[0].Replace("{LTI:t1}", "LTI:t1", StringComparison.Ordinal)))),
        new("type.date_range", "academicSessions.csv", 2, "endDate", () => Rostering().File("academicSessions", "bulk", SessionsHeader, "ay-2026,,,2026年度,schoolYear,2026-04-01,2025-03-31,,2027")),
        new("lifecycle.bulk_status_not_blank", "orgs.csv", 2, "status", () => Rostering().File("orgs", "bulk", OrgsHeader, "org-district,active,,Board,district,,", OrgRows[1])),
        new("lifecycle.bulk_date_last_modified_not_blank", "orgs.csv", 2, "dateLastModified", () => Rostering().File("orgs", "bulk", OrgsHeader, $"org-district,,{Dlm},Board,district,,", OrgRows[1])),
        new("lifecycle.delta_status_required", "orgs.csv", 2, "status", () => new PackageBuilder().File("orgs", "delta", OrgsHeader, $"org-x,,{Dlm},X,school,,")),
        new("lifecycle.delta_date_last_modified_required", "orgs.csv", 2, "dateLastModified", () => new PackageBuilder().File("orgs", "delta", OrgsHeader, "org-x,active,,X,school,,")),
        new("reference.duplicate_sourced_id", "users.csv", 4, "sourcedId", () => Rostering().File("users", "bulk", UsersHeader, Replace(UserRows, 2, UserRows[1]))),
        new("reference.unresolved", "enrollments.csv", 2, "classSourcedId", () => Rostering().File("enrollments", "bulk", EnrollmentsHeader, Replace(EnrollmentRows, 0, EnrollmentRows[0].Replace("class-1", "class-9", StringComparison.Ordinal)))),
        new("reference.unverified", "enrollments.csv", 2, "classSourcedId", () => new PackageBuilder().File("enrollments", "delta", EnrollmentsHeader, $"enr-9,active,{Dlm},class-1,org-school,user-9,student,false,,")),
        new("reference.to_deleted", "classes.csv", 2, "courseSourcedId", () => new PackageBuilder()
            .File("courses", "delta", CoursesHeader, $"course-1,tobedeleted,{Dlm},,,,,,,")
            .File("classes", "delta", ClassesHeader, $"class-1,active,{Dlm},1年1組,P1,course-1,,homeroom,,org-school,ay-2026,,,")),
        new("reference.org_cycle", "orgs.csv", 2, "parentSourcedId", () => Rostering().File("orgs", "bulk", OrgsHeader, "org-district,,,Board,district,,org-school", OrgRows[1])),
        new("reference.academic_session_cycle", "academicSessions.csv", 2, "parentSourcedId", () => Rostering().File("academicSessions", "bulk", SessionsHeader,
            "ay-2026,,,2026年度,schoolYear,2026-04-01,2027-03-31,term-1,2027", "term-1,,,前期,term,2026-04-01,2026-09-30,ay-2026,2027")),
        new("reference.self", "orgs.csv", 3, "parentSourcedId", () => Rostering().File("orgs", "bulk", OrgsHeader, OrgRows[0], "org-school,,,School,school,,org-school")),
    ];

    public static TheoryData<Case> AllCases()
    {
        var data = new TheoryData<Case>();
        foreach (var c in Cases) data.Add(c);
        return data;
    }

    [Fact]
    public async Task The_sample_package_is_valid()
    {
        var result = await ValidateAsync(Rostering());
        Assert.True(result.Accepted, string.Join("\n", result.Problems));
        Assert.Equal(0, result.WarningCount);
    }

    [Theory, MemberData(nameof(AllCases))]
    public async Task Breaking_a_rule_reports_it_with_file_line_and_column(Case c)
    {
        var result = await ValidateAsync(c.Package());
        var problem = result.Problems.FirstOrDefault(p => p.RuleId == c.RuleId);
        Assert.True(problem is not null, $"expected {c.RuleId}, got:\n{string.Join("\n", result.Problems)}");
        Assert.Equal(c.File, problem.File);
        Assert.Equal(c.Line, problem.Line);
        Assert.Equal(c.Column, problem.Column);
        Assert.False(string.IsNullOrWhiteSpace(problem.MessageEn));
        Assert.Matches(@"[\p{IsHiragana}\p{IsKatakana}\p{IsCJKUnifiedIdeographs}]", problem.MessageJa);
        var rule = AllRules().Single(r => r.Id == c.RuleId);
        Assert.Equal(rule.Severity, problem.Severity);
        Assert.Equal(rule.Severity == Severity.Error, !result.Accepted || result.ErrorCount > 0);
    }

    [Fact]
    public async Task Unresolved_forward_self_references_are_named_with_line_and_column()
    {
        // user-t1 names a guardian that comes later (resolved) and one that never comes (unresolved), in a list.
        var users = Replace(UserRows, 0, "user-t1,,,true,teacher1,,花子,山田,,,,,,\"user-g1,user-g9\",,,,,,,org-school,")
            .Append("user-g1,,,true,guardian1,,一郎,山田,,,,,,,,,,,,,org-school,").ToArray();
        var result = await ValidateAsync(Rostering().File("users", "bulk", UsersHeader, users));
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("reference.unresolved", "users.csv", 2L, "agentSourcedIds", "user-g9"), (problem.RuleId, problem.File, problem.Line!.Value, problem.Column, problem.Value));
    }

    [Fact]
    public void Every_base_rule_has_a_breaking_case_here_or_in_the_hostile_input_tests()
    {
        var covered = Cases.Select(c => c.RuleId).Concat(HostileInputTests.RuleIds).ToHashSet();
        var missing = AllRules().Select(r => r.Id).Where(id => !covered.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "rules without a test: " + string.Join(", ", missing));
    }

    [Fact]
    public void Rule_ids_are_unique_and_documented()
    {
        var ids = AllRules().Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "validation-rules.md"));
        var undocumented = ids.Where(id => !doc.Contains("`" + id + "`", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, "rules missing from docs/validation-rules.md: " + string.Join(", ", undocumented));
    }

    internal static IEnumerable<Rule> AllRules() =>
        typeof(Rules).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (Rule)f.GetValue(null)!)
            .Concat(typeof(ZipPackageSource).GetFields(BindingFlags.NonPublic | BindingFlags.Static).Where(f => f.FieldType == typeof(Rule)).Select(f => (Rule)f.GetValue(null)!));

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Koumu.Interop.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    internal static async Task<ProcessingResult> ValidateAsync(PackageBuilder package, ProcessingOptions? options = null)
    {
        using var source = PackageSource.Open(package.WriteFolder());
        return await PackageProcessor.ProcessAsync(source, options ?? new ProcessingOptions());
    }
}
