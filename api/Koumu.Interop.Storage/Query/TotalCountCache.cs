using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Koumu.Interop.Storage.Query;

/// <summary>
/// Exact <c>X-Total-Count</c> values (OneRoster 1.2 REST: the total number of records the request matches) without a
/// <c>COUNT(*)</c> over a million rows on every page. A total is kept per process under the tenant, the tenant's data
/// version (<c>tenants.data_version</c>, moved by every committed import in the import's own transaction) and a SHA-256
/// of the compiled count query — collection, fixed predicate, client confinement, route membership and filter SQL with
/// every parameter value. So a total is only reused for the very same question about the very same data: another
/// filter, another client's confinement or a newer import is another key, and a version read on every request means a
/// total of older data is never served, also when another hub process imported.
/// <para>
/// Bounded: two generations of at most half <see cref="Capacity"/> entries each; when the current one is full it
/// becomes the previous one and the older is dropped (a hit in the previous generation moves the entry forward), so
/// memory stays at about <see cref="Capacity"/> small entries whatever clients ask.
/// </para>
/// </summary>
public sealed class TotalCountCache
{
    /// <summary>Entries kept by default: 10,000 × ~100 bytes.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly Lock _rotation = new();
    private readonly int _generationSize;
    private ConcurrentDictionary<Key, long> _current = new();
    private ConcurrentDictionary<Key, long> _previous = new();

    public TotalCountCache(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        Capacity = capacity;
        _generationSize = capacity / 2;
    }

    public int Capacity { get; }

    /// <summary>Entries held now (both generations).</summary>
    public int Count => _current.Count + _previous.Count;

    /// <summary>How often a total came from the cache, and how often it was counted.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public long Misses => Interlocked.Read(ref _misses);

    private long _hits;
    private long _misses;

    internal bool TryGet(Key key, out long total)
    {
        if (_current.TryGetValue(key, out total) || (_previous.TryGetValue(key, out total) && Promote(key, total)))
        {
            Interlocked.Increment(ref _hits);
            return true;
        }
        Interlocked.Increment(ref _misses);
        return false;
    }

    internal void Add(Key key, long total)
    {
        var current = _current;
        if (current.Count >= _generationSize)
        {
            lock (_rotation)
            {
                if (ReferenceEquals(current, _current))
                {
                    _previous = current;
                    _current = new ConcurrentDictionary<Key, long>();
                }
            }
        }
        _current[key] = total;
    }

    private bool Promote(Key key, long total)
    {
        Add(key, total);
        return true;
    }

    /// <summary>
    /// The key of a count query of a tenant at a data version: the SQL and each parameter (name, type, value) go into
    /// the hash length-prefixed, so no two different queries can be made to write the same bytes.
    /// </summary>
    internal static Key KeyOf(int tenantId, long dataVersion, string countSql, IReadOnlyList<QueryParameter> parameters)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, countSql);
        foreach (var parameter in parameters)
        {
            Append(hash, parameter.Name);
            switch (parameter.Value)
            {
                case string s: Append(hash, "s"); Append(hash, s); break;
                case string[] list:
                    Append(hash, "a" + list.Length.ToString(CultureInfo.InvariantCulture));
                    foreach (var item in list) Append(hash, item);
                    break;
                case int i: Append(hash, "i"); Append(hash, i.ToString(CultureInfo.InvariantCulture)); break;
                case long l: Append(hash, "l"); Append(hash, l.ToString(CultureInfo.InvariantCulture)); break;
                case bool b: Append(hash, b ? "b1" : "b0"); break;
                case double d: Append(hash, "d"); Append(hash, d.ToString("R", CultureInfo.InvariantCulture)); break;
                case DateOnly date: Append(hash, "D"); Append(hash, date.ToString("O", CultureInfo.InvariantCulture)); break;
                case DateTime instant: Append(hash, "T"); Append(hash, instant.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture)); break;
                // A parameter type this key does not know is never cached under a guess.
                default: throw new ArgumentException($"Parameter {parameter.Name} of type {parameter.Value.GetType()} cannot be part of a count key.", nameof(parameters));
            }
        }
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return new Key(tenantId, dataVersion, BitConverter.ToUInt64(digest), BitConverter.ToUInt64(digest[8..]),
            BitConverter.ToUInt64(digest[16..]), BitConverter.ToUInt64(digest[24..]));
    }

    private static void Append(IncrementalHash hash, string text)
    {
        Span<byte> length = stackalloc byte[4];
        BitConverter.TryWriteBytes(length, Encoding.UTF8.GetByteCount(text));
        hash.AppendData(length);
        hash.AppendData(Encoding.UTF8.GetBytes(text));
    }

    internal readonly record struct Key(int TenantId, long DataVersion, ulong H0, ulong H1, ulong H2, ulong H3);
}
