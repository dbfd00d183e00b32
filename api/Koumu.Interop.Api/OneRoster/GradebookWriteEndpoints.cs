using System.Text.Json;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;
using Koumu.Interop.Storage.Writes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using QueryCollection = Koumu.Interop.Storage.Query.QueryCollection;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>The shape of a Gradebook write operation.</summary>
public enum GradebookWriteShape { Put, Delete, PostLineItemsForClass, PostLineItemsForSchool, PostResultsForLineItem, PostResultsForAcademicSessionForClass }

/// <summary>One OAS-G write operation: method, path under the Gradebook base, operationId, object type, the scope OAS-G <c>security</c> names.</summary>
public sealed record GradebookWriteRoute(string Method, string Path, string OperationId, GradebookObjectType Type, GradebookWriteShape Shape, string Scope);

/// <summary>
/// The 16 write operations of the OneRoster 1.2 Gradebook service (OAS-G): 6 PUT (201, no body), 6 DELETE (204),
/// 4 POST (201 GUIDPairSetDType). Each request: bearer token (401 <c>unauthorisedrequest</c>) → the operation's scope
/// (403 <c>forbidden</c>) → content type and body size (415 / 413) → JSON syntax (400) → <see cref="GradebookWriter"/>
/// with the client's org confinement (404 <c>unknownobject</c>, 422 <c>invaliddata</c>, 201 / 204).
/// Decisions: docs/decisions/0005-gradebook-writes.md.
/// </summary>
public static class GradebookWriteEndpoints
{
    public const string Base = OneRosterJsonMapper.GradebookBase;

    /// <summary>A request body above this is refused with 413 before it is parsed (a POST of 1,000 results is ~1 MB).</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>JSON nesting deeper than this is refused (the deepest OAS-G body nests 6 levels; metadata may nest a little more).</summary>
    public const int MaxJsonDepth = 32;

    private const string CreatePut = KoumuScopes.GradebookCreatePut;
    private const string CreatePost = KoumuScopes.GradebookCreatePost;
    private const string Delete = KoumuScopes.GradebookDelete;

    public static readonly IReadOnlyList<GradebookWriteRoute> All =
    [
        new("PUT", "/categories/{sourcedId}", "putCategory", GradebookObjectType.Category, GradebookWriteShape.Put, CreatePut),
        new("DELETE", "/categories/{sourcedId}", "deleteCategory", GradebookObjectType.Category, GradebookWriteShape.Delete, Delete),
        new("PUT", "/lineItems/{sourcedId}", "putLineItem", GradebookObjectType.LineItem, GradebookWriteShape.Put, CreatePut),
        new("DELETE", "/lineItems/{sourcedId}", "deleteLineItem", GradebookObjectType.LineItem, GradebookWriteShape.Delete, Delete),
        new("PUT", "/results/{sourcedId}", "putResult", GradebookObjectType.Result, GradebookWriteShape.Put, CreatePut),
        new("DELETE", "/results/{sourcedId}", "deleteResult", GradebookObjectType.Result, GradebookWriteShape.Delete, Delete),
        new("PUT", "/scoreScales/{sourcedId}", "putScoreScale", GradebookObjectType.ScoreScale, GradebookWriteShape.Put, CreatePut),
        new("DELETE", "/scoreScales/{sourcedId}", "deleteScoreScale", GradebookObjectType.ScoreScale, GradebookWriteShape.Delete, Delete),
        new("PUT", "/assessmentLineItems/{sourcedId}", "putAssessmentLineItem", GradebookObjectType.AssessmentLineItem, GradebookWriteShape.Put, KoumuScopes.AssessmentCreatePut),
        new("DELETE", "/assessmentLineItems/{sourcedId}", "deleteAssessmentLineItem", GradebookObjectType.AssessmentLineItem, GradebookWriteShape.Delete, KoumuScopes.AssessmentDelete),
        new("PUT", "/assessmentResults/{sourcedId}", "putAssessmentResult", GradebookObjectType.AssessmentResult, GradebookWriteShape.Put, KoumuScopes.AssessmentCreatePut),
        new("DELETE", "/assessmentResults/{sourcedId}", "deleteAssessmentResult", GradebookObjectType.AssessmentResult, GradebookWriteShape.Delete, KoumuScopes.AssessmentDelete),
        new("POST", "/classes/{classSourcedId}/lineItems", "postLineItemsForClass", GradebookObjectType.LineItem, GradebookWriteShape.PostLineItemsForClass, CreatePost),
        new("POST", "/schools/{schoolSourcedId}/lineItems", "postLineItemsForSchool", GradebookObjectType.LineItem, GradebookWriteShape.PostLineItemsForSchool, CreatePost),
        new("POST", "/lineItems/{lineItemSourcedId}/results", "postResultsForLineItem", GradebookObjectType.Result, GradebookWriteShape.PostResultsForLineItem, CreatePost),
        new("POST", "/classes/{classSourcedId}/academicSessions/{academicSessionSourcedId}/results", "postResultsForAcademicSessionForClass",
            GradebookObjectType.Result, GradebookWriteShape.PostResultsForAcademicSessionForClass, CreatePost),
    ];

    public static IEndpointRouteBuilder MapGradebookWriteEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var store = routes.ServiceProvider.GetRequiredService<RosterStore>();
        var writer = new GradebookWriter(store);
        foreach (var route in All)
        {
            RequestDelegate handler = context => HandleAsync(context, route, store, writer);
            routes.MapMethods(Base + route.Path, [route.Method], handler).WithName(route.OperationId);
        }
        return routes;
    }

    private static async Task HandleAsync(HttpContext context, GradebookWriteRoute route, RosterStore store, GradebookWriter writer)
    {
        var user = context.User;
        var cancellationToken = context.RequestAborted;
        if (user.Identity?.IsAuthenticated != true)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await RosteringHandlers.FailAsync(context, StatusCodes.Status401Unauthorized, CodeMinorValue.UnauthorisedRequest, "A valid bearer access token is required.", "token");
            return;
        }
        if (!user.HasScope(route.Scope))
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden, $"{route.OperationId} needs the scope {route.Scope}.", "scope");
            return;
        }
        var tenant = user.Tenant();
        if (tenant is null || tenant == Caller.AllTenants)
        {
            await RosteringHandlers.FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden,
                "OneRoster requests need a client bound to one tenant (koumu_tenant).", "token");
            return;
        }

        JsonDocument? document = null;
        if (route.Shape != GradebookWriteShape.Delete)
        {
            document = await ReadBodyAsync(context);
            if (document is null) return; // answered
        }
        using var _ = document;
        var body = document?.RootElement ?? default;

        string Value(string name) => (string)context.Request.RouteValues[name]!;
        var tenantId = route.Shape == GradebookWriteShape.Delete
            ? await store.FindTenantAsync(tenant, cancellationToken) ?? -1
            : await store.EnsureTenantAsync(tenant, tenant, cancellationToken);
        var confinement = await ConfinementAsync(store, tenantId, user, cancellationToken);
        CollectionConfinement rule = confinement.For;

        var outcome = route.Shape switch
        {
            GradebookWriteShape.Put => await writer.PutAsync(tenantId, route.Type, Value("sourcedId"), body, rule, cancellationToken),
            GradebookWriteShape.Delete => await writer.DeleteAsync(tenantId, route.Type, Value("sourcedId"), rule, cancellationToken),
            GradebookWriteShape.PostLineItemsForClass =>
                await writer.PostLineItemsAsync(tenantId, QueryCollections.Classes, Value("classSourcedId"), body, rule, cancellationToken),
            GradebookWriteShape.PostLineItemsForSchool =>
                await writer.PostLineItemsAsync(tenantId, QueryCollections.Schools, Value("schoolSourcedId"), body, rule, cancellationToken),
            GradebookWriteShape.PostResultsForLineItem =>
                await writer.PostResultsForLineItemAsync(tenantId, Value("lineItemSourcedId"), body, rule, cancellationToken),
            _ => await writer.PostResultsForAcademicSessionForClassAsync(tenantId, Value("classSourcedId"), Value("academicSessionSourcedId"), body, rule, cancellationToken),
        };

        switch (outcome.Status)
        {
            case WriteStatus.Created when route.Method == "POST":
                context.Response.StatusCode = StatusCodes.Status201Created;
                context.Response.ContentType = "application/json; charset=utf-8";
                await context.Response.Body.WriteAsync(OneRosterJson.SerializeToUtf8Bytes(new GUIDPairSet { SourcedIdPairs = outcome.Pairs }), cancellationToken);
                return;
            case WriteStatus.Created:
                context.Response.StatusCode = StatusCodes.Status201Created; // OAS-G: 201 with no content
                return;
            case WriteStatus.Deleted:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            case WriteStatus.NotFound:
                await RosteringHandlers.FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject, outcome.Errors[0].Message, outcome.Errors[0].Field);
                return;
            default:
                await InvalidAsync(context, outcome.Errors);
                return;
        }
    }

    private static async Task<ClientConfinement> ConfinementAsync(RosterStore store, int tenantId, System.Security.Claims.ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var orgs = user.GetClaims(Caller.OrgsClaim);
        if (orgs.IsDefaultOrEmpty) return ClientConfinement.Tenant;
        await using var db = store.CreateDbContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        return await ClientConfinement.ResolveAsync(connection, store.Options.Provider, tenantId, [.. orgs], cancellationToken);
    }

    /// <summary>
    /// The body as JSON. OAS-G lists no 400 for writes, only 422 for "well-formed but semantically wrong" bodies, and a
    /// <c>default</c> imsx_StatusInfo response: a body that is not JSON at all is malformed syntax, 400 (RFC 9110
    /// §15.5.1); a body that is not <c>application/json</c> is 415 (§15.5.16); one above <see cref="MaxBodyBytes"/> is
    /// 413 (§15.5.14). All carry imsx_StatusInfo with codeMinor invaliddata.
    /// </summary>
    private static Task<JsonDocument?> ReadBodyAsync(HttpContext context) =>
        JsonRequestBody.ReadAsync(context, MaxBodyBytes, MaxJsonDepth,
            $"The body exceeds {MaxBodyBytes} bytes; a POST may also hold at most {GradebookWriter.MaxObjectsPerPost} objects.");


    /// <summary>422 invaliddata: every problem as one imsx_codeMinorField (its field), all messages in the description.</summary>
    private static async Task InvalidAsync(HttpContext context, IReadOnlyList<WriteError> errors)
    {
        context.Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        context.Response.ContentType = "application/json; charset=utf-8";
        var info = new ImsxStatusInfo
        {
            CodeMajor = CodeMajor.Failure,
            Severity = Severity.Error,
            Description = string.Join("\n", errors.Select(e => e.Message)),
            CodeMinor = new ImsxCodeMinor
            {
                Fields = errors.Count == 0
                    ? [new ImsxCodeMinorField { Name = "body", Value = CodeMinorValue.InvalidData }]
                    : [.. errors.Select(e => new ImsxCodeMinorField { Name = e.Field, Value = CodeMinorValue.InvalidData })],
            },
        };
        await context.Response.Body.WriteAsync(OneRosterJson.SerializeToUtf8Bytes(info), context.RequestAborted);
    }

    internal static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
