using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Schemas.Validation;

/// <summary>
/// One parsed data row of a OneRoster CSV file, with values already converted to their storage types.
/// <see cref="Values"/> is indexed like <see cref="CsvFileDefinition.Columns"/> (the 1.2 superset layout);
/// a column absent from the file's header or left blank is <c>null</c>.
/// Values: Text/Enumeration/lists/references → string; Date → DateOnly; DateTime/DateLastModified → DateTime (UTC);
/// Boolean → bool; Float → double.
/// </summary>
public sealed class CsvRecord
{
    public CsvRecord(CsvFileDefinition file, long line, object?[] values, string? metadataJson)
    {
        File = file;
        Line = line;
        Values = values;
        MetadataJson = metadataJson;
    }

    public CsvFileDefinition File { get; }

    /// <summary>1-based physical line number of the row's first line in the file (the header is line 1).</summary>
    public long Line { get; }

    public object?[] Values { get; }

    /// <summary>The row's <c>metadata.*</c> extension columns as the JSON <c>metadata</c> object (e.g. {"jp":{…}}), or null.</summary>
    public string? MetadataJson { get; set; }

    /// <summary>Raw text of the <c>metadata.*</c> columns, keyed by the normalised column name (e.g. <c>metadata.jp.shussekiNo</c>).</summary>
    public IReadOnlyDictionary<string, string>? Extensions { get; init; }

    public string SourcedId => (string)Values[0]!;

    /// <summary><c>active</c> or <c>tobedeleted</c>; null in bulk rows (blank status means active).</summary>
    public string? Status => (string?)Values[1];

    public bool IsDeletion => Status == "tobedeleted";

    public object? this[string column] => Values[File.IndexOf(column)];

    public string? Text(string column) => this[column] as string;

    public string? Extension(string column) => Extensions is not null && Extensions.TryGetValue(column, out var v) ? v : null;
}
