using System.Data.Common;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;
using QueryCollection = Koumu.Interop.Storage.Query.QueryCollection;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// What a client limited to some orgs (<c>koumu_orgs</c>) may see of each collection (issue #3 "least privilege";
/// oneroster.md §5 — the confinement is ANDed in its own group, so an <c>OR</c> in a filter cannot widen it).
/// The allowed orgs are the listed orgs and every org below them (a district client sees its schools).
/// <list type="bullet">
/// <item>orgs, schools: the allowed orgs themselves;</item>
/// <item>courses: org in the allowed orgs; classes, enrollments: school in the allowed orgs;</item>
/// <item>users, students, teachers: an active role at an allowed org; demographics: the same, for the user they describe;</item>
/// <item>academicSessions, terms, gradingPeriods: the tenant's calendar, not confined (sessions carry no org in 1.2 and hold no personal data);</item>
/// <item>resources: the tenant's catalogue of learning content, not confined (a resource carries no org and holds no personal
/// data); the nested resource routes are still confined through their parent class, course or user.</item>
/// </list>
/// </summary>
public sealed class ClientConfinement
{
    private ClientConfinement(IReadOnlyList<string>? orgs) => Orgs = orgs;

    /// <summary>A client of the whole tenant.</summary>
    public static ClientConfinement Tenant { get; } = new(null);

    /// <summary>The allowed org sourcedIds (listed orgs and their descendants), or null for the whole tenant.</summary>
    public IReadOnlyList<string>? Orgs { get; }

    public bool IsConfined => Orgs is not null;

    /// <summary>Expands the token's orgs with every descendant org of the tenant (orgs.parentSourcedId), in one recursive query.</summary>
    public static async Task<ClientConfinement> ResolveAsync(DbConnection connection, DatabaseProvider provider, int tenantId,
        IReadOnlyList<string> tokenOrgs, CancellationToken cancellationToken)
    {
        if (tokenOrgs.Count == 0) return Tenant;
        var orgs = CsvBinding.Orgs;
        await using var command = connection.CreateCommand();
        var names = Sql.In(command, "o", tokenOrgs, provider);
        command.CommandText =
            $"WITH RECURSIVE allowed(id) AS (SELECT t.sourced_id FROM {orgs.StorageName} t WHERE t.tenant_id = @tenant AND t.sourced_id {names} " +
            $"UNION SELECT c.sourced_id FROM {orgs.StorageName} c JOIN allowed a ON c.{orgs.Column("parentSourcedId").SqlName} = a.id WHERE c.tenant_id = @tenant) " +
            "SELECT id FROM allowed";
        Sql.Add(command, "tenant", tenantId);
        var allowed = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) allowed.Add(reader.GetString(0));
        return new ClientConfinement(allowed);
    }

    /// <summary>The confinement of <paramref name="collection"/> for this client.</summary>
    public QueryConfinement For(QueryCollection collection)
    {
        if (Orgs is null) return QueryConfinement.None;
        switch (collection.File.Name)
        {
            case "orgs": return QueryConfinement.FieldIn("sourcedId", Orgs);
            case "courses": return QueryConfinement.FieldIn("org.sourcedId", Orgs);
            case "classes" or "enrollments": return QueryConfinement.FieldIn("school.sourcedId", Orgs);
            case "users": return QueryConfinement.FieldIn("roles.org.sourcedId", Orgs);
            case "academicSessions" or "resources": return QueryConfinement.None;
            case "demographics":
                {
                    // demographics.sourcedId is the sourcedId of the user it describes (OneRoster 1.2 Demographics).
                    if (Orgs.Count == 0) return QueryConfinement.Sql("1 = 0", new Dictionary<string, object>());
                    var r = CsvBinding.Roles;
                    var parameters = Orgs.Select((o, i) => (Name: "r_o" + i, Value: o)).ToDictionary(p => p.Name, p => (object)p.Value);
                    return QueryConfinement.Sql(
                        $"EXISTS (SELECT 1 FROM {r.StorageName} ro WHERE ro.tenant_id = t.tenant_id AND ro.{r.Column("userSourcedId").SqlName} = t.sourced_id " +
                        $"AND ro.status = 'active' AND ro.{r.Column("orgSourcedId").SqlName} IN ({string.Join(", ", parameters.Keys.Select(k => "@" + k))}))",
                        parameters);
                }
            default:
                // A collection this table does not know is refused rather than served unconfined.
                throw new InvalidOperationException($"No confinement rule for {collection.Name}.");
        }
    }
}

/// <summary>Small ADO.NET helpers shared by the OneRoster handlers' own queries (always parameters, never client text in SQL).</summary>
internal static class Sql
{
    public static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary><c>= ANY(@p)</c> on PostgreSQL (one array parameter), <c>IN (@p_0, …)</c> on SQLite; never empty.</summary>
    public static string In(DbCommand command, string name, IReadOnlyList<string> values, DatabaseProvider provider)
    {
        if (values.Count == 0) throw new ArgumentException("An IN list needs values.", nameof(values));
        if (provider == DatabaseProvider.Postgres)
        {
            Add(command, name, values.ToArray());
            return $"= ANY(@{name})";
        }
        for (var i = 0; i < values.Count; i++) Add(command, $"{name}_{i}", values[i]);
        return "IN (" + string.Join(", ", Enumerable.Range(0, values.Count).Select(i => $"@{name}_{i}")) + ")";
    }
}
