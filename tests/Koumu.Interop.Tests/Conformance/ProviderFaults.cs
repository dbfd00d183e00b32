using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using static Koumu.Interop.Tests.Conformance.FaultyProvider;

namespace Koumu.Interop.Tests.Conformance;

/// <summary>
/// The seeded REST faults: each one a way real providers go wrong (shared/reference/oneroster.md §5, pitfalls.md),
/// paired with the assertion meant to catch it.
/// </summary>
public static class ProviderFaults
{
    private static Task Done => Task.CompletedTask;

    private static ProviderFault Before(string name, string catches, Action<Exchange> edit) => new(name, catches, Before: x => { edit(x); return Done; });

    private static ProviderFault After(string name, string catches, Func<Exchange, Task> edit) => new(name, catches, After: edit);

    private static bool IsError(Exchange x, int status) => x.IsOneRoster && x.Status == status;

    private static string Imsx(string codeMinor, string description) =>
        $$$"""{"imsx_codeMajor":"failure","imsx_severity":"error","imsx_description":"{{{description}}}","imsx_CodeMinor":{"imsx_codeMinorField":[{"imsx_codeMinorFieldName":"x","imsx_codeMinorFieldValue":"{{{codeMinor}}}"}]}}""";

    public static readonly IReadOnlyList<ProviderFault> All =
    [
        // ---- auth ----------------------------------------------------------------------------------------------------
        After("token_type is not Bearer", "OR-REST-AUTH-001", async x =>
        {
            if (x.IsToken && x.Status == 200) await x.EditJsonAsync(j => j["token_type"] = "mac");
        }),
        Before("a request without a token is served", "OR-REST-AUTH-002", x =>
        {
            if (x.IsOneRoster && Bearer(x) is null && x.Tokens.Count > 0) UseToken(x, x.Tokens[0].Token);
        }),
        Before("a forged token is accepted", "OR-REST-AUTH-003", x =>
        {
            if (x.IsOneRoster && Bearer(x) is { } t && x.Tokens.All(k => k.Token != t) && x.Tokens.Count > 0) UseToken(x, x.Tokens[0].Token);
        }),
        After("401 without a WWW-Authenticate challenge", "OR-REST-AUTH-004", x =>
        {
            if (IsError(x, 401)) x.SetHeader("WWW-Authenticate", null);
            return Done;
        }),
        After("401 with codeMinor forbidden", "OR-REST-AUTH-005", x =>
        {
            if (IsError(x, 401)) x.SetBody(Imsx("forbidden", "no"));
            return Done;
        }),
        Before("the token carries every scope whatever was asked (scope not enforced)", "OR-REST-SCOPE-001", x =>
        {
            if (x.IsToken) x.Request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["scope"] = string.Join(' ', ConformanceHub.Scopes),
            });
        }),
        After("403 with codeMinor unauthorisedrequest", "OR-REST-SCOPE-002", x =>
        {
            if (IsError(x, 403)) x.SetBody(Imsx("unauthorisedrequest", "no"));
            return Done;
        }),
        Before("a roster-core.readonly token is refused on /orgs", "OR-REST-SCOPE-003", x =>
        {
            if (x.IsOneRoster && Bearer(x) is { } t && x.Tokens.Any(k => k.Token == t && !k.Scope.Contains("roster.readonly", StringComparison.Ordinal)))
                Exchange.Answer(x, HttpStatusCode.Forbidden, Imsx("forbidden", "scope"));
        }),

        // ---- contract ------------------------------------------------------------------------------------------------
        Before("a collection answers 500", "OR-REST-STATUS-001", x =>
        {
            if (x.IsOneRoster && x.Segments is ["gradingPeriods"]) Exchange.Answer(x, HttpStatusCode.InternalServerError, Imsx("internal_server_error", "boom"));
        }),
        After("data answered with Content-Type text/plain", "OR-REST-CT-001", async x =>
        {
            if (x.IsOneRoster && x.Status == 200) x.SetBody(await x.BodyAsync(), "text/plain");
        }),
        After("users without their required roles", "OR-REST-SCHEMA-001", x => x.IsOneRoster && x.Status == 200
            ? x.EditRecordsAsync(r => { if (r.ContainsKey("enabledUser")) r.Remove("roles"); })
            : Done),
        After("single objects with a dateLastModified that is not a date-time", "OR-REST-SCHEMA-002", x => x.IsSingle && x.Status == 200
            ? x.EditRecordsAsync(r => r["dateLastModified"] = "2026/04/01")
            : Done),
        After("relationship routes answer under a wrapper key of their own", "OR-REST-SCHEMA-003", async x =>
        {
            if (x.IsNested && x.Status == 200)
                await x.EditJsonAsync(j => { var root = (JsonObject)j; var (key, value) = root.First(); root.Remove(key); root["data"] = value; });
        }),
        After("JSON booleans instead of the strings \"true\"/\"false\"", "OR-REST-BOOL-001", x => x.IsOneRoster && x.Status == 200
            ? x.EditJsonAsync(j =>
            {
                foreach (var o in Objects(j))
                    foreach (var name in new[] { "enabledUser", "primary" })
                        if (o[name]?.GetValue<string>() is "true" or "false") o[name] = o[name]!.GetValue<string>() == "true";
            })
            : Done),
        After("GUIDRefs without href", "OR-REST-REF-001", x => x.IsOneRoster && x.Status == 200
            ? x.EditJsonAsync(j => { foreach (var o in Objects(j)) if (o.ContainsKey("href") && o.ContainsKey("type")) o.Remove("href"); })
            : Done),
        After("GUIDRef hrefs that lead nowhere", "OR-REST-REF-002", x => x.IsOneRoster && x.Status == 200
            ? x.EditJsonAsync(j => { foreach (var o in Objects(j)) if (o["href"]?.GetValue<string>() is { } h) o["href"] = h + "-gone"; })
            : Done),
        After("a read by sourcedId answers another record", "OR-REST-SINGLE-001", x => x.IsSingle && x.Status == 200
            ? x.EditRecordsAsync(r => r["sourcedId"] = r["sourcedId"]!.GetValue<string>() + "-other")
            : Done),

        // ---- paging --------------------------------------------------------------------------------------------------
        After("no X-Total-Count", "OR-REST-PAGE-001", x =>
        {
            if (x.IsOneRoster) x.SetHeader("X-Total-Count", null);
            return Done;
        }),
        Before("limit ignored", "OR-REST-PAGE-002", x => { if (x.IsOneRoster) x.Drop("limit"); }),
        Before("offset off by one (pages overlap)", "OR-REST-PAGE-003", x =>
        {
            if (x.IsOneRoster && int.TryParse(x.Query("offset"), CultureInfo.InvariantCulture, out var k) && k > 0)
                x.SetQuery(q => q.Select(p => p.Key == "offset" ? KeyValuePair.Create("offset", (k - 1).ToString(CultureInfo.InvariantCulture)) : p));
        }),
        After("X-Total-Count one too many", "OR-REST-PAGE-004", x =>
        {
            if (x.IsOneRoster && x.Header("X-Total-Count") is { } n) x.SetHeader("X-Total-Count", (long.Parse(n, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture));
            return Done;
        }),
        Before("offset ignored", "OR-REST-PAGE-005", x => { if (x.IsOneRoster) x.Drop("offset"); }),
        After("no Link header", "OR-REST-PAGE-006", x =>
        {
            if (x.IsOneRoster) x.SetHeader("Link", null);
            return Done;
        }),
        After("rel=next jumps to the last page", "OR-REST-PAGE-007", x =>
        {
            if (x.IsOneRoster && x.Status == 200) Relink(x, "next", "last");
            return Done;
        }),
        After("rel=last points at the first page", "OR-REST-PAGE-008", x =>
        {
            if (x.IsOneRoster && x.Status == 200) Relink(x, "last", "first");
            return Done;
        }),

        // ---- sort ----------------------------------------------------------------------------------------------------
        Before("sort ignored", "OR-REST-SORT-001", x => { if (x.IsOneRoster) x.Drop("sort", "orderBy"); }),
        Before("orderBy=desc ignored", "OR-REST-SORT-002", x => { if (x.IsOneRoster) x.Drop("orderBy"); }),
        Before("sort applied to the first page only (unstable across pages)", "OR-REST-SORT-003", x =>
        {
            if (x.IsOneRoster && x.Query("offset") is { } o && o != "0") x.Drop("sort", "orderBy");
        }),

        // ---- filter --------------------------------------------------------------------------------------------------
        Before("filter ignored", "OR-REST-FILTER-001", x => { if (x.IsOneRoster) x.Drop("filter"); }),
        Before("!= evaluated as =", "OR-REST-FILTER-002", x =>
        {
            if (x.IsOneRoster && x.Query("filter") is { } f && f.Contains("!=", StringComparison.Ordinal))
                x.SetQuery(q => q.Select(p => p.Key == "filter" ? KeyValuePair.Create("filter", f.Replace("!=", "=", StringComparison.Ordinal)) : p));
        }),
        Before("OR evaluated as AND", "OR-REST-FILTER-003", x =>
        {
            if (x.IsOneRoster && x.Query("filter") is { } f && f.Contains(" OR ", StringComparison.Ordinal))
                x.SetQuery(q => q.Select(p => p.Key == "filter" ? KeyValuePair.Create("filter", f.Replace(" OR ", " AND ", StringComparison.Ordinal)) : p));
        }),
        Before("~ (contains) evaluated as =", "OR-REST-FILTER-004", x =>
        {
            if (x.IsOneRoster && x.Query("filter") is { } f && f.Contains('~', StringComparison.Ordinal))
                x.SetQuery(q => q.Select(p => p.Key == "filter" ? KeyValuePair.Create("filter", f.Replace('~', '=')) : p));
        }),
        Before("dateLastModified filters ignored (delta sync returns everything)", "OR-REST-FILTER-005", x =>
        {
            if (x.IsOneRoster && x.Query("filter") is { } f && f.StartsWith("dateLastModified", StringComparison.Ordinal)) x.Drop("filter");
        }),
        After("X-Total-Count ignores the filter", "OR-REST-FILTER-006", async x =>
        {
            if (x.IsOneRoster && x.Status == 200 && x.Query("filter") is not null) x.SetHeader("X-Total-Count", await CountWithoutFilterAsync(x));
        }),

        // ---- fields --------------------------------------------------------------------------------------------------
        Before("fields ignored", "OR-REST-FIELDS-001", x => { if (x.IsOneRoster && !x.IsSingle) x.Drop("fields"); }),
        Before("fields ignored on single objects", "OR-REST-FIELDS-002", x => { if (x.IsSingle) x.Drop("fields"); }),

        // ---- errors --------------------------------------------------------------------------------------------------
        After("500 instead of 400 on an unknown filter field", "OR-REST-ERR-001", async x =>
        {
            if (IsError(x, 400) && (await x.BodyAsync()).Contains("invalid_filter_field", StringComparison.Ordinal))
                Exchange.Answer(x, HttpStatusCode.InternalServerError, Imsx("internal_server_error", "boom"));
        }),
        After("an unknown filter field is silently ignored", "OR-REST-ERR-001", async x =>
        {
            if (IsError(x, 400) && (await x.BodyAsync()).Contains("invalid_filter_field", StringComparison.Ordinal))
                x.Response = await x.ResendAsync(e => e.Drop("filter"));
        }),
        After("200 instead of 404 for an unknown object", "OR-REST-ERR-002", x =>
        {
            if (x.IsSingle && x.Status == 404) Exchange.Answer(x, HttpStatusCode.OK, "{}");
            return Done;
        }),
        After("404 with codeMinor invaliddata instead of unknownobject", "OR-REST-ERR-002", x =>
        {
            if (x.IsSingle && x.Status == 404) x.SetBody(Imsx("invaliddata", "not found"));
            return Done;
        }),
        After("an unknown parent answers 200 with an empty list", "OR-REST-ERR-003", x =>
        {
            if (x.IsNested && x.Status == 404) Exchange.Answer(x, HttpStatusCode.OK, "{\"classes\":[],\"users\":[]}");
            return Done;
        }),
        After("errors without imsx_StatusInfo", "OR-REST-ERR-004", x =>
        {
            if (x.IsOneRoster && x.Status >= 400) x.SetBody("{\"error\":\"request failed\"}");
            return Done;
        }),
        After("unknown fields silently accepted", "OR-REST-ERR-005", async x =>
        {
            if (IsError(x, 400) && (await x.BodyAsync()).Contains("invalid_selection_field", StringComparison.Ordinal) && x.Query("fields") is not null)
                x.Response = await x.ResendAsync(e => e.Drop("fields"));
        }),
        After("an unknown sort field silently accepted", "OR-REST-ERR-006", async x =>
        {
            if (IsError(x, 400) && x.Query("sort") is not null) x.Response = await x.ResendAsync(e => e.Drop("sort"));
        }),

        // ---- relationships -------------------------------------------------------------------------------------------
        Before("another school's classes leak into /schools/{id}/classes", "OR-REST-REL-001", x =>
        {
            if (x.IsNested && x.Segments is ["schools", _, "classes"]) x.SetPath("/ims/oneroster/rostering/v1p2/classes");
        }),
        After("relationship routes lose their last record", "OR-REST-REL-002", x => x.IsNested && x.Status == 200
            ? x.EditJsonAsync(j => { foreach (var (_, v) in (JsonObject)j) if (v is JsonArray { Count: > 0 } a) a.RemoveAt(a.Count - 1); })
            : Done),
        Before("/students answers every user", "OR-REST-REL-003", x =>
        {
            if (x.IsOneRoster && x.Segments is ["students"]) x.SetPath("/ims/oneroster/rostering/v1p2/users");
        }),

        // ---- Japan Profile -------------------------------------------------------------------------------------------
        After("a district served as org type local", "OR-JP-ORG-001", x => x.IsOneRoster && x.Status == 200
            ? x.EditRecordsAsync(r => { if (r["type"]?.GetValue<string>() == "district") r["type"] = "local"; })
            : Done),
        After("学校コード with a wrong check digit", "OR-JP-ORG-002", x => x.IsOneRoster && x.Status == 200
            ? x.EditRecordsAsync(r =>
            {
                if (r["type"]?.GetValue<string>() == "school" && r["identifier"]?.GetValue<string>() is { Length: 13 } code)
                    r["identifier"] = code[..12] + (code[12] == '0' ? '1' : '0');
            })
            : Done),
        After("kana names dropped", "OR-JP-USER-001", x => x.IsOneRoster && x.Status == 200
            ? x.EditRecordsAsync(r => (r["metadata"]?["jp"] as JsonObject)?.Remove("kanaGivenName"))
            : Done),
        After("half-width katakana in kana names", "OR-JP-USER-002", x => x.IsOneRoster && x.Status == 200
            ? x.EditRecordsAsync(r => { if (r["metadata"]?["jp"] is JsonObject jp && jp.ContainsKey("kanaGivenName")) jp["kanaGivenName"] = "ﾀﾛｳ"; })
            : Done),
        After("half-width katakana in family names", "OR-JP-TEXT-001", x => x.IsOneRoster && x.Status == 200
            ? x.EditRecordsAsync(r => { if (r.ContainsKey("familyName")) r["familyName"] = "ﾔﾏﾀﾞ"; })
            : Done),
        After("a school year that ends in December, not on 31 March", "OR-JP-AS-001", x => x.IsOneRoster && x.Status == 200
            ? x.EditRecordsAsync(r =>
            {
                if (r["type"]?.GetValue<string>() == "schoolYear" && r["startDate"]?.GetValue<string>() is { Length: 10 } start) r["endDate"] = start[..4] + "-12-31";
            })
            : Done),
    ];
}
