using System.Text;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Schemas.Validation;

/// <summary>
/// References of a delta package to records that are not in the package (an enrollment's user or class that only the
/// store has), kept with the first place each id was seen until the store is asked once the package has been read.
/// A delta of a prefecture's enrollments refers to a million stored users: the pending ids are kept in memory while the
/// shared <see cref="SpillBudget"/> allows and appended to a temporary file beyond it, so a delta of any size is checked in
/// bounded memory (issue #2: "peak memory under 1 GB whatever the package size").
/// </summary>
internal sealed class ExternalReferences(SpillBudget budget) : IDisposable
{
    /// <summary>Ids per store query (one <c>= ANY(@ids)</c> round trip each).</summary>
    public const int ChunkSize = 5_000;

    /// <summary>Problems are reported once per missing id; beyond this many the same id may be counted again (never named twice in the kept problems).</summary>
    private const int MaxRemembered = 100_000;

    private readonly Dictionary<string, Dictionary<string, Pending>> _memory = new(StringComparer.Ordinal);
    private long _reserved;
    private FileStream? _file;
    private BinaryWriter? _writer;

    public readonly record struct Pending(string File, long Line, string Column);

    /// <summary>Bytes of pending references appended to the spill file (for tests).</summary>
    public long Spilled { get; private set; }

    public bool IsEmpty => _memory.Count == 0 && _file is null;

    public void Add(string target, string id, string file, long line, string column)
    {
        if (!_memory.TryGetValue(target, out var pending)) _memory[target] = pending = new Dictionary<string, Pending>(StringComparer.Ordinal);
        if (pending.ContainsKey(id)) return;
        // The id's string, the dictionary entry and the tuple (file and column names are shared strings).
        var bytes = 2L * id.Length + 96;
        if (!budget.TryReserve(bytes))
        {
            Spill();
            if (!budget.TryReserve(bytes))
            {
                Write(target, id, new Pending(file, line, column));
                return;
            }
            if (!_memory.TryGetValue(target, out pending)) _memory[target] = pending = new Dictionary<string, Pending>(StringComparer.Ordinal);
        }
        _reserved += bytes;
        pending[id] = new Pending(file, line, column);
    }

    /// <summary>Appends every pending reference held in memory to the spill file and frees the memory.</summary>
    private void Spill()
    {
        foreach (var (target, pending) in _memory)
            foreach (var (id, at) in pending)
                Write(target, id, at);
        _memory.Clear();
        budget.Release(_reserved);
        _reserved = 0;
    }

    private void Write(string target, string id, Pending at)
    {
        if (_writer is null)
        {
            _file = new FileStream(budget.NewFile(), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _writer = new BinaryWriter(_file, Encoding.UTF8, leaveOpen: true);
        }
        var before = _file!.Position;
        _writer.Write(target);
        _writer.Write(id);
        _writer.Write(at.File);
        _writer.Write(at.Line);
        _writer.Write(at.Column);
        _writer.Flush();
        Spilled += _file.Position - before;
    }

    /// <summary>
    /// Every pending reference, oldest first (the spilled ones, then those still in memory), per target file in chunks
    /// of at most <see cref="ChunkSize"/> distinct ids.
    /// </summary>
    public IEnumerable<(string Target, Dictionary<string, Pending> Chunk)> Chunks(CancellationToken ct)
    {
        if (_writer is not null)
        {
            _writer.Flush();
            _file!.Position = 0;
            var open = new Dictionary<string, Dictionary<string, Pending>>(StringComparer.Ordinal);
            using (var reader = new BinaryReader(_file, Encoding.UTF8, leaveOpen: true))
            {
                while (_file.Position < _file.Length)
                {
                    ct.ThrowIfCancellationRequested();
                    var target = reader.ReadString();
                    var id = reader.ReadString();
                    var at = new Pending(reader.ReadString(), reader.ReadInt64(), reader.ReadString());
                    if (!open.TryGetValue(target, out var chunk)) open[target] = chunk = new Dictionary<string, Pending>(StringComparer.Ordinal);
                    chunk.TryAdd(id, at);
                    if (chunk.Count < ChunkSize) continue;
                    open.Remove(target);
                    yield return (target, chunk);
                }
            }
            foreach (var (target, chunk) in open) yield return (target, chunk);
        }
        foreach (var (target, pending) in _memory)
            foreach (var chunk in pending.Chunk(ChunkSize))
                yield return (target, chunk.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
    }

    /// <summary>
    /// Asks <paramref name="store"/> for every pending id and reports each one it does not hold, once, at the first place
    /// it was referenced. Without a store (validation only) the first 100 pending ids of each target are reported as
    /// unverifiable.
    /// </summary>
    public async Task ResolveAsync(IStoredRecordLookup? store, ProblemCollector problems, CancellationToken ct)
    {
        var reported = new HashSet<(string, string)>();
        var unverifiable = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (targetName, chunk) in Chunks(ct))
        {
            if (store is null)
            {
                foreach (var (id, at) in chunk)
                {
                    var count = unverifiable.GetValueOrDefault(targetName);
                    if (count == 100) break;
                    if (!Remember(reported, targetName, id)) continue;
                    unverifiable[targetName] = count + 1;
                    problems.Report(Rules.Unverifiable.At(at.File, at.Line, at.Column, id, id, targetName));
                }
                continue;
            }
            var found = await store.FindActiveAsync(CsvBinding.FindAny(targetName)!, chunk.Keys, ct).ConfigureAwait(false);
            foreach (var (id, at) in chunk)
                if (!found.Contains(id) && Remember(reported, targetName, id))
                    problems.Report(Rules.Unresolved.At(at.File, at.Line, at.Column, id, id, targetName, " or the store", "・既存データ"));
        }
    }

    private static bool Remember(HashSet<(string, string)> reported, string target, string id) =>
        reported.Count >= MaxRemembered || reported.Add((target, id));

    public void Dispose()
    {
        _writer?.Dispose();
        _file?.Dispose();
        _writer = null;
        _file = null;
        budget.Release(_reserved);
        _reserved = 0;
        _memory.Clear();
    }
}
