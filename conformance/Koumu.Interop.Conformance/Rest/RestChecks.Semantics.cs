using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Koumu.Interop.Conformance.Rest.RestAssertions;

namespace Koumu.Interop.Conformance.Rest;

/// <summary>Paging, sort, filter and fields: each checked against what the collection itself holds (read unpaged first).</summary>
internal sealed partial class RestChecks
{
    /// <summary>Fields to sort on and filter by, per collection: required string fields first (every record has a value).</summary>
    private static readonly Dictionary<string, (string[] Sort, string[] Filter)> Candidates = new(StringComparer.Ordinal)
    {
        ["users"] = (["familyName", "givenName", "username"], ["familyName", "givenName", "username", "enabledUser"]),
        ["students"] = (["familyName", "givenName", "username"], ["familyName", "givenName", "username"]),
        ["teachers"] = (["familyName", "givenName", "username"], ["familyName", "givenName", "username"]),
        ["enrollments"] = (["role", "beginDate"], ["role", "primary"]),
        ["classes"] = (["title", "classCode"], ["classType", "title"]),
        ["courses"] = (["title", "courseCode"], ["title", "courseCode"]),
        ["orgs"] = (["name", "identifier"], ["type", "name"]),
        ["schools"] = (["name", "identifier"], ["name"]),
        ["academicSessions"] = (["title", "startDate"], ["type", "schoolYear"]),
    };

    private IEnumerable<string> SemanticCollections() =>
        session.Options.SemanticCollections.Where(p => RestEndpoints.Rostering.Any(c => c.Path == p));

    /// <summary>Collections usable for a semantic check: read completely, with at least <paramref name="min"/> records.</summary>
    private async Task<(List<(string Path, Listing Listing)> Usable, List<string> Reasons)> UsableAsync(int min, CancellationToken ct)
    {
        var usable = new List<(string, Listing)>();
        var reasons = new List<string>();
        foreach (var path in SemanticCollections())
        {
            var listing = await ListAsync(path, ct).ConfigureAwait(false);
            if (!listing.Ok) reasons.Add($"/{path}: {listing.Problem}");
            else if (!listing.Complete) reasons.Add($"/{path}: more than {session.Options.MaxRecords} records (raise --max-records)");
            else if (listing.Records.Count < min) reasons.Add($"/{path}: only {listing.Records.Count} records (at least {min} needed)");
            else usable.Add((path, listing));
        }
        return (usable, reasons);
    }

    private static Verdict Combine(IReadOnlyList<(string Path, Verdict Verdict)> verdicts, IReadOnlyList<string> reasons)
    {
        if (verdicts.Count == 0) return Verdict.Skip("No collection to check: " + string.Join("; ", reasons));
        var failed = verdicts.Where(v => v.Verdict.Outcome == Outcome.Failed).ToList();
        if (failed.Count > 0)
            return Verdict.Fail(failed.Count == 1
                    ? $"/{failed[0].Path}: {failed[0].Verdict.Message}"
                    : $"{failed.Count} of {verdicts.Count} checked routes fail ({string.Join(", ", failed.Select(f => "/" + f.Path))}); first: {failed[0].Verdict.Message}",
                failed.SelectMany(f => f.Verdict.Details.Prepend($"/{f.Path}: {f.Verdict.Message}")), failed.SelectMany(f => f.Verdict.Evidence));
        var passed = verdicts.Where(v => v.Verdict.Outcome == Outcome.Passed).ToList();
        if (passed.Count == 0)
            return Verdict.Skip(string.Join(" ", verdicts.Select(v => $"/{v.Path}: {v.Verdict.Message}").Concat(reasons)));
        return Verdict.Pass(string.Join(" ", passed.Select(v => $"/{v.Path}: {v.Verdict.Message}")));
    }

    private static List<string> Duplicates(IEnumerable<string> ids) =>
        [.. ids.GroupBy(i => i, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key)];

    /// <summary>"each exactly once": no duplicate, nothing missing, nothing foreign.</summary>
    private static List<string> ExactlyOnce(IReadOnlyList<string> visited, IReadOnlyList<string> expected)
    {
        var problems = new List<string>();
        var duplicates = Duplicates(visited);
        if (duplicates.Count > 0) problems.Add($"{duplicates.Count} records appear more than once (e.g. {string.Join(", ", duplicates.Take(5))})");
        var missing = expected.Except(visited, StringComparer.Ordinal).ToList();
        if (missing.Count > 0) problems.Add($"{missing.Count} records are never visited (e.g. {string.Join(", ", missing.Take(5))})");
        var foreign = visited.Except(expected, StringComparer.Ordinal).ToList();
        if (foreign.Count > 0) problems.Add($"{foreign.Count} records are not in the collection (e.g. {string.Join(", ", foreign.Take(5))})");
        return problems;
    }

    // ---- paging ----------------------------------------------------------------------------------------------------

    private async Task CheckPagingAsync(CancellationToken ct)
    {
        if (!Selected(LimitHonoured, PagesVisitEachOnce, TotalCountAgrees, OffsetHonoured, LinkHeader, NextLinksVisitEachOnce, LastLinkIsLastPage)) return;
        var (usable, reasons) = await UsableAsync(3, ct).ConfigureAwait(false);
        var limit = new List<(string, Verdict)>();
        var once = new List<(string, Verdict)>();
        var total = new List<(string, Verdict)>();
        var offset = new List<(string, Verdict)>();
        var link = new List<(string, Verdict)>();
        var next = new List<(string, Verdict)>();
        var last = new List<(string, Verdict)>();
        foreach (var (path, listing) in usable)
        {
            var collection = Find(path);
            var ids = listing.Ids.ToList();
            var n = Math.Max(1, ids.Count / 3);
            var pages = new List<(int Offset, RestResponse Response, List<string> Ids)>();
            for (var k = 0; k < ids.Count && pages.Count < 50; k += n)
            {
                var response = await session.GetAsync(session.Url($"{path}?limit={n}&offset={k}"), Credentials.Full, ct).ConfigureAwait(false);
                pages.Add((k, response, [.. (response.Records(collection.Plural) ?? []).Select(SourcedId).OfType<string>()]));
            }
            var broken = pages.FirstOrDefault(p => p.Response.Status != 200 || p.Response.Records(collection.Plural) is null);
            if (broken.Response is not null)
            {
                var v = Verdict.Fail($"{Describe(broken.Response)}: not a page of {collection.Plural}.", null, broken.Response);
                foreach (var list in new[] { limit, once, total, offset, link, next, last }) list.Add((path, v));
                continue;
            }

            var tooMany = pages.Where(p => p.Ids.Count != Math.Min(n, ids.Count - p.Offset)).ToList();
            limit.Add((path, tooMany.Count == 0
                ? Verdict.Pass($"limit={n} respected on {pages.Count} pages.")
                : Verdict.Fail($"limit={n} not respected.", tooMany.Select(p => $"offset={p.Offset}: {p.Ids.Count} records, expected {Math.Min(n, ids.Count - p.Offset)}"), tooMany.Select(p => p.Response))));

            var visited = pages.SelectMany(p => p.Ids).ToList();
            var problems = ExactlyOnce(visited, ids);
            once.Add((path, problems.Count == 0
                ? Verdict.Pass($"{pages.Count} pages of {n} visit the {ids.Count} records once each.")
                : Verdict.Fail($"paging with limit={n} does not visit each record once.", problems, pages.Select(p => p.Response))));

            var counts = pages.Select(p => p.Response).Prepend(listing.First).Where(r => r.TotalCount != ids.Count).ToList();
            total.Add((path, counts.Count == 0
                ? Verdict.Pass($"X-Total-Count {ids.Count} on every page.")
                : Verdict.Fail($"X-Total-Count differs from the {ids.Count} records of the collection.", counts.Select(r => $"{r.Exchange.Url}: X-Total-Count {r.Header("X-Total-Count") ?? "missing"}"), counts)));

            var misplaced = pages.Where(p => p.Ids.Count > 0 && p.Ids[0] != ids[p.Offset]).ToList();
            offset.Add((path, misplaced.Count == 0
                ? Verdict.Pass("offset starts each page at its position.")
                : Verdict.Fail("offset does not start pages at their position in the unpaged order.",
                    misplaced.Select(p => $"offset={p.Offset}: first record '{p.Ids[0]}', expected '{ids[p.Offset]}'"), misplaced.Select(p => p.Response))));

            var linkProblems = new List<string>();
            var linkEvidence = new List<RestResponse>();
            foreach (var (k, response, _) in pages)
            {
                var rels = LinkRelations(response.Header("Link"));
                var more = k + n < ids.Count;
                if (response.Header("Link") is null) linkProblems.Add($"offset={k}: no Link header");
                else
                {
                    if (more && !rels.ContainsKey("next")) linkProblems.Add($"offset={k}: more records follow but there is no rel=\"next\"");
                    if (!more && rels.ContainsKey("next")) linkProblems.Add($"offset={k}: the last page has a rel=\"next\"");
                    if (!rels.ContainsKey("last")) linkProblems.Add($"offset={k}: no rel=\"last\"");
                }
                if (linkProblems.Count > 0 && !linkEvidence.Contains(response)) linkEvidence.Add(response);
            }
            link.Add((path, linkProblems.Count == 0 ? Verdict.Pass("Link headers are consistent.") : Verdict.Fail("Link headers are missing or inconsistent.", linkProblems, linkEvidence)));

            next.Add((path, await FollowNextAsync(pages[0].Response, collection, ids, ct).ConfigureAwait(false)));
            last.Add((path, await LastLinkAsync(pages[0].Response, collection, ids, ct).ConfigureAwait(false)));
        }
        await Check(LimitHonoured, () => Task.FromResult(Combine(limit, reasons)));
        await Check(PagesVisitEachOnce, () => Task.FromResult(Combine(once, reasons)));
        await Check(TotalCountAgrees, () => Task.FromResult(Combine(total, reasons)));
        await Check(OffsetHonoured, () => Task.FromResult(Combine(offset, reasons)));
        await Check(LinkHeader, () => Task.FromResult(Combine(link, reasons)));
        await Check(NextLinksVisitEachOnce, () => Task.FromResult(Combine(next, reasons)));
        await Check(LastLinkIsLastPage, () => Task.FromResult(Combine(last, reasons)));
    }

    /// <summary>RFC 8288 Link header: rel → target URI (the first link of each relation).</summary>
    internal static Dictionary<string, string> LinkRelations(string? header)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(header)) return result;
        foreach (Match m in LinkValue().Matches(header))
            foreach (var rel in m.Groups["rel"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                result.TryAdd(rel, m.Groups["uri"].Value);
        return result;
    }

    [GeneratedRegex("<(?<uri>[^>]*)>[^,<]*?;\\s*rel\\s*=\\s*\"?(?<rel>[^\";,]+)\"?", RegexOptions.IgnoreCase)]
    private static partial Regex LinkValue();

    /// <summary>Resolves a link target against the request it came with; null when it leaves the provider's origin (the token is not sent there).</summary>
    private Uri? SameOrigin(RestResponse from, string target)
    {
        if (!Uri.TryCreate(from.Url, target, out var uri)) return null;
        return Uri.Compare(uri, session.Options.BaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0 ? uri : null;
    }

    private async Task<Verdict> FollowNextAsync(RestResponse first, RestCollection collection, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var visited = new List<string>((first.Records(collection.Plural) ?? []).Select(SourcedId).OfType<string>());
        var current = first;
        var evidence = new List<RestResponse> { first };
        for (var hops = 0; hops < ids.Count + 2; hops++)
        {
            if (!LinkRelations(current.Header("Link")).TryGetValue("next", out var target)) break;
            if (SameOrigin(current, target) is not { } url)
                return Verdict.Fail($"rel=\"next\" '{target}' leaves the provider's origin (not followed).", null, current);
            current = await session.GetAsync(url, Credentials.Full, ct).ConfigureAwait(false);
            evidence.Add(current);
            if (current.Status != 200 || current.Records(collection.Plural) is not { } page)
                return Verdict.Fail($"following rel=\"next\": {Describe(current)}.", null, current);
            visited.AddRange(page.Select(SourcedId).OfType<string>());
            if (page.Count == 0) break;
        }
        if (current.Header("Link") is null && evidence.Count == 1 && visited.Count < ids.Count)
            return Verdict.Skip("no Link header to follow (see OR-REST-PAGE-006).", first);
        var problems = ExactlyOnce(visited, ids);
        return problems.Count == 0
            ? Verdict.Pass($"{evidence.Count} pages by rel=\"next\".")
            : Verdict.Fail("following rel=\"next\" does not visit each record once.", problems, evidence.Take(4));
    }

    private async Task<Verdict> LastLinkAsync(RestResponse first, RestCollection collection, IReadOnlyList<string> ids, CancellationToken ct)
    {
        if (!LinkRelations(first.Header("Link")).TryGetValue("last", out var target)) return Verdict.Skip("no rel=\"last\" (see OR-REST-PAGE-006).", first);
        if (SameOrigin(first, target) is not { } url) return Verdict.Fail($"rel=\"last\" '{target}' leaves the provider's origin (not followed).", null, first);
        var page = await session.GetAsync(url, Credentials.Full, ct).ConfigureAwait(false);
        var pageIds = (page.Records(collection.Plural) ?? []).Select(SourcedId).OfType<string>().ToList();
        var hasLinkNext = LinkRelations(page.Header("Link")).ContainsKey("next");
        return page.Status == 200 && pageIds.Contains(ids[^1]) && !hasLinkNext
            ? Verdict.Pass("rel=\"last\" is the final page.")
            : Verdict.Fail($"rel=\"last\" ({Describe(page)}) is not the final page: it does not hold the last record '{ids[^1]}'{(hasLinkNext ? " or it has a rel=\"next\"" : "")}.", null, page, first);
    }

    // ---- sort ------------------------------------------------------------------------------------------------------

    /// <summary>
    /// OAS-R: "sort order should follow [UNICODE]". Both readings are accepted: code point order (a binary collation,
    /// what SQLite and PostgreSQL "C" give) and the Unicode Collation Algorithm's root order (ICU, invariant culture).
    /// </summary>
    private static readonly IReadOnlyList<(string Name, Comparison<string> Compare)> Orders =
    [
        ("code point", CodePointCompare),
        ("Unicode collation (root)", (a, b) => CultureInfo.InvariantCulture.CompareInfo.Compare(a, b, CompareOptions.None)),
    ];

    internal static int CodePointCompare(string a, string b)
    {
        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            var hasX = x.MoveNext();
            var hasY = y.MoveNext();
            if (!hasX || !hasY) return hasX.CompareTo(hasY);
            var c = x.Current.Value.CompareTo(y.Current.Value);
            if (c != 0) return c;
        }
    }

    /// <summary>Null when the values are in order (ascending, or descending) under one accepted order; else the first break.</summary>
    private static string? OrderProblem(IReadOnlyList<string> values, bool descending)
    {
        string? first = null;
        foreach (var (name, compare) in Orders)
        {
            for (var i = 1; i < values.Count; i++)
            {
                var c = compare(values[i - 1], values[i]);
                if (descending ? c >= 0 : c <= 0) continue;
                first ??= $"'{values[i - 1]}' comes before '{values[i]}' (position {i})";
                goto next;
            }
            return null;
        next:;
        }
        return first;
    }

    /// <summary>A sort field of the collection whose order differs from the default order (else a provider ignoring sort would pass).</summary>
    private static string? SortField(string path, Listing listing)
    {
        if (!Candidates.TryGetValue(path, out var candidates)) return null;
        foreach (var field in candidates.Sort)
        {
            var values = listing.Records.Select(r => Text(r, field)).ToList();
            if (values.Any(v => v is null) || values.Distinct(StringComparer.Ordinal).Count() < 2) continue;
            if (OrderProblem(values!, descending: false) is not null) return field;
        }
        return null;
    }

    private async Task CheckSortAsync(CancellationToken ct)
    {
        if (!Selected(SortAscending, SortDescending, SortStableAcrossPages)) return;
        var (usable, reasons) = await UsableAsync(3, ct).ConfigureAwait(false);
        var asc = new List<(string, Verdict)>();
        var desc = new List<(string, Verdict)>();
        var stable = new List<(string, Verdict)>();
        foreach (var (path, listing) in usable)
        {
            var collection = Find(path);
            var ids = listing.Ids.ToList();
            if (SortField(path, listing) is not { } field)
            {
                var skip = Verdict.Skip("no field whose sorted order differs from the default order.");
                asc.Add((path, skip)); desc.Add((path, skip)); stable.Add((path, skip));
                continue;
            }
            asc.Add((path, await SortedVerdictAsync(collection, ids, $"sort={field}", field, false, ct).ConfigureAwait(false)));
            desc.Add((path, await SortedVerdictAsync(collection, ids, $"sort={field}&orderBy=desc", field, true, ct).ConfigureAwait(false)));

            var n = Math.Max(1, ids.Count / 3);
            var pages = new List<RestResponse>();
            for (var k = 0; k < ids.Count && pages.Count < 50; k += n)
                pages.Add(await session.GetAsync(session.Url($"{path}?sort={field}&limit={n}&offset={k}"), Credentials.Full, ct).ConfigureAwait(false));
            var records = pages.SelectMany(p => p.Records(collection.Plural) ?? []).ToList();
            var problems = ExactlyOnce([.. records.Select(SourcedId).OfType<string>()], ids);
            if (OrderProblem([.. records.Select(r => Text(r, field) ?? "")], false) is { } order) problems.Add("across pages " + order);
            stable.Add((path, problems.Count == 0
                ? Verdict.Pass($"sort={field} pages of {n} are ordered and visit each record once.")
                : Verdict.Fail($"sort={field} with limit={n} and offset: not a stable order.", problems, pages)));
        }
        await Check(SortAscending, () => Task.FromResult(Combine(asc, reasons)));
        await Check(SortDescending, () => Task.FromResult(Combine(desc, reasons)));
        await Check(SortStableAcrossPages, () => Task.FromResult(Combine(stable, reasons)));
    }

    private async Task<Verdict> SortedVerdictAsync(RestCollection collection, IReadOnlyList<string> ids, string query, string field, bool descending, CancellationToken ct)
    {
        var listing = await FetchAllAsync(collection.Service, $"{collection.Path}?{query}", collection.Plural, ct).ConfigureAwait(false);
        if (!listing.Ok) return Verdict.Fail($"{query}: {listing.Problem}", null, listing.Responses[^1]);
        var problems = ExactlyOnce([.. listing.Ids], ids);
        if (OrderProblem([.. listing.Records.Select(r => Text(r, field) ?? "")], descending) is { } order) problems.Insert(0, $"not {(descending ? "descending" : "ascending")}: {order}");
        return problems.Count == 0
            ? Verdict.Pass($"{query} is {(descending ? "descending" : "ascending")}.")
            : Verdict.Fail($"{query} does not return the records in {(descending ? "descending" : "ascending")} order of {field}.", problems, listing.First);
    }

    // ---- filter ----------------------------------------------------------------------------------------------------

    /// <summary>A field and a value that some but not all records have (a filter that matched all or none would prove nothing).</summary>
    private static (string Field, string Value, string? Other)? FilterValue(string path, Listing listing)
    {
        if (!Candidates.TryGetValue(path, out var candidates)) return null;
        foreach (var field in candidates.Filter)
        {
            var groups = listing.Records.Select(r => Text(r, field)).Where(v => v is not null && !v.Contains('\'', StringComparison.Ordinal))
                .GroupBy(v => v!, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
            var value = groups.FirstOrDefault(g => g.Count() < listing.Records.Count);
            if (value is null) continue;
            return (field, value.Key, groups.FirstOrDefault(g => g.Key != value.Key)?.Key);
        }
        return null;
    }

    private async Task<Verdict> FilterVerdictAsync(RestCollection collection, string filter, Func<JsonElement, bool> predicate, Listing all, List<(string, Verdict)>? totals, CancellationToken ct)
    {
        var expected = all.Records.Where(predicate).Select(SourcedId).OfType<string>().ToList();
        var listing = await FetchAllAsync(collection.Service, $"{collection.Path}?filter={Q(filter)}", collection.Plural, ct).ConfigureAwait(false);
        if (!listing.Ok) return Verdict.Fail($"filter={filter}: {listing.Problem}", null, listing.Responses[^1]);
        var actual = listing.Ids.ToList();
        var wrong = actual.Except(expected, StringComparer.Ordinal).ToList();
        var missing = expected.Except(actual, StringComparer.Ordinal).ToList();
        var problems = new List<string>();
        if (wrong.Count > 0) problems.Add($"{wrong.Count} returned records do not satisfy it (e.g. {string.Join(", ", wrong.Take(5))})");
        if (missing.Count > 0) problems.Add($"{missing.Count} matching records are missing (e.g. {string.Join(", ", missing.Take(5))})");
        totals?.Add((collection.Path, listing.First.TotalCount == expected.Count
            ? Verdict.Pass($"X-Total-Count {expected.Count} under filter={filter}.")
            : Verdict.Fail($"under filter={filter} X-Total-Count is {listing.First.Header("X-Total-Count") ?? "missing"}, expected {expected.Count}.", null, listing.First)));
        return problems.Count == 0
            ? Verdict.Pass($"filter={filter} returns the {expected.Count} matching records.")
            : Verdict.Fail($"filter={filter}: {string.Join("; ", problems)}.", null, listing.First);
    }

    private async Task CheckFiltersAsync(CancellationToken ct)
    {
        if (!Selected(FilterEquals, FilterNotEquals, FilterLogical, FilterContains, FilterDateLastModified, FilterTotalCount)) return;
        var (usable, reasons) = await UsableAsync(2, ct).ConfigureAwait(false);
        var eq = new List<(string, Verdict)>();
        var ne = new List<(string, Verdict)>();
        var logical = new List<(string, Verdict)>();
        var contains = new List<(string, Verdict)>();
        var dates = new List<(string, Verdict)>();
        var totals = new List<(string, Verdict)>();
        foreach (var (path, listing) in usable)
        {
            var collection = Find(path);
            if (FilterValue(path, listing) is { } pick)
            {
                var (field, value, other) = pick;
                eq.Add((path, await FilterVerdictAsync(collection, $"{field}='{value}'", r => Text(r, field) == value, listing, totals, ct).ConfigureAwait(false)));
                ne.Add((path, await FilterVerdictAsync(collection, $"{field}!='{value}'", r => Text(r, field) is { } v && v != value, listing, null, ct).ConfigureAwait(false)));

                var excluded = listing.Records.First(r => Text(r, field) == value);
                var excludedId = SourcedId(excluded) ?? "";
                var and = await FilterVerdictAsync(collection, $"{field}='{value}' AND sourcedId!='{excludedId}'",
                    r => Text(r, field) == value && SourcedId(r) != excludedId, listing, null, ct).ConfigureAwait(false);
                var or = other is null
                    ? Verdict.Skip("no second value for OR.")
                    : await FilterVerdictAsync(collection, $"{field}='{value}' OR {field}='{other}'",
                        r => Text(r, field) is { } v && (v == value || v == other), listing, null, ct).ConfigureAwait(false);
                logical.Add((path, and.Outcome == Outcome.Failed ? and : or.Outcome == Outcome.Failed ? or : and with { Message = and.Message + " " + or.Message }));

                contains.Add((path, ContainsPick(listing, field, value) is { } part
                    ? await FilterVerdictAsync(collection, $"{field}~'{part}'", r => Text(r, field) is { } v && v.Contains(part, StringComparison.Ordinal), listing, null, ct).ConfigureAwait(false)
                    : Verdict.Skip($"no substring of '{value}' matches the same records with and without case.")));
            }
            else
            {
                var skip = Verdict.Skip("no field value held by some but not all records.");
                eq.Add((path, skip)); ne.Add((path, skip)); logical.Add((path, skip)); contains.Add((path, skip));
            }
            dates.Add((path, await DateFilterVerdictAsync(collection, listing, ct).ConfigureAwait(false)));
        }
        await Check(FilterEquals, () => Task.FromResult(Combine(eq, reasons)));
        await Check(FilterNotEquals, () => Task.FromResult(Combine(ne, reasons)));
        await Check(FilterLogical, () => Task.FromResult(Combine(logical, reasons)));
        await Check(FilterContains, () => Task.FromResult(Combine(contains, reasons)));
        await Check(FilterDateLastModified, () => Task.FromResult(Combine(dates, reasons)));
        await Check(FilterTotalCount, () => Task.FromResult(Combine(totals, reasons)));
    }

    /// <summary>
    /// A substring of <paramref name="value"/> that selects the same records whether the provider compares with or
    /// without case (the binding does not say which), and fewer records than an equality on the whole value would not.
    /// </summary>
    private static string? ContainsPick(Listing listing, string field, string value)
    {
        var values = listing.Records.Select(r => Text(r, field)).OfType<string>().ToList();
        var runes = value.EnumerateRunes().Select(r => r.ToString()).ToList();
        for (var length = Math.Min(2, runes.Count); length >= 1; length--)
        {
            for (var start = runes.Count - length; start >= 0; start--)
            {
                var part = string.Concat(runes.Skip(start).Take(length));
                if (part.Contains('\'', StringComparison.Ordinal) || part.Contains(' ', StringComparison.Ordinal)) continue;
                var exact = values.Count(v => v.Contains(part, StringComparison.Ordinal));
                var folded = values.Count(v => v.Contains(part, StringComparison.OrdinalIgnoreCase));
                if (exact == folded && exact < values.Count) return part;
            }
        }
        return null;
    }

    private async Task<Verdict> DateFilterVerdictAsync(RestCollection collection, Listing listing, CancellationToken ct)
    {
        var stamps = listing.Records.Select(r => Text(r, "dateLastModified") is { } t
                && DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : (DateTimeOffset?)null).ToList();
        if (stamps.Any(s => s is null)) return Verdict.Skip("a record has no parseable dateLastModified (see OR-REST-SCHEMA-001).");
        var ordered = stamps.Select(s => s!.Value).Distinct().Order().ToList();
        var thresholds = new List<DateTimeOffset> { ordered[0].AddSeconds(-1), ordered[^1] };
        if (ordered.Count > 2) thresholds.Add(ordered[ordered.Count / 2]);
        Verdict? result = null;
        foreach (var t in thresholds)
        {
            var text = t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);
            var verdict = await FilterVerdictAsync(collection, $"dateLastModified>'{text}'",
                r => DateTimeOffset.Parse(Text(r, "dateLastModified")!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) > t, listing, null, ct).ConfigureAwait(false);
            if (verdict.Outcome == Outcome.Failed) return verdict;
            result = result is null ? verdict : result with { Message = result.Message + " " + verdict.Message };
        }
        return result!;
    }

    // ---- fields ----------------------------------------------------------------------------------------------------

    private async Task CheckFieldsAsync(CancellationToken ct)
    {
        if (!Selected(FieldsProject, FieldsProjectSingle)) return;
        var (usable, reasons) = await UsableAsync(1, ct).ConfigureAwait(false);
        var many = new List<(string, Verdict)>();
        var one = new List<(string, Verdict)>();
        foreach (var (path, listing) in usable)
        {
            var collection = Find(path);
            var field = Candidates.TryGetValue(path, out var c) ? c.Sort[0] : "status";
            string[] wanted = ["sourcedId", field];
            var response = await session.GetAsync(session.Url($"{path}?fields={string.Join(',', wanted)}&limit=50"), Credentials.Full, ct).ConfigureAwait(false);
            many.Add((path, ProjectionVerdict(response, response.Records(collection.Plural), wanted)));
            var id = listing.Ids.First();
            var single = await session.GetAsync(session.Url($"{path}/{Q(id)}?fields={string.Join(',', wanted)}"), Credentials.Full, ct).ConfigureAwait(false);
            one.Add((path, ProjectionVerdict(single, single.Single(collection.Singular) is { } o ? [o] : null, wanted)));
        }
        await Check(FieldsProject, () => Task.FromResult(Combine(many, reasons)));
        await Check(FieldsProjectSingle, () => Task.FromResult(Combine(one, reasons)));
    }

    private static Verdict ProjectionVerdict(RestResponse response, IReadOnlyList<JsonElement>? records, string[] wanted)
    {
        var query = "fields=" + string.Join(',', wanted);
        if (response.Status != 200 || records is null) return Verdict.Fail($"{query}: {Describe(response)}, expected 200 with records.", null, response);
        var extra = records.SelectMany(r => r.EnumerateObject().Select(p => p.Name)).Where(n => !wanted.Contains(n, StringComparer.Ordinal))
            .Distinct(StringComparer.Ordinal).ToList();
        var withoutId = records.Count(r => SourcedId(r) is null);
        var problems = new List<string>();
        if (extra.Count > 0) problems.Add("properties not asked for: " + string.Join(", ", extra.Take(10)));
        if (withoutId > 0) problems.Add($"{withoutId} records lack sourcedId");
        return problems.Count == 0
            ? Verdict.Pass($"{query} projects {records.Count} records.")
            : Verdict.Fail($"{query} is not applied: {string.Join("; ", problems)}.", null, response);
    }
}
