using System.Buffers.Text;
using System.Text;

namespace Koumu.Interop.Schemas.Demo;

/// <summary>
/// A small, allocation-free CSV writer for generated packages: UTF-8 without BOM (Japanese importers reject a BOM,
/// oneroster.md §3.4), CRLF record ends and RFC 4180 quoting — a field is quoted only when it contains a comma, a
/// double quote, CR or LF, and quotes inside it are doubled. Fields are encoded straight into one reused buffer.
/// </summary>
internal sealed class DemoCsvWriter : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private byte[] _buffer;
    private int _position;
    private bool _rowStarted;

    public DemoCsvWriter(Stream stream, bool ownsStream, int bufferSize = 1 << 20)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _buffer = new byte[bufferSize];
    }

    /// <summary>Data rows written (the header is not counted).</summary>
    public long Rows { get; private set; }

    /// <summary>Bytes written so far, header included.</summary>
    public long Bytes { get; private set; }

    public void Header(IEnumerable<string> names)
    {
        foreach (var name in names) Field(name);
        EndRecord();
        Rows--;
    }

    public void Empty() => Separator();

    public void Empty(int count)
    {
        for (var i = 0; i < count; i++) Separator();
    }

    public void Field(ReadOnlySpan<char> value)
    {
        Separator();
        if (value.IsEmpty) return;
        var quote = value.IndexOfAny(",\"\r\n") >= 0;
        // UTF-8 needs at most 3 bytes per UTF-16 unit; a quoted field at most twice that plus the two quotes.
        var worst = value.Length * (quote ? 6 : 3) + 2;
        Ensure(worst);
        if (!quote)
        {
            _position += Utf8.GetBytes(value, _buffer.AsSpan(_position));
            return;
        }
        _buffer[_position++] = (byte)'"';
        while (!value.IsEmpty)
        {
            var q = value.IndexOf('"');
            var chunk = q < 0 ? value : value[..(q + 1)];
            _position += Utf8.GetBytes(chunk, _buffer.AsSpan(_position));
            if (q < 0) break;
            _buffer[_position++] = (byte)'"';
            value = value[(q + 1)..];
        }
        _buffer[_position++] = (byte)'"';
    }

    /// <summary>A field known to hold only ASCII characters that never need quoting (ids, codes, dates, numbers).</summary>
    public void Ascii(ReadOnlySpan<char> value)
    {
        Separator();
        Ensure(value.Length);
        for (var i = 0; i < value.Length; i++) _buffer[_position + i] = (byte)value[i];
        _position += value.Length;
    }

    /// <summary>Two ASCII values joined by a comma: a list field, so it is quoted (CSV binding §2.1 "Lists").</summary>
    public void AsciiList(ReadOnlySpan<char> first, ReadOnlySpan<char> second)
    {
        Separator();
        Ensure(first.Length + second.Length + 3);
        _buffer[_position++] = (byte)'"';
        for (var i = 0; i < first.Length; i++) _buffer[_position++] = (byte)first[i];
        _buffer[_position++] = (byte)',';
        for (var i = 0; i < second.Length; i++) _buffer[_position++] = (byte)second[i];
        _buffer[_position++] = (byte)'"';
    }

    public void Field(int value)
    {
        Separator();
        Ensure(11);
        Utf8Formatter.TryFormat(value, _buffer.AsSpan(_position), out var written);
        _position += written;
    }

    public void Field(bool value) => Ascii(value ? "true" : "false");

    /// <summary>A calendar date as <c>YYYY-MM-DD</c> (CSV binding §2.1 "Dates").</summary>
    public void Field(DateOnly value)
    {
        Separator();
        Ensure(10);
        var span = _buffer.AsSpan(_position, 10);
        Digits(span[..4], value.Year);
        span[4] = (byte)'-';
        Digits(span.Slice(5, 2), value.Month);
        span[7] = (byte)'-';
        Digits(span.Slice(8, 2), value.Day);
        _position += 10;

        static void Digits(Span<byte> target, int number)
        {
            for (var i = target.Length - 1; i >= 0; i--, number /= 10) target[i] = (byte)('0' + number % 10);
        }
    }

    public void EndRecord()
    {
        Ensure(2);
        _buffer[_position++] = (byte)'\r';
        _buffer[_position++] = (byte)'\n';
        _rowStarted = false;
        Rows++;
    }

    public void Flush()
    {
        if (_position > 0)
        {
            _stream.Write(_buffer, 0, _position);
            Bytes += _position;
            _position = 0;
        }
        _stream.Flush();
    }

    public void Dispose()
    {
        Flush();
        if (_ownsStream) _stream.Dispose();
    }

    private void Separator()
    {
        if (_rowStarted)
        {
            Ensure(1);
            _buffer[_position++] = (byte)',';
        }
        _rowStarted = true;
    }

    private void Ensure(int bytes)
    {
        if (_position + bytes <= _buffer.Length) return;
        if (_position > 0)
        {
            _stream.Write(_buffer, 0, _position);
            Bytes += _position;
            _position = 0;
        }
        if (bytes > _buffer.Length) _buffer = new byte[Math.Max(bytes, _buffer.Length * 2)];
    }
}
