using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Tests.TestSupport;

namespace Koumu.Interop.Tests.Demo;

/// <summary>The generated package is what the benchmark and the embedded demo import: it must store cleanly on both databases.</summary>
public sealed class DemoImportTests
{
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Demo_package_imports_into_the_store_with_every_record(string provider)
    {
        var folder = Path.Combine(Path.GetTempPath(), "koumu-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var counts = DemoGenerator.Write(DemoOptions.Demo, folder);
            await using var store = await TestStore.CreateAsync(provider);
            var outcome = await store.ImportAsync(folder, OneRosterProfiles.JapanV121);
            Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems.Take(10).Select(p => $"{p.RuleId} {p.File}:{p.Line} {p.MessageEn}")));
            foreach (var file in DemoGenerator.Files)
                Assert.Equal(counts.Rows[file.Name], await store.CountAsync(file.StorageName, "status = 'active'"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
