using CsCheck;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Tests.Import;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Validation;

/// <summary>
/// The reference layer keeps sourcedIds and references as hashes partitioned by their top bits, in memory up to
/// <see cref="PackageLimits.MaxIdMemoryBytes"/> and in temporary files beyond it (issue #2: bounded memory whatever the
/// package size). These tests run the same checks with everything in memory and with everything spilled.
/// </summary>
public sealed class SpilledReferenceTests
{
    private static readonly ProcessingOptions Spilled = new() { Limits = new PackageLimits { MaxIdMemoryBytes = 0 } };

    private static (string RuleId, string? File, long? Line, string? Column, string? Value)[] Shape(ProcessingResult result) =>
        result.Problems.Select(p => (p.RuleId, p.File, p.Line, p.Column, p.Value)).ToArray();

    [Theory, MemberData(nameof(BaseRuleTests.AllCases), MemberType = typeof(BaseRuleTests))]
    public async Task Every_base_rule_case_reports_the_same_problems_when_ids_spill_to_disk(BaseRuleTests.Case c)
    {
        var inMemory = await BaseRuleTests.ValidateAsync(c.Package());
        var spilled = await BaseRuleTests.ValidateAsync(c.Package(), Spilled);
        Assert.Equal(Shape(inMemory), Shape(spilled));
        Assert.Equal(inMemory.ErrorCount, spilled.ErrorCount);
    }

    /// <summary>
    /// Any number of users with duplicated sourcedIds and enrollments naming users that exist, that are deleted in a
    /// delta, or that do not exist: the problems are exactly the oracle's, in line order, named with the id's text,
    /// whether the hashes stay in memory or spill.
    /// </summary>
    [Fact]
    public void Duplicates_and_dangling_references_are_found_exactly_in_memory_and_spilled()
    {
        var gen = Gen.Select(Gen.Int[1, 400], Gen.Int[0, 600], Gen.Int[0, 40].Array[0, 12], Gen.Int[0, 1000].Array[0, 20]);
        gen.Sample((users, enrollments, duplicateOf, missing) =>
        {
            // The sample's own users stay first: its roles refer to them.
            var userRows = UserRows.Concat(Enumerable.Range(0, users).Select(i => $"user-{i},,,true,u{i},,太郎,佐藤,,,,,,,P1,,,,,,org-school,")).ToList();
            var expected = new List<(string, string, long, string, string)>();
            foreach (var d in duplicateOf.Where(d => d < users))
            {
                userRows.Add(userRows[UserRows.Length + d]);
                expected.Add(("reference.duplicate_sourced_id", "users.csv", userRows.Count + 1, "sourcedId", $"user-{d}"));
            }
            var missingSet = missing.ToHashSet();
            var enrollmentRows = new List<string>();
            for (var i = 0; i < enrollments; i++)
            {
                var user = missingSet.Contains(i) ? $"ghost-{i}" : $"user-{i % users}";
                enrollmentRows.Add($"enr-{i},,,class-1,org-school,{user},student,false,,");
                if (missingSet.Contains(i)) expected.Add(("reference.unresolved", "enrollments.csv", i + 2, "userSourcedId", user));
            }
            var package = Rostering()
                .File("users", "bulk", UsersHeader, [.. userRows])
                .File("enrollments", "bulk", EnrollmentsHeader, [.. enrollmentRows]);
            foreach (var options in new[] { new ProcessingOptions(), Spilled })
            {
                var result = BaseRuleTests.ValidateAsync(package, options).GetAwaiter().GetResult();
                var actual = result.Problems.Select(p => (p.RuleId, p.File!, p.Line!.Value, p.Column!, p.Value!)).ToList();
                Assert.Equal(expected, actual);
            }
        }, iter: 40);
    }

    [Fact]
    public async Task A_delta_reference_to_a_record_deleted_in_the_same_package_is_named_when_spilled()
    {
        var package = new PackageBuilder()
            .File("users", "delta", UsersHeader, "user-s9,tobedeleted,2026-05-01T00:00:00Z,,,,,,,,,,,,,,,,,,,")
            .File("enrollments", "delta", EnrollmentsHeader, "enr-9,active,2026-05-01T00:00:00Z,class-1,org-school,user-s9,student,false,,");
        var result = await BaseRuleTests.ValidateAsync(package, Spilled);
        var problem = result.Problems.Single(p => p.RuleId == "reference.to_deleted");
        Assert.Equal(("enrollments.csv", 2L, "userSourcedId", "user-s9"), (problem.File, problem.Line!.Value, problem.Column, problem.Value));
    }

    [Fact]
    public async Task Findings_beyond_the_kept_problems_are_counted_not_kept()
    {
        var rows = Enumerable.Range(0, 500).Select(i => $"enr-{i},,,class-1,org-school,ghost-{i},student,false,,").ToArray();
        var options = new ProcessingOptions { Limits = new PackageLimits { MaxProblemsKept = 25, MaxIdMemoryBytes = 0 } };
        var result = await BaseRuleTests.ValidateAsync(Rostering().File("enrollments", "bulk", EnrollmentsHeader, rows), options);
        Assert.Equal(500, result.ErrorCount);
        Assert.Equal(25, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal("reference.unresolved", p.RuleId));
    }

    /// <summary>
    /// A delta that refers to records only the store holds: without a store, the first 100 distinct ids of each target are
    /// reported as unverified at the line they first appear — the same whether the pending references stay in memory or spill.
    /// </summary>
    [Fact]
    public void Delta_references_outside_the_package_are_reported_once_at_first_use_in_memory_and_spilled()
    {
        Gen.Select(Gen.Int[1, 300], Gen.Int[1, 600], Gen.Int[0, 200]).Sample((distinct, rows, seed) =>
        {
            var random = new Random(seed);
            var enrollmentRows = Enumerable.Range(0, rows)
                .Select(i => $"enr-{i},active,2026-05-01T00:00:00Z,class-{random.Next(3)},org-school,user-{random.Next(distinct)},student,false,,").ToArray();
            var expected = new List<(string, string, long, string, string)>();
            foreach (var (column, index) in new[] { ("classSourcedId", 3), ("userSourcedId", 5) })
                expected.AddRange(enrollmentRows.Select((row, i) => (Id: row.Split(',')[index], Line: i + 2L))
                    .DistinctBy(r => r.Id).Take(100).Select(r => ("reference.unverified", "enrollments.csv", r.Line, column, r.Id)));
            var package = new PackageBuilder().File("enrollments", "delta", EnrollmentsHeader, enrollmentRows);
            foreach (var options in new[] { new ProcessingOptions(), Spilled })
            {
                var result = BaseRuleTests.ValidateAsync(package, options).GetAwaiter().GetResult();
                var actual = result.Problems.Where(p => p.Column != "schoolSourcedId")
                    .Select(p => (p.RuleId, p.File!, p.Line!.Value, p.Column!, p.Value!)).OrderBy(p => p.Item4, StringComparer.Ordinal).ThenBy(p => p.Item3).ToList();
                Assert.Equal(expected.OrderBy(p => p.Item4, StringComparer.Ordinal).ThenBy(p => p.Item3), actual);
            }
        }, iter: 40);
    }

    /// <summary>
    /// A delta of enrollments naming stored users and users nobody stored, many times over, with every pending reference
    /// spilled to disk: each missing user is reported once, at its first line; stored ones are not; the delta changes nothing.
    /// </summary>
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_spilled_delta_checks_every_reference_against_the_store_and_reports_each_missing_id_once(string provider)
    {
        await using var store = await ImportSemanticsTests.StoreWithRosterAsync(provider);
        var stored = new[] { "user-t1", "user-s1", "user-s2" };
        var rows = new List<string>();
        var expected = new List<(long Line, string Id)>();
        var seen = new HashSet<string>();
        for (var i = 0; i < 18_000; i++)
        {
            // 6,000 distinct ghosts (more than one store query's chunk of 5,000 ids), each named twice, between references to stored users.
            var user = i % 3 == 0 ? stored[i % stored.Length] : $"ghost-{i % 9_000}";
            rows.Add($"enr-new-{i},active,2026-05-01T00:00:00Z,class-1,org-school,{user},student,false,,");
            if (user.StartsWith("ghost-", StringComparison.Ordinal) && seen.Add(user)) expected.Add((i + 2, user));
        }
        var package = new PackageBuilder().File("enrollments", "delta", EnrollmentsHeader, [.. rows]);
        using var source = PackageSource.Open(package.WriteFolder());
        var outcome = await store.Store.ImportAsync(store.TenantId, source,
            new ProcessingOptions { Limits = new PackageLimits { MaxIdMemoryBytes = 0, MaxProblemsKept = 10_000 } });
        Assert.False(outcome.Committed);
        var unresolved = outcome.Result.Problems.Where(p => p.RuleId == "reference.unresolved").ToList();
        Assert.All(unresolved, p => Assert.Equal(("enrollments.csv", "userSourcedId"), (p.File, p.Column)));
        Assert.Equal(expected.OrderBy(e => e.Line), unresolved.Select(p => (p.Line!.Value, p.Value!)).OrderBy(e => e.Item1));
        Assert.Equal(3, await store.CountAsync("enrollments"));
    }

    [Fact]
    public void Pending_external_references_spill_beyond_the_budget_and_stay_in_memory_within_it()
    {
        using (var tight = new SpillBudget(0))
        using (var references = new ExternalReferences(tight))
        {
            references.Add("users", "user-1", "enrollments.csv", 2, "userSourcedId");
            Assert.True(references.Spilled > 0);
            Assert.Equal(0, tight.Used);
        }
        using var roomy = new SpillBudget(1 << 20);
        using (var references = new ExternalReferences(roomy))
        {
            references.Add("users", "user-1", "enrollments.csv", 2, "userSourcedId");
            references.Add("users", "user-1", "enrollments.csv", 3, "userSourcedId");
            Assert.Equal(0, references.Spilled);
            Assert.True(roomy.Used > 0);
        }
        Assert.Equal(0, roomy.Used); // disposing gives the memory back to the package's budget
    }

    [Fact]
    public void Partitions_return_every_entry_whether_kept_in_memory_or_spilled()
    {
        Gen.Select(Gen.UInt128.Array[0, 30_000], Gen.Long[0, 4L << 20]).Sample((hashes, budgetBytes) =>
        {
            using var budget = new SpillBudget(budgetBytes);
            using var partitions = new HashPartitions(budget);
            for (var i = 0; i < hashes.Length; i++) partitions.Add(hashes[i], HashEntry.LineTag(i + 2, i % 200));
            var back = new List<(UInt128, long, int)>();
            for (var p = 0; p < HashPartitions.Count; p++)
            {
                Assert.Equal(hashes.Count(h => HashPartitions.PartitionOf(h) == p), partitions.SizeOf(p));
                partitions.Read(p, ref back, static (ref List<(UInt128, long, int)> list, in HashEntry e) => list.Add((e.Hash, e.Line, e.Column)));
            }
            var expected = hashes.Select((h, i) => (h, (long)i + 2, i % 200)).OrderBy(x => x.Item2).ToList();
            Assert.Equal(expected, back.OrderBy(x => x.Item2).ToList());
            Assert.True(budget.Used <= budgetBytes);
            if (hashes.Length >= 4096 * HashPartitions.Count && budgetBytes == 0) Assert.True(budget.Spilled > 0);
        }, iter: 30);
    }

    [Fact]
    public void A_spilling_budget_writes_files_and_removes_them_when_disposed()
    {
        string directory;
        using (var budget = new SpillBudget(0))
        {
            using var partitions = new HashPartitions(budget);
            for (var i = 0; i < 300_000; i++) partitions.Add(System.IO.Hashing.XxHash128.HashToUInt128(BitConverter.GetBytes(i)), HashEntry.LineTag(i, 0));
            Assert.True(budget.Spilled > 0);
            directory = Path.GetDirectoryName(budget.NewFile())!;
            Assert.True(Directory.Exists(directory));
        }
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public void Partition_table_reports_the_other_line_of_a_duplicate_and_keeps_deletions()
    {
        var table = new PartitionTable();
        table.Reset(10);
        Assert.Equal(0, table.Add(7, 5, deletion: false));
        Assert.Equal(5, table.Add(7, 3, deletion: false));  // read back out of file order: the earlier line is kept
        Assert.Equal(3, table.Add(7, 9, deletion: true));
        Assert.Equal(PartitionTable.Deleted, table.Lookup(7));
        Assert.Equal(PartitionTable.Absent, table.Lookup(8));
        table.Reset(10);
        Assert.Equal(PartitionTable.Absent, table.Lookup(7));
    }

    /// <summary>
    /// A tenant's first load into tables other tenants already fill: duplicate sourcedIds reach the writer before the
    /// reference layer names them (at the end of the file), so the writer stages them; the import is refused cleanly.
    /// </summary>
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task A_first_load_with_duplicates_and_dangling_references_is_refused_and_changes_nothing(string provider)
    {
        await using var store = await ImportSemanticsTests.StoreWithRosterAsync(provider); // other tenants' rows exist on PostgreSQL
        var tenant = await store.CreateOtherTenantAsync("t" + Guid.NewGuid().ToString("N")[..12]);
        var package = Rostering()
            .File("users", "bulk", UsersHeader, [.. UserRows, UserRows[1]])
            .File("enrollments", "bulk", EnrollmentsHeader, [.. EnrollmentRows, "enr-x,,,class-1,org-school,ghost,student,false,,"]);
        using var source = PackageSource.Open(package.WriteFolder());
        var outcome = await store.Store.ImportAsync(tenant, source, Spilled);
        Assert.False(outcome.Committed);
        Assert.Contains(outcome.Result.Problems, p => p is { RuleId: "reference.duplicate_sourced_id", File: "users.csv", Line: 5, Value: "user-s1" });
        Assert.Equal(0, await store.CountAsync("users", tenantId: tenant));
        Assert.Equal(0, await store.CountAsync("orgs", tenantId: tenant));
    }

    /// <summary>The initial load of an empty hub drops and rebuilds keys; a refused one must leave them in place.</summary>
    [SkippableFact]
    public async Task A_refused_initial_load_on_an_empty_postgres_hub_keeps_its_keys()
    {
        await using var store = await TestStore.CreateIsolatedPostgresAsync();
        var outcome = await store.ImportAsync(Rostering().File("users", "bulk", UsersHeader, [.. UserRows, UserRows[0]]));
        Assert.False(outcome.Committed);
        Assert.Contains(outcome.Result.Problems, p => p.RuleId == "reference.duplicate_sourced_id");
        var accepted = await store.ImportAsync(Rostering());
        Assert.True(accepted.Committed, string.Join("\n", accepted.Result.Problems));
        Assert.Equal(3, await store.CountAsync("users"));
        // The primary key is back: a duplicate row cannot be inserted.
        await using var connection = await store.Store.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype = 'p'";
        Assert.Equal(1L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }
}
