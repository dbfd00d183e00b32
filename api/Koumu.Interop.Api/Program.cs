using Koumu.Interop.Api;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Changes;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Api.OneRoster;

var builder = WebApplication.CreateBuilder(args);
var settings = HubSettings.From(builder.Configuration, builder.Environment.ContentRootPath);
builder.Services.AddKoumuHub(settings).AddKoumuAuth(settings);
builder.Services.AddKoumuChanges(builder.Configuration);
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();
app.MapTokenEndpoints();
app.MapClientEndpoints();
app.MapImportEndpoints();
app.MapExportEndpoints();
app.MapOneRosterEndpoints();
app.MapChangeEndpoints();
app.MapContractEndpoints();

await HubStartup.InitializeAsync(app);
await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
