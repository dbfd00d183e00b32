using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Storage.Query;

/// <summary>One page of a collection.</summary>
/// <param name="Records">The rows as <see cref="CsvRecord"/>s (typed values in <see cref="CsvFileDefinition.Columns"/> order, metadata JSON), which is what <c>OneRosterJsonMapper</c> maps.</param>
/// <param name="TotalCount">For <c>X-Total-Count</c>: every record the query matches (not only this page), when asked for.</param>
/// <param name="HasMore">Whether records follow this page.</param>
/// <param name="NextCursor">The keyset cursor of the next page (null without a codec or when no page follows).</param>
public sealed record RosterPage(IReadOnlyList<CsvRecord> Records, long? TotalCount, bool HasMore, string? NextCursor);

/// <summary>
/// Runs <see cref="QueryPlan"/>s against a <see cref="RosterStore"/>'s database. Rows come back as
/// <see cref="CsvRecord"/> (the import's typed row), so the JSON mapper serves REST and the CSV path alike.
/// </summary>
public sealed class RosterQueryExecutor(RosterStore store, QueryCursorCodec? cursors = null)
{
    /// <summary>Reads one page (and, when <paramref name="includeTotal"/>, the total count) on a connection of its own.</summary>
    public async Task<RosterPage> ReadPageAsync(QueryPlan plan, bool includeTotal, CancellationToken cancellationToken = default)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadPageAsync(connection, plan, includeTotal, cursors, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one page on an open connection of the plan's provider.</summary>
    public static async Task<RosterPage> ReadPageAsync(DbConnection connection, QueryPlan plan, bool includeTotal, QueryCursorCodec? cursors,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var records = new List<CsvRecord>(Math.Min(plan.Query.Limit, 1024));
        var hasMore = false;
        await foreach (var record in ReadRowsAsync(connection, plan, cancellationToken).ConfigureAwait(false))
        {
            if (records.Count == plan.Query.Limit) { hasMore = true; break; }
            records.Add(record);
        }
        long? total = includeTotal ? await CountAsync(connection, plan, cancellationToken).ConfigureAwait(false) : null;
        string? next = null;
        if (hasMore && cursors is not null && records.Count > 0)
        {
            var last = records[^1];
            var sort = plan.Query.Sort;
            next = cursors.Encode(plan.Query, new KeysetPosition(sort is null ? null : last[sort.Column.Name], last.SourcedId));
        }
        return new RosterPage(records, total, hasMore, next);
    }

    /// <summary>Streams the page's rows (at most the query's limit) on an open connection.</summary>
    public static async IAsyncEnumerable<CsvRecord> StreamAsync(DbConnection connection, QueryPlan plan,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var count = 0;
        await foreach (var record in ReadRowsAsync(connection, plan, cancellationToken).ConfigureAwait(false))
        {
            if (count++ == plan.Query.Limit) yield break;
            yield return record;
        }
    }

    /// <summary>Every record the query matches (the confinement and filter applied; paging not): <c>X-Total-Count</c>.</summary>
    public static async Task<long> CountAsync(DbConnection connection, QueryPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        await using var command = Command(connection, plan.CountSql, plan.CountParameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>The page's rows plus the one look-ahead row the plan reads.</summary>
    private static async IAsyncEnumerable<CsvRecord> ReadRowsAsync(DbConnection connection, QueryPlan plan,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = Command(connection, plan.PageSql, plan.PageParameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = plan.Columns;
        var file = plan.Query.Collection.File;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            yield return StoredRecords.ReadRecord(reader, file, columns);
    }

    private static DbCommand Command(DbConnection connection, string sql, IReadOnlyList<QueryParameter> parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var p in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = p.Name;
            parameter.Value = p.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
