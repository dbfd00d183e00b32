using System.IO.Compression;
using System.Text;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Import;

/// <summary>CSV package export: bulk and delta, profiles, layouts, quoting; import → export → import is the identity.</summary>
public sealed class ExportTests
{
    private static PackageBuilder RichPackage() => Rostering()
        .File("users", "bulk", UsersHeader + ",metadata.jp.kanaGivenName,metadata.jp.kanaFamilyName,metadata.vendor.note",
            UserRows[0] + ",ハナコ,ヤマダ,\"担任, 1年\"", UserRows[1] + ",タロウ,サトウ,", UserRows[2] + ",ジロウ,スズキ,")
        .File("enrollments", "bulk", EnrollmentsHeader + ",metadata.jp.shussekiNo",
            EnrollmentRows[0] + ",", EnrollmentRows[1] + ",1", EnrollmentRows[2] + ",2")
        .File("categories", "bulk", PackageBuilder.Header("categories"), "cat-1,,,テスト,0.1")
        .File("lineItems", "bulk", PackageBuilder.Header("lineItems"), "li-1,,,単元テスト,\"説明\n2行目\",2026-05-01T09:30:00.123Z,2026-05-10T00:00:00Z,class-1,cat-1,ay-2026,0,100,org-school")
        .File("results", "bulk", PackageBuilder.Header("results"), "res-1,,,li-1,user-s1,fully graded,87.25,2026-05-11,\"「よく」できました\",,class-1,false,,true,");

    private static async Task<string> ExportAsync(TestStore store, ExportOptions options)
    {
        var path = Path.Combine(Path.GetTempPath(), $"koumu-export-{Guid.NewGuid():N}.zip");
        await using (var file = File.Create(path)) await store.Store.ExportAsync(store.TenantId, options, file);
        return path;
    }

    private static string Entry(string zipPath, string name)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var reader = new StreamReader(zip.GetEntry(name)!.Open(), new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        return reader.ReadToEnd();
    }

    private static byte[] EntryBytes(string zipPath, string name)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        using var stream = zip.GetEntry(name)!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Import_export_import_leaves_the_store_identical(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var first = await store.ImportAsync(RichPackage());
        Assert.True(first.Committed, ImportSemanticsTests.Errors(first));
        var snapshot = await store.SnapshotAsync();

        var exported = await ExportAsync(store, new ExportOptions());
        var again = await store.ImportAsync(exported);
        Assert.True(again.Committed, ImportSemanticsTests.Errors(again));
        Assert.Equal(snapshot, await store.SnapshotAsync());

        // The same package into an empty tenant gives the same records.
        await using var other = await TestStore.CreateAsync(provider);
        Assert.True((await other.ImportAsync(exported)).Committed);
        var second = await ExportAsync(other, new ExportOptions());
        foreach (var name in new[] { "users.csv", "enrollments.csv", "lineItems.csv", "results.csv", "manifest.csv" })
            Assert.Equal(Entry(exported, name), Entry(second, name));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Bulk_export_is_utf8_without_bom_with_blank_status_and_the_1_2_1_layout(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Assert.True((await store.ImportAsync(RichPackage())).Committed);
        var zip = await ExportAsync(store, new ExportOptions());
        var bytes = EntryBytes(zip, "users.csv");
        Assert.False(bytes.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()));
        var lines = Entry(zip, "users.csv").Split("\r\n");
        Assert.Equal(UsersHeader + ",metadata.jp.kanaFamilyName,metadata.jp.kanaGivenName,metadata.vendor.note", lines[0]);
        Assert.StartsWith("user-s1,,,true,pupil1,", lines[1], StringComparison.Ordinal);
        Assert.Contains("\"担任, 1年\"", lines[3], StringComparison.Ordinal);
        var manifest = Entry(zip, "manifest.csv");
        Assert.Contains("file.users,bulk", manifest, StringComparison.Ordinal);
        Assert.Contains("file.demographics,absent", manifest, StringComparison.Ordinal);
        Assert.Contains("oneroster.version,1.2", manifest, StringComparison.Ordinal);
        Assert.Contains("\"説明\n2行目\"", Entry(zip, "lineItems.csv"), StringComparison.Ordinal);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Export_in_a_japan_profile_writes_its_extension_columns_layout_and_version(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Assert.True((await store.ImportAsync(RichPackage())).Committed);

        var jp2 = await ExportAsync(store, new ExportOptions { Profile = OneRosterProfiles.JapanV2, QuoteAll = true });
        var users = Entry(jp2, "users.csv").Split("\r\n");
        Assert.Equal(string.Join(',', (Users12Header + ",metadata.jp.kanaGivenName,metadata.jp.kanaFamilyName,metadata.jp.kanaMiddleName,metadata.jp.homeClass,metadata.vendor.note").Split(',').Select(h => $"\"{h}\"")), users[0]);
        Assert.StartsWith("\"user-s1\",\"\",\"\",\"true\"", users[1], StringComparison.Ordinal);
        Assert.Contains("\"metadata.jp.ShussekiNo\"", Entry(jp2, "enrollments.csv"), StringComparison.Ordinal);
        Assert.Contains("\"oneroster.version\",\"1.2\"", Entry(jp2, "manifest.csv"), StringComparison.Ordinal);

        var k12 = await ExportAsync(store, new ExportOptions { Profile = OneRosterProfiles.JapanK12 });
        Assert.Contains("metadata.jp.shussekiNo", Entry(k12, "enrollments.csv").Split("\r\n")[0], StringComparison.Ordinal);
        Assert.Contains("oneroster.version,1.2_JP", Entry(k12, "manifest.csv"), StringComparison.Ordinal);
        Assert.Contains(",1,\r\n", Entry(k12, "enrollments.csv"), StringComparison.Ordinal);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Delta_export_holds_changes_and_deletions_since_a_timestamp(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Assert.True((await store.ImportAsync(RichPackage())).Committed);
        await Task.Delay(20);
        var since = DateTime.UtcNow;
        await Task.Delay(20);
        var change = await store.ImportAsync(new PackageBuilder().File("users", "delta", UsersHeader,
            "user-s2,tobedeleted,2026-06-01T00:00:00Z,,,,,,,,,,,,,,,,,,,",
            "user-s3,active,2026-06-01T00:00:00Z,true,pupil3,,三郎,高橋,,,,,,,P1,,,,,,org-school,"));
        Assert.True(change.Committed, ImportSemanticsTests.Errors(change));

        var zip = await ExportAsync(store, new ExportOptions { Delta = true, Since = since });
        var lines = Entry(zip, "users.csv").Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("user-s2,tobedeleted,20", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("user-s3,active,20", lines[2], StringComparison.Ordinal);
        var manifest = Entry(zip, "manifest.csv");
        Assert.Contains("file.users,delta", manifest, StringComparison.Ordinal);
        Assert.Contains("file.orgs,absent", manifest, StringComparison.Ordinal);

        // The delta package is itself importable (into a store that has the base records).
        await using var mirror = await TestStore.CreateAsync(provider);
        Assert.True((await mirror.ImportAsync(RichPackage())).Committed);
        var applied = await mirror.ImportAsync(zip);
        Assert.True(applied.Committed, ImportSemanticsTests.Errors(applied));
        Assert.Equal("tobedeleted", (await mirror.RowAsync("users", "user-s2"))!["status"]);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Exported_package_validates_cleanly(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Assert.True((await store.ImportAsync(RichPackage())).Committed);
        var zip = await ExportAsync(store, new ExportOptions { QuoteAll = true, UsersLayout12 = true });
        using var source = PackageSource.Open(zip);
        var result = await PackageProcessor.ProcessAsync(source, new ProcessingOptions());
        Assert.True(result.Accepted, string.Join("\n", result.Problems));
        Assert.Equal(0, result.WarningCount);
    }
}
