using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Conformance.Rest;
using static Koumu.Interop.Conformance.Xapi.XapiAssertions;

namespace Koumu.Interop.Conformance.Xapi;

/// <summary>
/// Evaluates the xAPI assertions over one <see cref="XapiSession"/>. Every Statement and document the run writes has a
/// fresh id under a namespace of its own (<see cref="XapiTargetOptions.Namespace"/> + a GUID): verbs, Activities and
/// Agents no other client uses, so each query's expected answer is computed exactly from what the run wrote, however
/// much else the LRS holds.
/// </summary>
internal sealed partial class XapiChecks
{
    private const string VoidedVerb = "http://adlnet.gov/expapi/verbs/voided";
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    private readonly XapiSession _session;
    private readonly ConformanceRun _run;
    private readonly XapiVersion _version;
    private readonly Dictionary<string, AssertionDefinition> _definitions;
    private readonly HashSet<string> _recorded = new(StringComparer.Ordinal);
    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private readonly string _ns;

    public XapiChecks(XapiSession session, ConformanceRun run, XapiVersion version)
    {
        _session = session;
        _run = run;
        _version = version;
        _definitions = XapiAssertions.For(version).ToDictionary(a => a.Id, StringComparer.Ordinal);
        _ns = session.Options.Namespace.ToString().TrimEnd('/') + "/" + _runId + "/";
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await Guard(() => CheckAboutAsync(ct), AboutVersions, AboutWithoutVersionHeader, AboutWithoutAuth);
        await Guard(() => CheckVersionAndAuthAsync(ct), VersionRequired, VersionUnsupported, VersionShortForm, AuthRequired, AuthWrongCredentials);
        // The writes also provide the Statement without timestamp/version that the data checks read.
        await Guard(() => CheckWritesAsync(ct), PutStores, PutNeedsId, PutIdMismatch, ConflictUnchanged, PutConflict409, PostConflict409, PostSingle, PostBatchOrder,
            BatchAtomic, BatchDuplicateId, GetById, GetUnknown404, GetParamConflict, GetUnknownParam, HeadLikeGet, LastModified, UnknownMethod, IdAssigned,
            TimestampDefaults, VersionProperty);
        await Guard(() => CheckDataAsync(ct), StoredSet, AuthorityOverwritten, TimestampDefaults, TimestampPrecision, VersionProperty);
        await Guard(() => CheckQueriesAsync(ct), StatementResultShape, ContextActivitiesArrays, FilterAgent, FilterVerb, FilterActivity, FilterRegistration, RelatedActivities,
            RelatedAgents, FilterSince, FilterUntil, OrderDescending, OrderAscending, LimitHonoured, MoreVisitsEachOnce, MoreRelative, EmptyResult);
        await Guard(() => CheckVoidingAsync(ct), VoidedNotById, VoidedById, VoidedNotInQueries, VoidingVisible, VoidedIdNotVoided);
        await Guard(() => CheckFormatsAsync(ct), FormatIds, FormatExact, FormatCanonical, FormatUnknown, ActivitiesCanonical, ActivitiesNeedId, AgentsPerson, AgentsNeedAgent);
        await Guard(() => CheckAttachmentsAsync(ct), AttachmentMultipart, AttachmentMissingPart, AttachmentFileUrl);
        await Guard(() => CheckValidationAsync(ct), [.. ValidationCases.Keys, ValidAccepted]);
        await Guard(() => CheckDocumentsAsync(ct), StateRoundTrip, StateRegistration, StateDeleteAll, ActivityProfileRoundTrip, AgentProfileRoundTrip, DocumentETag,
            StaleIfMatch412, IfNoneMatch412, NoPreconditions409, StateConcurrency, StateConflict409, PostDeleteIfMatch, JsonMerge, NonJsonMerge400, ListIds, ListSince,
            DeleteDocument, DocumentParams, DocumentLastModified);
        // Last: these look at every response of the run.
        Record(AuthorityPresent, AuthorityVerdict());
        Record(ConsistentThrough, ConsistentThroughVerdict());
        Record(VersionEchoed, VersionEchoVerdict());
    }

    // ---- infrastructure ----------------------------------------------------------------------------------------------

    private bool Selected(AssertionDefinition a) => _definitions.ContainsKey(RunId(a.Id, _version)) && _run.IsSelected(RunId(a.Id, _version)) && !_recorded.Contains(a.Id);

    private bool AnySelected(params AssertionDefinition[] assertions) => assertions.Any(Selected);

    private void Record(AssertionDefinition assertion, Verdict verdict)
    {
        if (!Selected(assertion)) return;
        _recorded.Add(assertion.Id);
        var redactor = _session.Redactor;
        _run.Record(new AssertionResult(_definitions[RunId(assertion.Id, _version)], verdict.Outcome, redactor.Text(verdict.Message),
            [.. verdict.Details.Select(redactor.Text)], [.. verdict.Evidence.Select(e => e.Exchange)]));
    }

    /// <summary>The checks over every response of the run: when one is selected, every group runs to give it traffic.</summary>
    private bool RunWideSelected => AnySelected(AuthorityPresent, ConsistentThrough, VersionEchoed);

    /// <summary>
    /// Runs a group when one of its assertions (or a run-wide one) is selected, so that <c>--id</c> sends only the
    /// requests it needs; if the LRS's answers make it throw, its assertions without a result fail with the reason
    /// (never a crash, never a pass).
    /// </summary>
    private async Task Guard(Func<Task> step, params AssertionDefinition[] assertions)
    {
        if (!RunWideSelected && !AnySelected(assertions)) return;
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var a in assertions)
                Record(a, Verdict.Fail($"The LRS's answers could not be checked ({e.GetType().Name}: {e.Message})."));
        }
    }

    private static Verdict Expect(bool ok, string message, params IEnumerable<RestResponse?> evidence) => ok ? Verdict.Pass() : Verdict.Fail(message, null, evidence);

    private static Verdict Status(RestResponse response, int expected, string what) =>
        response.Status == expected ? Verdict.Pass() : Verdict.Fail($"{what}: expected {expected}, got {Describe(response)}.", null, response);

    /// <summary>A failure for an answer that should have been <paramref name="expected"/>: a wrong status, or a 200 whose body is not that.</summary>
    private static Verdict Unreadable(RestResponse response, string what, string expected) => response.Status == 200
        ? Verdict.Fail($"{what}: answered 200, but the body is not {expected}.", null, response)
        : Status(response, 200, what);

    private static string Describe(RestResponse r) => r.Status == 0 ? "no response (" + r.Exchange.Error + ")" : r.Status.ToString(CultureInfo.InvariantCulture);

    /// <summary>The first failing verdict of several (each a requirement's variant), else a pass.</summary>
    private static Verdict All(params Verdict[] verdicts) => verdicts.FirstOrDefault(v => v.Outcome == Outcome.Failed) ?? Verdict.Pass();

    // ---- the run's vocabulary ------------------------------------------------------------------------------------------

    private string Activity(string name) => _ns + "activity/" + name;

    private string Verb(string name) => _ns + "verb/" + name;

    private string Mbox(string name) => $"mailto:{name}.{_runId}@conformance.koumu.example";

    private JsonObject Agent(string name) => new() { ["objectType"] = "Agent", ["name"] = "Learner " + name, ["mbox"] = Mbox(name) };

    private static string AgentQuery(JsonObject agent) => new JsonObject { ["objectType"] = "Agent", ["mbox"] = agent["mbox"]!.GetValue<string>() }.ToJsonString(Compact);

    private JsonObject ActivityObject(string name) => new()
    {
        ["objectType"] = "Activity",
        ["id"] = Activity(name),
        ["definition"] = new JsonObject { ["name"] = new JsonObject { ["en-US"] = "Activity " + name } },
    };

    private JsonObject Statement(string actor, string verb, JsonNode obj, string? id = null)
    {
        var statement = new JsonObject
        {
            ["actor"] = Agent(actor),
            ["verb"] = new JsonObject { ["id"] = Verb(verb), ["display"] = new JsonObject { ["en-US"] = verb } },
            ["object"] = obj,
        };
        if (id is not null) statement["id"] = id;
        return statement;
    }

    private static string NewId() => Guid.NewGuid().ToString();

    private static StringContent Json(JsonNode node) => new(node.ToJsonString(Compact), Encoding.UTF8, "application/json");

    private static string Q(string value) => Uri.EscapeDataString(value);

    // ---- requests ------------------------------------------------------------------------------------------------------

    private Task<RestResponse> Send(LrsRequest request, CancellationToken ct) => _session.SendAsync(request, ct);

    private Task<RestResponse> PostStatements(JsonNode body, CancellationToken ct) =>
        Send(new LrsRequest(HttpMethod.Post, "statements") { Content = Json(body) }, ct);

    private Task<RestResponse> PutStatement(string id, JsonNode body, CancellationToken ct) =>
        Send(new LrsRequest(HttpMethod.Put, "statements?statementId=" + Q(id)) { Content = Json(body) }, ct);

    private Task<RestResponse> Get(string path, CancellationToken ct, params (string, string)[] headers) =>
        Send(new LrsRequest(HttpMethod.Get, path) { Headers = headers }, ct);

    private Task<RestResponse> GetStatement(string id, CancellationToken ct, string extra = "") => Get("statements?statementId=" + Q(id) + extra, ct);

    private static JsonObject? Object(RestResponse r) => r.Json?.RootElement.ValueKind == JsonValueKind.Object ? JsonNode.Parse(r.Body) as JsonObject : null;

    private static List<string>? IdArray(RestResponse r)
    {
        if (r.Json is not { RootElement.ValueKind: JsonValueKind.Array } json) return null;
        var ids = new List<string>();
        foreach (var e in json.RootElement.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.String) return null;
            ids.Add(e.GetString()!);
        }
        return ids;
    }

    private static bool IsUuid(string? s) => Guid.TryParseExact(s, "D", out _);

    /// <summary>The Statements of a StatementResult, or null when the body is not one.</summary>
    private static List<JsonObject>? Statements(RestResponse r) =>
        Object(r) is { } root && root["statements"] is JsonArray list && list.All(s => s is JsonObject) ? [.. list.Cast<JsonObject>()] : null;

    private static string? More(RestResponse r) => Object(r)?["more"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static DateTimeOffset? Instant(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;

    /// <summary>A query followed through every more link (at most 30 pages: an LRS whose more never ends must not hang the run).</summary>
    private async Task<(List<string> Ids, List<RestResponse> Pages, string? Problem)> QueryAllAsync(string query, CancellationToken ct)
    {
        var ids = new List<string>();
        var pages = new List<RestResponse>();
        var path = "statements?" + query;
        for (var i = 0; i < 30; i++)
        {
            var page = await Get(path, ct);
            pages.Add(page);
            if (page.Status != 200) return (ids, pages, $"GET {path} answered {Describe(page)}");
            if (Statements(page) is not { } statements) return (ids, pages, $"GET {path} did not return a StatementResult");
            ids.AddRange(statements.Select(s => Str(s["id"]) ?? ""));
            var more = More(page);
            if (string.IsNullOrEmpty(more)) return (ids, pages, more is null ? "the StatementResult has no more property" : null);
            if (IsAbsoluteUrl(more)) return (ids, pages, $"more is an absolute URL ({more}); D §2.5 wants a relative IRL");
            path = more;
        }
        return (ids, pages, "more was still not empty after 30 pages");
    }

    /// <summary>An IRL with a scheme and host (on Unix, "/x" parses as an absolute file URI: that is a relative IRL here).</summary>
    private static bool IsAbsoluteUrl(string? more) => more is not null && !more.StartsWith('/') && Uri.TryCreate(more, UriKind.Absolute, out var u) && u.Scheme != Uri.UriSchemeFile;

    private static Verdict SameSet(string what, IEnumerable<string> expected, IReadOnlyList<string> actual, IEnumerable<RestResponse> evidence)
    {
        var want = expected.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var got = actual.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var missing = want.Except(got).ToList();
        var extra = got.Except(want).ToList();
        var repeated = actual.GroupBy(i => i, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (missing.Count == 0 && extra.Count == 0 && repeated.Count == 0) return Verdict.Pass();
        var details = missing.Select(m => "missing: " + m).Concat(extra.Select(e => "not expected: " + e)).Concat(repeated.Select(r => "returned more than once: " + r));
        return Verdict.Fail($"{what}: {missing.Count} expected Statements missing, {extra.Count} unexpected, {repeated.Count} repeated.", details, evidence);
    }

    /// <summary>
    /// Waits until X-Experience-API-Consistent-Through reaches the newest stored the run saw (C §2.1.3: queries are only
    /// complete up to it), at most 10 s. An LRS without the header gets no wait (XAPI-STMT-CONSISTENT-001 reports it).
    /// </summary>
    private async Task WaitConsistentAsync(DateTimeOffset stored, CancellationToken ct)
    {
        for (var i = 0; i < 20; i++)
        {
            var r = await Get("statements?limit=1&verb=" + Q(Verb("probe")), ct);
            if (Instant(r.Header("X-Experience-API-Consistent-Through")) is not { } through || through >= stored) return;
            await Task.Delay(500, ct);
        }
    }

    // ---- about, version, auth ------------------------------------------------------------------------------------------

    private async Task CheckAboutAsync(CancellationToken ct)
    {
        var about = await Get("about", ct);
        var versions = Object(about)?["version"] as JsonArray;
        Record(AboutVersions, about.Status != 200 ? Status(about, 200, "GET about")
            : versions is null ? Verdict.Fail("The About body has no version array.", null, about)
            : Expect(versions.Select(Str).Any(v => v is not null && v.StartsWith(_version.Header()[..4], StringComparison.Ordinal)),
                $"The About version array does not list {_version.Header()}.", about));
        var noHeader = await Send(new LrsRequest(HttpMethod.Get, "about") { Version = "" }, ct);
        Record(AboutWithoutVersionHeader, Status(noHeader, 200, "GET about without X-Experience-API-Version"));
        var anonymous = await Send(new LrsRequest(HttpMethod.Get, "about") { Version = "", Credentials = LrsCredentials.None }, ct);
        Record(AboutWithoutAuth, Status(anonymous, 200, "GET about without credentials"));
    }

    private async Task CheckVersionAndAuthAsync(CancellationToken ct)
    {
        const string probe = "statements?limit=1";
        var none = await Send(new LrsRequest(HttpMethod.Get, probe) { Version = "" }, ct);
        Record(VersionRequired, Status(none, 400, "GET statements without X-Experience-API-Version"));
        var old = await Send(new LrsRequest(HttpMethod.Get, probe) { Version = "0.9.5" }, ct);
        var future = await Send(new LrsRequest(HttpMethod.Get, probe) { Version = "3.0.0" }, ct);
        Record(VersionUnsupported, All(Status(old, 400, "X-Experience-API-Version: 0.9.5"), Status(future, 400, "X-Experience-API-Version: 3.0.0")));
        var shortForms = _version == XapiVersion.V103 ? new[] { "1.0", "1.0.0" } : ["2.0"];
        var verdicts = new List<Verdict>();
        foreach (var v in shortForms)
            verdicts.Add(Status(await Send(new LrsRequest(HttpMethod.Get, probe) { Version = v }, ct), 200, "X-Experience-API-Version: " + v));
        Record(VersionShortForm, All([.. verdicts]));
        var anonymous = await Send(new LrsRequest(HttpMethod.Get, probe) { Credentials = LrsCredentials.None }, ct);
        Record(AuthRequired, Status(anonymous, 401, "GET statements without credentials"));
        var wrong = await Send(new LrsRequest(HttpMethod.Get, probe) { Credentials = LrsCredentials.Wrong }, ct);
        Record(AuthWrongCredentials, Status(wrong, 401, "GET statements with a wrong password"));
    }

    // ---- statements: writes and reads ----------------------------------------------------------------------------------

    /// <summary>Every Statement the run read back by id (the authority check looks at all of them).</summary>
    private readonly List<(JsonObject Statement, RestResponse Response)> _readBack = [];

    private async Task<(JsonObject? Statement, RestResponse Response)> ReadBackAsync(string id, CancellationToken ct, string extra = "")
    {
        var response = await GetStatement(id, ct, extra);
        var statement = response.Status == 200 ? Object(response) : null;
        if (statement is not null) _readBack.Add((statement, response));
        return (statement, response);
    }

    private static bool SameCore(JsonObject? stored, JsonObject sent) =>
        stored is not null
        && Str(stored["actor"]?["mbox"]) == Str(sent["actor"]?["mbox"])
        && Str(stored["verb"]?["id"]) == Str(sent["verb"]?["id"])
        && Str(stored["object"]?["id"]) == Str(sent["object"]?["id"]);

    private async Task CheckWritesAsync(CancellationToken ct)
    {
        // PUT a new Statement, read it back.
        var putId = NewId();
        var put = Statement("put", "put", ActivityObject("put"), putId);
        var putResponse = await PutStatement(putId, put, ct);
        var (putBack, putRead) = await ReadBackAsync(putId, ct);
        Record(PutStores, putResponse.Status != 204 ? Status(putResponse, 204, "PUT statements?statementId= of a new Statement")
            : Expect(putBack is not null, $"The Statement PUT with 204 cannot be read back (GET answered {Describe(putRead)}).", putResponse, putRead));
        Record(GetById, putBack is null ? Verdict.Fail($"GET statementId answered {Describe(putRead)}.", null, putRead)
            : Expect(Str(putBack["id"])?.Equals(putId, StringComparison.OrdinalIgnoreCase) == true && SameCore(putBack, put),
                "GET statementId returned another Statement (id, actor, verb or object differ).", putRead));

        Record(PutNeedsId, Status(await Send(new LrsRequest(HttpMethod.Put, "statements") { Content = Json(Statement("put", "put", ActivityObject("put"))) }, ct),
            400, "PUT statements without statementId"));
        var otherId = NewId();
        var mismatch = await PutStatement(otherId, Statement("put", "put", ActivityObject("put"), NewId()), ct);
        Record(PutIdMismatch, Status(mismatch, 400, "PUT whose body id differs from statementId"));

        // A different Statement under an id the LRS has.
        var changed = Statement("put", "changed", ActivityObject("changed"), putId);
        var putConflict = await PutStatement(putId, changed, ct);
        var postConflict = await PostStatements(changed, ct);
        var (afterConflict, afterRead) = await ReadBackAsync(putId, ct);
        Record(ConflictUnchanged, putBack is null ? Verdict.Skip("The first PUT could not be read back (see XAPI-STMT-PUT-001).", putRead)
            : Expect(SameCore(afterConflict, put), "After a conflicting PUT/POST with the same id, the stored Statement changed.", putConflict, postConflict, afterRead));
        Record(PutConflict409, Status(putConflict, 409, "PUT of a different Statement with an existing id"));
        Record(PostConflict409, Status(postConflict, 409, "POST of a different Statement with an existing id"));

        // POST one without id, then a batch.
        var single = await PostStatements(Statement("post", "post", ActivityObject("post")), ct);
        var singleIds = single.Status == 200 ? IdArray(single) : null;
        Record(PostSingle, single.Status != 200 ? Status(single, 200, "POST of one Statement")
            : Expect(singleIds is [var only] && IsUuid(only), "The POST answer is not an array of exactly one UUID.", single));
        if (singleIds is [var assigned] && IsUuid(assigned))
        {
            var (back, read) = await ReadBackAsync(assigned, ct);
            Record(IdAssigned, Expect(back is not null && string.Equals(Str(back["id"]), assigned, StringComparison.OrdinalIgnoreCase),
                "The Statement cannot be read back under the id the LRS assigned.", single, read));
            _noTimestamp = (back, read);
        }
        else Record(IdAssigned, Verdict.Fail("The POST did not answer an assigned id.", null, single));

        var first = NewId();
        var third = NewId();
        var batch = new JsonArray(Statement("batch", "batch", ActivityObject("b1"), first), Statement("batch", "batch", ActivityObject("b2")),
            Statement("batch", "batch", ActivityObject("b3"), third));
        var batchResponse = await PostStatements(batch, ct);
        var batchIds = batchResponse.Status == 200 ? IdArray(batchResponse) : null;
        Record(PostBatchOrder, batchResponse.Status != 200 ? Status(batchResponse, 200, "POST of an array of 3 Statements")
            : Expect(batchIds is [var a, var b, var c] && string.Equals(a, first, StringComparison.OrdinalIgnoreCase) && IsUuid(b)
                     && !string.Equals(b, first, StringComparison.OrdinalIgnoreCase) && string.Equals(c, third, StringComparison.OrdinalIgnoreCase),
                $"The answer is not the 3 ids in order (sent {first}, none, {third}).", batchResponse));

        // Atomicity: the valid first Statement must not be stored when the second is invalid.
        var goodId = NewId();
        var bad = Statement("atomic", "atomic", ActivityObject("atomic"), NewId());
        bad["verb"]!["id"] = "not an IRI";
        var atomic = await PostStatements(new JsonArray(Statement("atomic", "atomic", ActivityObject("atomic"), goodId), bad), ct);
        var goodRead = await GetStatement(goodId, ct);
        Record(BatchAtomic, atomic.Status != 400 ? Status(atomic, 400, "POST of a batch with one invalid Statement")
            : Expect(goodRead.Status == 404, $"The batch was rejected but its valid Statement {goodId} is stored (GET answered {Describe(goodRead)}).", atomic, goodRead));
        var dupId = NewId();
        var dup = Statement("dup", "dup", ActivityObject("dup"), dupId);
        Record(BatchDuplicateId, Status(await PostStatements(new JsonArray(dup, dup.DeepClone()), ct), 400, "POST of a batch with the same id twice"));

        // Reads.
        Record(GetUnknown404, Status(await GetStatement(NewId(), ct), 404, "GET of an unknown statementId"));
        var both = await Get($"statements?statementId={Q(putId)}&voidedStatementId={Q(putId)}", ct);
        var withFilter = await Get($"statements?statementId={Q(putId)}&verb={Q(Verb("put"))}", ct);
        Record(GetParamConflict, All(Status(both, 400, "statementId with voidedStatementId"), Status(withFilter, 400, "statementId with verb")));
        Record(GetUnknownParam, Status(await Get("statements?limit=1&conformanceUnknownParameter=1", ct), 400, "GET with an unknown parameter"));

        var head = await Send(new LrsRequest(HttpMethod.Head, "statements?statementId=" + Q(putId)), ct);
        var headMissing = await Send(new LrsRequest(HttpMethod.Head, "statements?statementId=" + Q(NewId())), ct);
        Record(HeadLikeGet, All(
            Status(head, putRead.Status, "HEAD of an existing Statement (as its GET)"),
            Expect(head.Body.Length == 0, "HEAD answered a body.", head),
            Expect(head.Header("X-Experience-API-Consistent-Through") is not null || putRead.Header("X-Experience-API-Consistent-Through") is null,
                "HEAD lacks the X-Experience-API-Consistent-Through header its GET has.", head, putRead),
            Status(headMissing, 404, "HEAD of an unknown Statement")));

        Record(LastModified, putBack is null ? Verdict.Skip("No Statement could be read back.", putRead)
            : putRead.Header("Last-Modified") is not { } lm ? Verdict.Fail("GET statementId has no Last-Modified header.", null, putRead)
            : Instant(Str(putBack["stored"])) is not { } stored ? Verdict.Fail("The Statement has no stored timestamp.", null, putRead)
            : DateTimeOffset.TryParse(lm, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified)
                ? Expect(Math.Abs((modified - stored).TotalSeconds) < 1.001, $"Last-Modified {lm} does not match stored {Str(putBack["stored"])}.", putRead)
                : Verdict.Fail($"Last-Modified '{lm}' is not an HTTP date.", null, putRead));

        var delete = await Send(new LrsRequest(HttpMethod.Delete, "statements?statementId=" + Q(putId)), ct);
        var afterDelete = await GetStatement(putId, ct);
        Record(UnknownMethod, Expect(delete.Status is >= 400 and < 500 && (putRead.Status != 200 || afterDelete.Status == 200),
            $"DELETE statements answered {Describe(delete)}; the Statement afterwards: {Describe(afterDelete)}.", delete, afterDelete));
    }

    private (JsonObject? Statement, RestResponse? Response) _noTimestamp;

    private async Task CheckDataAsync(CancellationToken ct)
    {
        // stored: a client value is overwritten by the LRS's own time.
        var storedId = NewId();
        var withStored = Statement("data", "stored", ActivityObject("stored"), storedId);
        withStored["stored"] = "2001-01-01T00:00:00.000Z";
        var storedPost = await PostStatements(withStored, ct);
        var (storedBack, storedRead) = await ReadBackAsync(storedId, ct);
        Record(StoredSet, storedPost.Status == 400 ? Verdict.Pass("The LRS refuses a client stored (it then cannot keep it).")
            : storedBack is null ? Verdict.Fail($"The Statement sent with stored was answered {Describe(storedPost)} and cannot be read back.", null, storedPost, storedRead)
            : Expect(Instant(Str(storedBack["stored"])) is { } s && s.Year > 2001, $"stored is {Str(storedBack["stored"]) ?? "absent"}: the client's value was kept.", storedRead));

        var authorityId = NewId();
        var withAuthority = Statement("data", "authority", ActivityObject("authority"), authorityId);
        var fake = Mbox("fake-authority");
        withAuthority["authority"] = new JsonObject { ["objectType"] = "Agent", ["mbox"] = fake };
        var authorityPost = await PostStatements(withAuthority, ct);
        var (authorityBack, authorityRead) = await ReadBackAsync(authorityId, ct);
        Record(AuthorityOverwritten, authorityBack is null ? Verdict.Fail($"The Statement sent with an authority was answered {Describe(authorityPost)} and cannot be read back.", null, authorityPost, authorityRead)
            : Expect(Str(authorityBack["authority"]?["mbox"]) != fake && !authorityBack["authority"]!.ToJsonString().Contains(fake, StringComparison.Ordinal),
                "The client's authority was kept instead of the credentials' one.", authorityRead));

        var (plain, plainRead) = _noTimestamp;
        Record(TimestampDefaults, plain is null ? Verdict.Skip("No Statement without timestamp could be read back (see XAPI-STMT-POST-001).")
            : Expect(Instant(Str(plain["timestamp"])) is { } ts && Instant(Str(plain["stored"])) is { } st && ts == st,
                $"timestamp {Str(plain["timestamp"]) ?? "absent"} is not stored {Str(plain["stored"])}.", plainRead));

        var tsId = NewId();
        var precise = Statement("data", "timestamp", ActivityObject("timestamp"), tsId);
        const string sentTimestamp = "2026-04-01T09:30:15.123+09:00";
        precise["timestamp"] = sentTimestamp;
        var tsPost = await PostStatements(precise, ct);
        var (tsBack, tsRead) = await ReadBackAsync(tsId, ct);
        Record(TimestampPrecision, tsBack is null ? Verdict.Fail($"The Statement was answered {Describe(tsPost)} and cannot be read back.", null, tsPost, tsRead)
            : Expect(Instant(Str(tsBack["timestamp"])) == Instant(sentTimestamp), $"timestamp {Str(tsBack["timestamp"])} is not the instant {sentTimestamp}.", tsRead));

        var sentVersion = _version == XapiVersion.V103 ? "1.0.0" : "2.0.0";
        var versionId = NewId();
        var versioned = Statement("data", "version", ActivityObject("version"), versionId);
        versioned["version"] = sentVersion;
        var versionPost = await PostStatements(versioned, ct);
        var (versionBack, versionRead) = await ReadBackAsync(versionId, ct);
        Record(VersionProperty, versionBack is null ? Verdict.Fail($"The Statement with version {sentVersion} was answered {Describe(versionPost)}.", null, versionPost, versionRead)
            : Str(versionBack["version"]) != sentVersion ? Verdict.Fail($"version {sentVersion} came back as {Str(versionBack["version"]) ?? "absent"}.", null, versionRead)
            : plain is null ? Verdict.Skip("No Statement without version could be read back.")
            : Expect(Str(plain["version"])?.StartsWith(_version.Header()[..4], StringComparison.Ordinal) == true,
                $"A Statement sent without version came back with version {Str(plain["version"]) ?? "absent"}.", plainRead));
    }

    // ---- queries -------------------------------------------------------------------------------------------------------

    /// <summary>One Statement of the query data set, and what the LRS stored for it.</summary>
    private sealed record Seeded(string Id, JsonObject Sent, int Batch)
    {
        public DateTimeOffset? Stored { get; set; }
    }

    private async Task CheckQueriesAsync(CancellationToken ct)
    {
        var group = Activity("group");
        var registration = NewId();
        JsonObject Ctx(JsonObject? extra = null)
        {
            var context = extra ?? [];
            context["contextActivities"] ??= new JsonObject();
            ((JsonObject)context["contextActivities"]!)["grouping"] = new JsonArray(new JsonObject { ["id"] = group });
            return context;
        }
        JsonObject S(string actor, string verb, JsonNode obj, JsonObject? context = null)
        {
            var s = Statement(actor, verb, obj, NewId());
            s["context"] = Ctx(context);
            return s;
        }
        var a2 = Agent("a2");
        var a3 = Agent("a3");
        // contextActivities.parent sent as a single object: D §2.4.6.2 says it comes back as an array.
        var parentAsObject = new JsonObject { ["contextActivities"] = new JsonObject { ["parent"] = new JsonObject { ["id"] = Activity("x1") } }, ["instructor"] = a3.DeepClone() };
        var batches = new[]
        {
            new[]
            {
                S("a1", "v1", ActivityObject("x1"), new JsonObject { ["registration"] = registration }),
                S("a2", "v1", ActivityObject("x2"), parentAsObject),
                S("a1", "v2", a2.DeepClone()),
            },
            new[]
            {
                S("a2", "v2", ActivityObject("x1"), new JsonObject { ["registration"] = registration }),
                S("a1", "v1", ActivityObject("x2")),
                S("a1", "v1", ActivityObject("x1")),
            },
        };
        var seeded = new List<Seeded>();
        var posts = new List<RestResponse>();
        for (var b = 0; b < batches.Length; b++)
        {
            if (b > 0) await Task.Delay(50, ct); // distinct stored times between the batches (since/until, order)
            var post = await PostStatements(new JsonArray([.. batches[b].Select(s => (JsonNode)s.DeepClone())]), ct);
            posts.Add(post);
            if (post.Status != 200) throw new InvalidOperationException($"the LRS refused the query data set (POST answered {Describe(post)}: {Shorten(post.Body)})");
            seeded.AddRange(batches[b].Select(s => new Seeded(Str(s["id"])!, s, b)));
        }
        foreach (var s in seeded)
        {
            var (back, read) = await ReadBackAsync(s.Id, ct);
            s.Stored = Instant(Str(back?["stored"]));
            if (s.Sent == batches[0][1]) Record(ContextActivitiesArrays, back is null ? Verdict.Fail($"GET answered {Describe(read)}.", null, read)
                : Expect(back["context"]?["contextActivities"]?["parent"] is JsonArray { Count: 1 } parents && Str(parents[0]?["id"]) == Activity("x1"),
                    "contextActivities.parent sent as one object did not come back as an array of it.", read));
        }
        if (seeded.Max(s => s.Stored) is { } newest) await WaitConsistentAsync(newest, ct);

        IEnumerable<string> Where(Func<Seeded, bool> predicate) => seeded.Where(predicate).Select(s => s.Id);
        string ActorMbox(Seeded s) => Str(s.Sent["actor"]?["mbox"]) ?? "";
        string VerbId(Seeded s) => Str(s.Sent["verb"]?["id"]) ?? "";
        string ObjectId(Seeded s) => Str(s.Sent["object"]?["id"]) ?? "";
        var all = "activity=" + Q(group) + "&related_activities=true";

        async Task Filter(AssertionDefinition assertion, string query, IEnumerable<string> expected)
        {
            if (!Selected(assertion)) return;
            var (ids, pages, problem) = await QueryAllAsync(query, ct);
            Record(assertion, problem is not null ? Verdict.Fail(problem, null, pages) : SameSet(query, expected, ids, pages));
        }

        var shape = await Get("statements?" + all, ct);
        Record(StatementResultShape, shape.Status != 200 ? Status(shape, 200, "GET statements with filters")
            : Expect(Statements(shape) is not null && More(shape) is not null, "The body is not a StatementResult with a statements array and a more string.", shape));

        await Filter(FilterAgent, "agent=" + Q(AgentQuery(a2)), Where(s => ActorMbox(s) == Str(a2["mbox"]) || Str(s.Sent["object"]?["mbox"]) == Str(a2["mbox"])));
        await Filter(FilterVerb, "verb=" + Q(Verb("v1")), Where(s => VerbId(s) == Verb("v1")));
        await Filter(FilterActivity, "activity=" + Q(Activity("x1")), Where(s => ObjectId(s) == Activity("x1")));
        await Filter(FilterRegistration, "registration=" + Q(registration), Where(s => Str(s.Sent["context"]?["registration"]) == registration));
        await Filter(RelatedActivities, "activity=" + Q(Activity("x1")) + "&related_activities=true",
            Where(s => ObjectId(s) == Activity("x1") || s.Sent == batches[0][1]));
        if (Selected(RelatedAgents))
        {
            var (related, relatedPages, relatedProblem) = await QueryAllAsync("agent=" + Q(AgentQuery(a3)) + "&related_agents=true", ct);
            var (plainIds, plainPages, plainProblem) = await QueryAllAsync("agent=" + Q(AgentQuery(a3)), ct);
            Record(RelatedAgents, relatedProblem is not null ? Verdict.Fail(relatedProblem, null, relatedPages)
                : plainProblem is not null ? Verdict.Fail(plainProblem, null, plainPages)
                : All(SameSet("agent (instructor) with related_agents=true", [seeded[1].Id], related, relatedPages),
                      SameSet("agent (instructor only) without related_agents", [], plainIds, plainPages)));
        }

        // since/until: at the stored of the newest Statement of the first batch.
        var cut = seeded.Where(s => s.Batch == 0).Select(s => s.Stored).Max();
        if (cut is { } t && seeded.All(s => s.Stored is not null))
        {
            var at = t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
            await Filter(FilterSince, all + "&since=" + Q(at), Where(s => s.Stored > t));
            await Filter(FilterUntil, all + "&until=" + Q(at), Where(s => s.Stored <= t));
        }
        else
        {
            Record(FilterSince, Verdict.Fail("The data set's stored values could not be read.", null, posts));
            Record(FilterUntil, Verdict.Fail("The data set's stored values could not be read.", null, posts));
        }

        // Order, limit, more.
        async Task Order(AssertionDefinition assertion, string query, bool ascending)
        {
            if (!Selected(assertion)) return;
            var (ids, pages, problem) = await QueryAllAsync(query, ct);
            if (problem is not null) { Record(assertion, Verdict.Fail(problem, null, pages)); return; }
            var stored = ids.Select(i => seeded.FirstOrDefault(s => string.Equals(s.Id, i, StringComparison.OrdinalIgnoreCase))?.Stored).ToList();
            var ordered = stored.Zip(stored.Skip(1)).All(p => p.First is { } x && p.Second is { } y && (ascending ? x <= y : x >= y));
            Record(assertion, All(SameSet(query, seeded.Select(s => s.Id), ids, pages),
                Expect(ordered, $"The Statements are not ordered by stored {(ascending ? "oldest" : "newest")} first: {string.Join(", ", stored.Select(s => s?.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)))}.", pages)));
        }
        await Order(OrderDescending, all, ascending: false);
        await Order(OrderAscending, all + "&ascending=true", ascending: true);

        var firstPage = await Get("statements?" + all + "&limit=2", ct);
        Record(LimitHonoured, firstPage.Status != 200 ? Status(firstPage, 200, "GET with limit=2")
            : Expect(Statements(firstPage) is { Count: <= 2 and > 0 } && !string.IsNullOrEmpty(More(firstPage)),
                $"limit=2 over {seeded.Count} Statements returned {Statements(firstPage)?.Count.ToString(CultureInfo.InvariantCulture) ?? "no"} Statements and more '{More(firstPage)}'.", firstPage));
        if (AnySelected(MoreVisitsEachOnce, MoreRelative))
        {
            var (ids, pages, problem) = await QueryAllAsync(all + "&limit=2", ct);
            var mores = pages.Select(More).Where(m => !string.IsNullOrEmpty(m)).ToList();
            Record(MoreRelative, mores.Count == 0 ? Verdict.Fail("No page carried a more link although limit=2 left Statements over.", null, pages)
                : Expect(!mores.Any(IsAbsoluteUrl), $"more is not a relative IRL: {mores.FirstOrDefault(IsAbsoluteUrl)}", pages));
            Record(MoreVisitsEachOnce, problem is not null && !problem.StartsWith("more is an absolute", StringComparison.Ordinal)
                ? Verdict.Fail(problem, null, pages) : SameSet("following more with limit=2", seeded.Select(s => s.Id), ids, pages));
        }
        var empty = await Get("statements?verb=" + Q(Verb("never-used")), ct);
        var emptyStatements = Statements(empty);
        Record(EmptyResult, empty.Status != 200 ? Status(empty, 200, "A query matching nothing")
            : Expect(emptyStatements is { Count: 0 } && More(empty) == "", "A query matching nothing did not answer {\"statements\":[],\"more\":\"\"}.", empty));
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    // ---- voiding -------------------------------------------------------------------------------------------------------

    private async Task CheckVoidingAsync(CancellationToken ct)
    {
        var target = Statement("voider", "target", ActivityObject("voided"), NewId());
        var targetId = Str(target["id"])!;
        var voiding = Statement("voider", "voiding", new JsonObject { ["objectType"] = "StatementRef", ["id"] = targetId }, NewId());
        voiding["verb"] = new JsonObject { ["id"] = VoidedVerb, ["display"] = new JsonObject { ["en-US"] = "voided" } };
        var voidingId = Str(voiding["id"])!;
        var posted = await PostStatements(target, ct);
        var voided = await PostStatements(voiding, ct);
        if (posted.Status != 200 || voided.Status != 200)
            throw new InvalidOperationException($"the LRS refused the Statement or its voiding Statement ({Describe(posted)}, {Describe(voided)})");
        var (voidingBack, _) = await ReadBackAsync(voidingId, ct);
        if (Instant(Str(voidingBack?["stored"])) is { } stored) await WaitConsistentAsync(stored, ct);

        Record(VoidedNotById, Status(await GetStatement(targetId, ct), 404, "GET statementId of a voided Statement"));
        var byVoided = await Get("statements?voidedStatementId=" + Q(targetId), ct);
        Record(VoidedById, byVoided.Status != 200 ? Status(byVoided, 200, "GET voidedStatementId")
            : Expect(string.Equals(Str(Object(byVoided)?["id"]), targetId, StringComparison.OrdinalIgnoreCase), "voidedStatementId did not return the voided Statement.", byVoided));
        var (ids, pages, problem) = await QueryAllAsync("agent=" + Q(AgentQuery(Agent("voider"))), ct);
        Record(VoidedNotInQueries, problem is not null ? Verdict.Fail(problem, null, pages)
            : Expect(!ids.Contains(targetId, StringComparer.OrdinalIgnoreCase), $"The query returned the voided Statement {targetId}.", pages));
        Record(VoidingVisible, problem is not null ? Verdict.Fail(problem, null, pages)
            : Expect(ids.Contains(voidingId, StringComparer.OrdinalIgnoreCase), $"The query did not return the voiding Statement {voidingId}.", pages));
        Record(VoidedIdNotVoided, Status(await Get("statements?voidedStatementId=" + Q(voidingId), ct), 404, "GET voidedStatementId of a Statement that is not voided"));
    }

    // ---- formats, activities, agents -------------------------------------------------------------------------------------

    private async Task CheckFormatsAsync(CancellationToken ct)
    {
        var id = NewId();
        var actor = Agent("format");
        actor["name"] = "学習者 フォーマット";
        var activity = Activity("format");
        var statement = new JsonObject
        {
            ["id"] = id,
            ["actor"] = actor,
            ["verb"] = new JsonObject { ["id"] = Verb("format"), ["display"] = new JsonObject { ["en-US"] = "tried", ["ja-JP"] = "試した" } },
            ["object"] = new JsonObject
            {
                ["objectType"] = "Activity",
                ["id"] = activity,
                ["definition"] = new JsonObject
                {
                    ["name"] = new JsonObject { ["en-US"] = "Quiz", ["ja-JP"] = "小テスト" },
                    ["type"] = "http://adlnet.gov/expapi/activities/assessment",
                },
            },
        };
        var post = await PostStatements(statement, ct);
        if (post.Status != 200) throw new InvalidOperationException($"the LRS refused the format Statement ({Describe(post)})");

        var (ids, idsRead) = await ReadBackAsync(id, ct, "&format=ids");
        Record(FormatIds, ids is null ? Unreadable(idsRead, "GET format=ids", "a Statement")
            : Expect(ids["actor"] is JsonObject a && a["name"] is null && Str(a["mbox"]) == Str(actor["mbox"])
                     && ids["object"] is JsonObject o && o["definition"] is null && Str(o["id"]) == activity
                     && ids["verb"] is JsonObject v && v["display"] is null,
                "format=ids kept a name, a definition or a display (or lost the IFI/id).", idsRead));
        var (exact, exactRead) = await ReadBackAsync(id, ct, "&format=exact");
        Record(FormatExact, exact is null ? Unreadable(exactRead, "GET format=exact", "a Statement")
            : Expect(Str(exact["actor"]?["name"]) == "学習者 フォーマット" && Str(exact["verb"]?["display"]?["ja-JP"]) == "試した" && Str(exact["verb"]?["display"]?["en-US"]) == "tried"
                     && Str(exact["object"]?["definition"]?["name"]?["ja-JP"]) == "小テスト" && Str(exact["object"]?["definition"]?["name"]?["en-US"]) == "Quiz",
                "format=exact did not return the name, display and definition as sent.", exactRead));
        var canonicalRead = await Get("statements?statementId=" + Q(id) + "&format=canonical", ct, ("Accept-Language", "ja-JP"));
        var canonical = canonicalRead.Status == 200 ? Object(canonicalRead) : null;
        static bool OneLanguage(JsonNode? map, string language) => map is JsonObject m && m.Count == 1 && m.ContainsKey(language);
        Record(FormatCanonical, canonical is null ? Unreadable(canonicalRead, "GET format=canonical", "a Statement")
            : Expect(OneLanguage(canonical["verb"]?["display"], "ja-JP") && OneLanguage(canonical["object"]?["definition"]?["name"], "ja-JP"),
                "format=canonical with Accept-Language: ja-JP did not return exactly the ja-JP entry of each Language Map.", canonicalRead));
        Record(FormatUnknown, Status(await GetStatement(id, ct, "&format=everything"), 400, "GET format=everything"));

        var act = await Get("activities?activityId=" + Q(activity), ct);
        Record(ActivitiesCanonical, act.Status != 200 ? Status(act, 200, "GET activities?activityId=")
            : Expect(Object(act) is { } o2 && Str(o2["id"]) == activity && Str(o2["definition"]?["name"]?["en-US"]) == "Quiz",
                "The Activity lacks its id or the definition sent in the Statement.", act));
        var noId = await Get("activities", ct);
        Record(ActivitiesNeedId, Status(noId, 400, "GET activities without activityId"));

        var person = await Get("agents?agent=" + Q(AgentQuery(actor)), ct);
        Record(AgentsPerson, person.Status != 200 ? Status(person, 200, "GET agents?agent=")
            : Expect(Object(person) is { } p && Str(p["objectType"]) == "Person" && p["mbox"] is JsonArray mboxes && mboxes.Select(Str).Contains(Str(actor["mbox"]))
                     && (p["name"] is null or JsonArray),
                "The answer is not a Person (objectType Person, mbox an array holding the queried mbox, name an array).", person));
        var noAgent = await Get("agents", ct);
        var badAgent = await Get("agents?agent=" + Q("{not json"), ct);
        Record(AgentsNeedAgent, All(Status(noAgent, 400, "GET agents without agent"), Status(badAgent, 400, "GET agents with an agent that is not JSON")));
    }

    // ---- attachments ---------------------------------------------------------------------------------------------------

    private async Task CheckAttachmentsAsync(CancellationToken ct)
    {
        var content = "conformance attachment " + _runId + " 添付";
        var bytes = Encoding.UTF8.GetBytes(content);
        var sha2 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        JsonObject Attached(string id, bool withFileUrl)
        {
            var s = Statement("attach", "attach", ActivityObject("attach"), id);
            var attachment = new JsonObject
            {
                ["usageType"] = _ns + "attachment/note",
                ["display"] = new JsonObject { ["en-US"] = "note" },
                ["contentType"] = "text/plain",
                ["length"] = bytes.Length,
                ["sha2"] = sha2,
            };
            if (withFileUrl) attachment["fileUrl"] = "https://conformance.koumu.example/files/" + _runId + ".txt";
            s["attachments"] = new JsonArray(attachment);
            return s;
        }
        var id = NewId();
        var multipart = new MultipartContent("mixed", "conformance-" + _runId) { Json(Attached(id, false)) };
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        part.Headers.TryAddWithoutValidation("Content-Transfer-Encoding", "binary");
        part.Headers.TryAddWithoutValidation("X-Experience-API-Hash", sha2);
        multipart.Add(part);
        var post = await Send(new LrsRequest(HttpMethod.Post, "statements") { Content = multipart }, ct);
        var get = await GetStatement(id, ct, "&attachments=true");
        Record(AttachmentMultipart, post.Status != 200 ? Status(post, 200, "POST multipart/mixed with an attachment part")
            : get.Status != 200 ? Status(get, 200, "GET attachments=true")
            : Expect(string.Equals(get.ContentType, "multipart/mixed", StringComparison.OrdinalIgnoreCase)
                     && get.Body.Contains(content, StringComparison.Ordinal) && get.Body.Contains(sha2, StringComparison.OrdinalIgnoreCase),
                "GET attachments=true did not answer multipart/mixed with the attachment's part (content and X-Experience-API-Hash).", post, get));
        var missing = await PostStatements(Attached(NewId(), false), ct);
        Record(AttachmentMissingPart, Status(missing, 400, "An attachment with neither fileUrl nor part"));
        var fileUrl = await PostStatements(Attached(NewId(), true), ct);
        Record(AttachmentFileUrl, Status(fileUrl, 200, "A Statement whose attachment has a fileUrl, as application/json"));
    }
}
