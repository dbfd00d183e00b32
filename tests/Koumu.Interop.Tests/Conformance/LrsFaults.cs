using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Koumu.Interop.Conformance.Xapi;
using static Koumu.Interop.Tests.Conformance.FaultyProvider;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>One broken LRS behaviour, the assertion meant to catch it and the version it is tested under.</summary>
public sealed record LrsFault(ProviderFault Fault, XapiVersion Version = XapiVersion.V103)
{
    public string Name => Fault.Name;

    public string Catches => Fault.Catches;

    public override string ToString() => Name;
}

/// <summary>
/// The seeded LRS faults (issue #7 §5: "a missing consistent-through header, an accepted invalid statement", …): each a
/// way real LRSs go wrong (shared/reference/xapi.md §1, §5.3), put in front of the real hub by <see cref="FaultyProvider"/>.
/// </summary>
public static class LrsFaults
{
    private static Task Done => Task.CompletedTask;

    private static bool Is(Exchange x, string resource, string? method = null) =>
        x.Path == "/xapi/" + resource && (method is null || x.Request.Method.Method == method);

    private static async Task<JsonNode?> RequestJsonAsync(Exchange x)
    {
        if (x.Request.Content is null || x.Request.Content.Headers.ContentType?.MediaType != "application/json") return null;
        try { return JsonNode.Parse(await x.Request.Content.ReadAsStringAsync()); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static IEnumerable<JsonObject> StatementsOf(JsonNode? body) => body switch
    {
        JsonArray a => a.OfType<JsonObject>(),
        JsonObject o => [o],
        _ => [],
    };

    private static void SetRequestJson(Exchange x, JsonNode body) =>
        x.Request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>An LRS that stores (answers 200 for) a POSTed Statement matching <paramref name="invalid"/> instead of rejecting it.</summary>
    private static LrsFault Accepts(string name, string catches, Func<JsonObject, bool> invalid) => new(new ProviderFault(name, catches, Before: async x =>
    {
        if (!Is(x, "statements", "POST")) return;
        var statements = StatementsOf(await RequestJsonAsync(x)).ToList();
        if (statements.Count > 0 && statements.Any(invalid))
            Exchange.Answer(x, HttpStatusCode.OK, new JsonArray([.. statements.Select(s => (JsonNode)(s["id"]?.GetValue<string>() ?? Guid.NewGuid().ToString()))]).ToJsonString());
    }));

    private static LrsFault Before(string name, string catches, Func<Exchange, Task> edit, XapiVersion version = XapiVersion.V103) =>
        new(new ProviderFault(name, catches, Before: edit), version);

    private static LrsFault After(string name, string catches, Func<Exchange, Task> edit, XapiVersion version = XapiVersion.V103) =>
        new(new ProviderFault(name, catches, After: edit), version);

    private static LrsFault DropParameter(string name, string catches, string resource, string parameter) => Before(name, catches, x =>
    {
        if (Is(x, resource) && x.Query(parameter) is not null) x.Drop(parameter);
        return Done;
    });

    /// <summary>Edits the single Statement of a GET statementId= answer.</summary>
    private static Func<Exchange, Task> EditSingle(Action<JsonObject> edit) => async x =>
    {
        if (Is(x, "statements", "GET") && x.Query("statementId") is not null && x.Status == 200)
            await x.EditJsonAsync(j => { if (j is JsonObject o) edit(o); });
    };

    private static bool Deep(JsonNode? node, Func<JsonObject, bool> predicate) => Objects(node).Any(predicate);

    /// <summary>
    /// An LRS that keeps a client-sent <paramref name="property"/> (stored, authority): the value each POSTed Statement
    /// carried is remembered (per fault instance) and put back into reads of that Statement.
    /// </summary>
    private static LrsFault Remembering(string name, string catches, string property)
    {
        var sent = new System.Collections.Concurrent.ConcurrentDictionary<string, JsonNode>(StringComparer.OrdinalIgnoreCase);
        return new(new ProviderFault(name, catches,
            Before: async x =>
            {
                if (!Is(x, "statements", "POST")) return;
                foreach (var s in StatementsOf(await RequestJsonAsync(x)))
                    if (s["id"]?.GetValue<string>() is { } id && s[property] is { } value) sent[id] = value.DeepClone();
            },
            After: async x =>
            {
                if (Is(x, "statements", "GET") && x.Query("statementId") is { } sid && x.Status == 200 && sent.TryGetValue(sid, out var kept))
                    await x.EditJsonAsync(j => j[property] = kept.DeepClone());
            }));
    }

    /// <summary>An LRS that only checks a Basic header is there: a wrong password is served as the last valid one was.</summary>
    private static LrsFault WrongCredentialsAccepted()
    {
        System.Net.Http.Headers.AuthenticationHeaderValue? valid = null;
        return Before("wrong credentials accepted", "XAPI-AUTH-002", x =>
        {
            if (x.Path.StartsWith("/xapi/", StringComparison.Ordinal) && x.Request.Headers.Authorization is { Scheme: "Basic", Parameter: { } p } auth)
            {
                if (!Encoding.UTF8.GetString(Convert.FromBase64String(p)).Contains(":wrong-", StringComparison.Ordinal)) valid = auth;
                else if (valid is not null) x.Request.Headers.Authorization = valid;
            }
            return Done;
        });
    }

    public static IReadOnlyList<LrsFault> All { get; } = Build();

    private static List<LrsFault> Build() =>
    [
        // ---- about, version, auth ------------------------------------------------------------------------------------
        Before("About requires authentication", "XAPI-ABOUT-003", x =>
        {
            if (Is(x, "about") && x.Request.Headers.Authorization is null) Exchange.Answer(x, HttpStatusCode.Unauthorized, """{"message":"auth"}""");
            return Done;
        }),
        Before("a request without X-Experience-API-Version is served", "XAPI-VER-001", x =>
        {
            if (Is(x, "statements") && !x.Request.Headers.Contains("X-Experience-API-Version")) x.Request.Headers.Add("X-Experience-API-Version", "1.0.3");
            return Done;
        }),
        After("X-Experience-API-Version not echoed on Statement responses", "XAPI-VER-002", x =>
        {
            if (Is(x, "statements")) x.SetHeader("X-Experience-API-Version", null);
            return Done;
        }),
        After("2.0 requests answered as 1.0.3", "XAPI-VER-002", x =>
        {
            if (x.Path.StartsWith("/xapi/", StringComparison.Ordinal) && x.Header("X-Experience-API-Version") == "2.0.0") x.SetHeader("X-Experience-API-Version", "1.0.3");
            return Done;
        }, XapiVersion.V200),
        WrongCredentialsAccepted(),
        Before("version 3.0.0 accepted", "XAPI-VER-003", x =>
        {
            if (x.Request.Headers.TryGetValues("X-Experience-API-Version", out var v) && v.First() == "3.0.0")
            {
                x.Request.Headers.Remove("X-Experience-API-Version");
                x.Request.Headers.Add("X-Experience-API-Version", "1.0.3");
            }
            return Done;
        }),

        // ---- Statement resource ----------------------------------------------------------------------------------------
        After("missing X-Experience-API-Consistent-Through", "XAPI-STMT-CONSISTENT-001", x =>
        {
            if (Is(x, "statements", "GET")) x.SetHeader("X-Experience-API-Consistent-Through", null);
            return Done;
        }),
        After("204 instead of 409 on a conflicting PUT", "XAPI-STMT-CONFLICT-002", x =>
        {
            if (Is(x, "statements", "PUT") && x.Status == 409) Exchange.Answer(x, HttpStatusCode.NoContent, "");
            return Done;
        }),
        After("200 instead of 409 on a conflicting POST", "XAPI-STMT-CONFLICT-003", async x =>
        {
            if (Is(x, "statements", "POST") && x.Status == 409)
            {
                var ids = new JsonArray([.. StatementsOf(await RequestJsonAsync(x)).Select(s => (JsonNode)s["id"]!.GetValue<string>())]);
                Exchange.Answer(x, HttpStatusCode.OK, ids.ToJsonString());
            }
        }),
        new(new ProviderFault("a conflicting PUT overwrites the stored Statement", "XAPI-STMT-CONFLICT-001",
            // The last body PUT under an id is what later reads of that id return (its LRS-set properties kept).
            Before: async x =>
            {
                if (Is(x, "statements", "PUT") && x.Query("statementId") is { } id && await RequestJsonAsync(x) is JsonObject body) Overwritten[id] = body;
            },
            After: async x =>
            {
                if (Is(x, "statements", "GET") && x.Query("statementId") is { } id && x.Status == 200 && Overwritten.TryGetValue(id, out var last))
                    await x.EditJsonAsync(j => { foreach (var key in new[] { "actor", "verb", "object" }) j[key] = last[key]?.DeepClone(); });
            })),
        Before("batch partially stored when one Statement is invalid", "XAPI-STMT-POST-003", async x =>
        {
            if (!Is(x, "statements", "POST") || await RequestJsonAsync(x) is not JsonArray { Count: >= 2 } batch) return;
            foreach (var s in batch)
            {
                using var one = new HttpRequestMessage(HttpMethod.Post, x.Request.RequestUri) { Content = new StringContent(s!.ToJsonString(), Encoding.UTF8, "application/json") };
                foreach (var h in x.Request.Headers) one.Headers.TryAddWithoutValidation(h.Key, h.Value);
                using var _ = await x.HubAsync(one);
            }
        }),
        Before("a batch with the same id twice is accepted", "XAPI-STMT-POST-004", async x =>
        {
            if (Is(x, "statements", "POST") && await RequestJsonAsync(x) is JsonArray { Count: 2 } batch
                && batch[0]?["id"]?.GetValue<string>() is { } a && a == batch[1]?["id"]?.GetValue<string>())
                SetRequestJson(x, new JsonArray(batch[0]!.DeepClone()));
        }),
        After("POST answers the ids in reverse order", "XAPI-STMT-POST-002", async x =>
        {
            if (Is(x, "statements", "POST") && x.Status == 200 && await x.JsonAsync() is JsonArray { Count: > 1 } ids)
                x.SetBody(new JsonArray([.. ids.Reverse().Select(i => i!.DeepClone())]).ToJsonString());
        }),
        DropParameter("unknown query parameters ignored", "XAPI-STMT-GET-004", "statements", "conformanceUnknownParameter"),
        After("HEAD answers a body", "XAPI-STMT-HEAD-001", x =>
        {
            if (Is(x, "statements", "HEAD") && x.Status == 200) x.SetBody("""{"statements":[]}""");
            return Done;
        }),
        After("no Last-Modified on Statements (2.0)", "XAPI-STMT-LASTMOD-001", x =>
        {
            if (Is(x, "statements", "GET")) x.Response!.Content.Headers.LastModified = null;
            return Done;
        }, XapiVersion.V200),

        // ---- LRS-set properties ------------------------------------------------------------------------------------------
        Remembering("stored kept as the client sent it", "XAPI-DATA-STORED-001", "stored"),
        Remembering("authority kept as the client sent it", "XAPI-DATA-AUTHORITY-002", "authority"),
        After("timestamp truncated to seconds", "XAPI-DATA-TIMESTAMP-002", EditSingle(s =>
        {
            if (s["timestamp"]?.GetValue<string>() is { } t && DateTimeOffset.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out var v))
                s["timestamp"] = v.AddTicks(-(v.Ticks % TimeSpan.TicksPerSecond)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        })),
        After("contextActivities returned as sent (one object)", "XAPI-DATA-CONTEXT-001", EditSingle(s =>
        {
            if (s["context"]?["contextActivities"] is JsonObject ca)
                foreach (var key in ca.Select(p => p.Key).ToList())
                    if (ca[key] is JsonArray { Count: 1 } one) ca[key] = one[0]!.DeepClone();
        })),

        // ---- queries -----------------------------------------------------------------------------------------------------
        DropParameter("agent filter ignored", "XAPI-QUERY-AGENT-001", "statements", "agent"),
        DropParameter("related_activities ignored", "XAPI-QUERY-RELATED-001", "statements", "related_activities"),
        DropParameter("registration filter ignored", "XAPI-QUERY-REGISTRATION-001", "statements", "registration"),
        DropParameter("since ignored", "XAPI-QUERY-SINCE-001", "statements", "since"),
        DropParameter("until ignored", "XAPI-QUERY-UNTIL-001", "statements", "until"),
        DropParameter("ascending ignored", "XAPI-QUERY-ORDER-002", "statements", "ascending"),
        After("more repeats the previous page", "XAPI-QUERY-MORE-001", async x =>
        {
            if (!Is(x, "statements", "GET") || x.Status != 200 || await x.JsonAsync() is not JsonObject page) return;
            var key = x.Request.RequestUri!.PathAndQuery;
            if (PagesByMore.TryGetValue(key, out var previous))
                await x.EditJsonAsync(j => j["statements"] = previous.DeepClone());
            if (page["more"]?.GetValue<string>() is { Length: > 0 } more && page["statements"] is JsonArray statements)
                PagesByMore[more] = statements.DeepClone();
        }),
        After("more is an absolute URL", "XAPI-QUERY-MORE-002", async x =>
        {
            if (Is(x, "statements", "GET") && x.Status == 200 && await x.JsonAsync() is JsonObject page && page["more"]?.GetValue<string>() is { Length: > 0 } more)
                await x.EditJsonAsync(j => j["more"] = "https://localhost" + more);
        }),

        // ---- voiding -----------------------------------------------------------------------------------------------------
        After("a voided Statement is returned by statementId", "XAPI-VOID-001", async x =>
        {
            if (Is(x, "statements", "GET") && x.Query("statementId") is { } id && x.Status == 404)
                x.Response = await x.ResendAsync(e => e.SetQuery(q => [KeyValuePair.Create("voidedStatementId", id)]));
        }),
        After("voided Statements returned in queries", "XAPI-VOID-003", async x =>
        {
            if (!Is(x, "statements", "GET") || x.Query("statementId") is not null || x.Query("voidedStatementId") is not null || x.Status != 200
                || await x.JsonAsync() is not JsonObject { } page || page["statements"] is not JsonArray list) return;
            var added = new List<JsonNode>();
            foreach (var s in list.OfType<JsonObject>().Where(s => s["verb"]?["id"]?.GetValue<string>() == "http://adlnet.gov/expapi/verbs/voided").ToList())
            {
                var target = s["object"]?["id"]?.GetValue<string>();
                using var voided = await x.ResendAsync(e => e.SetQuery(_ => [KeyValuePair.Create("voidedStatementId", target ?? "")]));
                if (voided.IsSuccessStatusCode && JsonNode.Parse(await voided.Content.ReadAsStringAsync()) is { } v) added.Add(v);
            }
            if (added.Count > 0) await x.EditJsonAsync(j => { foreach (var a in added) ((JsonArray)j["statements"]!).Add(a); });
        }),
        After("voidedStatementId returns Statements that are not voided", "XAPI-VOID-005", async x =>
        {
            if (Is(x, "statements", "GET") && x.Query("voidedStatementId") is { } id && x.Status == 404)
                x.Response = await x.ResendAsync(e => e.SetQuery(_ => [KeyValuePair.Create("statementId", id)]));
        }),

        // ---- formats, attachments, agents, activities --------------------------------------------------------------------
        DropParameter("format=ids ignored", "XAPI-FORMAT-001", "statements", "format"),
        DropParameter("attachments=true ignored", "XAPI-ATTACH-001", "statements", "attachments"),
        After("Agents answers the Agent instead of a Person", "XAPI-AGENTS-001", x =>
        {
            if (Is(x, "agents", "GET") && x.Status == 200 && x.Query("agent") is { } agent) x.SetBody(agent);
            return Done;
        }),
        After("Activities drops the definition", "XAPI-ACTIVITIES-001", x =>
        {
            if (Is(x, "activities", "GET") && x.Status == 200) x.SetBody(new JsonObject { ["objectType"] = "Activity", ["id"] = x.Query("activityId") }.ToJsonString());
            return Done;
        }),

        // ---- accepted invalid Statements ---------------------------------------------------------------------------------
        Accepts("Agent with two IFIs accepted", "XAPI-VAL-IFI-001", s => Deep(s, o => o["mbox"] is not null && o["openid"] is not null)),
        Accepts("score.scaled above 1 accepted", "XAPI-VAL-SCORE-001", s => s["result"]?["score"]?["scaled"] is JsonValue v && v.GetValue<double>() > 1),
        Accepts("duration P4W1D accepted", "XAPI-VAL-DURATION-001", s => s["result"]?["duration"]?.GetValue<string>() == "P4W1D"),
        Accepts("unknown property accepted", "XAPI-VAL-KEYS-001", s => s.ContainsKey("conformanceExtra")),
        Accepts("SubStatement with an id accepted", "XAPI-VAL-SUBSTATEMENT-001", s => s["object"] is JsonObject o && o["objectType"]?.GetValue<string>() == "SubStatement" && o.ContainsKey("id")),
        Accepts("free-text timestamp accepted", "XAPI-VAL-TIMESTAMP-001", s => s["timestamp"] is JsonValue t && t.TryGetValue<string>(out var v) && v == "yesterday"),
        Accepts("bad language tag accepted", "XAPI-VAL-LANGUAGE-001", s => s["verb"]?["display"] is JsonObject d && d.ContainsKey("not a language tag")),
        Accepts("null outside extensions accepted", "XAPI-VAL-NULL-001", s => s.ContainsKey("timestamp") && s["timestamp"] is null),
        Accepts("mbox without mailto: accepted", "XAPI-VAL-MBOX-001", s => s["actor"]?["mbox"] is JsonValue m && !m.GetValue<string>().StartsWith("mailto:", StringComparison.Ordinal)),
        Accepts("context.revision with an Agent object accepted", "XAPI-VAL-CONTEXT-001", s => s["context"]?["revision"] is not null),
        Before("valid Statements refused (future timestamp)", "XAPI-VAL-ACCEPT-001", async x =>
        {
            if (Is(x, "statements", "POST") && StatementsOf(await RequestJsonAsync(x)).Any(s => s["timestamp"]?.GetValue<string>()?.StartsWith("2099", StringComparison.Ordinal) == true))
                Exchange.Answer(x, HttpStatusCode.BadRequest, """{"message":"timestamp in the future"}""");
        }),

        // ---- documents ---------------------------------------------------------------------------------------------------
        After("document ETag missing", "XAPI-DOC-ETAG-001", x =>
        {
            if ((Is(x, "activities/state", "GET") || Is(x, "activities/profile", "GET") || Is(x, "agents/profile", "GET"))) x.Response!.Headers.ETag = null;
            return Done;
        }),
        After("204 instead of 412 on a stale If-Match", "XAPI-DOC-IFMATCH-001", x =>
        {
            if (x.Path.EndsWith("/profile", StringComparison.Ordinal) && x.Request.Method == HttpMethod.Put && x.Status == 412 && x.Request.Headers.IfMatch.Count > 0)
                Exchange.Answer(x, HttpStatusCode.NoContent, "");
            return Done;
        }),
        Before("If-None-Match ignored (profile overwritten)", "XAPI-DOC-IFNONEMATCH-001", x =>
        {
            if (x.Path.EndsWith("/profile", StringComparison.Ordinal) && x.Request.Method == HttpMethod.Put && x.Request.Headers.IfNoneMatch.Count > 0)
            {
                x.Request.Headers.IfNoneMatch.Clear();
                x.Request.Headers.TryAddWithoutValidation("If-Match", "*");
            }
            return Done;
        }),
        Before("PUT without preconditions overwrites a profile", "XAPI-DOC-CONFLICT-001", x =>
        {
            if (x.Path.EndsWith("/profile", StringComparison.Ordinal) && x.Request.Method == HttpMethod.Put && x.Request.Headers.IfMatch.Count == 0 && x.Request.Headers.IfNoneMatch.Count == 0)
                x.Request.Headers.TryAddWithoutValidation("If-Match", "*");
            return Done;
        }),
        After("POST merge of a non-JSON document accepted", "XAPI-DOC-MERGE-002", x =>
        {
            if (Is(x, "activities/state", "POST") && x.Status == 400) Exchange.Answer(x, HttpStatusCode.NoContent, "");
            return Done;
        }),
        Before("POST replaces instead of merging", "XAPI-DOC-MERGE-001", x =>
        {
            if (Is(x, "activities/state", "POST") && x.Request.Headers.IfMatch.Count == 0) x.Request.Method = HttpMethod.Put;
            return Done;
        }),
        DropParameter("registration ignored by State", "XAPI-DOC-STATE-002", "activities/state", "registration"),
        DropParameter("since ignored by document lists", "XAPI-DOC-LIST-002", "activities/state", "since"),
        Before("DELETE State without stateId ignored", "XAPI-DOC-STATE-003", x =>
        {
            if (Is(x, "activities/state", "DELETE") && x.Query("stateId") is null) Exchange.Answer(x, HttpStatusCode.NoContent, "");
            return Done;
        }),
        Before("State PUT without preconditions overwrites under 2.0", "XAPI-DOC-STATE-005", x =>
        {
            if (Is(x, "activities/state", "PUT") && x.Request.Headers.IfMatch.Count == 0 && x.Request.Headers.IfNoneMatch.Count == 0)
                x.Request.Headers.TryAddWithoutValidation("If-Match", "*");
            return Done;
        }, XapiVersion.V200),
    ];

    /// <summary>Bodies the "conflicting PUT overwrites" fault serves for reads (the last PUT under each id).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonObject> Overwritten = new(StringComparer.OrdinalIgnoreCase);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonNode> PagesByMore = new(StringComparer.Ordinal);
}
