using System.Text;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Import;

/// <summary>Bulk and delta semantics of the CSV import (manifest file.* modes), on SQLite and PostgreSQL.</summary>
public sealed class ImportSemanticsTests
{
    internal static string Errors(ImportOutcome outcome) => string.Join("\n", outcome.Result.Problems);

    internal static async Task<TestStore> StoreWithRosterAsync(string provider)
    {
        var store = await TestStore.CreateAsync(provider);
        var outcome = await store.ImportAsync(Rostering());
        Assert.True(outcome.Committed, Errors(outcome));
        return store;
    }

    private static PackageBuilder Delta(string file, string header, params string[] rows) => new PackageBuilder().File(file, "delta", header, rows);

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Bulk_import_stores_every_record_as_active(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        Assert.Equal(2, await store.CountAsync("orgs", "status = 'active'"));
        Assert.Equal(3, await store.CountAsync("users", "status = 'active'"));
        Assert.Equal(3, await store.CountAsync("enrollments"));
        var user = await store.RowAsync("users", "user-t1");
        Assert.NotNull(user);
        Assert.Equal("花子", user["given_name"]);
        Assert.Equal("{LTI:t1}", user["user_ids"]);
        Assert.Equal("active", user["status"]);
        var enrollment = await store.RowAsync("enrollments", "enr-s1");
        Assert.Equal("2026-04-01", enrollment!["begin_date"]);
        Assert.Null(enrollment["end_date"]);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Bulk_reimport_marks_records_missing_from_the_file_tobedeleted(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        var package = Rostering()
            .File("users", "bulk", UsersHeader, UserRows[0], UserRows[1])
            .File("roles", "bulk", RolesHeader, RoleRows[0], RoleRows[1])
            .File("enrollments", "bulk", EnrollmentsHeader, EnrollmentRows[0], EnrollmentRows[1]);
        var outcome = await store.ImportAsync(package);
        Assert.True(outcome.Committed, Errors(outcome));
        Assert.Equal("tobedeleted", (await store.RowAsync("users", "user-s2"))!["status"]);
        Assert.Equal("tobedeleted", (await store.RowAsync("enrollments", "enr-s2"))!["status"]);
        Assert.Equal("active", (await store.RowAsync("users", "user-s1"))!["status"]);
        Assert.Equal(2, await store.CountAsync("users", "status = 'active'"));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Bulk_reimport_keeps_dateLastModified_of_unchanged_rows_and_updates_changed_ones(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        var before = await store.RowAsync("users", "user-s1");
        var beforeTeacher = await store.RowAsync("users", "user-t1");
        await Task.Delay(20);
        var changed = UserRows.Select(r => r.Replace("太郎", "太朗", StringComparison.Ordinal)).ToArray();
        var outcome = await store.ImportAsync(Rostering().File("users", "bulk", UsersHeader, changed));
        Assert.True(outcome.Committed, Errors(outcome));
        var after = await store.RowAsync("users", "user-s1");
        Assert.Equal("太朗", after!["given_name"]);
        Assert.NotEqual(before!["date_last_modified"], after["date_last_modified"]);
        Assert.Equal(beforeTeacher!["date_last_modified"], (await store.RowAsync("users", "user-t1"))!["date_last_modified"]);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Bulk_file_that_comes_back_revives_tobedeleted_records(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        Assert.True((await store.ImportAsync(new PackageBuilder().File("enrollments", "bulk", EnrollmentsHeader, EnrollmentRows[0]))).Committed);
        Assert.Equal("tobedeleted", (await store.RowAsync("enrollments", "enr-s1"))!["status"]);
        Assert.True((await store.ImportAsync(new PackageBuilder().File("enrollments", "bulk", EnrollmentsHeader, EnrollmentRows))).Committed);
        Assert.Equal("active", (await store.RowAsync("enrollments", "enr-s1"))!["status"]);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_role_change_moves_its_users_dateLastModified_and_no_other(string provider)
    {
        // A user's JSON embeds its roles: a role-only change must be visible to filter=dateLastModified>… on /users.
        await using var store = await StoreWithRosterAsync(provider);
        var s1 = (await store.RowAsync("users", "user-s1"))!["date_last_modified"];
        var t1 = (await store.RowAsync("users", "user-t1"))!["date_last_modified"];
        await Task.Delay(20);
        var outcome = await store.ImportAsync(new PackageBuilder().File("roles", "delta", RolesHeader,
            "role-s1,active,2026-05-01T00:00:00Z,user-s1,primary,student,2026-04-01,,org-school,"));
        Assert.True(outcome.Committed, Errors(outcome));
        Assert.NotEqual(s1, (await store.RowAsync("users", "user-s1"))!["date_last_modified"]);
        Assert.Equal(t1, (await store.RowAsync("users", "user-t1"))!["date_last_modified"]);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Absent_files_leave_stored_records_untouched(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        var outcome = await store.ImportAsync(new PackageBuilder().File("orgs", "bulk", OrgsHeader, OrgRows));
        Assert.True(outcome.Committed, Errors(outcome));
        Assert.Equal(3, await store.CountAsync("users", "status = 'active'"));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Delta_upserts_rows_and_applies_tobedeleted(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        var outcome = await store.ImportAsync(Delta("users", UsersHeader,
            "user-s3,active,2026-05-01T00:00:00Z,true,pupil3,,三郎,高橋,,,,,,,P1,,,,,,org-school,",
            "user-s1,active,2026-05-01T00:00:00Z,true,pupil1,,太郎,佐藤,,,taro@example.jp,,,,P1,,,,,,org-school,",
            "user-s2,tobedeleted,2026-05-01T00:00:00Z,,,,,,,,,,,,,,,,,,,"));
        Assert.True(outcome.Committed, Errors(outcome));
        Assert.Equal("active", (await store.RowAsync("users", "user-s3"))!["status"]);
        Assert.Equal("taro@example.jp", (await store.RowAsync("users", "user-s1"))!["email"]);
        var deleted = await store.RowAsync("users", "user-s2");
        Assert.Equal("tobedeleted", deleted!["status"]);
        Assert.Equal("次郎", deleted["given_name"]); // a deletion keeps the record's values
        Assert.Equal("active", (await store.RowAsync("users", "user-t1"))!["status"]); // not in the delta: untouched
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Delta_reference_to_a_stored_record_resolves(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        var outcome = await store.ImportAsync(Delta("enrollments", EnrollmentsHeader,
            "enr-new,active,2026-05-01T00:00:00Z,class-1,org-school,user-s2,student,false,,"));
        Assert.True(outcome.Committed, Errors(outcome));
        Assert.Equal(4, await store.CountAsync("enrollments"));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Delta_reference_to_an_unknown_or_deleted_record_is_rejected_and_changes_nothing(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        Assert.True((await store.ImportAsync(Delta("users", UsersHeader, "user-s2,tobedeleted,2026-05-01T00:00:00Z,,,,,,,,,,,,,,,,,,,"))).Committed);
        var snapshot = await store.SnapshotAsync();
        var outcome = await store.ImportAsync(Delta("enrollments", EnrollmentsHeader,
            "enr-new,active,2026-05-01T00:00:00Z,class-1,org-school,user-nobody,student,false,,",
            "enr-new2,active,2026-05-01T00:00:00Z,class-1,org-school,user-s2,student,false,,"));
        Assert.False(outcome.Committed);
        var problems = outcome.Result.Problems.Where(p => p.RuleId == "reference.unresolved").ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p is { File: "enrollments.csv", Line: 2, Column: "userSourcedId", Value: "user-nobody" });
        Assert.Contains(problems, p => p is { Line: 3, Value: "user-s2" });
        Assert.Equal(snapshot, await store.SnapshotAsync());
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Users_csv_in_the_original_1_2_layout_with_resourceSourcedIds_imports(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var package = Rostering()
            .File("resources", "bulk", "sourcedId,status,dateLastModified,vendorResourceId,title,roles,importance,vendorId,applicationId", "res-1,,,V-1,教科書,student,primary,,")
            .File("users", "bulk", Users12Header,
                "user-t1,,,true,teacher1,,花子,山田,,,,,,,,,,res-1,,,,org-school,",
                "user-s1,,,true,pupil1,,太郎,佐藤,,,,,,,P1,,,,,,,org-school,",
                "user-s2,,,true,pupil2,,次郎,鈴木,,,,,,,P1,,,,,,,org-school,");
        var outcome = await store.ImportAsync(package);
        Assert.True(outcome.Committed, Errors(outcome));
        Assert.Equal("res-1", (await store.RowAsync("users", "user-t1"))!["resource_sourced_ids"]);
        Assert.Equal("1.2", outcome.Result.Files.Single(f => f.File == "users").Layout);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Utf8_bom_zip_packages_and_a_single_top_folder_are_accepted(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var bom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(OrgsHeader + "\n" + string.Join("\n", OrgRows))).ToArray();
        var outcome = await store.ImportAsync(Rostering().File("orgs", "bulk", bom), zip: true);
        Assert.True(outcome.Committed, Errors(outcome));
        Assert.Equal(2, await store.CountAsync("orgs"));

        // A zip made with "compress folder": everything under one top folder.
        var folder = Rostering().WriteFolder();
        var zipPath = Path.Combine(Path.GetTempPath(), $"koumu-nested-{Guid.NewGuid():N}.zip");
        using (var zip = System.IO.Compression.ZipFile.Open(zipPath, System.IO.Compression.ZipArchiveMode.Create))
            foreach (var f in Directory.GetFiles(folder)) System.IO.Compression.ZipFileExtensions.CreateEntryFromFile(zip, f, "RO_20260401_131016/" + Path.GetFileName(f));
        var nested = await store.ImportAsync(zipPath);
        Assert.True(nested.Committed, Errors(nested));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Tenants_are_isolated(string provider)
    {
        await using var store = await StoreWithRosterAsync(provider);
        var other = await store.CreateOtherTenantAsync(store.TenantCode + "-b");
        using (var source = PackageSource.Open(new PackageBuilder().File("orgs", "bulk", OrgsHeader, OrgRows[0]).WriteFolder()))
            Assert.True((await store.Store.ImportAsync(other, source, new ProcessingOptions())).Committed);
        Assert.Equal(1, await store.CountAsync("orgs", tenantId: other));
        Assert.Equal(2, await store.CountAsync("orgs", "status = 'active'")); // the bulk file of tenant B did not delete A's school
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Extension_columns_are_stored_as_metadata_json_with_legacy_japan_names_normalised(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var package = Rostering()
            .File("users", "bulk", UsersHeader + ",metadata.jp.kanaGivenName,metadata.jp.kanaFamilyName",
                UserRows[0] + ",ハナコ,ヤマダ", UserRows[1] + ",タロウ,サトウ", UserRows[2] + ",,")
            .File("enrollments", "bulk", EnrollmentsHeader + ",metadata.jp.ShussekiNo,metadata.jp.PublicFlg",
                EnrollmentRows[0] + ",,", EnrollmentRows[1] + ",1,true", EnrollmentRows[2] + ",2,false");
        var outcome = await store.ImportAsync(package);
        Assert.True(outcome.Committed, Errors(outcome));
        var user = await store.RowAsync("users", "user-t1");
        Assert.Contains("\"kanaGivenName\":\"ハナコ\"", user!["metadata"]!.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Null((await store.RowAsync("users", "user-s2"))!["metadata"]);
        var enrollment = await store.RowAsync("enrollments", "enr-s1");
        Assert.Contains("\"shussekiNo\":\"1\"", enrollment!["metadata"]!.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\"publicFlg\":\"true\"", enrollment["metadata"]!.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Gradebook_and_resource_files_import(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var package = Rostering()
            .File("categories", "bulk", PackageBuilder.Header("categories"), "cat-1,,,テスト,0.5")
            .File("lineItems", "bulk", PackageBuilder.Header("lineItems"), "li-1,,,単元テスト,,2026-05-01T00:00:00Z,2026-05-10,class-1,cat-1,ay-2026,0,100,org-school")
            .File("results", "bulk", PackageBuilder.Header("results"), "res-1,,,li-1,user-s1,fully graded,87.5,2026-05-11,よくできました,,class-1,false,false,false,false")
            .File("scoreScales", "bulk", PackageBuilder.Header("scoreScales"), "ss-1,,,3段階,ordinal,org-school,course-1,class-1,\"{A:3},{B:2},{C:1}\"")
            .File("lineItemScoreScales", "bulk", PackageBuilder.Header("lineItemScoreScales"), "liss-1,,,,li-1,ss-1")
            .File("lineItemLearningObjectiveIds", "bulk", PackageBuilder.Header("lineItemLearningObjectiveIds"), "lilo-1,,,li-1,case,LO-1")
            .File("resultLearningObjectiveIds", "bulk", PackageBuilder.Header("resultLearningObjectiveIds"), "rlo-1,,,res-1,case,LO-1,3,")
            .File("resultScoreScales", "bulk", PackageBuilder.Header("resultScoreScales"), "rss-1,,,,res-1,ss-1")
            .File("resources", "bulk", PackageBuilder.Header("resources"), "r-1,,,V-1,デジタル教科書,\"student,teacher\",primary,vendor,app")
            .File("classResources", "bulk", PackageBuilder.Header("classResources"), "cr-1,,,,class-1,r-1")
            .File("courseResources", "bulk", PackageBuilder.Header("courseResources"), "cor-1,,,,course-1,r-1")
            .File("userResources", "bulk", PackageBuilder.Header("userResources"), "ur-1,,,user-s1,org-school,class-1,r-1")
            .File("demographics", "bulk", PackageBuilder.Header("demographics"), "user-s1,,,2019-06-01,male,,,,,,,,JP,,東京都,");
        var outcome = await store.ImportAsync(package);
        Assert.True(outcome.Committed, Errors(outcome));
        var result = await store.RowAsync("results", "res-1");
        Assert.Equal("87.5", result!["score"]);
        Assert.StartsWith("2026-05-10", (await store.RowAsync("line_items", "li-1"))!["due_date"], StringComparison.Ordinal);
        Assert.Equal(1, await store.CountAsync("user_resources"));
        Assert.Equal(1, await store.CountAsync("demographics"));
    }
}
