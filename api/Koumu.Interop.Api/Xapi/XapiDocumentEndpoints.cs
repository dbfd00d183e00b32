using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Xapi;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Koumu.Interop.Api.Xapi;

/// <summary>
/// The xAPI document resources — State (C §2.3), Activity Profile (C §2.7), Agent Profile (C §2.6) — and the identity
/// resources Agents (C §2.4) and Activities (C §2.5), for xAPI 1.0.3 and 2.0 negotiated per request like the Statement
/// resource (<see cref="XapiEndpoints.BeginAsync"/>: authentication, rights, version header, error shape).
/// </summary>
/// <remarks>
/// Documents are opaque bytes with their content type (C §2.2). Concurrency (C §3.1): every GET answers a quoted ETag,
/// the SHA-1 hex of the content (the 1.0.3 rule); If-Match and If-None-Match are honoured on PUT, POST and DELETE (412
/// when they fail, nothing changed) and on a single-document GET (412 / 304). A PUT without either header over an
/// existing document is 409 for the two Profile resources in both versions and for State under 2.0 (xapi.md §2: the 2.0
/// battery tests concurrency on State too); 1.0.3 lets State be overwritten without them (C §3.1.s3).
/// </remarks>
public static class XapiDocumentEndpoints
{
    public const string StatePath = "/xapi/activities/state";
    public const string ActivityProfilePath = "/xapi/activities/profile";
    public const string AgentProfilePath = "/xapi/agents/profile";
    public const string AgentsPath = "/xapi/agents";
    public const string ActivitiesPath = "/xapi/activities";

    /// <summary>
    /// The longest query parameter value accepted (characters). Parameters are ids, IRIs and one small Agent object; a
    /// hostile megabyte of <c>agent</c> is refused before it is parsed (behind Kestrel the request line is limited too).
    /// </summary>
    public const int MaxParameterLength = 8192;

    /// <summary>How many of an Agent's newest Statements are read for the Person object's names (C §2.4).</summary>
    public const int PersonNameStatements = 20;

    private const int MaxContentTypeLength = 255;

    /// <summary>One document resource: its kind, its id parameter and which context parameters it takes.</summary>
    private sealed record Resource(string Kind, string Name, string IdParameter, bool HasActivity, bool HasAgent, bool HasRegistration)
    {
        /// <summary>The resource's name on the audit trail (decision 0011), e.g. <c>xapi.state</c>.</summary>
        public string AuditName => "xapi." + Kind;

        /// <summary>
        /// C §2.6 (note): the Agent Profile's agent "is an Agent Object and not a Group"; State documents may also belong to
        /// an identified Group (what is keyed is the IFI either way).
        /// </summary>
        public bool AllowsIdentifiedGroup => Kind == XapiDocumentKind.State;
    }

    private static readonly Resource State = new(XapiDocumentKind.State, "State", "stateId", HasActivity: true, HasAgent: true, HasRegistration: true);
    private static readonly Resource ActivityProfile = new(XapiDocumentKind.ActivityProfile, "Activity Profile", "profileId", HasActivity: true, HasAgent: false, HasRegistration: false);
    private static readonly Resource AgentProfile = new(XapiDocumentKind.AgentProfile, "Agent Profile", "profileId", HasActivity: false, HasAgent: true, HasRegistration: false);

    /// <summary>The document store and the canonical Activity definitions.</summary>
    public static IServiceCollection AddXapiDocuments(this IServiceCollection services)
    {
        services.AddSingleton(sp => new XapiDocumentStore(sp.GetRequiredService<RosterStore>()));
        services.AddSingleton(sp => new XapiActivityDefinitions(sp.GetRequiredService<RosterStore>()));
        return services;
    }

    public static IEndpointRouteBuilder MapXapiDocumentEndpoints(this IEndpointRouteBuilder routes)
    {
        foreach (var (path, resource, name) in new[] { (StatePath, State, "State"), (ActivityProfilePath, ActivityProfile, "ActivityProfile"), (AgentProfilePath, AgentProfile, "AgentProfile") })
        {
            routes.MapPut(path, (HttpContext context, CancellationToken cancellationToken) => PutAsync(context, resource, cancellationToken)).WithName("xapiPut" + name);
            routes.MapPost(path, (HttpContext context, CancellationToken cancellationToken) => PostAsync(context, resource, cancellationToken)).WithName("xapiPost" + name);
            routes.MapMethods(path, ["GET", "HEAD"], (HttpContext context, CancellationToken cancellationToken) => GetAsync(context, resource, cancellationToken)).WithName("xapiGet" + name);
            routes.MapDelete(path, (HttpContext context, CancellationToken cancellationToken) => DeleteAsync(context, resource, cancellationToken)).WithName("xapiDelete" + name);
        }
        routes.MapMethods(AgentsPath, ["GET", "HEAD"], GetAgentsAsync).WithName("xapiGetAgents");
        routes.MapMethods(ActivitiesPath, ["GET", "HEAD"], GetActivitiesAsync).WithName("xapiGetActivities");
        // C §1.3 (1.0.3): GET-only resources still take the Alternate Request Syntax (POST ?method=GET|HEAD), the only
        // way a client without custom headers can send its credentials to them.
        routes.MapPost(AgentsPath, (HttpContext context, CancellationToken cancellationToken) => AlternateGetAsync(context, GetAgentsAsync, cancellationToken)).WithName("xapiPostAgents");
        routes.MapPost(ActivitiesPath, (HttpContext context, CancellationToken cancellationToken) => AlternateGetAsync(context, GetActivitiesAsync, cancellationToken)).WithName("xapiPostActivities");
        return routes;
    }

    // ---- Document resources (C §2.2, §2.3, §2.6, §2.7) -------------------------------------------------------------

    /// <summary>C §2.3.s3 / §2.6.s3 / §2.7.s3 PUT: stores the document, replacing any, subject to C §3.1.</summary>
    private static async Task<IResult> PutAsync(HttpContext context, Resource resource, CancellationToken cancellationToken)
    {
        var (request, failure) = await XapiEndpoints.BeginAsync(context, write: true, cancellationToken);
        if (request is null) return failure!;
        var (target, invalid) = Parse(context.Request.Query, resource, request.Version, "PUT");
        if (target is null) return invalid!;
        var (body, contentType, bodyFailure) = await ReadDocumentAsync(context, cancellationToken);
        if (body is null) return bodyFailure!;
        var headers = context.Request.Headers;
        var withPrecondition = headers.IfMatch.Count > 0 || headers.IfNoneMatch.Count > 0;
        // C §3.1.s4.b13 (Profiles) and the 2.0 rules (State too): overwriting without a precondition is a conflict.
        var preconditionRequired = resource.Kind != XapiDocumentKind.State || request.Version == XapiVersion.V200;
        var result = Results.NoContent();
        await Documents(context).ChangeAsync(request.Caller.TenantId, target.Context, target.DocumentId!, current =>
        {
            if (Preconditions(context.Request, current, safe: false) is { } failed) { result = failed; return XapiDocumentChange.Keep; }
            if (current is not null && preconditionRequired && !withPrecondition)
            {
                result = XapiEndpoints.Error(StatusCodes.Status409Conflict,
                    $"The {resource.Name} document '{XapiEndpoints.Truncate(target.DocumentId!)}' already exists. GET it to check its current state, " +
                    "then PUT with If-Match set to its ETag (or If-None-Match: * to create only when absent).");
                return XapiDocumentChange.Keep;
            }
            return XapiDocumentChange.Write(body, contentType!);
        }, cancellationToken);
        return result;
    }

    /// <summary>
    /// C §2.2.s7–s8 POST: a new document is stored as sent; an existing one is merged when both it and the posted body
    /// are application/json objects (top-level properties of the posted object replace the stored ones); anything else
    /// is 400 and nothing changes.
    /// </summary>
    private static async Task<IResult> PostAsync(HttpContext context, Resource resource, CancellationToken cancellationToken)
    {
        if (XapiAlternateRequest.Applies(context.Request)) return await AlternateAsync(context, resource, cancellationToken);
        var (request, failure) = await XapiEndpoints.BeginAsync(context, write: true, cancellationToken);
        if (request is null) return failure!;
        var (target, invalid) = Parse(context.Request.Query, resource, request.Version, "POST");
        if (target is null) return invalid!;
        var (body, contentType, bodyFailure) = await ReadDocumentAsync(context, cancellationToken);
        if (body is null) return bodyFailure!;
        var result = Results.NoContent();
        await Documents(context).ChangeAsync(request.Caller.TenantId, target.Context, target.DocumentId!, current =>
        {
            if (Preconditions(context.Request, current, safe: false) is { } failed) { result = failed; return XapiDocumentChange.Keep; }
            if (current is null) return XapiDocumentChange.Write(body, contentType!);
            if (!IsJson(current.ContentType) || !IsJson(contentType!))
            {
                result = XapiEndpoints.Error(StatusCodes.Status400BadRequest,
                    $"POST merges JSON objects only: the stored document is {XapiEndpoints.Truncate(current.ContentType)} and the posted one " +
                    $"{XapiEndpoints.Truncate(contentType!)}; both must be application/json (PUT replaces a document of any type).");
                return XapiDocumentChange.Keep;
            }
            var merged = MergeObjects(current.Content, body);
            if (merged is null)
            {
                result = XapiEndpoints.Error(StatusCodes.Status400BadRequest,
                    "POST merges JSON objects only: the stored and the posted document must both be JSON objects (PUT replaces a document).");
                return XapiDocumentChange.Keep;
            }
            return XapiDocumentChange.Write(merged, "application/json");
        }, cancellationToken);
        return result;
    }

    /// <summary>
    /// C §1.3 (xAPI 1.0.3): "The LRS MUST support the Alternate Request Syntax" — for every resource, not only Statements
    /// (the clients it exists for, old browsers without CORS, keep State and Profiles too). A POST with <c>?method=</c>
    /// is rewritten from its form and handled by that method's handler as any other request; under 2.0 the handler's
    /// <see cref="XapiEndpoints.BeginAsync"/> refuses it (IEEE 9274.1.1 removed the syntax).
    /// </summary>
    private static async Task<IResult> AlternateAsync(HttpContext context, Resource resource, CancellationToken cancellationToken)
    {
        var max = context.RequestServices.GetRequiredService<XapiSettings>().MaxRequestBytes;
        if (await XapiAlternateRequest.RewriteAsync(context, max, cancellationToken) is { } refusal)
        {
            XapiEndpoints.EchoVersion(context);
            return XapiEndpoints.Error(refusal.Status, refusal.Message);
        }
        return context.Request.Method switch
        {
            "PUT" => await PutAsync(context, resource, cancellationToken),
            "POST" => await PostAsync(context, resource, cancellationToken),
            "DELETE" => await DeleteAsync(context, resource, cancellationToken),
            _ => await GetAsync(context, resource, cancellationToken), // GET or HEAD: RewriteAsync admits no other method
        };
    }

    /// <summary>
    /// C §2.3.s3 / §2.6.s3 / §2.7.s3 GET with an id: the document as stored, with its content type, ETag and
    /// Last-Modified; 404 when there is none. Without an id (C §2.3.s4, §2.6.s4, §2.7.s4): the array of ids, limited by
    /// <c>since</c> (exclusive) when given.
    /// </summary>
    private static async Task<IResult> GetAsync(HttpContext context, Resource resource, CancellationToken cancellationToken)
    {
        var (request, failure) = await XapiEndpoints.BeginAsync(context, write: false, cancellationToken);
        if (request is null) return failure!;
        var (target, invalid) = Parse(context.Request.Query, resource, request.Version, "GET");
        if (target is null) return invalid!;
        var documents = Documents(context);
        if (target.DocumentId is { } id)
        {
            var document = await documents.GetAsync(request.Caller.TenantId, target.Context, id, cancellationToken);
            if (document is null) return XapiEndpoints.Error(StatusCodes.Status404NotFound, $"No {resource.Name} document '{XapiEndpoints.Truncate(id)}' here.");
            context.Response.Headers.ETag = Quote(document.ETag);
            context.Response.Headers.LastModified = HttpDate(document.Updated);
            // A 304/412 returns no content, so only a delivered document is a read (decision 0011: refusals are not).
            if (Preconditions(context.Request, document, safe: true) is { } failed) return failed;
            await XapiEndpoints.AuditReadAsync(request, resource.AuditName, id, 1);
            return Bytes(context, document.Content, document.ContentType);
        }
        var list = await documents.ListAsync(request.Caller.TenantId, target.Context, target.Since, cancellationToken);
        // C §2.2.s6.b2: Last-Modified of the most recently modified document listed.
        if (list.LastUpdated is { } last) context.Response.Headers.LastModified = HttpDate(last);
        // The id list says which documents a learner has (State ids are often per lesson): a read too, target none.
        await XapiEndpoints.AuditReadAsync(request, resource.AuditName, null, list.Ids.Count);
        return JsonWithETag(context, new JsonArray([.. list.Ids.Select(i => (JsonNode)JsonValue.Create(i))]));
    }

    /// <summary>
    /// C §2.3.s3 / §2.6.s3 / §2.7.s3 DELETE: 204 whether or not the document existed, unless a precondition fails (412).
    /// State without stateId (C §2.3.s5): every document of the context (the preconditions name one document, so they
    /// do not apply there).
    /// </summary>
    private static async Task<IResult> DeleteAsync(HttpContext context, Resource resource, CancellationToken cancellationToken)
    {
        var (request, failure) = await XapiEndpoints.BeginAsync(context, write: true, cancellationToken);
        if (request is null) return failure!;
        var (target, invalid) = Parse(context.Request.Query, resource, request.Version, "DELETE");
        if (target is null) return invalid!;
        var documents = Documents(context);
        if (target.DocumentId is null)
        {
            await documents.DeleteAllAsync(request.Caller.TenantId, target.Context, cancellationToken);
            return Results.NoContent();
        }
        var result = Results.NoContent();
        await documents.ChangeAsync(request.Caller.TenantId, target.Context, target.DocumentId, current =>
        {
            if (Preconditions(context.Request, current, safe: false) is { } failed) { result = failed; return XapiDocumentChange.Keep; }
            return XapiDocumentChange.Delete;
        }, cancellationToken);
        return result;
    }

    /// <summary>
    /// POST on a GET-only resource: only as the Alternate Request Syntax (C §1.3) naming GET or HEAD, then handled by
    /// <paramref name="get"/> (which refuses it under 2.0). A plain POST, or one naming another method, is 405.
    /// </summary>
    private static async Task<IResult> AlternateGetAsync(HttpContext context, Func<HttpContext, CancellationToken, Task<IResult>> get, CancellationToken cancellationToken)
    {
        XapiEndpoints.EchoVersion(context);
        if (!XapiAlternateRequest.Applies(context.Request) || context.Request.Query["method"].ToString() is not ("GET" or "HEAD"))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            return XapiEndpoints.Error(StatusCodes.Status405MethodNotAllowed, "This resource answers GET and HEAD only (or POST ?method=GET in the xAPI 1.0.3 Alternate Request Syntax).");
        }
        var max = context.RequestServices.GetRequiredService<XapiSettings>().MaxRequestBytes;
        if (await XapiAlternateRequest.RewriteAsync(context, max, cancellationToken) is { } refusal) return XapiEndpoints.Error(refusal.Status, refusal.Message);
        return await get(context, cancellationToken);
    }

    // ---- Agents (C §2.4) and Activities (C §2.5) ---------------------------------------------------------------------

    /// <summary>
    /// C §2.4: the Person object of an Agent — its one IFI (this LRS does not join identities, so it never returns more
    /// than the caller sent, and needs no extra permission, C §2.4.s3.b1) and the names it was sent with as the actor of
    /// the tenant's newest Statements, plus the name in the request. An unknown Agent still gets its Person (C §2.4.s3.b3).
    /// </summary>
    private static async Task<IResult> GetAgentsAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (request, failure) = await XapiEndpoints.BeginAsync(context, write: false, cancellationToken);
        if (request is null) return failure!;
        var query = context.Request.Query;
        if (CheckNames(query, ["agent"], "GET agents") is { } bad) return bad;
        if (!query.TryGetValue("agent", out var text)) return XapiEndpoints.Error(400, "GET agents needs the agent parameter (a JSON Agent object).");
        var (agent, ifi, problem) = ParseAgent(text.ToString(), request.Version, allowIdentifiedGroup: false);
        if (problem is not null) return XapiEndpoints.Error(400, problem);
        var names = (await Documents(context).ActorNamesAsync(request.Caller.TenantId, ifi!, PersonNameStatements, cancellationToken)).ToList();
        if (agent!.Value.TryGetProperty("name", out var sent) && sent.GetString() is { Length: > 0 } n && !names.Contains(n, StringComparer.Ordinal)) names.Add(n);

        var person = new JsonObject { ["objectType"] = "Person" };
        if (names.Count > 0) person["name"] = new JsonArray([.. names.Select(s => (JsonNode)JsonValue.Create(s))]);
        var root = agent.Value;
        if (root.TryGetProperty("mbox", out var mbox)) person["mbox"] = new JsonArray(JsonValue.Create(mbox.GetString()));
        else if (root.TryGetProperty("mbox_sha1sum", out var sha)) person["mbox_sha1sum"] = new JsonArray(JsonValue.Create(sha.GetString()!.ToLowerInvariant()));
        else if (root.TryGetProperty("openid", out var openid)) person["openid"] = new JsonArray(JsonValue.Create(openid.GetString()));
        else if (root.TryGetProperty("account", out var account))
            person["account"] = new JsonArray(new JsonObject { ["homePage"] = account.GetProperty("homePage").GetString(), ["name"] = account.GetProperty("name").GetString() });
        // The Person carries the names a learner was recorded under: personal data, so on the trail. (GET activities
        // returns Activity definitions — content metadata, nothing about a person — and is not.)
        await XapiEndpoints.AuditReadAsync(request, "xapi.agents", null, 1);
        return JsonWithETag(context, person);
    }

    /// <summary>
    /// C §2.5: the canonical Activity — its definition merged from every stored Statement (see
    /// <see cref="XapiActivityDefinitions"/>); an Activity this LRS has no definition of is still returned, as
    /// objectType and id (C §2.5.s2.b1).
    /// </summary>
    private static async Task<IResult> GetActivitiesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var (request, failure) = await XapiEndpoints.BeginAsync(context, write: false, cancellationToken);
        if (request is null) return failure!;
        var query = context.Request.Query;
        if (CheckNames(query, ["activityId"], "GET activities") is { } bad) return bad;
        if (!query.TryGetValue("activityId", out var id)) return XapiEndpoints.Error(400, "GET activities needs the activityId parameter (an IRI).");
        if (!XapiFormats.IsIri(id.ToString())) return XapiEndpoints.Error(400, "activityId must be an IRI with a scheme (e.g. http://example.org/...).");
        var activity = await context.RequestServices.GetRequiredService<XapiActivityDefinitions>().GetAsync(request.Caller.TenantId, id.ToString(), cancellationToken);
        return JsonWithETag(context, activity);
    }

    // ---- Parameters ----------------------------------------------------------------------------------------------------

    /// <summary>A parsed document request: the context, the document id (null = all ids of the context) and since.</summary>
    private sealed record Target(XapiDocumentContext Context, string? DocumentId, DateTime? Since);

    /// <summary>
    /// The parameters of a document request (C §2.3–2.7 tables; C §3.2.s3.b7–b8: unknown parameters and known ones in
    /// the wrong case are 400; a repeated one is ambiguous, so 400 too). The id is required by PUT and POST and by
    /// DELETE except on State (whose DELETE without stateId clears the context); <c>since</c> belongs to GET only.
    /// </summary>
    private static (Target? Target, IResult? Failure) Parse(IQueryCollection query, Resource resource, XapiVersion version, string method)
    {
        var get = method == "GET";
        List<string> allowed = [];
        if (resource.HasActivity) allowed.Add("activityId");
        if (resource.HasAgent) allowed.Add("agent");
        if (resource.HasRegistration) allowed.Add("registration");
        allowed.Add(resource.IdParameter);
        if (get) allowed.Add("since");
        var what = $"{method} {resource.Name}";
        if (CheckNames(query, allowed, what) is { } bad) return (null, bad);

        string? activityId = null;
        if (resource.HasActivity)
        {
            if (!query.TryGetValue("activityId", out var a)) return (null, XapiEndpoints.Error(400, $"{what} needs the activityId parameter (an IRI)."));
            activityId = a.ToString();
            if (!XapiFormats.IsIri(activityId)) return (null, XapiEndpoints.Error(400, "activityId must be an IRI with a scheme (e.g. http://example.org/...)."));
        }
        string? agentIfi = null;
        if (resource.HasAgent)
        {
            if (!query.TryGetValue("agent", out var a)) return (null, XapiEndpoints.Error(400, $"{what} needs the agent parameter (a JSON Agent object)."));
            var (_, ifi, problem) = ParseAgent(a.ToString(), version, resource.AllowsIdentifiedGroup);
            if (problem is not null) return (null, XapiEndpoints.Error(400, problem));
            agentIfi = ifi;
        }
        string? registration = null;
        if (query.TryGetValue("registration", out var r))
        {
            if (!XapiFormats.IsUuid(r.ToString())) return (null, XapiEndpoints.Error(400, "registration must be a UUID."));
            registration = XapiFormats.NormalizeUuid(r.ToString());
        }
        string? documentId = null;
        if (query.TryGetValue(resource.IdParameter, out var d))
        {
            documentId = d.ToString();
            if (documentId.Length == 0) return (null, XapiEndpoints.Error(400, $"{resource.IdParameter} must not be empty."));
        }
        else if (method is "PUT" or "POST" || (method == "DELETE" && resource.Kind != XapiDocumentKind.State))
        {
            return (null, XapiEndpoints.Error(400, $"{what} needs the {resource.IdParameter} parameter."));
        }
        DateTime? since = null;
        if (query.TryGetValue("since", out var s))
        {
            if (!XapiFormats.TryParseTimestamp(s.ToString(), out var t)) return (null, XapiEndpoints.Error(400, "since must be an ISO 8601 timestamp with a time zone."));
            since = t.UtcDateTime;
        }
        return (new Target(new XapiDocumentContext(resource.Kind, activityId, agentIfi, registration), documentId, since), null);
    }

    /// <summary>Every parameter known (case-sensitive), given once and of bounded length.</summary>
    private static IResult? CheckNames(IQueryCollection query, IReadOnlyCollection<string> allowed, string what)
    {
        foreach (var (key, values) in query)
        {
            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                var near = allowed.FirstOrDefault(a => string.Equals(a, key, StringComparison.OrdinalIgnoreCase));
                return XapiEndpoints.Error(400, near is null
                    ? $"'{XapiEndpoints.Truncate(key)}' is not a parameter of {what} (allowed: {string.Join(", ", allowed)})."
                    : $"'{XapiEndpoints.Truncate(key)}' is not a parameter of {what}; parameter names are case-sensitive: '{near}'.");
            }
            if (values.Count != 1) return XapiEndpoints.Error(400, $"'{key}' is given more than once.");
            if (values[0]!.Length > MaxParameterLength) return XapiEndpoints.Error(400, $"'{key}' is longer than {MaxParameterLength} characters.");
        }
        return null;
    }

    /// <summary>
    /// The <c>agent</c> parameter: a JSON Agent (C §2.3–2.6 "Agent object (JSON)"), validated by the Statement
    /// validator's actor rules (exactly one IFI, mailto: mbox, …), or for State an identified Group. Returns the element
    /// (detached from its document) and its canonical IFI, or a message.
    /// </summary>
    private static (JsonElement? Agent, string? Ifi, string? Problem) ParseAgent(string text, XapiVersion version, bool allowIdentifiedGroup)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(text, XapiStatements.DocumentOptions); }
        catch (JsonException) { return (null, null, "agent must be a JSON Agent object (e.g. {\"mbox\":\"mailto:learner@example.org\"})."); }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return (null, null, "agent must be a JSON Agent object, not " + root.ValueKind.ToString().ToLowerInvariant() + ".");
            var isGroup = root.TryGetProperty("objectType", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "Group";
            if (isGroup && !allowIdentifiedGroup)
                return (null, null, "agent must be an Agent, not a Group (C §2.6: to store data against an identified Group, send its identifier in an Agent object).");
            var problems = XapiStatementValidator.ValidateActor(root, version, "agent");
            if (problems.Count > 0) return (null, null, "agent is not a valid Agent: " + string.Join("; ", problems.Take(5)));
            var ifi = XapiIdentity.Ifi(root);
            if (ifi is null) return (null, null, "agent must be identified (mbox, mbox_sha1sum, openid or account); an anonymous Group owns no documents.");
            return (root.Clone(), ifi, null);
        }
    }

    // ---- Bodies, preconditions, responses ----------------------------------------------------------------------------

    /// <summary>
    /// The document body, up to <see cref="XapiSettings.MaxRequestBytes"/> (413 above it, declared or counted; C §3.2.s3.b11),
    /// and its content type (none = application/octet-stream). A body declared application/json must be UTF-8 JSON
    /// (C §3.2.s3.b6: the content type must match the content; C §1.4: UTF-8).
    /// </summary>
    private static async Task<(byte[]? Body, string? ContentType, IResult? Failure)> ReadDocumentAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var max = context.RequestServices.GetRequiredService<XapiSettings>().MaxRequestBytes;
        var contentType = context.Request.ContentType;
        if (string.IsNullOrWhiteSpace(contentType)) contentType = "application/octet-stream";
        else if (contentType.Length > MaxContentTypeLength || !MediaTypeHeaderValue.TryParse(contentType, out var media) || media.MediaType.Value?.Contains('/', StringComparison.Ordinal) != true)
            return (null, null, XapiEndpoints.Error(400, "Content-Type is not a valid media type."));
        else if (IsJson(contentType) && media.Charset.HasValue && !string.Equals(media.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase))
            return (null, null, XapiEndpoints.Error(400, "A JSON document is UTF-8 (xAPI Communication §1.4); charset must be utf-8 or absent."));
        if (context.Request.ContentLength > max) return (null, null, XapiEndpoints.Error(413, $"The document is larger than {max} bytes."));
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max) return (null, null, XapiEndpoints.Error(413, $"The document is larger than {max} bytes."));
            buffer.Write(chunk, 0, read);
        }
        var body = buffer.ToArray();
        if (IsJson(contentType))
        {
            try
            {
                using var _ = JsonDocument.Parse(body, XapiStatements.DocumentOptions);
            }
            catch (JsonException e)
            {
                return (null, null, XapiEndpoints.Error(400, $"The body is declared application/json but is not JSON ({XapiEndpoints.Truncate(e.Message.Split(". ")[0])})."));
            }
        }
        return (body, contentType, null);
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media) && string.Equals(media.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// C §2.2.s7: the stored object with each top-level property of the posted object set on it (whole values replaced,
    /// nothing merged deeper); stored properties keep their order, new ones follow. Null when either is not a JSON object.
    /// </summary>
    public static byte[]? MergeObjects(byte[] stored, byte[] posted)
    {
        try
        {
            using var storedDocument = JsonDocument.Parse(stored, XapiStatements.DocumentOptions);
            using var postedDocument = JsonDocument.Parse(posted, XapiStatements.DocumentOptions);
            if (storedDocument.RootElement.ValueKind != JsonValueKind.Object || postedDocument.RootElement.ValueKind != JsonValueKind.Object) return null;
            var order = new List<string>();
            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var source in new[] { storedDocument.RootElement, postedDocument.RootElement })
            {
                foreach (var property in source.EnumerateObject())
                {
                    if (!values.ContainsKey(property.Name)) order.Add(property.Name);
                    values[property.Name] = property.Value;
                }
            }
            using var output = new MemoryStream();
            using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                foreach (var name in order)
                {
                    writer.WritePropertyName(name);
                    values[name].WriteTo(writer);
                }
                writer.WriteEndObject();
            }
            return output.ToArray();
        }
        catch (JsonException)
        {
            return null; // a stored document labelled JSON that is not (never written by this LRS, but refuse rather than fail)
        }
    }

    /// <summary>
    /// RFC 9110 §13.1.1–13.1.2 as C §3.1 asks: If-Match fails unless the document exists and one listed tag (or *) is
    /// its ETag; If-None-Match fails when the document exists and * or its ETag is listed — 412 for PUT/POST/DELETE,
    /// 304 for GET. Null when the request may proceed.
    /// </summary>
    private static IResult? Preconditions(HttpRequest request, XapiDocument? current, bool safe)
    {
        var ifMatch = request.Headers.IfMatch;
        if (ifMatch.Count > 0 && !AnyMatches(ifMatch, current))
            return XapiEndpoints.Error(StatusCodes.Status412PreconditionFailed, current is null
                ? "If-Match: there is no such document (nothing was changed)."
                : "If-Match does not match the document's current ETag: it was changed since you read it (nothing was changed).");
        var ifNoneMatch = request.Headers.IfNoneMatch;
        if (ifNoneMatch.Count > 0 && AnyMatches(ifNoneMatch, current))
            return safe ? Results.StatusCode(StatusCodes.Status304NotModified)
                : XapiEndpoints.Error(StatusCodes.Status412PreconditionFailed, "If-None-Match: the document exists (nothing was changed).");
        return null;
    }

    /// <summary>Whether a list of entity tags names the current document: * when it exists, or its ETag (quoted or not, W/ ignored).</summary>
    private static bool AnyMatches(StringValues header, XapiDocument? current)
    {
        if (current is null) return false;
        foreach (var value in header)
        {
            foreach (var raw in (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (raw == "*") return true;
                var tag = raw.StartsWith("W/", StringComparison.Ordinal) ? raw[2..] : raw;
                if (tag.Length >= 2 && tag[0] == '"' && tag[^1] == '"') tag = tag[1..^1];
                if (string.Equals(tag, current.ETag, StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    private static string Quote(string etag) => "\"" + etag + "\"";

    private static string HttpDate(DateTime instant) => instant.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A stored document as the response (C §1.1: HEAD gets the headers only).</summary>
    private static IResult Bytes(HttpContext context, byte[] content, string contentType)
    {
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = content.Length;
            return Results.Empty;
        }
        return Results.Bytes(content, contentType);
    }

    /// <summary>A JSON response with the ETag of exactly the bytes sent (C §3.1.s4.b1: every GET carries one).</summary>
    private static IResult JsonWithETag(HttpContext context, JsonNode body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString(XapiStatements.WriteOptions));
        context.Response.Headers.ETag = Quote(XapiDocumentStore.ETagOf(bytes));
        return XapiEndpoints.Json(context, body);
    }

    private static XapiDocumentStore Documents(HttpContext context) => context.RequestServices.GetRequiredService<XapiDocumentStore>();
}
