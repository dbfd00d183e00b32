using System.Globalization;
using System.IO.Compression;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Japan;

namespace Koumu.Interop.Schemas.Demo;

/// <summary>How many records of each kind a generated package holds.</summary>
public sealed record DemoCounts
{
    public long Boards { get; init; }
    public long Schools { get; init; }
    public long Pupils { get; init; }
    public long Teachers { get; init; }
    public long Guardians { get; init; }

    /// <summary>Rows per data file, keyed by file name (e.g. "enrollments"); files not written are absent.</summary>
    public IReadOnlyDictionary<string, long> Rows { get; init; } = new Dictionary<string, long>();

    /// <summary>Bytes written for the CSV files (uncompressed), manifest included.</summary>
    public long Bytes { get; init; }

    public long Orgs => Rows.GetValueOrDefault("orgs");
    public long AcademicSessions => Rows.GetValueOrDefault("academicSessions");
    public long Courses => Rows.GetValueOrDefault("courses");
    public long Classes => Rows.GetValueOrDefault("classes");
    public long Users => Rows.GetValueOrDefault("users");
    public long Roles => Rows.GetValueOrDefault("roles");
    public long Demographics => Rows.GetValueOrDefault("demographics");
    public long Enrollments => Rows.GetValueOrDefault("enrollments");
    public long TotalRows => Rows.Values.Sum();
}

/// <summary>
/// Writes a deterministic, realistic Japanese roster as a OneRoster 1.2 CSV package (issue #2 §7): 教育委員会 (district
/// orgs), 小学校 and 中学校 with MEXT 学校コード, the 年度 as a schoolYear session, courses per grade and 教科, 学級
/// (homeroom) and subject classes, pupils with kanji and katakana names, teachers, guardians, roles, enrollments with
/// 出席番号 and demographics. Rows are streamed: memory does not grow with the number of pupils.
/// </summary>
/// <remarks>
/// <para><b>schoolYear.</b> Base OneRoster defines <c>academicSessions.schoolYear</c> as the school year's END year
/// (oneroster.md §1.6). The Japan profile rules in oneroster.md §3.3 fix the title (「YYYY年度」) and the dates
/// (YYYY-04-01..(YYYY+1)-03-31) but say nothing about the schoolYear column, so the base rule applies:
/// 2026年度 is written with title 2026年度 and schoolYear 2027. (meibo's Japan-profile builder happens to fill the
/// column with the start year; that is an implementation default, not a profile rule.)</para>
/// <para><b>Determinism.</b> Every value comes from <see cref="DemoRandom"/> keyed by (seed, kind, index), never from
/// shared sequential state, so the same options give byte-identical files whatever order or grouping they are written in.</para>
/// </remarks>
public static class DemoGenerator
{
    /// <summary>The data files a package holds, in the binding's order (manifest.csv comes first in a zip).</summary>
    public static IReadOnlyList<CsvFileDefinition> Files { get; } =
    [
        CsvBinding.Orgs, CsvBinding.AcademicSessions, CsvBinding.Courses, CsvBinding.Classes, CsvBinding.Users,
        CsvBinding.Roles, CsvBinding.Demographics, CsvBinding.Enrollments,
    ];

    /// <summary>Writes manifest.csv and the data files into <paramref name="folder"/> (created if needed).</summary>
    public static DemoCounts Write(DemoOptions options, string folder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        options.Validate();
        var plan = new DemoPlan(options);
        Directory.CreateDirectory(folder);

        long manifestBytes;
        using (var manifest = new DemoCsvWriter(Create(Path.Combine(folder, "manifest.csv")), ownsStream: true, bufferSize: 1 << 12))
        {
            WriteManifest(manifest, options);
            manifest.Flush();
            manifestBytes = manifest.Bytes;
        }

        // Two traversals over disjoint sets of files use both cores of a small server; because every value is keyed,
        // each traversal produces exactly the rows a single traversal would.
        string[][] groups = Environment.ProcessorCount > 1
            ? [["users", "demographics"], ["orgs", "academicSessions", "courses", "classes", "roles", "enrollments"]]
            : [Files.Select(f => f.Name).ToArray()];
        var results = new DemoTraversal[groups.Length];
        Parallel.For(0, groups.Length, new ParallelOptions { MaxDegreeOfParallelism = groups.Length }, g =>
        {
            var writers = new Dictionary<string, DemoCsvWriter>(StringComparer.Ordinal);
            try
            {
                foreach (var name in groups[g])
                    writers[name] = new DemoCsvWriter(Create(Path.Combine(folder, name + ".csv")), ownsStream: true);
                var traversal = new DemoTraversal(plan, writers);
                traversal.Run();
                results[g] = traversal;
            }
            finally
            {
                foreach (var w in writers.Values) w.Dispose();
            }
        });
        return Count(results, manifestBytes);
    }

    /// <summary>Writes the package as a zip (manifest.csv first) to <paramref name="output"/>, which is left open.</summary>
    public static DemoCounts WriteZip(DemoOptions options, Stream output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        options.Validate();
        var plan = new DemoPlan(options);
        // A fixed entry time keeps the archive byte-identical between runs (the default is "now").
        var stamp = new DateTimeOffset(options.SchoolYear, 4, 1, 0, 0, 0, TimeSpan.FromHours(9));
        var results = new List<DemoTraversal>();
        long manifestBytes;
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        {
            var entry = zip.CreateEntry("manifest.csv", CompressionLevel.Fastest);
            entry.LastWriteTime = stamp;
            using var manifest = new DemoCsvWriter(entry.Open(), ownsStream: true, bufferSize: 1 << 12);
            WriteManifest(manifest, options);
            manifest.Flush();
            manifestBytes = manifest.Bytes;
        }
        // A zip takes one entry at a time: one traversal per file, each writing only its file.
        foreach (var file in Files)
        {
            var entry = zip.CreateEntry(file.FileName, CompressionLevel.Fastest);
            entry.LastWriteTime = stamp;
            using var writer = new DemoCsvWriter(entry.Open(), ownsStream: true);
            var traversal = new DemoTraversal(plan, new Dictionary<string, DemoCsvWriter>(StringComparer.Ordinal) { [file.Name] = writer });
            traversal.Run();
            writer.Flush();
            results.Add(traversal);
        }
        return Count(results, manifestBytes);
    }

    private static FileStream Create(string path) =>
        new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);

    private static DemoCounts Count(IReadOnlyList<DemoTraversal> traversals, long manifestBytes)
    {
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        long bytes = manifestBytes;
        foreach (var t in traversals)
            foreach (var (name, w) in t.Writers)
            {
                rows[name] = w.Rows;
                bytes += w.Bytes;
            }
        var first = traversals[0];
        return new DemoCounts
        {
            Boards = first.Plan.Boards.Length,
            Schools = first.Plan.Schools.Length,
            Pupils = first.Pupils,
            Teachers = first.Teachers,
            Guardians = first.Guardians,
            Rows = rows,
            Bytes = bytes,
        };
    }

    private static void WriteManifest(DemoCsvWriter w, DemoOptions options)
    {
        w.Header(["propertyName", "value"]);
        Pair("manifest.version", "1.0");
        Pair("oneroster.version", options.Profile.ManifestOneRosterVersion);
        foreach (var file in CsvBinding.Files)
            Pair(file.ManifestKey, Files.Contains(file) ? "bulk" : "absent");
        Pair("source.systemName", "Koumu Interop demo generator");
        w.Flush();

        void Pair(string name, string value)
        {
            w.Field(name);
            w.Field(value);
            w.EndRecord();
        }
    }
}

/// <summary>The shape of the generated roster: boards, schools, pupils per grade and per school. Small (one entry per school).</summary>
internal sealed class DemoPlan
{
    public sealed record Board(int Index, string Name, string Code, string SchoolPrefix);

    public sealed record School(int Index, int Board, bool Elementary, int LocalIndex, string Name, string Code, int[] PupilsPerGrade);

    public DemoPlan(DemoOptions options)
    {
        Options = options;
        Seed = unchecked((ulong)(uint)options.Seed);

        // Pupils spread evenly over the nine grades of 義務教育 (小1–小6, 中1–中3).
        var perGrade = new int[9];
        for (var g = 0; g < 9; g++) perGrade[g] = options.Pupils / 9 + (g < options.Pupils % 9 ? 1 : 0);
        var elementaryPupils = perGrade[..6].Sum();
        var juniorPupils = perGrade[6..].Sum();
        var elementarySchools = SchoolCount(elementaryPupils, options.PupilsPerSchool);
        var juniorSchools = SchoolCount(juniorPupils, options.PupilsPerSchool);

        var boardNumber = int.Parse(options.BoardCode.AsSpan(2), CultureInfo.InvariantCulture);
        Boards = new Board[options.Boards];
        for (var b = 0; b < Boards.Length; b++)
        {
            var name = b == 0 ? options.BoardName : JapaneseNames.Municipality(b) + "市教育委員会";
            var code = string.Create(CultureInfo.InvariantCulture, $"{options.PrefectureNumber:00}{boardNumber + b:0000}");
            // Schools of a 市教育委員会 are 市立: 若葉市教育委員会 → 若葉市立〇〇小学校.
            var prefix = name.EndsWith("教育委員会", StringComparison.Ordinal) ? name[..^"教育委員会".Length] + "立" : "";
            Boards[b] = new Board(b, name, code, prefix);
        }

        var schools = new List<School>(elementarySchools + juniorSchools);
        for (var b = 0; b < Boards.Length; b++)
        {
            AddSchools(b, elementary: true, elementarySchools, perGrade[..6]);
            AddSchools(b, elementary: false, juniorSchools, perGrade[6..]);
        }
        Schools = [.. schools];

        void AddSchools(int board, bool elementary, int count, int[] gradePupils)
        {
            // Schools of a type are split over boards in contiguous ranges: school i belongs to board ⌊i·B/n⌋.
            var local = 0;
            for (var i = 0; i < count; i++)
            {
                if ((long)i * Boards.Length / count != board) continue;
                var pupils = new int[gradePupils.Length];
                for (var g = 0; g < pupils.Length; g++) pupils[g] = gradePupils[g] / count + (i < gradePupils[g] % count ? 1 : 0);
                if (local > 9998) throw new ArgumentOutOfRangeException(nameof(options), "More than 9,999 schools of one type in one board: raise PupilsPerSchool or Boards.");
                // 学校番号 (7 digits): the board's number (last 3 digits) and the school's number within the board.
                var number = (boardNumber + board) % 1000 * 10_000 + local + 1;
                var code = MextCodes.SchoolCode(elementary ? "B1" : "C1", options.PrefectureNumber, 2, number);
                var name = Boards[board].SchoolPrefix + JapaneseNames.Place(local) + (elementary ? "小学校" : "中学校");
                schools.Add(new School(schools.Count, board, elementary, local, name, code, pupils));
                local++;
            }
        }
    }

    public DemoOptions Options { get; }

    public ulong Seed { get; }

    public Board[] Boards { get; }

    public School[] Schools { get; }

    /// <summary>Classes for <paramref name="pupils"/> pupils: ⌈n / PupilsPerClass⌉, sizes as even as possible.</summary>
    public int ClassCount(int pupils) => pupils == 0 ? 0 : (pupils + Options.PupilsPerClass - 1) / Options.PupilsPerClass;

    private static int SchoolCount(int pupils, int perSchool) =>
        pupils == 0 ? 0 : Math.Max(1, (int)Math.Round(pupils / (double)perSchool, MidpointRounding.AwayFromZero));
}
