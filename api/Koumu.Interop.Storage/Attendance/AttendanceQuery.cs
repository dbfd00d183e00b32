using System.Data.Common;
using System.Globalization;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Storage.Attendance;

/// <summary>
/// The attendance tables as collections of THE query engine (Storage/Query; issue #6 point 7: "the same
/// filter/sort/paging/fields engine"): OneRoster's <c>filter</c> grammar, <c>sort</c>/<c>orderBy</c>, <c>limit</c>,
/// <c>offset</c>, <c>fields</c> and signed cursors, over an allow-list of JSON paths → columns of
/// <c>attendance_records</c> / <c>attendance_alerts</c>.
/// <para>
/// Health details (disease, symptoms, temperature, note: 重要性分類 II) are in the allow-lists only of the
/// <c>…Health</c> collections, which the API picks for clients with <c>koumu.attendance.health.read</c>: a filter is a
/// question about the value, so <c>disease='INFLUENZA'</c> would reveal who has influenza even if the property were
/// never returned. Without the scope such a filter is <c>invalid_filter_field</c> and such a selection
/// <c>invalid_selection_field</c>, exactly as for a field that does not exist.
/// </para>
/// </summary>
public static class AttendanceQuery
{
    public const string Service = "attendance";

    /// <summary>The JSON properties of a record (AttendanceJson.WriteRecord) that <c>fields</c> may name.</summary>
    private static readonly string[] RecordProperties =
    [
        "sourcedId", "status", "dateLastModified", "version", "current", "school", "pupil", "date", "period", "code", "deemedKind",
        "facility", "relationship", "onlineMethod", "onlineParticipated", "modifiers", "arrivedAt", "leftAt", "reportedBy",
        "sourceSystem", "reportedAt",
    ];

    private static readonly string[] RecordHealthProperties = ["disease", "symptoms", "temperature", "note"];

    /// <summary>Filterable and sortable fields: JSON path, column (its snake-case name is the column of attendance_records), NOT NULL.</summary>
    private static readonly QueryField[] RecordFields =
    [
        Field("sourcedId", "sourcedId", ColumnKind.SourcedId, notNull: true),
        Field("status", "status", ColumnKind.Status, notNull: true),
        Field("dateLastModified", "dateLastModified", ColumnKind.DateLastModified, notNull: true),
        // Integers are compared as numbers (the engine's Float); whole-day records are period 0 in a filter (null in JSON).
        Field("version", "version", ColumnKind.Float, notNull: true),
        Field("current", "isCurrent", ColumnKind.Boolean, notNull: true),
        Field("school.sourcedId", "schoolSourcedId", ColumnKind.Reference, notNull: true),
        Field("pupil.sourcedId", "pupilSourcedId", ColumnKind.Reference, notNull: true),
        Field("date", "date", ColumnKind.Date, notNull: true),
        Field("period", "period", ColumnKind.Float, notNull: true),
        Field("code", "code", ColumnKind.Enumeration, notNull: true),
        Field("deemedKind", "deemedKind", ColumnKind.Enumeration),
        Field("facility", "facility", ColumnKind.Text),
        Field("relationship", "relationship", ColumnKind.Enumeration),
        Field("onlineMethod", "onlineMethod", ColumnKind.Enumeration),
        Field("onlineParticipated", "onlineParticipated", ColumnKind.Boolean),
        Field("arrivedAt", "arrivedAt", ColumnKind.Text),
        Field("leftAt", "leftAt", ColumnKind.Text),
        Field("reportedBy", "reportedBy", ColumnKind.Enumeration, notNull: true),
        Field("sourceSystem", "sourceSystem", ColumnKind.Text),
        Field("reportedAt", "reportedAt", ColumnKind.DateTime),
    ];

    private static readonly QueryField[] RecordHealthFields =
    [
        Field("disease", "disease", ColumnKind.Enumeration),
        Field("temperature", "temperature", ColumnKind.Float),
        Field("note", "note", ColumnKind.Text),
        // Stored comma-joined: = / != test membership (symptoms='FEVER'), as for OneRoster's list columns.
        new QueryField("symptoms", new ColumnDefinition("symptoms", ColumnKind.TextList), QueryFieldShape.ListColumn),
    ];

    /// <summary>
    /// The row id is the tie-break: a sourcedId names every version of a record (corrections keep it), so it is not
    /// unique in the history; the id is, and it is also the insertion order the API used before (default order).
    /// </summary>
    private static readonly QueryKey RowId = new("id", Numeric: true);

    public static QueryCollection Records { get; } = RecordCollection("attendanceRecords", health: false);

    public static QueryCollection RecordsWithHealth { get; } = RecordCollection("attendanceRecords", health: true);

    /// <summary>Every version (<c>history=true</c>): its own name, so a cursor of the history is not accepted for current records.</summary>
    public static QueryCollection RecordVersions { get; } = RecordCollection("attendanceRecordVersions", health: false);

    public static QueryCollection RecordVersionsWithHealth { get; } = RecordCollection("attendanceRecordVersions", health: true);

    public static QueryCollection RecordsFor(bool history, bool health) => (history, health) switch
    {
        (false, false) => Records,
        (false, true) => RecordsWithHealth,
        (true, false) => RecordVersions,
        (true, true) => RecordVersionsWithHealth,
    };

    private static QueryCollection RecordCollection(string name, bool health) => QueryCollection.ForTable(
        name, Service, "attendance_records", typeof(AttendanceRecordRow), RowId,
        string.Join(", ", AttendanceStore.RecordColumnList.Select(c => "t." + c)),
        health ? [.. RecordFields, .. RecordHealthFields] : RecordFields,
        health ? [.. RecordProperties, .. RecordHealthProperties] : RecordProperties);

    private static QueryField Field(string path, string column, ColumnKind kind, bool notNull = false) =>
        new(path, new ColumnDefinition(column, kind), QueryFieldShape.Column) { StoredNotNull = notNull };

    // ------------------------------------------------------------------ alerts

    private static readonly string[] AlertProperties =
    [
        "sourcedId", "status", "dateLastModified", "kind", "school", "pupil", "schoolYear", "value", "from", "to", "raisedAt", "resolvedAt", "evidence",
    ];

    private static readonly QueryField[] AlertFields =
    [
        Field("sourcedId", "sourcedId", ColumnKind.SourcedId, notNull: true),
        Field("status", "status", ColumnKind.Status, notNull: true),
        Field("dateLastModified", "dateLastModified", ColumnKind.DateLastModified, notNull: true),
        Field("kind", "kind", ColumnKind.Enumeration, notNull: true),
        Field("school.sourcedId", "schoolSourcedId", ColumnKind.Reference, notNull: true),
        Field("pupil.sourcedId", "pupilSourcedId", ColumnKind.Reference, notNull: true),
        Field("schoolYear", "schoolYear", ColumnKind.Float, notNull: true),
        Field("value", "value", ColumnKind.Float, notNull: true),
        Field("from", "windowFrom", ColumnKind.Date, notNull: true),
        Field("to", "windowTo", ColumnKind.Date, notNull: true),
        Field("raisedAt", "raisedAt", ColumnKind.DateTime, notNull: true),
        Field("resolvedAt", "resolvedAt", ColumnKind.DateTime),
    ];

    /// <summary>
    /// Early-warning alerts (<c>GET …/warnings</c>). The kinds a client may see (<c>NURSE_ROOM_VISITS</c> only with the
    /// health scope) are the hub's AND group, so a filter on <c>kind</c> cannot reach a hidden kind.
    /// </summary>
    public static QueryCollection Alerts { get; } = QueryCollection.ForTable(
        "attendanceWarnings", Service, "attendance_alerts", typeof(AttendanceAlertRow), RowId,
        string.Join(", ", AttendanceStore.AlertColumnList.Select(c => "t." + c)), AlertFields, AlertProperties);

    /// <summary>An alert's keyset position (see <see cref="Position(AttendanceRecordRow, QueryField?)"/>).</summary>
    public static KeysetPosition Position(AttendanceAlertRow row, QueryField? sort)
    {
        ArgumentNullException.ThrowIfNull(row);
        object? value = sort?.Path switch
        {
            null => null,
            "sourcedId" => row.SourcedId,
            "status" => row.Status,
            "dateLastModified" => row.DateLastModified,
            "kind" => row.Kind,
            "school.sourcedId" => row.SchoolSourcedId,
            "pupil.sourcedId" => row.PupilSourcedId,
            "schoolYear" => (double)row.SchoolYear,
            "value" => (double)row.Value,
            "from" => row.WindowFrom,
            "to" => row.WindowTo,
            "raisedAt" => row.RaisedAt,
            "resolvedAt" => row.ResolvedAt,
            var other => throw new ArgumentException($"No keyset value for sort field {other}.", nameof(sort)),
        };
        return new KeysetPosition(value, row.Id.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>A row's keyset position for a cursor: the sort field's value (as the engine's types) and the row id.</summary>
    public static KeysetPosition Position(AttendanceRecordRow row, QueryField? sort)
    {
        ArgumentNullException.ThrowIfNull(row);
        object? value = sort?.Path switch
        {
            null => null,
            "sourcedId" => row.SourcedId,
            "status" => row.Status,
            "dateLastModified" => row.DateLastModified,
            "version" => (double)row.Version,
            "current" => row.IsCurrent,
            "school.sourcedId" => row.SchoolSourcedId,
            "pupil.sourcedId" => row.PupilSourcedId,
            "date" => row.Date,
            "period" => (double)row.Period,
            "code" => row.Code,
            "deemedKind" => row.DeemedKind,
            "facility" => row.Facility,
            "relationship" => row.Relationship,
            "onlineMethod" => row.OnlineMethod,
            "onlineParticipated" => row.OnlineParticipated,
            "arrivedAt" => row.ArrivedAt,
            "leftAt" => row.LeftAt,
            "reportedBy" => row.ReportedBy,
            "sourceSystem" => row.SourceSystem,
            "reportedAt" => row.ReportedAt,
            "disease" => row.Disease,
            "temperature" => row.Temperature is { } t ? (double)t : null,
            "note" => row.Note,
            var other => throw new ArgumentException($"No keyset value for sort field {other}.", nameof(sort)),
        };
        return new KeysetPosition(value, row.Id.ToString(CultureInfo.InvariantCulture));
    }
}
