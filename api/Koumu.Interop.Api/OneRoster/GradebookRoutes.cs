using Koumu.Interop.Api.Auth;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// The 19 GET operations of the OneRoster 1.2 Gradebook service (OAS-G <c>paths</c>), served by the same handlers as
/// Rostering (<see cref="RosteringHandlers"/>). The writes (PUT/POST/DELETE) are not in this table.
/// </summary>
public static class GradebookRoutes
{
    public const string Base = "/ims/oneroster/gradebook/v1p2";

    // OAS-G security: the top-level categories, lineItems, results and scoreScales reads accept gradebook.readonly or
    // gradebook-core.readonly; the relationship reads (/classes/…, /schools/…) need gradebook.readonly; every
    // assessmentLineItems / assessmentResults read needs assessment.readonly.
    private static readonly string[] Core = [KoumuScopes.GradebookReadonly, KoumuScopes.GradebookCoreReadonly];
    private static readonly string[] Full = [KoumuScopes.GradebookReadonly];
    private static readonly string[] Assessment = [KoumuScopes.AssessmentReadonly];

    public static readonly IReadOnlyList<RosteringRoute> All = Build();

    private static List<RosteringRoute> Build()
    {
        var routes = new List<RosteringRoute>();
        void Top(string name, string all, string one, RosterResource resource, string[] scopes)
        {
            routes.Add(new(Base, "/" + name, all, RouteShape.Collection, resource, scopes));
            routes.Add(new(Base, "/" + name + "/{sourcedId}", one, RouteShape.Single, resource, scopes));
        }
        Top("assessmentLineItems", "getAllAssessmentLineItems", "getAssessmentLineItem", RosterResource.AssessmentLineItems, Assessment);
        Top("assessmentResults", "getAllAssessmentResults", "getAssessmentResult", RosterResource.AssessmentResults, Assessment);
        Top("categories", "getAllCategories", "getCategory", RosterResource.Categories, Core);
        Top("lineItems", "getAllLineItems", "getLineItem", RosterResource.LineItems, Core);
        Top("results", "getAllResults", "getResult", RosterResource.Results, Core);
        Top("scoreScales", "getAllScoreScales", "getScoreScale", RosterResource.ScoreScales, Core);

        void Nested(string path, string operationId, RosterResource resource, RouteParent[] parents,
            Func<IReadOnlyDictionary<string, string>, QueryConfinement> membership) =>
            routes.Add(new(Base, path, operationId, RouteShape.Nested, resource, Full, parents, (v, _) => membership(v)));

        // A parent must be visible to the caller (a confined client gets 404 for a class or school outside its orgs).
        RouteParent Class = new("classSourcedId", QueryCollections.Classes);

        // getCategoriesForClass: OAS-G gives a category no class ("the name given to a grouping of line items"), so a
        // class's categories are the ones its active lineItems are grouped by (LineItemDType.category): the categories
        // the class actually uses. A category no lineItem of the class uses is not the class's.
        Nested("/classes/{classSourcedId}/categories", "getCategoriesForClass", RosterResource.Categories, [Class],
            v => CategoriesOfClass(v["classSourcedId"]));
        // getLineItemsForClass: LineItemDType.class (required).
        Nested("/classes/{classSourcedId}/lineItems", "getLineItemsForClass", RosterResource.LineItems, [Class],
            v => Equal("class.sourcedId", v["classSourcedId"]));
        // getResultsForClass: results whose lineItem belongs to the class. ResultDType.class is optional (and absent from
        // many packages); the lineItem's class is required, so it is the class every result has.
        Nested("/classes/{classSourcedId}/results", "getResultsForClass", RosterResource.Results, [Class],
            v => ResultsOfClass(v["classSourcedId"]));
        // getScoreScalesForClass: ScoreScaleDType.class (required).
        Nested("/classes/{classSourcedId}/scoreScales", "getScoreScalesForClass", RosterResource.ScoreScales, [Class],
            v => Equal("class.sourcedId", v["classSourcedId"]));
        // getResultsForLineItemForClass: the lineItem must belong to the class, else 404 (like a class of another school
        // under /schools/{id}/classes/{id} in Rostering).
        Nested("/classes/{classSourcedId}/lineItems/{lineItemSourcedId}/results", "getResultsForLineItemForClass", RosterResource.Results,
            [Class, new("lineItemSourcedId", QueryCollections.LineItems, v => Equal("class.sourcedId", v["classSourcedId"]))],
            v => Equal("lineItem.sourcedId", v["lineItemSourcedId"]));
        // getResultsForStudentForClass: the student's results for lineItems of the class; the student must be a visible
        // user with a student role (as /students/{id}/classes in Rostering).
        Nested("/classes/{classSourcedId}/students/{studentSourcedId}/results", "getResultsForStudentForClass", RosterResource.Results,
            [Class, new("studentSourcedId", QueryCollections.Students)],
            v => Equal("student.sourcedId", v["studentSourcedId"]).And(ResultsOfClass(v["classSourcedId"])));
        // getScoreScalesForSchool: the scale's owning org (scoreScales.csv orgSourcedId, required; not in the JSON).
        Nested("/schools/{schoolSourcedId}/scoreScales", "getScoreScalesForSchool", RosterResource.ScoreScales,
            [new("schoolSourcedId", QueryCollections.Schools)],
            v => QueryConfinement.Sql($"t.{CsvBinding.ScoreScales.Column("orgSourcedId").SqlName} = @r_school",
                new Dictionary<string, object> { ["r_school"] = v["schoolSourcedId"] }));
        return routes;
    }

    private static QueryConfinement Equal(string field, string value) => QueryConfinement.FieldIn(field, [value]);

    /// <summary>Categories that an active lineItem of the class is grouped by.</summary>
    private static QueryConfinement CategoriesOfClass(string classId)
    {
        var li = CsvBinding.LineItems;
        return QueryConfinement.Sql(
            $"EXISTS (SELECT 1 FROM {li.StorageName} lc WHERE lc.tenant_id = t.tenant_id AND lc.{li.Column("categorySourcedId").SqlName} = t.sourced_id " +
            $"AND lc.{li.Column("classSourcedId").SqlName} = @r_class AND lc.status = 'active')",
            new Dictionary<string, object> { ["r_class"] = classId });
    }

    /// <summary>
    /// Results whose lineItem belongs to the class, whatever the lineItem's status: a consumer syncing a class's results
    /// must also see the results that were marked tobedeleted together with their lineItem.
    /// </summary>
    private static QueryConfinement ResultsOfClass(string classId)
    {
        var li = CsvBinding.LineItems;
        return QueryConfinement.Sql(
            $"EXISTS (SELECT 1 FROM {li.StorageName} lc WHERE lc.tenant_id = t.tenant_id " +
            $"AND lc.sourced_id = t.{CsvBinding.Results.Column("lineItemSourcedId").SqlName} AND lc.{li.Column("classSourcedId").SqlName} = @r_class)",
            new Dictionary<string, object> { ["r_class"] = classId });
    }
}
