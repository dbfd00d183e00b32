using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Npgsql;

namespace Koumu.Interop.Storage;

/// <summary>
/// Rows in PostgreSQL's binary COPY format (PostgreSQL documentation, "COPY", section "Binary Format"), encoded into a
/// pooled buffer ahead of the <c>COPY … FROM STDIN (FORMAT BINARY)</c> that sends them.
/// </summary>
/// <remarks>
/// Npgsql's <see cref="NpgsqlBinaryImporter"/> encodes while it sends, so the encoding happens inside whatever lock the
/// writer holds. Encoding first lets a writer do that work before it takes a lock, and patch values only known under the
/// lock (<see cref="PatchInt64"/>: a position in a sequence) in place. Only the types the callers write are supported;
/// each is the type's binary send format.
/// </remarks>
internal sealed class PgBinaryCopyBuffer : IDisposable
{
    // "PGCOPY\n\377\r\n\0", then the flags field and the header extension length (both 0).
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    // timestamptz is sent as microseconds since 2000-01-01 00:00:00 UTC.
    private static readonly long PostgresEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;

    private byte[] _buffer;
    private int _length;
    private bool _finished;

    public PgBinaryCopyBuffer(int capacity = 64 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 64));
        Signature.CopyTo(_buffer);
        _length = Signature.Length;
        WriteRawInt32(0);
        WriteRawInt32(0);
    }

    public void StartRow(short fieldCount) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), fieldCount);

    public void Null() => WriteRawInt32(-1);

    public void Int32(int value)
    {
        WriteRawInt32(4);
        WriteRawInt32(value);
    }

    /// <summary>Writes a bigint field and returns where its value is, for <see cref="PatchInt64"/>.</summary>
    public int Int64(long value)
    {
        WriteRawInt32(8);
        var offset = _length;
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        return offset;
    }

    public void Boolean(bool value)
    {
        WriteRawInt32(1);
        Reserve(1)[0] = value ? (byte)1 : (byte)0;
    }

    /// <summary>text / varchar: the UTF-8 bytes. PostgreSQL rejects a NUL character in text, as it would from Npgsql.</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }
        var count = Encoding.UTF8.GetByteCount(value);
        WriteRawInt32(count);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    public void Bytea(ReadOnlySpan<byte> value)
    {
        WriteRawInt32(value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>timestamptz of a UTC instant (microsecond precision; finer ticks are dropped, as Npgsql does).</summary>
    public void TimestampTz(DateTime utc)
    {
        if (utc.Kind != DateTimeKind.Utc) throw new ArgumentException("timestamptz values must be UTC.", nameof(utc));
        WriteRawInt32(8);
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), (utc.Ticks - PostgresEpochTicks) / 10);
    }

    /// <summary>Overwrites the bigint value written at <paramref name="offset"/> (as returned by <see cref="Int64"/>).</summary>
    public void PatchInt64(int offset, long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, _length - 8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(offset, 8), value);
    }

    /// <summary>Sends the rows (and the file trailer) as the data of <paramref name="copyFromStdin"/>, a <c>COPY … FROM STDIN (FORMAT BINARY)</c>.</summary>
    public async Task CopyAsync(NpgsqlConnection connection, string copyFromStdin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_finished)
        {
            BinaryPrimitives.WriteInt16BigEndian(Reserve(2), -1);
            _finished = true;
        }
        var stream = await connection.BeginRawBinaryCopyAsync(copyFromStdin, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
            await stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _finished = true;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void WriteRawInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);

    private Span<byte> Reserve(int count)
    {
        // After the trailer (or Dispose) nothing may be added: it would follow the end of the COPY data.
        if (_finished) throw new InvalidOperationException("The COPY data is finished; nothing can be written after it.");
        if (_length + count > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
