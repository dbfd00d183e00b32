using Koumu.Interop.Api.Hosting;

var app = KoumuHubApplication.Build(WebApplication.CreateBuilder(args));
await HubStartup.InitializeAsync(app);
await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
