using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Import;

/// <summary>Bulk and delta semantics of the CSV import, on SQLite and PostgreSQL.</summary>
public sealed class ImportSemanticsTests
{
    private static string Errors(ImportOutcome outcome) => string.Join("\n", outcome.Result.Problems);

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Bulk_import_stores_every_record_as_active(string provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var outcome = await store.ImportAsync(Rostering());
        Assert.True(outcome.Committed, Errors(outcome));
        Assert.Equal(2, await store.CountAsync("orgs", "status = 'active'"));
        Assert.Equal(3, await store.CountAsync("users", "status = 'active'"));
        Assert.Equal(3, await store.CountAsync("enrollments"));
        var user = await store.RowAsync("users", "user-t1");
        Assert.NotNull(user);
        Assert.Equal("花子", user["given_name"]);
        Assert.Equal("{LTI:t1}", user["user_ids"]);
        Assert.Equal("active", user["status"]);
    }
}
