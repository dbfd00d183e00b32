using System.IO.Compression;
using System.Text;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Tests.TestSupport;

/// <summary>
/// Builds small OneRoster CSV packages for tests: a manifest plus files given as text, written to a temp folder or zip.
/// Files not added are declared absent.
/// </summary>
public sealed class PackageBuilder
{
    private readonly Dictionary<string, string> _modes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _manifestOverrides = new(StringComparer.Ordinal);

    public string OneRosterVersion { get; set; } = "1.2";

    /// <summary>Adds a data file: <paramref name="csv"/> is the whole file text (header + rows), UTF-8 without BOM.</summary>
    public PackageBuilder File(string name, string mode, string csv) => File(name, mode, Encoding.UTF8.GetBytes(csv));

    public PackageBuilder File(string name, string mode, byte[] bytes)
    {
        _modes[name] = mode;
        _files[name + ".csv"] = bytes;
        return this;
    }

    /// <summary>Adds a data file from a header (spec columns, comma separated) and rows.</summary>
    public PackageBuilder File(string name, string mode, string header, params string[] rows) =>
        File(name, mode, header + "\n" + string.Join("\n", rows) + (rows.Length > 0 ? "\n" : ""));

    /// <summary>The spec header of a file in the 1.2.1 layout, with optional extension columns.</summary>
    public static string Header(string file, params string[] extensions) =>
        string.Join(',', CsvBinding.Get(file).Layout121.Select(c => c.Name).Concat(extensions));

    /// <summary>Adds a raw file to the package (e.g. an unexpected file), without a manifest entry.</summary>
    public PackageBuilder Raw(string fileName, byte[] bytes)
    {
        _files[fileName] = bytes;
        return this;
    }

    public PackageBuilder Manifest(string property, string? value)
    {
        _manifestOverrides[property] = value;
        return this;
    }

    public PackageBuilder WithoutManifest()
    {
        _manifestOverrides["__none__"] = "";
        return this;
    }

    public string ManifestText()
    {
        var sb = new StringBuilder("propertyName,value\n");
        var props = new List<(string, string)> { ("manifest.version", "1.0"), ("oneroster.version", OneRosterVersion) };
        props.AddRange(CsvBinding.Files.Select(f => (f.ManifestKey, _modes.GetValueOrDefault(f.Name, "absent"))));
        foreach (var (k, v) in props)
        {
            if (_manifestOverrides.TryGetValue(k, out var o)) { if (o is not null) sb.Append(k).Append(',').Append(o).Append('\n'); }
            else sb.Append(k).Append(',').Append(v).Append('\n');
        }
        foreach (var (k, v) in _manifestOverrides.Where(kv => !props.Any(p => p.Item1 == kv.Key) && kv.Key != "__none__"))
            sb.Append(k).Append(',').Append(v).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes the package as a folder under a new temp directory and returns its path.</summary>
    public string WriteFolder()
    {
        var dir = Path.Combine(Path.GetTempPath(), "koumu-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        if (!_manifestOverrides.ContainsKey("__none__")) System.IO.File.WriteAllText(Path.Combine(dir, "manifest.csv"), ManifestText());
        foreach (var (name, bytes) in _files) System.IO.File.WriteAllBytes(Path.Combine(dir, name), bytes);
        return dir;
    }

    /// <summary>Writes the package as a zip and returns its path.</summary>
    public string WriteZip()
    {
        var path = Path.Combine(Path.GetTempPath(), "koumu-test-" + Guid.NewGuid().ToString("N") + ".zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        if (!_manifestOverrides.ContainsKey("__none__"))
            using (var w = new StreamWriter(zip.CreateEntry("manifest.csv").Open(), new UTF8Encoding(false))) w.Write(ManifestText());
        foreach (var (name, bytes) in _files)
            using (var s = zip.CreateEntry(name).Open()) s.Write(bytes);
        return path;
    }
}
