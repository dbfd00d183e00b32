namespace Koumu.Interop.Storage.Query;

/// <summary>
/// The <c>imsx_codeMinorFieldValue</c> values a query can fail with (enum of the OneRoster 1.2 OpenAPI files,
/// OAS-R/G/RS <c>imsx_CodeMinorFieldDType</c>). The rostering and gradebook enums have no <c>invalid_sort_field</c>
/// (only the resources service lists it), so a bad <c>sort</c> on those services is reported as
/// <c>invalid_selection_field</c> — the 400 description of every collection speaks only of "an invalid selection field
/// or invalid filter selection". Malformed paging parameters (<c>limit</c>, <c>offset</c>, <c>orderBy</c>, a tampered
/// cursor) use <c>invaliddata</c>, the one "the request's data is wrong" value all three enums share.
/// </summary>
public static class QueryCodeMinor
{
    public const string InvalidFilterField = "invalid_filter_field";
    public const string InvalidSelectionField = "invalid_selection_field";
    public const string InvalidSortField = "invalid_sort_field";
    public const string InvalidData = "invaliddata";
}

/// <summary>A rejected query: the codeMinor for <c>imsx_StatusInfo</c>, the query parameter at fault and a message for humans.</summary>
/// <param name="Parameter">The query parameter (<c>filter</c>, <c>sort</c>, <c>fields</c>, …); used as <c>imsx_codeMinorFieldName</c>.</param>
public sealed record QueryError(string CodeMinor, string Parameter, string Message)
{
    public override string ToString() => $"{Parameter}: {CodeMinor}: {Message}";
}

/// <summary>Either a value or a <see cref="QueryError"/> (bad input is an expected outcome, not an exception).</summary>
public readonly record struct QueryResult<T>
{
    private readonly T? _value;

    private QueryResult(T? value, QueryError? error)
    {
        _value = value;
        Error = error;
    }

    public QueryError? Error { get; }

    public bool IsSuccess => Error is null;

    public T Value => Error is null ? _value! : throw new InvalidOperationException("The query was rejected: " + Error);

    public static QueryResult<T> Ok(T value) => new(value, null);

    public static QueryResult<T> Fail(QueryError error) => new(default, error);

    public static implicit operator QueryResult<T>(QueryError error) => Fail(error);
}
