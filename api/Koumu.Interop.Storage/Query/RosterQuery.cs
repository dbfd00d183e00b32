using System.Globalization;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Storage.Query;

/// <summary>The raw query parameters of a collection request, as the HTTP layer received them (already URL-decoded).</summary>
/// <param name="Fields">Every <c>fields</c> parameter; each may be a comma list (both forms are accepted, oneroster.md §1.4).</param>
/// <param name="Cursor">The opaque keyset token of a <c>next</c> link (<see cref="QueryCursorCodec"/>), or null.</param>
public sealed record QueryParameters(
    string? Filter = null,
    string? Sort = null,
    string? OrderBy = null,
    string? Limit = null,
    string? Offset = null,
    IReadOnlyList<string>? Fields = null,
    string? Cursor = null);

public enum SortDirection { Ascending, Descending }

/// <summary>A filter predicate checked against the allow-list, its value converted to the field's storage type.</summary>
/// <param name="Value">string, DateOnly, DateTime (UTC), bool or double; null for an empty value on <c>=</c> / <c>!=</c> (stored as NULL).</param>
public sealed record BoundPredicate(QueryField Field, FilterOperator Operator, object? Value);

/// <summary>A bound filter: predicates joined by one connective.</summary>
public sealed record BoundFilter(FilterConnective Connective, IReadOnlyList<BoundPredicate> Predicates, FilterExpression Source);

/// <summary>A validated collection query, ready for <see cref="RosterQueryCompiler"/>.</summary>
/// <param name="Sort">The sort field; null sorts by sourcedId only.</param>
/// <param name="Fields">The selected JSON fields (distinct, in request order), or null for every field.</param>
/// <param name="After">The keyset position decoded from a cursor: the page starts after this row (then <see cref="Offset"/> is 0).</param>
public sealed record RosterQuery(
    QueryCollection Collection,
    BoundFilter? Filter,
    QueryField? Sort,
    SortDirection Direction,
    int Limit,
    int Offset,
    IReadOnlyList<string>? Fields,
    KeysetPosition? After)
{
    /// <summary>
    /// What a cursor is bound to: the collection, the filter and the order. A cursor replayed against another
    /// filter or order would skip or repeat rows, so it is refused (the page size may change between pages).
    /// </summary>
    public string Shape => string.Join('\n', Collection.Name, Filter?.Source.ToString() ?? "", Sort?.Path ?? "sourcedId",
        Direction == SortDirection.Ascending ? "asc" : "desc");
}

/// <summary>
/// Turns <see cref="QueryParameters"/> into a <see cref="RosterQuery"/> for one collection, or a typed error with the
/// OneRoster codeMinor (OAS-R 400 responses): unknown or mistyped filter fields → <c>invalid_filter_field</c>, unknown
/// or blank <c>fields</c> entries → <c>invalid_selection_field</c>, unknown sort fields → see <see cref="QueryCodeMinor"/>.
/// </summary>
public static class RosterQueryParser
{
    /// <summary>OAS-R: "limit … default 100".</summary>
    public const int DefaultLimit = 100;

    /// <summary>
    /// The hub's maximum page size: larger limits are clamped, not refused (Ed-Fi tests "oversized limit is clamped";
    /// Microsoft SDS asks for 5,000). 10,000 rows keep a page's memory and time bounded.
    /// </summary>
    public const int MaxLimit = 10_000;

    public static QueryResult<RosterQuery> Parse(QueryCollection collection, QueryParameters parameters, QueryCursorCodec? cursors = null)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(parameters);

        BoundFilter? filter = null;
        if (parameters.Filter is not null)
        {
            var parsed = FilterParser.Parse(parameters.Filter);
            if (parsed.Error is { } filterError) return filterError;
            var bound = new List<BoundPredicate>(parsed.Value.Predicates.Count);
            foreach (var predicate in parsed.Value.Predicates)
            {
                var b = Bind(collection, predicate);
                if (b.Error is { } bindError) return bindError;
                bound.Add(b.Value);
            }
            filter = new BoundFilter(parsed.Value.Connective, bound, parsed.Value);
        }

        QueryField? sort = null;
        if (parameters.Sort is { } sortName)
        {
            sort = collection.FindField(sortName);
            if (sort is null || !sort.Sortable)
            {
                var code = collection.Service == QueryCollections.Resources ? QueryCodeMinor.InvalidSortField : QueryCodeMinor.InvalidSelectionField;
                return new QueryError(code, "sort", sort is null
                    ? $"'{Shorten(sortName)}' is not a field of {collection.Name} that can be sorted on."
                    : $"'{sortName}' holds several values per record and cannot order {collection.Name}.");
            }
        }

        var direction = SortDirection.Ascending;
        if (parameters.OrderBy is { } orderBy)
        {
            if (orderBy == "asc") direction = SortDirection.Ascending;
            else if (orderBy == "desc") direction = SortDirection.Descending;
            else return new QueryError(QueryCodeMinor.InvalidData, "orderBy", $"orderBy must be 'asc' or 'desc', not '{Shorten(orderBy)}'.");
        }

        var limit = DefaultLimit;
        if (parameters.Limit is { } limitText)
        {
            if (!IsDigits(limitText) || limitText.TrimStart('0').Length == 0)
                return new QueryError(QueryCodeMinor.InvalidData, "limit", $"limit must be a whole number of at least 1, not '{Shorten(limitText)}'.");
            var digits = limitText.TrimStart('0');
            limit = digits.Length > 6 ? MaxLimit : Math.Min(MaxLimit, int.Parse(digits, CultureInfo.InvariantCulture));
        }

        var offset = 0;
        if (parameters.Offset is { } offsetText)
        {
            if (!IsDigits(offsetText) || !int.TryParse(offsetText, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                return new QueryError(QueryCodeMinor.InvalidData, "offset", $"offset must be a whole number from 0 to {int.MaxValue}, not '{Shorten(offsetText)}'.");
        }

        List<string>? fields = null;
        if (parameters.Fields is { } fieldParameters)
        {
            fields = [];
            foreach (var entry in fieldParameters.SelectMany(f => f.Split(',')))
            {
                var name = entry.Trim();
                if (name.Length == 0)
                    return new QueryError(QueryCodeMinor.InvalidSelectionField, "fields", "fields has a blank entry.");
                if (!collection.IsSelectable(name))
                    return new QueryError(QueryCodeMinor.InvalidSelectionField, "fields", $"'{Shorten(name)}' is not a field of {collection.Name}.");
                if (!fields.Contains(name, StringComparer.Ordinal)) fields.Add(name);
            }
            if (fields.Count == 0) return new QueryError(QueryCodeMinor.InvalidSelectionField, "fields", "fields is empty.");
        }

        var query = new RosterQuery(collection, filter, sort, direction, limit, offset, fields, null);
        if (parameters.Cursor is { } cursor)
        {
            if (cursors is null) return new QueryError(QueryCodeMinor.InvalidData, "cursor", "Cursors are not enabled.");
            var position = cursors.Decode(cursor, query);
            if (position.Error is { } cursorError) return cursorError;
            // A cursor already says where the page starts: the offset it was built from is spent.
            query = query with { After = position.Value, Offset = 0 };
        }
        return QueryResult<RosterQuery>.Ok(query);
    }

    /// <summary>Checks a predicate's field and operator against the allow-list and converts its value.</summary>
    public static QueryResult<BoundPredicate> Bind(QueryCollection collection, FilterPredicate predicate)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(predicate);
        var field = collection.FindField(predicate.Field);
        if (field is null) return FilterError($"'{Shorten(predicate.Field)}' is not a field of {collection.Name} that can be filtered on.");
        var op = predicate.Operator;
        var symbol = FilterPredicate.Symbol(op);
        if (field.Shape == QueryFieldShape.ListColumn && op is not (FilterOperator.Equal or FilterOperator.NotEqual or FilterOperator.Contains))
            return FilterError($"'{field.Path}' holds a list: only =, != (membership) and ~ apply, not {symbol}.");
        if (op == FilterOperator.Contains && field.Type != StorageType.Text)
            return FilterError($"~ (contains) applies to text fields; '{field.Path}' is not text.");
        if (field.Type == StorageType.Boolean && op is not (FilterOperator.Equal or FilterOperator.NotEqual))
            return FilterError($"'{field.Path}' is a boolean: only = and != apply, not {symbol}.");

        var text = predicate.Value;
        if (text.Length == 0 && op is FilterOperator.Equal or FilterOperator.NotEqual)
            return QueryResult<BoundPredicate>.Ok(new BoundPredicate(field, op, null)); // blank values are stored as NULL
        if (field.Shape == QueryFieldShape.ListColumn || op == FilterOperator.Contains)
            return QueryResult<BoundPredicate>.Ok(new BoundPredicate(field, op, text));

        object? value = field.Type switch
        {
            StorageType.Text => text,
            StorageType.Date => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null,
            StorageType.Instant => ParseInstant(text),
            StorageType.Boolean => text switch { "true" => true, "false" => false, _ => null },
            StorageType.Float => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f) ? f : null,
            _ => null,
        };
        if (value is null)
        {
            var expected = field.Type switch
            {
                StorageType.Date => "a date YYYY-MM-DD",
                StorageType.Instant => "an ISO 8601 instant such as 2026-04-01T00:00:00Z (or a date YYYY-MM-DD)",
                StorageType.Boolean => "'true' or 'false'",
                _ => "a number",
            };
            return FilterError($"'{field.Path}' needs {expected}, not '{Shorten(text)}'.");
        }
        return QueryResult<BoundPredicate>.Ok(new BoundPredicate(field, op, value));
    }

    /// <summary>
    /// An ISO 8601 instant with a zone (Z or ±hh:mm), as dateLastModified is written (OAS <c>format: date-time</c>).
    /// A bare date means midnight UTC (the delta idiom <c>dateLastModified&gt;'2026-04-01'</c>).
    /// </summary>
    private static DateTime? ParseInstant(string text)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        if (text.Length < 20 || text[10] != 'T') return null;
        var zoned = text[^1] is 'Z' or 'z' || (text[^6] is '+' or '-' && text[^3] == ':');
        if (!zoned) return null;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto) ? dto.UtcDateTime : null;
    }

    private static QueryError FilterError(string message) => new(QueryCodeMinor.InvalidFilterField, "filter", message);

    private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
