using Koumu.Interop.Schemas.Csv;
using Sylvan.Data.Csv;

namespace Koumu.Interop.Schemas.Validation;

/// <summary>manifest.csv of a OneRoster 1.2 CSV package.</summary>
public sealed class Manifest
{
    /// <summary>The <c>oneroster.version</c> values seen in the field (oneroster.md §2.1): accepted on input.</summary>
    public static readonly IReadOnlyList<string> AcceptedOneRosterVersions = ["1.2", "1.2.1", "1.2_JP"];

    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    public string? ManifestVersion => Properties.GetValueOrDefault("manifest.version");

    public string? OneRosterVersion => Properties.GetValueOrDefault("oneroster.version");

    /// <summary>Processing mode of each of the 21 data files.</summary>
    public IReadOnlyDictionary<string, ProcessingMode> Modes { get; init; } = new Dictionary<string, ProcessingMode>();

    public ProcessingMode ModeOf(CsvFileDefinition file) => Modes.GetValueOrDefault(file.Name, ProcessingMode.Absent);

    /// <param name="restOnlyFiles">REST-only files this package may declare too (the hub's REST write packages; none for uploads).</param>
    internal static Manifest Read(TextReader reader, IProblemSink sink, IReadOnlyList<CsvFileDefinition>? restOnlyFiles = null)
    {
        restOnlyFiles ??= [];
        const string file = "manifest.csv";
        var props = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var csv = CsvDataReader.Create(reader, new CsvDataReaderOptions { HasHeaders = true, MaxBufferSize = 1 << 20 }))
        {
            if (csv.FieldCount != 2 || csv.GetName(0) != "propertyName" || csv.GetName(1) != "value")
                sink.Report(Rules.ManifestHeader.At(file, 1, null, null));
            long line = 1;
            while (csv.Read())
            {
                line++;
                if (csv.RowFieldCount < 2) continue;
                var name = csv.GetString(0);
                var value = csv.GetString(1);
                if (!props.TryAdd(name, value)) sink.Report(Rules.ManifestDuplicateProperty.At(file, line, "propertyName", name, name));
            }
        }

        var manifestVersion = props.GetValueOrDefault("manifest.version");
        if (manifestVersion != "1.0") sink.Report(Rules.ManifestVersion.At(file, null, "manifest.version", manifestVersion, manifestVersion));
        var orVersion = props.GetValueOrDefault("oneroster.version");
        if (orVersion is null || !AcceptedOneRosterVersions.Contains(orVersion))
            sink.Report(Rules.ManifestOneRosterVersion.At(file, null, "oneroster.version", orVersion, orVersion));

        var modes = new Dictionary<string, ProcessingMode>(StringComparer.Ordinal);
        foreach (var def in CsvBinding.Files.Concat(restOnlyFiles))
        {
            if (!props.TryGetValue(def.ManifestKey, out var value))
            {
                sink.Report(Rules.ManifestFileKeyMissing.At(file, null, def.ManifestKey, null, def.ManifestKey));
                modes[def.Name] = ProcessingMode.Absent;
                continue;
            }
            switch (value)
            {
                case "absent": modes[def.Name] = ProcessingMode.Absent; break;
                case "bulk": modes[def.Name] = ProcessingMode.Bulk; break;
                case "delta": modes[def.Name] = ProcessingMode.Delta; break;
                default:
                    sink.Report(Rules.ManifestFileMode.At(file, null, def.ManifestKey, value, def.ManifestKey, value));
                    modes[def.Name] = ProcessingMode.Absent;
                    break;
            }
        }
        foreach (var key in props.Keys)
        {
            if (key is "manifest.version" or "oneroster.version" or "source.systemName" or "source.systemCode") continue;
            if (key.StartsWith("file.", StringComparison.Ordinal) && (CsvBinding.Find(key[5..]) is not null || restOnlyFiles.Any(f => f.ManifestKey == key))) continue;
            sink.Report(Rules.ManifestUnknownProperty.At(file, null, key, null, key));
        }
        return new Manifest { Properties = props, Modes = modes };
    }
}
