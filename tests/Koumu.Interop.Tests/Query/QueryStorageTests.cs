using System.Globalization;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Query;

/// <summary>The query engine against stored rosters, on SQLite and PostgreSQL.</summary>
public sealed class QueryStorageTests
{
    private static readonly string[] FamilyNames = ["佐藤", "鈴木", "O'Brien", "Tanaka_%"];

    /// <summary>Users u01..u20: odd ones in school A, even ones in school B; family names repeat (ties for sorting).</summary>
    private sealed record TestUser(int N)
    {
        public string Id => $"u{N:00}";
        public string School => N % 2 == 1 ? "sch-a" : "sch-b";
        public string FamilyName => FamilyNames[N % 4];
        public string? MiddleName => N % 3 == 0 ? "M" : null;
        public string? Email => N <= 10 ? $"u{N}@Example.jp" : null;
        public bool Enabled => N % 5 != 0;
        public string Grades => N % 2 == 1 ? "P1" : "P2,P3";
        public string Role => N <= 2 ? "teacher" : "student";
        public string Row => $"{Id},,,{(Enabled ? "true" : "false")},user{N},,名{N},{FamilyName},{MiddleName},,{Email},,,,\"{Grades}\",,,,,,{School},";
    }

    private static readonly TestUser[] Users = Enumerable.Range(1, 20).Select(n => new TestUser(n)).ToArray();

    private static PackageBuilder Roster(params string[] extraUsers) => new PackageBuilder()
        .File("orgs", "bulk", OrgsHeader, "org-d,,,Board,district,131016,", "sch-a,,,School A,school,A1,org-d", "sch-b,,,School B,school,B1,org-d")
        .File("academicSessions", "bulk", SessionsHeader, SessionRows)
        .File("courses", "bulk", CoursesHeader, "course-a,,,ay-2026,Course A,,P1,sch-a,,", "course-b,,,ay-2026,Course B,,P2,sch-b,,")
        .File("classes", "bulk", ClassesHeader, "class-a,,,1年1組,P1,course-a,,homeroom,,sch-a,ay-2026,,,", "class-b,,,1年2組,P2,course-b,,homeroom,,sch-b,ay-2026,,,")
        .File("users", "bulk", UsersHeader, [.. Users.Select(u => u.Row), .. extraUsers])
        .File("roles", "bulk", RolesHeader, Users.Select(u => $"role-{u.Id},,,{u.Id},primary,{u.Role},,,{u.School},").ToArray())
        .File("enrollments", "bulk", EnrollmentsHeader, Users.Select(u =>
            $"enr-{u.Id},,,class-{u.School[^1]},{u.School},{u.Id},{u.Role},false,2026-04-{u.N:00},").ToArray());

    private static async Task<(TestStore Store, ImportOutcome Outcome)> StoreAsync(string provider)
    {
        var store = await TestStore.CreateAsync(provider);
        var outcome = await store.ImportAsync(Roster());
        Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems));
        return (store, outcome);
    }

    private static RosterQuery Parse(QueryCollection collection, QueryParameters parameters, QueryCursorCodec? codec = null)
    {
        var result = RosterQueryParser.Parse(collection, parameters, codec);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value;
    }

    private static async Task<RosterPage> PageAsync(TestStore store, QueryCollection collection, QueryParameters parameters,
        QueryConfinement? confinement = null, QueryCursorCodec? codec = null)
    {
        var plan = RosterQueryCompiler.Compile(Parse(collection, parameters, codec), store.Provider, store.TenantId, confinement ?? QueryConfinement.None);
        return await new RosterQueryExecutor(store.Store, codec).ReadPageAsync(plan, includeTotal: true);
    }

    private static async Task<string[]> IdsAsync(TestStore store, QueryCollection collection, string filter, QueryConfinement? confinement = null)
    {
        var page = await PageAsync(store, collection, new QueryParameters(Filter: filter, Limit: "10000"), confinement);
        Assert.Equal(page.Records.Count, page.TotalCount);
        return page.Records.Select(r => r.SourcedId).ToArray();
    }

    private static string[] Expected(Func<TestUser, bool> predicate) => Users.Where(predicate).Select(u => u.Id).ToArray();

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Every_operator_AND_OR_and_dotted_path_selects_exactly_the_matching_users(string provider)
    {
        var (store, _) = await StoreAsync(provider);
        await using var _store = store;
        var cases = new (string Filter, string[] Expected)[]
        {
            ("familyName='佐藤'", Expected(u => u.FamilyName == "佐藤")),
            ("familyName='O''Brien'", Expected(u => u.FamilyName == "O'Brien")),
            ("familyName!='佐藤'", Expected(u => u.FamilyName != "佐藤")),
            ("sourcedId>'u15'", Expected(u => u.N > 15)),
            ("sourcedId>='u15'", Expected(u => u.N >= 15)),
            ("sourcedId<'u03'", Expected(u => u.N < 3)),
            ("sourcedId<='u03'", Expected(u => u.N <= 3)),
            ("familyName~'brien'", Expected(u => u.FamilyName == "O'Brien")),
            ("email~'EXAMPLE.JP'", Expected(u => u.Email is not null)),
            ("familyName~'_%'", Expected(u => u.FamilyName == "Tanaka_%")),   // LIKE wildcards are literals
            ("familyName~'%'", Expected(u => u.FamilyName == "Tanaka_%")),
            ("middleName=''", Expected(u => u.MiddleName is null)),
            ("middleName!=''", Expected(u => u.MiddleName is not null)),
            ("middleName!='M'", Expected(u => u.MiddleName != "M")),           // no value is "not M"
            ("enabledUser='false'", Expected(u => !u.Enabled)),
            ("grades='P2'", Expected(u => u.Grades.Contains("P2", StringComparison.Ordinal))),
            ("grades='P'", []),                                               // membership, not substring
            ("grades!='P1'", Expected(u => u.Grades != "P1")),
            ("primaryOrg.sourcedId='sch-a'", Expected(u => u.School == "sch-a")),
            ("roles.role='teacher'", Expected(u => u.Role == "teacher")),
            ("roles.org.sourcedId='sch-b'", Expected(u => u.School == "sch-b")),
            ("roles.role='teacher' AND roles.org.sourcedId='sch-b'", ["u02"]),
            ("familyName='佐藤' OR familyName='鈴木' OR sourcedId='u03'", Expected(u => u.FamilyName is "佐藤" or "鈴木" || u.N == 3)),
            ("familyName='佐藤' AND enabledUser='true'", Expected(u => u.FamilyName == "佐藤" && u.Enabled)),
            ("dateLastModified>'2000-01-01T00:00:00Z'", Expected(_ => true)),
            ("dateLastModified<'2000-01-01'", []),
            ("familyName='x'' OR ''1''=''1'", []),                            // injection attempt is a harmless value
        };
        foreach (var (filter, expected) in cases)
        {
            var actual = await IdsAsync(store, QueryCollections.Users, filter);
            Assert.True(expected.AsEnumerable().SequenceEqual(actual), $"{provider}: {filter}: {string.Join(",", actual)}");
        }

        Assert.Equal(new[] { "enr-u01" }, await IdsAsync(store, QueryCollections.Enrollments, "class.sourcedId='class-a' AND user.sourcedId='u01'"));
        Assert.Equal(Expected(u => u.School == "sch-b").Select(id => "enr-" + id), await IdsAsync(store, QueryCollections.Enrollments, "school.sourcedId='sch-b'"));
        Assert.Equal(new[] { "enr-u18", "enr-u19", "enr-u20" }, await IdsAsync(store, QueryCollections.Enrollments, "beginDate>='2026-04-18'"));
        Assert.Equal(new[] { "enr-u01" }, await IdsAsync(store, QueryCollections.Enrollments, "beginDate<'2026-04-02'"));
        Assert.Equal(new[] { "class-a", "class-b" }, await IdsAsync(store, QueryCollections.Classes, "terms.sourcedId='ay-2026'"));
        Assert.Equal(new[] { "class-b" }, await IdsAsync(store, QueryCollections.Classes, "course.sourcedId='course-b'"));
        Assert.Equal(new[] { "sch-a", "sch-b" }, await IdsAsync(store, QueryCollections.Schools, "name~'school'"));
        Assert.Equal(new[] { "org-d" }, await IdsAsync(store, QueryCollections.Orgs, "type='district' OR parent.sourcedId='nobody'"));
        Assert.Equal(Expected(u => u.Role == "student"), await IdsAsync(store, QueryCollections.Students, "familyName~''"));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Dates_compare_as_instants_on_dateLastModified(string provider)
    {
        var (store, outcome) = await StoreAsync(provider);
        await using var _store = store;
        string At(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        Assert.Equal(20, (await IdsAsync(store, QueryCollections.Users, $"dateLastModified>='{At(outcome.ImportedAt)}'")).Length);
        Assert.Equal(20, (await IdsAsync(store, QueryCollections.Users, $"dateLastModified='{At(outcome.ImportedAt)}'")).Length);
        Assert.Empty(await IdsAsync(store, QueryCollections.Users, $"dateLastModified>'{At(outcome.ImportedAt)}'"));
        Assert.Empty(await IdsAsync(store, QueryCollections.Users, $"dateLastModified<'{At(outcome.ImportedAt)}'"));
        var tokyo = outcome.ImportedAt.AddHours(9).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+09:00'", CultureInfo.InvariantCulture);
        Assert.Equal(20, (await IdsAsync(store, QueryCollections.Users, $"dateLastModified<='{tokyo}'")).Length);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task An_OR_in_the_filter_never_widens_the_confinement(string provider)
    {
        var (store, _) = await StoreAsync(provider);
        await using var _store = store;
        var schoolA = QueryConfinement.FieldIn("roles.org.sourcedId", ["sch-a"]);
        // The Ed-Fi leak (oneroster.md §5): "visible AND a OR b" without parentheses returns b from everywhere.
        Assert.Empty(await IdsAsync(store, QueryCollections.Users, "sourcedId='u02' OR sourcedId='u04'", schoolA));
        Assert.Equal(Expected(u => u.School == "sch-a" && u.FamilyName == "O'Brien" || u.N == 1),
            await IdsAsync(store, QueryCollections.Users, "sourcedId='u01' OR familyName='O''Brien' OR roles.org.sourcedId='sch-b'", schoolA));
        Assert.Equal(Expected(u => u.School == "sch-a"),
            await IdsAsync(store, QueryCollections.Users, "sourcedId!='x' OR sourcedId='x'", schoolA));
        var classesA = QueryConfinement.FieldIn("school.sourcedId", ["sch-a"]);
        Assert.Equal(new[] { "class-a" }, await IdsAsync(store, QueryCollections.Classes, "school.sourcedId='sch-b' OR school.sourcedId='sch-a'", classesA));
        Assert.Empty(await IdsAsync(store, QueryCollections.Classes, "title~'組'", QueryConfinement.FieldIn("school.sourcedId", [])));
        // A hub-written predicate (as a nested route uses) is confined the same way.
        var raw = QueryConfinement.Sql("t.class_sourced_id = @r_class", new Dictionary<string, object> { ["r_class"] = "class-a" });
        Assert.Equal(Expected(u => u.School == "sch-a").Select(id => "enr-" + id),
            await IdsAsync(store, QueryCollections.Enrollments, "class.sourcedId='class-b' OR role='student' OR role='teacher'", raw));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Another_tenants_rows_are_never_returned(string provider)
    {
        var (store, _) = await StoreAsync(provider);
        await using var _store = store;
        var other = await store.CreateOtherTenantAsync("o" + Guid.NewGuid().ToString("N")[..12]);
        using (var source = PackageSource.Open(Roster("u99,,,true,intruder,,名,佐藤,,,,,,,,,,,,,sch-a,").WriteFolder()))
            Assert.True((await store.Store.ImportAsync(other, source, new ProcessingOptions { Profile = OneRosterProfiles.Base })).Committed);
        Assert.Empty(await IdsAsync(store, QueryCollections.Users, "sourcedId='u99' OR username='intruder'"));
        Assert.Equal(20, (await PageAsync(store, QueryCollections.Users, new QueryParameters())).TotalCount);
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Offset_pages_and_cursor_pages_visit_every_record_once_in_one_stable_order(string provider)
    {
        var (store, _) = await StoreAsync(provider);
        await using var _store = store;
        var codec = new QueryCursorCodec(new byte[32]);
        foreach (var sort in new string?[] { null, "familyName", "middleName", "dateLastModified", "enabledUser", "email" })
        foreach (var orderBy in new[] { "asc", "desc" })
        {
            var all = (await PageAsync(store, QueryCollections.Users, new QueryParameters(Sort: sort, OrderBy: orderBy, Limit: "1000")))
                .Records.Select(r => r.SourcedId).ToList();
            Assert.Equal(20, all.Count);

            var byOffset = new List<string>();
            for (var offset = 0; ; offset += 3)
            {
                var page = await PageAsync(store, QueryCollections.Users, new QueryParameters(Sort: sort, OrderBy: orderBy, Limit: "3", Offset: offset.ToString(CultureInfo.InvariantCulture)));
                Assert.Equal(20, page.TotalCount);
                byOffset.AddRange(page.Records.Select(r => r.SourcedId));
                if (!page.HasMore) break;
            }
            Assert.True(all.SequenceEqual(byOffset), $"{provider} sort={sort} {orderBy}: offset pages differ");

            var byCursor = new List<string>();
            string? cursor = null;
            for (var pages = 0; pages < 50; pages++)
            {
                var page = await PageAsync(store, QueryCollections.Users, new QueryParameters(Sort: sort, OrderBy: orderBy, Limit: "3", Cursor: cursor), codec: codec);
                byCursor.AddRange(page.Records.Select(r => r.SourcedId));
                cursor = page.NextCursor;
                if (cursor is null) break;
            }
            Assert.True(all.SequenceEqual(byCursor), $"{provider} sort={sort} {orderBy}: cursor pages differ: {string.Join(",", byCursor)}");
        }

        // Ties are broken by sourcedId, so within one family name the ids ascend.
        var sorted = (await PageAsync(store, QueryCollections.Users, new QueryParameters(Sort: "familyName", Limit: "100"))).Records;
        foreach (var group in sorted.GroupBy(r => r.Text("familyName")))
            Assert.Equal(group.Select(r => r.SourcedId).Order(StringComparer.Ordinal), group.Select(r => r.SourcedId));
    }

    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Rows_come_back_as_typed_records_and_the_count_ignores_paging(string provider)
    {
        var (store, _) = await StoreAsync(provider);
        await using var _store = store;
        var page = await PageAsync(store, QueryCollections.Enrollments, new QueryParameters(Filter: "role='student'", Limit: "2", Offset: "1"));
        Assert.Equal(18, page.TotalCount);
        Assert.True(page.HasMore);
        Assert.Equal(["enr-u04", "enr-u05"], page.Records.Select(r => r.SourcedId));
        var record = page.Records[0];
        Assert.Equal(new DateOnly(2026, 4, 4), record["beginDate"]);
        Assert.Equal(false, record["primary"]);
        Assert.Equal("active", record.Status);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)record["dateLastModified"]!).Kind);
        var mapper = new Schemas.Json.OneRosterJsonMapper("https://hub.example.jp");
        var enrollment = (Schemas.Json.Enrollment)mapper.Map(record);
        Assert.Equal("u04", enrollment.User.SourcedId);
    }
}
