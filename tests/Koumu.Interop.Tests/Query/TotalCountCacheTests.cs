using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Tests.Query;

/// <summary>The count cache's keys and bounds, without a database.</summary>
public sealed class TotalCountCacheTests
{
    private const string Sql = "SELECT COUNT(*) FROM users t WHERE t.tenant_id = @tenant AND (t.family_name = @f0)";

    private static TotalCountCache.Key Key(object value, int tenant = 1, long version = 1, string sql = Sql) =>
        TotalCountCache.KeyOf(tenant, version, sql, [new("tenant", tenant), new("f0", value)]);

    [Fact]
    public void A_key_differs_by_tenant_data_version_sql_parameter_value_and_parameter_type()
    {
        var keys = new[]
        {
            Key("佐藤"), Key("鈴木"), Key("佐藤", tenant: 2), Key("佐藤", version: 2), Key("佐藤", sql: Sql.Replace("=", "<>", StringComparison.Ordinal)),
            Key("1"), Key(1), Key(1L), Key(1.0), Key(true), Key("true"),
            Key(new DateOnly(2026, 4, 1)), Key("2026-04-01"), Key(new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc)),
            Key(new[] { "a", "b" }), Key(new[] { "a,b" }), Key(new[] { "ab" }), Key(new[] { "a", "b", "" }),
        };
        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(Key("佐藤"), Key("佐藤"));
        Assert.Equal(Key(new[] { "a", "b" }), Key(new[] { "a", "b" }));
    }

    [Fact]
    public void Values_cannot_be_shifted_between_parameters_to_forge_another_key()
    {
        var a = TotalCountCache.KeyOf(1, 1, Sql, [new("f0", "ab"), new("f1", "c")]);
        var b = TotalCountCache.KeyOf(1, 1, Sql, [new("f0", "a"), new("f1", "bc")]);
        var c = TotalCountCache.KeyOf(1, 1, Sql + "f0", [new("", "ab"), new("f1", "c")]);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void A_parameter_type_the_key_does_not_know_is_refused_rather_than_guessed()
    {
        Assert.Throws<ArgumentException>(() => Key(new object()));
        Assert.Throws<ArgumentException>(() => Key(Guid.Empty));
    }

    [Fact]
    public void The_cache_stays_within_its_capacity_whatever_is_asked()
    {
        var cache = new TotalCountCache(capacity: 100);
        for (var i = 0; i < 100_000; i++) cache.Add(Key("name" + i), i);
        Assert.InRange(cache.Count, 1, cache.Capacity);
        Assert.True(cache.TryGet(Key("name99999"), out var last));
        Assert.Equal(99_999, last);
        Assert.False(cache.TryGet(Key("name0"), out _));
    }

    [Fact]
    public void A_recently_read_total_survives_a_generation_change()
    {
        var cache = new TotalCountCache(capacity: 4);
        cache.Add(Key("kept"), 7);
        cache.Add(Key("a"), 1);
        cache.Add(Key("b"), 2); // the first generation is full: "kept" moves to the previous one
        Assert.True(cache.TryGet(Key("kept"), out var kept)); // read: promoted into the current generation
        cache.Add(Key("c"), 3);
        cache.Add(Key("d"), 4);
        Assert.True(cache.TryGet(Key("kept"), out kept));
        Assert.Equal(7, kept);
        Assert.InRange(cache.Count, 1, cache.Capacity);
    }

    [Fact]
    public void A_capacity_below_two_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotalCountCache(capacity: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TotalCountCache(capacity: -5));
    }
}
