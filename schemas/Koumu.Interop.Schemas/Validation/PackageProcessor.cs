using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Sylvan.Data.Csv;

namespace Koumu.Interop.Schemas.Validation;

/// <summary>
/// The one import pipeline: reads a OneRoster CSV package as a stream, validates it layer by layer
/// (structure → types → references → profile) and hands valid records to a sink.
/// Memory stays bounded: rows are never kept; sourcedIds and references are kept as 128-bit hashes partitioned by their
/// top bits (<see cref="HashPartitions"/>, spilled to temporary files beyond <see cref="PackageLimits.MaxIdMemoryBytes"/>),
/// and checked at the end of each file one partition at a time.
/// </summary>
public sealed partial class PackageProcessor
{
    private readonly IPackageSource _source;
    private readonly ProcessingOptions _options;
    private readonly IRecordSink? _sink;
    private readonly IStoredRecordLookup? _store;
    private readonly ProblemCollector _problems;
    private readonly Dictionary<string, HashPartitions> _ids = new(StringComparer.Ordinal);
    private readonly SpillBudget _budget;
    private ISet<string> _brokenFiles => _profileContext!.BrokenFiles;
    private readonly ExternalReferences _external;
    private readonly List<FileSummary> _summaries = [];
    private Manifest? _manifest;
    private ProfileContext? _profileContext;

    private PackageProcessor(IPackageSource source, ProcessingOptions options, IRecordSink? sink, IStoredRecordLookup? store)
    {
        _source = source;
        _options = options;
        _sink = sink;
        _store = store;
        _problems = new ProblemCollector(options.Limits.MaxProblemsKept);
        _budget = new SpillBudget(options.Limits.MaxIdMemoryBytes);
        _external = new ExternalReferences(_budget);
    }

    /// <summary>Validates <paramref name="source"/> and, while it has no error, streams its records to <paramref name="sink"/>.</summary>
    public static async Task<ProcessingResult> ProcessAsync(
        IPackageSource source, ProcessingOptions options, IRecordSink? sink = null, IStoredRecordLookup? store = null,
        CancellationToken cancellationToken = default)
    {
        var processor = new PackageProcessor(source, options, sink, store);
        try
        {
            await processor.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PackageRejectedException e)
        {
            processor._problems.Report(e.Problem);
        }
        finally
        {
            foreach (var set in processor._ids.Values) set.Dispose();
            processor._ids.Clear();
            processor._profileContext?.ReleasePartitions();
            processor._external.Dispose();
            processor._budget.Dispose();
        }
        return new ProcessingResult
        {
            Manifest = processor._manifest,
            Problems = processor._problems.Problems,
            ErrorCount = processor._problems.ErrorCount,
            WarningCount = processor._problems.WarningCount,
            Files = processor._summaries,
        };
    }

    private bool Writing => _sink is not null && _problems.ErrorCount == 0;

    private async Task RunAsync(CancellationToken ct)
    {
        if (!_source.Contains("manifest.csv"))
        {
            _problems.Report(Rules.ManifestMissing.At("manifest.csv", null, null, null));
            return;
        }
        // REST-only types (assessmentLineItems, assessmentResults) exist only in the hub's own packages for REST
        // writes (ProcessingOptions.AcceptRestOnlyFiles); an uploaded CSV package naming them is refused as before.
        var restOnly = _options.AcceptRestOnlyFiles ? CsvBinding.RestOnlyFiles : [];
        using (var reader = OpenText("manifest.csv"))
            _manifest = Manifest.Read(reader, _problems, restOnly);

        _profileContext = new ProfileContext(_options.Profile, _options.ProfileOptions, _manifest.Modes, _manifest.OneRosterVersion) { Budget = _budget };

        foreach (var name in _source.FileNames)
        {
            if (name == "manifest.csv") continue;
            var def = name.EndsWith(".csv", StringComparison.Ordinal) ? CsvBinding.Find(name[..^4]) ?? restOnly.FirstOrDefault(f => f.FileName == name) : null;
            if (def is null) _problems.Report(Rules.UnknownFile.At(name, null, null, null, name));
            else if (_manifest.ModeOf(def) == ProcessingMode.Absent) _problems.Report(Rules.FileNotDeclared.At(name, null, null, null, name));
        }

        if (Writing) await _sink!.BeginPackageAsync(_manifest, ct).ConfigureAwait(false);

        foreach (var def in CsvBinding.Files.Concat(restOnly))
        {
            var mode = _manifest.ModeOf(def);
            if (mode == ProcessingMode.Absent) continue;
            if (!_source.Contains(def.FileName))
            {
                _problems.Report(Rules.FileMissing.At("manifest.csv", null, def.ManifestKey, null, def.Name, mode.ToString().ToLowerInvariant()));
                _brokenFiles.Add(def.Name);
                continue;
            }
            await ProcessFileAsync(def, mode, ct).ConfigureAwait(false);
        }

        foreach (var rule in _options.Profile.Rules) rule.Complete(_profileContext, _problems);
        await _external.ResolveAsync(_store, _problems, ct).ConfigureAwait(false);
    }

    private StreamReader OpenText(string fileName)
    {
        var stream = _source.Open(fileName);
        if (_options.SourceEncoding is null && _profileContext is not null && fileName.EndsWith(".csv", StringComparison.Ordinal))
        {
            // Note a UTF-8 BOM for the profile layer (Japanese importers reject it), then read on without it.
            var head = new byte[3];
            var read = 0;
            while (read < 3 && stream.Read(head, read, 3 - read) is var n and > 0) read += n;
            var bom = read == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF;
            if (bom) _profileContext.FilesWithByteOrderMark.Add(fileName[..^4]);
            stream = new PrefixedStream(bom ? ReadOnlyMemory<byte>.Empty : head.AsMemory(0, read), stream);
        }
        return new StreamReader(stream, _options.SourceEncoding ?? Utf8Replacing, detectEncodingFromByteOrderMarks: _options.SourceEncoding is null, bufferSize: 1 << 16);
    }

    /// <summary>Bytes already read from the head of a stream, followed by the rest of it.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream inner) : Stream
    {
        private ReadOnlyMemory<byte> _prefix = prefix;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_prefix.IsEmpty) return inner.Read(buffer);
            var n = Math.Min(buffer.Length, _prefix.Length);
            _prefix.Span[..n].CopyTo(buffer);
            _prefix = _prefix[n..];
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _prefix.IsEmpty ? inner.ReadAsync(buffer, cancellationToken) : ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
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

    // Invalid byte sequences become U+FFFD so that they can be reported with file, line and column instead of aborting.
    private static readonly UTF8Encoding Utf8Replacing = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private async Task ProcessFileAsync(CsvFileDefinition def, ProcessingMode mode, CancellationToken ct)
    {
        var file = def.FileName;
        _ids.Remove(def.Name, out var previous);
        previous?.Dispose();
        var ids = new HashPartitions(_budget);
        _ids[def.Name] = ids;
        long rows = 0, deletions = 0;
        string? layout = null;
        var refs = new Dictionary<string, HashPartitions>(StringComparer.Ordinal);
        var hierarchy = def == CsvBinding.Orgs || def == CsvBinding.AcademicSessions ? new Dictionary<string, (string? Parent, long Line)>(StringComparer.Ordinal) : null;

        var begun = false;
        using var text = OpenText(file);
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions
            {
                HasHeaders = true,
                BufferSize = 1 << 16,
                MaxBufferSize = Math.Max(1 << 16, _options.Limits.MaxRecordChars),
            }, ct).ConfigureAwait(false);
        }
        catch (CsvRecordTooLargeException)
        {
            // The reader looks ahead past the header while opening: the record is the header or the first row.
            _problems.Report(Rules.RecordTooLarge.At(file, null, null, null, _options.Limits.MaxRecordChars));
            _brokenFiles.Add(def.Name);
            return;
        }
        catch (CsvMissingHeadersException)
        {
            _problems.Report(Rules.HeaderMissing.At(file, 1, null, null));
            _brokenFiles.Add(def.Name);
            return;
        }

        await using (csv.ConfigureAwait(false))
        {
            var header = new string[csv.FieldCount];
            for (var i = 0; i < header.Length; i++) header[i] = csv.GetName(i);
            if (header.Length == 0 || header.All(string.IsNullOrEmpty))
            {
                _problems.Report(Rules.HeaderMissing.At(file, 1, null, null));
                _brokenFiles.Add(def.Name);
                return;
            }
            var map = CheckHeader(def, header, out layout);
            foreach (var rule in _options.Profile.Rules) rule.CheckHeader(def, header, _profileContext!, _problems);
            if (map is null)
            {
                _brokenFiles.Add(def.Name);
                return;
            }
            // Begin only once the file is readable, so every Begin has its End below.
            begun = Writing;
            if (begun) await _sink!.BeginFileAsync(def, mode, ct).ConfigureAwait(false);

            long nextLine = 2;
            while (true)
            {
                bool more;
                try
                {
                    more = await csv.ReadAsync(ct).ConfigureAwait(false);
                }
                catch (CsvRecordTooLargeException)
                {
                    _problems.Report(Rules.RecordTooLarge.At(file, nextLine, null, null, _options.Limits.MaxRecordChars));
                    _brokenFiles.Add(def.Name);
                    break;
                }
                catch (CsvFormatException e)
                {
                    _problems.Report(Rules.MalformedCsv.At(file, nextLine, null, null, e.Message));
                    _brokenFiles.Add(def.Name);
                    break;
                }
                if (!more) break;

                var line = nextLine;
                var fieldCount = csv.RowFieldCount;
                var newlines = 0;
                for (var i = 0; i < fieldCount; i++) newlines += csv.GetFieldSpan(i).Count('\n');
                nextLine += 1 + newlines;

                if (fieldCount == 1 && csv.GetFieldSpan(0).IsEmpty) continue; // a blank line
                if (fieldCount != header.Length)
                {
                    _problems.Report(Rules.FieldCount.At(file, line, null, null, fieldCount, header.Length));
                    continue;
                }

                var record = ParseRecord(def, mode, csv, header, map, line);
                rows++;
                if (record is null) continue;
                if (record.IsDeletion) deletions++;

                // Duplicates and references are checked when the file ends (CheckDeferredAsync).
                ids.Add(Hash(record.SourcedId), HashEntry.LineTag(line, record.IsDeletion ? 1 : 0));

                CheckReferences(def, record, refs);
                if (hierarchy is not null && !record.IsDeletion)
                    hierarchy[record.SourcedId] = (record.Text("parentSourcedId"), line);

                foreach (var rule in _options.Profile.Rules) rule.CheckRecord(record, _profileContext!, _problems);

                if (begun && Writing) await _sink!.WriteAsync(record, ct).ConfigureAwait(false);
                if (rows % 50_000 == 0) _options.Progress?.Report(new ProcessingProgress(file, rows, _problems.ErrorCount + _problems.WarningCount));
            }
        }

        // Duplicates and references, partition by partition; self references (org parents, session parents, user
        // agents) may point forward in the same file, so they too wait until the file has been read. These checks read
        // only the file, never the store, so they run while the sink's bulk copy is still open.
        try
        {
            await CheckDeferredAsync(def, ids, refs, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var set in refs.Values) set.Dispose();
        }

        // The sink finishes the file before the hierarchy check's store lookup. With an error, the rows it received may
        // break its keys (duplicates): it abandons the file instead — the import will not commit.
        if (begun)
        {
            if (_problems.ErrorCount == 0) await _sink!.EndFileAsync(def, mode, ct).ConfigureAwait(false);
            else await _sink!.AbandonFileAsync(def, mode, ct).ConfigureAwait(false);
        }

        if (hierarchy is not null) await CheckHierarchyAsync(def, mode, hierarchy, ct).ConfigureAwait(false);
        _summaries.Add(new FileSummary(def.Name, mode, rows, deletions, layout));
        // No later file refers to this one: its ids were needed only for duplicates within the file.
        if (!FilePlan.IsReferenced(def) && _ids.Remove(def.Name)) ids.Dispose();
        _options.Progress?.Report(new ProcessingProgress(file, rows, _problems.ErrorCount + _problems.WarningCount));
    }

    /// <summary>
    /// Structure layer: spec columns by exact name in spec order, then <c>metadata.*</c> extension columns.
    /// Returns, per header position, the index of the spec column (or -1 for an extension column); null when the header is unusable.
    /// </summary>
    private int[]? CheckHeader(CsvFileDefinition def, string[] header, out string? layout)
    {
        var file = def.FileName;
        var before = _problems.ErrorCount;
        var spec = def.HasAlternateLayout && header.Contains("resourceSourcedIds") ? def.Layout12 : def.Layout121;
        layout = def.HasAlternateLayout ? (spec == def.Layout12 ? "1.2" : "1.2.1") : null;
        var specNames = spec.Select(c => c.Name).ToList();

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in header)
            if (!seen.Add(name)) _problems.Report(Rules.HeaderDuplicate.At(file, 1, name, null, name));
        if (_problems.ErrorCount != before) return null; // positions are meaningless with a repeated column

        var map = new int[header.Length];
        var lastSpec = -1;
        var firstExtension = -1;
        for (var i = 0; i < header.Length; i++)
        {
            var name = header[i];
            if (name.StartsWith("metadata.", StringComparison.Ordinal))
            {
                // metadata.a.b becomes {"a":{"b":…}}: every segment must be a name, and no column may also be an object.
                if (!ExtensionNamePattern().IsMatch(name) || header.Any(h => h.StartsWith(name + ".", StringComparison.Ordinal)))
                    _problems.Report(Rules.HeaderExtensionName.At(file, 1, name, null, name));
                map[i] = -1;
                if (firstExtension < 0) firstExtension = i;
                continue;
            }
            var index = specNames.IndexOf(name);
            if (index < 0)
            {
                _problems.Report(Rules.HeaderUnknownColumn.At(file, 1, name, null, name));
                map[i] = -2;
                continue;
            }
            map[i] = def.IndexOf(name);
            lastSpec = i;
        }
        foreach (var name in specNames.Where(n => !header.Contains(n)))
            _problems.Report(Rules.HeaderMissingColumn.At(file, 1, name, null, name));

        var present = header.Where(specNames.Contains).ToList();
        var expected = specNames.Where(header.Contains).ToList();
        for (var i = 0; i < present.Count; i++)
        {
            if (present[i] == expected[i]) continue;
            _problems.Report(Rules.HeaderOrder.At(file, 1, present[i], null, present[i], expected[i], i + 1));
            break;
        }
        if (firstExtension >= 0 && firstExtension < lastSpec)
            _problems.Report(Rules.HeaderExtensionPosition.At(file, 1, header[firstExtension], null, header[firstExtension]));

        return _problems.ErrorCount == before ? map : null;
    }

    /// <summary>Type layer for one row. Returns null when the row has no usable sourcedId.</summary>
    private CsvRecord? ParseRecord(CsvFileDefinition def, ProcessingMode mode, CsvDataReader csv, string[] header, int[] map, long line)
    {
        var file = def.FileName;
        var values = new object?[def.Columns.Count];
        Dictionary<string, string>? extensions = null;
        string? status = null;

        // status first: it decides which other values are required.
        var statusIndex = Array.IndexOf(header, "status");
        if (statusIndex >= 0) status = csv.GetFieldSpan(statusIndex).ToString();
        var deletion = status == "tobedeleted";

        for (var i = 0; i < header.Length; i++)
        {
            var span = csv.GetFieldSpan(i);
            if (!CheckCharacters(span, file, line, header[i])) continue;
            if (map[i] == -1)
            {
                if (span.IsEmpty) continue;
                extensions ??= new Dictionary<string, string>(StringComparer.Ordinal);
                extensions[NormaliseExtensionName(header[i])] = span.ToString();
                continue;
            }
            var column = def.Columns[map[i]];
            values[map[i]] = ParseValue(def, column, span, mode, deletion, file, line);
        }

        if (values[0] is not string) return null;
        var record = new CsvRecord(def, line, values, extensions is null ? null : MetadataJson(extensions)) { Extensions = extensions };

        if (!deletion) CheckDateRange(record);
        return record;
    }

    private void CheckDateRange(CsvRecord record)
    {
        foreach (var (begin, end) in FilePlan.For(record.File).DateRanges)
        {
            if (record.Values[begin] is DateOnly b && record.Values[end] is DateOnly e && e < b)
                _problems.Report(Rules.DateRange.At(record.File.FileName, record.Line, record.File.Columns[end].Name, e.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    e.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), b.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
    }

    private bool CheckCharacters(ReadOnlySpan<char> span, string file, long line, string column)
    {
        // Vectorised scans: this runs on every field of a prefecture's package.
        if (span.IndexOf('\uFFFD') >= 0)
        {
            _problems.Report(Rules.InvalidEncoding.At(file, line, column, span.ToString()));
            return false;
        }
        var rest = span;
        int i;
        while ((i = rest.IndexOfAnyInRange('\0', '\u001F')) >= 0)
        {
            var c = rest[i];
            if (c is not '\t' and not '\n' and not '\r')
            {
                _problems.Report(Rules.ControlCharacter.At(file, line, column, null, (int)c));
                return false;
            }
            rest = rest[(i + 1)..];
        }
        return true;
    }

    private object? ParseValue(CsvFileDefinition def, ColumnDefinition column, ReadOnlySpan<char> span, ProcessingMode mode, bool deletion, string file, long line)
    {
        var name = column.Name;
        switch (column.Kind)
        {
            case ColumnKind.Status:
                if (mode == ProcessingMode.Bulk)
                {
                    if (!span.IsEmpty) _problems.Report(Rules.BulkStatus.At(file, line, name, span.ToString(), span.ToString()));
                    return null;
                }
                if (span is "active") return "active";
                if (span is "tobedeleted") return "tobedeleted";
                _problems.Report(Rules.DeltaStatus.At(file, line, name, span.ToString()));
                return null;
            case ColumnKind.DateLastModified:
                if (mode == ProcessingMode.Bulk)
                {
                    if (!span.IsEmpty) _problems.Report(Rules.BulkDateLastModified.At(file, line, name, span.ToString(), span.ToString()));
                    return null;
                }
                if (span.IsEmpty)
                {
                    _problems.Report(Rules.DeltaDateLastModified.At(file, line, name, null));
                    return null;
                }
                if (TryParseInstant(span, out var dlm)) return dlm;
                _problems.Report(Rules.DateTimeFormat.At(file, line, name, span.ToString(), span.ToString()));
                return null;
        }

        if (span.IsEmpty)
        {
            // A deletion row needs only its sourcedId, status and dateLastModified.
            if (column.Required && (!deletion || column.Kind == ColumnKind.SourcedId))
                _problems.Report(Rules.Required.At(file, line, name, null, name));
            return null;
        }

        switch (column.Kind)
        {
            case ColumnKind.SourcedId:
            case ColumnKind.Text:
            case ColumnKind.Reference:
            case ColumnKind.TextList:
                return span.ToString();
            case ColumnKind.ReferenceList:
                return NormaliseList(span);
            case ColumnKind.Enumeration:
            {
                var value = span.ToString();
                if (!IsEnumValue(def, column, value))
                    _problems.Report(Rules.Enumeration.At(file, line, name, value, value, name, string.Join(", ", column.Values!)));
                return value;
            }
            case ColumnKind.EnumerationList:
            {
                var value = NormaliseList(span);
                foreach (var item in value.Split(','))
                    if (!IsEnumValue(def, column, item))
                        _problems.Report(Rules.Enumeration.At(file, line, name, item, item, name, string.Join(", ", column.Values!)));
                return value;
            }
            case ColumnKind.Date:
                if (DateOnly.TryParseExact(span, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date;
                _problems.Report(Rules.DateFormat.At(file, line, name, span.ToString(), span.ToString()));
                return null;
            case ColumnKind.DateTime:
                if (TryParseInstant(span, out var instant)) return instant;
                // Accepted on input (1.1-era producers send dates); stored as midnight UTC. docs/decisions/0002.
                if (DateOnly.TryParseExact(span, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    return d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
                _problems.Report(Rules.DateTimeFormat.At(file, line, name, span.ToString(), span.ToString()));
                return null;
            case ColumnKind.Boolean:
                if (span is "true") return true;
                if (span is "false") return false;
                _problems.Report(Rules.BooleanFormat.At(file, line, name, span.ToString(), span.ToString()));
                return null;
            case ColumnKind.Float:
                if (double.TryParse(span, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)) return number;
                _problems.Report(Rules.FloatFormat.At(file, line, name, span.ToString(), span.ToString()));
                return null;
            case ColumnKind.Year:
                if (span.Length == 4 && char.IsAsciiDigit(span[0]) && char.IsAsciiDigit(span[1]) && char.IsAsciiDigit(span[2]) && char.IsAsciiDigit(span[3]))
                    return span.ToString();
                _problems.Report(Rules.YearFormat.At(file, line, name, span.ToString(), span.ToString()));
                return null;
            case ColumnKind.UserIds:
            {
                var value = span.ToString();
                if (!UserIdsPattern().IsMatch(value)) _problems.Report(Rules.UserIdsFormat.At(file, line, name, value, value));
                return value;
            }
            default:
                return span.ToString();
        }
    }

    private bool IsEnumValue(CsvFileDefinition file, ColumnDefinition column, string value) =>
        column.Values!.Contains(value) || (column.Extensible && ExtensionValuePattern().IsMatch(value)) ||
        (_options.Profile.ExtraEnumerationValues.TryGetValue(file.Name + "." + column.Name, out var extra) && extra.Contains(value));

    /// <summary>Lists are stored as comma-joined values without surrounding spaces ("P1, P2" → "P1,P2").</summary>
    private static string NormaliseList(ReadOnlySpan<char> span)
    {
        if (span.IndexOf(' ') < 0) return span.ToString();
        return string.Join(',', span.ToString().Split(',', StringSplitOptions.TrimEntries));
    }

    private static readonly string[] InstantFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK"];

    /// <summary>ISO 8601 instant with a zone designator (Z or ±hh:mm), converted to UTC.</summary>
    internal static bool TryParseInstant(ReadOnlySpan<char> span, out DateTime value)
    {
        value = default;
        if (span.Length < 20 || span[10] != 'T') return false;
        var hasZone = span[^1] == 'Z' || (span.Length >= 6 && span[^6] is '+' or '-' && span[^3] == ':');
        if (!hasZone) return false;
        if (!DateTimeOffset.TryParseExact(span, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto)) return false;
        value = dto.UtcDateTime;
        return true;
    }

    /// <summary>
    /// The Japan Profile renamed enrollment extensions between revisions (ShussekiNo → shussekiNo, PublicFlg → publicFlg);
    /// the field also sends the misspelt publickFlg. All are stored under the current name (docs/decisions/0003).
    /// </summary>
    public static string NormaliseExtensionName(string column) => column switch
    {
        "metadata.jp.ShussekiNo" => "metadata.jp.shussekiNo",
        "metadata.jp.PublicFlg" or "metadata.jp.publickFlg" or "metadata.jp.PublickFlg" => "metadata.jp.publicFlg",
        _ => column,
    };

    /// <summary><c>metadata.jp.kanaGivenName</c> columns → <c>{"jp":{"kanaGivenName":"…"}}</c> (keys sorted, so equal input gives equal text).</summary>
    public static string MetadataJson(IReadOnlyDictionary<string, string> extensions)
    {
        var keys = extensions.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        var buffer = JsonBuffer ??= new System.Buffers.ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = JsonWriter ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.Reset(buffer);
        writer.WriteStartObject();
        var open = new List<string>(); // the object path currently open below the root
        foreach (var key in keys)
        {
            var path = key["metadata.".Length..].Split('.');
            var common = 0;
            while (common < open.Count && common < path.Length - 1 && open[common] == path[common]) common++;
            for (var i = open.Count; i > common; i--) writer.WriteEndObject();
            open.RemoveRange(common, open.Count - common);
            for (var i = common; i < path.Length - 1; i++)
            {
                writer.WriteStartObject(path[i]);
                open.Add(path[i]);
            }
            writer.WriteString(path[^1], extensions[key]);
        }
        for (var i = 0; i < open.Count; i++) writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [ThreadStatic] private static System.Buffers.ArrayBufferWriter<byte>? JsonBuffer;
    [ThreadStatic] private static Utf8JsonWriter? JsonWriter;

    // ---- Reference layer -----------------------------------------------------------------------------------------

    /// <summary>128-bit XxHash of the UTF-16 text of a sourcedId (collision odds ~1e-26 at 10⁶ ids).</summary>
    private static UInt128 Hash(string id) => XxHash128.HashToUInt128(System.Runtime.InteropServices.MemoryMarshal.AsBytes(id.AsSpan()));

    private void CheckReferences(CsvFileDefinition def, CsvRecord record, Dictionary<string, HashPartitions> refs)
    {
        if (record.IsDeletion) return;
        foreach (var (index, target) in FilePlan.For(def).References)
        {
            if (record.Values[index] is not string value) continue;
            var column = def.Columns[index];
            if (column.Kind == ColumnKind.ReferenceList && value.Contains(',', StringComparison.Ordinal))
            {
                foreach (var id in value.Split(','))
                    CheckReference(def, record, index, target, id, refs);
            }
            else CheckReference(def, record, index, target, value, refs);
        }
    }

    private void CheckReference(CsvFileDefinition def, CsvRecord record, int columnIndex, CsvFileDefinition target, string id, Dictionary<string, HashPartitions> refs)
    {
        var column = def.Columns[columnIndex];
        if (target == def)
        {
            if (id == record.SourcedId) _problems.Report(Rules.SelfReference.At(def.FileName, record.Line, column.Name, id, id));
            // A forward reference (org parent, guardian agent) may be resolved later in the file: checked at its end.
            else Defer(def.Name);
            return;
        }
        if (_brokenFiles.Contains(target.Name)) return; // already reported: do not cascade
        // The target file is in this package: checked against its ids when this file ends, one partition at a time.
        if (_ids.ContainsKey(target.Name)) Defer(target.Name);
        else ReportUnresolved(def, target, id, def.FileName, record.Line, column.Name);

        void Defer(string targetName)
        {
            if (!refs.TryGetValue(targetName, out var set)) refs[targetName] = set = new HashPartitions(_budget);
            set.Add(Hash(id), HashEntry.LineTag(record.Line, columnIndex));
        }
    }

    private void ReportUnresolved(CsvFileDefinition def, CsvFileDefinition target, string id, string file, long line, string column)
    {
        // A bulk file replaces all its records: a reference must be satisfied inside the package.
        // Otherwise (target delta or absent) the record may already be stored.
        if (_manifest!.ModeOf(target) == ProcessingMode.Bulk || (target == def && _manifest.ModeOf(def) == ProcessingMode.Bulk))
        {
            _problems.Report(Rules.Unresolved.At(file, line, column, id, id, target.Name, "", ""));
            return;
        }
        _external.Add(target.Name, id, file, line, column);
    }

    private enum DeferredKind { Duplicate, Unresolved, ToDeleted }

    /// <summary>A finding of the deferred checks, still without the text of the sourcedId it is about.</summary>
    private readonly record struct Deferred(long Line, int Column, UInt128 Hash, DeferredKind Kind, string? Target);

    /// <summary>
    /// The reference layer's checks for one file once it has been read (a grace hash join): for each hash partition, the
    /// file's own ids go into a table — a second occurrence is a duplicate sourcedId — and every reference of the file is
    /// looked up in the table of its target file's ids for the same partition. Memory is one partition of each side.
    /// The findings are reported in line order; their ids are named from the file itself (read again only if there is one).
    /// </summary>
    private async Task CheckDeferredAsync(CsvFileDefinition def, HashPartitions ids, Dictionary<string, HashPartitions> refs, CancellationToken ct)
    {
        var sourcedIdColumn = def.IndexOf("sourcedId");
        // Findings are kept (as hashes, 48 bytes each) up to the number of problems a result keeps at all; the rest of a
        // hostile file's findings are counted. Unresolved references to a delta target are always kept: the store decides.
        var cap = _options.Limits.MaxProblemsKept;
        var state = new DeferredState(new PartitionTable(), [], sourcedIdColumn, cap, new long[3]);
        var targets = refs.Keys.Where(t => t != def.Name).ToDictionary(t => t, _ => new PartitionTable(), StringComparer.Ordinal);
        for (var p = 0; p < HashPartitions.Count; p++)
        {
            state.Own.Reset(ids.SizeOf(p));
            ids.Read(p, ref state, static (ref DeferredState s, in HashEntry e) =>
            {
                var other = s.Own.Add(e.Hash, e.Line, deletion: e.Column == 1);
                if (other == 0) return;
                if (s.Found.Count < s.Cap) s.Found.Add(new Deferred(Math.Max(other, e.Line), s.SourcedIdColumn, e.Hash, DeferredKind.Duplicate, null));
                else s.Overflow[(int)DeferredKind.Duplicate]++;
            });
            foreach (var (targetName, set) in refs)
            {
                if (set.SizeOf(p) == 0) continue;
                PartitionTable table;
                if (targetName == def.Name) table = state.Own;
                else
                {
                    table = targets[targetName];
                    var targetIds = _ids[targetName];
                    table.Reset(targetIds.SizeOf(p));
                    targetIds.Read(p, ref table, static (ref PartitionTable t, in HashEntry e) => t.Add(e.Hash, e.Line, deletion: e.Column == 1));
                }
                var target = CsvBinding.FindAny(targetName)!;
                var self = targetName == def.Name;
                // Mirrors ReportUnresolved: a reference not in a bulk target's package may still be stored.
                var external = !(_manifest!.ModeOf(target) == ProcessingMode.Bulk || (self && _manifest.ModeOf(def) == ProcessingMode.Bulk));
                var lookup = new LookupState(table, state.Found, targetName, self, external, cap, state.Overflow);
                set.Read(p, ref lookup, static (ref LookupState s, in HashEntry e) =>
                {
                    switch (s.Table.Lookup(e.Hash))
                    {
                        case PartitionTable.Active: return;
                        // A self reference to a row deleted in the same file is simply unresolved (the row is not there).
                        case PartitionTable.Deleted when !s.Self:
                            if (s.Found.Count < s.Cap) s.Found.Add(new Deferred(e.Line, e.Column, e.Hash, DeferredKind.ToDeleted, s.Target));
                            else s.Overflow[(int)DeferredKind.ToDeleted]++;
                            return;
                        default:
                            if (s.External || s.Found.Count < s.Cap) s.Found.Add(new Deferred(e.Line, e.Column, e.Hash, DeferredKind.Unresolved, s.Target));
                            else s.Overflow[(int)DeferredKind.Unresolved]++;
                            return;
                    }
                });
            }
        }
        if (state.Found.Count > 0) await ReportDeferredAsync(def, state.Found, ct).ConfigureAwait(false);
        // Counted, not named: the result keeps no more problems than these anyway.
        var overflow = state.Overflow;
        if (overflow.Sum() == 0) return;
        var duplicate = Rules.DuplicateSourcedId.At(def.FileName, null, "sourcedId", null, "");
        var toDeleted = Rules.ToDeleted.At(def.FileName, null, null, null, "", "");
        var unresolved = Rules.Unresolved.At(def.FileName, null, null, null, "", "", "", "");
        for (var i = 0L; i < overflow[(int)DeferredKind.Duplicate]; i++) _problems.Report(duplicate);
        for (var i = 0L; i < overflow[(int)DeferredKind.ToDeleted]; i++) _problems.Report(toDeleted);
        for (var i = 0L; i < overflow[(int)DeferredKind.Unresolved]; i++) _problems.Report(unresolved);
    }

    private async Task ReportDeferredAsync(CsvFileDefinition def, List<Deferred> found, CancellationToken ct)
    {
        found.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        var texts = await ReadIdsAsync(def, found, ct).ConfigureAwait(false);
        for (var i = 0; i < found.Count; i++)
        {
            var finding = found[i];
            var id = texts[i] ?? "";
            var column = def.Columns[finding.Column].Name;
            switch (finding.Kind)
            {
                case DeferredKind.Duplicate:
                    _problems.Report(Rules.DuplicateSourcedId.At(def.FileName, finding.Line, column, id, id));
                    break;
                case DeferredKind.ToDeleted:
                    _problems.Report(Rules.ToDeleted.At(def.FileName, finding.Line, column, id, id, finding.Target!));
                    break;
                default:
                    ReportUnresolved(def, CsvBinding.FindAny(finding.Target!)!, id, def.FileName, finding.Line, column);
                    break;
            }
        }
    }

    private record struct DeferredState(PartitionTable Own, List<Deferred> Found, int SourcedIdColumn, int Cap, long[] Overflow);

    private record struct LookupState(PartitionTable Table, List<Deferred> Found, string Target, bool Self, bool External, int Cap, long[] Overflow);

    /// <summary>
    /// Names the sourcedIds of <paramref name="found"/> (sorted by line) by reading the file again: only hashes were
    /// kept, and this is the failing case (or a delta that refers to stored records, which need the text for the store
    /// lookup). A field with a list is matched id by id against the finding's hash.
    /// </summary>
    private async Task<string?[]> ReadIdsAsync(CsvFileDefinition def, List<Deferred> found, CancellationToken ct)
    {
        var texts = new string?[found.Count];
        using var text = OpenText(def.FileName);
        await using var csv = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions
        {
            HasHeaders = true,
            MaxBufferSize = Math.Max(1 << 16, _options.Limits.MaxRecordChars),
        }, ct).ConfigureAwait(false);
        var header = Enumerable.Range(0, csv.FieldCount).Select(csv.GetName).ToArray();
        long nextLine = 2;
        var next = 0;
        while (next < found.Count && await csv.ReadAsync(ct).ConfigureAwait(false))
        {
            var line = nextLine;
            var newlines = 0;
            for (var i = 0; i < csv.RowFieldCount; i++) newlines += csv.GetFieldSpan(i).Count('\n');
            nextLine += 1 + newlines;
            for (; next < found.Count && found[next].Line == line; next++)
            {
                var finding = found[next];
                var column = def.Columns[finding.Column];
                var index = Array.IndexOf(header, column.Name);
                if (index < 0 || index >= csv.RowFieldCount) continue;
                var field = csv.GetFieldSpan(index);
                if (column.Kind != ColumnKind.ReferenceList)
                {
                    texts[next] = field.ToString();
                    continue;
                }
                foreach (var id in NormaliseList(field).Split(','))
                    if (Hash(id) == finding.Hash)
                    {
                        texts[next] = id;
                        break;
                    }
            }
        }
        return texts;
    }

    private async Task CheckHierarchyAsync(CsvFileDefinition def, ProcessingMode mode, Dictionary<string, (string? Parent, long Line)> hierarchy, CancellationToken ct)
    {
        var parents = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (mode == ProcessingMode.Delta && _store is not null)
            foreach (var (id, parent) in await _store.ParentsAsync(def, ct).ConfigureAwait(false))
                parents[id] = parent;
        foreach (var (id, (parent, _)) in hierarchy) parents[id] = parent;

        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the current path, 2 = done
        var rule = def == CsvBinding.Orgs ? Rules.OrgCycle : Rules.SessionCycle;
        foreach (var start in hierarchy.Keys)
        {
            var path = new List<string>();
            var node = start;
            while (node is not null && !state.ContainsKey(node))
            {
                state[node] = 1;
                path.Add(node);
                node = parents.GetValueOrDefault(node);
            }
            if (node is not null && state[node] == 1)
            {
                var line = hierarchy.TryGetValue(node, out var h) ? h.Line : (long?)null;
                _problems.Report(rule.At(def.FileName, line, "parentSourcedId", node, node));
            }
            foreach (var p in path) state[p] = 2;
        }
    }

    [GeneratedRegex(@"^\{[^:{}]+:[^{}]+\}(,\{[^:{}]+:[^{}]+\})*$")]
    private static partial Regex UserIdsPattern();

    [GeneratedRegex(@"^metadata(\.[A-Za-z0-9_\-]+)+$")]
    private static partial Regex ExtensionNamePattern();

    [GeneratedRegex(@"^ext:[a-zA-Z0-9.\-_]+$")]
    private static partial Regex ExtensionValuePattern();

    /// <summary>Per-file facts computed once: reference columns with their target files, date ranges.</summary>
    private sealed class FilePlan
    {
        private static readonly Dictionary<CsvFileDefinition, FilePlan> Plans = CsvBinding.AllFiles.ToDictionary(f => f, f => new FilePlan(f));

        private FilePlan(CsvFileDefinition file)
        {
            References = file.Columns.Select((c, i) => (c, i)).Where(x => x.c.References is not null)
                .Select(x => (x.i, CsvBinding.FindAny(x.c.References!)!)).ToArray();
            var ranges = new List<(int, int)>();
            foreach (var (begin, end) in new[] { ("beginDate", "endDate"), ("startDate", "endDate") })
                if (file.IndexOf(begin) >= 0 && file.IndexOf(end) >= 0) ranges.Add((file.IndexOf(begin), file.IndexOf(end)));
            DateRanges = ranges.ToArray();
        }

        public (int Index, CsvFileDefinition Target)[] References { get; }

        public (int Begin, int End)[] DateRanges { get; }

        public static FilePlan For(CsvFileDefinition file) => Plans[file];

        private static readonly HashSet<string> Referenced = CsvBinding.AllFiles
            .SelectMany(f => f.Columns.Where(c => c.References is not null && c.References != f.Name).Select(c => c.References!))
            .ToHashSet(StringComparer.Ordinal);

        /// <summary>Whether another file refers to records of <paramref name="file"/>.</summary>
        public static bool IsReferenced(CsvFileDefinition file) => Referenced.Contains(file.Name);
    }
}
