using System.Diagnostics;
using System.Globalization;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Demo;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Attendance;
using Npgsql;

namespace Koumu.Interop.Bench;

/// <summary>
/// Issue #6 "Done when", benchmark bullet, on PostgreSQL: (a) recomputing the yearly 指導要録「出欠の記録」 of a
/// 1,000-pupil school (≈200,000 day records: every pupil, every school day), (b) one morning for 100,000 pupils entered
/// in bulk (one write per school, as the per-school POST does), (c) evaluating every early-warning rule for the
/// 100,000-pupil tenant. The roster is the demo generator's (1,000 pupils per school); attendance is generated with a
/// fixed seed: the first school's whole year, and for every other pupil the exceptions a 出席簿 records (≈5 % absences,
/// ≈2 % 保健室 days, a few runs of absence) up to the evaluation date. Loaded once into a tenant of its own and reused.
/// The three cases call the same store methods the API endpoints call (the HTTP and JSON layers are not measured).
/// </summary>
internal static class AttendanceBench
{
    private const int Year = 2026;
    private static readonly DateOnly Morning = new(2026, 12, 1); // a Tuesday
    private static readonly DateOnly AsOf = new(2026, 12, 1);

    public static async Task<int> RunAsync(Arguments arguments)
    {
        var pg = arguments.Required("pg");
        var pupils = arguments.Int("pupils", 100_000);
        var seed = arguments.Int("seed", DemoOptions.Demo.Seed);
        var runs = arguments.Int("runs", 5);
        var cases = (arguments.Optional("cases") ?? "a,b,c").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var options = DemoOptions.Demo with { Pupils = pupils, Seed = seed, Boards = Math.Max(1, pupils / 25_000), PupilsPerSchool = 1000 };

        Console.WriteLine($"# Koumu Interop attendance benchmark — {pupils:N0} pupils, {options.Boards} board(s), PostgreSQL");
        Console.WriteLine($"machine: {BenchMachine.Describe()}; GC: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        var store = new RosterStore(new StorageOptions(DatabaseProvider.Postgres, pg));
        await store.MigrateAsync();
        var tenantCode = string.Create(CultureInfo.InvariantCulture, $"att-{pupils}-{seed}");
        var tenantId = await store.EnsureTenantAsync(tenantCode, $"Attendance benchmark ({pupils:N0} pupils)");
        if (await ScalarAsync<long>(pg, "SELECT COUNT(*) FROM users WHERE tenant_id = @t", tenantId) == 0) await LoadRosterAsync(store, tenantId, options);
        // Fresh tables have no statistics: without them the planner joins 300,000 enrollments to classes by nested loop.
        await ExecuteAsync(pg, "ANALYZE enrollments; ANALYZE classes; ANALYZE users;");
        var attendance = new AttendanceStore(store);

        // Homeroom pupils per school, from the roster (one query).
        var bySchool = await HomeroomPupilsAsync(pg, tenantId);
        var largest = bySchool.OrderByDescending(p => p.Value.Count).ThenBy(p => p.Key, StringComparer.Ordinal).First();
        Console.WriteLine($"roster: {bySchool.Count:N0} schools, {bySchool.Sum(p => p.Value.Count):N0} pupils in homerooms; school {largest.Key}: {largest.Value.Count:N0} pupils");

        var schoolDays = SchoolDays();
        if (await ScalarAsync<long>(pg, "SELECT COUNT(*) FROM attendance_records WHERE tenant_id = @t", tenantId) == 0)
            await SeedAsync(attendance, tenantId, bySchool, largest.Key, schoolDays);
        Console.WriteLine($"attendance_records: {await ScalarAsync<long>(pg, "SELECT COUNT(*) FROM attendance_records WHERE tenant_id = @t", tenantId):N0} rows; " +
                          $"school {largest.Key}: {await ScalarAsync<long>(pg, "SELECT COUNT(*) FROM attendance_records WHERE tenant_id = @t AND school_sourced_id = @s", tenantId, largest.Key):N0}");
        await ExecuteAsync(pg, "ANALYZE attendance_records; ANALYZE attendance_calendar; ANALYZE attendance_alerts;");

        // (a) The yearly record of the largest school.
        var yoroku = new YorokuOptions();
        var derived = await attendance.DeriveAsync(tenantId, largest.Key, Year, yoroku, null, null, CancellationToken.None); // warm-up
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            derived = await attendance.DeriveAsync(tenantId, largest.Key, Year, yoroku, null, null, CancellationToken.None);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"(a) yearly record, {derived.Count:N0} pupils, {derived.Sum(d => d.Record.Year.SchoolDays):N0} pupil-days: " +
                          $"median {Median(times):N0} ms, min {times.Min():N0} ms over {runs} runs (goal < 300 ms)");

        if (!cases.Contains("b") && !cases.Contains("c")) return 0;

        // (b) One morning for every pupil: the previous run's morning is removed first, so every run writes new versions.
        await ExecuteAsync(pg, $"DELETE FROM attendance_records WHERE tenant_id = {tenantId} AND date = '{Morning:yyyy-MM-dd}'");
        var random = new Random(seed);
        var mornings = bySchool.Select(p => (School: p.Key, Entries: p.Value.Select(pupil => new AttendanceEntry(p.Key, pupil, Morning, null,
            MorningMark(random), ReportedBy.Teacher, "bench", null)).ToList())).ToList();
        var total = mornings.Sum(m => m.Entries.Count);
        var morningClock = Stopwatch.StartNew();
        var written = 0;
        foreach (var (school, entries) in mornings)
        {
            var result = await attendance.WriteAsync(tenantId, Year, entries, null, "bench", CancellationToken.None);
            if (result.Problems.Count > 0) throw new InvalidOperationException($"{school}: {result.Problems[0]}");
            written += result.Written.Count;
        }
        Console.WriteLine($"(b) one morning, {total:N0} pupils in {mornings.Count:N0} per-school writes: {morningClock.Elapsed.TotalSeconds:N2} s " +
                          $"({written:N0} written, {total / morningClock.Elapsed.TotalSeconds:N0} records/s) (goal < 10 s)");

        // (c) Every early-warning rule for the tenant: the first evaluation after the morning, then an idempotent repeat.
        await ExecuteAsync(pg, $"DELETE FROM attendance_alerts WHERE tenant_id = {tenantId}");
        var evalClock = Stopwatch.StartNew();
        var first = await attendance.EvaluateWarningsAsync(tenantId, AsOf, CancellationToken.None);
        var firstSeconds = evalClock.Elapsed.TotalSeconds;
        evalClock.Restart();
        var again = await attendance.EvaluateWarningsAsync(tenantId, AsOf, CancellationToken.None);
        var againSeconds = evalClock.Elapsed.TotalSeconds;
        Console.WriteLine($"(c) early warning, {first.Pupils:N0} pupils with candidate records: first {firstSeconds:N2} s ({first.Raised:N0} alerts raised), " +
                          $"repeat {againSeconds:N2} s ({again.Raised} raised, {again.Updated} updated, {again.Resolved} resolved, {again.Open:N0} open) (goal < 5 s)");
        return 0;
    }

    private static AttendanceMark MorningMark(Random random) => random.Next(100) switch
    {
        < 3 => new AttendanceMark { Code = AttendanceCode.AbsentIllness },
        < 4 => new AttendanceMark { Code = AttendanceCode.AbsentOther },
        < 6 => new AttendanceMark { Code = AttendanceCode.Present, Late = true },
        _ => new AttendanceMark { Code = AttendanceCode.Present },
    };

    /// <summary>Weekdays outside the holidays (as the tests' calendar).</summary>
    private static List<DateOnly> SchoolDays()
    {
        var days = new List<DateOnly>();
        for (var d = SchoolYear.Start(Year); d <= SchoolYear.End(Year); d = d.AddDays(1))
        {
            if (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) continue;
            if (d >= new DateOnly(Year, 7, 21) && d <= new DateOnly(Year, 8, 31)) continue;
            if ((d.Month == 12 && d.Day >= 26) || (d.Month == 1 && d.Day <= 7)) continue;
            if (d >= new DateOnly(Year + 1, 3, 25)) continue;
            days.Add(d);
        }
        return days;
    }

    private static async Task SeedAsync(AttendanceStore attendance, int tenantId, Dictionary<string, List<string>> bySchool, string fullSchool, List<DateOnly> schoolDays)
    {
        var clock = Stopwatch.StartNew();
        var calendar = schoolDays.Select(d => new CalendarEntry(d, CalendarScope.School, null, CalendarDayKind.SchoolDay)).ToList();
        var random = new Random(7);
        long rows = 0;
        foreach (var (school, pupils) in bySchool)
        {
            var problems = await attendance.UpsertCalendarAsync(tenantId, school, calendar, CancellationToken.None);
            if (problems.Count > 0) throw new InvalidOperationException(problems[0].ToString());
            var entries = new List<AttendanceEntry>();
            var full = school == fullSchool;
            foreach (var pupil in pupils)
            {
                // About 1 pupil in 25 drifts away: a run of absences late in November (the rules' target).
                var drift = random.Next(25) == 0;
                foreach (var day in schoolDays)
                {
                    if (day >= (full ? SchoolYear.End(Year).AddDays(1) : AsOf)) break;
                    if (day == Morning) continue;
                    AttendanceMark? mark = drift && day >= new DateOnly(2026, 11, 20) ? new AttendanceMark { Code = AttendanceCode.AbsentOther }
                        : random.Next(100) switch
                        {
                            < 4 => new AttendanceMark { Code = AttendanceCode.AbsentIllness, Symptoms = [Symptom.Fever], Temperature = 38.0m },
                            < 5 => new AttendanceMark { Code = AttendanceCode.AbsentOther },
                            < 7 => new AttendanceMark { Code = AttendanceCode.Present, NurseRoom = true },
                            < 8 => new AttendanceMark { Code = AttendanceCode.Present, Late = true },
                            _ => full ? new AttendanceMark { Code = AttendanceCode.Present } : null,
                        };
                    if (mark is not null) entries.Add(new AttendanceEntry(school, pupil, day, null, mark, ReportedBy.Teacher, "bench-seed", null));
                }
            }
            var result = await attendance.WriteAsync(tenantId, Year, entries, null, "bench-seed", CancellationToken.None);
            if (result.Problems.Count > 0) throw new InvalidOperationException($"{school}: {result.Problems[0]}");
            rows += result.Written.Count;
        }
        Console.WriteLine($"seed: {rows:N0} records and {bySchool.Count:N0} calendars in {clock.Elapsed.TotalSeconds:N1} s");
    }

    private static async Task<Dictionary<string, List<string>>> HomeroomPupilsAsync(string pg, int tenantId)
    {
        var e = CsvBinding.Enrollments;
        var c = CsvBinding.Classes;
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT e.{e.Column("schoolSourcedId").SqlName}, e.{e.Column("userSourcedId").SqlName} FROM {e.StorageName} e " +
            $"JOIN {c.StorageName} c ON c.tenant_id = e.tenant_id AND c.sourced_id = e.{e.Column("classSourcedId").SqlName} " +
            $"WHERE e.tenant_id = @t AND e.{e.Column("role").SqlName} = 'student' AND c.{c.Column("classType").SqlName} = 'homeroom' AND e.status = 'active'", connection);
        command.Parameters.AddWithValue("t", tenantId);
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!result.TryGetValue(reader.GetString(0), out var list)) result[reader.GetString(0)] = list = [];
            list.Add(reader.GetString(1));
        }
        return result;
    }

    private static async Task LoadRosterAsync(RosterStore store, int tenantId, DemoOptions options)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"koumu-att-bench-package-{Environment.ProcessId}");
        try
        {
            var clock = Stopwatch.StartNew();
            var counts = DemoGenerator.Write(options, folder);
            using var source = PackageSource.Open(folder);
            var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions { Profile = OneRosterProfiles.JapanV121 });
            if (!outcome.Committed)
                throw new InvalidOperationException($"The demo package was rejected ({outcome.Result.ErrorCount} errors; first: {outcome.Result.Problems.FirstOrDefault()}).");
            Console.WriteLine($"roster: {counts.TotalRows:N0} rows generated and imported in {clock.Elapsed.TotalSeconds:N1} s");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static async Task<T> ScalarAsync<T>(string pg, string sql, int tenantId, string? school = null)
    {
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("t", tenantId);
        if (school is not null) command.Parameters.AddWithValue("s", school);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string pg, string sql)
    {
        await using var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }
}
