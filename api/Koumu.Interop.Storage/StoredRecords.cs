using System.Data.Common;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Storage;

/// <summary>Reads roster rows back into their typed CSV-form values: the one place that knows each storage type's reader.</summary>
public static class StoredRecords
{
    /// <summary>A column's value as the pipeline types it (DateOnly, UTC DateTime, bool, double, string), or null.</summary>
    public static object? ReadValue(DbDataReader reader, int ordinal, StorageType type)
    {
        if (reader.IsDBNull(ordinal)) return null;
        return type switch
        {
            StorageType.Date => reader.GetFieldValue<DateOnly>(ordinal),
            // SQLite returns the stored text as an unspecified DateTime; both databases hold UTC.
            StorageType.Instant => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc),
            StorageType.Boolean => reader.GetBoolean(ordinal),
            StorageType.Float => reader.GetDouble(ordinal),
            _ => reader.GetString(ordinal),
        };
    }

    /// <summary>
    /// A row selected as <paramref name="columns"/> followed by <c>metadata</c> (the layout the query engine and the user
    /// loaders select) as a <see cref="CsvRecord"/> of <paramref name="file"/>.
    /// </summary>
    public static CsvRecord ReadRecord(DbDataReader reader, CsvFileDefinition file, IReadOnlyList<ColumnDefinition> columns)
    {
        var values = new object?[columns.Count];
        for (var i = 0; i < columns.Count; i++) values[i] = ReadValue(reader, i, columns[i].StorageType);
        return new CsvRecord(file, 0, values, reader.IsDBNull(columns.Count) ? null : reader.GetString(columns.Count));
    }
}
