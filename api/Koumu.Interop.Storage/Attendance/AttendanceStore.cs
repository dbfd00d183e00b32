using System.Data.Common;
using System.Globalization;
using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Storage.Query;
using Npgsql;

namespace Koumu.Interop.Storage.Attendance;

/// <summary>One record to write: a pupil's day (<see cref="Period"/> null) or period at a school.</summary>
public sealed record AttendanceEntry(string SchoolSourcedId, string PupilSourcedId, DateOnly Date, int? Period, AttendanceMark Mark,
    ReportedBy ReportedBy, string? SourceSystem, DateTime? ReportedAt);

/// <summary>A rejected input row: its index in the request, the field, the rule id and a message.</summary>
public sealed record EntryProblem(int Index, string Field, string Rule, string Message);

/// <summary>The outcome of a write: problems (then nothing was written), or the versions written and how many rows were unchanged repeats.</summary>
public sealed record AttendanceWriteResult(IReadOnlyList<EntryProblem> Problems, IReadOnlyList<AttendanceRecordRow> Written, int Unchanged);

/// <summary>A pupil's enrolment at a school, from OneRoster enrollments (role student, active) joined to their classes.</summary>
public sealed record PupilEnrolment(string PupilSourcedId, string SchoolSourcedId, string ClassSourcedId, bool Homeroom, string? Grade, DateOnly? Begin, DateOnly? End);

/// <summary>
/// The hub's conditions on a records read (all optional except the tenant): the client's schools, and the convenience
/// parameters of <c>GET …/records</c> (<c>school</c>, <c>pupil</c>, <c>from</c>, <c>to</c>, <c>since</c>, <c>history</c>)
/// that predate the query engine and stay as its hub-written AND group (<see cref="AttendanceStore.Scope"/>).
/// <see cref="After"/> / <see cref="Limit"/> page by row id (the CSV export's stable order).
/// </summary>
public sealed record AttendanceRecordQuery
{
    public IReadOnlyList<string>? Schools { get; init; }

    public string? School { get; init; }

    public string? Pupil { get; init; }

    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    public DateTime? ModifiedSince { get; init; }

    /// <summary>Every version, not only the current ones (the correction history).</summary>
    public bool History { get; init; }

    public long After { get; init; }

    public int Limit { get; init; } = 100;
}

/// <summary>
/// Attendance storage (docs/decisions/0009-attendance.md): records with history, calendars, the derivation's set-based
/// reads, and the access audit. A write is validated completely before anything is written and runs in one transaction
/// under a per-tenant lock (PostgreSQL advisory lock 7601; SQLite's write lock), so it is all-or-nothing and two writers
/// cannot both make a new version of one slot current.
/// </summary>
public sealed partial class AttendanceStore(RosterStore store)
{
    private const int LockClass = 7601;

    public const string RuleNotEnrolled = "attendance.not-enrolled";
    public const string RuleOutsideYear = "attendance.outside-school-year";
    public const string RuleSchoolNotAllowed = "attendance.school-not-allowed";
    public const string RuleDuplicateSlot = "attendance.duplicate-slot";

    public DatabaseProvider Provider => store.Options.Provider;

    // ---------------------------------------------------------------- records

    /// <summary>
    /// Validates and writes <paramref name="entries"/> for <paramref name="schoolYear"/> (年度, start year).
    /// <paramref name="allowedSchools"/> null = the whole tenant. Any problem: nothing is written, every problem is returned.
    /// A row equal to the slot's current version is an unchanged repeat (a retried morning does not add versions).
    /// </summary>
    public async Task<AttendanceWriteResult> WriteAsync(int tenantId, int schoolYear, IReadOnlyList<AttendanceEntry> entries,
        IReadOnlyCollection<string>? allowedSchools, string clientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var problems = new List<EntryProblem>();
        var start = SchoolYear.Start(schoolYear);
        var end = SchoolYear.End(schoolYear);
        var slots = new Dictionary<(string Pupil, DateOnly Date, int Period), int>();
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            foreach (var p in AttendanceRules.Validate(e.Mark, e.Period)) problems.Add(new(i, p.Field, p.Rule, p.Message));
            if (e.Date < start || e.Date > end)
                problems.Add(new(i, "date", RuleOutsideYear, $"{e.Date:yyyy-MM-dd} is outside {schoolYear}年度 ({start:yyyy-MM-dd}..{end:yyyy-MM-dd})."));
            if (allowedSchools is not null && !allowedSchools.Contains(e.SchoolSourcedId))
                problems.Add(new(i, "school", RuleSchoolNotAllowed, "The school is not one of the client's orgs."));
            if (!slots.TryAdd((e.PupilSourcedId, e.Date, e.Period ?? 0), i))
                problems.Add(new(i, e.Period is null ? "date" : "period", RuleDuplicateSlot, $"The same pupil, date and period as row {slots[(e.PupilSourcedId, e.Date, e.Period ?? 0)]}."));
        }
        if (entries.Count == 0) return new([], [], 0);

        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (connection is NpgsqlConnection)
        {
            await using var lockCommand = Command(connection, transaction, $"SELECT pg_advisory_xact_lock({LockClass}, @tenant)");
            Add(lockCommand, "tenant", tenantId);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // Enrolment: one query for the schools of the request (set-based; a morning of many schools is still one query).
        var schools = entries.Select(e => e.SchoolSourcedId).Distinct(StringComparer.Ordinal).ToList();
        var enrolments = (await LoadEnrolmentsAsync(connection, transaction, tenantId, schools, cancellationToken).ConfigureAwait(false))
            .ToLookup(e => (e.PupilSourcedId, e.SchoolSourcedId));
        for (var i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            if (!enrolments[(e.PupilSourcedId, e.SchoolSourcedId)].Any(x => (x.Begin is null || x.Begin <= e.Date) && (x.End is null || e.Date <= x.End)))
                problems.Add(new(i, "pupil", RuleNotEnrolled, $"The pupil has no active student enrolment at the school on {e.Date:yyyy-MM-dd}."));
        }
        if (problems.Count > 0) return new(problems.OrderBy(p => p.Index).ToList(), [], 0); // disposing rolls back

        // Current versions of the slots: one query over the request's schools and date span.
        var current = await CurrentVersionsAsync(connection, transaction, tenantId, [.. entries.Select(e => e.PupilSourcedId).Distinct(StringComparer.Ordinal)],
            entries.Min(e => e.Date), entries.Max(e => e.Date), cancellationToken).ConfigureAwait(false);
        var now = HubNow();
        var written = new List<AttendanceRecordRow>();
        var superseded = new List<long>();
        var unchanged = 0;
        foreach (var e in entries)
        {
            var row = ToRow(tenantId, e, clientId, now);
            if (current.TryGetValue((e.PupilSourcedId, e.Date, e.Period ?? 0), out var existing))
            {
                if (SameContent(existing, row))
                {
                    unchanged++;
                    continue;
                }
                row.SourcedId = existing.SourcedId;
                row.Version = existing.Version + 1;
                superseded.Add(existing.Id);
            }
            written.Add(row);
        }

        foreach (var chunk in superseded.Chunk(500))
        {
            await using var update = Command(connection, transaction, "");
            update.CommandText = $"UPDATE attendance_records SET is_current = @false WHERE id {In(update, "id", chunk)}";
            Add(update, "false", false);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await InsertAsync(connection, transaction, written, cancellationToken).ConfigureAwait(false);
        await RecordChangesAsync(connection, transaction, tenantId, written, now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new([], written, unchanged);
    }

    /// <summary>
    /// One change per new version, in the writer's transaction (the outbox of decision 0006: a rolled-back write records
    /// nothing): the change feed, its stream and webhooks tell subscribers of an absence as soon as it is entered.
    /// </summary>
    private static Task<long> RecordChangesAsync(DbConnection connection, DbTransaction transaction, int tenantId, IReadOnlyList<AttendanceRecordRow> rows,
        DateTime now, CancellationToken cancellationToken) =>
        ChangeLog.RecordRowsAsync(connection, transaction, tenantId,
            [.. rows.Select(r => (ChangeFeed.AttendanceRecords, r.SourcedId, r.Status == "tobedeleted" ? ChangeOperation.Delete : ChangeOperation.Upsert))],
            now, cancellationToken);

    private static AttendanceRecordRow ToRow(int tenantId, AttendanceEntry e, string clientId, DateTime now)
    {
        var m = e.Mark;
        return new AttendanceRecordRow
        {
            TenantId = tenantId,
            SourcedId = Guid.NewGuid().ToString("D"),
            Version = 1,
            IsCurrent = true,
            Status = "active",
            SchoolSourcedId = e.SchoolSourcedId,
            PupilSourcedId = e.PupilSourcedId,
            Date = e.Date,
            Period = e.Period ?? 0,
            Code = AttendanceCodes.Name(m.Code),
            DeemedKind = m.DeemedKind is { } k ? AttendanceVocabulary.Name(k) : null,
            Facility = m.Facility,
            Disease = m.Disease,
            Relationship = m.Relationship is { } r ? AttendanceVocabulary.Name(r) : null,
            OnlineMethod = m.OnlineMethod is { } o ? AttendanceVocabulary.Name(o) : null,
            OnlineParticipated = m.OnlineParticipated,
            Late = m.Late,
            ArrivedAt = m.ArrivedAt?.ToString("HH:mm", CultureInfo.InvariantCulture),
            EarlyLeave = m.EarlyLeave,
            LeftAt = m.LeftAt?.ToString("HH:mm", CultureInfo.InvariantCulture),
            NurseRoom = m.NurseRoom,
            SeparateRoom = m.SeparateRoom,
            Symptoms = m.Symptoms.Count == 0 ? null : string.Join(',', m.Symptoms.Select(s => AttendanceVocabulary.Name(s))),
            Temperature = m.Temperature,
            Note = m.Note,
            ReportedBy = AttendanceVocabulary.Name(e.ReportedBy),
            SourceSystem = e.SourceSystem,
            ReportedAt = e.ReportedAt,
            DateLastModified = now,
            ClientId = clientId,
        };
    }

    /// <summary>The stored record as a canonical mark (what the derivation reads).</summary>
    public static AttendanceMark ToMark(AttendanceRecordRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        AttendanceCodes.TryParse(row.Code, out var code);
        return new AttendanceMark
        {
            Code = code,
            DeemedKind = Parse<DeemedAttendanceKind>(row.DeemedKind),
            Facility = row.Facility,
            Disease = row.Disease,
            Relationship = Parse<BereavementRelationship>(row.Relationship),
            OnlineMethod = Parse<OnlineLessonMethod>(row.OnlineMethod),
            OnlineParticipated = row.OnlineParticipated,
            Late = row.Late,
            ArrivedAt = row.ArrivedAt is null ? null : TimeOnly.ParseExact(row.ArrivedAt, "HH:mm", CultureInfo.InvariantCulture),
            EarlyLeave = row.EarlyLeave,
            LeftAt = row.LeftAt is null ? null : TimeOnly.ParseExact(row.LeftAt, "HH:mm", CultureInfo.InvariantCulture),
            NurseRoom = row.NurseRoom,
            SeparateRoom = row.SeparateRoom,
            Symptoms = row.Symptoms is null ? [] : [.. row.Symptoms.Split(',').Select(s => Parse<Symptom>(s) ?? Symptom.Other)],
            Temperature = row.Temperature,
            Note = row.Note,
        };
    }

    private static T? Parse<T>(string? text) where T : struct, Enum => AttendanceVocabulary.TryParse<T>(text, out var v) ? v : null;

    private static bool SameContent(AttendanceRecordRow a, AttendanceRecordRow b) =>
        a.Status == b.Status && a.SchoolSourcedId == b.SchoolSourcedId && a.Code == b.Code && a.DeemedKind == b.DeemedKind && a.Facility == b.Facility
        && a.Disease == b.Disease && a.Relationship == b.Relationship && a.OnlineMethod == b.OnlineMethod && a.OnlineParticipated == b.OnlineParticipated
        && a.Late == b.Late && a.ArrivedAt == b.ArrivedAt && a.EarlyLeave == b.EarlyLeave && a.LeftAt == b.LeftAt && a.NurseRoom == b.NurseRoom
        && a.SeparateRoom == b.SeparateRoom && a.Symptoms == b.Symptoms && a.Temperature == b.Temperature && a.Note == b.Note
        && a.ReportedBy == b.ReportedBy && a.SourceSystem == b.SourceSystem;

    /// <summary>The columns <see cref="ReadRow"/> reads, in its order.</summary>
    internal static readonly string[] RecordColumnList =
    [
        "id", "tenant_id", "sourced_id", "version", "is_current", "status", "school_sourced_id", "pupil_sourced_id", "date", "period", "code",
        "deemed_kind", "facility", "disease", "relationship", "online_method", "online_participated", "late", "arrived_at", "early_leave", "left_at",
        "nurse_room", "separate_room", "symptoms", "temperature", "note", "reported_by", "source_system", "reported_at", "date_last_modified", "client_id",
    ];

    private static readonly string RecordColumns = string.Join(", ", RecordColumnList);

    private static AttendanceRecordRow ReadRow(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        TenantId = r.GetInt32(1),
        SourcedId = r.GetString(2),
        Version = r.GetInt32(3),
        IsCurrent = r.GetBoolean(4),
        Status = r.GetString(5),
        SchoolSourcedId = r.GetString(6),
        PupilSourcedId = r.GetString(7),
        Date = r.GetFieldValue<DateOnly>(8),
        Period = r.GetInt32(9),
        Code = r.GetString(10),
        DeemedKind = Text(r, 11),
        Facility = Text(r, 12),
        Disease = Text(r, 13),
        Relationship = Text(r, 14),
        OnlineMethod = Text(r, 15),
        OnlineParticipated = r.IsDBNull(16) ? null : r.GetBoolean(16),
        Late = r.GetBoolean(17),
        ArrivedAt = Text(r, 18),
        EarlyLeave = r.GetBoolean(19),
        LeftAt = Text(r, 20),
        NurseRoom = r.GetBoolean(21),
        SeparateRoom = r.GetBoolean(22),
        Symptoms = Text(r, 23),
        Temperature = r.IsDBNull(24) ? null : r.GetDecimal(24),
        Note = Text(r, 25),
        ReportedBy = r.GetString(26),
        SourceSystem = Text(r, 27),
        ReportedAt = r.IsDBNull(28) ? null : Utc(r.GetDateTime(28)),
        DateLastModified = Utc(r.GetDateTime(29)),
        ClientId = r.GetString(30),
    };

    private static async Task<Dictionary<(string, DateOnly, int), AttendanceRecordRow>> CurrentVersionsAsync(DbConnection connection, DbTransaction? transaction,
        int tenantId, IReadOnlyList<string> pupils, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        // By pupil slot, not school: a pupil's slot is one whatever school sent it (a record moved between schools is a
        // correction). The request's own pupils, through the current-slot index (tenant, pupil, date, period): reading
        // by the schools' enrolments made PostgreSQL scan every school's records of the dates and hash them against the
        // school's pupils — each school's morning read the mornings written before it (bench attendance (b)).
        var result = new Dictionary<(string, DateOnly, int), AttendanceRecordRow>();
        foreach (var chunk in pupils.Chunk(connection is NpgsqlConnection ? 100_000 : 5_000))
        {
            await using var command = Command(connection, transaction, "");
            command.CommandText = $"SELECT {RecordColumns} FROM attendance_records r WHERE tenant_id = @tenant AND pupil_sourced_id {In(command, "p", chunk)} " +
                "AND is_current AND date >= @from AND date <= @to";
            Add(command, "tenant", tenantId);
            Add(command, "from", from);
            Add(command, "to", to);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = ReadRow(reader);
                result[(row.PupilSourcedId, row.Date, row.Period)] = row;
            }
        }
        return result;
    }

    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, List<AttendanceRecordRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        if (connection is NpgsqlConnection npgsql)
        {
            // Binary COPY: a whole morning of a large board is one round trip.
            await using var importer = await npgsql.BeginBinaryImportAsync(
                "COPY attendance_records (tenant_id, sourced_id, version, is_current, status, school_sourced_id, pupil_sourced_id, date, period, code, " +
                "deemed_kind, facility, disease, relationship, online_method, online_participated, late, arrived_at, early_leave, left_at, nurse_room, " +
                "separate_room, symptoms, temperature, note, reported_by, source_system, reported_at, date_last_modified, client_id) FROM STDIN (FORMAT BINARY)",
                cancellationToken).ConfigureAwait(false);
            foreach (var r in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                foreach (var value in Values(r))
                {
                    if (value is null) await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    else await importer.WriteAsync(value, cancellationToken).ConfigureAwait(false);
                }
            }
            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await using var insert = Command(connection, transaction,
            "INSERT INTO attendance_records (tenant_id, sourced_id, version, is_current, status, school_sourced_id, pupil_sourced_id, date, period, code, " +
            "deemed_kind, facility, disease, relationship, online_method, online_participated, late, arrived_at, early_leave, left_at, nurse_room, " +
            "separate_room, symptoms, temperature, note, reported_by, source_system, reported_at, date_last_modified, client_id) VALUES (" +
            string.Join(", ", Enumerable.Range(0, 30).Select(i => "@p" + i)) + ")");
        for (var i = 0; i < 30; i++) Add(insert, "p" + i, DBNull.Value);
        foreach (var r in rows)
        {
            var values = Values(r);
            for (var i = 0; i < values.Length; i++) insert.Parameters[i].Value = values[i] ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static object?[] Values(AttendanceRecordRow r) =>
    [
        r.TenantId, r.SourcedId, r.Version, r.IsCurrent, r.Status, r.SchoolSourcedId, r.PupilSourcedId, r.Date, r.Period, r.Code,
        r.DeemedKind, r.Facility, r.Disease, r.Relationship, r.OnlineMethod, r.OnlineParticipated, r.Late, r.ArrivedAt, r.EarlyLeave, r.LeftAt,
        r.NurseRoom, r.SeparateRoom, r.Symptoms, r.Temperature, r.Note, r.ReportedBy, r.SourceSystem, r.ReportedAt, r.DateLastModified, r.ClientId,
    ];

    /// <summary>
    /// The hub-written conditions of <paramref name="query"/> as one confinement (parameters <c>r_…</c>): the client's
    /// schools (none = nothing), current versions unless the history, and the convenience parameters.
    /// </summary>
    public static QueryConfinement Scope(AttendanceRecordQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var scope = QueryConfinement.None;
        if (query.Schools is { } schools) scope = scope.And(QueryConfinement.FieldIn("school.sourcedId", schools));
        if (!query.History) scope = scope.And(QueryConfinement.Sql("t.is_current", new Dictionary<string, object>()));
        if (query.School is { } school) scope = scope.And(Sql("t.school_sourced_id = @r_school", "r_school", school));
        if (query.Pupil is { } pupil) scope = scope.And(Sql("t.pupil_sourced_id = @r_pupil", "r_pupil", pupil));
        if (query.From is { } from) scope = scope.And(Sql("t.date >= @r_from", "r_from", from));
        if (query.To is { } to) scope = scope.And(Sql("t.date <= @r_to", "r_to", to));
        if (query.ModifiedSince is { } since) scope = scope.And(Sql("t.date_last_modified > @r_since", "r_since", since));
        return scope;

        static QueryConfinement Sql(string predicate, string name, object value) =>
            QueryConfinement.Sql(predicate, new Dictionary<string, object> { [name] = value });
    }

    /// <summary>A page of records by row id (the CSV export and tests): <see cref="Scope"/>, then rows after <see cref="AttendanceRecordQuery.After"/>.</summary>
    public async Task<(IReadOnlyList<AttendanceRecordRow> Rows, bool HasMore)> ReadAsync(int tenantId, AttendanceRecordQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parsed = RosterQueryParser.Parse(AttendanceQuery.RecordsFor(query.History, health: true),
            new QueryParameters(Limit: query.Limit.ToString(CultureInfo.InvariantCulture))).Value;
        if (query.After > 0) parsed = parsed with { After = new KeysetPosition(null, query.After.ToString(CultureInfo.InvariantCulture)) };
        var page = await ReadPageAsync(tenantId, parsed, Scope(query), includeTotal: false, cursors: null, cancellationToken).ConfigureAwait(false);
        return (page.Records, page.HasMore);
    }

    /// <summary>
    /// A page of records through THE query engine (<see cref="AttendanceQuery"/>; filter, sort, offset, fields, cursor
    /// already parsed into <paramref name="query"/>). <paramref name="scope"/> is the hub's part — the client's schools,
    /// current versions only unless the history is asked for, the convenience parameters — compiled into its own
    /// parenthesised AND group before the client's filter, so no <c>OR</c> in a filter can widen it. One query for the
    /// page (plus the count when <paramref name="includeTotal"/>).
    /// </summary>
    public async Task<QueryPage<AttendanceRecordRow>> ReadPageAsync(int tenantId, RosterQuery query, QueryConfinement scope, bool includeTotal,
        QueryCursorCodec? cursors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        var plan = RosterQueryCompiler.Compile(query, Provider, tenantId, scope);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await RosterQueryExecutor.ReadPageAsync(connection, plan, ReadRow, AttendanceQuery.Position, includeTotal, cursors, cancellationToken)
            .ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- enrolments

    /// <summary>
    /// Active student enrolments at <paramref name="schools"/>, in enrolment sourcedId order (so that which of two
    /// overlapping enrolments counts does not depend on a plan), with their active class's type and grade.
    /// </summary>
    /// <remarks>
    /// Two reads — the enrolments, then their classes by primary key — rather than one join: PostgreSQL hashed every class
    /// of the tenant (10,800 in bench attendance) for one school's ≈ 3,000 enrolments, 10–18 ms a call, and every
    /// attendance write and yearly record makes one.
    /// </remarks>
    private static async Task<List<PupilEnrolment>> LoadEnrolmentsAsync(DbConnection connection, DbTransaction? transaction, int tenantId,
        IReadOnlyList<string> schools, CancellationToken cancellationToken, string? pupil = null)
    {
        var e = CsvBinding.Enrollments;
        var c = CsvBinding.Classes;
        var rows = new List<(string Pupil, string School, string Class, DateOnly? Begin, DateOnly? End)>();
        await using (var command = Command(connection, transaction, ""))
        {
            command.CommandText =
                $"SELECT e.{Col(e, "userSourcedId")}, e.{Col(e, "schoolSourcedId")}, e.{Col(e, "classSourcedId")}, e.{Col(e, "beginDate")}, e.{Col(e, "endDate")} " +
                $"FROM {e.StorageName} e WHERE e.tenant_id = @tenant AND e.{Col(e, "schoolSourcedId")} {In(command, "s", schools)} AND e.{Col(e, "role")} = 'student' " +
                "AND e.status = 'active'" + (pupil is null ? "" : $" AND e.{Col(e, "userSourcedId")} = @pupil") + " ORDER BY e.sourced_id";
            Add(command, "tenant", tenantId);
            if (pupil is not null) Add(command, "pupil", pupil);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4)));
        }
        var classes = new Dictionary<string, (bool Homeroom, string? Grade)>(StringComparer.Ordinal);
        var ids = rows.Select(r => r.Class).Distinct(StringComparer.Ordinal).ToList();
        var postgres = connection is NpgsqlConnection;
        foreach (var chunk in ids.Chunk(postgres ? 50_000 : 500))
        {
            await using var command = Command(connection, transaction, "");
            command.CommandText = postgres
                ? $"SELECT c.sourced_id, c.{Col(c, "classType")}, c.{Col(c, "grades")} FROM unnest(@ids) k(id) " +
                  $"JOIN {c.StorageName} c ON c.tenant_id = @tenant AND c.sourced_id = k.id WHERE c.status = 'active'"
                : $"SELECT c.sourced_id, c.{Col(c, "classType")}, c.{Col(c, "grades")} FROM {c.StorageName} c " +
                  $"WHERE c.tenant_id = @tenant AND c.sourced_id {In(command, "ids", chunk)} AND c.status = 'active'";
            if (postgres) Add(command, "ids", chunk);
            Add(command, "tenant", tenantId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                classes[reader.GetString(0)] = (string.Equals(Text(reader, 1), "homeroom", StringComparison.Ordinal),
                    Text(reader, 2)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault());
        }
        var list = new List<PupilEnrolment>(rows.Count);
        foreach (var r in rows)
            if (classes.TryGetValue(r.Class, out var cls))
                list.Add(new PupilEnrolment(r.Pupil, r.School, r.Class, cls.Homeroom, cls.Grade, r.Begin, r.End));
        return list;
    }

    /// <summary>
    /// A pupil's enrolment intervals at a school: the homeroom (学級) enrolments when there are any — they carry the class
    /// the calendar's 学級閉鎖 applies to — otherwise every class enrolment (class-less for the calendar).
    /// </summary>
    public static List<EnrolmentInterval> Intervals(IEnumerable<PupilEnrolment> enrolments)
    {
        var all = enrolments.ToList();
        var homeroom = all.Where(e => e.Homeroom).ToList();
        return homeroom.Count > 0
            ? [.. homeroom.OrderBy(e => e.Begin ?? DateOnly.MinValue).Select(e => new EnrolmentInterval(e.Begin, e.End, e.Grade, e.ClassSourcedId))]
            : [.. all.OrderBy(e => e.Begin ?? DateOnly.MinValue).Select(e => new EnrolmentInterval(e.Begin, e.End, e.Grade, null))];
    }

    // ---------------------------------------------------------------- calendar

    /// <summary>Replaces the given (date, scope, key) entries of a school's calendar (upsert); validated first, all-or-nothing.</summary>
    public async Task<IReadOnlyList<EntryProblem>> UpsertCalendarAsync(int tenantId, string school, IReadOnlyList<CalendarEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var problems = new List<EntryProblem>();
        var seen = new Dictionary<(DateOnly, CalendarScope, string), int>();
        for (var i = 0; i < entries.Count; i++)
        {
            foreach (var p in entries[i].Validate()) problems.Add(new(i, p.Field, p.Rule, p.Message));
            if (!seen.TryAdd((entries[i].Date, entries[i].Scope, entries[i].Key ?? ""), i))
                problems.Add(new(i, "date", RuleDuplicateSlot, $"The same date, scope and key as row {seen[(entries[i].Date, entries[i].Scope, entries[i].Key ?? "")]}."));
        }
        if (problems.Count > 0 || entries.Count == 0) return problems;
        await using var context = store.CreateDbContext();
        await using var transaction = await context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = HubNow();
        var dates = entries.Select(e => e.Date).Distinct().ToList();
        var existing = context.Set<AttendanceCalendarRow>()
            .Where(r => r.TenantId == tenantId && r.SchoolSourcedId == school && dates.Contains(r.Date))
            .ToDictionary(r => (r.Date, r.Scope, r.Key));
        foreach (var e in entries)
        {
            var scope = AttendanceVocabulary.Name(e.Scope);
            var kind = AttendanceVocabulary.Name(e.Kind);
            if (existing.TryGetValue((e.Date, scope, e.Key ?? ""), out var row))
            {
                if (row.Kind == kind && row.Reason == e.Reason) continue;
                row.Kind = kind;
                row.Reason = e.Reason;
                row.DateLastModified = now;
            }
            else
                context.Add(new AttendanceCalendarRow
                {
                    TenantId = tenantId, SchoolSourcedId = school, Date = e.Date, Scope = scope, Key = e.Key ?? "", Kind = kind, Reason = e.Reason, DateLastModified = now,
                });
        }
        await context.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return [];
    }

    /// <summary>A school's calendar entries for a 年度 (one query).</summary>
    public async Task<List<CalendarEntry>> ReadCalendarAsync(int tenantId, string school, int schoolYear, CancellationToken cancellationToken)
    {
        var start = SchoolYear.Start(schoolYear);
        var end = SchoolYear.End(schoolYear);
        await using var context = store.CreateDbContext();
        var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            context.Set<AttendanceCalendarRow>().Where(r => r.TenantId == tenantId && r.SchoolSourcedId == school && r.Date >= start && r.Date <= end)
                .OrderBy(r => r.Date), cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => new CalendarEntry(r.Date, Parse<CalendarScope>(r.Scope) ?? CalendarScope.School, r.Key.Length == 0 ? null : r.Key,
            Parse<CalendarDayKind>(r.Kind) ?? CalendarDayKind.Holiday, r.Reason))];
    }

    // ---------------------------------------------------------------- derivation

    /// <summary>
    /// 指導要録「出欠の記録」 of the pupils of <paramref name="school"/> for <paramref name="schoolYear"/> — all pupils enrolled
    /// during the year, or one pupil, or one class's pupils. Three queries whatever the number of pupils (calendar,
    /// enrolments, the year's current records of the school): no per-pupil round trips.
    /// </summary>
    public async Task<List<(string Pupil, YorokuRecord Record)>> DeriveAsync(int tenantId, string school, int schoolYear, YorokuOptions options,
        string? pupil, string? classSourcedId, CancellationToken cancellationToken)
    {
        var (calendar, enrolments, marks) = await LoadDerivationAsync(tenantId, school, schoolYear, pupil, classSourcedId, cancellationToken).ConfigureAwait(false);
        return DerivePerPupil(enrolments, cancellationToken, p => YorokuDerivation.Derive(schoolYear, calendar, p.Value, marks.GetValueOrDefault(p.Key) ?? [], options));
    }

    /// <summary>
    /// <paramref name="derive"/> for every pupil, in sourcedId order. Pupils are independent (the derivation is pure and
    /// the calendar's per-class year is shared under its own lock), and once the school's rows are read the database's
    /// core is idle: a 1,000-pupil school runs on every core rather than one.
    /// </summary>
    private static List<(string Pupil, T Result)> DerivePerPupil<T>(Dictionary<string, List<EnrolmentInterval>> enrolments, CancellationToken cancellationToken,
        Func<KeyValuePair<string, List<EnrolmentInterval>>, T> derive)
    {
        var pupils = enrolments.OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        var results = new (string Pupil, T Result)[pupils.Length];
        if (pupils.Length < 64)
            for (var i = 0; i < pupils.Length; i++) results[i] = (pupils[i].Key, derive(pupils[i]));
        else
            Parallel.For(0, pupils.Length, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount },
                i => results[i] = (pupils[i].Key, derive(pupils[i])));
        return [.. results];
    }

    /// <summary>
    /// <see cref="DeriveAsync"/> plus each pupil's tallies per term of <paramref name="terms"/> (<see cref="AttendanceTerms.Derive"/>):
    /// the same three queries; the terms are derived in memory from the same inputs.
    /// </summary>
    public async Task<List<(string Pupil, YorokuRecord Record, List<(AttendanceTerm Term, YorokuTally Tally)> Terms)>> DeriveByTermAsync(int tenantId,
        string school, int schoolYear, YorokuOptions options, string? pupil, string? classSourcedId, IReadOnlyList<AttendanceTerm> terms,
        CancellationToken cancellationToken)
    {
        var (calendar, enrolments, marks) = await LoadDerivationAsync(tenantId, school, schoolYear, pupil, classSourcedId, cancellationToken).ConfigureAwait(false);
        return [.. DerivePerPupil(enrolments, cancellationToken, p =>
        {
            var pupilMarks = marks.GetValueOrDefault(p.Key) ?? [];
            return (Record: YorokuDerivation.Derive(schoolYear, calendar, p.Value, pupilMarks, options),
                Terms: AttendanceTerms.Derive(schoolYear, calendar, p.Value, pupilMarks, options, terms));
        }).Select(r => (r.Pupil, r.Result.Record, r.Result.Terms))];
    }

    /// <summary>Bits 24–29 of the packed column: online participation (0 none, 1 no, 2 yes), 遅刻, 早退, 保健室登校, 別室登校.</summary>
    private const long ModifierBits = 0x3F00_0000;

    /// <summary>
    /// The read of a school's year (<see cref="LoadDerivationAsync"/>; parameters @tenant, @school, @from, @to, and @pupil
    /// when <paramref name="onePupil"/>). On PostgreSQL every column it names is in the school/date index (key or INCLUDE,
    /// migration AttendanceYearCoveringIndex) so it can be an index-only scan: a column added here must be added there too
    /// (<c>The_yearly_read_can_be_an_index_only_scan</c> fails otherwise).
    /// </summary>
    internal static string YearReadSql(bool postgres, bool onePupil)
    {
        var dayOffset = postgres ? "CAST(date - @from AS BIGINT)" : "CAST(julianday(date) - julianday(@from) AS INTEGER)";
        return $"SELECT pupil_sourced_id, ({dayOffset} << 40) | (CAST(period AS BIGINT) << 32) " +
            "| (COALESCE(CAST(online_participated AS INTEGER) + 1, 0) << 24) | (CAST(late AS INTEGER) << 26) | (CAST(early_leave AS INTEGER) << 27) " +
            "| (CAST(nurse_room AS INTEGER) << 28) | (CAST(separate_room AS INTEGER) << 29), code, deemed_kind, online_method " +
            "FROM attendance_records WHERE tenant_id = @tenant AND school_sourced_id = @school AND is_current " +
            "AND status = 'active' AND date >= @from AND date <= @to" + (onePupil ? " AND pupil_sourced_id = @pupil" : "");
    }

    internal async Task<(SchoolCalendar Calendar, Dictionary<string, List<EnrolmentInterval>> Enrolments, Dictionary<string, List<PupilMark>> Marks)> LoadDerivationAsync(
        int tenantId, string school, int schoolYear, string? pupil, string? classSourcedId, CancellationToken cancellationToken)
    {
        var calendar = new SchoolCalendar(await ReadCalendarAsync(tenantId, school, schoolYear, cancellationToken).ConfigureAwait(false));
        var start = SchoolYear.Start(schoolYear);
        var end = SchoolYear.End(schoolYear);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var enrolments = (await LoadEnrolmentsAsync(connection, null, tenantId, [school], cancellationToken, pupil).ConfigureAwait(false))
            .Where(e => (e.Begin is null || e.Begin <= end) && (e.End is null || e.End >= start))
            .GroupBy(e => e.PupilSourcedId, StringComparer.Ordinal)
            .Where(g => classSourcedId is null || g.Any(e => e.ClassSourcedId == classSourcedId))
            .ToDictionary(g => g.Key, g => Intervals(g), StringComparer.Ordinal);
        // One list per enrolled pupil up front: one dictionary lookup per row (a school's year is ~200,000 rows).
        var marks = enrolments.Keys.ToDictionary(k => k, _ => new List<PupilMark>(), StringComparer.Ordinal);
        if (enrolments.Count == 0) return (calendar, enrolments, marks);

        await using (var command = Command(connection, null, ""))
        {
            // Only what the derivation reads (no free text, no health details): a school year is ~200,000 rows, and what
            // limits the read is PostgreSQL's per-row, per-column output and the bytes on the wire, not the client's
            // decoding (bench attendance; reading no column at all takes as long). So the day, period and five boolean
            // modifiers travel as one packed bigint — day offset in the 年度 << 40 | period << 32 | the modifier bits of
            // MarkKey — five columns instead of eleven. Codes stay text: a CASE over fifteen names costs PostgreSQL more
            // than it saves.
            command.CommandText = YearReadSql(connection is NpgsqlConnection, pupil is not null);
            Add(command, "tenant", tenantId);
            Add(command, "school", school);
            Add(command, "from", start);
            Add(command, "to", end);
            if (pupil is not null) Add(command, "pupil", pupil);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            // ~200,000 rows: the marks are shared — a mark is immutable and a year has only a handful of distinct ones
            // (present, present and late, absent through illness, …), so no object per row but the PupilMark.
            var shared = new Dictionary<int, AttendanceMark>();
            // Read, not ReadAsync: the loop is CPU-bound (PostgreSQL produces the rows faster than they are consumed, so the
            // thread rarely waits), and ReadAsync's per-row overhead was ≈ 0.25 µs — 50 ms of a 200,000-row year (bench attendance).
            while (reader.Read())
            {
                if (!marks.TryGetValue(reader.GetString(0), out var list)) continue;
                var packed = reader.GetInt64(1);
                AttendanceCodes.TryParse(reader.GetString(2), out var code);
                var deemedKind = reader.IsDBNull(3) ? null : Parse<DeemedAttendanceKind>(reader.GetString(3));
                var onlineMethod = reader.IsDBNull(4) ? null : Parse<OnlineLessonMethod>(reader.GetString(4));
                var key = (int)code | (deemedKind is { } d ? (int)d + 1 : 0) << 8 | (onlineMethod is { } o ? (int)o + 1 : 0) << 16
                    | (int)(packed & ModifierBits);
                if (!shared.TryGetValue(key, out var mark))
                {
                    var participated = (key >> 24) & 3;
                    mark = new AttendanceMark
                    {
                        Code = code,
                        DeemedKind = deemedKind,
                        OnlineMethod = onlineMethod,
                        OnlineParticipated = participated == 0 ? null : participated == 2,
                        Late = (key & 1 << 26) != 0,
                        EarlyLeave = (key & 1 << 27) != 0,
                        NurseRoom = (key & 1 << 28) != 0,
                        SeparateRoom = (key & 1 << 29) != 0,
                    };
                    shared[key] = mark;
                }
                var period = (int)(packed >> 32) & 0xFF;
                list.Add(new PupilMark(start.AddDays((int)(packed >> 40)), period == 0 ? null : period, mark));
            }
        }
        return (calendar, enrolments, marks);
    }

    // ---------------------------------------------------------------- helpers

    private static DateTime HubNow()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
    }

    private static string Col(CsvFileDefinition file, string column) => file.Column(column).SqlName;

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary><c>= ANY(@p)</c> on PostgreSQL (one array parameter), <c>IN (@p_0, …)</c> on SQLite; never empty.</summary>
    private static string In<T>(DbCommand command, string name, IReadOnlyCollection<T> values) where T : notnull
    {
        if (values.Count == 0) throw new ArgumentException("An IN list needs values.", nameof(values));
        if (command is NpgsqlCommand)
        {
            Add(command, name, values.ToArray());
            return $"= ANY(@{name})";
        }
        var i = 0;
        var names = new List<string>();
        foreach (var v in values)
        {
            Add(command, $"{name}_{i}", v);
            names.Add($"@{name}_{i++}");
        }
        return "IN (" + string.Join(", ", names) + ")";
    }
}
