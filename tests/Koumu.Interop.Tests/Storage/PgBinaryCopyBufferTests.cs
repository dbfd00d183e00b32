using CsCheck;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.TestSupport;
using Npgsql;

namespace Koumu.Interop.Tests.Storage;

/// <summary>
/// <see cref="PgBinaryCopyBuffer"/> writes PostgreSQL's binary COPY format itself (the xAPI store encodes a batch before
/// it takes the tenant's lock): every value it encodes must arrive in PostgreSQL as the value it was given.
/// </summary>
public sealed class PgBinaryCopyBufferTests
{
    private const string Copy = "COPY copy_probe (i, n, s, t, ts, b, bytes) FROM STDIN (FORMAT BINARY)";

    private static async Task<NpgsqlConnection> ProbeTableAsync(TestStore db)
    {
        var connection = (NpgsqlConnection)await db.Store.OpenConnectionAsync(default);
        await using var create = new NpgsqlCommand(
            "CREATE TEMP TABLE copy_probe (i integer, n bigint, s varchar(64) COLLATE \"C\", t text, ts timestamptz, b boolean, bytes bytea)", connection);
        await create.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task<List<object?[]>> ReadBackAsync(NpgsqlConnection connection)
    {
        await using var select = new NpgsqlCommand("SELECT i, n, s, t, ts, b, bytes FROM copy_probe ORDER BY n", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[7];
            for (var i = 0; i < 7; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    [SkippableFact]
    public async Task Every_type_arrives_as_written_and_a_patched_bigint_as_patched()
    {
        await using var db = await TestStore.CreateAsync("postgres");
        await using var connection = await ProbeTableAsync(db);
        var instant = new DateTime(2026, 4, 1, 8, 30, 15, 123, DateTimeKind.Utc).AddTicks(4560); // 123.456 ms
        using var buffer = new PgBinaryCopyBuffer(16); // smaller than the data: the buffer grows
        buffer.StartRow(7);
        buffer.Int32(-7);
        var at = buffer.Int64(1);
        buffer.Text("0d6f0c8e-5f7a-4b1e-9a53-2f0e6b7c9d10");
        buffer.Text("{\"name\":\"山田 太郎\",\"emoji\":\"🎓\",\"kana\":\"ヤマダ\"}");
        buffer.TimestampTz(instant);
        buffer.Boolean(true);
        buffer.Bytea([0, 1, 0xFE, 0xFF]);
        buffer.StartRow(7);
        buffer.Int32(int.MaxValue);
        buffer.Int64(long.MaxValue);
        buffer.Null();
        buffer.Text(null);
        buffer.TimestampTz(new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc)); // before PostgreSQL's epoch
        buffer.Boolean(false);
        buffer.Bytea([]);
        buffer.PatchInt64(at, 9_000_000_001);
        await buffer.CopyAsync(connection, Copy, default);

        var rows = await ReadBackAsync(connection);
        Assert.Equal(2, rows.Count);
        Assert.Equal(new object?[] { -7, 9_000_000_001L, "0d6f0c8e-5f7a-4b1e-9a53-2f0e6b7c9d10", "{\"name\":\"山田 太郎\",\"emoji\":\"🎓\",\"kana\":\"ヤマダ\"}", instant.AddTicks(-(instant.Ticks % 10)), true, new byte[] { 0, 1, 0xFE, 0xFF } }, rows[0]);
        Assert.Equal(new object?[] { int.MaxValue, long.MaxValue, null, null, new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Utc), false, Array.Empty<byte>() }, rows[1]);
    }

    [SkippableFact]
    public async Task Random_text_and_instants_round_trip()
    {
        await using var db = await TestStore.CreateAsync("postgres");
        await using var connection = await ProbeTableAsync(db);
        // Any text PostgreSQL accepts (no NUL, no lone surrogate) and any instant in timestamptz's range, to the microsecond.
        var text = Gen.String[Gen.Char.Where(c => c != '\0' && !char.IsSurrogate(c)), 0, 300];
        var instant = Gen.Long[new DateTime(1900, 1, 1).Ticks / 10, new DateTime(2200, 1, 1).Ticks / 10].Select(us => new DateTime(us * 10, DateTimeKind.Utc));
        await Gen.Select(text, instant, Gen.Bool).Array[1, 50].SampleAsync(async samples =>
        {
            await using (var truncate = new NpgsqlCommand("TRUNCATE copy_probe", connection)) await truncate.ExecuteNonQueryAsync();
            using var buffer = new PgBinaryCopyBuffer(64);
            for (var i = 0; i < samples.Length; i++)
            {
                var (t, ts, b) = samples[i];
                buffer.StartRow(7);
                buffer.Int32(i);
                buffer.Int64(i);
                buffer.Text(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                buffer.Text(t);
                buffer.TimestampTz(ts);
                buffer.Boolean(b);
                buffer.Bytea(System.Text.Encoding.UTF8.GetBytes(t));
            }
            await buffer.CopyAsync(connection, Copy, default);

            var rows = await ReadBackAsync(connection);
            Assert.Equal(samples.Length, rows.Count);
            for (var i = 0; i < samples.Length; i++)
            {
                var (t, ts, b) = samples[i];
                Assert.Equal(t, rows[i][3]);
                Assert.Equal(ts, rows[i][4]);
                Assert.Equal(b, rows[i][5]);
                Assert.Equal(System.Text.Encoding.UTF8.GetBytes(t), rows[i][6]);
            }
        }, iter: 40, threads: 1);
    }
}
