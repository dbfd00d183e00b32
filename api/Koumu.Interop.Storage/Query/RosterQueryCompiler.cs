using System.Text;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Storage.Query;

/// <summary>
/// What a caller may see of a collection (its authorisation), ANDed in its own parenthesised group before the
/// client's filter, so no <c>OR</c> in a filter can widen it (the Ed-Fi OneRoster leak, oneroster.md §5;
/// pitfalls.md "A filter must never widen access"). Several confinements combine with AND.
/// </summary>
public sealed class QueryConfinement
{
    private QueryConfinement(IReadOnlyList<Part> parts) => Parts = parts;

    internal IReadOnlyList<Part> Parts { get; }

    /// <summary>No confinement beyond the tenant (a client allowed the whole tenant).</summary>
    public static QueryConfinement None { get; } = new([]);

    /// <summary>
    /// Only records whose allow-listed <paramref name="field"/> is one of <paramref name="values"/>, e.g.
    /// <c>FieldIn("school.sourcedId", schools)</c> on classes or <c>FieldIn("roles.org.sourcedId", schools)</c> on
    /// users. No values means nothing is visible.
    /// </summary>
    public static QueryConfinement FieldIn(string field, IEnumerable<string> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentNullException.ThrowIfNull(values);
        return new([new Part(field, values.Distinct(StringComparer.Ordinal).ToArray(), null, null)]);
    }

    /// <summary>
    /// A predicate written by the hub (never by a client) over the collection's table, aliased <c>t</c>, e.g. the
    /// membership condition of a nested route. Its parameters are named <c>@r_…</c> so they cannot collide with the
    /// engine's own.
    /// </summary>
    public static QueryConfinement Sql(string predicate, IReadOnlyDictionary<string, object> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(predicate);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var name in parameters.Keys)
            if (!name.StartsWith("r_", StringComparison.Ordinal) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                throw new ArgumentException($"Confinement parameter '{name}' must be named r_… (letters, digits, _).", nameof(parameters));
        return new([new Part(null, null, predicate, parameters)]);
    }

    public QueryConfinement And(QueryConfinement other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new([.. Parts, .. other.Parts]);
    }

    internal sealed record Part(string? Field, string[]? Values, string? Predicate, IReadOnlyDictionary<string, object>? Parameters);
}

/// <summary>A named SQL parameter of a <see cref="QueryPlan"/>.</summary>
public sealed record QueryParameter(string Name, object Value);

/// <summary>
/// The compiled query: the page query (which reads one row more than the limit, to know whether a next page exists)
/// and the count query for <c>X-Total-Count</c>, with their parameters. Values are always parameters.
/// </summary>
/// <param name="Columns">The columns the page query selects, in order, followed by <c>metadata</c>.</param>
public sealed record QueryPlan(
    RosterQuery Query,
    DatabaseProvider Provider,
    string PageSql,
    IReadOnlyList<QueryParameter> PageParameters,
    string CountSql,
    IReadOnlyList<QueryParameter> CountParameters,
    IReadOnlyList<ColumnDefinition> Columns);

/// <summary>
/// Compiles a <see cref="RosterQuery"/> to SQL for SQLite or PostgreSQL:
/// <c>SELECT … FROM table t WHERE t.tenant_id = @tenant AND (fixed) AND (confinement) AND (filter) AND (keyset)
/// ORDER BY sort, t.sourced_id LIMIT … OFFSET …</c>. Column names come only from the allow-list and are always quoted
/// (<c>enrollments.primary</c> is a reserved word); client text only ever becomes a parameter value.
/// Sorting: the sort field, then sourcedId as the tie-break (the order is total, so offset and keyset pages never
/// repeat or miss a row); records without a value sort last in ascending order on both databases (PostgreSQL's
/// default, so its btree indexes serve both directions). Text other than identifiers sorts by each database's
/// collation (identifiers are byte-ordered on both; other text may differ between SQLite and PostgreSQL).
/// </summary>
public static class RosterQueryCompiler
{
    public static QueryPlan Compile(RosterQuery query, DatabaseProvider provider, int tenantId, QueryConfinement confinement)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(confinement);
        var collection = query.Collection;
        var parameters = new List<QueryParameter> { new("tenant", tenantId) };
        var where = new StringBuilder("t.tenant_id = @tenant");

        if (collection.FixedPredicate is { } fixedPredicate)
        {
            var field = collection.FindField(fixedPredicate.Field) ?? throw new InvalidOperationException($"{collection.Name}: fixed field {fixedPredicate.Field} is not allow-listed.");
            parameters.Add(new("x0", fixedPredicate.Value));
            where.Append(" AND (").Append(OnField(field, e => e + " = @x0")).Append(')');
        }

        var c = 0;
        foreach (var part in confinement.Parts)
        {
            where.Append(" AND (");
            if (part.Predicate is not null)
            {
                where.Append(part.Predicate);
                parameters.AddRange(part.Parameters!.Select(p => new QueryParameter(p.Key, p.Value)));
            }
            else
            {
                var field = collection.FindField(part.Field!) ?? throw new ArgumentException($"{part.Field} is not a field of {collection.Name}.", nameof(confinement));
                if (field.Shape == QueryFieldShape.ListColumn) throw new ArgumentException($"{collection.Name}.{field.Path} is a list and cannot confine.", nameof(confinement));
                if (part.Values!.Length == 0) where.Append("1 = 0");
                else where.Append(OnField(field, e => In(e, part.Values, "c" + c++, provider, parameters)));
            }
            where.Append(')');
        }

        if (query.Filter is { } filter)
        {
            var joiner = filter.Connective == FilterConnective.And ? " AND " : " OR ";
            where.Append(" AND (")
                .AppendJoin(joiner, filter.Predicates.Select((p, i) => "(" + Predicate(p, "f" + i, provider, parameters) + ")"))
                .Append(')');
        }

        var countSql = $"SELECT COUNT(*) FROM {collection.Table} t WHERE {where}";
        var countParameters = parameters.ToArray();

        var ascending = query.Direction == SortDirection.Ascending;
        // Sorting by the tie-break itself is the tie-break alone (OneRoster: sort=sourcedId).
        var key = collection.Key;
        var sort = query.Sort is { } s && s.Column.StorageName != key.Column ? s : null;
        if (query.After is { } after) where.Append(" AND (").Append(Keyset(sort, key, ascending, after, parameters)).Append(')');

        var order = new StringBuilder(" ORDER BY ");
        if (sort is not null)
        {
            order.Append("t.").Append(sort.Column.SqlName).Append(ascending ? " ASC" : " DESC");
            if (!sort.NotNull) order.Append(ascending ? " NULLS LAST" : " NULLS FIRST");
            order.Append(", ");
        }
        order.Append("t.").Append(key.Column).Append(ascending ? " ASC" : " DESC");

        // One row beyond the page tells the executor whether there is a next page, without the count.
        parameters.Add(new("limit", query.Limit + 1));
        parameters.Add(new("offset", query.Offset));
        IReadOnlyList<ColumnDefinition> columns = collection.File?.Columns ?? [];
        var select = collection.Select ?? string.Join(", ", columns.Select(col => "t." + col.SqlName).Append("t.metadata"));
        var pageSql = $"SELECT {select} FROM {collection.Table} t WHERE {where}{order} LIMIT @limit OFFSET @offset";
        return new QueryPlan(query, provider, pageSql, parameters, countSql, countParameters, columns);
    }

    /// <summary>
    /// A condition on a field: on the table's own column, or, for users' <c>roles.*</c>, an EXISTS over the user's
    /// active roles (a tobedeleted role is not part of the user's JSON, so it must not match either). With an EXISTS,
    /// <c>roles.role!='x'</c> means "has a role other than x".
    /// </summary>
    private static string OnField(QueryField field, Func<string, string> condition) => field.Shape switch
    {
        QueryFieldShape.RoleColumn =>
            $"EXISTS (SELECT 1 FROM {CsvBinding.Roles.StorageName} r WHERE r.tenant_id = t.tenant_id AND r.user_sourced_id = t.sourced_id " +
            $"AND r.status = 'active' AND {condition("r." + field.Column.SqlName)})",
        _ => condition("t." + field.Column.SqlName),
    };

    private static string In(string expression, string[] values, string name, DatabaseProvider provider, List<QueryParameter> parameters)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            parameters.Add(new(name, values));
            return $"{expression} = ANY(@{name})";
        }
        // SQLite has no array parameters: one parameter per value (its limit is 32,766 per statement).
        var names = values.Select((v, i) =>
        {
            parameters.Add(new($"{name}_{i}", v));
            return $"@{name}_{i}";
        });
        return $"{expression} IN ({string.Join(", ", names)})";
    }

    private static string Predicate(BoundPredicate predicate, string name, DatabaseProvider provider, List<QueryParameter> parameters)
    {
        var field = predicate.Field;
        var p = "@" + name;
        if (predicate.Value is null)
            return OnField(field, e => predicate.Operator == FilterOperator.Equal ? $"{e} IS NULL" : $"{e} IS NOT NULL");
        if (predicate.Operator == FilterOperator.Contains)
        {
            // ~ is a case-insensitive contains; %, _ and \ in the value are literals (escaped for LIKE). SQLite's LIKE
            // folds ASCII case only; PostgreSQL's ILIKE folds Unicode case.
            parameters.Add(new(name, "%" + EscapeLike((string)predicate.Value) + "%"));
            var like = provider == DatabaseProvider.Postgres ? "ILIKE" : "LIKE";
            return OnField(field, e => $"{e} {like} {p} ESCAPE '\\'");
        }
        if (field.Shape == QueryFieldShape.ListColumn)
        {
            // A list is stored comma-joined: 'x' is a member when ",x," occurs in ",list,". Case-sensitive on both.
            parameters.Add(new(name, "," + (string)predicate.Value + ","));
            var find = provider == DatabaseProvider.Postgres ? "strpos" : "instr";
            return OnField(field, e => predicate.Operator == FilterOperator.Equal
                ? $"{find}(',' || {e} || ',', {p}) > 0"
                : $"({e} IS NULL OR {find}(',' || {e} || ',', {p}) = 0)");
        }
        parameters.Add(new(name, predicate.Value));
        return OnField(field, e => predicate.Operator switch
        {
            FilterOperator.Equal => $"{e} = {p}",
            // A record without a value is "not equal" to any value (blank is stored as NULL, and NULL <> x is unknown).
            FilterOperator.NotEqual => $"({e} <> {p} OR {e} IS NULL)",
            FilterOperator.GreaterThan => $"{e} > {p}",
            FilterOperator.GreaterThanOrEqual => $"{e} >= {p}",
            FilterOperator.LessThan => $"{e} < {p}",
            FilterOperator.LessThanOrEqual => $"{e} <= {p}",
            _ => throw new ArgumentOutOfRangeException(nameof(predicate)),
        });
    }

    /// <summary>The rows after <paramref name="after"/> in the page order (NULLs last ascending, first descending).</summary>
    private static string Keyset(QueryField? sort, QueryKey key, bool ascending, KeysetPosition after, List<QueryParameter> parameters)
    {
        // A numeric key travels in the signed cursor as invariant digits (only a token this hub signed gets here).
        parameters.Add(new("k_id", key.Numeric ? long.Parse(after.SourcedId, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture) : after.SourcedId));
        var k = "t." + key.Column;
        var next = ascending ? ">" : "<";
        if (sort is null) return $"{k} {next} @k_id";
        var e = "t." + sort.Column.SqlName;
        if (after.SortValue is null)
            return ascending ? $"{e} IS NULL AND {k} > @k_id" : $"{e} IS NOT NULL OR {k} < @k_id";
        parameters.Add(new("k_v", after.SortValue));
        var core = $"{e} {next} @k_v OR ({e} = @k_v AND {k} {next} @k_id)";
        return ascending && !sort.NotNull ? core + $" OR {e} IS NULL" : core;
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}
