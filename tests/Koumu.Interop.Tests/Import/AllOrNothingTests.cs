using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Import;

/// <summary>An import is all-or-nothing: if anything is rejected, or the hub fails mid-way, nothing changes.</summary>
public sealed class AllOrNothingTests
{
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Package_with_one_bad_row_in_its_last_file_changes_nothing(string provider)
    {
        await using var store = await ImportSemanticsTests.StoreWithRosterAsync(provider);
        var snapshot = await store.SnapshotAsync();
        var package = Rostering()
            .File("users", "bulk", UsersHeader, UserRows[0])   // would delete two pupils…
            .File("enrollments", "bulk", EnrollmentsHeader, "enr-t1,,,class-1,org-school,user-t1,teacher,maybe,,"); // …but this row is bad
        var outcome = await store.ImportAsync(package);
        Assert.False(outcome.Committed);
        Assert.Contains(outcome.Result.Problems, p => p is { RuleId: "type.boolean", File: "enrollments.csv", Line: 2, Column: "primary" });
        Assert.Equal(snapshot, await store.SnapshotAsync());
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Failure_forced_mid_import_leaves_the_store_unchanged(string provider)
    {
        await using var store = await ImportSemanticsTests.StoreWithRosterAsync(provider);
        var snapshot = await store.SnapshotAsync();
        var package = Rostering().File("users", "bulk", UsersHeader,
            UserRows[0].Replace("花子", "花", StringComparison.Ordinal), UserRows[1], "user-s9,,,true,p9,,九郎,田中,,,,,,,P1,,,,,,org-school,");
        using var source = PackageSource.Open(package.WriteFolder());
        await Assert.ThrowsAsync<IOException>(() => store.Store.ImportAsync(store.TenantId, source, new ProcessingOptions(),
            sink => new FailingSink(sink, failAtFile: "users", afterRows: 2), CancellationToken.None));
        Assert.Equal(snapshot, await store.SnapshotAsync());
    }

    /// <summary>Passes records through, then fails like a lost disk or connection would.</summary>
    private sealed class FailingSink(IRecordSink inner, string failAtFile, int afterRows) : IRecordSink
    {
        private int _rows;

        public ValueTask BeginPackageAsync(Manifest manifest, CancellationToken cancellationToken) => inner.BeginPackageAsync(manifest, cancellationToken);

        public ValueTask BeginFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) =>
            inner.BeginFileAsync(file, mode, cancellationToken);

        public async ValueTask WriteAsync(CsvRecord record, CancellationToken cancellationToken)
        {
            if (record.File.Name == failAtFile && ++_rows > afterRows) throw new IOException("simulated failure mid-import");
            await inner.WriteAsync(record, cancellationToken);
        }

        public ValueTask EndFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) =>
            inner.EndFileAsync(file, mode, cancellationToken);

        public ValueTask AbandonFileAsync(CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) =>
            inner.AbandonFileAsync(file, mode, cancellationToken);
    }
}
