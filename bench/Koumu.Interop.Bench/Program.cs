using System.Globalization;
using System.Runtime.InteropServices;
using Koumu.Interop.Bench;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;

// Issue #2 "Done when", last bullet: 1,000,000 pupils imported at ≥ 0.5× the raw database copy rate.
//   dotnet run -c Release --project bench/Koumu.Interop.Bench -- import --pupils 1000000 --pg "<connection string>"
//   dotnet run -c Release --project bench/Koumu.Interop.Bench -- import --pupils 100000 --sqlite /tmp/koumu_bench.db
//   dotnet run -c Release --project bench/Koumu.Interop.Bench -- generate --pupils 360 --out ./demo   (or ./demo.zip)
// Issue #3 acceptance: the OneRoster REST read side at 1,000,000 pupils (docs/benchmarks.md, "REST").
//   dotnet run -c Release --project bench/Koumu.Interop.Bench -- rest --pg "<connection string>"
// Issue #4: write-to-webhook-received latency at 500 changes/s and the maximum sustained delivery rate (docs/benchmarks.md, "Change delivery").
//   dotnet run -c Release --project bench/Koumu.Interop.Bench -- webhooks --pg "<connection string>"
// Issue #5: the xAPI LRS — batch ingest, single POST, GET by agent/activity at 10,000,000 statements (docs/benchmarks.md, "xAPI LRS").
//   dotnet run -c Release --project bench/Koumu.Interop.Bench -- lrs --pg "<connection string>" --statements 10000000 --seconds 20
// Issue #6: attendance — a school's yearly record, one morning for 100,000 pupils, the early-warning rules (docs/benchmarks.md, "Attendance").
//   dotnet run -c Release --project bench/Koumu.Interop.Bench -- attendance --pg "<connection string>"

var arguments = Arguments.Parse(args);
if (arguments is null || arguments.Command is not ("import" or "generate" or "rest" or "webhooks" or "lrs" or "attendance"))
{
    Console.Error.WriteLine("""
        usage: bench import   --pupils N (--pg "<conn>" | --sqlite <file>) [--seed S] [--boards B] [--profile jp-1.2.1]
                              [--folder <existing package folder>] [--keep] [--skip-copy] [--raw-indexed] [--skip-validate] [--skip-import] [--reimport] [--id-memory MB]
               bench generate --pupils N --out <folder | file.zip> [--seed S] [--boards B]
               bench rest     --pg "<conn>" [--pupils N] [--seed S] [--workers 16] [--warmup 5] [--duration 20] [--deep 900000]
                              [--cases first,deep,filter,students,ceiling,offset]
               bench webhooks --pg "<conn>" [--rate 500] [--duration 20] [--burst 20000] [--processes 1] [--keep]
               bench lrs      --pg "<conn>" [--statements 10000000] [--seconds 20] [--warmup 5] [--clients 4] [--single-clients 2] [--query-clients 2]
                              [--pupils 10000] [--page 50] [--sample 300] [--phases seed,ingest,single,query,learning]
               bench attendance --pg "<conn>" [--pupils 100000] [--seed S] [--runs 5] [--cases a,b,c]
        """);
    return 2;
}
if (arguments.Command == "rest") return await RestBench.RunAsync(arguments);
if (arguments.Command == "webhooks") return await WebhookBench.RunAsync(arguments);
if (arguments.Command == "lrs") return await LrsBench.RunAsync(arguments, args);
if (arguments.Command == "attendance") return await AttendanceBench.RunAsync(arguments);

var options = DemoOptions.Demo with
{
    Pupils = arguments.Int("pupils", DemoOptions.Demo.Pupils),
    Seed = arguments.Int("seed", DemoOptions.Demo.Seed),
    // Prefecture scale is 40 boards for 1,000,000 pupils: keep ≈25,000 pupils per board.
    Boards = arguments.Int("boards", Math.Max(1, arguments.Int("pupils", DemoOptions.Demo.Pupils) / 25_000)),
};

if (arguments.Command == "generate")
{
    var output = arguments.Required("out");
    using var meter = new Meter("generate");
    DemoCounts counts;
    if (output.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
    {
        using var file = File.Create(output);
        counts = DemoGenerator.WriteZip(options, file);
    }
    else counts = DemoGenerator.Write(options, output);
    var phase = meter.Stop();
    Console.WriteLine($"{output}: {counts.TotalRows:N0} rows ({Describe(counts)}), {counts.Bytes / 1e6:N1} MB in {phase.Elapsed.TotalSeconds:N2} s");
    return 0;
}

var pg = arguments.Optional("pg");
var sqlite = arguments.Optional("sqlite");
if ((pg is null) == (sqlite is null))
{
    Console.Error.WriteLine("import needs exactly one of --pg \"<connection string>\" or --sqlite <file>.");
    return 2;
}
// Every run measures a first import into an empty store: PostgreSQL gets a fresh database (dropped afterwards unless
// --keep), SQLite a new file. Importing into a store that already holds another package measures a bulk replacement
// (every missing record marked tobedeleted) instead — use --reimport to measure that on purpose.
string? runDatabase = null;
if (pg is not null)
{
    runDatabase = $"koumu_bench_run_{Environment.ProcessId}";
    await using var admin = new Npgsql.NpgsqlConnection(pg);
    await admin.OpenAsync();
    await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {runDatabase}", admin);
    await create.ExecuteNonQueryAsync();
    pg = new Npgsql.NpgsqlConnectionStringBuilder(pg) { Database = runDatabase }.ConnectionString;
}
else if (File.Exists(sqlite))
{
    Console.Error.WriteLine($"{sqlite} exists: the benchmark needs a new file (it measures a first import).");
    return 2;
}
var profile = OneRosterProfiles.Find(arguments.Optional("profile") ?? OneRosterProfiles.JapanV121.Id)
              ?? throw new ArgumentException("unknown --profile");
var database = pg is not null ? "PostgreSQL" : "SQLite";

Console.WriteLine($"# Koumu Interop import benchmark — {options.Pupils:N0} pupils, {options.Boards} board(s), {database}, profile {profile.Id}");
Console.WriteLine($"machine: {BenchMachine.Describe()}");

// --id-memory MB: the reference layer's in-memory budget for sourcedId hashes (PackageLimits.MaxIdMemoryBytes).
var limits = arguments.Optional("id-memory") is { } idMemory
    ? new PackageLimits { MaxIdMemoryBytes = long.Parse(idMemory, CultureInfo.InvariantCulture) << 20 }
    : PackageLimits.Default;
// (1) Generate the package (timed on its own).
var folder = arguments.Optional("folder");
var generated = folder is null;
folder ??= Path.Combine(Path.GetTempPath(), $"koumu_bench_{options.Pupils}_{Environment.ProcessId}");
PhaseResult? generate = null;
long packageRows;
if (generated)
{
    using var meter = new Meter("generate");
    var counts = DemoGenerator.Write(options, folder);
    generate = meter.Stop();
    packageRows = counts.TotalRows;
    Console.WriteLine($"generate: {counts.TotalRows:N0} rows ({Describe(counts)}), {counts.Bytes / 1e6:N1} MB, {Report(generate, counts.TotalRows)}");
}
else
{
    // A delta package may carry only some of the files.
    packageRows = DemoGenerator.Files.Select(f => Path.Combine(folder, f.FileName)).Where(File.Exists).Sum(f => File.ReadLines(f).LongCount() - 1);
    Console.WriteLine($"package: {folder}, {packageRows:N0} rows");
}

try
{
    // (2) Raw copy rate for the same rows.
    PhaseResult? copy = null;
    if (!arguments.Flag("skip-copy"))
    {
        GC.Collect();
        using var meter = new Meter("copy");
        var rows = pg is not null ? RawCopy.Postgres(pg, folder) : RawCopy.Sqlite(sqlite + ".raw", folder);
        copy = meter.Stop();
        Console.WriteLine($"raw copy: {rows:N0} rows, {Report(copy, rows)}");
    }

    // (2a) Optionally, the raw copy into tables with the hub's keys and indexes (PostgreSQL).
    if (pg is not null && arguments.Flag("raw-indexed"))
    {
        GC.Collect();
        using var meter = new Meter("copy-indexed");
        var rows = RawCopy.Postgres(pg, folder, indexed: true);
        var indexedCopy = meter.Stop();
        Console.WriteLine($"raw copy into indexed tables: {rows:N0} rows, {Report(indexedCopy, rows)}");
    }

    // (2b) Validation alone (PackageProcessor without a sink): how much of the import is parsing and checking.
    PhaseResult? validate = null;
    if (!arguments.Flag("skip-validate"))
    {
        GC.Collect();
        using var meter = new Meter("validate");
        using var source = PackageSource.Open(folder);
        var result = await PackageProcessor.ProcessAsync(source, new ProcessingOptions { Profile = profile, Limits = limits });
        validate = meter.Stop();
        Console.WriteLine($"validate only: errors={result.ErrorCount}, warnings={result.WarningCount}, {Report(validate, packageRows)}");
    }

    // (3) The hub's import: validation (profile rules included) and storage, all-or-nothing.
    PhaseResult? import = null;
    string? importNote = null;
    if (!arguments.Flag("skip-import"))
    {
        GC.Collect();
        try
        {
            var store = new RosterStore(new StorageOptions(pg is not null ? DatabaseProvider.Postgres : DatabaseProvider.Sqlite,
                pg ?? $"Data Source={sqlite}"));
            await store.MigrateAsync();
            var tenant = await store.EnsureTenantAsync("bench", "Bench");
            using var meter = new Meter("import");
            using var source = PackageSource.Open(folder);
            var outcome = await store.ImportAsync(tenant, source, new ProcessingOptions { Profile = profile, Limits = limits });
            import = meter.Stop();
            Console.WriteLine($"import: committed={outcome.Committed}, errors={outcome.Result.ErrorCount}, warnings={outcome.Result.WarningCount}, {Report(import, packageRows)}");
            foreach (var problem in outcome.Result.Problems.Take(10))
                Console.WriteLine($"  {problem.RuleId} {problem.File}:{problem.Line} {problem.Column} {problem.MessageEn}");
            if (!outcome.Committed) importNote = "rejected — not a valid measurement";
            if (arguments.Flag("reimport"))
            {
                // The nightly case: the same bulk package again, nothing changed.
                GC.Collect();
                using var again = new Meter("reimport");
                using var sameSource = PackageSource.Open(folder);
                var second = await store.ImportAsync(tenant, sameSource, new ProcessingOptions { Profile = profile, Limits = limits });
                var reimport = again.Stop();
                Console.WriteLine($"reimport (unchanged): committed={second.Committed}, errors={second.Result.ErrorCount}, {Report(reimport, packageRows)}");
            }
        }
        catch (NotImplementedException)
        {
            importNote = "not measured: RosterStore.ImportAsync is not implemented in this build";
            Console.WriteLine("import: " + importNote);
        }
    }

    // (4) Summary and a Markdown row for docs/benchmarks.md.
    double? copyRate = copy is null ? null : packageRows / copy.Elapsed.TotalSeconds;
    double? importRate = import is null || importNote is not null ? null : packageRows / import.Elapsed.TotalSeconds;
    var ratio = copyRate is { } c && importRate is { } i ? i / c : (double?)null;
    Console.WriteLine(ratio is { } r ? $"import/copy ratio: {r:N2} (goal ≥ 0.50) → {(r >= 0.5 ? "MET" : "NOT MET")}" : "import/copy ratio: not measured");
    Console.WriteLine();
    Console.WriteLine("| date | database | pupils | rows | generate s | raw copy rows/s | validate-only rows/s | import rows/s | import/copy | peak WS MB (gen / copy / validate / import) | allocated MB (gen / copy / validate / import) |");
    Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {DateTime.UtcNow:yyyy-MM-dd} | {database} | {options.Pupils:N0} | {packageRows:N0} | {Seconds(generate)} | {Rate(copyRate)} | {Rate(validate is null ? null : packageRows / validate.Elapsed.TotalSeconds)} | {(importRate is null ? importNote ?? "—" : Rate(importRate))} | {(ratio is { } x ? x.ToString("N2", CultureInfo.InvariantCulture) : "—")} | {Mb(generate?.PeakWorkingSet)} / {Mb(copy?.PeakWorkingSet)} / {Mb(validate?.PeakWorkingSet)} / {Mb(import?.PeakWorkingSet)} | {Mb(generate?.AllocatedBytes)} / {Mb(copy?.AllocatedBytes)} / {Mb(validate?.AllocatedBytes)} / {Mb(import?.AllocatedBytes)} |"));
    using var process = System.Diagnostics.Process.GetCurrentProcess();
    Console.WriteLine($"process peak working set: {process.PeakWorkingSet64 / 1e6:N0} MB; total allocated {GC.GetTotalAllocatedBytes() / 1e6:N0} MB");
}
finally
{
    if (generated && !arguments.Flag("keep")) Directory.Delete(folder, recursive: true);
    if (runDatabase is not null && !arguments.Flag("keep"))
    {
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var admin = new Npgsql.NpgsqlConnection(arguments.Required("pg"));
        await admin.OpenAsync();
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {runDatabase} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
return 0;

static string Describe(DemoCounts c) =>
    $"{c.Schools:N0} schools, {c.Pupils:N0} pupils, {c.Teachers:N0} teachers, {c.Users:N0} users, {c.Classes:N0} classes, {c.Enrollments:N0} enrollments";

static string Report(PhaseResult p, long rows) => string.Create(CultureInfo.InvariantCulture,
    $"{p.Elapsed.TotalSeconds:N2} s, {rows / p.Elapsed.TotalSeconds:N0} rows/s, peak working set {p.PeakWorkingSet / 1e6:N0} MB, peak GC heap {p.PeakGcHeap / 1e6:N0} MB, allocated {p.AllocatedBytes / 1e6:N0} MB");

static string Seconds(PhaseResult? p) => p is null ? "—" : p.Elapsed.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture);

static string Rate(double? rate) => rate is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "—";

static string Mb(long? bytes) => bytes is { } b ? (b / 1e6).ToString("N0", CultureInfo.InvariantCulture) : "—";

/// <summary>The machine a figure was measured on.</summary>
internal static class BenchMachine
{
    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores ({cpu ?? RuntimeInformation.ProcessArchitecture.ToString()}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}

/// <summary>--name value / --flag command-line options after a command word.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public required string Command { get; init; }

    public static Arguments? Parse(string[] args)
    {
        if (args.Length == 0) return null;
        var result = new Arguments { Command = args[0] };
        for (var i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) return null;
            var name = args[i][2..];
            var value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            result._values[name] = value;
        }
        return result;
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) => Optional(name) ?? throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) =>
        Optional(name) is { } v ? int.Parse(v, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;
}
