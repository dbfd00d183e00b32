using Koumu.Interop.Api.Auth;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage.Query;
using QueryCollection = Koumu.Interop.Storage.Query.QueryCollection;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// The 5 GET operations of the OneRoster 1.2 Resources service (OAS-Res <c>paths</c>), served by the same handlers as
/// Rostering (<see cref="RosteringHandlers"/>). A resource's associations are the link files of the CSV binding:
/// classResources, courseResources and userResources (each row a resourceSourcedId and its class, course or user).
/// </summary>
public static class ResourcesRoutes
{
    public const string Base = "/ims/oneroster/resources/v1p2";

    // OAS-Res security: getAllResources and getResource accept resource.readonly or resource-core.readonly; the three
    // relationship reads (…/{id}/resources) need resource.readonly.
    private static readonly string[] Core = [KoumuScopes.ResourceReadonly, KoumuScopes.ResourceCoreReadonly];
    private static readonly string[] Full = [KoumuScopes.ResourceReadonly];

    public static readonly IReadOnlyList<RosteringRoute> All =
    [
        new(Base, "/resources", "getAllResources", RouteShape.Collection, RosterResource.Resources, Core),
        new(Base, "/resources/{sourcedId}", "getResource", RouteShape.Single, RosterResource.Resources, Core),
        Nested("/classes/{classSourcedId}/resources", "getResourcesForClass", "classSourcedId", QueryCollections.Classes,
            CsvBinding.ClassResources, "classSourcedId"),
        Nested("/courses/{courseSourcedId}/resources", "getResourcesForCourse", "courseSourcedId", QueryCollections.Courses,
            CsvBinding.CourseResources, "courseSourcedId"),
        Nested("/users/{userSourcedId}/resources", "getResourcesForUser", "userSourcedId", QueryCollections.Users,
            CsvBinding.UserResources, "userSourcedId"),
    ];

    /// <summary>
    /// A relationship read: the parent must be visible to the caller (so a confined client gets 404 for a class, course
    /// or user outside its orgs, as in Rostering), and a resource belongs to it when an active row of the link file
    /// names both. A tobedeleted link no longer associates the resource (OneRoster 1.2 status "tobedeleted").
    /// </summary>
    private static RosteringRoute Nested(string path, string operationId, string parameter, QueryCollection parent,
        CsvFileDefinition link, string parentColumn) =>
        new(Base, path, operationId, RouteShape.Nested, RosterResource.Resources, Full, [new(parameter, parent)],
            (values, _) => QueryConfinement.Sql(
                $"EXISTS (SELECT 1 FROM {link.StorageName} l WHERE l.tenant_id = t.tenant_id " +
                $"AND l.{link.Column("resourceSourcedId").SqlName} = t.sourced_id " +
                $"AND l.{link.Column(parentColumn).SqlName} = @r_parent AND l.status = 'active')",
                new Dictionary<string, object> { ["r_parent"] = values[parameter] }));
}

/// <summary>Every OneRoster route the hub serves: the Rostering service's, the Gradebook service's reads, the Resources service's.</summary>
public static class OneRosterRoutes
{
    public static readonly IReadOnlyList<RosteringRoute> All = [.. RosteringRoutes.All, .. GradebookRoutes.All, .. ResourcesRoutes.All];
}
