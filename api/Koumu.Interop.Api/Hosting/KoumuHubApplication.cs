using Koumu.Interop.Api.Attendance;
using Koumu.Interop.Api.Audit;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Changes;
using Koumu.Interop.Api.Learning;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Api.Xapi;

namespace Koumu.Interop.Api.Hosting;

/// <summary>
/// The hub's composition — services, middleware and endpoints — in one place, so the host (Program) and the REST
/// benchmark run the same pipeline rather than two copies that could drift.
/// </summary>
public static class KoumuHubApplication
{
    /// <summary>Adds the hub's services to <paramref name="builder"/>, builds the app and maps its pipeline (not yet started or migrated).</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = HubSettings.From(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddKoumuHub(settings).AddKoumuAuth(settings);
        builder.Services.AddKoumuChanges(builder.Configuration);
        builder.Services.AddXapi(builder.Configuration);
        builder.Services.AddXapiDocuments();
        builder.Services.AddAttendance();
        builder.Services.AddLearning(builder.Configuration);
        builder.Services.AddAuditTrail();
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseXapiCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapTokenEndpoints();
        app.MapClientEndpoints();
        app.MapImportEndpoints();
        app.MapExportEndpoints();
        app.MapOneRosterEndpoints();
        app.MapChangeEndpoints();
        app.MapXapiCredentialEndpoints();
        app.MapXapiEndpoints();
        app.MapXapiDocumentEndpoints();
        app.MapAttendanceEndpoints();
        app.MapLearningEndpoints();
        app.MapAuditEndpoints();
        app.MapContractEndpoints();
        return app;
    }
}
