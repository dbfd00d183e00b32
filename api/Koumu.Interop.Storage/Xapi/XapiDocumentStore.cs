using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>The three document resources (xAPI Communication §2.2).</summary>
public static class XapiDocumentKind
{
    /// <summary>C §2.3: activity + agent (+ registration) + stateId.</summary>
    public const string State = "state";

    /// <summary>C §2.7: activity + profileId.</summary>
    public const string ActivityProfile = "activity_profile";

    /// <summary>C §2.6: agent + profileId.</summary>
    public const string AgentProfile = "agent_profile";
}

/// <summary>
/// Where a document lives: its resource and the parameters that scope its id (C §2.3 "the context given through the
/// other parameters"). Values are already canonical: the agent as its IFI, the registration lower-case. A single
/// document's registration is part of its identity (none is a registration of its own); listing and deleting a whole
/// State context without one covers every registration (C §2.3.s4–s5: "Activity + Agent [+ registration if specified]").
/// </summary>
public sealed record XapiDocumentContext(string Kind, string? ActivityId, string? AgentIfi, string? Registration)
{
    /// <summary>Hex SHA-256 of kind, activity and agent, each length-prefixed so that no two different contexts encode alike.</summary>
    public string Key => XapiDocumentStore.Digest(Kind, ActivityId ?? "", AgentIfi ?? "");
}

/// <summary>A stored document: id, content, content type, ETag (unquoted hex SHA-1) and last change.</summary>
public sealed record XapiDocument(string Id, byte[] Content, string ContentType, string ETag, DateTime Updated);

public enum XapiDocumentAction { Keep, Write, Delete }

/// <summary>What a write decides after seeing the current document: leave it, replace it, or delete it.</summary>
public sealed record XapiDocumentChange(XapiDocumentAction Action, byte[]? Content = null, string? ContentType = null)
{
    public static readonly XapiDocumentChange Keep = new(XapiDocumentAction.Keep);

    public static readonly XapiDocumentChange Delete = new(XapiDocumentAction.Delete);

    public static XapiDocumentChange Write(byte[] content, string contentType) => new(XapiDocumentAction.Write, content, contentType);
}

/// <summary>The ids of a context's documents (C §2.3 / §2.6 / §2.7 multiple document GET) and the newest change among them.</summary>
public sealed record XapiDocumentList(IReadOnlyList<string> Ids, DateTime? LastUpdated);

/// <summary>
/// Storage of State, Activity Profile and Agent Profile documents (docs/decisions/0007-xapi-lrs.md, "Documents, Agents,
/// Activities"), on SQLite and PostgreSQL. A write reads the current document and applies the caller's decision in one
/// transaction, serialised per context (PostgreSQL advisory lock 7402 on the context; SQLite's IMMEDIATE write
/// transaction), so a precondition (C §3.1 If-Match / If-None-Match) is checked against exactly the document it replaces.
/// </summary>
public sealed class XapiDocumentStore(RosterStore store)
{
    private const int LockClass = 7402;

    /// <summary>
    /// Reads the current document of (<paramref name="context"/>, <paramref name="documentId"/>), lets
    /// <paramref name="decide"/> choose (it runs inside the transaction and may be called with null when there is none),
    /// and applies the choice. A new or changed document gets the SHA-1 ETag of its content and <c>updated</c> = now.
    /// </summary>
    public async Task<XapiDocumentChange> ChangeAsync(int tenantId, XapiDocumentContext context, string documentId,
        Func<XapiDocument?, XapiDocumentChange> decide, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(decide);
        var contextKey = context.Key;
        var documentKey = Digest(documentId);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, transaction, tenantId, contextKey, cancellationToken).ConfigureAwait(false);

        XapiDocument? current;
        await using (var read = Command(connection, transaction,
            "SELECT document_id, content, content_type, etag, updated FROM xapi_documents WHERE tenant_id = @tenant AND context_key = @context AND registration = @registration AND document_key = @document"))
        {
            Add(read, "tenant", tenantId);
            Add(read, "context", contextKey);
            Add(read, "registration", context.Registration ?? "");
            Add(read, "document", documentKey);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            current = await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadDocument(reader) : null;
        }

        var change = decide(current);
        switch (change.Action)
        {
            case XapiDocumentAction.Keep:
                return change; // disposing rolls back: nothing was written
            case XapiDocumentAction.Delete:
                if (current is null) return change;
                await using (var delete = Command(connection, transaction,
                    "DELETE FROM xapi_documents WHERE tenant_id = @tenant AND context_key = @context AND registration = @registration AND document_key = @document"))
                {
                    Add(delete, "tenant", tenantId);
                    Add(delete, "context", contextKey);
                    Add(delete, "registration", context.Registration ?? "");
                    Add(delete, "document", documentKey);
                    await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                break;
            case XapiDocumentAction.Write:
                var content = change.Content ?? throw new InvalidOperationException("A write needs content.");
                await using (var upsert = Command(connection, transaction,
                    "INSERT INTO xapi_documents (tenant_id, context_key, document_key, kind, activity_id, agent_ifi, registration, document_id, content, content_type, etag, updated) " +
                    "VALUES (@tenant, @context, @document, @kind, @activity, @agent, @registration, @id, @content, @type, @etag, @updated) " +
                    "ON CONFLICT (tenant_id, context_key, registration, document_key) DO UPDATE SET content = excluded.content, content_type = excluded.content_type, " +
                    "etag = excluded.etag, updated = excluded.updated"))
                {
                    Add(upsert, "tenant", tenantId);
                    Add(upsert, "context", contextKey);
                    Add(upsert, "document", documentKey);
                    Add(upsert, "kind", context.Kind);
                    Add(upsert, "activity", context.ActivityId);
                    Add(upsert, "agent", context.AgentIfi);
                    Add(upsert, "registration", context.Registration ?? "");
                    Add(upsert, "id", documentId);
                    Add(upsert, "content", content);
                    Add(upsert, "type", change.ContentType ?? "application/octet-stream");
                    Add(upsert, "etag", ETagOf(content));
                    AddInstant(upsert, "updated", Now(current?.Updated));
                    await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                break;
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return change;
    }

    /// <summary>One document, or null.</summary>
    public async Task<XapiDocument?> GetAsync(int tenantId, XapiDocumentContext context, string documentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT document_id, content, content_type, etag, updated FROM xapi_documents WHERE tenant_id = @tenant AND context_key = @context AND registration = @registration AND document_key = @document");
        Add(command, "tenant", tenantId);
        Add(command, "context", context.Key);
        Add(command, "registration", context.Registration ?? "");
        Add(command, "document", Digest(documentId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadDocument(reader) : null;
    }

    /// <summary>
    /// The ids in a context (without a registration: of every registration, each id once), optionally only those stored
    /// or changed after <paramref name="since"/> (exclusive), oldest change first.
    /// </summary>
    public async Task<XapiDocumentList> ListAsync(int tenantId, XapiDocumentContext context, DateTime? since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT document_id, updated FROM xapi_documents WHERE tenant_id = @tenant AND context_key = @context" +
            (context.Registration is null ? "" : " AND registration = @registration") +
            (since is null ? "" : " AND updated > @since") + " ORDER BY updated, document_key");
        Add(command, "tenant", tenantId);
        Add(command, "context", context.Key);
        if (context.Registration is { } registration) Add(command, "registration", registration);
        if (since is { } s) AddInstant(command, "since", s);
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        DateTime? last = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var id = reader.GetString(0);
            if (seen.Add(id)) ids.Add(id);
            last = Utc(reader.GetDateTime(1));
        }
        return new XapiDocumentList(ids, last);
    }

    /// <summary>C §2.3.s5: deletes every State document of a context (activity + agent [+ registration if given]); returns how many.</summary>
    public async Task<int> DeleteAllAsync(int tenantId, XapiDocumentContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var contextKey = context.Key;
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await LockAsync(connection, transaction, tenantId, contextKey, cancellationToken).ConfigureAwait(false);
        await using var delete = Command(connection, transaction, "DELETE FROM xapi_documents WHERE tenant_id = @tenant AND context_key = @context" +
            (context.Registration is null ? "" : " AND registration = @registration"));
        Add(delete, "tenant", tenantId);
        Add(delete, "context", contextKey);
        if (context.Registration is { } registration) Add(delete, "registration", registration);
        var count = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>
    /// Names an Agent was sent with as the actor of the tenant's newest non-voided Statements (C §2.4 Person "name"),
    /// newest first, distinct. Reads at most <paramref name="limit"/> Statements through the (tenant, actor_ifi, sequence) index.
    /// </summary>
    public async Task<IReadOnlyList<string>> ActorNamesAsync(int tenantId, string agentIfi, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null,
            "SELECT statement FROM xapi_statements WHERE tenant_id = @tenant AND actor_ifi = @ifi AND NOT voided ORDER BY sequence DESC LIMIT @limit");
        Add(command, "tenant", tenantId);
        Add(command, "ifi", agentIfi);
        Add(command, "limit", limit);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            using var statement = System.Text.Json.JsonDocument.Parse(reader.GetString(0));
            if (statement.RootElement.TryGetProperty("actor", out var actor) && actor.TryGetProperty("name", out var name)
                && name.ValueKind == System.Text.Json.JsonValueKind.String && name.GetString() is { Length: > 0 } n && !names.Contains(n, StringComparer.Ordinal))
                names.Add(n);
        }
        return names;
    }

    /// <summary>C §3.1.s4.b2: the hex SHA-1 of the content, lower case (quoted by the HTTP layer).</summary>
    public static string ETagOf(ReadOnlySpan<byte> content) =>
#pragma warning disable CA5350 // SHA-1 is what xAPI 1.0.3 prescribes for document ETags, not a security use.
        Convert.ToHexStringLower(SHA1.HashData(content));
#pragma warning restore CA5350

    /// <summary>Hex SHA-256 of the parts, each prefixed with its length.</summary>
    public static string Digest(params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var sb = new StringBuilder();
        foreach (var part in parts) sb.Append(part.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(part);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>Now, to the millisecond, and strictly after the document's previous change (so <c>since</c> sees every change).</summary>
    private static DateTime Now(DateTime? previous)
    {
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        return previous is { } p && now <= p ? p.AddMilliseconds(1) : now;
    }

    private static async Task LockAsync(DbConnection connection, DbTransaction transaction, int tenantId, string contextKey, CancellationToken cancellationToken)
    {
        // SQLite: the transaction began IMMEDIATE and already holds the database's write lock.
        if (connection is not NpgsqlConnection) return;
        // One lock per (tenant, context); two contexts sharing a 32-bit slot merely wait for each other.
        var slot = unchecked((int)uint.Parse(contextKey.AsSpan(0, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture) ^ tenantId);
        await using var command = Command(connection, transaction, $"SELECT pg_advisory_xact_lock({LockClass}, @slot)");
        Add(command, "slot", slot);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static XapiDocument ReadDocument(DbDataReader reader) =>
        new(reader.GetString(0), (byte[])reader.GetValue(1), reader.GetString(2), reader.GetString(3), Utc(reader.GetDateTime(4)));

    private static DateTime Utc(DateTime value) => DateTime.SpecifyKind(value, DateTimeKind.Utc);

    internal static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    internal static void Add(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    internal static void AddInstant(DbCommand command, string name, DateTime value)
    {
        if (command is NpgsqlCommand npgsql) npgsql.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = DateTime.SpecifyKind(value, DateTimeKind.Utc) });
        else Add(command, name, value);
    }
}
