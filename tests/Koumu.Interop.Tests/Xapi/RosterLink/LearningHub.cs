using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Tests.OneRoster;
using Koumu.Interop.Tests.TestSupport;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Koumu.Interop.Tests.Xapi.RosterLink;

/// <summary>
/// The real hub with the roster link configured (<c>Koumu:Xapi:AccountHomePage</c> = <see cref="HomePage"/>). Every test
/// works in a board of its own (<see cref="NewBoardAsync"/>: the two-school roster of <see cref="RosteringHub"/>), writes
/// Statements through the LRS with a Basic credential and reads activity with bearer tokens. Log lines are captured, so the
/// audit of personal-data reads can be checked.
/// </summary>
public class LearningHub : RosteringHub
{
    public const string HomePage = "https://lms.example.ed.jp";

    public ConcurrentQueue<string> Logs { get; } = new();

    /// <summary>No shared tenant: each test creates its own board.</summary>
    public override Task InitializeAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Koumu:Xapi:AccountHomePage", HomePage);
        builder.ConfigureTestServices(services => services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs)));
    }

    public static string NewTenant() => "learn-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>A new tenant holding the two-school roster (optionally with other users rows), returned by code.</summary>
    public async Task<string> NewBoardAsync(params string[] users)
    {
        var tenant = NewTenant();
        await ImportAsync(tenant, Board(users));
        return tenant;
    }

    /// <summary>The two-school roster; <paramref name="users"/> replace the users file when given.</summary>
    public static PackageBuilder Board(params string[] users)
    {
        var package = Package();
        if (users.Length > 0) package.File("users", "bulk", SamplePackages.UsersHeader, users);
        return package;
    }

    /// <summary>The users of the two-school roster, user-s2 with a userMasterIdentifier.</summary>
    public static string[] UsersWithMasterIdentifier(string userMasterIdentifier) =>
    [
        "user-t1,,,true,teacher1,{LTI:t1},花子,山田,,,,,,,,,,,,,org-school,",
        "user-s1,,,true,pupil1,,太郎,佐藤,,,,,,,P1,,,,,,org-school,",
        $"user-s2,,,true,pupil2,,次郎,鈴木,,,,,,,P1,,{userMasterIdentifier},,,,org-school,",
        "user-t2,,,true,teacher2,,一郎,高橋,,,,,,,,,,,,,org-school2,",
        "user-s3,,,true,pupil3,,三郎,田中,,,,,,,07,,,,,,org-school2,",
    ];

    /// <summary>A Basic LRS credential of <paramref name="tenant"/> (xAPI 1.0.3).</summary>
    public async Task<HttpClient> LrsClientAsync(string tenant)
    {
        using var admin = await AdminAsync(tenant);
        using var response = await admin.PostAsJsonAsync("/koumu/admin/v1/xapi-credentials", new { tenant, displayName = "learning app", read = true, write = true });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var http = CreateHttpsClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(created.GetProperty("key").GetString() + ":" + created.GetProperty("secret").GetString())));
        http.DefaultRequestHeaders.Add("X-Experience-API-Version", "1.0.3");
        return http;
    }

    /// <summary>A bearer client of <paramref name="tenant"/> with the learning scope, optionally confined to <paramref name="orgs"/>.</summary>
    public Task<HttpClient> LearningClientAsync(string tenant, string[]? orgs = null) =>
        OneRosterClientAsync([KoumuScopes.LearningReadonly], orgs, tenant);

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(sink);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<string> sink) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                sink.Enqueue(formatter(state, exception));
        }
    }
}

/// <summary>The same hub on a PostgreSQL database of its own.</summary>
public sealed class PostgresLearningHub : LearningHub
{
    protected override bool OnPostgres => true;
}
