using System.Text.Json;
using Koumu.Interop.Schemas.Japan;
using static Koumu.Interop.Conformance.Rest.RestAssertions;

namespace Koumu.Interop.Conformance.Rest;

/// <summary>Error responses, relationship routes and the Japan Profile data checks.</summary>
internal sealed partial class RestChecks
{
    private const string UnknownField = "koumuConformanceUnknownField";

    // ---- errors ----------------------------------------------------------------------------------------------------

    private async Task CheckErrorsAsync(CancellationToken ct)
    {
        var unknownId = "koumu-conformance-unknown-" + Guid.NewGuid().ToString("N");
        // OR-REST-ERR-004 and OR-REST-CT-001 judge the error responses these probes provoke: probe for them too.
        var provoke = Selected(ErrorPayload, JsonContentType);
        if (provoke || Selected(UnknownFilterField))
        {
            var r = await session.GetAsync(session.Url($"users?filter={Q(UnknownField + "='x'")}"), Credentials.Full, ct).ConfigureAwait(false);
            await Check(UnknownFilterField, () => Task.FromResult(Refused(r, 400, "invalid_filter_field")));
        }
        if (provoke || Selected(UnknownObject))
        {
            var responses = new List<RestResponse>();
            foreach (var path in new[] { "users", "orgs", "classes" })
                responses.Add(await session.GetAsync(session.Url($"{path}/{unknownId}"), Credentials.Full, ct).ConfigureAwait(false));
            await Check(UnknownObject, () => Task.FromResult(AllRefused(responses, 404, "unknownobject")));
        }
        if (provoke || Selected(UnknownParent))
        {
            var responses = new List<RestResponse>();
            foreach (var path in new[] { $"schools/{unknownId}/classes", $"classes/{unknownId}/students", $"users/{unknownId}/classes" })
                responses.Add(await session.GetAsync(session.Url(path), Credentials.Full, ct).ConfigureAwait(false));
            await Check(UnknownParent, () => Task.FromResult(AllRefused(responses, 404, "unknownobject")));
        }
        if (provoke || Selected(UnknownSelectionField))
        {
            var r = await session.GetAsync(session.Url($"users?fields={UnknownField}"), Credentials.Full, ct).ConfigureAwait(false);
            await Check(UnknownSelectionField, () => Task.FromResult(Refused(r, 400, "invalid_selection_field")));
        }
        if (provoke || Selected(UnknownSortField))
        {
            var r = await session.GetAsync(session.Url($"users?sort={UnknownField}"), Credentials.Full, ct).ConfigureAwait(false);
            await Check(UnknownSortField, () => Task.FromResult(Refused(r, 400, "invalid_sort_field", "invalid_selection_field")));
        }
    }

    private static Verdict Refused(RestResponse r, int status, params string[] codeMinor) =>
        r.Status != status
            ? Verdict.Fail($"{Describe(r)}, expected {status} with codeMinor {string.Join(" or ", codeMinor)}.", null, r)
            : CodeMinorVerdict([r], codeMinor);

    private static Verdict AllRefused(IEnumerable<RestResponse> responses, int status, params string[] codeMinor)
    {
        var list = responses.ToList();
        foreach (var r in list)
            if (Refused(r, status, codeMinor) is { Outcome: Outcome.Failed } failed) return failed;
        return Verdict.Pass($"{list.Count} requests answered {status} {string.Join("/", codeMinor)}.");
    }

    // ---- relationships ---------------------------------------------------------------------------------------------

    /// <summary>
    /// A relationship route and, from the collections read unpaged, the ids it must return: the parent's records by
    /// their GUIDRefs (a class's school, an enrollment's class) or through enrollments (a class's students).
    /// </summary>
    private sealed record Relationship(string Template, string Plural, Func<IReadOnlyDictionary<string, string>, IReadOnlySet<string>> Expected);

    private async Task CheckRelationshipsAsync(CancellationToken ct)
    {
        if (Selected(TypedCollections))
            await Check(TypedCollections, () => TypedCollectionsAsync(ct));
        if (!Selected(NestedBelongToParent, NestedComplete)) return;
        var classes = await ListAsync("classes", ct).ConfigureAwait(false);
        var enrollments = await ListAsync("enrollments", ct).ConfigureAwait(false);
        var sessions = await ListAsync("academicSessions", ct).ConfigureAwait(false);
        var usable = new[] { classes, enrollments, sessions }.Where(l => !l.Ok || !l.Complete).Select(l => "/" + l.Path).ToList();
        if (usable.Count > 0)
        {
            var skip = Verdict.Skip("Needs the complete collections " + string.Join(", ", usable) + " to compute the expected records.");
            Record(NestedBelongToParent, skip);
            Record(NestedComplete, skip);
            return;
        }
        static HashSet<string> Ids(IEnumerable<JsonElement> records) => [.. records.Select(SourcedId).OfType<string>()];
        static HashSet<string> UserIds(IEnumerable<JsonElement> enrollments) => [.. enrollments.Select(e => Text(e, "user.sourcedId")).OfType<string>()];
        var relationships = new Relationship[]
        {
            new("schools/{schoolSourcedId}/classes", "classes", v => Ids(classes.Records.Where(c => Text(c, "school.sourcedId") == v["schoolSourcedId"]))),
            new("courses/{courseSourcedId}/classes", "classes", v => Ids(classes.Records.Where(c => Text(c, "course.sourcedId") == v["courseSourcedId"]))),
            new("schools/{schoolSourcedId}/enrollments", "enrollments", v => Ids(enrollments.Records.Where(e => Text(e, "school.sourcedId") == v["schoolSourcedId"]))),
            new("schools/{schoolSourcedId}/classes/{classSourcedId}/enrollments", "enrollments",
                v => Ids(enrollments.Records.Where(e => Text(e, "school.sourcedId") == v["schoolSourcedId"] && Text(e, "class.sourcedId") == v["classSourcedId"]))),
            new("classes/{classSourcedId}/students", "users", v => UserIds(enrollments.Records.Where(e => Text(e, "class.sourcedId") == v["classSourcedId"] && Text(e, "role") == "student"))),
            new("classes/{classSourcedId}/teachers", "users", v => UserIds(enrollments.Records.Where(e => Text(e, "class.sourcedId") == v["classSourcedId"] && Text(e, "role") == "teacher"))),
            new("terms/{termSourcedId}/gradingPeriods", "academicSessions",
                v => Ids(sessions.Records.Where(s => Text(s, "parent.sourcedId") == v["termSourcedId"] && Text(s, "type") == "gradingPeriod"))),
        };
        var parameters = await RouteParametersAsync(ct).ConfigureAwait(false);
        var belong = new List<(string, Verdict)>();
        var complete = new List<(string, Verdict)>();
        foreach (var relationship in relationships)
        {
            if (Fill(relationship.Template, parameters) is not { } path) continue;
            var expected = relationship.Expected(parameters);
            var listing = await FetchAllAsync(OneRosterService.Rostering, path, relationship.Plural, ct).ConfigureAwait(false);
            if (!listing.Ok)
            {
                var failed = Verdict.Fail($"{listing.Problem}", null, listing.Responses[^1]);
                belong.Add((path, failed));
                complete.Add((path, failed));
                continue;
            }
            var actual = listing.Ids.ToList();
            var foreign = actual.Where(id => !expected.Contains(id)).ToList();
            var missing = expected.Where(id => !actual.Contains(id, StringComparer.Ordinal)).ToList();
            belong.Add((path, foreign.Count == 0
                ? Verdict.Pass($"{actual.Count} records, all of the parent.")
                : Verdict.Fail($"{foreign.Count} records do not belong to the parent (e.g. {string.Join(", ", foreign.Take(5))}).", null, listing.First)));
            complete.Add((path, missing.Count == 0
                ? Verdict.Pass($"all {expected.Count} records of the parent.")
                : Verdict.Fail($"{missing.Count} records of the parent are missing (e.g. {string.Join(", ", missing.Take(5))}).", null, listing.First)));
        }
        string[] none = ["no relationship route could be filled from the data"];
        await Check(NestedBelongToParent, () => Task.FromResult(Combine(belong, none)));
        await Check(NestedComplete, () => Task.FromResult(Combine(complete, none)));
    }

    private async Task<Verdict> TypedCollectionsAsync(CancellationToken ct)
    {
        static bool HasRole(JsonElement user, string role) =>
            user.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Array && roles.EnumerateArray().Any(r => Text(r, "role") == role);
        var rules = new (string Path, string What, Func<JsonElement, bool> Holds)[]
        {
            ("schools", "org type school", o => Text(o, "type") == "school"),
            ("students", "a student role", u => HasRole(u, "student")),
            ("teachers", "a teacher role", u => HasRole(u, "teacher")),
            ("terms", "session type term", s => Text(s, "type") == "term"),
            ("gradingPeriods", "session type gradingPeriod", s => Text(s, "type") == "gradingPeriod"),
        };
        var results = new List<(string, Verdict)>();
        foreach (var (path, what, holds) in rules)
        {
            var listing = await ListAsync(path, ct).ConfigureAwait(false);
            if (!listing.Ok) { results.Add((path, Verdict.Skip(listing.Problem!))); continue; }
            var wrong = listing.Records.Where(r => !holds(r)).Select(r => SourcedId(r) ?? "?").ToList();
            results.Add((path, wrong.Count == 0
                ? (listing.Records.Count == 0 ? Verdict.Skip("empty.") : Verdict.Pass($"{listing.Records.Count} records, all with {what}."))
                : Verdict.Fail($"{wrong.Count} records without {what} (e.g. {string.Join(", ", wrong.Take(5))}).", null, listing.First)));
        }
        return Combine(results, []);
    }

    // ---- Japan Profile ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Japan Profile rules that can be judged from REST data alone. They restate the CSV profile rules of the hub's
    /// validator (schemas/…/Profiles/Japan, docs/profiles.md) for JSON: org types and MEXT codes, kana names, half-width
    /// katakana, 年度 sessions. Rules needing the whole package (references, duplicates, UUID policy) are left to the CSV target.
    /// </summary>
    private async Task CheckJapanAsync(CancellationToken ct)
    {
        AssertionDefinition[] japan = [JpOrgType, JpOrgCodes, JpKanaPresent, JpKanaFullWidth, JpNoHalfWidthKana, JpSchoolYear];
        if (!Selected(japan)) return;
        if (!session.Options.JapanProfile)
        {
            foreach (var a in japan) Record(a, Verdict.Skip("Japan Profile checks were not requested (--profile jp)."));
            return;
        }
        var orgs = await ListAsync("orgs", ct).ConfigureAwait(false);
        var users = await ListAsync("users", ct).ConfigureAwait(false);
        var sessions = await ListAsync("academicSessions", ct).ConfigureAwait(false);

        await Check(JpOrgType, () => Task.FromResult(Each(orgs, o => Text(o, "type") is "district" or "school" ? null : $"type '{Text(o, "type")}'")));
        await Check(JpOrgCodes, () => Task.FromResult(Each(orgs, o => (Text(o, "type"), Text(o, "identifier")) switch
        {
            ("school", var code) when !MextCodes.IsValidSchoolCode(code) => $"school identifier '{code}' is not a valid 学校コード",
            ("district", var code) when !MextCodes.IsValidBoardCode(code) => $"district identifier '{code}' is not a 教育委員会コード",
            _ => null,
        })));
        await Check(JpKanaPresent, () => Task.FromResult(Each(users, u =>
            Text(u, "metadata.jp.kanaGivenName") is { Length: > 0 } && Text(u, "metadata.jp.kanaFamilyName") is { Length: > 0 } ? null : "no metadata.jp.kanaGivenName/kanaFamilyName")));
        await Check(JpKanaFullWidth, () => Task.FromResult(Each(users, u =>
        {
            if (!u.TryGetProperty("metadata", out var m) || !m.TryGetProperty("jp", out var jp) || jp.ValueKind != JsonValueKind.Object) return null;
            var bad = jp.EnumerateObject().Where(p => p.Name.StartsWith("kana", StringComparison.Ordinal) && p.Value.ValueKind == JsonValueKind.String
                && !IsFullWidthKatakana(p.Value.GetString()!)).Select(p => $"{p.Name} '{p.Value.GetString()}'").ToList();
            return bad.Count == 0 ? null : string.Join(", ", bad) + " not full-width katakana";
        })));
        string[] texts = ["givenName", "familyName", "middleName", "preferredFirstName", "preferredLastName", "preferredMiddleName", "name", "title", "location"];
        var all = new[] { orgs, users, sessions, await ListAsync("classes", ct).ConfigureAwait(false), await ListAsync("courses", ct).ConfigureAwait(false) };
        await Check(JpNoHalfWidthKana, () => Task.FromResult(Each(all, r =>
        {
            var bad = texts.Select(t => (t, Text(r, t))).Where(x => x.Item2 is { } v && v.Any(IsHalfWidthKatakana)).Select(x => $"{x.t} '{x.Item2}'").ToList();
            return bad.Count == 0 ? null : "half-width katakana in " + string.Join(", ", bad);
        })));
        await Check(JpSchoolYear, () => Task.FromResult(Each(sessions, s =>
        {
            if (Text(s, "type") != "schoolYear") return null;
            var start = Text(s, "startDate");
            var end = Text(s, "endDate");
            return start is { Length: 10 } && end is { Length: 10 } && start[4..] == "-04-01" && end[4..] == "-03-31"
                && int.TryParse(start[..4], out var y1) && int.TryParse(end[..4], out var y2) && y2 == y1 + 1
                ? null : $"schoolYear from {start} to {end}, expected YYYY-04-01 to (YYYY+1)-03-31";
        })));
    }

    private static Verdict Each(Listing listing, Func<JsonElement, string?> problem) => Each([listing], problem);

    private static Verdict Each(IReadOnlyList<Listing> listings, Func<JsonElement, string?> problem)
    {
        if (listings.FirstOrDefault(l => !l.Ok) is { } broken) return Verdict.Skip($"/{broken.Path} could not be read: {broken.Problem}");
        var details = new List<string>();
        var evidence = new List<RestResponse>();
        var count = 0;
        foreach (var listing in listings)
        {
            foreach (var record in listing.Records)
            {
                count++;
                if (problem(record) is not { } p) continue;
                details.Add($"/{listing.Path} {SourcedId(record)}: {p}");
                if (!evidence.Contains(listing.First)) evidence.Add(listing.First);
            }
        }
        if (count == 0) return Verdict.Skip("no records.");
        return details.Count == 0 ? Verdict.Pass($"{count} records checked.") : Verdict.Fail($"{details.Count} of {count} records break the rule.", details, evidence);
    }

    /// <summary>Full-width katakana (U+30A1–U+30FA), the prolonged sound mark and middle dot (U+30FB–U+30FC), and full-width/ASCII spaces between names.</summary>
    internal static bool IsFullWidthKatakana(string value) =>
        value.Length > 0 && value.All(c => c is >= '\u30A1' and <= '\u30FC' or '\u3000' or ' ');

    /// <summary>Half-width katakana block U+FF65–U+FF9F (MEIBO fullwidth converter, M社 notHalfKana).</summary>
    internal static bool IsHalfWidthKatakana(char c) => c is >= '\uFF65' and <= '\uFF9F';
}
