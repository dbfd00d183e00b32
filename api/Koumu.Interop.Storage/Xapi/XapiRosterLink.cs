using System.Data.Common;
using System.Globalization;
using System.Text;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>One pupil's learning activity: linked, non-voided Statements, the distinct Activities they were about, the newest <c>stored</c>.</summary>
public sealed record LearnerActivity(string SourcedId, long Statements, long Activities, DateTime? LastStored);

/// <summary>A roster user the caller may see, with the account names its Statements carry (sourcedId, and userMasterIdentifier when it links).</summary>
public sealed record LinkedUser(string SourcedId, IReadOnlyList<string> AccountNames);

/// <summary>The stored window of an activity query: <c>stored &gt; since</c> and <c>stored &lt;= until</c>, as the xAPI filters (C §2.1.3).</summary>
public sealed record ActivityWindow(DateTime? Since, DateTime? Until)
{
    public static ActivityWindow All { get; } = new(null, null);
}

/// <summary>What an activity list is grouped by.</summary>
public enum LearnerGroup
{
    /// <summary>Pupils of a class: active <c>student</c> enrollments in it.</summary>
    Class,

    /// <summary>Pupils of a school: users with an active <c>student</c> role at the org.</summary>
    School,
}

/// <summary>
/// The roster link of the LRS (issue #5 point 6; docs/decisions/0008-xapi-roster-link.md): a Statement whose actor is an
/// Agent with an <c>account</c> whose <c>homePage</c> is the hub's configured one and whose <c>name</c> is a user's sourcedId
/// (or userMasterIdentifier) belongs to that user. Nothing is written for the link: the Statement's actor IFI is already
/// stored, indexed, in <c>xapi_statements.actor_ifi</c> (<see cref="Schemas.Xapi.XapiIdentity.Ifi"/>: <c>account:{homePage} {name}</c>),
/// and a user's IFIs follow from its row, so every query joins users to Statements on that index. The link therefore holds
/// whatever the order of arrival (a Statement stored before its pupil is imported is linked from the import on), and
/// follows roster changes (a new userMasterIdentifier links at once, a removed one unlinks).
/// <para>
/// Confinement (the caller passes the allowed orgs of <c>ClientConfinement</c>, or null for the whole tenant) repeats the
/// OneRoster rules in SQL: a user is visible with an active role at an allowed org; a class when its school is allowed; a
/// school when it is allowed. Every query is parameterised; lists are keyset-paged.
/// </para>
/// </summary>
public sealed class XapiRosterLink(RosterStore store)
{
    private static readonly CsvFileDefinition Users = CsvBinding.Users;
    private static readonly CsvFileDefinition Roles = CsvBinding.Roles;
    private static readonly CsvFileDefinition Enrollments = CsvBinding.Enrollments;
    private static readonly CsvFileDefinition Classes = CsvBinding.Classes;
    private static readonly CsvFileDefinition Orgs = CsvBinding.Orgs;

    public DatabaseProvider Provider => store.Options.Provider;

    /// <summary>The canonical actor IFI of an account (the form <c>XapiIdentity.Ifi</c> stores).</summary>
    public static string AccountIfi(string homePage, string name) => AccountPrefix(homePage) + name;

    private static string AccountPrefix(string homePage) => "account:" + homePage + " ";

    /// <summary>
    /// The user <paramref name="sourcedId"/> if the caller may see it, with its account names: the sourcedId, and the
    /// userMasterIdentifier unless it is empty or another user's sourcedId in the tenant (a sourcedId names its own user first,
    /// so a crafted userMasterIdentifier cannot draw another pupil's Statements across schools).
    /// </summary>
    public async Task<LinkedUser?> FindUserAsync(int tenantId, string sourcedId, IReadOnlyList<string>? allowedOrgs, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        Add(command, "tenant", tenantId);
        Add(command, "user", sourcedId);
        var umi = Users.Column("userMasterIdentifier").SqlName;
        command.CommandText =
            $"SELECT u.sourced_id, u.{umi}, EXISTS (SELECT 1 FROM {Users.StorageName} x WHERE x.tenant_id = u.tenant_id AND x.sourced_id = u.{umi} AND x.sourced_id <> u.sourced_id) " +
            $"FROM {Users.StorageName} u WHERE u.tenant_id = @tenant AND u.sourced_id = @user" + UserVisible(command, "u", allowedOrgs);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        var names = new List<string> { reader.GetString(0) };
        if (!reader.IsDBNull(1) && reader.GetString(1) is { Length: > 0 } master && master != names[0] && !reader.GetBoolean(2)) names.Add(master);
        return new LinkedUser(names[0], names);
    }

    /// <summary>Whether the class or school exists in the tenant and the caller may see it (a hidden one answers as absent).</summary>
    public async Task<bool> GroupVisibleAsync(int tenantId, LearnerGroup group, string sourcedId, IReadOnlyList<string>? allowedOrgs, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        Add(command, "tenant", tenantId);
        Add(command, "group", sourcedId);
        command.CommandText = group == LearnerGroup.Class
            ? $"SELECT 1 FROM {Classes.StorageName} c WHERE c.tenant_id = @tenant AND c.sourced_id = @group" +
              (allowedOrgs is null ? "" : $" AND c.{Classes.Column("schoolSourcedId").SqlName} {In(command, "org", allowedOrgs)}")
            : $"SELECT 1 FROM {Orgs.StorageName} o WHERE o.tenant_id = @tenant AND o.sourced_id = @group AND o.type = 'school'" +
              (allowedOrgs is null ? "" : $" AND o.sourced_id {In(command, "org", allowedOrgs)}");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>
    /// The activity of one visible user (a row even without Statements). The caller has checked visibility with
    /// <see cref="FindUserAsync"/>; this aggregates the user's linked Statements only.
    /// </summary>
    public async Task<LearnerActivity> UserActivityAsync(int tenantId, LinkedUser user, string homePage, ActivityWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(window);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        Add(command, "tenant", tenantId);
        var ifis = user.AccountNames.Select(n => AccountIfi(homePage, n)).ToList();
        command.CommandText =
            "SELECT COUNT(*), COUNT(DISTINCT s.activity_id), MAX(s.stored) FROM xapi_statements s " +
            $"WHERE s.tenant_id = @tenant AND s.actor_ifi {In(command, "ifi", ifis)}" + Counted("s") + Window(command, "s", window);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new LearnerActivity(user.SourcedId, reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : Utc(reader.GetDateTime(2)));
    }

    /// <summary>
    /// A page of the user's linked, counted Statements, newest stored first (by sequence, which follows stored), after the
    /// sequence <paramref name="before"/> (exclusive), fetching one more than the limit to tell whether there is a next page.
    /// One ordered, limited branch per account name on the <c>(tenant_id, actor_ifi, sequence)</c> index, merged.
    /// </summary>
    public async Task<XapiPage> UserStatementsAsync(int tenantId, LinkedUser user, string homePage, ActivityWindow window, long? before, int limit,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        Add(command, "tenant", tenantId);
        Add(command, "limit", limit + 1);
        var filter = Counted("s") + Window(command, "s", window);
        if (before is { } b) { filter += " AND s.sequence < @before"; Add(command, "before", b); }
        var branches = user.AccountNames.Select((name, i) =>
        {
            Add(command, "ifi" + i.ToString(CultureInfo.InvariantCulture), AccountIfi(homePage, name));
            return $"SELECT * FROM (SELECT s.sequence, s.statement, s.stored FROM xapi_statements s WHERE s.tenant_id = @tenant AND s.actor_ifi = @ifi{i}{filter} " +
                   "ORDER BY s.sequence DESC LIMIT @limit) b" + i.ToString(CultureInfo.InvariantCulture);
        });
        // A Statement has one actor, so the branches are disjoint: UNION ALL, no duplicate elimination.
        command.CommandText = "SELECT sequence, statement, stored FROM (" + string.Join(" UNION ALL ", branches) + ") m ORDER BY sequence DESC LIMIT @limit";
        var rows = new List<XapiStoredStatement>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            rows.Add(new XapiStoredStatement(reader.GetInt64(0), reader.GetString(1), Utc(reader.GetDateTime(2))));
        var more = rows.Count > limit;
        if (more) rows.RemoveAt(rows.Count - 1);
        return new XapiPage(rows, more);
    }

    /// <summary>
    /// A page of the pupils of a class or school (sourcedId order, after <paramref name="after"/>), each with its activity, in
    /// two queries whatever the page size — never one per pupil: (1) the page's pupils from the group's own index (enrollments
    /// by class, roles by org); (2) their account names from users by primary key and their Statements through the
    /// <c>(tenant_id, actor_ifi, sequence)</c> index, aggregated. The ids of (1) go to (2) as a parameter list, so the planner
    /// knows their number and keeps to key lookups. The group must have been checked with <see cref="GroupVisibleAsync"/>.
    /// </summary>
    public async Task<(IReadOnlyList<LearnerActivity> Pupils, bool HasMore)> GroupActivityAsync(int tenantId, LearnerGroup group, string sourcedId,
        string homePage, IReadOnlyList<string>? allowedOrgs, ActivityWindow window, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var members = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            Add(command, "tenant", tenantId);
            Add(command, "group", sourcedId);
            Add(command, "limit", limit + 1);
            // PostgreSQL: OFFSET 0 plans the group's rows on their own (the selective group index, then sort), instead of
            // walking every user of the tenant in sourcedId order until the LIMIT is met (what a LIMIT would otherwise invite).
            var fence = Provider == DatabaseProvider.Postgres ? " OFFSET 0" : "";
            string rows;
            if (group == LearnerGroup.Class)
            {
                var user = Enrollments.Column("userSourcedId").SqlName;
                // The class is visible (checked), but each pupil only when visible as a user: an active role at an allowed org.
                rows = $"SELECT DISTINCT e.{user} AS id FROM {Enrollments.StorageName} e WHERE e.tenant_id = @tenant " +
                       $"AND e.{Enrollments.Column("classSourcedId").SqlName} = @group AND e.role = 'student' AND e.status = 'active'" +
                       RoleAtAllowedOrg(command, $"e.{user}", allowedOrgs);
            }
            else
            {
                // The school is an allowed org (checked), so an active role at it makes the pupil visible.
                rows = $"SELECT DISTINCT r.{Roles.Column("userSourcedId").SqlName} AS id FROM {Roles.StorageName} r WHERE r.tenant_id = @tenant " +
                       $"AND r.{Roles.Column("orgSourcedId").SqlName} = @group AND r.role = 'student' AND r.status = 'active'";
            }
            var afterFilter = "";
            if (after is not null) { afterFilter = " WHERE m.id > @after"; Add(command, "after", after); }
            command.CommandText = $"SELECT m.id FROM ({rows}{fence}) m{afterFilter} ORDER BY m.id LIMIT @limit";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) members.Add(reader.GetString(0));
        }
        var more = members.Count > limit;
        if (more) members.RemoveAt(members.Count - 1);
        if (members.Count == 0) return ([], false);

        await using var aggregate = connection.CreateCommand();
        Add(aggregate, "tenant", tenantId);
        Add(aggregate, "prefix", AccountPrefix(homePage));
        var umi = Users.Column("userMasterIdentifier").SqlName;
        var ids = In(aggregate, "ids", members);
        aggregate.CommandText =
            $"WITH names AS (SELECT u.sourced_id AS id, u.sourced_id AS name FROM {Users.StorageName} u WHERE u.tenant_id = @tenant AND u.sourced_id {ids} " +
            $"UNION SELECT u.sourced_id, u.{umi} FROM {Users.StorageName} u WHERE u.tenant_id = @tenant AND u.sourced_id {ids} " +
            $"AND u.{umi} IS NOT NULL AND u.{umi} <> '' " +
            $"AND NOT EXISTS (SELECT 1 FROM {Users.StorageName} x WHERE x.tenant_id = @tenant AND x.sourced_id = u.{umi} AND x.sourced_id <> u.sourced_id)) " +
            "SELECT n.id, COUNT(s.sequence), COUNT(DISTINCT s.activity_id), MAX(s.stored) FROM names n " +
            "LEFT JOIN xapi_statements s ON s.tenant_id = @tenant AND s.actor_ifi = @prefix || n.name" + Counted("s") + Window(aggregate, "s", window) +
            " GROUP BY n.id ORDER BY n.id";
        var result = new List<LearnerActivity>();
        await using (var reader = await aggregate.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                result.Add(new LearnerActivity(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : Utc(reader.GetDateTime(3))));
        return (result, more);
    }

    /// <summary>
    /// What counts as activity: not voided (D §2.3.2, a voided Statement is withdrawn), and not a voiding Statement (it records
    /// a withdrawal, not learning).
    /// </summary>
    private static string Counted(string alias) => $" AND NOT {alias}.voided AND {alias}.voids_id IS NULL";

    private string Window(DbCommand command, string alias, ActivityWindow window)
    {
        var sql = new StringBuilder();
        if (window.Since is { } since) { sql.Append(CultureInfo.InvariantCulture, $" AND {alias}.stored > @since"); AddInstant(command, "since", since); }
        if (window.Until is { } until) { sql.Append(CultureInfo.InvariantCulture, $" AND {alias}.stored <= @until"); AddInstant(command, "until", until); }
        return sql.ToString();
    }

    /// <summary>The users rule of <c>ClientConfinement</c> (an active role at an allowed org) on the user <paramref name="alias"/>.</summary>
    private string UserVisible(DbCommand command, string alias, IReadOnlyList<string>? allowedOrgs) =>
        RoleAtAllowedOrg(command, alias + ".sourced_id", allowedOrgs);

    private string RoleAtAllowedOrg(DbCommand command, string userColumn, IReadOnlyList<string>? allowedOrgs)
    {
        if (allowedOrgs is null) return "";
        if (allowedOrgs.Count == 0) return " AND 1 = 0";
        return $" AND EXISTS (SELECT 1 FROM {Roles.StorageName} ro WHERE ro.tenant_id = @tenant AND ro.{Roles.Column("userSourcedId").SqlName} = {userColumn} " +
               $"AND ro.status = 'active' AND ro.{Roles.Column("orgSourcedId").SqlName} {In(command, "vis", allowedOrgs)})";
    }

    /// <summary><c>= ANY(@p)</c> on PostgreSQL (one array parameter), <c>IN (@p_0, …)</c> on SQLite; an empty list matches nothing.</summary>
    private string In(DbCommand command, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0) return "IS NULL AND 1 = 0";
        if (Provider == DatabaseProvider.Postgres)
        {
            Add(command, name, values.ToArray());
            return $"= ANY(@{name})";
        }
        for (var i = 0; i < values.Count; i++) Add(command, $"{name}_{i}", values[i]);
        return "IN (" + string.Join(", ", Enumerable.Range(0, values.Count).Select(i => $"@{name}_{i}")) + ")";
    }

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private void AddInstant(DbCommand command, string name, DateTime value)
    {
        if (Provider == DatabaseProvider.Postgres)
            command.Parameters.Add(new Npgsql.NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = DateTime.SpecifyKind(value, DateTimeKind.Utc) });
        else Add(command, name, DateTime.SpecifyKind(value, DateTimeKind.Utc));
    }
}
