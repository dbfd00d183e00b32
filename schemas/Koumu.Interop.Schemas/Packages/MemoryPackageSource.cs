using System.Text;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Schemas.Packages;

/// <summary>
/// A small OneRoster CSV package held in memory: manifest.csv (manifest.version 1.0, oneroster.version 1.2, every
/// listed file <c>delta</c>, the others <c>absent</c>) and one UTF-8 CSV file per listed file, rows in the order given.
/// It lets a REST write run through the import pipeline (<see cref="Validation.PackageProcessor"/>) exactly like an
/// uploaded delta package, so both paths share types, enumerations, references, profiles and the all-or-nothing
/// transaction (issue #3). Header: the file's CSV Binding 1.2.1 columns, then the <c>metadata.*</c> columns any row
/// uses (sorted). Values are quoted per RFC 4180 when they hold a comma, a quote or a line break.
/// </summary>
public sealed class MemoryPackageSource : IPackageSource
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    /// <param name="rows">Rows per file: each row maps CSV header names (spec columns and <c>metadata.*</c>) to their text; absent means blank.</param>
    /// <param name="restOnlyFiles">Files outside the 21 of the CSV binding that the package may carry (REST-only objects), also declared in the manifest.</param>
    public MemoryPackageSource(IEnumerable<KeyValuePair<CsvFileDefinition, IReadOnlyList<IReadOnlyDictionary<string, string>>>> rows,
        IEnumerable<CsvFileDefinition>? restOnlyFiles = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var byFile = rows.ToDictionary(p => p.Key, p => p.Value);
        var manifest = new StringBuilder("propertyName,value\r\nmanifest.version,1.0\r\noneroster.version,1.2\r\n");
        foreach (var file in CsvBinding.Files.Concat(restOnlyFiles ?? []))
        {
            var present = byFile.TryGetValue(file, out var fileRows);
            manifest.Append(file.ManifestKey).Append(',').Append(present ? "delta" : "absent").Append("\r\n");
            if (present) _files[file.FileName] = Encoding.UTF8.GetBytes(Csv(file, fileRows!));
        }
        _files["manifest.csv"] = Encoding.UTF8.GetBytes(manifest.ToString());
    }

    public string Description => "REST request";

    public IReadOnlyCollection<string> FileNames => _files.Keys;

    public bool Contains(string fileName) => _files.ContainsKey(fileName);

    public Stream Open(string fileName) => new MemoryStream(_files[fileName], writable: false);

    public void Dispose() { }

    /// <summary>The CSV text of one file (for tests and diagnostics).</summary>
    public string Text(string fileName) => Encoding.UTF8.GetString(_files[fileName]);

    private static string Csv(CsvFileDefinition file, IReadOnlyList<IReadOnlyDictionary<string, string>> rows)
    {
        var extensions = rows.SelectMany(r => r.Keys).Where(k => k.StartsWith("metadata.", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var header = file.Layout121.Select(c => c.Name).Concat(extensions).ToList();
        var sb = new StringBuilder();
        sb.AppendJoin(',', header.Select(Quote)).Append("\r\n");
        foreach (var row in rows)
        {
            for (var i = 0; i < header.Count; i++)
            {
                if (i > 0) sb.Append(',');
                if (row.TryGetValue(header[i], out var value)) sb.Append(Quote(value));
            }
            sb.Append("\r\n");
        }
        return sb.ToString();
    }

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
