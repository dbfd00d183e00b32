using System.Globalization;
using System.Text.Json;
using Koumu.Interop.Conformance.Schemas;
using static Koumu.Interop.Conformance.Rest.RestAssertions;

namespace Koumu.Interop.Conformance.Rest;

/// <summary>A check's verdict before it becomes an <see cref="AssertionResult"/>.</summary>
internal sealed record Verdict(Outcome Outcome, string? Message, IReadOnlyList<string> Details, IReadOnlyList<RestResponse> Evidence)
{
    public static Verdict Pass(string? message = null) => new(Outcome.Passed, message, [], []);

    public static Verdict Fail(string message, IEnumerable<string>? details = null, params IEnumerable<RestResponse?> evidence) =>
        new(Outcome.Failed, message, [.. (details ?? []).Take(50)], [.. evidence.OfType<RestResponse>().DistinctBy(e => e.Exchange).Take(6)]);

    public static Verdict Skip(string reason, params IEnumerable<RestResponse?> evidence) =>
        new(Outcome.Skipped, reason, [], [.. evidence.OfType<RestResponse>().Take(3)]);
}

/// <summary>All records of one collection (or one query), read page by page.</summary>
internal sealed record Listing(
    string Path,
    IReadOnlyList<JsonElement> Records,
    IReadOnlyList<RestResponse> Responses,
    bool Complete,
    string? Problem)
{
    public RestResponse First => Responses[0];

    public bool Ok => Problem is null;

    public IEnumerable<string> Ids => Records.Select(RestChecks.SourcedId).OfType<string>();
}

/// <summary>
/// Evaluates the REST assertions over one <see cref="RestSession"/>. The order matters only for cost: listings are read
/// once and shared; the contract checks over "every response" run last, when every request has been made.
/// </summary>
internal sealed partial class RestChecks(RestSession session, ConformanceRun run, IReadOnlyList<ComponentSchemas> official)
{
    private const int PageSize = 1000;

    private readonly Dictionary<string, Task<Listing>> _listings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RestResponse> _singles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RestResponse> _nested = new(StringComparer.Ordinal);
    private readonly HashSet<OneRosterService> _absentServices = [];
    private readonly List<string> _notes = [];

    private static readonly ComponentSchemas Hub = ComponentSchemas.Hub;

    public async Task RunAsync(CancellationToken ct)
    {
        var authenticated = await session.AuthenticateAsync(ct).ConfigureAwait(false);
        await Check(TokenIssued, () => Task.FromResult(TokenVerdict()));
        await CheckUnauthenticatedAsync(ct);
        if (!authenticated)
        {
            // Without a token nothing else can be read; failing every other assertion would bury the one real cause.
            foreach (var assertion in run.Selected.Where(a => !Recorded(a)))
                Record(assertion, Verdict.Skip("No access token: see OR-REST-AUTH-001.", session.TokenResponse));
            return;
        }

        await ReadEverythingAsync(ct);
        await CheckScopesAsync(ct);
        await Check(ReadsAnswer200, () => Task.FromResult(ReadsVerdict()));
        await Check(CollectionSchema, () => Task.FromResult(CollectionSchemaVerdict()));
        await Check(SingleSchema, () => Task.FromResult(SingleSchemaVerdict()));
        await Check(NestedSchema, () => Task.FromResult(NestedSchemaVerdict()));
        await Check(StringBooleans, () => Task.FromResult(BooleansVerdict()));
        await Check(GuidRefShape, () => Task.FromResult(GuidRefVerdict()));
        await Check(GuidRefResolves, () => GuidRefResolvesAsync(ct));
        await Check(SingleMatchesCollection, () => SingleMatchesAsync(ct));
        await Check(TotalCountHeader, () => Task.FromResult(TotalCountHeaderVerdict()));
        await Guard(CheckPagingAsync(ct), LimitHonoured, PagesVisitEachOnce, TotalCountAgrees, OffsetHonoured, LinkHeader, NextLinksVisitEachOnce, LastLinkIsLastPage);
        await Guard(CheckSortAsync(ct), SortAscending, SortDescending, SortStableAcrossPages);
        await Guard(CheckFiltersAsync(ct), FilterEquals, FilterNotEquals, FilterLogical, FilterContains, FilterDateLastModified, FilterTotalCount);
        await Guard(CheckFieldsAsync(ct), FieldsProject, FieldsProjectSingle);
        await Guard(CheckErrorsAsync(ct), UnknownFilterField, UnknownObject, UnknownParent, UnknownSelectionField, UnknownSortField);
        await Guard(CheckRelationshipsAsync(ct), TypedCollections, NestedBelongToParent, NestedComplete);
        await Guard(CheckJapanAsync(ct), JpOrgType, JpOrgCodes, JpKanaPresent, JpKanaFullWidth, JpNoHalfWidthKana, JpSchoolYear);
        // Last: these look at every response of the run.
        await Check(JsonContentType, () => Task.FromResult(ContentTypeVerdict()));
        await Check(ErrorPayload, () => Task.FromResult(ErrorPayloadVerdict()));
    }

    // ---- infrastructure ----------------------------------------------------------------------------------------------

    private readonly HashSet<string> _recorded = new(StringComparer.Ordinal);

    private bool Recorded(AssertionDefinition assertion) => _recorded.Contains(assertion.Id);

    private void Record(AssertionDefinition assertion, Verdict verdict)
    {
        if (!run.IsSelected(assertion) || !_recorded.Add(assertion.Id)) return;
        run.Record(new AssertionResult(assertion, verdict.Outcome, session.Redactor.Text(verdict.Message),
            [.. verdict.Details.Select(session.Redactor.Text)], [.. verdict.Evidence.Select(e => e.Exchange)]));
    }

    /// <summary>Evaluates <paramref name="assertion"/> when selected; an unexpected exception is a failure with its message, never a pass.</summary>
    private async Task Check(AssertionDefinition assertion, Func<Task<Verdict>> check)
    {
        if (!run.IsSelected(assertion) || Recorded(assertion)) return;
        Verdict verdict;
        try
        {
            verdict = await check().ConfigureAwait(false);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException or ArgumentException)
        {
            verdict = Verdict.Fail("The provider's answers could not be checked: " + e.Message);
        }
        Record(assertion, verdict);
    }

    /// <summary>
    /// Runs a group of checks; if the provider's answers make it throw (shapes nobody planned for), its assertions
    /// that have no result yet fail with the reason instead of the run crashing.
    /// </summary>
    private async Task Guard(Task step, params AssertionDefinition[] assertions)
    {
        try
        {
            await step.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var a in assertions)
                Record(a, Verdict.Fail($"The provider's answers could not be checked ({e.GetType().Name}: {e.Message})."));
        }
    }

    private bool Selected(params AssertionDefinition[] assertions) => assertions.Any(a => run.IsSelected(a) && !Recorded(a));

    private static RestCollection Find(string path) => RestEndpoints.Find(path);

    internal static string? SourcedId(JsonElement record) =>
        record.ValueKind == JsonValueKind.Object && record.TryGetProperty("sourcedId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    internal static string? Text(JsonElement record, string property)
    {
        var current = record;
        foreach (var part in property.Split('.'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current)) return null;
        }
        return current.ValueKind switch
        {
            JsonValueKind.String => current.GetString(),
            JsonValueKind.Number => current.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    private static string Q(string value) => Uri.EscapeDataString(value);

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static string Describe(RestResponse r) => $"{r.Exchange.Method} {r.Exchange.Url} → {(r.Status == 0 ? "no response" : r.Status.ToString(CultureInfo.InvariantCulture))}";

    private static string Plural(string path) => Find(path).Plural;

    /// <summary>
    /// Every record of <paramref name="relative"/> (a collection path with an optional query), page by page with
    /// limit/offset until a page is short or empty, at most <see cref="RestTargetOptions.MaxRecords"/>.
    /// </summary>
    internal async Task<Listing> FetchAllAsync(OneRosterService service, string relative, string plural, CancellationToken ct, Credentials credentials = Credentials.Full)
    {
        var records = new List<JsonElement>();
        var responses = new List<RestResponse>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var separator = relative.Contains('?', StringComparison.Ordinal) ? "&" : "?";
        while (true)
        {
            var url = session.Url(service, $"{relative}{separator}limit={PageSize}&offset={records.Count}")!;
            var response = await session.GetAsync(url, credentials, ct).ConfigureAwait(false);
            responses.Add(response);
            if (response.Status != 200) return new Listing(relative, records, responses, false, $"{Describe(response)} (expected 200)");
            if (response.Records(plural) is not { } page) return new Listing(relative, records, responses, false, $"{Describe(response)}: the body has no \"{plural}\" array");
            // Records must be objects with a string sourcedId to be compared at all (OR-REST-SCHEMA-001 says what else is wrong).
            var invalid = page.FirstOrDefault(r => SourcedId(r) is null);
            if (invalid.ValueKind != JsonValueKind.Undefined)
                return new Listing(relative, records, responses, false, $"{Describe(response)}: a record is not an object with a string sourcedId ({Shorten(invalid.GetRawText())})");
            var fresh = page.Where(r => seen.Add(SourcedId(r)!)).ToList();
            records.AddRange(fresh);
            if (page.Count < PageSize || fresh.Count == 0) return new Listing(relative, records, responses, true, null);
            if (records.Count >= session.Options.MaxRecords) return new Listing(relative, records, responses, false, null);
        }
    }

    private Task<Listing> ListAsync(string path, CancellationToken ct)
    {
        if (!_listings.TryGetValue(path, out var task))
        {
            var collection = Find(path);
            _listings[path] = task = FetchAllAsync(collection.Service, collection.Path, collection.Plural, ct);
        }
        return task;
    }

    private async Task<IReadOnlyList<Listing>> ListingsAsync(CancellationToken ct)
    {
        var listings = new List<Listing>();
        foreach (var collection in Collections()) listings.Add(await ListAsync(collection.Path, ct).ConfigureAwait(false));
        return listings;
    }

    private IEnumerable<RestCollection> Collections() =>
        RestEndpoints.Rostering.Concat(RestEndpoints.Resources).Concat(RestEndpoints.Gradebook)
            .Where(c => session.ServiceBases[c.Service] is not null && !_absentServices.Contains(c.Service));

    // ---- reading ---------------------------------------------------------------------------------------------------

    /// <summary>Reads every collection, one object of each, and every relationship route the data allows.</summary>
    private async Task ReadEverythingAsync(CancellationToken ct)
    {
        foreach (var service in new[] { OneRosterService.Resources, OneRosterService.Gradebook })
        {
            if (session.ServiceBases[service] is null) continue;
            var paths = Collections().Where(c => c.Service == service).ToList();
            var firsts = new List<RestResponse>();
            foreach (var c in paths) firsts.Add((await ListAsync(c.Path, ct).ConfigureAwait(false)).First);
            // A provider that does not offer an optional service answers 404 everywhere under its base: not a failure of
            // the Rostering provider; the report says the service was not tested.
            if (firsts.All(r => r.Status == 404))
            {
                _absentServices.Add(service);
                _notes.Add($"The {service} service answered 404 on every collection: not tested.");
            }
        }
        foreach (var collection in Collections())
        {
            var listing = await ListAsync(collection.Path, ct).ConfigureAwait(false);
            if (listing.Ids.FirstOrDefault() is not { } id) continue;
            _singles[collection.Path] = await session.GetAsync(session.Url(collection.Service, collection.Path + "/" + Q(id))!, Credentials.Full, ct).ConfigureAwait(false);
        }
        var parameters = await RouteParametersAsync(ct).ConfigureAwait(false);
        foreach (var route in RestEndpoints.Nested)
        {
            if (Fill(route.Template, parameters) is not { } path) continue;
            _nested[route.Template] = await session.GetAsync(session.Url(path), Credentials.Full, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Parent ids for the relationship routes, taken from the provider's own data: a class with an enrolled student,
    /// its school, course, student and teacher, and a term.
    /// </summary>
    private async Task<Dictionary<string, string>> RouteParametersAsync(CancellationToken ct)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var enrollments = await ListAsync("enrollments", ct).ConfigureAwait(false);
        var classes = await ListAsync("classes", ct).ConfigureAwait(false);
        var byClass = enrollments.Records.GroupBy(e => Text(e, "class.sourcedId") ?? "").ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var chosen = classes.Records.Where(c => byClass.TryGetValue(SourcedId(c) ?? "", out var list)
                && list.Any(e => Text(e, "role") == "student") && list.Any(e => Text(e, "role") == "teacher"))
            .Concat(classes.Records.Where(c => byClass.ContainsKey(SourcedId(c) ?? "")))
            .Concat(classes.Records).FirstOrDefault();
        if (chosen.ValueKind == JsonValueKind.Object)
        {
            values["classSourcedId"] = SourcedId(chosen)!;
            if (Text(chosen, "school.sourcedId") is { } school) values["schoolSourcedId"] = school;
            if (Text(chosen, "course.sourcedId") is { } course) values["courseSourcedId"] = course;
            var members = byClass.GetValueOrDefault(values["classSourcedId"]) ?? [];
            if (members.FirstOrDefault(e => Text(e, "role") == "student") is { ValueKind: JsonValueKind.Object } s && Text(s, "user.sourcedId") is { } student)
                values["studentSourcedId"] = values["userSourcedId"] = student;
            if (members.FirstOrDefault(e => Text(e, "role") == "teacher") is { ValueKind: JsonValueKind.Object } t && Text(t, "user.sourcedId") is { } teacher)
                values["teacherSourcedId"] = teacher;
        }
        if ((await ListAsync("schools", ct).ConfigureAwait(false)).Ids.FirstOrDefault() is { } anySchool) values.TryAdd("schoolSourcedId", anySchool);
        if ((await ListAsync("terms", ct).ConfigureAwait(false)).Ids.FirstOrDefault() is { } term) values["termSourcedId"] = term;
        return values;
    }

    private static string? Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        var path = template;
        foreach (var (name, value) in values) path = path.Replace("{" + name + "}", Q(value), StringComparison.Ordinal);
        return path.Contains('{', StringComparison.Ordinal) ? null : path;
    }

    // ---- auth ------------------------------------------------------------------------------------------------------

    private Verdict TokenVerdict()
    {
        var response = session.TokenResponse!;
        if (session.Token(Credentials.Full) is null)
            return Verdict.Fail($"The token endpoint did not issue an access token ({Describe(response)}).", null, response);
        var type = response.Json!.RootElement.TryGetProperty("token_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        // RFC 6749 §5.1: token_type is required; RFC 6750 names it "Bearer" (compared case-insensitively, §7.1).
        return string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase)
            ? Verdict.Pass()
            : Verdict.Fail($"token_type is '{type}', expected Bearer (RFC 6749 §5.1, RFC 6750).", null, response);
    }

    private async Task CheckUnauthenticatedAsync(CancellationToken ct)
    {
        if (!Selected(TokenRequired, InvalidTokenRefused, BearerChallenge, UnauthorisedCodeMinor, ErrorPayload, JsonContentType)) return;
        var none = await session.GetAsync(session.Url("orgs?limit=1"), Credentials.None, ct).ConfigureAwait(false);
        var invalid = await session.GetAsync(session.Url("orgs?limit=1"), Credentials.Invalid, ct).ConfigureAwait(false);
        await Check(TokenRequired, () => Task.FromResult(none.Status == 401
            ? Verdict.Pass()
            : Verdict.Fail($"Without a token: {Describe(none)}, expected 401.", null, none)));
        await Check(InvalidTokenRefused, () => Task.FromResult(invalid.Status == 401
            ? Verdict.Pass()
            : Verdict.Fail($"With a forged token: {Describe(invalid)}, expected 401.", null, invalid)));
        var refusals = new[] { none, invalid }.Where(r => r.Status == 401).ToList();
        await Check(BearerChallenge, () => Task.FromResult(refusals.Count == 0
            ? Verdict.Skip("No 401 response to inspect (see OR-REST-AUTH-002/003).")
            : refusals.FirstOrDefault(r => !(r.Header("WWW-Authenticate") ?? "").Contains("Bearer", StringComparison.OrdinalIgnoreCase)) is { } bad
                ? Verdict.Fail($"{Describe(bad)} has no WWW-Authenticate: Bearer challenge.", null, bad)
                : Verdict.Pass()));
        await Check(UnauthorisedCodeMinor, () => Task.FromResult(refusals.Count == 0
            ? Verdict.Skip("No 401 response to inspect (see OR-REST-AUTH-002/003).")
            : CodeMinorVerdict(refusals, "unauthorisedrequest")));
    }

    private async Task CheckScopesAsync(CancellationToken ct)
    {
        if (!Selected(ScopeEnforced, ForbiddenCodeMinor, CoreScopeAdmits, ErrorPayload, JsonContentType)) return;
        if (session.Token(Credentials.Core) is null)
        {
            var reason = Verdict.Skip("The token endpoint refused a token of roster-core.readonly alone, so scope enforcement cannot be probed.", session.CoreTokenResponse);
            Record(ScopeEnforced, reason);
            Record(ForbiddenCodeMinor, reason);
            Record(CoreScopeAdmits, reason);
            return;
        }
        var probes = new List<RestResponse> { await session.GetAsync(session.Url("demographics?limit=1"), Credentials.Core, ct).ConfigureAwait(false) };
        var parameters = await RouteParametersAsync(ct).ConfigureAwait(false);
        if (Fill("schools/{schoolSourcedId}/classes", parameters) is { } nested)
            probes.Add(await session.GetAsync(session.Url(nested + "?limit=1"), Credentials.Core, ct).ConfigureAwait(false));
        await Check(ScopeEnforced, () => Task.FromResult(probes.FirstOrDefault(p => p.Status != 403) is { } open
            ? Verdict.Fail($"With a roster-core.readonly token: {Describe(open)}, expected 403.", null, open)
            : Verdict.Pass()));
        var forbidden = probes.Where(p => p.Status == 403).ToList();
        await Check(ForbiddenCodeMinor, () => Task.FromResult(forbidden.Count == 0
            ? Verdict.Skip("No 403 response to inspect (see OR-REST-SCOPE-001).")
            : CodeMinorVerdict(forbidden, "forbidden")));
        var admitted = await session.GetAsync(session.Url("orgs?limit=1"), Credentials.Core, ct).ConfigureAwait(false);
        await Check(CoreScopeAdmits, () => Task.FromResult(admitted.Status == 200
            ? Verdict.Pass()
            : Verdict.Fail($"With a roster-core.readonly token: {Describe(admitted)}, expected 200.", null, admitted)));
    }

    /// <summary>Whether each response's imsx_StatusInfo names <paramref name="expected"/> among its codeMinor values.</summary>
    private static Verdict CodeMinorVerdict(IEnumerable<RestResponse> responses, params string[] expected)
    {
        foreach (var r in responses)
        {
            var values = CodeMinorValues(r);
            if (!values.Any(v => expected.Contains(v, StringComparer.Ordinal)))
                return Verdict.Fail($"{Describe(r)}: codeMinor {(values.Count == 0 ? "missing" : string.Join(", ", values))}, expected {string.Join(" or ", expected)}.", null, r);
        }
        return Verdict.Pass();
    }

    internal static IReadOnlyList<string> CodeMinorValues(RestResponse r)
    {
        if (r.Json is not { RootElement.ValueKind: JsonValueKind.Object } json
            || !json.RootElement.TryGetProperty("imsx_CodeMinor", out var minor) || minor.ValueKind != JsonValueKind.Object
            || !minor.TryGetProperty("imsx_codeMinorField", out var fields) || fields.ValueKind != JsonValueKind.Array) return [];
        return [.. fields.EnumerateArray().Select(f => Text(f, "imsx_codeMinorFieldValue")).OfType<string>()];
    }

    // ---- contract --------------------------------------------------------------------------------------------------

    private Verdict ReadsVerdict()
    {
        var reads = Collections().Select(c => _listings[c.Path].Result).SelectMany(l => l.Responses)
            .Concat(_singles.Values).Concat(_nested.Values).ToList();
        var bad = reads.Where(r => r.Status != 200).ToList();
        var verdict = bad.Count == 0
            ? Verdict.Pass($"{reads.Count} reads answered 200.")
            : Verdict.Fail($"{bad.Count} of {reads.Count} reads did not answer 200.", bad.Select(Describe), bad);
        return _notes.Count == 0 ? verdict : verdict with { Details = [.. verdict.Details, .. _notes] };
    }

    private IReadOnlyList<string> SchemaErrors(string component, string json)
    {
        // A few errors from each schema source, so the official files' verdict is shown next to openapi.yaml's.
        var errors = Hub.Has(component) ? Hub.Errors(component, json, max: 5).ToList() : [];
        foreach (var file in official)
        {
            var name = RestEndpoints.OfficialName(component);
            if (file.Has(name)) errors.AddRange(file.Errors(name, json, max: 5));
        }
        return errors;
    }

    private Verdict SchemaVerdict(IEnumerable<(RestResponse Response, string Component)> items, string what)
    {
        var details = new List<string>();
        var evidence = new List<RestResponse>();
        var count = 0;
        foreach (var (response, component) in items)
        {
            if (response.Status != 200) continue;
            count++;
            var errors = response.Json is null ? ["the body is not JSON"] : SchemaErrors(component, response.Body);
            if (errors.Count == 0) continue;
            evidence.Add(response);
            details.Add($"{response.Exchange.Url} ({component}):");
            details.AddRange(errors.Select(e => "  " + e));
        }
        if (count == 0) return Verdict.Skip($"No {what} response with status 200 to validate.");
        return evidence.Count == 0
            ? Verdict.Pass($"{count} {what} responses are valid.")
            : Verdict.Fail($"{evidence.Count} of {count} {what} responses break their schema.", details, evidence);
    }

    private Verdict CollectionSchemaVerdict() =>
        SchemaVerdict(Collections().Select(c => (_listings[c.Path].Result.First, c.SetSchema)), "collection");

    private Verdict SingleSchemaVerdict() =>
        SchemaVerdict(_singles.Select(kv => (kv.Value, Find(kv.Key).SingleSchema)), "single-object");

    private Verdict NestedSchemaVerdict()
    {
        var verdict = SchemaVerdict(RestEndpoints.Nested.Where(r => _nested.ContainsKey(r.Template)).Select(r => (_nested[r.Template], r.SetSchema)), "relationship");
        var untested = RestEndpoints.Nested.Where(r => !_nested.ContainsKey(r.Template)).Select(r => "not tested (no parent in the data): /" + r.Template).ToList();
        return untested.Count == 0 ? verdict : verdict with { Details = [.. verdict.Details, .. untested] };
    }

    /// <summary>Records of every 200 data response read so far (first pages, singles, relationships), with where they came from.</summary>
    private IEnumerable<(RestResponse Response, JsonElement Record)> AllRecords()
    {
        foreach (var c in Collections())
            foreach (var r in _listings[c.Path].Result.Responses.Where(r => r.Status == 200))
                foreach (var record in r.Records(c.Plural) ?? []) yield return (r, record);
        foreach (var (path, r) in _singles)
            if (r.Status == 200 && r.Single(Find(path).Singular) is { } one) yield return (r, one);
        foreach (var route in RestEndpoints.Nested)
            if (_nested.TryGetValue(route.Template, out var r) && r.Status == 200)
                foreach (var record in r.Records(route.Plural) ?? []) yield return (r, record);
    }

    /// <summary>Walks a record outside <c>metadata</c> (open by OAS-R MetadataDType: extensions may use any JSON type).</summary>
    private static IEnumerable<(string Path, JsonElement Value)> Walk(JsonElement element, string path)
    {
        yield return (path, element);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in element.EnumerateObject())
            {
                if (p.NameEquals("metadata")) continue;
                foreach (var child in Walk(p.Value, path + "." + p.Name)) yield return child;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in element.EnumerateArray())
                foreach (var child in Walk(item, $"{path}[{i++}]")) yield return child;
        }
    }

    private Verdict BooleansVerdict()
    {
        var details = new List<string>();
        var evidence = new List<RestResponse>();
        var records = 0;
        foreach (var (response, record) in AllRecords())
        {
            records++;
            foreach (var (path, value) in Walk(record, SourcedId(record) ?? "?"))
            {
                if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) continue;
                details.Add($"{response.Exchange.Url}: {path} is the JSON boolean {value.GetRawText()}, expected the string \"{value.GetRawText()}\"");
                evidence.Add(response);
            }
        }
        if (records == 0) return Verdict.Skip("The provider returned no records.");
        return details.Count == 0
            ? Verdict.Pass($"{records} records checked.")
            : Verdict.Fail($"{details.Count} JSON booleans where OneRoster requires the strings \"true\"/\"false\".", details, evidence);
    }

    /// <summary>GUIDRefs of a record: nested objects (not the record itself) that carry a sourcedId or an href.</summary>
    private static IEnumerable<(string Path, JsonElement Ref)> GuidRefs(JsonElement record) =>
        Walk(record, SourcedId(record) ?? "?").Skip(1)
            .Where(x => x.Value.ValueKind == JsonValueKind.Object && (x.Value.TryGetProperty("sourcedId", out _) || x.Value.TryGetProperty("href", out _)));

    private Verdict GuidRefVerdict()
    {
        var details = new List<string>();
        var evidence = new List<RestResponse>();
        var refs = 0;
        foreach (var (response, record) in AllRecords())
        {
            foreach (var (path, reference) in GuidRefs(record))
            {
                refs++;
                var problems = new List<string>();
                if (Text(reference, "href") is not { } href || !Uri.TryCreate(href, UriKind.Absolute, out _)) problems.Add("no absolute href");
                if (Text(reference, "sourcedId") is not { Length: > 0 }) problems.Add("no sourcedId");
                if (Text(reference, "type") is not { Length: > 0 }) problems.Add("no type");
                if (problems.Count == 0) continue;
                details.Add($"{response.Exchange.Url}: {path}: {string.Join(", ", problems)}");
                evidence.Add(response);
            }
        }
        if (refs == 0) return Verdict.Skip("No GUIDRef in the records read.");
        return details.Count == 0 ? Verdict.Pass($"{refs} GUIDRefs checked.") : Verdict.Fail($"{details.Count} GUIDRefs are incomplete.", details, evidence);
    }

    private async Task<Verdict> GuidRefResolvesAsync(CancellationToken ct)
    {
        var baseUrl = session.Options.BaseUrl;
        var samples = AllRecords().SelectMany(x => GuidRefs(x.Record).Select(g => (x.Response, g.Path, g.Ref)))
            .Where(x => Text(x.Ref, "href") is { } h && Uri.TryCreate(h, UriKind.Absolute, out _))
            .DistinctBy(x => Text(x.Ref, "type")).Take(6).ToList();
        if (samples.Count == 0) return Verdict.Skip("No GUIDRef with an absolute href in the records read.");
        var details = new List<string>();
        var evidence = new List<RestResponse>();
        foreach (var (source, path, reference) in samples)
        {
            var href = new Uri(Text(reference, "href")!);
            // The token is only ever sent to the provider's own origin: an href elsewhere is reported, not followed.
            if (Uri.Compare(href, baseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            {
                details.Add($"{path}: href {href} is not on the provider's origin {baseUrl.GetLeftPart(UriPartial.Authority)} (not followed)");
                evidence.Add(source);
                continue;
            }
            var target = await session.GetAsync(href, Credentials.Full, ct).ConfigureAwait(false);
            var id = Text(reference, "sourcedId");
            var found = target.Status == 200 && target.Json is { RootElement.ValueKind: JsonValueKind.Object } doc
                && doc.RootElement.EnumerateObject().Any(p => SourcedId(p.Value) == id);
            if (found) continue;
            details.Add($"{path}: {Describe(target)} does not return the object '{id}'");
            evidence.Add(target);
        }
        return details.Count == 0 ? Verdict.Pass($"{samples.Count} hrefs of different types resolve.") : Verdict.Fail($"{details.Count} of {samples.Count} GUIDRef hrefs do not resolve.", details, evidence);
    }

    private async Task<Verdict> SingleMatchesAsync(CancellationToken ct)
    {
        var details = new List<string>();
        var evidence = new List<RestResponse>();
        foreach (var (path, response) in _singles)
        {
            var collection = Find(path);
            var listing = await ListAsync(path, ct).ConfigureAwait(false);
            var expected = listing.Records[0];
            var id = SourcedId(expected);
            if (response.Status != 200 || response.Single(collection.Singular) is not { } actual)
            {
                details.Add($"{Describe(response)}: no \"{collection.Singular}\" object");
                evidence.Add(response);
                continue;
            }
            if (SourcedId(actual) != id)
            {
                details.Add($"{response.Exchange.Url}: sourcedId '{SourcedId(actual)}', expected '{id}'");
                evidence.Add(response);
                continue;
            }
            var differing = actual.EnumerateObject()
                .Where(p => expected.TryGetProperty(p.Name, out var e) && !JsonElement.DeepEquals(e, p.Value)).Select(p => p.Name).ToList();
            if (differing.Count == 0) continue;
            details.Add($"{response.Exchange.Url}: {string.Join(", ", differing)} differ from the record in /{path}");
            evidence.Add(response);
            evidence.Add(listing.First);
        }
        if (_singles.Count == 0) return Verdict.Skip("No collection has a record to read by sourcedId.");
        return details.Count == 0 ? Verdict.Pass($"{_singles.Count} objects read by sourcedId.") : Verdict.Fail($"{details.Count} single-object reads do not match the collection.", details, evidence);
    }

    private Verdict TotalCountHeaderVerdict()
    {
        var responses = Collections().SelectMany(c => _listings[c.Path].Result.Responses)
            .Concat(_nested.Values).Where(r => r.Status == 200).ToList();
        var bad = responses.Where(r => r.TotalCount is null).ToList();
        if (responses.Count == 0) return Verdict.Skip("No collection answered 200.");
        return bad.Count == 0
            ? Verdict.Pass($"{responses.Count} collection responses carry X-Total-Count.")
            : Verdict.Fail($"{bad.Count} of {responses.Count} collection responses have no integer X-Total-Count.",
                bad.Select(r => $"{r.Exchange.Url}: X-Total-Count {(r.Header("X-Total-Count") is { } h ? "'" + h + "'" : "missing")}"), bad);
    }

    private Verdict ContentTypeVerdict()
    {
        var responses = session.Log.Where(r => r.Status != 0 && r.Body.Length > 0 && r != session.TokenResponse && r != session.CoreTokenResponse).ToList();
        var bad = responses.Where(r => !r.IsJson).ToList();
        return bad.Count == 0
            ? Verdict.Pass($"{responses.Count} responses are application/json.")
            : Verdict.Fail($"{bad.Count} of {responses.Count} responses are not application/json.",
                bad.Select(r => $"{Describe(r)}: Content-Type {r.Header("Content-Type") ?? "missing"}"), bad);
    }

    private Verdict ErrorPayloadVerdict()
    {
        var errors = session.Log.Where(r => r.Status >= 400 && r != session.TokenResponse && r != session.CoreTokenResponse).ToList();
        if (errors.Count == 0) return Verdict.Skip("No error response was provoked.");
        var details = new List<string>();
        var evidence = new List<RestResponse>();
        foreach (var r in errors)
        {
            var problems = new List<string>();
            if (r.Json is not { RootElement.ValueKind: JsonValueKind.Object } json) problems.Add("the body is not a JSON object");
            else
            {
                problems.AddRange(SchemaErrors("ImsxStatusInfo", r.Body));
                if (Text(json.RootElement, "imsx_codeMajor") != "failure") problems.Add($"imsx_codeMajor is '{Text(json.RootElement, "imsx_codeMajor")}', expected failure");
                if (Text(json.RootElement, "imsx_severity") != "error") problems.Add($"imsx_severity is '{Text(json.RootElement, "imsx_severity")}', expected error");
                if (CodeMinorValues(r).Count == 0) problems.Add("no imsx_CodeMinor.imsx_codeMinorField value");
            }
            if (problems.Count == 0) continue;
            details.Add($"{Describe(r)}: {string.Join("; ", problems.Take(4))}");
            evidence.Add(r);
        }
        return details.Count == 0
            ? Verdict.Pass($"{errors.Count} error responses are imsx_StatusInfo.")
            : Verdict.Fail($"{details.Count} of {errors.Count} error responses are not a proper imsx_StatusInfo.", details, evidence);
    }
}
