namespace Koumu.Interop.Storage.Changes;

/// <summary>
/// The one way change delivery claims work (issue #4 §5: several hub processes share the work, "claimed with
/// <c>FOR UPDATE SKIP LOCKED</c>"): a single <c>UPDATE … RETURNING</c> that puts a lease on up to <c>@count</c> due rows
/// picked by a sub-select. On PostgreSQL the sub-select locks the picked rows <c>FOR UPDATE … SKIP LOCKED</c>, so
/// concurrent claimers in other processes pass over them instead of waiting and never pick the same row; SQLite has one
/// writer at a time (and one hub process per file). A holder that dies leaves its rows due again when the lease ends —
/// at-least-once across restarts. Used by the webhook delivery queue and by the publishers' per-tenant progress rows.
/// </summary>
internal static class Lease
{
    /// <param name="postgres">Whether to lock with <c>SKIP LOCKED</c>.</param>
    /// <param name="table">The table whose rows are claimed.</param>
    /// <param name="set">The lease assignment(s), e.g. <c>next_attempt_at = @leased</c>.</param>
    /// <param name="key">The condition on the claimed rows before <c>IN</c>, ending with the key column, e.g. <c>id</c>.</param>
    /// <param name="due">The sub-select of due rows' keys with FROM, WHERE and ORDER BY (no LIMIT).</param>
    /// <param name="lockOf">The alias in <paramref name="due"/> whose rows are locked (not those of joined tables).</param>
    /// <param name="returning">The columns of the claimed rows to return.</param>
    public static string ClaimSql(bool postgres, string table, string set, string key, string due, string lockOf, string returning) =>
        $"UPDATE {table} SET {set} WHERE {key} IN ({due} LIMIT @count" + (postgres ? $" FOR UPDATE OF {lockOf} SKIP LOCKED" : "") + $") RETURNING {returning}";
}
