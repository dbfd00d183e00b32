using System.Runtime.InteropServices;

namespace Koumu.Interop.Schemas.Validation;

/// <summary>
/// The memory the reference layer may keep for sourcedId hashes across a whole package (<see cref="Packages.PackageLimits.MaxIdMemoryBytes"/>).
/// Chunks beyond it go to one temporary file per <see cref="HashPartitions"/>, so a package of any size validates in bounded
/// memory (issue #2: "peak memory under 1 GB whatever the package size"); below it nothing touches the disk.
/// </summary>
internal sealed class SpillBudget(long limitBytes) : IDisposable
{
    private string? _directory;

    public long Used { get; private set; }

    /// <summary>Bytes written to spill files (for tests and progress).</summary>
    public long Spilled { get; internal set; }

    public bool TryReserve(long bytes)
    {
        if (Used + bytes > limitBytes) return false;
        Used += bytes;
        return true;
    }

    public void Release(long bytes) => Used -= bytes;

    public string NewFile()
    {
        _directory ??= Directory.CreateTempSubdirectory("koumu-ids-").FullName;
        return Path.Combine(_directory, Guid.NewGuid().ToString("N"));
    }

    public void Dispose()
    {
        if (_directory is null) return;
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a file still open elsewhere: the OS temp cleaner takes it */ }
        catch (UnauthorizedAccessException) { }
        _directory = null;
    }
}

/// <summary>
/// A 128-bit sourcedId hash and a tag (a line and a column, or a flag). 24 bytes: <see cref="UInt128"/> itself is
/// 16-byte aligned, which would pad the pair to 32.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct HashEntry(UInt128 hash, long tag)
{
    private readonly ulong _low = (ulong)hash;
    private readonly ulong _high = (ulong)(hash >> 64);

    public long Tag { get; } = tag;

    public UInt128 Hash => new(_high, _low);

    /// <summary>Packs a line and a column index (below 256) into a tag.</summary>
    public static long LineTag(long line, int column) => (line << 8) | (uint)column;

    public long Line => Tag >> 8;

    public int Column => (int)(Tag & 0xFF);
}

/// <summary>
/// Entries grouped into <see cref="Count"/> partitions by the top bits of their hash — the build side of a grace hash
/// join. A check then loads one partition of each side at a time (1/64 of the ids), so the reference layer's memory
/// does not grow with the package: full chunks stay in memory while the shared <see cref="SpillBudget"/> allows and are
/// appended to a temporary file otherwise.
/// </summary>
internal sealed class HashPartitions(SpillBudget budget) : IDisposable
{
    public const int Bits = 6;
    public const int Count = 1 << Bits;
    private const int ChunkEntries = 4096;
    private static readonly int EntrySize = Marshal.SizeOf<HashEntry>();
    private static readonly long ChunkBytes = (long)ChunkEntries * EntrySize;

    private readonly HashEntry[]?[] _open = new HashEntry[Count][];
    private readonly int[] _fill = new int[Count];
    private readonly List<HashEntry[]>?[] _resident = new List<HashEntry[]>[Count];
    private readonly List<long>?[] _spilled = new List<long>[Count];
    private readonly long[] _sizes = new long[Count];
    private long _reserved;
    private FileStream? _file;

    public static int PartitionOf(UInt128 hash) => (int)(hash >> (128 - Bits));

    public void Add(UInt128 hash, long tag) => Add(PartitionOf(hash), hash, tag);

    /// <summary>Adds a key to a partition chosen by the caller (a key that is not itself a hash, e.g. a UUID, partitioned by its hash).</summary>
    public void Add(int partition, UInt128 key, long tag)
    {
        var chunk = _open[partition] ??= new HashEntry[ChunkEntries];
        chunk[_fill[partition]++] = new HashEntry(key, tag);
        _sizes[partition]++;
        if (_fill[partition] == ChunkEntries) Seal(partition, chunk);
    }

    /// <summary>How many entries partition <paramref name="partition"/> holds (to size a table before loading it).</summary>
    public long SizeOf(int partition) => _sizes[partition];

    private void Seal(int p, HashEntry[] chunk)
    {
        _fill[p] = 0;
        if (budget.TryReserve(ChunkBytes))
        {
            _reserved += ChunkBytes;
            (_resident[p] ??= []).Add(chunk);
            _open[p] = null;
            return;
        }
        // Over budget: append the chunk to this set's spill file and reuse the array for the next entries.
        _file ??= new FileStream(budget.NewFile(), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose);
        var offset = _file.Length;
        RandomAccess.Write(_file.SafeFileHandle, MemoryMarshal.AsBytes(chunk.AsSpan()), offset);
        budget.Spilled += ChunkBytes;
        (_spilled[p] ??= []).Add(offset);
    }

    /// <summary>Calls <paramref name="visit"/> with every entry of one partition (in no particular order).</summary>
    public void Read<TState>(int partition, ref TState state, EntryVisitor<TState> visit)
    {
        if (_resident[partition] is { } resident)
            foreach (var chunk in resident)
                foreach (ref readonly var entry in chunk.AsSpan()) visit(ref state, entry);
        if (_spilled[partition] is { } offsets)
        {
            var buffer = new HashEntry[ChunkEntries];
            foreach (var offset in offsets)
            {
                var bytes = MemoryMarshal.AsBytes(buffer.AsSpan());
                var read = 0;
                while (read < bytes.Length)
                {
                    var n = RandomAccess.Read(_file!.SafeFileHandle, bytes[read..], offset + read);
                    if (n == 0) throw new EndOfStreamException("The sourcedId spill file ended early.");
                    read += n;
                }
                foreach (ref readonly var entry in buffer.AsSpan()) visit(ref state, entry);
            }
        }
        if (_open[partition] is { } open)
            foreach (ref readonly var entry in open.AsSpan(0, _fill[partition])) visit(ref state, entry);
    }

    public void Dispose()
    {
        budget.Release(_reserved);
        _reserved = 0;
        Array.Clear(_resident);
        Array.Clear(_open);
        _file?.Dispose();
        _file = null;
    }
}

internal delegate void EntryVisitor<TState>(ref TState state, in HashEntry entry);

/// <summary>
/// One partition of a file's sourcedIds, loaded for lookups: an open-addressing table of hashes with a state and the
/// first line. Reused from partition to partition, so it grows to the largest partition and no further.
/// </summary>
internal sealed class PartitionTable
{
    public const byte Absent = 0, Active = 1, Deleted = 2;
    private UInt128[] _keys = new UInt128[1024];
    private byte[] _states = new byte[1024];
    private long[] _lines = new long[1024];
    private int _mask = 1023;

    public void Reset(long expected)
    {
        var size = 1024;
        while (size < expected * 2) size <<= 1; // load ≤ 50 %: short probe sequences
        if (size > _keys.Length)
        {
            _keys = new UInt128[size];
            _states = new byte[size];
            _lines = new long[size];
        }
        else
        {
            Array.Clear(_states);
        }
        _mask = _keys.Length - 1;
    }

    /// <summary>
    /// Adds a hash seen at <paramref name="line"/>. Returns 0 when it is new, otherwise the other line that has it (the
    /// table keeps the earliest): chunks are not read back in file order, so the caller reports the later of the two.
    /// A deletion row marks the id deleted.
    /// </summary>
    public long Add(UInt128 hash, long line, bool deletion)
    {
        for (var i = Slot(hash); ; i = (i + 1) & _mask)
        {
            if (_states[i] == Absent)
            {
                _keys[i] = hash;
                _states[i] = deletion ? Deleted : Active;
                _lines[i] = line;
                return 0;
            }
            if (_keys[i] == hash)
            {
                if (deletion) _states[i] = Deleted;
                var other = _lines[i];
                if (line < other) _lines[i] = line;
                return other;
            }
        }
    }

    public byte Lookup(UInt128 hash)
    {
        for (var i = Slot(hash); ; i = (i + 1) & _mask)
        {
            var state = _states[i];
            if (state == Absent || _keys[i] == hash) return state;
        }
    }

    private int Slot(UInt128 hash) => (int)((ulong)hash & (ulong)_mask);
}
