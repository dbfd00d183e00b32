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

/// <summary>One page of a <see cref="QueryCollection.ForTable"/> collection, as the caller's row type (see <see cref="RosterPage"/>).</summary>
public sealed record QueryPage<T>(IReadOnlyList<T> Records, long? TotalCount, bool HasMore, string? NextCursor);

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

    /// <summary>Reads one page on an open connection of the plan's provider (a total, when asked for, is counted).</summary>
    public static Task<RosterPage> ReadPageAsync(DbConnection connection, QueryPlan plan, bool includeTotal, QueryCursorCodec? cursors,
        CancellationToken cancellationToken = default) =>
        ReadPageAsync(connection, plan, includeTotal, cursors, totals: null, cancellationToken);

    /// <summary>
    /// Reads one page on an open connection of the plan's provider. With <paramref name="totals"/>, the total comes from
    /// that cache when the tenant's data has not changed since it was counted: the tenant's data version is read in the
    /// same round trip as the page (one primary-key lookup), so a total is never older than the last committed import.
    /// </summary>
    public static async Task<RosterPage> ReadPageAsync(DbConnection connection, QueryPlan plan, bool includeTotal, QueryCursorCodec? cursors,
        TotalCountCache? totals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var records = new List<CsvRecord>(Math.Min(plan.Query.Limit, 1024));
        var hasMore = false;
        long? total = null;
        if (includeTotal && totals is not null)
        {
            long? version = null;
            await using (var command = Command(connection, $"{DataVersionSql}; {plan.PageSql}", plan.PageParameters))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.IsDBNull(0)) version = reader.GetInt64(0);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                var file = CsvFile(plan);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (records.Count == plan.Query.Limit) { hasMore = true; break; }
                    records.Add(StoredRecords.ReadRecord(reader, file, plan.Columns));
                }
            }
            total = await CountAsync(connection, plan, version, totals, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await foreach (var record in ReadRowsAsync(connection, plan, cancellationToken).ConfigureAwait(false))
            {
                if (records.Count == plan.Query.Limit) { hasMore = true; break; }
                records.Add(record);
            }
            if (includeTotal) total = await CountAsync(connection, plan, cancellationToken).ConfigureAwait(false);
        }
        string? next = null;
        if (hasMore && cursors is not null && records.Count > 0)
        {
            var last = records[^1];
            var sort = plan.Query.Sort;
            next = cursors.Encode(plan.Query, new KeysetPosition(sort is null ? null : last[sort.Column.Name], last.SourcedId));
        }
        return new RosterPage(records, total, hasMore, next);
    }

    /// <summary>
    /// Reads one page of a <see cref="QueryCollection.ForTable"/> collection (or any plan) with the caller's row reader:
    /// the same look-ahead row, total and signed <c>next</c> cursor as <see cref="ReadPageAsync(DbConnection, QueryPlan, bool, QueryCursorCodec?, CancellationToken)"/>.
    /// <paramref name="position"/> gives a row's keyset position: the value of the query's sort field (string, DateOnly,
    /// DateTime UTC, bool or double) and the collection's key (<see cref="QueryCollection.Key"/>) as text.
    /// </summary>
    public static async Task<QueryPage<T>> ReadPageAsync<T>(DbConnection connection, QueryPlan plan, Func<DbDataReader, T> read,
        Func<T, QueryField?, KeysetPosition> position, bool includeTotal, QueryCursorCodec? cursors, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(position);
        var records = new List<T>(Math.Min(plan.Query.Limit, 1024));
        var hasMore = false;
        await using (var command = Command(connection, plan.PageSql, plan.PageParameters))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (records.Count == plan.Query.Limit) { hasMore = true; break; }
                records.Add(read(reader));
            }
        }
        long? total = includeTotal ? await CountAsync(connection, plan, cancellationToken).ConfigureAwait(false) : null;
        string? next = null;
        if (hasMore && cursors is not null && records.Count > 0)
            next = cursors.Encode(plan.Query, position(records[^1], plan.Query.Sort));
        return new QueryPage<T>(records, total, hasMore, next);
    }

    private static CsvFileDefinition CsvFile(QueryPlan plan) => plan.Query.Collection.File
        ?? throw new InvalidOperationException($"{plan.Query.Collection.Name} is not a OneRoster file: read it with ReadPageAsync<T>.");

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

    /// <summary>
    /// The total from <paramref name="totals"/> when it holds one for this query at <paramref name="dataVersion"/>;
    /// otherwise counted — together with the data version in ONE statement (one snapshot), so the total is stored under
    /// the version of the data it counted, even when an import commits between the page and the count.
    /// </summary>
    public static async Task<long> CountAsync(DbConnection connection, QueryPlan plan, long? dataVersion, TotalCountCache totals,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(totals);
        var tenantId = plan.CountParameters.Single(p => p.Name == "tenant").Value is int id ? id
            : throw new InvalidOperationException("A count query's tenant parameter must be an int.");
        if (dataVersion is { } seen && totals.TryGet(TotalCountCache.KeyOf(tenantId, seen, plan.CountSql, plan.CountParameters), out var cached))
            return cached;
        await using var command = Command(connection, $"SELECT ({DataVersionSql}), ({plan.CountSql})", plan.CountParameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var total = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        // No tenant row (an unknown tenant matches nothing): nothing to key the total on, so it is not kept.
        if (!reader.IsDBNull(0)) totals.Add(TotalCountCache.KeyOf(tenantId, reader.GetInt64(0), plan.CountSql, plan.CountParameters), total);
        return total;
    }

    /// <summary>The tenant's data version (<c>tenants.data_version</c>), a primary-key lookup.</summary>
    private const string DataVersionSql = "SELECT data_version FROM tenants WHERE id = @tenant";

    /// <summary>The page's rows plus the one look-ahead row the plan reads.</summary>
    private static async IAsyncEnumerable<CsvRecord> ReadRowsAsync(DbConnection connection, QueryPlan plan,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = Command(connection, plan.PageSql, plan.PageParameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = plan.Columns;
        var file = CsvFile(plan);
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
