using System.Data.Common;
using System.Globalization;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Storage.Attendance;

/// <summary>
/// One 学期 of a 年度 for the per-term 指導要録 tallies (issue #6 point 4): from the roster's academicSessions
/// (<see cref="SourcedId"/> set) or from the board's configured split (null).
/// </summary>
public sealed record AttendanceTerm(string? SourcedId, string Title, DateOnly Start, DateOnly End);

/// <summary>
/// Where the terms of a 年度 come from and how they partition it (decision 0009, "Per-term tallies"). The terms are
/// the roster's active <c>academicSessions</c> of type <c>term</c> or <c>semester</c> whose parent is the active
/// <c>schoolYear</c> session starting in the 年度; without any, the board's configured start dates
/// (<c>Koumu:Attendance:TermStarts</c>, default 3学期: 04-01, 09-01, 01-01). Either way only the start dates are used:
/// each term runs to the day before the next one starts, the first from April 1 and the last to March 31 — so the terms
/// partition the year (a 夏休み between a session's endDate and the next startDate belongs to the earlier term, as in
/// 学校管理規則 that number 学期 without gaps) and term tallies always sum to the year's.
/// </summary>
public static class AttendanceTerms
{
    /// <summary>The default split: 3学期 (4/1–8/31, 9/1–12/31, 1/1–3/31), the common 学校管理規則 pattern.</summary>
    public static readonly IReadOnlyList<string> DefaultStarts = ["04-01", "09-01", "01-01"];

    /// <summary>Partitions <paramref name="schoolYear"/> at the given term starts (outside the year: ignored; same day: the first wins).</summary>
    public static List<AttendanceTerm> Partition(int schoolYear, IEnumerable<(string? SourcedId, string Title, DateOnly Start)> starts)
    {
        ArgumentNullException.ThrowIfNull(starts);
        var yearStart = SchoolYear.Start(schoolYear);
        var yearEnd = SchoolYear.End(schoolYear);
        var ordered = starts.Where(s => s.Start >= yearStart && s.Start <= yearEnd)
            .OrderBy(s => s.Start).ThenBy(s => s.SourcedId, StringComparer.Ordinal)
            .DistinctBy(s => s.Start).ToList();
        if (ordered.Count == 0) return [new AttendanceTerm(null, $"{schoolYear}年度", yearStart, yearEnd)];
        var terms = new List<AttendanceTerm>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var start = i == 0 ? yearStart : ordered[i].Start;
            var end = i + 1 < ordered.Count ? ordered[i + 1].Start.AddDays(-1) : yearEnd;
            terms.Add(new AttendanceTerm(ordered[i].SourcedId, ordered[i].Title, start, end));
        }
        return terms;
    }

    /// <summary>
    /// The configured split: start dates as <c>MM-dd</c> (a month before April belongs to the next calendar year).
    /// Titles: 前期/後期 for two terms, 1学期… otherwise. Null when a value is not a date.
    /// </summary>
    public static List<AttendanceTerm>? Configured(int schoolYear, IReadOnlyList<string> starts)
    {
        ArgumentNullException.ThrowIfNull(starts);
        var dates = new List<(string?, string, DateOnly)>();
        for (var i = 0; i < starts.Count; i++)
        {
            if (!DateOnly.TryParseExact($"2000-{starts[i].Trim()}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return null;
            var date = new DateOnly(d.Month >= 4 ? schoolYear : schoolYear + 1, d.Month, Math.Min(d.Day, DateTime.DaysInMonth(d.Month >= 4 ? schoolYear : schoolYear + 1, d.Month)));
            var title = starts.Count == 2 ? (i == 0 ? "前期" : "後期") : $"{i + 1}学期";
            dates.Add((null, title, date));
        }
        return Partition(schoolYear, dates);
    }

    /// <summary>
    /// Per-term tallies of one pupil: the derivation run once per term with the enrolment clipped to the term, so each
    /// day is classified by exactly the same rules as for the year (and months), and terms sum to the year.
    /// </summary>
    public static List<(AttendanceTerm Term, YorokuTally Tally)> Derive(int schoolYear, SchoolCalendar calendar, IReadOnlyList<EnrolmentInterval> enrolments,
        IReadOnlyList<PupilMark> marks, YorokuOptions options, IReadOnlyList<AttendanceTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(enrolments);
        ArgumentNullException.ThrowIfNull(terms);
        var result = new List<(AttendanceTerm, YorokuTally)>(terms.Count);
        foreach (var term in terms)
        {
            var clipped = enrolments
                .Select(e => e with
                {
                    Begin = e.Begin is { } b && b > term.Start ? b : term.Start,
                    End = e.End is { } x && x < term.End ? x : term.End,
                })
                .Where(e => e.Begin <= e.End).ToList();
            result.Add((term, YorokuDerivation.Derive(schoolYear, calendar, clipped, marks, options).Year));
        }
        return result;
    }
}

public sealed partial class AttendanceStore
{
    /// <summary>
    /// The terms of <paramref name="schoolYear"/> (<see cref="AttendanceTerms"/>): the roster's term/semester sessions under
    /// the school year's session (one query), else <paramref name="configuredStarts"/>.
    /// </summary>
    public async Task<List<AttendanceTerm>> ReadTermsAsync(int tenantId, int schoolYear, IReadOnlyList<string> configuredStarts, CancellationToken cancellationToken)
    {
        var a = CsvBinding.AcademicSessions;
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            $"SELECT t.sourced_id, t.{Col(a, "title")}, t.{Col(a, "startDate")} FROM {a.StorageName} t " +
            $"JOIN {a.StorageName} y ON y.tenant_id = t.tenant_id AND y.sourced_id = t.{Col(a, "parentSourcedId")} " +
            $"WHERE t.tenant_id = @tenant AND t.status = 'active' AND t.{Col(a, "type")} IN ('term', 'semester') " +
            $"AND y.status = 'active' AND y.{Col(a, "type")} = 'schoolYear' AND y.{Col(a, "startDate")} >= @from AND y.{Col(a, "startDate")} <= @to");
        Add(command, "tenant", tenantId);
        Add(command, "from", SchoolYear.Start(schoolYear));
        Add(command, "to", SchoolYear.End(schoolYear));
        var sessions = new List<(string?, string, DateOnly)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                if (!reader.IsDBNull(2)) sessions.Add((reader.GetString(0), Text(reader, 1) ?? reader.GetString(0), reader.GetFieldValue<DateOnly>(2)));
        }
        return sessions.Count > 0
            ? AttendanceTerms.Partition(schoolYear, sessions)
            : AttendanceTerms.Configured(schoolYear, configuredStarts) ?? AttendanceTerms.Configured(schoolYear, AttendanceTerms.DefaultStarts)!;
    }
}
