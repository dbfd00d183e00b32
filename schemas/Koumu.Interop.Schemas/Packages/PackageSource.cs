using System.IO.Compression;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Schemas.Packages;

/// <summary>Bounds that keep hostile packages from exhausting memory or disk (issue #2: zip bombs, huge lines).</summary>
public sealed record PackageLimits
{
    /// <summary>Largest uncompressed size of one entry.</summary>
    public long MaxEntryBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    /// <summary>Largest uncompressed size of all entries together.</summary>
    public long MaxTotalBytes { get; init; } = 32L * 1024 * 1024 * 1024;

    /// <summary>Largest uncompressed:compressed ratio accepted for an entry bigger than 1 MiB. Real CSV compresses ~5–15×.</summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Largest single CSV record, in characters; a longer record (e.g. a 100 MB line) is rejected, memory stays bounded.</summary>
    public int MaxRecordChars { get; init; } = 1024 * 1024;

    /// <summary>How many problems are kept in full; beyond it they are counted only.</summary>
    public int MaxProblemsKept { get; init; } = 100_000;

    /// <summary>
    /// Memory the reference layer may keep for sourcedId hashes (24 bytes an id or a reference); beyond it they are
    /// partitioned onto temporary files, so the footprint does not grow with the package (docs/benchmarks.md, Memory).
    /// Small on purpose: spilled chunks are written and read back sequentially and stay in the OS page cache, so a
    /// prefecture's package validated as fast with 0 bytes as with 192 MiB (13.4 s vs 14.8 s at 1,000,000 pupils).
    /// </summary>
    public long MaxIdMemoryBytes { get; init; } = 32L * 1024 * 1024;

    public static PackageLimits Default { get; } = new();
}

/// <summary>A package could not be opened at all (unsafe zip, not a zip, …).</summary>
public sealed class PackageRejectedException(Problem problem) : Exception(problem.MessageEn)
{
    public Problem Problem { get; } = problem;
}

/// <summary>A OneRoster CSV package: a zip or a folder with manifest.csv and data files at its root.</summary>
public interface IPackageSource : IDisposable
{
    string Description { get; }

    /// <summary>Names of the files in the package root (e.g. "users.csv").</summary>
    IReadOnlyCollection<string> FileNames { get; }

    bool Contains(string fileName);

    /// <summary>Opens a file for streaming; reads beyond the limits throw <see cref="PackageRejectedException"/>.</summary>
    Stream Open(string fileName);
}

public static class PackageSource
{
    /// <summary>Opens a zip file or a folder.</summary>
    public static IPackageSource Open(string path, PackageLimits? limits = null) =>
        Directory.Exists(path) ? new FolderPackageSource(path) : ZipPackageSource.Open(File.OpenRead(path), limits ?? PackageLimits.Default, path);
}

public sealed class FolderPackageSource : IPackageSource
{
    private readonly string _root;
    private readonly Dictionary<string, string> _files;

    public FolderPackageSource(string root)
    {
        _root = Path.GetFullPath(root);
        // Only regular files directly in the folder: no recursion, no following links out of the folder.
        _files = new DirectoryInfo(_root).EnumerateFiles()
            .Where(f => f.LinkTarget is null)
            .ToDictionary(f => f.Name, f => f.FullName, StringComparer.Ordinal);
    }

    public string Description => _root;

    public IReadOnlyCollection<string> FileNames => _files.Keys;

    public bool Contains(string fileName) => _files.ContainsKey(fileName);

    public Stream Open(string fileName) =>
        new FileStream(_files[fileName], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    public void Dispose() { }
}

public sealed class ZipPackageSource : IPackageSource
{
    private static readonly Rule UnsafeName = new("package.unsafe_entry_name", RuleLayer.Package, Severity.Error,
        "Zip entry name '{0}' is not allowed (absolute path, '..' segment or nested folder).",
        "ZIPエントリ名「{0}」は使用できません（絶対パス、「..」、またはサブフォルダ）。");
    private static readonly Rule NotAZip = new("package.not_a_zip", RuleLayer.Package, Severity.Error,
        "The upload is not a readable zip archive: {0}",
        "アップロードされたファイルは読み取り可能なZIPではありません: {0}");
    internal static readonly Rule TooLarge = new("package.entry_too_large", RuleLayer.Package, Severity.Error,
        "Zip entry '{0}' expands beyond the allowed size ({1} bytes) or beyond its declared size.",
        "ZIPエントリ「{0}」の展開後サイズが上限（{1}バイト）または宣言サイズを超えています。");
    private static readonly Rule Ratio = new("package.zip_bomb", RuleLayer.Package, Severity.Error,
        "Zip entry '{0}' has a compression ratio of {1:0}:1, above the limit of {2:0}:1 (possible zip bomb).",
        "ZIPエントリ「{0}」の圧縮率 {1:0}:1 が上限 {2:0}:1 を超えています（ZIP爆弾の可能性）。");

    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;
    private readonly PackageLimits _limits;
    private long _totalRead;

    private ZipPackageSource(ZipArchive zip, Dictionary<string, ZipArchiveEntry> entries, PackageLimits limits, string description)
    {
        _zip = zip;
        _entries = entries;
        _limits = limits;
        Description = description;
    }

    public static ZipPackageSource Open(Stream stream, PackageLimits limits, string description)
    {
        ZipArchive zip;
        try
        {
            // Windows tools write CP932 entry names without the UTF-8 flag; decode them as CP932 rather than garble.
            zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false, entryNameEncoding: ShiftJis.Encoding);
        }
        catch (InvalidDataException e)
        {
            stream.Dispose();
            throw new PackageRejectedException(NotAZip.At(null, null, null, null, e.Message));
        }

        var files = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
        // A zip made by "compress folder" has everything under one top folder: look through it.
        var prefix = CommonTopFolder(files.Select(e => e.FullName).ToList());
        var entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
        foreach (var entry in files)
        {
            var name = entry.FullName;
            if (name.StartsWith('/') || name.Contains('\\', StringComparison.Ordinal) || name.Split('/').Any(s => s is ".." or ".") ||
                name.Contains(':', StringComparison.Ordinal))
            {
                zip.Dispose();
                throw new PackageRejectedException(UnsafeName.At(null, null, null, name, name));
            }
            var local = name[prefix.Length..];
            if (local.Contains('/', StringComparison.Ordinal)) continue; // nested folders hold nothing of the package: ignored
            if (entry.Length > 1024 * 1024 && entry.CompressedLength > 0 &&
                (double)entry.Length / entry.CompressedLength > limits.MaxCompressionRatio)
            {
                zip.Dispose();
                throw new PackageRejectedException(Ratio.At(local, null, null, null, local, (double)entry.Length / entry.CompressedLength, limits.MaxCompressionRatio));
            }
            if (entry.Length > limits.MaxEntryBytes)
            {
                zip.Dispose();
                throw new PackageRejectedException(TooLarge.At(local, null, null, null, local, limits.MaxEntryBytes));
            }
            entries[local] = entry;
        }
        return new ZipPackageSource(zip, entries, limits, description);
    }

    private static string CommonTopFolder(List<string> names)
    {
        if (names.Count == 0 || names.Any(n => !n.Contains('/', StringComparison.Ordinal))) return "";
        var first = names[0][..(names[0].IndexOf('/', StringComparison.Ordinal) + 1)];
        return names.All(n => n.StartsWith(first, StringComparison.Ordinal)) ? first : "";
    }

    public string Description { get; }

    public IReadOnlyCollection<string> FileNames => _entries.Keys;

    public bool Contains(string fileName) => _entries.ContainsKey(fileName);

    public Stream Open(string fileName)
    {
        var entry = _entries[fileName];
        // Never trust the declared size: count what is actually inflated.
        var max = Math.Min(entry.Length, _limits.MaxEntryBytes);
        return new BoundedReadStream(entry.Open(), fileName, max, this);
    }

    internal void AddTotal(long bytes, string fileName)
    {
        _totalRead += bytes;
        if (_totalRead > _limits.MaxTotalBytes)
            throw new PackageRejectedException(TooLarge.At(fileName, null, null, null, fileName, _limits.MaxTotalBytes));
    }

    public void Dispose() => _zip.Dispose();

    private sealed class BoundedReadStream(Stream inner, string name, long max, ZipPackageSource owner) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            Count(n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Count(n);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Count(int n)
        {
            _read += n;
            if (_read > max) throw new PackageRejectedException(TooLarge.At(name, null, null, null, name, max));
            owner.AddTotal(n, name);
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Shift_JIS (CP932, with the Windows extensions such as ①, ㈱, 髙, 﨑) from the code-pages provider.</summary>
public static class ShiftJis
{
    static ShiftJis() => System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

    public static System.Text.Encoding Encoding { get; } = CreateEncoding();

    private static System.Text.Encoding CreateEncoding()
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        return System.Text.Encoding.GetEncoding(932);
    }
}
