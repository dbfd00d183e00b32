using System.Globalization;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Validation;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Sylvan.Data.Csv;

namespace Koumu.Interop.Bench;

/// <summary>
/// The yardstick for the import: the same rows, read with Sylvan and converted to the hub's column types the same way
/// (dates, instants, booleans, floats, metadata.* columns → one JSON object), written as fast as the database takes
/// them — Npgsql binary COPY on PostgreSQL, one transaction of prepared INSERTs on SQLite — into plain tables with the
/// hub's columns (tenant_id, one column per CSV column, metadata) and no key, index or validation.
/// </summary>
public static class RawCopy
{
    public const string Schema = "bench_raw";

    /// <param name="indexed">
    /// Give the tables the hub's primary key and indexes (created before the copy, so maintained row by row): the
    /// cost of the storage layout itself, as opposed to the bare-table ceiling.
    /// </param>
    public static long Postgres(string connectionString, string folder, bool indexed = false)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        Execute(connection, $"DROP SCHEMA IF EXISTS {Schema} CASCADE; CREATE SCHEMA {Schema};");
        long rows = 0;
        foreach (var file in DemoGenerator.Files)
        {
            Execute(connection, CreateTable(file, PgType, "jsonb"));
            if (indexed)
            {
                // The same keys and indexes as KoumuDbContext.MapRosterTable.
                Execute(connection, $"ALTER TABLE {Schema}.{file.StorageName} ADD PRIMARY KEY (tenant_id, sourced_id)");
                Execute(connection, $"CREATE INDEX ON {Schema}.{file.StorageName} (tenant_id, date_last_modified)");
                foreach (var column in file.Columns.Where(c => c.Kind == ColumnKind.Reference))
                    Execute(connection, $"CREATE INDEX ON {Schema}.{file.StorageName} (tenant_id, {Quote(column.StorageName)})");
            }
            var columns = string.Join(", ", file.Columns.Select(c => Quote(c.StorageName)));
            using var importer = connection.BeginBinaryImport(
                $"COPY {Schema}.{file.StorageName} (tenant_id, {columns}, metadata) FROM STDIN (FORMAT BINARY)");
            using var reader = new RowReader(file, Path.Combine(folder, file.FileName));
            while (reader.Read())
            {
                importer.StartRow();
                importer.Write(1, NpgsqlDbType.Integer);
                for (var c = 0; c < file.Columns.Count; c++)
                {
                    var span = reader.Field(c);
                    if (span.IsEmpty)
                    {
                        importer.WriteNull();
                        continue;
                    }
                    switch (file.Columns[c].StorageType)
                    {
                        case StorageType.Date: importer.Write(ParseDate(span), NpgsqlDbType.Date); break;
                        case StorageType.Instant: importer.Write(ParseInstant(span), NpgsqlDbType.TimestampTz); break;
                        case StorageType.Boolean: importer.Write(span is "true", NpgsqlDbType.Boolean); break;
                        case StorageType.Float: importer.Write(double.Parse(span, CultureInfo.InvariantCulture), NpgsqlDbType.Double); break;
                        default: importer.Write(span.ToString(), NpgsqlDbType.Text); break;
                    }
                }
                if (reader.Metadata() is { } json) importer.Write(json, NpgsqlDbType.Jsonb);
                else importer.WriteNull();
                rows++;
            }
            importer.Complete();
        }
        return rows;
    }

    public static long Sqlite(string path, string folder)
    {
        if (File.Exists(path)) File.Delete(path);
        using var connection = new SqliteConnection($"Data Source={path}");
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        long rows = 0;
        using var transaction = connection.BeginTransaction();
        foreach (var file in DemoGenerator.Files)
        {
            Execute(connection, CreateTable(file, SqliteType, "TEXT").Replace($"{Schema}.", "", StringComparison.Ordinal), transaction);
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            var names = file.Columns.Select(c => Quote(c.StorageName)).ToList();
            insert.CommandText = $"INSERT INTO {file.StorageName} (tenant_id, {string.Join(", ", names)}, metadata) " +
                                 $"VALUES (1, {string.Join(", ", names.Select((_, i) => "$p" + i))}, $m)";
            var parameters = names.Select((_, i) => insert.Parameters.Add("$p" + i, SqliteType(file.Columns[i]) switch
            {
                "INTEGER" => Microsoft.Data.Sqlite.SqliteType.Integer,
                "REAL" => Microsoft.Data.Sqlite.SqliteType.Real,
                _ => Microsoft.Data.Sqlite.SqliteType.Text,
            })).ToArray();
            var metadata = insert.Parameters.Add("$m", Microsoft.Data.Sqlite.SqliteType.Text);
            insert.Prepare();
            using var reader = new RowReader(file, Path.Combine(folder, file.FileName));
            while (reader.Read())
            {
                for (var c = 0; c < parameters.Length; c++)
                {
                    var span = reader.Field(c);
                    parameters[c].Value = span.IsEmpty ? DBNull.Value : file.Columns[c].StorageType switch
                    {
                        // EF Core's SQLite provider stores DateOnly as 'yyyy-MM-dd' text and DateTime as ISO text.
                        StorageType.Date => ParseDate(span).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        StorageType.Instant => ParseInstant(span).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
                        StorageType.Boolean => span is "true" ? 1L : 0L,
                        StorageType.Float => double.Parse(span, CultureInfo.InvariantCulture),
                        _ => span.ToString(),
                    };
                }
                metadata.Value = (object?)reader.Metadata() ?? DBNull.Value;
                insert.ExecuteNonQuery();
                rows++;
            }
        }
        transaction.Commit();
        return rows;
    }

    private static string CreateTable(CsvFileDefinition file, Func<ColumnDefinition, string> type, string metadataType) =>
        $"CREATE TABLE {Schema}.{file.StorageName} (tenant_id integer NOT NULL, " +
        string.Join(", ", file.Columns.Select(c => $"{Quote(c.StorageName)} {type(c)}")) + $", metadata {metadataType})";

    // Column names such as "primary" are reserved words in SQL.
    private static string Quote(string name) => "\"" + name + "\"";

    private static string PgType(ColumnDefinition c) => c.StorageType switch
    {
        StorageType.Date => "date",
        StorageType.Instant => "timestamp with time zone",
        StorageType.Boolean => "boolean",
        StorageType.Float => "double precision",
        _ => "text",
    };

    private static string SqliteType(ColumnDefinition c) => c.StorageType switch
    {
        StorageType.Boolean => "INTEGER",
        StorageType.Float => "REAL",
        _ => "TEXT",
    };

    private static DateOnly ParseDate(ReadOnlySpan<char> span) => DateOnly.ParseExact(span, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateTime ParseInstant(ReadOnlySpan<char> span) =>
        DateTimeOffset.Parse(span, CultureInfo.InvariantCulture, DateTimeStyles.None).UtcDateTime;

    private static void Execute(NpgsqlConnection connection, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Streams one CSV file, giving each row's fields in the order of the file's storage columns.</summary>
    private sealed class RowReader : IDisposable
    {
        private readonly CsvDataReader _csv;
        private readonly int[] _columnToField;
        private readonly (int Field, string Name)[] _extensions;
        private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

        public RowReader(CsvFileDefinition file, string path)
        {
            _csv = CsvDataReader.Create(path, new CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 });
            var header = Enumerable.Range(0, _csv.FieldCount).Select(_csv.GetName).ToList();
            _columnToField = file.Columns.Select(c => header.IndexOf(c.Name)).ToArray();
            _extensions = header.Select((name, i) => (i, name))
                .Where(h => h.name.StartsWith("metadata.", StringComparison.Ordinal))
                .Select(h => (h.i, PackageProcessor.NormaliseExtensionName(h.name))).ToArray();
        }

        public bool Read() => _csv.Read();

        public ReadOnlySpan<char> Field(int column) => _columnToField[column] < 0 ? default : _csv.GetFieldSpan(_columnToField[column]);

        /// <summary>The row's metadata.* columns as the hub stores them (same JSON builder as the import pipeline).</summary>
        public string? Metadata()
        {
            if (_extensions.Length == 0) return null;
            _metadata.Clear();
            foreach (var (field, name) in _extensions)
            {
                var span = _csv.GetFieldSpan(field);
                if (!span.IsEmpty) _metadata[name] = span.ToString();
            }
            return _metadata.Count == 0 ? null : PackageProcessor.MetadataJson(_metadata);
        }

        public void Dispose() => _csv.Dispose();
    }
}
