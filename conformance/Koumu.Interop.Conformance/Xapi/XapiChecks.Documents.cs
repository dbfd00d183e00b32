using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Conformance.Rest;
using static Koumu.Interop.Conformance.Xapi.XapiAssertions;

namespace Koumu.Interop.Conformance.Xapi;

/// <summary>
/// The document resources (C §2.2–2.7) and their concurrency rules (C §3.1), then the checks over every response of
/// the run. Each document lives under an Activity and an Agent of the run's namespace, so id lists are exactly the run's.
/// </summary>
internal sealed partial class XapiChecks
{
    private const string StaleETag = "\"0000000000000000000000000000000000000000\"";

    private string StatePath(string activity, JsonObject agent, string? stateId = null, string? registration = null) =>
        $"activities/state?activityId={Q(activity)}&agent={Q(AgentQuery(agent))}"
        + (registration is null ? "" : "&registration=" + Q(registration)) + (stateId is null ? "" : "&stateId=" + Q(stateId));

    private static string ActivityProfilePath(string activity, string? profileId = null) =>
        $"activities/profile?activityId={Q(activity)}" + (profileId is null ? "" : "&profileId=" + Q(profileId));

    private static string AgentProfilePath(JsonObject agent, string? profileId = null) =>
        $"agents/profile?agent={Q(AgentQuery(agent))}" + (profileId is null ? "" : "&profileId=" + Q(profileId));

    private Task<RestResponse> Doc(HttpMethod method, string path, CancellationToken ct, string? body = null, string mediaType = "application/json",
        params (string, string)[] headers) =>
        Send(new LrsRequest(method, path) { Content = body is null ? null : new StringContent(body, Encoding.UTF8, mediaType), Headers = headers }, ct);

    private static bool JsonEquals(string body, string expected)
    {
        try { return JsonNode.DeepEquals(JsonNode.Parse(body), JsonNode.Parse(expected)); }
        catch (JsonException) { return false; }
    }

    private static bool QuotedETag(RestResponse r) => r.Header("ETag") is { Length: > 2 } e && (e.StartsWith('"') || e.StartsWith("W/\"", StringComparison.Ordinal)) && e.EndsWith('"');

    private async Task CheckDocumentsAsync(CancellationToken ct)
    {
        var activity = Activity("documents");
        var agent = Agent("documents");
        var etagEvidence = new List<RestResponse>();
        var lastModified = new List<RestResponse>();
        async Task<RestResponse> Read(string path)
        {
            var r = await Get(path, ct);
            if (r.Status == 200) { etagEvidence.Add(r); lastModified.Add(r); }
            return r;
        }

        // State: PUT, GET.
        const string first = """{"progress":1,"page":"p1"}""";
        var put = await Doc(HttpMethod.Put, StatePath(activity, agent, "s1"), ct, first);
        var read = await Read(StatePath(activity, agent, "s1"));
        Record(StateRoundTrip, put.Status != 204 ? Status(put, 204, "PUT activities/state")
            : read.Status != 200 ? Status(read, 200, "GET activities/state after PUT")
            : Expect(JsonEquals(read.Body, first) && read.ContentType == "application/json", "GET did not return the document PUT (body or Content-Type differ).", put, read));

        // Registration is part of the key.
        var registration = NewId();
        var withReg = await Doc(HttpMethod.Put, StatePath(activity, agent, "s-reg", registration), ct, """{"r":1}""");
        var regWithout = await Get(StatePath(activity, agent, "s-reg"), ct);
        var regWith = await Get(StatePath(activity, agent, "s-reg", registration), ct);
        var plainWithReg = await Get(StatePath(activity, agent, "s1", registration), ct);
        Record(StateRegistration, withReg.Status != 204 ? Status(withReg, 204, "PUT activities/state with registration")
            : All(Status(regWith, 200, "GET with the registration"), Status(regWithout, 404, "GET of a registration's State without registration"),
                Status(plainWithReg, 404, "GET of a State stored without registration, with one")));

        // Merge.
        var etagBefore = read.Header("ETag");
        var merge = await Doc(HttpMethod.Post, StatePath(activity, agent, "s1"), ct, """{"page":"p2","score":7}""");
        var merged = await Read(StatePath(activity, agent, "s1"));
        Record(JsonMerge, merge.Status != 204 ? Status(merge, 204, "POST of JSON onto a JSON State")
            : Expect(JsonEquals(merged.Body, """{"progress":1,"page":"p2","score":7}"""), "The merged document is not the union of the two with the posted values winning.", merge, merged));
        var nonJson = await Doc(HttpMethod.Post, StatePath(activity, agent, "s1"), ct, "plain text", "text/plain");
        var textDoc = await Doc(HttpMethod.Put, StatePath(activity, agent, "s-text"), ct, "plain text", "text/plain");
        var jsonOntoText = await Doc(HttpMethod.Post, StatePath(activity, agent, "s-text"), ct, """{"a":1}""");
        var afterNonJson = await Get(StatePath(activity, agent, "s1"), ct);
        Record(NonJsonMerge400, textDoc.Status != 204 ? Status(textDoc, 204, "PUT of a text/plain State")
            : All(Status(nonJson, 400, "POST of text/plain onto a JSON State"), Status(jsonOntoText, 400, "POST of JSON onto a text/plain State"),
                Expect(merged.Status != 200 || afterNonJson.Body == merged.Body, "The refused POST changed the document.", afterNonJson)));

        // ETag.
        var etagAfter = merged.Header("ETag");
        var etagOk = QuotedETag(read) && QuotedETag(merged) && etagBefore != etagAfter;
        var etagMessage = "A document GET has no quoted ETag, or the ETag did not change with the document (" + etagBefore + " -> " + etagAfter + ").";
        var etagChanges = read.Status != 200 ? Verdict.Fail("No State could be read (GET answered " + Describe(read) + ").", null, read)
            : Expect(etagOk, etagMessage, read, merged);

        // State concurrency.
        var staleState = await Doc(HttpMethod.Put, StatePath(activity, agent, "s1"), ct, """{"lost":true}""", "application/json", ("If-Match", StaleETag));
        var afterStale = await Get(StatePath(activity, agent, "s1"), ct);
        Record(StateConcurrency, All(Status(staleState, 412, "PUT State with a stale If-Match"),
            Expect(!afterStale.Body.Contains("lost", StringComparison.Ordinal), "The refused PUT changed the State.", afterStale)));
        if (_version == XapiVersion.V200)
        {
            var noHeaders = await Doc(HttpMethod.Put, StatePath(activity, agent, "s1"), ct, """{"lost":true}""");
            var afterNoHeaders = await Get(StatePath(activity, agent, "s1"), ct);
            Record(StateConflict409, All(Status(noHeaders, 409, "PUT over an existing State without If-Match/If-None-Match"),
                Expect(!afterNoHeaders.Body.Contains("lost", StringComparison.Ordinal), "The refused PUT changed the State.", afterNoHeaders)));
        }

        // List and since: a Statement's stored between two documents gives a time on the LRS's own clock.
        var listBefore = await Get(StatePath(activity, agent), ct);
        var expectedIds = new[] { "s1", "s-text" };
        var ids = listBefore.Status == 200 ? IdArray(listBefore) : null;
        Record(ListIds, listBefore.Status != 200 ? Status(listBefore, 200, "GET activities/state without stateId")
            : ids is null ? Verdict.Fail("The answer is not a JSON array of ids.", null, listBefore)
            // Whether a list without registration includes the documents of registrations is not settled by C §2.3 (the ADL LRS
            // lists them, others do not), so s-reg may or may not be there; everything else must be exactly the run's.
            : SameSet("State ids of the context", expectedIds, [.. ids.Where(i => i != "s-reg")], [listBefore]));
        if (Selected(ListSince))
        {
            await Task.Delay(20, ct);
            var markerId = NewId();
            var marker = await PostStatements(Statement("documents", "marker", ActivityObject("marker"), markerId), ct);
            var (markerBack, markerRead) = await ReadBackAsync(markerId, ct);
            await Task.Delay(20, ct);
            var later = await Doc(HttpMethod.Put, StatePath(activity, agent, "s-later"), ct, """{"later":true}""");
            if (Str(markerBack?["stored"]) is not { } since) Record(ListSince, Verdict.Fail("The marker Statement's stored could not be read.", null, marker, markerRead));
            else
            {
                var sinceList = await Get(StatePath(activity, agent) + "&since=" + Q(since), ct);
                var sinceIds = sinceList.Status == 200 ? IdArray(sinceList) : null;
                Record(ListSince, later.Status != 204 ? Status(later, 204, "PUT of a later State")
                    : sinceIds is null ? Unreadable(sinceList, "GET of the id list with since", "a JSON array of ids")
                    : SameSet("State ids since " + since, ["s-later"], sinceIds, [sinceList]));
            }
        }

        // Delete one, then all.
        var deleteOne = await Doc(HttpMethod.Delete, StatePath(activity, agent, "s-text"), ct);
        var afterDeleteOne = await Get(StatePath(activity, agent, "s-text"), ct);
        Record(DeleteDocument, All(Status(deleteOne, 204, "DELETE of a State"), Status(afterDeleteOne, 404, "GET of the deleted State")));

        // Stale If-Match on POST and DELETE.
        var stalePost = await Doc(HttpMethod.Post, StatePath(activity, agent, "s1"), ct, """{"lost":true}""", "application/json", ("If-Match", StaleETag));
        var staleDelete = await Doc(HttpMethod.Delete, StatePath(activity, agent, "s1"), ct, null, "application/json", ("If-Match", StaleETag));
        var afterStalePost = await Get(StatePath(activity, agent, "s1"), ct);
        Record(PostDeleteIfMatch, All(Status(stalePost, 412, "POST with a stale If-Match"), Status(staleDelete, 412, "DELETE with a stale If-Match"),
            Expect(afterStalePost.Status == 200 && !afterStalePost.Body.Contains("lost", StringComparison.Ordinal), "A refused POST or DELETE changed the document.", afterStalePost)));

        var deleteAll = await Doc(HttpMethod.Delete, StatePath(activity, agent), ct);
        var afterAll = await Get(StatePath(activity, agent), ct);
        Record(StateDeleteAll, deleteAll.Status != 204 ? Status(deleteAll, 204, "DELETE activities/state without stateId")
            : Expect(IdArray(afterAll) is { Count: 0 }, "State documents remain after DELETE without stateId.", deleteAll, afterAll));

        // Parameters.
        var noActivity = await Get($"activities/state?agent={Q(AgentQuery(agent))}&stateId=s1", ct);
        var badAgent = await Get($"activities/state?activityId={Q(activity)}&agent={Q("{\"mbox\":")}&stateId=s1", ct);
        Record(DocumentParams, All(Status(noActivity, 400, "State without activityId"), Status(badAgent, 400, "State with an agent that is not JSON")));

        // Activity and Agent Profiles: create only when absent, then the concurrency rules.
        async Task<Verdict> Profile(string path, string name)
        {
            var created = await Doc(HttpMethod.Put, path, ct, """{"v":1}""", "application/json", ("If-None-Match", "*"));
            var back = await Read(path);
            return created.Status != 204 ? Status(created, 204, $"PUT {name} with If-None-Match: *")
                : back.Status != 200 ? Status(back, 200, $"GET {name}")
                : Expect(JsonEquals(back.Body, """{"v":1}"""), $"GET {name} did not return the document PUT.", back);
        }
        var activityProfile = ActivityProfilePath(activity, "p1");
        var agentProfile = AgentProfilePath(agent, "p1");
        Record(ActivityProfileRoundTrip, await Profile(activityProfile, "activities/profile"));
        Record(AgentProfileRoundTrip, await Profile(agentProfile, "agents/profile"));

        var stale = new List<Verdict>();
        var noneMatch = new List<Verdict>();
        var conflicts = new List<Verdict>();
        foreach (var (path, name) in new[] { (activityProfile, "activities/profile"), (agentProfile, "agents/profile") })
        {
            var staleResponse = await Doc(HttpMethod.Put, path, ct, """{"v":"stale"}""", "application/json", ("If-Match", StaleETag));
            var noneResponse = await Doc(HttpMethod.Put, path, ct, """{"v":"again"}""", "application/json", ("If-None-Match", "*"));
            var conflictResponse = await Doc(HttpMethod.Put, path, ct, """{"v":"blind"}""");
            var after = await Get(path, ct);
            var unchanged = Expect(after.Status == 200 && JsonEquals(after.Body, """{"v":1}"""), $"A refused PUT changed the {name} document.", after);
            stale.Add(All(Status(staleResponse, 412, $"PUT {name} with a stale If-Match"), unchanged));
            noneMatch.Add(All(Status(noneResponse, 412, $"PUT {name} with If-None-Match: * over an existing document"), unchanged));
            conflicts.Add(All(Status(conflictResponse, 409, $"PUT {name} without If-Match/If-None-Match over an existing document"), unchanged));
            // The current ETag must be accepted: an LRS that refuses every If-Match would pass the 412 check by accident.
            var current = after.Header("ETag");
            var matching = await Doc(HttpMethod.Put, path, ct, """{"v":2}""", "application/json", ("If-Match", current ?? StaleETag));
            stale.Add(Status(matching, 204, $"PUT {name} with its current ETag in If-Match"));
        }
        Record(StaleIfMatch412, All([.. stale]));
        Record(IfNoneMatch412, All([.. noneMatch]));
        Record(NoPreconditions409, All([.. conflicts]));

        var withoutLm = lastModified.Where(r => r.Header("Last-Modified") is null).ToList();
        Record(DocumentLastModified, lastModified.Count == 0 ? Verdict.Skip("No document was read.")
            : Expect(withoutLm.Count == 0, $"{withoutLm.Count} of {lastModified.Count} document GETs have no Last-Modified.", withoutLm));
        // Every document GET of the run (State and both Profiles) must carry one.
        var withoutETag = etagEvidence.Where(r => !QuotedETag(r)).ToList();
        Record(DocumentETag, withoutETag.Count > 0
            ? Verdict.Fail($"{withoutETag.Count} of {etagEvidence.Count} document GETs have no quoted ETag.", withoutETag.Select(r => r.Exchange.Url), withoutETag)
            : etagChanges);
    }

    // ---- over every response -------------------------------------------------------------------------------------------

    private static bool IsStatementResource(RestResponse r) => r.Url.AbsolutePath.EndsWith("/statements", StringComparison.Ordinal);

    private Verdict ConsistentThroughVerdict()
    {
        var statementResponses = _session.Log.Where(r => IsStatementResource(r) && r.Status is >= 200 and < 300).ToList();
        if (statementResponses.Count == 0) return Verdict.Skip("No successful Statement response was received.");
        var missing = statementResponses.Where(r => Instant(r.Header("X-Experience-API-Consistent-Through")) is null).ToList();
        return missing.Count == 0 ? Verdict.Pass($"{statementResponses.Count} Statement responses checked.")
            : Verdict.Fail($"{missing.Count} of {statementResponses.Count} successful Statement responses lack a valid X-Experience-API-Consistent-Through.",
                missing.Select(r => $"{r.Exchange.Method} {r.Exchange.Url} → {r.Status}"), missing);
    }

    /// <summary>
    /// Present on every response; on a successful response to a request of the tested version (About aside: it lists
    /// every version, C §2.8), of that major.minor. An LRS serving 1.0.3 and 2.0 may answer an error raised before it
    /// read the request's version (401) with its latest version, which C §1.4 ("the latest patch version") allows.
    /// </summary>
    private Verdict VersionEchoVerdict()
    {
        var answered = _session.Log.Where(r => r.Status != 0).ToList();
        if (answered.Count == 0) return Verdict.Skip("The LRS answered no request.");
        var prefix = _version.Header()[..4];
        var wrong = answered.Where(r => r.Header("X-Experience-API-Version") is not { } v
            || (SentVersion(r) == _version.Header() && r.Status is >= 200 and < 300 && !r.Url.AbsolutePath.EndsWith("/about", StringComparison.Ordinal)
                && !v.StartsWith(prefix, StringComparison.Ordinal))).ToList();
        return wrong.Count == 0 ? Verdict.Pass($"{answered.Count} responses checked.")
            : Verdict.Fail($"{wrong.Count} of {answered.Count} responses lack X-Experience-API-Version or answer another version than the {_version.Header()} asked for.",
                wrong.Select(r => $"{r.Exchange.Method} {r.Exchange.Url} → {r.Status}: {r.Header("X-Experience-API-Version") ?? "(none)"}"), wrong);
    }

    private static string? SentVersion(RestResponse r) =>
        r.Exchange.RequestHeaders.FirstOrDefault(h => h.StartsWith("X-Experience-API-Version:", StringComparison.OrdinalIgnoreCase))?.Split(':', 2)[1].Trim();

    private Verdict AuthorityVerdict()
    {
        if (_readBack.Count == 0) return Verdict.Skip("No Statement was read back.");
        var without = _readBack.Where(s => s.Statement["authority"] is not JsonObject a
            || (Str(a["objectType"]) is not (null or "Agent" or "Group"))
            || (a["mbox"] is null && a["mbox_sha1sum"] is null && a["openid"] is null && a["account"] is null && a["member"] is null)).ToList();
        return without.Count == 0 ? Verdict.Pass(string.Create(CultureInfo.InvariantCulture, $"{_readBack.Count} Statements checked."))
            : Verdict.Fail($"{without.Count} of {_readBack.Count} Statements read back have no authority Agent or Group.", null, without.Select(s => s.Response));
    }
}
