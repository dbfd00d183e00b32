using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Koumu.Interop.Storage.Query;

/// <summary>
/// Where a keyset page starts: after the row whose sort value is <see cref="SortValue"/> and whose sourcedId is
/// <see cref="SourcedId"/> (<see cref="SortValue"/> is unused when the page is ordered by sourcedId alone).
/// </summary>
/// <param name="SortValue">string, DateOnly, DateTime (UTC), bool, double, or null when the last row had none.</param>
public sealed record KeysetPosition(object? SortValue, string SourcedId);

/// <summary>
/// The opaque cursor of a <c>next</c> link (pitfalls.md "Deep offset"): the keyset position of the page's last row and
/// a hash of the query's shape (<see cref="RosterQuery.Shape"/>), HMAC-SHA256 signed and base64url encoded. Clients
/// cannot forge a position (which could only move them inside what they may see anyway, but would make the token a
/// second query language) nor replay a cursor under another filter or order (which would skip or repeat rows).
/// The key is the host's: all hub processes behind one endpoint need the same key.
/// </summary>
public sealed class QueryCursorCodec
{
    /// <summary>Longer tokens are refused before any decoding (sourcedIds are at most a few hundred bytes).</summary>
    public const int MaxTokenLength = 4096;

    private const byte Version = 1;
    private const int ShapeLength = 16;
    private const int TagLength = 32;
    private readonly byte[] _key;

    public QueryCursorCodec(ReadOnlySpan<byte> key)
    {
        if (key.Length < 32) throw new ArgumentException("The cursor signing key needs at least 32 bytes.", nameof(key));
        _key = key.ToArray();
    }

    public string Encode(RosterQuery query, KeysetPosition position)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(position);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(ShapeHash(query));
            switch (position.SortValue)
            {
                case null: writer.Write((byte)0); break;
                case string s: writer.Write((byte)1); writer.Write(s); break;
                case DateOnly d: writer.Write((byte)2); writer.Write(d.DayNumber); break;
                case DateTime t: writer.Write((byte)3); writer.Write(DateTime.SpecifyKind(t, DateTimeKind.Utc).ToUniversalTime().Ticks); break;
                case bool b: writer.Write((byte)4); writer.Write(b); break;
                case double f: writer.Write((byte)5); writer.Write(f); break;
                default: throw new ArgumentException($"Unsupported sort value type {position.SortValue.GetType()}.", nameof(position));
            }
            writer.Write(position.SourcedId);
        }
        var payload = buffer.ToArray();
        var token = new byte[payload.Length + TagLength];
        payload.CopyTo(token, 0);
        HMACSHA256.HashData(_key, payload, token.AsSpan(payload.Length));
        return Base64Url.EncodeToString(token);
    }

    public QueryResult<KeysetPosition> Decode(string token, RosterQuery query)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(query);
        if (token.Length == 0 || token.Length > MaxTokenLength) return Invalid();
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(token); }
        catch (FormatException) { return Invalid(); }
        if (bytes.Length < 1 + ShapeLength + 1 + 1 + TagLength) return Invalid();
        var payload = bytes.AsSpan(0, bytes.Length - TagLength);
        Span<byte> expected = stackalloc byte[TagLength];
        HMACSHA256.HashData(_key, payload, expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(bytes.Length - TagLength))) return Invalid();
        if (payload[0] != Version) return Invalid();
        if (!payload.Slice(1, ShapeLength).SequenceEqual(ShapeHash(query)))
            return new QueryError(QueryCodeMinor.InvalidData, "cursor", "The cursor belongs to another filter or order; start again from the first page.");
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, 1 + ShapeLength, payload.Length - 1 - ShapeLength), Encoding.UTF8);
            object? value = reader.ReadByte() switch
            {
                0 => null,
                1 => reader.ReadString(),
                2 => DateOnly.FromDayNumber(reader.ReadInt32()),
                3 => new DateTime(reader.ReadInt64(), DateTimeKind.Utc),
                4 => reader.ReadBoolean(),
                5 => reader.ReadDouble(),
                _ => throw new FormatException(),
            };
            return QueryResult<KeysetPosition>.Ok(new KeysetPosition(value, reader.ReadString()));
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException or ArgumentOutOfRangeException)
        {
            // Only a token we signed gets here, so this means a key shared with an incompatible build.
            return Invalid();
        }
    }

    private static byte[] ShapeHash(RosterQuery query) => SHA256.HashData(Encoding.UTF8.GetBytes(query.Shape))[..ShapeLength];

    private static QueryError Invalid() => new(QueryCodeMinor.InvalidData, "cursor", "The cursor is not one this hub issued.");
}
