using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Tests.Api;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.OneRoster;

/// <summary>
/// The real hub with a two-school roster in tenant <see cref="Tenant"/>: a district with schools org-school (class-1:
/// teacher user-t1, students user-s1 and user-s2) and org-school2 (class-2: teacher user-t2, student user-s3); one
/// school year, one term, one grading period, demographics for user-s1 and user-s3; three resources linked to classes,
/// courses and users (<see cref="ResourceRows"/>).
/// </summary>
public class RosteringHub : KoumuApiFactory, IAsyncLifetime
{
    /// <summary>Why this hub cannot run (PostgreSQL unreachable outside CI); null when it can.</summary>
    public string? Unavailable { get; protected set; }

    public const string Tenant = "board-a";

    public static PackageBuilder Package() => new PackageBuilder()
        .File("orgs", "bulk", OrgsHeader, [.. OrgRows, "org-school2,,,Sample Junior High,school,C113210000011,org-district"])
        .File("academicSessions", "bulk", SessionsHeader,
            "ay-2026,,,2026年度,schoolYear,2026-04-01,2027-03-31,,2027",
            "term-1,,,前期,term,2026-04-01,2026-09-30,ay-2026,2027",
            "gp-1,,,1学期,gradingPeriod,2026-04-01,2026-07-20,term-1,2027")
        .File("courses", "bulk", CoursesHeader, [.. CourseRows, "course-2,,,ay-2026,2026年度 数学,,07,org-school2,数学,P020"])
        .File("classes", "bulk", ClassesHeader,
            "class-1,,,1年1組,P1,course-1,,homeroom,,org-school,term-1,,,",
            "class-2,,,1年A組,07,course-2,,homeroom,,org-school2,term-1,,,")
        .File("users", "bulk", UsersHeader,
        [
            .. UserRows,
            "user-t2,,,true,teacher2,,一郎,高橋,,,,,,,,,,,,,org-school2,",
            "user-s3,,,true,pupil3,,三郎,田中,,,,,,,07,,,,,,org-school2,",
        ])
        .File("roles", "bulk", RolesHeader,
        [
            .. RoleRows,
            "role-t2,,,user-t2,primary,teacher,,,org-school2,",
            "role-s3,,,user-s3,primary,student,,,org-school2,",
        ])
        .File("enrollments", "bulk", EnrollmentsHeader,
        [
            .. EnrollmentRows,
            "enr-t2,,,class-2,org-school2,user-t2,teacher,true,,",
            "enr-s3,,,class-2,org-school2,user-s3,student,false,,",
        ])
        .File("demographics", "bulk", PackageBuilder.Header("demographics"),
            "user-s1,,,2019-05-01,male,,,,,,,,,,,",
            "user-s3,,,2013-11-20,female,,,,,,,,JP,,,")
        .File("resources", "bulk", PackageBuilder.Header("resources"), ResourceRows)
        .File("classResources", "bulk", PackageBuilder.Header("classResources"), ClassResourceRows)
        .File("courseResources", "bulk", PackageBuilder.Header("courseResources"),
            "cor-1,,,,course-1,res-1",
            "cor-2,,,,course-2,res-3")
        .File("userResources", "bulk", PackageBuilder.Header("userResources"),
            "ur-1,,,user-s1,org-school,class-1,res-2",
            "ur-2,,,user-s3,org-school2,,res-3");

    /// <summary>Three learning resources: res-1 and res-2 linked to class-1, res-1 to course-1, res-3 to course-2 and user-s3, res-2 to user-s1.</summary>
    public static readonly string[] ResourceRows =
    [
        "res-1,,,vr-001,国語デジタル教科書,student,primary,vendor-a,",
        "res-2,,,vr-002,Math drill,teacher,secondary,vendor-a,app-1",
        "res-3,,,vr-003,英語リスニング,,,,",
    ];

    public static readonly string[] ClassResourceRows = ["cr-1,,,,class-1,res-1", "cr-2,,,教材,class-1,res-2"];

    /// <summary>
    /// Whether this hub runs on a PostgreSQL database of its own, created for the fixture, instead of the SQLite file:
    /// the <c>Postgres*Hub</c> fixtures set it, so every specification runs on both databases with one switch.
    /// </summary>
    protected virtual bool OnPostgres => false;

    private string? _postgres;

    /// <summary>Creates the PostgreSQL database first when <see cref="OnPostgres"/> (unreachable: skipped locally, failed under CI), then seeds.</summary>
    async Task IAsyncLifetime.InitializeAsync()
    {
        if (OnPostgres)
        {
            try
            {
                await using var store = await TestStore.CreateIsolatedPostgresAsync();
                _postgres = store.Store.Options.ConnectionString;
            }
            catch (SkipException e)
            {
                Unavailable = e.Message;
                return;
            }
        }
        await InitializeAsync();
    }

    /// <summary>Seeds the hub (the host starts on first use): the two-school roster here; subclasses add their own data.</summary>
    public virtual async Task InitializeAsync() => await ImportAsync(Tenant, Package());

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (!OnPostgres) return;
        builder.UseSetting("Koumu:Database:Provider", "postgres");
        builder.UseSetting("Koumu:Database:ConnectionString", _postgres ?? throw new InvalidOperationException("PostgreSQL database not created"));
    }

    /// <summary>Stores a package in a tenant through RosterStore (the same path as the import API), failing the test if it is rejected.</summary>
    public async Task ImportAsync(string tenant, PackageBuilder package)
    {
        var store = Services.GetRequiredService<RosterStore>();
        var tenantId = await store.EnsureTenantAsync(tenant, tenant);
        var folder = package.WriteFolder();
        try
        {
            using var source = new FolderPackageSource(folder);
            var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions { Profile = OneRosterProfiles.Base });
            Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems.Take(10)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

    /// <summary>A client with a token of a new client of <paramref name="tenant"/>, optionally confined to <paramref name="orgs"/>.</summary>
    public async Task<HttpClient> OneRosterClientAsync(string[] scopes, string[]? orgs = null, string tenant = Tenant)
    {
        var credential = await CreateClientAsync(tenant, scopes, orgs);
        using var response = await RequestTokenAsync(credential.Client.ClientId, credential.ClientSecret, string.Join(' ', scopes));
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        var http = CreateHttpsClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    public static readonly string[] AllResourceScopes = [KoumuScopes.ResourceReadonly, KoumuScopes.ResourceCoreReadonly];

    public static readonly string[] AllRosterScopes = [KoumuScopes.RosterReadonly, KoumuScopes.RosterCoreReadonly, KoumuScopes.RosterDemographicsReadonly];
}

/// <summary>The same hub on a PostgreSQL database of its own.</summary>
public sealed class PostgresRosteringHub : RosteringHub
{
    protected override bool OnPostgres => true;
}

/// <summary>The Postgres* fixtures really run the hub on PostgreSQL (a switch that silently fell back to SQLite would halve coverage unnoticed).</summary>
public sealed class PostgresHubFixtureTests(PostgresRosteringHub hub) : IClassFixture<PostgresRosteringHub>
{
    [SkippableFact]
    public void The_postgres_fixture_hub_stores_on_postgresql()
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        Assert.Equal(DatabaseProvider.Postgres, hub.Services.GetRequiredService<RosterStore>().Options.Provider);
    }
}
