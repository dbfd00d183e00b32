namespace Koumu.Interop.Tests.TestSupport;

/// <summary>
/// Every storage test runs on SQLite and on PostgreSQL: use
/// <c>[SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]</c>
/// and <c>await using var store = await TestStore.CreateAsync(provider);</c>.
/// </summary>
public static class TestDatabases
{
    public static TheoryData<string> Providers => new() { "sqlite", "postgres" };
}
