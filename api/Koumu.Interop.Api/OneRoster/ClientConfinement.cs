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
/// <item>categories: not confined — OAS-G CategoryDType carries no org, class or person (a category is the name of a
/// grouping of lineItems, e.g. 定期考査, and the tenant's vocabulary of them holds no personal data);</item>
/// <item>lineItems: school in the allowed orgs (LineItemDType.school is required, so every lineItem belongs to one school);</item>
/// <item>scoreScales: the CSV binding's required orgSourcedId in the allowed orgs (OAS-G ScoreScaleDType does not show
/// the org, but the hub stores it and it is the scale's owner);</item>
/// <item>results: the result's lineItem's school in the allowed orgs (a result carries a student and a lineItem but no
/// school: it belongs where its lineItem belongs), as an EXISTS over lineItems;</item>
/// <item>assessmentLineItems: no class (a tenant-wide assessment, e.g. a board's 学力調査: no org and no personal data,
/// so visible like categories) or its class's school in the allowed orgs;</item>
/// <item>assessmentResults: personal data about a student with no class or school of its own (an assessment may be
/// tenant-wide), so confined like users: the student has an active role at an allowed org.</item>
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
        switch (collection.File?.Name)
        {
            case "orgs": return QueryConfinement.FieldIn("sourcedId", Orgs);
            case "courses": return QueryConfinement.FieldIn("org.sourcedId", Orgs);
            case "classes" or "enrollments": return QueryConfinement.FieldIn("school.sourcedId", Orgs);
            case "users": return QueryConfinement.FieldIn("roles.org.sourcedId", Orgs);
            case "academicSessions" or "resources" or "categories": return QueryConfinement.None;
            case "lineItems": return QueryConfinement.FieldIn("school.sourcedId", Orgs);
            // demographics.sourcedId is the sourcedId of the user it describes (OneRoster 1.2 Demographics).
            case "demographics": return HasActiveRole("t.sourced_id");
            case "assessmentResults": return HasActiveRole("t." + CsvBinding.AssessmentResults.Column("studentSourcedId").SqlName);
            case "scoreScales":
                {
                    // Not FieldIn: orgSourcedId has no JSON property, so it is not a filter field of the collection.
                    var (list, parameters) = OrgParameters();
                    return QueryConfinement.Sql($"t.{CsvBinding.ScoreScales.Column("orgSourcedId").SqlName} IN ({list})", parameters);
                }
            case "results":
                {
                    var (list, parameters) = OrgParameters();
                    var li = CsvBinding.LineItems;
                    return QueryConfinement.Sql(
                        $"EXISTS (SELECT 1 FROM {li.StorageName} li WHERE li.tenant_id = t.tenant_id " +
                        $"AND li.sourced_id = t.{CsvBinding.Results.Column("lineItemSourcedId").SqlName} AND li.{li.Column("schoolSourcedId").SqlName} IN ({list}))",
                        parameters);
                }
            case "assessmentLineItems":
                {
                    var (list, parameters) = OrgParameters();
                    var c = CsvBinding.Classes;
                    var classColumn = "t." + CsvBinding.AssessmentLineItems.Column("classSourcedId").SqlName;
                    return QueryConfinement.Sql(
                        $"({classColumn} IS NULL OR EXISTS (SELECT 1 FROM {c.StorageName} cl WHERE cl.tenant_id = t.tenant_id " +
                        $"AND cl.sourced_id = {classColumn} AND cl.{c.Column("schoolSourcedId").SqlName} IN ({list})))",
                        parameters);
                }
            default:
                // A collection this table does not know is refused rather than served unconfined.
                throw new InvalidOperationException($"No confinement rule for {collection.Name}.");
        }
    }

    /// <summary>The allowed orgs as <c>@r_o0, @r_o1, …</c> (a client confined to no existing org gets <c>NULL</c>: nothing matches).</summary>
    private (string List, Dictionary<string, object> Parameters) OrgParameters()
    {
        var parameters = Orgs!.Select((o, i) => (Name: "r_o" + i, Value: o)).ToDictionary(p => p.Name, p => (object)p.Value);
        return (parameters.Count == 0 ? "NULL" : string.Join(", ", parameters.Keys.Select(k => "@" + k)), parameters);
    }

    /// <summary>The user named by <paramref name="userColumn"/> has an active role at an allowed org (as users are confined).</summary>
    private QueryConfinement HasActiveRole(string userColumn)
    {
        if (Orgs!.Count == 0) return QueryConfinement.Sql("1 = 0", new Dictionary<string, object>());
        var r = CsvBinding.Roles;
        var (list, parameters) = OrgParameters();
        return QueryConfinement.Sql(
            $"EXISTS (SELECT 1 FROM {r.StorageName} ro WHERE ro.tenant_id = t.tenant_id AND ro.{r.Column("userSourcedId").SqlName} = {userColumn} " +
            $"AND ro.status = 'active' AND ro.{r.Column("orgSourcedId").SqlName} IN ({list}))",
            parameters);
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
