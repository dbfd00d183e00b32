using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Hosting;
using Koumu.Interop.Schemas.Json;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;
using QueryCollection = Koumu.Interop.Storage.Query.QueryCollection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using OpenIddict.Abstractions;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// Maps the OneRoster route tables (<see cref="OneRosterRoutes.All"/>: Rostering and Resources) onto the host, one GET
/// endpoint per OAS operation, each under its service's base path.
/// </summary>
public static class RosteringEndpoints
{
    public static IEndpointRouteBuilder MapOneRosterEndpoints(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var settings = routes.ServiceProvider.GetRequiredService<HubSettings>();
        // One count cache per hub process (X-Total-Count without a COUNT(*) per page; exact, see TotalCountCache).
        var handlers = new RosteringHandlers(routes.ServiceProvider.GetRequiredService<RosterStore>(), CursorCodec(settings), new TotalCountCache(), settings.PublicBaseUrl);
        foreach (var route in OneRosterRoutes.All)
        {
            RequestDelegate handler = context => handlers.HandleAsync(context, route);
            routes.MapGet(route.Base + route.Path, handler).WithName(route.OperationId);
        }
        routes.MapGradebookWriteEndpoints();
        return routes;
    }

    /// <summary>
    /// The cursor signing key is derived from the token signing key (HKDF-SHA256): every hub process that validates the
    /// same tokens also accepts the same cursors, and there is no second secret to distribute.
    /// </summary>
    private static QueryCursorCodec CursorCodec(HubSettings settings) =>
        new(HKDF.DeriveKey(HashAlgorithmName.SHA256, File.ReadAllBytes(settings.SigningKeyPath), 32, salt: [],
            info: Encoding.UTF8.GetBytes("koumu oneroster query cursor v1")));
}

/// <summary>
/// The generic handler of every OneRoster read (Rostering OAS-R and Resources OAS-Res alike): authenticate (401 <c>unauthorisedrequest</c>), check the
/// operation's scopes (403 <c>forbidden</c>), parse the query (400 with the engine's codeMinor), check nested parents
/// (404 <c>unknownobject</c>), read one page through the query engine with the caller's confinement, map rows to the
/// OAS <c>*DType</c>, and write the OAS wrapper with <c>X-Total-Count</c> and an RFC 8288 <c>Link</c> header.
/// Records of every status are served: a consumer syncing with <c>filter=dateLastModified&gt;…</c> must see tobedeleted
/// records to learn of deletions (OneRoster 1.2 status "tobedeleted"); a client that wants only active records filters
/// on <c>status='active'</c>.
/// </summary>
public sealed class RosteringHandlers(RosterStore store, QueryCursorCodec cursors, TotalCountCache? totals = null, Uri? publicBaseUrl = null)
{
    public const string CursorParameter = "cursor";

    /// <summary>Tenant codes never change their id: a hit is cached for the host's life (a miss is not, the first import creates it).</summary>
    private readonly ConcurrentDictionary<string, int> _tenants = new(StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext context, RosteringRoute route)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(route);
        var user = context.User;
        var cancellationToken = context.RequestAborted;
        if (user.Identity?.IsAuthenticated != true)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await FailAsync(context, StatusCodes.Status401Unauthorized, CodeMinorValue.UnauthorisedRequest, "A valid bearer access token is required.", "token");
            return;
        }
        if (!route.Scopes.Any(user.HasScope))
        {
            await FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden,
                $"{route.OperationId} needs one of the scopes {string.Join(", ", route.Scopes)}.", "scope");
            return;
        }
        var tenant = user.Tenant();
        if (tenant is null || tenant == Caller.AllTenants)
        {
            await FailAsync(context, StatusCodes.Status403Forbidden, CodeMinorValue.Forbidden,
                "OneRoster requests need a client bound to one tenant (koumu_tenant).", "token");
            return;
        }

        var collection = route.Resource.Collection;
        var query = context.Request.Query;
        var fields = query.TryGetValue("fields", out var f) ? f.OfType<string>().ToList() : null;
        var parameters = route.Shape == RouteShape.Single
            ? new QueryParameters(Fields: fields, Limit: "1")
            : new QueryParameters(Single(query, "filter"), Single(query, "sort"), Single(query, "orderBy"), Single(query, "limit"),
                Single(query, "offset"), fields, Single(query, CursorParameter));
        var parsed = RosterQueryParser.Parse(collection, parameters, cursors);
        if (parsed.Error is { } error)
        {
            await FailAsync(context, StatusCodes.Status400BadRequest, error.CodeMinor, error.Message, error.Parameter);
            return;
        }

        // A tenant with no roster yet has no records: -1 matches none, so every route answers as for an empty tenant.
        var tenantId = await TenantIdAsync(tenant, cancellationToken) ?? -1;
        var provider = store.Options.Provider;
        await using var connection = await store.OpenReadConnectionAsync(cancellationToken);
        var confinement = await ClientConfinement.ResolveAsync(connection, provider, tenantId, [.. user.GetClaims(Caller.OrgsClaim)], cancellationToken);

        var scope = confinement.For(collection);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in context.Request.RouteValues)
            if (value is string s) values[key] = s;
        switch (route.Shape)
        {
            case RouteShape.Single:
                scope = scope.And(SourcedId(values["sourcedId"]));
                break;
            case RouteShape.Nested:
                foreach (var parent in route.Parents!)
                {
                    var id = values[parent.Parameter];
                    var parentScope = confinement.For(parent.Collection).And(SourcedId(id));
                    if (parent.Extra is { } extra) parentScope = parentScope.And(extra(values));
                    var probe = RosterQueryParser.Parse(parent.Collection, new QueryParameters(Limit: "1")).Value;
                    var found = await RosterQueryExecutor.ReadPageAsync(connection,
                        RosterQueryCompiler.Compile(probe, provider, tenantId, parentScope), includeTotal: false, null, cancellationToken);
                    if (found.Records.Count == 0)
                    {
                        // Also for a parent outside the client's orgs: the answer must not reveal that it exists.
                        await FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject,
                            $"There is no {parent.Collection.Name} '{Shorten(id)}'.", parent.Parameter);
                        return;
                    }
                }
                scope = scope.And(route.Membership!(values, provider));
                break;
        }

        var plan = RosterQueryCompiler.Compile(parsed.Value, provider, tenantId, scope);
        var page = await RosterQueryExecutor.ReadPageAsync(connection, plan, includeTotal: route.Shape != RouteShape.Single, cursors, totals, cancellationToken);
        if (route.Shape == RouteShape.Single && page.Records.Count == 0)
        {
            await FailAsync(context, StatusCodes.Status404NotFound, CodeMinorValue.UnknownObject,
                $"There is no {collection.Name} '{Shorten(values["sourcedId"])}'.", "sourcedId");
            return;
        }

        var mapper = new OneRosterJsonMapper(BaseUrl(context.Request, publicBaseUrl));
        var objects = await MapAsync(connection, provider, tenantId, route.Resource, mapper, page.Records, confinement, cancellationToken);

        var buffer = new ArrayBufferWriter<byte>();
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = OneRosterJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            if (route.Shape == RouteShape.Single)
            {
                writer.WritePropertyName(route.Resource.Singular);
                Write(writer, objects[0], parsed.Value.Fields);
            }
            else
            {
                writer.WriteStartArray(route.Resource.Plural);
                foreach (var item in objects) Write(writer, item, parsed.Value.Fields);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }

        var response = context.Response;
        if (route.Shape != RouteShape.Single)
        {
            response.Headers["X-Total-Count"] = page.TotalCount!.Value.ToString(CultureInfo.InvariantCulture);
            if (Links(context.Request, parsed.Value, page) is { Length: > 0 } links) response.Headers.Link = links;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        // Every read of roster data is on the audit trail (who, which records, how many; queued, written in batches).
        await Audit.AuditEndpoints.RecordAsync(context, tenant, "read", "oneroster." + collection.Name,
            route.Shape == RouteShape.Single ? values["sourcedId"] : null, objects.Count, Audit.AuditEndpoints.OneRosterClassification(collection.Name));
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    private async Task<int?> TenantIdAsync(string tenant, CancellationToken cancellationToken)
    {
        if (_tenants.TryGetValue(tenant, out var cached)) return cached;
        var id = await store.FindTenantAsync(tenant, cancellationToken);
        if (id is { } found) _tenants[tenant] = found;
        return id;
    }

    private static async Task<List<OneRosterBase>> MapAsync(System.Data.Common.DbConnection connection, DatabaseProvider provider, int tenantId,
        RosterResource resource, OneRosterJsonMapper mapper, IReadOnlyList<CsvRecord> records, ClientConfinement confinement, CancellationToken cancellationToken)
    {
        var ids = records.Select(r => r.SourcedId).ToList();
        if (resource.Links is { } links)
        {
            var (objectives, scales) = await GradebookLinkLoader.LoadAsync(connection, provider, tenantId, links, ids, cancellationToken);
            return records.Select(r => links.Map(mapper, r, objectives[r.SourcedId], scales.GetValueOrDefault(r.SourcedId))).ToList();
        }
        if (!resource.IsUser) return records.Select(r => resource.Map!(mapper, r)).ToList();
        var (roles, profiles) = await UserRoleLoader.LoadAsync(connection, provider, tenantId, ids, confinement, cancellationToken);
        var rolesByUser = roles.ToLookup(r => (string)r["userSourcedId"]!, StringComparer.Ordinal);
        var profilesByUser = profiles.ToLookup(p => (string)p["userSourcedId"]!, StringComparer.Ordinal);
        return records.Select(r => (OneRosterBase)mapper.ToUser(r, rolesByUser[r.SourcedId], profilesByUser[r.SourcedId])).ToList();
    }

    /// <summary>Writes one object; with <c>fields</c>, only the selected properties (OAS-R <c>fields</c>: "the set of fields to be returned").</summary>
    private static void Write(Utf8JsonWriter writer, OneRosterBase item, IReadOnlyList<string>? fields)
    {
        if (fields is null)
        {
            JsonSerializer.Serialize(writer, item, item.GetType(), OneRosterJson.Options);
            return;
        }
        var node = JsonSerializer.SerializeToNode(item, item.GetType(), OneRosterJson.Options)!.AsObject();
        writer.WriteStartObject();
        foreach (var (name, value) in node)
        {
            if (!fields.Contains(name, StringComparer.Ordinal)) continue;
            writer.WritePropertyName(name);
            if (value is null) writer.WriteNullValue(); else value.WriteTo(writer, OneRosterJson.Options);
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// RFC 8288 links (OAS-R declares first/prev/next/last links on every collection): the request's own URL with the
    /// paging parameters changed. <c>next</c> carries the engine's keyset cursor, so following it costs the same at any
    /// depth; <c>prev</c> and <c>last</c> are offsets (a cursor page has no offset to step back from, so it has no prev).
    /// </summary>
    private string Links(HttpRequest request, RosterQuery query, RosterPage page) =>
        PagingLinks(request, publicBaseUrl, query, page.HasMore, page.NextCursor, page.TotalCount);

    /// <summary>The <c>Link</c> header of a page of any collection of the query engine (also the hub's own APIs, e.g. attendance).</summary>
    internal static string PagingLinks(HttpRequest request, Uri? publicBaseUrl, RosterQuery query, bool hasMore, string? nextCursor, long? totalCount)
    {
        var kept = request.Query.Where(p => p.Key is not ("offset" or CursorParameter)).ToList();
        string Url(string? name, string? value)
        {
            var pairs = kept.SelectMany(p => p.Value.Select(v => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(v ?? "")));
            if (name is not null) pairs = pairs.Append(name + "=" + Uri.EscapeDataString(value!));
            var queryString = string.Join('&', pairs);
            return BaseUrl(request, publicBaseUrl) + request.Path.ToUriComponent() + (queryString.Length > 0 ? "?" + queryString : "");
        }
        string Offset(long offset) => Url("offset", offset.ToString(CultureInfo.InvariantCulture));

        var links = new List<string> { $"<{Url(null, null)}>; rel=\"first\"" };
        if (query.After is null && query.Offset > 0) links.Add($"<{Offset(Math.Max(0, query.Offset - query.Limit))}>; rel=\"prev\"");
        if (hasMore) links.Add($"<{(nextCursor is { } cursor ? Url(CursorParameter, cursor) : Offset((long)query.Offset + query.Limit))}>; rel=\"next\"");
        var total = totalCount ?? 0;
        links.Add($"<{Offset(total == 0 ? 0 : (total - 1) / query.Limit * query.Limit)}>; rel=\"last\"");
        return string.Join(", ", links);
    }

    /// <summary>The configured public address, else the request's own scheme, Host and path base.</summary>
    internal static string BaseUrl(HttpRequest request, Uri? publicBaseUrl) => publicBaseUrl is not null
        ? publicBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')
        : $"{request.Scheme}://{(request.Host.HasValue ? request.Host.ToUriComponent() : "localhost")}{request.PathBase.ToUriComponent()}";

    private static QueryConfinement SourcedId(string id) =>
        QueryConfinement.Sql("t.sourced_id = @r_id", new Dictionary<string, object> { ["r_id"] = id });

    /// <summary>One value of a query parameter; a repeated one (other than fields) takes the first.</summary>
    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>An OAS-R error response: <c>imsx_StatusInfo</c> with one codeMinor field.</summary>
    internal static async Task FailAsync(HttpContext context, int status, string codeMinor, string description, string fieldName)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = OneRosterJson.SerializeToUtf8Bytes(ImsxStatusInfo.Failure(codeMinor, description, fieldName));
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : text[..64] + "…";
}
