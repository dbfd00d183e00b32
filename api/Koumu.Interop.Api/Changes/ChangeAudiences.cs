using System.Data.Common;
using Koumu.Interop.Api.Attendance;
using Koumu.Interop.Api.OneRoster;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Changes;
using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Api.Changes;

/// <summary>
/// Who may see which changes: the feed, the stream and webhook subscriptions all confine a change exactly as the
/// OneRoster read API confines its record (<see cref="ClientConfinement"/>): a client limited to some orgs sees a change
/// only if the record is visible to it now. An <c>org</c> filter narrows further (it can never widen: both confinements
/// apply). Resources without a confinement rule (roles, userProfiles, the link files) are never shown to a confined
/// reader; their changes also move the user / record that embeds them where the JSON does (users' roles). xAPI
/// Statements are never shown to a confined reader either: no rule links a Statement to orgs yet (decisions 0006/0007).
/// Attendance records and warnings are shown when their school is one of the client's orgs (and of the org filter's),
/// the attendance API's own rule.
/// </summary>
public static class ChangeAudiences
{
    public static async Task<ChangeAudience> ResolveAsync(DbConnection connection, DatabaseProvider provider, int tenantId,
        IReadOnlyList<string> clientOrgs, IReadOnlyList<string>? filterOrgs, IReadOnlyCollection<string>? resources, CancellationToken cancellationToken)
    {
        var client = await ClientConfinement.ResolveAsync(connection, provider, tenantId, clientOrgs, cancellationToken);
        var filter = filterOrgs is { Count: > 0 }
            ? await ClientConfinement.ResolveAsync(connection, provider, tenantId, filterOrgs, cancellationToken)
            : ClientConfinement.Tenant;
        if (!client.IsConfined && !filter.IsConfined) return ChangeAudience.Everything(resources);
        // Attendance is confined as its API confines it: the record's school among the client's orgs (and the filter's).
        // Orgs as resolved (a district stands for itself and the schools below it), the set the attendance API checks.
        var schoolSets = new List<IReadOnlyCollection<string>>();
        if (client.Orgs is { } clientSchools) schoolSets.Add(clientSchools);
        if (filter.Orgs is { } filterSchools) schoolSets.Add(filterSchools);
        return ChangeAudience.Confined(resources, file => Rule(file, client, filter), schoolSets);
    }

    private static QueryConfinement? Rule(CsvFileDefinition file, ClientConfinement client, ClientConfinement filter)
    {
        var collection = QueryCollections.Find(file.Name);
        if (collection is null || collection.FixedPredicate is not null) return null;
        try
        {
            return client.For(collection).And(filter.For(collection));
        }
        catch (InvalidOperationException)
        {
            // ClientConfinement refuses collections it has no rule for: such changes stay invisible to confined readers.
            return null;
        }
    }

    /// <summary>Validates a comma list of resource names; null for "every resource".</summary>
    public static (IReadOnlyList<string>? Names, string? Error) ParseResources(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        if (text.Length > 1024) return (null, "'resource' is at most 1024 characters.");
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        var unknown = names.Where(n => !ChangeFeed.ResourceNames.Contains(n, StringComparer.Ordinal)).ToList();
        if (names.Count == 0 || unknown.Count > 0)
            return (null, $"Unknown resource(s): {string.Join(", ", unknown.Take(3).Select(ImportEndpoints.Truncate))}. Known: {string.Join(",", ChangeFeed.ResourceNames)}.");
        return (names, null);
    }

    public const int MaxOrgs = 100;

    /// <summary>Validates a comma list of org sourcedIds; null for "no org filter".</summary>
    public static (IReadOnlyList<string>? Orgs, string? Error) ParseOrgs(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var orgs = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
        if (orgs.Count == 0) return (null, null);
        if (orgs.Count > MaxOrgs) return (null, $"'org' lists at most {MaxOrgs} sourcedIds.");
        if (orgs.Any(o => o.Length > 256)) return (null, "Every org sourcedId is at most 256 characters.");
        return (orgs, null);
    }

    /// <summary>The OneRoster URL of a changed record, or null for records OneRoster serves only inside another (roles, link files).</summary>
    public static string? Href(string baseUrl, string resource, string sourcedId)
    {
        // xAPI C §2.1.3: a single Statement is GET /xapi/statements?statementId=… (a voided one answers 404: its change is a delete).
        if (resource == ChangeFeed.Statements) return baseUrl + "/xapi/statements?statementId=" + Uri.EscapeDataString(sourcedId);
        // Attendance collections have no single-record route: the record is the collection filtered by its sourcedId.
        if (resource is ChangeFeed.AttendanceRecords or ChangeFeed.AttendanceWarnings)
            return baseUrl + AttendanceEndpoints.Base + (resource == ChangeFeed.AttendanceRecords ? "/records" : "/warnings") + "?filter=" +
                Uri.EscapeDataString($"sourcedId='{sourcedId}'");
        var path = resource switch
        {
            "orgs" or "academicSessions" or "courses" or "classes" or "users" or "enrollments" or "demographics" => RosteringRoutes.Base + "/" + resource,
            "resources" => ResourcesRoutes.Base + "/resources",
            "categories" or "lineItems" or "results" or "scoreScales" or "assessmentLineItems" or "assessmentResults" => GradebookBase + "/" + resource,
            _ => null,
        };
        return path is null ? null : baseUrl + path + "/" + Uri.EscapeDataString(sourcedId);
    }

    /// <summary>OneRoster 1.2 Gradebook service base path (OAS-G <c>servers</c>).</summary>
    public const string GradebookBase = "/ims/oneroster/gradebook/v1p2";
}
