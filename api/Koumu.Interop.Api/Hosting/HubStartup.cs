using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Demo;
using Koumu.Interop.Api.Imports;
using Koumu.Interop.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Api.Hosting;

/// <summary>What happens once before the hub serves requests: migrate, clean up, and (demo only) seed and issue the demo credential.</summary>
public static partial class HubStartup
{
    public static IServiceCollection AddKoumuHub(this IServiceCollection services, HubSettings settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton(new RosterStore(settings.Storage));
        // OpenIddict's EF Core stores resolve the DbContext from DI; the store knows which provider's context to build.
        services.AddScoped<KoumuDbContext>(sp => sp.GetRequiredService<RosterStore>().CreateDbContext());
        services.AddSingleton<ImportJobStore>();
        services.AddSingleton<ImportQueue>();
        services.AddHostedService<ImportWorker>();
        return services;
    }

    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken = default)
    {
        var settings = app.Services.GetRequiredService<HubSettings>();
        var store = app.Services.GetRequiredService<RosterStore>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Koumu.Interop.Api.Startup");

        Directory.CreateDirectory(settings.DataDirectory);
        await store.MigrateAsync(cancellationToken);
        var abandoned = await app.Services.GetRequiredService<ImportJobStore>().FailAbandonedAsync(cancellationToken);
        if (abandoned > 0) LogAbandoned(logger, abandoned);
        if (!settings.DemoEnabled) return;

        bool empty;
        await using (var db = store.CreateDbContext())
            empty = !await db.Tenants.AnyAsync(cancellationToken);
        if (empty)
        {
            LogSeeding(logger);
            var outcome = await DemoSeeder.SeedAsync(store, DemoSeeder.Tenant, pupils: null, progress: null, cancellationToken);
            if (!outcome.Committed)
                throw new InvalidOperationException(
                    $"The demo package was not stored ({outcome.Result.ErrorCount} errors; first: {outcome.Result.Problems.FirstOrDefault()}).");
        }
        else
        {
            await store.EnsureTenantAsync(DemoSeeder.Tenant, DemoSeeder.TenantName, cancellationToken);
        }

        ClientCredential credential;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            credential = await scope.ServiceProvider.GetRequiredService<ClientRegistry>().RotateAsync(
                ClientRegistry.DemoAdminClientId, DemoSeeder.Tenant, "Demo administrator",
                [KoumuScopes.Admin, .. KoumuScopes.OneRosterReadOnly], cancellationToken);
        }

        // Written to the console, not to the logger: log sinks are kept and shipped; a console line is not.
        // Only in demo mode (shared/reference/pitfalls.md: a production start never prints or logs secrets).
        var console = app.Services.GetService<DemoConsole>()?.Writer ?? Console.Out;
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var url = addresses.FirstOrDefault() ?? "http://localhost:5000";
            console.WriteLine();
            console.WriteLine($"Koumu Interop hub (demo) at {url}");
            console.WriteLine($"  token endpoint: {url}{AuthSetup.TokenPath}");
            console.WriteLine($"  client_id:      {credential.Client.ClientId}");
            console.WriteLine($"  client_secret:  {credential.ClientSecret}   (new on every start)");
            console.WriteLine($"  tenant:         {DemoSeeder.Tenant}");
            console.WriteLine();
        });
    }

    [LoggerMessage(LogLevel.Warning, "{Count} import job(s) of a previous run never finished; marked failed.")]
    private static partial void LogAbandoned(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "The store has no tenant: seeding tenant 'demo' with the demo roster.")]
    private static partial void LogSeeding(ILogger logger);
}

/// <summary>Where demo mode prints the URL and credential (the console unless a test registers its own writer).</summary>
public sealed class DemoConsole(TextWriter writer)
{
    public TextWriter Writer { get; } = writer;
}
