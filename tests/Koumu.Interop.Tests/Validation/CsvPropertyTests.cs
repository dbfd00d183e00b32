using System.Globalization;
using System.Text;
using CsCheck;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Validation;

/// <summary>Property-based tests of the CSV reader and the type layer.</summary>
public sealed class CsvPropertyTests
{
    private static string Quote(string value) => "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Text with the characters that break naive CSV handling: quotes, commas, line breaks, kana, kanji, emoji.</summary>
    private const string Alphabet = "aZ0 ,\"\nアｱ髙﨑①\té";

    private static readonly Gen<string> FieldText = Gen.Int[0, Alphabet.Length - 1].Array[1, 40]
        .Select(ix => new string(ix.Select(i => Alphabet[i]).ToArray()).Trim())
        .Where(s => s.Length > 0 && !s.Contains('\r', StringComparison.Ordinal));

    [Fact]
    public void Any_quoted_text_value_is_read_back_exactly_and_line_numbers_stay_physical()
    {
        FieldText.Sample(value =>
        {
            var users = new[]
            {
                $"user-t1,,,true,teacher1,,{Quote(value)},山田,,,,,,,,,,,,,org-school,",
                "user-s1,,,true,pupil1,,太郎,佐藤,,,,,,,P1,,,,,,org-school,",
                "user-s2,,,true,pupil2,,次郎,鈴木,,,,,,,P1,,,,,,org-school,enabledUser-bad",
            };
            var package = Rostering().File("users", "bulk", UsersHeader, users);
            var sink = new CapturingSink();
            using var source = PackageSource.Open(package.WriteFolder());
            var result = PackageProcessor.ProcessAsync(source, new ProcessingOptions(), sink).GetAwaiter().GetResult();
            var given = sink.Records.FirstOrDefault(r => r.File.Name == "users" && r.SourcedId == "user-t1")?.Text("givenName");
            Assert.Equal(value, given);
            // The third user's bad pronouns are fine (free text); line numbers count the line breaks inside the quoted value.
            Assert.True(result.Accepted, string.Join("\n", result.Problems));
            Assert.Equal(2, sink.Records.First(r => r.SourcedId == "user-t1").Line);
            Assert.Equal(3 + value.Count(c => c == '\n'), sink.Records.First(r => r.SourcedId == "user-s1").Line);
        }, iter: 60);
    }

    [Fact]
    public void Instants_with_a_zone_parse_to_the_same_utc_instant()
    {
        Gen.DateTime.Select(Gen.Int[-14 * 60, 14 * 60]).Sample((dt, offsetMinutes) =>
        {
            var utc = DateTime.SpecifyKind(dt, DateTimeKind.Utc);
            utc = new DateTime(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
            if (utc.Year < 2 || utc.Year > 9998) return;
            var offset = TimeSpan.FromMinutes(offsetMinutes);
            var text = new DateTimeOffset(utc).ToOffset(offset).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);
            Assert.True(PackageProcessor.TryParseInstant(text, out var parsed), text);
            Assert.Equal(utc, parsed);
            Assert.Equal(DateTimeKind.Utc, parsed.Kind);
            Assert.True(PackageProcessor.TryParseInstant(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture), out var z));
            Assert.Equal(utc, z);
        });
    }

    [Fact]
    public void Instants_without_a_zone_or_in_other_shapes_are_refused()
    {
        foreach (var text in new[] { "2026-04-01T00:00:00", "2026-04-01", "2026/04/01T00:00:00Z", "R8.4.1", "2026-04-01 00:00:00Z", "", "2026-13-01T00:00:00Z" })
            Assert.False(PackageProcessor.TryParseInstant(text, out _), text);
    }

    [Fact]
    public void Random_bytes_never_crash_the_pipeline_and_always_yield_a_verdict()
    {
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            var package = Rostering().File("orgs", "bulk", Encoding.UTF8.GetBytes(OrgsHeader + "\n").Concat(bytes).ToArray());
            using var source = PackageSource.Open(package.WriteFolder());
            var result = PackageProcessor.ProcessAsync(source, new ProcessingOptions()).GetAwaiter().GetResult();
            Assert.Equal(result.ErrorCount == 0, result.Accepted);
            Assert.All(result.Problems, p => Assert.False(string.IsNullOrEmpty(p.RuleId)));
        }, iter: 200);
    }

    private sealed class CapturingSink : IRecordSink
    {
        public List<CsvRecord> Records { get; } = [];

        public ValueTask BeginFileAsync(Koumu.Interop.Schemas.Csv.CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask WriteAsync(CsvRecord record, CancellationToken cancellationToken)
        {
            Records.Add(record);
            return ValueTask.CompletedTask;
        }

        public ValueTask EndFileAsync(Koumu.Interop.Schemas.Csv.CsvFileDefinition file, ProcessingMode mode, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
