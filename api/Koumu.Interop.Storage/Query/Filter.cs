using System.Text;

namespace Koumu.Interop.Storage.Query;

/// <summary>The comparison operators of the OneRoster 1.2 filter grammar (oneroster.md §1.4).</summary>
public enum FilterOperator
{
    Equal,
    NotEqual,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    /// <summary><c>~</c>: contains (case-insensitive).</summary>
    Contains,
}

public enum FilterConnective { And, Or }

/// <summary>One predicate <c>field op 'value'</c>; <see cref="Value"/> is the unquoted text (<c>''</c> already undoubled).</summary>
public sealed record FilterPredicate(string Field, FilterOperator Operator, string Value)
{
    public static string Symbol(FilterOperator op) => op switch
    {
        FilterOperator.Equal => "=",
        FilterOperator.NotEqual => "!=",
        FilterOperator.GreaterThan => ">",
        FilterOperator.GreaterThanOrEqual => ">=",
        FilterOperator.LessThan => "<",
        FilterOperator.LessThanOrEqual => "<=",
        FilterOperator.Contains => "~",
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>The canonical filter text of this predicate (parses back to an equal predicate).</summary>
    public override string ToString() => Field + Symbol(Operator) + "'" + Value.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>
/// A parsed <c>filter</c>: one or more predicates joined by a single connective. The grammar has no parentheses, so
/// mixing <c>AND</c> and <c>OR</c> would need a precedence rule the standard never states; such filters are rejected
/// rather than guessed (implementations agree on "cannot mix AND and OR", oneroster.md §1.4).
/// </summary>
public sealed record FilterExpression(FilterConnective Connective, IReadOnlyList<FilterPredicate> Predicates)
{
    public bool Equals(FilterExpression? other) =>
        other is not null && Connective == other.Connective && Predicates.SequenceEqual(other.Predicates);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Connective);
        foreach (var p in Predicates) hash.Add(p);
        return hash.ToHashCode();
    }

    /// <summary>Canonical text: predicates joined by <c> AND </c> / <c> OR </c>.</summary>
    public override string ToString() => string.Join(Connective == FilterConnective.And ? " AND " : " OR ", Predicates);
}

/// <summary>
/// Parser of the OneRoster 1.2 <c>filter</c> parameter: <c>field op 'value'</c>, values single-quoted with
/// <c>''</c> for a quote inside, predicates joined by <c> AND </c> or <c> OR </c>. Pure: it knows nothing of fields
/// (<see cref="RosterQueryParser"/> checks them against a collection's allow-list).
/// Spaces around the operator are tolerated (clients send <c>familyName = 'x'</c>); the connectives are matched
/// case-insensitively because nothing else can follow a closing quote.
/// </summary>
public static class FilterParser
{
    /// <summary>Longer filters are refused outright (a DoS guard; real filters are a few hundred characters).</summary>
    public const int MaxLength = 8192;

    /// <summary>More predicates are refused (each becomes a SQL condition and a parameter).</summary>
    public const int MaxPredicates = 64;

    public static QueryResult<FilterExpression> Parse(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.Length > MaxLength) return Error($"the filter is longer than {MaxLength} characters");
        if (filter.Trim().Length == 0) return Error("the filter is empty");
        // No stored value holds a control character (imports reject them, rule control-character) and PostgreSQL text
        // cannot even carry U+0000 as a parameter (SQLSTATE 22021): such a filter is malformed, not a server error.
        // (Tab, CR and LF can be stored, so they stay allowed.)
        for (var c = 0; c < filter.Length; c++)
        {
            if (filter[c] < ' ' && filter[c] is not '\t' and not '\r' and not '\n')
                return Error($"the filter contains the control character U+{(int)filter[c]:X4} at position {c + 1}");
        }

        var predicates = new List<FilterPredicate>();
        FilterConnective? connective = null;
        var i = 0;
        SkipSpaces(filter, ref i);
        while (true)
        {
            // field: a dotted path of identifiers (class.sourcedId, roles.org.sourcedId).
            var start = i;
            while (i < filter.Length && (char.IsAsciiLetterOrDigit(filter[i]) || filter[i] is '.' or '_')) i++;
            var field = filter[start..i];
            if (field.Length == 0) return Error($"a field name is expected at position {start + 1}");
            if (!char.IsAsciiLetter(field[0]) || field.EndsWith('.') || field.Contains("..", StringComparison.Ordinal))
                return Error($"'{Shorten(field)}' is not a field name");
            SkipSpaces(filter, ref i);

            FilterOperator op;
            if (Next(filter, i, "!=")) { op = FilterOperator.NotEqual; i += 2; }
            else if (Next(filter, i, ">=")) { op = FilterOperator.GreaterThanOrEqual; i += 2; }
            else if (Next(filter, i, "<=")) { op = FilterOperator.LessThanOrEqual; i += 2; }
            else if (Next(filter, i, "=")) { op = FilterOperator.Equal; i++; }
            else if (Next(filter, i, ">")) { op = FilterOperator.GreaterThan; i++; }
            else if (Next(filter, i, "<")) { op = FilterOperator.LessThan; i++; }
            else if (Next(filter, i, "~")) { op = FilterOperator.Contains; i++; }
            else return Error($"an operator (=, !=, >, >=, <, <=, ~) is expected after '{Shorten(field)}'");
            SkipSpaces(filter, ref i);

            if (i >= filter.Length || filter[i] != '\'') return Error($"the value of '{Shorten(field)}' must be in single quotes");
            i++;
            var value = new StringBuilder();
            var closed = false;
            while (i < filter.Length)
            {
                if (filter[i] == '\'')
                {
                    if (i + 1 < filter.Length && filter[i + 1] == '\'') { value.Append('\''); i += 2; continue; }
                    i++;
                    closed = true;
                    break;
                }
                value.Append(filter[i++]);
            }
            if (!closed) return Error($"the value of '{Shorten(field)}' has no closing quote");
            predicates.Add(new FilterPredicate(field, op, value.ToString()));
            if (predicates.Count > MaxPredicates) return Error($"more than {MaxPredicates} predicates");

            var afterValue = i;
            SkipSpaces(filter, ref i);
            if (i >= filter.Length) break;
            FilterConnective next;
            if (i > afterValue && Word(filter, i, "AND")) { next = FilterConnective.And; i += 3; }
            else if (i > afterValue && Word(filter, i, "OR")) { next = FilterConnective.Or; i += 2; }
            else return Error($"' AND ' or ' OR ' is expected at position {i + 1}");
            if (connective is { } c && c != next)
                return Error("AND and OR cannot be mixed in one filter (the grammar has no parentheses to group them)");
            connective = next;
            var beforeField = i;
            SkipSpaces(filter, ref i);
            if (i == beforeField) return Error($"a space is expected after {(next == FilterConnective.And ? "AND" : "OR")}");
        }
        return QueryResult<FilterExpression>.Ok(new FilterExpression(connective ?? FilterConnective.And, predicates));
    }

    private static QueryError Error(string message) =>
        new(QueryCodeMinor.InvalidFilterField, "filter", "Malformed filter: " + message + ".");

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";

    private static void SkipSpaces(string s, ref int i)
    {
        while (i < s.Length && s[i] == ' ') i++;
    }

    private static bool Next(string s, int i, string token) => string.CompareOrdinal(s, i, token, 0, token.Length) == 0;

    private static bool Word(string s, int i, string word) =>
        i + word.Length <= s.Length && string.Compare(s, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
        && (i + word.Length == s.Length || s[i + word.Length] == ' ');
}
