using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Storage.Changes;

/// <summary>
/// Which changes a reader (a feed client, a webhook subscription, a stream) may see: the resources it asked for, and per
/// resource the confinement of its records (the same <see cref="QueryConfinement"/> the OneRoster read API applies, over
/// the resource's table aliased <c>t</c>). A change is visible when its record is visible now.
/// </summary>
public sealed class ChangeAudience
{
    private readonly Func<CsvFileDefinition, QueryConfinement?>? _rule;

    private ChangeAudience(IReadOnlyCollection<string>? resources, Func<CsvFileDefinition, QueryConfinement?>? rule,
        IReadOnlyList<IReadOnlyCollection<string>>? attendanceSchools = null)
    {
        Resources = resources;
        _rule = rule;
        AttendanceSchools = attendanceSchools;
    }

    /// <summary>
    /// For a confined reader, the org lists an attendance record's or alert's school must be in (every list applies: the
    /// client's orgs, then an org filter's); null when attendance changes are not visible to it at all.
    /// </summary>
    public IReadOnlyList<IReadOnlyCollection<string>>? AttendanceSchools { get; }

    /// <summary>
    /// Resource names asked for, or null for all. A confined reader sees only the roster files (<see cref="Files"/>):
    /// Statements have no org confinement rule (no roster link yet, decision 0006), so they are never served to it.
    /// </summary>
    public IReadOnlyCollection<string>? Resources { get; }

    /// <summary>Every change of the tenant (optionally of some resources only).</summary>
    public static ChangeAudience Everything(IReadOnlyCollection<string>? resources = null) => new(resources, null);

    /// <summary>
    /// Changes of records the <paramref name="rule"/> confines; a resource for which it returns null is not visible at all
    /// (a resource without a confinement rule is never served unconfined to a confined reader).
    /// </summary>
    public static ChangeAudience Confined(IReadOnlyCollection<string>? resources, Func<CsvFileDefinition, QueryConfinement?> rule,
        IReadOnlyList<IReadOnlyCollection<string>>? attendanceSchools = null) => new(resources, rule, attendanceSchools);

    public bool IsConfined => _rule is not null;

    internal IEnumerable<CsvFileDefinition> Files =>
        CsvBinding.AllFiles.Where(f => Resources is null || Resources.Contains(f.Name, StringComparer.Ordinal));

    internal QueryConfinement? Rule(CsvFileDefinition file) => _rule is null ? QueryConfinement.None : _rule(file);
}

/// <summary>
/// The reading half of the outbox: the changes after a version, ascending, one query per page — confinement and
/// resource filters are predicates of that query, never a second round trip per change.
/// </summary>
public static partial class ChangeFeed
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>The xAPI LRS's Statements (docs/decisions/0007-xapi-lrs.md): sourcedId is the Statement id.</summary>
    public const string Statements = "statements";

    /// <summary>Attendance records (<c>/koumu/attendance/v1/records</c>): sourcedId is the record's slot id, every version a change.</summary>
    public const string AttendanceRecords = "attendanceRecords";

    /// <summary>Early-warning alerts (<c>/koumu/attendance/v1/warnings</c>): raised, updated and resolved by an evaluation.</summary>
    public const string AttendanceWarnings = "attendanceWarnings";

    /// <summary>
    /// The attendance resources and their tables: each row names its school, so a reader confined to orgs sees the
    /// changes of its schools' records — the attendance API's own confinement (<c>school_sourced_id</c> in the client's orgs).
    /// </summary>
    internal static readonly IReadOnlyList<(string Resource, string Table)> AttendanceTables =
        [(AttendanceRecords, "attendance_records"), (AttendanceWarnings, "attendance_alerts")];

    /// <summary>Resource names a reader may ask for: the OneRoster file / collection names the outbox records, xAPI Statements, and attendance.</summary>
    public static IReadOnlyList<string> ResourceNames { get; } =
        [.. CsvBinding.AllFiles.Select(f => f.Name), Statements, AttendanceRecords, AttendanceWarnings];

    /// <summary>
    /// The WHERE clause over <c>changes c</c> (with its parameters) that selects the changes of <paramref name="audience"/>
    /// in <paramref name="tenantId"/>; null when the audience can see nothing at all.
    /// </summary>
    public static (string Sql, List<QueryParameter> Parameters)? Predicate(ChangeAudience audience, DatabaseProvider provider, int tenantId)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var parameters = new List<QueryParameter> { new("tenant", tenantId) };
        var sql = new StringBuilder("c.tenant_id = @tenant");
        if (!audience.IsConfined)
        {
            if (audience.Resources is { } names)
            {
                var list = ResourceNames.Where(n => names.Contains(n, StringComparer.Ordinal)).ToList();
                if (list.Count == 0) return null;
                sql.Append(" AND c.resource IN (")
                    .AppendJoin(", ", list.Select((n, i) => { parameters.Add(new("res" + i, n)); return "@res" + i; }))
                    .Append(')');
            }
            return (sql.ToString(), parameters);
        }
        var branches = new List<string>();
        var index = 0;
        foreach (var file in audience.Files)
        {
            if (audience.Rule(file) is not { } confinement) continue;
            var prefix = "v" + index++.ToString(CultureInfo.InvariantCulture) + "_";
            parameters.Add(new(prefix + "res", file.Name));
            var visible = Visible(file, confinement, provider, tenantId, prefix, parameters);
            branches.Add($"(c.resource = @{prefix}res AND {visible})");
        }
        foreach (var (resource, table) in AttendanceTables)
        {
            if (audience.Resources is { } asked && !asked.Contains(resource, StringComparer.Ordinal)) continue;
            if (audience.AttendanceSchools is not { } schoolSets) continue;
            var prefix = "v" + index++.ToString(CultureInfo.InvariantCulture) + "_";
            parameters.Add(new(prefix + "res", resource));
            // Every org list applies (the client's, then an org filter's): a filter narrows, never widens.
            var conditions = schoolSets.Select((schools, set) =>
            {
                if (schools.Count == 0) return "1 = 0";
                return "t.school_sourced_id IN (" + string.Join(", ", schools.Select((school, i) =>
                {
                    var name = prefix + "s" + set.ToString(CultureInfo.InvariantCulture) + "_" + i.ToString(CultureInfo.InvariantCulture);
                    parameters.Add(new(name, school));
                    return "@" + name;
                })) + ")";
            });
            branches.Add($"(c.resource = @{prefix}res AND EXISTS (SELECT 1 FROM {table} t WHERE t.tenant_id = c.tenant_id AND t.sourced_id = c.sourced_id " +
                $"AND {string.Join(" AND ", conditions)}))");
        }
        if (branches.Count == 0) return null;
        sql.Append(" AND (").AppendJoin(" OR ", branches).Append(')');
        return (sql.ToString(), parameters);
    }

    /// <summary>
    /// "The change's record is visible": an EXISTS over the resource's table with the query engine's own compiled
    /// confinement (its WHERE clause, parameters renamed with <paramref name="prefix"/> so branches cannot collide).
    /// </summary>
    private static string Visible(CsvFileDefinition file, QueryConfinement confinement, DatabaseProvider provider, int tenantId, string prefix,
        List<QueryParameter> parameters)
    {
        if (confinement.Parts.Count == 0) return "1 = 1";
        var collection = QueryCollections.Find(file.Name);
        if (collection is null || collection.FixedPredicate is not null)
            throw new InvalidOperationException($"{file.Name} has no query collection to confine its changes with.");
        var query = RosterQueryParser.Parse(collection, new QueryParameters(Limit: "1")).Value;
        var plan = RosterQueryCompiler.Compile(query, provider, tenantId, confinement);
        const string marker = " t WHERE ";
        var at = plan.CountSql.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) throw new InvalidOperationException("Unexpected count query shape: " + plan.CountSql);
        var where = ParameterName().Replace(plan.CountSql[(at + marker.Length)..], m => "@" + prefix + m.Groups[1].Value);
        parameters.AddRange(plan.CountParameters.Select(p => new QueryParameter(prefix + p.Name, p.Value)));
        return $"EXISTS (SELECT 1 FROM {file.StorageName} t WHERE {where} AND t.sourced_id = c.sourced_id)";
    }

    [GeneratedRegex(@"@([A-Za-z_][A-Za-z0-9_]*)", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();

    /// <summary>
    /// One page: the visible changes with a version above <paramref name="since"/>, ascending, at most
    /// <paramref name="limit"/>; <c>HasMore</c> says whether more follow.
    /// </summary>
    public static async Task<(IReadOnlyList<ChangeEntry> Changes, bool HasMore)> ReadAsync(DbConnection connection, DatabaseProvider provider,
        int tenantId, long since, ChangeAudience audience, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var list = new List<ChangeEntry>();
        if (Predicate(audience, provider, tenantId) is not { } predicate) return (list, false);
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT c.version, c.resource, c.sourced_id, c.operation, c.changed_at FROM changes c WHERE {predicate.Sql} AND c.version > @since " +
            "ORDER BY c.version LIMIT @limit";
        foreach (var p in predicate.Parameters) ChangeLog.Add(command, p.Name, p.Value);
        ChangeLog.Add(command, "since", since);
        ChangeLog.Add(command, "limit", limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var hasMore = false;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (list.Count == limit) { hasMore = true; break; }
            list.Add(new ChangeEntry
            {
                TenantId = tenantId,
                Version = reader.GetInt64(0),
                Resource = reader.GetString(1),
                SourcedId = reader.GetString(2),
                Operation = reader.GetString(3),
                ChangedAt = DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc),
            });
        }
        return (list, hasMore);
    }

    /// <summary>A connection to the store's database (with the store's per-connection settings), for feed reads.</summary>
    public static Task<DbConnection> OpenAsync(RosterStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.OpenConnectionAsync(cancellationToken);
    }

    /// <summary>The tenant's last change version (0 before any).</summary>
    public static async Task<long> CurrentVersionAsync(DbConnection connection, int tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT change_version FROM tenants WHERE id = @tenant";
        ChangeLog.Add(command, "tenant", tenantId);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }
}
