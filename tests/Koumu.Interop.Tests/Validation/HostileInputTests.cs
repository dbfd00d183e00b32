using System.IO.Compression;
using System.Text;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Tests.Import;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Validation;

/// <summary>Hostile packages get a clear error, a bounded memory footprint and an unchanged store.</summary>
public sealed class HostileInputTests
{
    public static readonly string[] RuleIds =
        ["structure.record_too_large", "package.unsafe_entry_name", "package.not_a_zip", "package.entry_too_large", "package.zip_bomb"];

    private static string TempPath(string suffix) => Path.Combine(Path.GetTempPath(), $"koumu-hostile-{Guid.NewGuid():N}{suffix}");

    private static string ZipWith(params (string Name, byte[] Bytes)[] entries)
    {
        var path = TempPath(".zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, bytes) in entries)
            using (var s = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open()) s.Write(bytes);
        return path;
    }

    private static async Task<ProcessingResult> ValidateAsync(string path, ProcessingOptions? options = null)
    {
        try
        {
            using var source = PackageSource.Open(path, options?.Limits);
            return await PackageProcessor.ProcessAsync(source, options ?? new ProcessingOptions());
        }
        catch (PackageRejectedException e)
        {
            return new ProcessingResult { Manifest = null, Problems = [e.Problem], ErrorCount = 1, WarningCount = 0, Files = [] };
        }
    }

    [Fact]
    public async Task Zip_bomb_is_rejected_before_it_is_inflated()
    {
        var manifest = Encoding.UTF8.GetBytes(Rostering().ManifestText());
        var path = ZipWith(("manifest.csv", manifest), ("users.csv", new byte[64 * 1024 * 1024]));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await ValidateAsync(path);
        Assert.Contains(result.Problems, p => p is { RuleId: "package.zip_bomb", File: "users.csv" });
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 32 * 1024 * 1024, "validation must not inflate the bomb");
    }

    [Theory]
    [InlineData("../manifest.csv")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b.csv")]
    [InlineData("..\\orgs.csv")]
    public async Task Zip_entry_escaping_the_package_is_rejected(string name)
    {
        var path = ZipWith(("manifest.csv", Encoding.UTF8.GetBytes(Rostering().ManifestText())), (name, "x"u8.ToArray()));
        var result = await ValidateAsync(path);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("package.unsafe_entry_name", problem.RuleId);
        Assert.Equal(name, problem.Value);
    }

    [Fact]
    public async Task Upload_that_is_not_a_zip_is_rejected()
    {
        var path = TempPath(".zip");
        await File.WriteAllTextAsync(path, "this is not a zip");
        var result = await ValidateAsync(path);
        Assert.Equal("package.not_a_zip", Assert.Single(result.Problems).RuleId);
    }

    [Fact]
    public async Task Entry_larger_than_the_limit_is_rejected()
    {
        var path = Rostering().WriteZip();
        var result = await ValidateAsync(path, new ProcessingOptions { Limits = new PackageLimits { MaxEntryBytes = 100 } });
        Assert.Contains(result.Problems, p => p.RuleId == "package.entry_too_large");
        Assert.False(result.Accepted);
    }

    [Fact]
    public async Task A_100_MB_single_line_is_rejected_with_bounded_memory()
    {
        var folder = Rostering().WriteFolder();
        await using (var file = File.Create(Path.Combine(folder, "users.csv")))
        {
            await file.WriteAsync(Encoding.UTF8.GetBytes(UsersHeader + "\n" + string.Join("\n", UserRows) + "\nuser-x,,,true,"));
            var chunk = Encoding.ASCII.GetBytes(new string('a', 1024 * 1024));
            for (var i = 0; i < 100; i++) await file.WriteAsync(chunk);
            await file.WriteAsync("\n"u8.ToArray());
        }
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await ValidateAsync(folder);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(result.Problems.Any(p => p is { RuleId: "structure.record_too_large", File: "users.csv", Line: 5 }), string.Join("\n", result.Problems));
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated / 1024 / 1024} MB for a 100 MB line");
    }

    [Fact]
    public async Task Shift_jis_file_is_reported_as_invalid_utf8_unless_the_encoding_is_given()
    {
        var sjis = ShiftJis.Encoding;
        var orgs = OrgsHeader + "\n" + "org-district,,,髙﨑市教育委員会①,district,131016,\norg-school,,,第一小学校㈱,school,,org-district\n";
        var package = Rostering().File("orgs", "bulk", sjis.GetBytes(orgs));

        var asUtf8 = await BaseRuleTests.ValidateAsync(package);
        Assert.Contains(asUtf8.Problems, p => p is { RuleId: "structure.invalid_utf8", File: "orgs.csv", Line: 2, Column: "name" });
        Assert.False(asUtf8.Accepted);

        var all = new PackageBuilder();
        foreach (var (name, mode, text) in new[] { ("orgs", "bulk", orgs) })
            all.File(name, mode, sjis.GetBytes(text));
        var asSjis = await BaseRuleTests.ValidateAsync(all, new ProcessingOptions { SourceEncoding = sjis });
        Assert.True(asSjis.Accepted, string.Join("\n", asSjis.Problems));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Hostile_packages_leave_the_store_unchanged(string provider)
    {
        await using var store = await ImportSemanticsTests.StoreWithRosterAsync(provider);
        var snapshot = await store.SnapshotAsync();
        var hostile = new List<PackageBuilder>
        {
            Rostering().File("users", "bulk", UsersHeader, UserRows[0], UserRows[0]),                          // duplicate sourcedIds
            Rostering().File("orgs", "bulk", OrgsHeader, "org-district,,,Board,district,,org-school", OrgRows[1]), // cyclic orgs
            Rostering().Manifest("file.categories", "bulk"),                                                    // manifest names a missing file
            Rostering().File("orgs", "bulk", Encoding.UTF8.GetBytes(OrgsHeader + "\n").Concat(new byte[] { 0xFF, 0xFE, 0x2C }).ToArray()),
        };
        foreach (var package in hostile)
        {
            var outcome = await store.ImportAsync(package, zip: true);
            Assert.False(outcome.Committed);
            Assert.Equal(snapshot, await store.SnapshotAsync());
        }
    }
}
