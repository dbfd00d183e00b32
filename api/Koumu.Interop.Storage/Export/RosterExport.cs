using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Profiles;
using Npgsql;

namespace Koumu.Interop.Storage.Export;

/// <summary>
/// Writes a tenant's records as a OneRoster 1.2 CSV package, streaming row by row from the database into the zip.
/// UTF-8 without BOM (Japanese importers reject a BOM, oneroster.md §3.4), RFC 4180 quoting (or every value quoted),
/// 1.2.1 headers by default. Bulk: active records, status and dateLastModified blank. Delta: records changed since a
/// timestamp, deletions included, both columns filled.
/// </summary>
internal static class RosterExport
{
    /// <summary>The Japan Profile's extension columns, written for Japanese profiles even when empty.</summary>
    private static readonly Dictionary<string, string[]> JapanColumns = new(StringComparer.Ordinal)
    {
        ["users"] = ["metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName", "metadata.jp.kanaMiddleName", "metadata.jp.homeClass"],
        ["classes"] = ["metadata.jp.specialNeeds"],
        ["enrollments"] = ["metadata.jp.shussekiNo", "metadata.jp.publicFlg"],
    };

    public static async Task WriteAsync(DbConnection connection, DbTransaction transaction, int tenantId, ExportOptions options, Stream output, CancellationToken ct)
    {
        var profile = options.Profile;
        var usersLayout12 = options.UsersLayout12 ?? profile.UsersLayout12;
        var since = options.Since ?? DateTime.UnixEpoch;
        var extensions = await LoadExtensionColumnsAsync(connection, transaction, tenantId, ct).ConfigureAwait(false);
        var modes = new Dictionary<string, string>(StringComparer.Ordinal);

        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Encoding.UTF8);
        foreach (var file in CsvBinding.Files)
        {
            var layout = file.HasAlternateLayout && usersLayout12 ? file.Layout12 : file.Layout121;
            var extensionColumns = (profile.Japanese ? JapanColumns.GetValueOrDefault(file.Name) ?? [] : [])
                .Concat(extensions.GetValueOrDefault(file.Name) ?? []).Distinct(StringComparer.Ordinal).ToList();
            var written = await WriteFileAsync(connection, transaction, zip, tenantId, file, layout, extensionColumns, options, since, ct).ConfigureAwait(false);
            modes[file.Name] = written ? (options.Delta ? "delta" : "bulk") : "absent";
        }

        var manifest = zip.CreateEntry("manifest.csv", CompressionLevel.Fastest);
        await using var stream = manifest.Open();
        await using var writer = new CsvTextWriter(stream, options.QuoteAll);
        writer.Row(["propertyName", "value"]);
        writer.Row(["manifest.version", "1.0"]);
        writer.Row(["oneroster.version", profile.ManifestOneRosterVersion]);
        foreach (var file in CsvBinding.Files) writer.Row([file.ManifestKey, modes[file.Name]]);
        writer.Row(["source.systemName", "Koumu Interop"]);
    }

    private static async Task<bool> WriteFileAsync(DbConnection connection, DbTransaction transaction, ZipArchive zip, int tenantId, CsvFileDefinition file,
        IReadOnlyList<ColumnDefinition> layout, List<string> extensionColumns, ExportOptions options, DateTime since, CancellationToken ct)
    {
        var select = string.Join(", ", layout.Select(c => c.SqlName).Append("metadata"));
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandTimeout = 0;
        command.CommandText = options.Delta
            ? $"SELECT {select} FROM {file.StorageName} WHERE tenant_id = @tenant AND date_last_modified > @since ORDER BY sourced_id"
            : $"SELECT {select} FROM {file.StorageName} WHERE tenant_id = @tenant AND status = 'active' ORDER BY sourced_id";
        AddParameter(command, "tenant", tenantId);
        if (options.Delta) AddParameter(command, "since", since);

        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return false;

        var legacy = options.Profile.LegacyEnrollmentExtensionNames && file == CsvBinding.Enrollments;
        var header = layout.Select(c => c.Name).Concat(extensionColumns.Select(c => legacy ? LegacyName(c) : c)).ToArray();
        var entry = zip.CreateEntry(file.FileName, CompressionLevel.Fastest);
        await using var stream = entry.Open();
        await using var writer = new CsvTextWriter(stream, options.QuoteAll);
        writer.Row(header);
        var values = new string[header.Length];
        var flat = new Dictionary<string, string>(StringComparer.Ordinal);
        do
        {
            for (var i = 0; i < layout.Count; i++)
            {
                var column = layout[i];
                if (!options.Delta && column.Kind is ColumnKind.Status or ColumnKind.DateLastModified)
                {
                    values[i] = "";
                    continue;
                }
                values[i] = reader.IsDBNull(i) ? "" : Format(reader, i, column.StorageType);
            }
            flat.Clear();
            if (!reader.IsDBNull(layout.Count)) Flatten(reader.GetString(layout.Count), flat);
            for (var i = 0; i < extensionColumns.Count; i++)
                values[layout.Count + i] = flat.GetValueOrDefault(extensionColumns[i], "");
            writer.Row(values);
        }
        while (await reader.ReadAsync(ct).ConfigureAwait(false));
        return true;
    }

    private static string LegacyName(string column) => column switch
    {
        "metadata.jp.shussekiNo" => "metadata.jp.ShussekiNo",
        "metadata.jp.publicFlg" => "metadata.jp.PublicFlg",
        _ => column,
    };

    private static string Format(DbDataReader reader, int ordinal, StorageType type) => StoredRecords.ReadValue(reader, ordinal, type) switch
    {
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime instant => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        var value => (string?)value ?? "",
    };

    /// <summary>{"jp":{"kanaGivenName":"…"}} → metadata.jp.kanaGivenName = …</summary>
    private static void Flatten(string json, Dictionary<string, string> into)
    {
        using var doc = JsonDocument.Parse(json);
        Walk(doc.RootElement, "metadata", into);

        static void Walk(JsonElement element, string path, Dictionary<string, string> into)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject()) Walk(property.Value, path + "." + property.Name, into);
                return;
            }
            into[path] = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        }
    }

    private static async Task<Dictionary<string, List<string>>> LoadExtensionColumnsAsync(DbConnection connection, DbTransaction transaction, int tenantId, CancellationToken ct)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT file, column_name FROM roster_extension_columns WHERE tenant_id = @tenant ORDER BY file, column_name";
        AddParameter(command, "tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            var file = reader.GetString(0);
            if (!result.TryGetValue(file, out var list)) result[file] = list = [];
            list.Add(reader.GetString(1));
        }
        return result;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        if (p is NpgsqlParameter np && value is DateTime) np.NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz;
        command.Parameters.Add(p);
    }
}

/// <summary>RFC 4180 CSV writer: CRLF line ends, quotes when needed (or always), UTF-8 without BOM.</summary>
internal sealed class CsvTextWriter(Stream stream, bool quoteAll) : IAsyncDisposable
{
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);

    public void Row(IReadOnlyList<string> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) _writer.Write(',');
            var value = values[i];
            if (quoteAll || value.AsSpan().IndexOfAny("\",\r\n") >= 0 || (value.Length > 0 && (value[0] == ' ' || value[^1] == ' ')))
            {
                _writer.Write('"');
                _writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
                _writer.Write('"');
            }
            else _writer.Write(value);
        }
        _writer.Write("\r\n");
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.FlushAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }
}
