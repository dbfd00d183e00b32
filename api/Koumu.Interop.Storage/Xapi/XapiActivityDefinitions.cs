using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Xapi;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>One Activity definition carried by a Statement, as JSON text (what the canonical row would hold).</summary>
/// <remarks>The parsed <see cref="Definition"/> is only needed to merge differing definitions, so it is parsed on first use.</remarks>
public sealed class XapiActivityDefinition(string id, string text)
{
    private JsonObject? _definition;

    public XapiActivityDefinition(string id, JsonObject definition, string text) : this(id, text) => _definition = definition;

    public string Id { get; } = id;

    public string Text { get; } = text;

    /// <summary>The definition parsed (a copy each merge may modify is made by <see cref="XapiActivityDefinitions.Merge"/>, which changes neither input).</summary>
    public JsonObject Definition => _definition ??= JsonNode.Parse(Text, documentOptions: new JsonDocumentOptions { MaxDepth = XapiStatements.MaxDepth })!.AsObject();
}

/// <summary>
/// The canonical Activity definitions behind the Activities resource (xAPI Communication §2.5; ADL suite issue #232:
/// the definition is merged from every Statement, not taken from the first or the last one).
/// </summary>
/// <remarks>
/// Maintained when Statements are stored — <see cref="MergeAsync"/> runs inside the Statement batch's transaction, so a
/// definition never disagrees with the committed Statements, and reading an Activity is one key lookup rather than a
/// scan of Statements. Merge rules (<see cref="Merge"/>): language maps (name, description, interaction component
/// descriptions) and extensions merge key by key, the newer value winning; any other property (type, moreInfo,
/// interactionType, correctResponsesPattern) is replaced by the newer one; an interaction component list keeps the
/// newer list's components and order. A newer interactionType that differs drops the older interaction properties, so
/// a merged definition never mixes, say, likert scale with choice choices.
/// </remarks>
public sealed class XapiActivityDefinitions(RosterStore store)
{
    /// <summary>A merged definition larger than this (UTF-16 characters) is replaced by the newer definition alone: an
    /// unbounded stream of new languages or extension keys cannot grow one row without limit.</summary>
    public const int MaxDefinitionChars = 256 * 1024;

    private static readonly string[] LanguageMaps = ["name", "description"];
    private static readonly string[] ComponentLists = ["choices", "scale", "source", "target", "steps"];
    private static readonly string[] InteractionProperties = ["interactionType", "correctResponsesPattern", .. ComponentLists];

    /// <summary>The canonical Activity object (C §2.5): objectType, id and, when one was ever stored, the merged definition.</summary>
    public async Task<JsonObject> GetAsync(int tenantId, string activityId, CancellationToken cancellationToken)
    {
        var activity = new JsonObject { ["objectType"] = "Activity", ["id"] = activityId };
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = XapiDocumentStore.Command(connection, null,
            "SELECT definition FROM xapi_activities WHERE tenant_id = @tenant AND activity_key = @key");
        XapiDocumentStore.Add(command, "tenant", tenantId);
        XapiDocumentStore.Add(command, "key", XapiDocumentStore.Digest(activityId));
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string definition)
            activity["definition"] = JsonNode.Parse(definition);
        return activity;
    }

    /// <summary>
    /// The canonical definitions of several Activities at once (for <c>format=canonical</c>, C §2.1.3): one query per
    /// 500 ids, whatever the page size, so a page of Statements never costs a query per Activity. Activities without a
    /// stored definition are absent from the result.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> GetManyAsync(int tenantId, IEnumerable<string> activityIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activityIds);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in activityIds) keys.TryAdd(XapiDocumentStore.Digest(id), id);
        var found = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (keys.Count == 0) return found;
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var chunk in keys.Keys.Chunk(500))
        {
            await using var read = XapiDocumentStore.Command(connection, null, "");
            var sql = new StringBuilder("SELECT activity_key, definition FROM xapi_activities WHERE tenant_id = @tenant AND activity_key IN (");
            XapiDocumentStore.Add(read, "tenant", tenantId);
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "@k" : ", @k").Append(i.ToString(CultureInfo.InvariantCulture));
                XapiDocumentStore.Add(read, "k" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
            }
            read.CommandText = sql.Append(')').ToString();
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                if (JsonNode.Parse(reader.GetString(1)) is JsonObject definition) found[keys[reader.GetString(0)]] = definition;
        }
        return found;
    }

    /// <summary>
    /// The Activity definitions one prepared Statement carries (see <see cref="Definitions"/>), each with its JSON text.
    /// Pure, so <see cref="XapiStatementStore"/> runs it before taking the tenant's lock. <see cref="XapiStatements.Prepare"/>
    /// already collected them while writing the Statement (<see cref="PreparedStatement.Definitions"/>); otherwise the
    /// JSON is parsed, unless it has no <c>"definition"</c> at all.
    /// </summary>
    public static IReadOnlyList<XapiActivityDefinition> Collect(PreparedStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (statement.Definitions is { } found) return [.. found.Select(d => new XapiActivityDefinition(d.ActivityId, d.Json))];
        if (!statement.Json.Contains("\"definition\"", StringComparison.Ordinal)) return [];
        using var document = JsonDocument.Parse(statement.Json, new JsonDocumentOptions { MaxDepth = XapiStatements.MaxDepth });
        return [.. Definitions(document.RootElement).Select(d => new XapiActivityDefinition(d.Id, d.Definition, d.Definition.ToJsonString(XapiStatements.WriteOptions)))];
    }

    /// <summary>The row key of an Activity's canonical definition (<c>xapi_activities.activity_key</c>).</summary>
    public static string Key(string activityId) => XapiDocumentStore.Digest(activityId);

    /// <summary>PostgreSQL: the stored definitions of the keys <c>$2</c> (text[]) of tenant <c>$1</c> — activity_key, definition.</summary>
    /// <remarks>
    /// One array parameter, so the statement text is the same for every batch (prepared once per connection). Joined to
    /// <c>unnest($2)</c> rather than <c>activity_key = ANY($2)</c>: once the prepared statement gets a generic plan,
    /// PostgreSQL scanned the tenant's rows and tested each against the array one element at a time (a parameter array is
    /// not hashed) — 4.5 ms of every batch's time under the lock with 2,400 Activities and ≈ 100 keys (auto_explain, bench
    /// lrs); the join probes the primary key once per key (0.2 ms) whatever the table's size.
    /// </remarks>
    public const string ReadByKeysSql =
        "SELECT a.activity_key, a.definition FROM unnest($2::text[]) k(key) JOIN xapi_activities a ON a.tenant_id = $1 AND a.activity_key = k.key";

    /// <summary>
    /// Merges the Activity definitions of a batch's stored Statements (<see cref="Collect"/>, in batch order: later is
    /// newer) into the tenant's canonical definitions: one read of the existing rows for all distinct Activities, one
    /// merge each in memory, one multi-row upsert — set-based, whatever the batch size. Called by
    /// <see cref="XapiStatementStore"/> inside its transaction (under its per-tenant lock, so no other batch of the
    /// tenant interleaves).
    /// </summary>
    /// <remarks>
    /// Merging a definition with itself gives the same definition (every rule keeps the older key order and takes the
    /// newer value), so a definition whose text equals the one it would be merged into is skipped without parsing: the
    /// common case, every learner's Statement re-sending the Activity's one definition, costs a string comparison.
    /// </remarks>
    /// <param name="known">
    /// The stored definitions of (at least) the batch's Activities by <see cref="Key"/>, when the caller read them already —
    /// under the same lock, in the round trip that took it (<see cref="ReadByKeysSql"/>; the PostgreSQL Statement store
    /// always does); null to read them here, 500 keys a query (SQLite).
    /// </param>
    public static async Task MergeAsync(DbConnection connection, DbTransaction transaction, int tenantId, IEnumerable<IReadOnlyList<XapiActivityDefinition>> statements,
        DateTime stored, CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? known = null)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var batch = new Dictionary<string, XapiActivityDefinition>(StringComparer.Ordinal);
        foreach (var statement in statements)
            foreach (var definition in statement)
            {
                if (!batch.TryGetValue(definition.Id, out var older)) batch[definition.Id] = definition;
                else if (!string.Equals(older.Text, definition.Text, StringComparison.Ordinal))
                {
                    var merged = Merge(older.Definition, definition.Definition);
                    batch[definition.Id] = new XapiActivityDefinition(definition.Id, merged, merged.ToJsonString(XapiStatements.WriteOptions));
                }
            }
        if (batch.Count == 0) return;

        var keys = batch.Keys.ToDictionary(Key, StringComparer.Ordinal);
        var existing = new Dictionary<string, string>(StringComparer.Ordinal);
        if (known is not null)
            foreach (var key in keys.Keys)
                if (known.TryGetValue(key, out var definition)) existing[key] = definition;
        foreach (var chunk in known is not null ? [] : keys.Keys.Chunk(500))
        {
            await using var read = XapiDocumentStore.Command(connection, transaction, "");
            var sql = new StringBuilder("SELECT activity_key, definition FROM xapi_activities WHERE tenant_id = @tenant AND activity_key IN (");
            XapiDocumentStore.Add(read, "tenant", tenantId);
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "@k" : ", @k").Append(i.ToString(CultureInfo.InvariantCulture));
                XapiDocumentStore.Add(read, "k" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
            }
            read.CommandText = sql.Append(')').ToString();
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) existing[reader.GetString(0)] = reader.GetString(1);
        }

        // Only definitions the batch changes are written: Activities are re-sent with the same definition by every
        // learner, and rewriting an unchanged row would cost a heap tuple and its index entries per Statement.
        var changed = new List<(string Key, string Id, string Definition)>();
        foreach (var (key, id) in keys)
        {
            var newer = batch[id];
            var hasOld = existing.TryGetValue(key, out var old);
            if (hasOld && string.Equals(old, newer.Text, StringComparison.Ordinal)) continue;
            var merged = hasOld && JsonNode.Parse(old!) is JsonObject older ? Merge(older, newer.Definition).ToJsonString(XapiStatements.WriteOptions) : newer.Text;
            if (!hasOld || !string.Equals(old, merged, StringComparison.Ordinal)) changed.Add((key, id, merged));
        }
        // 200 rows × 5 parameters per statement: well under SQLite's and PostgreSQL's parameter limits.
        foreach (var chunk in changed.Chunk(200))
        {
            await using var upsert = XapiDocumentStore.Command(connection, transaction, "");
            var sql = new StringBuilder("INSERT INTO xapi_activities (tenant_id, activity_key, activity_id, definition, updated) VALUES ");
            XapiDocumentStore.Add(upsert, "tenant", tenantId);
            XapiDocumentStore.AddInstant(upsert, "updated", stored);
            for (var i = 0; i < chunk.Length; i++)
            {
                var (key, id, definition) = chunk[i];
                var n = i.ToString(CultureInfo.InvariantCulture);
                sql.Append(i == 0 ? "" : ", ").Append("(@tenant, @k").Append(n).Append(", @a").Append(n).Append(", @d").Append(n).Append(", @updated)");
                XapiDocumentStore.Add(upsert, "k" + n, key);
                XapiDocumentStore.Add(upsert, "a" + n, id);
                XapiDocumentStore.Add(upsert, "d" + n, definition);
            }
            upsert.CommandText = sql.Append(" ON CONFLICT (tenant_id, activity_key) DO UPDATE SET definition = excluded.definition, updated = excluded.updated").ToString();
            await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every Activity with a definition in a stored Statement, in document order: the object, the context activities
    /// (parent, grouping, category, other), and the same inside a SubStatement object.
    /// </summary>
    public static IEnumerable<(string Id, JsonObject Definition)> Definitions(JsonElement statement)
    {
        var found = new List<(string, JsonObject)>();
        Collect(statement, found, allowSubStatement: true);
        return found;

        static void Collect(JsonElement s, List<(string, JsonObject)> found, bool allowSubStatement)
        {
            if (s.TryGetProperty("object", out var obj) && obj.ValueKind == JsonValueKind.Object)
            {
                var type = obj.TryGetProperty("objectType", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : "Activity";
                if (type == "Activity") Add(obj, found);
                else if (type == "SubStatement" && allowSubStatement) Collect(obj, found, allowSubStatement: false);
            }
            if (s.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
                && context.TryGetProperty("contextActivities", out var lists) && lists.ValueKind == JsonValueKind.Object)
            {
                foreach (var list in lists.EnumerateObject())
                {
                    if (list.Value.ValueKind == JsonValueKind.Array) foreach (var a in list.Value.EnumerateArray()) Add(a, found);
                    else Add(list.Value, found);
                }
            }
        }

        static void Add(JsonElement activity, List<(string, JsonObject)> found)
        {
            if (activity.ValueKind == JsonValueKind.Object && activity.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && activity.TryGetProperty("definition", out var definition) && definition.ValueKind == JsonValueKind.Object)
                found.Add((id.GetString()!, JsonObject.Create(definition)!.DeepClone().AsObject()));
        }
    }

    /// <summary>The canonical merge of an older and a newer definition of one Activity (rules in the class remarks). Neither input is changed.</summary>
    public static JsonObject Merge(JsonObject older, JsonObject newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var result = older.DeepClone().AsObject();
        if (newer["interactionType"] is JsonValue newType && result["interactionType"] is JsonValue oldType
            && !JsonNode.DeepEquals(newType, oldType))
            foreach (var property in InteractionProperties) result.Remove(property);
        foreach (var (key, value) in newer)
        {
            if (LanguageMaps.Contains(key) || key == "extensions")
                result[key] = MergeMaps(result[key] as JsonObject, value as JsonObject);
            else if (ComponentLists.Contains(key))
                result[key] = MergeComponents(result[key] as JsonArray, value as JsonArray);
            else
                result[key] = value?.DeepClone();
        }
        return result.ToJsonString().Length <= MaxDefinitionChars ? result : newer.DeepClone().AsObject();
    }

    private static JsonNode? MergeMaps(JsonObject? older, JsonObject? newer)
    {
        if (newer is null) return older?.DeepClone();
        var map = older?.DeepClone().AsObject() ?? [];
        foreach (var (key, value) in newer) map[key] = value?.DeepClone();
        return map;
    }

    /// <summary>The newer list's components in its order, each component's description merged with the older one of the same id.</summary>
    private static JsonNode? MergeComponents(JsonArray? older, JsonArray? newer)
    {
        if (newer is null) return older?.DeepClone();
        var previous = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var component in older?.OfType<JsonObject>() ?? [])
            if (component["id"] is JsonValue id && id.TryGetValue<string>(out var s)) previous.TryAdd(s, component);
        var list = new JsonArray();
        foreach (var node in newer)
        {
            if (node is JsonObject component && component["id"] is JsonValue id && id.TryGetValue<string>(out var s) && previous.TryGetValue(s, out var old))
            {
                var merged = component.DeepClone().AsObject();
                if (old["description"] is JsonObject || component["description"] is JsonObject)
                    merged["description"] = MergeMaps(old["description"] as JsonObject, component["description"] as JsonObject);
                list.Add(merged);
            }
            else list.Add(node?.DeepClone());
        }
        return list;
    }
}
