using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Xapi;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Koumu.Interop.Api.Xapi;

/// <summary>The body of an LRS error (C §3.2: "SHOULD include a message"): what is wrong, and for Statements each problem with its JSON path.</summary>
public sealed record XapiError(string Message, IReadOnlyList<string>? Problems = null);

/// <summary>LRS settings (<c>Koumu:Xapi</c>).</summary>
public sealed record XapiSettings(long MaxRequestBytes, int MaxLimit)
{
    public static XapiSettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Koumu:Xapi");
        var max = section.GetValue<long?>("MaxRequestBytes") ?? 8L * 1024 * 1024;
        if (max <= 0) throw new InvalidOperationException("Koumu:Xapi:MaxRequestBytes must be positive.");
        var limit = section.GetValue<int?>("MaxLimit") ?? 500;
        if (limit <= 0) throw new InvalidOperationException("Koumu:Xapi:MaxLimit must be positive.");
        return new XapiSettings(max, limit);
    }
}

/// <summary>
/// The xAPI Statement resource (C §2.1) at <c>/xapi/statements</c>, for xAPI 1.0.3 and 2.0 negotiated per request
/// (docs/decisions/0007-xapi-lrs.md), the About resource (C §2.8), and the prologue every LRS resource shares
/// (<see cref="BeginAsync"/>: authentication, rights, version header). Here: PUT/POST (application/json, or
/// multipart/mixed with attachment parts matched by SHA-2, C §1.5.2 — <see cref="XapiMultipart"/>), signed Statements
/// verified on the way in (D §2.6 — <see cref="XapiSignature"/>), GET/HEAD with every filter, <c>more</c> paging,
/// format exact/ids/canonical (canonical: the merged Activity definitions of <see cref="XapiActivityDefinitions"/>, one
/// language per map by Accept-Language), <c>attachments=true</c> as multipart/mixed with the stored contents,
/// Last-Modified and X-Experience-API-Consistent-Through; the Alternate Request Syntax under 1.0.3 only (C §1.3 —
/// <see cref="XapiAlternateRequest"/>; 400 under 2.0). The document resources (State, Agent and Activity Profile),
/// Agents and Activities are in <see cref="XapiDocumentEndpoints"/>. Requirement coverage: docs/xapi-conformance.md.
/// </summary>
public static class XapiEndpoints
{
    public const string Path = "/xapi/statements";
    public const string CorsPolicy = "xapi";
    public const string VersionHeader = "X-Experience-API-Version";
    public const string ConsistentThroughHeader = "X-Experience-API-Consistent-Through";

    private static readonly string[] QueryParameters =
        ["statementId", "voidedStatementId", "agent", "verb", "activity", "registration", "related_activities", "related_agents",
         "since", "until", "limit", "format", "attachments", "ascending", "more"];

    public static IServiceCollection AddXapi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(XapiSettings.From(configuration));
        services.AddSingleton(sp => new XapiStatementStore(sp.GetRequiredService<RosterStore>()));
        services.AddSingleton(sp => new XapiAttachmentStore(sp.GetRequiredService<RosterStore>()));
        services.AddSingleton(sp => new XapiCredentialStore(sp.GetRequiredService<RosterStore>()));
        services.AddSingleton(sp => new XapiCursor(XapiCursor.DeriveKey(sp.GetRequiredService<HubSettings>().SigningKeyPath)));
        // C Appendix C / xapi.md §1.4: Activity Providers run in browsers (content launched from an LMS), so the LRS
        // answers CORS for any origin. Credentials travel in the Authorization header, never cookies, so no
        // Access-Control-Allow-Credentials: a foreign page cannot ride on a user's session.
        services.AddCors(options => options.AddPolicy(CorsPolicy, policy => policy
            .AllowAnyOrigin()
            .WithMethods("GET", "HEAD", "PUT", "POST", "DELETE")
            .WithHeaders("Authorization", "Content-Type", VersionHeader, "If-Match", "If-None-Match")
            .WithExposedHeaders(VersionHeader, ConsistentThroughHeader, "Last-Modified", "Content-Length", "ETag")));
        return services;
    }

    /// <summary>CORS for the LRS paths only (the admin and OneRoster APIs stay same-origin).</summary>
    /// <remarks>
    /// Also the version header on every /xapi response (C §1.4.1 "every response"), including those no xAPI handler
    /// writes — a method a resource does not have (405 from routing), an unknown path (404): the version the request
    /// asked for when it is one this LRS speaks, otherwise the latest.
    /// </remarks>
    public static IApplicationBuilder UseXapiCors(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/xapi", StringComparison.Ordinal), b => b
            .Use(next => context =>
            {
                context.Response.OnStarting(static state =>
                {
                    var http = (HttpContext)state;
                    if (!http.Response.Headers.ContainsKey(VersionHeader)) http.Response.Headers[VersionHeader] = RequestedOrLatest(http.Request);
                    return Task.CompletedTask;
                }, context);
                return next(context);
            })
            .UseCors(CorsPolicy));

    /// <summary>The version the request asked for, when this LRS speaks it; otherwise the latest (before negotiation).</summary>
    private static string RequestedOrLatest(HttpRequest request) =>
        request.Headers[VersionHeader] is { Count: 1 } header && XapiVersions.TryParseHeader(header[0], out var asked) ? asked.Header() : XapiVersion.V200.Header();

    public static IEndpointRouteBuilder MapXapiEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPut(Path, PutAsync).WithName("xapiPutStatement");
        routes.MapPost(Path, PostAsync).WithName("xapiPostStatements");
        routes.MapMethods(Path, ["GET", "HEAD"], GetAsync).WithName("xapiGetStatements");
        routes.MapMethods("/xapi/about", ["GET", "HEAD"], About).WithName("xapiAbout");
        return routes;
    }

    /// <summary>
    /// C §2.8 About: the versions this LRS speaks. No authentication, and the version header is not checked, so a client
    /// can discover what to send.
    /// </summary>
    private static IResult About(HttpContext context)
    {
        context.Response.Headers[VersionHeader] = XapiVersion.V200.Header();
        var body = new JsonObject { ["version"] = new JsonArray(XapiVersion.V103.Header(), XapiVersion.V200.Header()), ["extensions"] = new JsonObject() };
        return Json(context, body);
    }

    /// <summary>What every Statement request shares: CORS, authentication, the version header, then the handler.</summary>
    internal sealed record Request(HttpContext Context, XapiCaller Caller, XapiVersion Version);

    internal static async Task<(Request? Request, IResult? Failure)> BeginAsync(HttpContext context, bool write, CancellationToken cancellationToken)
    {
        var services = context.RequestServices;
        var (outcome, caller, message) = await XapiAuth.AuthenticateAsync(context, services.GetRequiredService<XapiCredentialStore>(),
            services.GetRequiredService<RosterStore>(), services.GetRequiredService<HubSettings>().PublicBaseUrl, cancellationToken);
        // Every response carries the version header (C §1.4.1); before negotiation (a 401 or 403), the version the
        // request asked for if this LRS speaks it, else the latest.
        context.Response.Headers[VersionHeader] = RequestedOrLatest(context.Request);
        if (outcome == XapiAuth.Outcome.Unauthenticated)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"xAPI\", Bearer";
            return (null, Error(StatusCodes.Status401Unauthorized, message!));
        }
        if (outcome == XapiAuth.Outcome.Forbidden) return (null, Error(StatusCodes.Status403Forbidden, message!));
        // From here the tenant is known: a Statement resource answer carries Consistent-Through "regardless of the code
        // returned" (C §2.1.3, ADL XAPI-00153) — the refusals below included. (Before authentication there is no tenant
        // whose consistency could be stated.)
        async Task<IResult> Refuse(int status, string text)
        {
            if (context.Request.Path.StartsWithSegments(Path, StringComparison.Ordinal))
                await SetConsistentThroughAsync(context, caller!.TenantId, cancellationToken);
            return Error(status, text);
        }
        if (write ? !caller!.Write : !caller!.Read)
            return (null, await Refuse(StatusCodes.Status403Forbidden, write ? "This credential may not write Statements." : "This credential may not read Statements."));
        var header = context.Request.Headers[VersionHeader];
        if (header.Count == 0) return (null, await Refuse(StatusCodes.Status400BadRequest, $"The {VersionHeader} header is required (1.0.3 or 2.0.0)."));
        if (header.Count > 1 || !XapiVersions.TryParseHeader(header[0], out var version))
            return (null, await Refuse(StatusCodes.Status400BadRequest, $"{VersionHeader} '{Truncate(header.ToString())}' is not supported; send 1.0.x or 2.0.x."));
        context.Response.Headers[VersionHeader] = version.Header();
        var request = new Request(context, caller, version);
        // IEEE 9274.1.1 removed the Alternate Request Syntax (C §1.3 of 1.0.3); the 2.0 battery expects 4xx for it.
        if (XapiAlternateRequest.WasRewritten(context) && version == XapiVersion.V200)
            return (null, await FinishAsync(request, Error(400, "xAPI 2.0 has no Alternate Request Syntax (?method=); send the request as itself."), cancellationToken));
        return (request, null);
    }

    /// <summary>
    /// C §1.3: a POST with <c>?method=</c> is the request its form describes: rewritten, then handled by that method's
    /// handler (authentication, version, validation as usual).
    /// </summary>
    private static async Task<IResult> AlternateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var max = context.RequestServices.GetRequiredService<XapiSettings>().MaxRequestBytes;
        if (await XapiAlternateRequest.RewriteAsync(context, max, cancellationToken) is { } refusal)
        {
            EchoVersion(context);
            return Error(refusal.Status, refusal.Message);
        }
        switch (context.Request.Method)
        {
            case "PUT": return await PutAsync(context, cancellationToken);
            case "POST": return await PostAsync(context, cancellationToken);
            case "GET" or "HEAD": return await GetAsync(context, cancellationToken);
            default:
                EchoVersion(context);
                context.Response.Headers.Allow = "GET, HEAD, PUT, POST";
                return Error(StatusCodes.Status405MethodNotAllowed, $"The Statement resource has no {context.Request.Method}.");
        }
    }

    /// <summary>
    /// The version header of a refusal made before <see cref="BeginAsync"/> negotiated (C §1.4.1: every response carries
    /// one): the request's own version when it names one this LRS speaks, else the latest.
    /// </summary>
    internal static void EchoVersion(HttpContext context)
    {
        var header = context.Request.Headers[VersionHeader];
        context.Response.Headers[VersionHeader] = (header.Count == 1 && XapiVersions.TryParseHeader(header[0], out var version) ? version : XapiVersion.V200).Header();
    }

    private static async Task<IResult> PutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (request, failure) = await BeginAsync(context, write: true, cancellationToken);
        if (request is null) return failure!;
        var query = context.Request.Query;
        if (query.Keys.FirstOrDefault(k => k != "statementId") is { } unknown)
            return await FinishAsync(request, Error(400, $"'{Truncate(unknown)}' is not a parameter of PUT statements (only statementId)."), cancellationToken);
        if (!query.TryGetValue("statementId", out var ids) || ids.Count != 1 || !XapiFormats.IsUuid(ids[0]!))
            return await FinishAsync(request, Error(400, "PUT statements needs exactly one statementId parameter holding a UUID."), cancellationToken);
        var statementId = XapiFormats.NormalizeUuid(ids[0]!);
        var (body, status, message) = await XapiMultipart.ReadAsync(context.Request, context.RequestServices.GetRequiredService<XapiSettings>().MaxRequestBytes, cancellationToken);
        if (body is null) return await FinishAsync(request, Error(status, message!), cancellationToken);
        using var document = XapiStatements.Parse(body.Json, allowArray: false, out var statements, out var parseProblem);
        if (parseProblem is not null) return await FinishAsync(request, Invalid(parseProblem), cancellationToken);
        var statement = statements[0];
        var problems = XapiStatementValidator.Validate(statement, request.Version, "$").ToList();
        // C §2.1.1: the id in the body, if any, must match the statementId parameter.
        if (statement.TryGetProperty("id", out var bodyId) && bodyId.ValueKind == JsonValueKind.String && !string.Equals(bodyId.GetString(), statementId, StringComparison.OrdinalIgnoreCase))
            problems.Add(new XapiProblem("$.id", "does not match the statementId parameter"));
        if (problems.Count > 0) return await FinishAsync(request, Invalid(problems), cancellationToken);
        var (contents, attachmentFailure) = await CheckAttachmentsAsync(statements, ["$"], body, context, cancellationToken);
        if (attachmentFailure is not null) return await FinishAsync(request, attachmentFailure, cancellationToken);
        var result = await context.RequestServices.GetRequiredService<XapiStatementStore>().StoreAsync(request.Caller.TenantId,
            stored => [XapiStatements.Prepare(statement, request.Version, stored, request.Caller.Authority, statementId)], contents, cancellationToken);
        if (result.Status == XapiStoreStatus.Conflict)
            return await FinishAsync(request, Error(409, $"Statement {result.ConflictId} already exists with different content; Statements are immutable."), cancellationToken);
        return await FinishAsync(request, Results.NoContent(), cancellationToken);
    }

    private static async Task<IResult> PostAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (XapiAlternateRequest.Applies(context.Request)) return await AlternateAsync(context, cancellationToken);
        var (request, failure) = await BeginAsync(context, write: true, cancellationToken);
        if (request is null) return failure!;
        if (context.Request.Query.Count > 0)
            return await FinishAsync(request, Error(400, $"POST statements takes no query parameters (got '{Truncate(context.Request.Query.Keys.First())}'; the Alternate Request Syntax sends method alone)."), cancellationToken);
        var (body, status, message) = await XapiMultipart.ReadAsync(context.Request, context.RequestServices.GetRequiredService<XapiSettings>().MaxRequestBytes, cancellationToken);
        if (body is null) return await FinishAsync(request, Error(status, message!), cancellationToken);
        using var document = XapiStatements.Parse(body.Json, allowArray: true, out var statements, out var parseProblem);
        if (parseProblem is not null) return await FinishAsync(request, Invalid(parseProblem), cancellationToken);
        var array = document!.RootElement.ValueKind == JsonValueKind.Array;
        var problems = new List<XapiProblem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var paths = new List<string>(statements.Count);
        for (var i = 0; i < statements.Count && problems.Count < XapiStatementValidator.MaxProblems; i++)
        {
            var path = array ? $"$[{i}]" : "$";
            paths.Add(path);
            problems.AddRange(XapiStatementValidator.Validate(statements[i], request.Version, path));
            // C §2.1.2: a batch repeating an id is rejected.
            if (statements[i].ValueKind == JsonValueKind.Object && statements[i].TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                && XapiFormats.IsUuid(id.GetString()!) && !seen.Add(XapiFormats.NormalizeUuid(id.GetString()!)))
                problems.Add(new XapiProblem(path + ".id", "is used by another Statement of this batch"));
        }
        if (problems.Count > 0) return await FinishAsync(request, Invalid(problems), cancellationToken);
        var (contents, attachmentFailure) = await CheckAttachmentsAsync(statements, paths, body, context, cancellationToken);
        if (attachmentFailure is not null) return await FinishAsync(request, attachmentFailure, cancellationToken);
        var result = await context.RequestServices.GetRequiredService<XapiStatementStore>().StoreAsync(request.Caller.TenantId,
            stored => [.. statements.Select(s => XapiStatements.Prepare(s, request.Version, stored, request.Caller.Authority))], contents, cancellationToken);
        if (result.Status == XapiStoreStatus.Conflict)
            return await FinishAsync(request, Error(409, $"Statement {result.ConflictId} already exists with different content; nothing of this batch was stored."), cancellationToken);
        return await FinishAsync(request, Results.Json(result.Ids), cancellationToken);
    }

    /// <summary>
    /// The transport rules of attachments (C §1.5.2) and signatures (D §2.6), for valid Statements: every attachment has
    /// a fileUrl or a part with its SHA-2; every part belongs to an attachment; signatures verify. Returns the contents to
    /// store (each part once, with the contentType its attachment declares) or the 400 to answer.
    /// </summary>
    private static async Task<(IReadOnlyCollection<XapiAttachmentContent>? Contents, IResult? Failure)> CheckAttachmentsAsync(
        IReadOnlyList<JsonElement> statements, IReadOnlyList<string> paths, XapiRequestBody body, HttpContext context, CancellationToken cancellationToken)
    {
        var problems = new List<XapiProblem>();
        var declared = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < statements.Count; i++)
        {
            foreach (var (holder, holderPath) in new[] { (statements[i], paths[i]), (statements[i].GetProperty("object"), paths[i] + ".object") })
            {
                if (!holder.TryGetProperty("attachments", out var attachments)) continue;
                var j = 0;
                foreach (var a in attachments.EnumerateArray())
                {
                    var sha2 = a.GetProperty("sha2").GetString()!.ToLowerInvariant();
                    declared.TryAdd(sha2, a.GetProperty("contentType").GetString()!);
                    if (!a.TryGetProperty("fileUrl", out _) && !body.Parts.ContainsKey(sha2))
                        problems.Add(new XapiProblem($"{holderPath}.attachments[{j}].fileUrl", body.Multipart
                            ? "is required when no part of the multipart/mixed request has this attachment's sha2 (C §1.5.2)"
                            : "is required in an application/json request; send the content as a part of a multipart/mixed request instead (C §1.5.2)"));
                    j++;
                }
            }
            if (problems.Count >= XapiStatementValidator.MaxProblems) break;
        }
        if (problems.Count > 0) return (null, Invalid(problems));
        // C §1.5.2: parts are matched to attachments by SHA-2 only; a part no attachment names has no place in the request.
        if (body.Parts.Keys.FirstOrDefault(h => !declared.ContainsKey(h)) is { } stray)
            return (null, Error(400, $"A multipart part with {XapiMultipart.HashHeader} {stray[..16]}… matches no attachment of the Statement(s)."));
        var max = context.RequestServices.GetRequiredService<XapiSettings>().MaxRequestBytes;
        for (var i = 0; i < statements.Count && problems.Count < XapiStatementValidator.MaxProblems; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            problems.AddRange(await XapiSignature.VerifyAsync(statements[i], paths[i], body.Parts, max));
        }
        if (problems.Count > 0) return (null, Invalid(problems));
        return ([.. body.Parts.Values.Select(p => new XapiAttachmentContent(p.Sha2, declared[p.Sha2], p.Content))], null);
    }

    private static async Task<IResult> GetAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (request, failure) = await BeginAsync(context, write: false, cancellationToken);
        if (request is null) return failure!;
        var query = context.Request.Query;
        // C §2.1.3 / §3.2: unknown parameters, parameters in the wrong case and repeated parameters are refused.
        foreach (var (key, values) in query)
        {
            if (!QueryParameters.Contains(key, StringComparer.Ordinal))
                return await FinishAsync(request, Error(400, $"'{Truncate(key)}' is not a parameter of GET statements (names are case-sensitive)."), cancellationToken);
            if (values.Count != 1) return await FinishAsync(request, Error(400, $"'{key}' is given more than once."), cancellationToken);
        }
        var services = context.RequestServices;
        var statementsStore = services.GetRequiredService<XapiStatementStore>();
        var format = query.TryGetValue("format", out var f) ? f.ToString() : "exact";
        if (format is not ("exact" or "ids" or "canonical")) return await FinishAsync(request, Error(400, "format is ids, exact or canonical."), cancellationToken);
        if (!Bool(query, "attachments", out var attachments)) return await FinishAsync(request, Error(400, "attachments is true or false."), cancellationToken);

        var single = query.ContainsKey("statementId") ? "statementId" : query.ContainsKey("voidedStatementId") ? "voidedStatementId" : null;
        if (single is not null)
        {
            if (query.ContainsKey("statementId") && query.ContainsKey("voidedStatementId"))
                return await FinishAsync(request, Error(400, "statementId and voidedStatementId cannot be combined."), cancellationToken);
            if (query.Keys.FirstOrDefault(k => k is not ("statementId" or "voidedStatementId" or "format" or "attachments")) is { } other)
                return await FinishAsync(request, Error(400, $"{single} can only be combined with format and attachments, not '{other}'."), cancellationToken);
            var id = query[single].ToString();
            if (!XapiFormats.IsUuid(id)) return await FinishAsync(request, Error(400, $"{single} must be a UUID."), cancellationToken);
            var found = await statementsStore.GetAsync(request.Caller.TenantId, XapiFormats.NormalizeUuid(id), voided: single == "voidedStatementId", cancellationToken);
            if (found is null) return await FinishAsync(request, Error(404, $"No {(single == "voidedStatementId" ? "voided " : "")}Statement {id}."), cancellationToken);
            context.Response.Headers.LastModified = found.Stored.ToString("R", CultureInfo.InvariantCulture);
            var one = (await ShapeAsync(context, request.Caller.TenantId, [found.Json], format, cancellationToken))[0];
            await AuditReadAsync(request, id, 1);
            return await FinishAsync(request, attachments ? new XapiMultipart.Response(one, [.. XapiMultipart.AttachmentHashes(one)], request.Caller.TenantId) : Json(context, one), cancellationToken);
        }

        XapiCursor.State state;
        var cursors = services.GetRequiredService<XapiCursor>();
        if (query.TryGetValue("more", out var more))
        {
            if (query.Count > 1) return await FinishAsync(request, Error(400, "A more link is used as given, without further parameters."), cancellationToken);
            var decoded = cursors.Decode(more.ToString(), request.Caller.TenantId, DateTimeOffset.UtcNow);
            if (decoded is null) return await FinishAsync(request, Error(400, "The more token is invalid or has expired; query again from the start."), cancellationToken);
            state = decoded;
        }
        else
        {
            var (parsed, error) = ParseQuery(query, request, services.GetRequiredService<XapiSettings>(), format, attachments);
            if (parsed is null) return await FinishAsync(request, Error(400, error!), cancellationToken);
            state = parsed;
        }
        var page = await statementsStore.QueryAsync(request.Caller.TenantId, XapiCursor.Query(state), cancellationToken);
        var moreLink = "";
        if (page.HasMore)
        {
            var next = state with { After = page.Statements[^1].Sequence, ExpiresUnix = DateTimeOffset.UtcNow.Add(XapiCursor.Lifetime).ToUnixTimeSeconds() };
            // D §2.5: a relative IRL (path and query, no host), so it works behind any proxy.
            moreLink = Path + "?more=" + Uri.EscapeDataString(cursors.Encode(next));
        }
        var shaped = await ShapeAsync(context, request.Caller.TenantId, [.. page.Statements.Select(s => s.Json)], state.Format, cancellationToken);
        var result = new JsonObject
        {
            ["statements"] = new JsonArray([.. shaped.Select(s => (JsonNode)s)]),
            ["more"] = moreLink,
        };
        await AuditReadAsync(request, null, page.Statements.Count);
        var lastModified = page.Statements.Count == 0 ? (DateTime?)null : page.Statements.Max(s => s.Stored);
        if (lastModified is { } lm) context.Response.Headers.LastModified = lm.ToString("R", CultureInfo.InvariantCulture);
        if (!state.Attachments) return await FinishAsync(request, Json(context, result), cancellationToken);
        var hashes = result["statements"]!.AsArray().OfType<JsonObject>().SelectMany(XapiMultipart.AttachmentHashes).ToList();
        return await FinishAsync(request, new XapiMultipart.Response(result, hashes, request.Caller.TenantId), cancellationToken);
    }

    private static (XapiCursor.State? State, string? Error) ParseQuery(IQueryCollection query, Request request, XapiSettings settings, string format, bool attachments)
    {
        string? agentIfi = null;
        if (query.TryGetValue("agent", out var agentText))
        {
            try
            {
                using var agent = JsonDocument.Parse(agentText.ToString(), XapiStatements.DocumentOptions);
                var problems = XapiStatementValidator.ValidateActor(agent.RootElement, request.Version, "agent");
                if (problems.Count > 0) return (null, string.Join("; ", problems.Take(5)));
                agentIfi = XapiIdentity.Ifi(agent.RootElement);
                if (agentIfi is null) return (null, "agent must be an Agent or an identified Group (one with an inverse functional identifier).");
            }
            catch (JsonException) { return (null, "agent must be a JSON Agent or Group object."); }
        }
        string? Iri(string name) => query.TryGetValue(name, out var v) ? v.ToString() : null;
        var verb = Iri("verb");
        if (verb is not null && !XapiFormats.IsIri(verb)) return (null, "verb must be an IRI.");
        var activity = Iri("activity");
        if (activity is not null && !XapiFormats.IsIri(activity)) return (null, "activity must be an IRI.");
        var registration = Iri("registration");
        if (registration is not null)
        {
            if (!XapiFormats.IsUuid(registration)) return (null, "registration must be a UUID.");
            registration = XapiFormats.NormalizeUuid(registration);
        }
        if (!Bool(query, "related_activities", out var relatedActivities)) return (null, "related_activities is true or false.");
        if (!Bool(query, "related_agents", out var relatedAgents)) return (null, "related_agents is true or false.");
        if (!Bool(query, "ascending", out var ascending)) return (null, "ascending is true or false.");
        DateTime? since = null, until = null;
        if (query.TryGetValue("since", out var s))
        {
            if (!XapiFormats.TryParseTimestamp(s.ToString(), out var t)) return (null, "since must be an ISO 8601 timestamp with a time zone.");
            since = t.UtcDateTime;
        }
        if (query.TryGetValue("until", out var u))
        {
            if (!XapiFormats.TryParseTimestamp(u.ToString(), out var t)) return (null, "until must be an ISO 8601 timestamp with a time zone.");
            until = t.UtcDateTime;
        }
        var limit = settings.MaxLimit;
        if (query.TryGetValue("limit", out var l))
        {
            if (!int.TryParse(l.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return (null, "limit is a non-negative integer.");
            // C §2.1.3: 0 means the server's maximum; larger requests are capped at it.
            limit = n == 0 ? settings.MaxLimit : Math.Min(n, settings.MaxLimit);
        }
        return (new XapiCursor.State(request.Caller.TenantId, 0, 0, agentIfi, verb, activity, registration, relatedActivities, relatedAgents,
            since, until, ascending, limit, format, attachments) { After = ascending ? 0 : long.MaxValue }, null);
    }

    private static bool Bool(IQueryCollection query, string name, out bool value)
    {
        value = false;
        if (!query.TryGetValue(name, out var v)) return true;
        switch (v.ToString())
        {
            case "true": value = true; return true;
            case "false": return true;
            default: return false;
        }
    }

    /// <summary>
    /// C §2.1.3 formats. exact: the Statements as stored. ids: identifiers only. canonical: every Activity with the LRS's
    /// canonical definition (merged across all Statements, <see cref="XapiActivityDefinitions"/>; read for the whole
    /// page in one query), then one language per Activity and Verb language map, chosen by Accept-Language for each map
    /// (<see cref="XapiCanonicalFormat"/>); the answer then varies with Accept-Language.
    /// </summary>
    private static async Task<List<JsonObject>> ShapeAsync(HttpContext context, int tenantId, IReadOnlyList<string> statements, string format, CancellationToken cancellationToken)
    {
        var nodes = statements.Select(json => JsonNode.Parse(json)!.AsObject()).ToList();
        switch (format)
        {
            case "ids": return [.. nodes.Select(XapiStatements.IdsFormat)];
            case "canonical":
                context.Response.Headers.Vary = HeaderNames.AcceptLanguage;
                var definitions = await context.RequestServices.GetRequiredService<XapiActivityDefinitions>()
                    .GetManyAsync(tenantId, nodes.SelectMany(XapiCanonicalFormat.ActivityIds), cancellationToken);
                var languages = XapiCanonicalFormat.ParseAcceptLanguage(context.Request.Headers.AcceptLanguage.ToString());
                return [.. nodes.Select(n => XapiCanonicalFormat.Apply(n, languages, definitions))];
            default: return nodes;
        }
    }

    /// <summary>A JSON answer; HEAD gets the same headers without the body (C §1.1).</summary>
    internal static IResult Json(HttpContext context, JsonNode body)
    {
        var text = body.ToJsonString(XapiStatements.WriteOptions);
        const string contentType = "application/json; charset=utf-8";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = Encoding.UTF8.GetByteCount(text);
            return Results.Empty;
        }
        return Results.Text(text, contentType, Encoding.UTF8);
    }

    /// <summary>Every Statement response carries X-Experience-API-Consistent-Through (C §2.1.3).</summary>
    private static async Task<IResult> FinishAsync(Request request, IResult result, CancellationToken cancellationToken)
    {
        await SetConsistentThroughAsync(request.Context, request.Caller.TenantId, cancellationToken);
        return result;
    }

    private static async Task SetConsistentThroughAsync(HttpContext context, int tenantId, CancellationToken cancellationToken)
    {
        var through = await context.RequestServices.GetRequiredService<XapiStatementStore>().ConsistentThroughAsync(tenantId, cancellationToken);
        context.Response.Headers[ConsistentThroughHeader] = XapiFormats.FormatTimestamp(new DateTimeOffset(through));
    }

    private static IResult Invalid(XapiProblem problem) => Invalid([problem]);

    private static IResult Invalid(IReadOnlyList<XapiProblem> problems) =>
        Results.Json(new XapiError($"Invalid Statement: {problems[0]}" + (problems.Count > 1 ? $" (and {problems.Count - 1} more)" : ""),
            [.. problems.Select(p => p.ToString())]), statusCode: 400);

    /// <summary>学習記録 (重要性分類 III) read: on the audit trail like OneRoster reads (decision 0011).</summary>
    private static ValueTask AuditReadAsync(Request request, string? statementId, int count) =>
        AuditReadAsync(request, "xapi.statements", statementId, count);

    /// <summary>
    /// A successful read of learning records or of a learner's data through the LRS (Statements, State and profile
    /// documents, the Person of an Agent): 重要性分類 III on the audit trail, like OneRoster reads (decision 0011). The
    /// query (path + query string, which names the Agent) is clipped by <see cref="Koumu.Interop.Storage.Audit.AuditLog"/>.
    /// </summary>
    internal static ValueTask AuditReadAsync(Request request, string resource, string? target, int count)
    {
        var http = request.Context;
        var entry = new Koumu.Interop.Storage.Audit.AuditEntry(DateTime.UtcNow, request.Caller.Tenant, request.Caller.ClientId, "read", resource,
            target, http.Request.Path + http.Request.QueryString, count, "III", StatusCodes.Status200OK);
        return http.RequestServices.GetRequiredService<Koumu.Interop.Storage.Audit.AuditLog>().RecordAsync(entry, http.RequestAborted);
    }

    internal static IResult Error(int status, string message) => Results.Json(new XapiError(message), statusCode: status);

    internal static string Truncate(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
