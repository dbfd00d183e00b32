namespace Koumu.Interop.Api.Auth;

/// <summary>
/// The scopes the token endpoint knows: the 13 OneRoster 1.2 scope URIs (1EdTech OneRoster 1.2 OpenAPI,
/// <c>securitySchemes.OAuth2CC</c>; shared/reference/oneroster.md §1.3) and the hub's own <c>koumu.admin</c>, <c>koumu.changes.readonly</c> and <c>koumu.xapi.read</c>/<c>koumu.xapi.write</c>, <c>koumu.learning.readonly</c>, <c>koumu.attendance.read</c>/<c>.write</c>/<c>.health.read</c>.
/// </summary>
public static class KoumuScopes
{
    public const string Admin = "koumu.admin";

    /// <summary>The hub's change feed and live stream (<c>/koumu/changes/v1</c>, issue #4), confined like OneRoster reads.</summary>
    public const string ChangesReadonly = "koumu.changes.readonly";

    /// <summary>Read from the LRS under <c>/xapi</c> (Statements, documents, Agents, Activities; issue #5), within the client's tenant.</summary>
    public const string XapiRead = "koumu.xapi.read";

    /// <summary>Write to the LRS under <c>/xapi</c> (Statements and documents; issue #5), within the client's tenant.</summary>
    public const string XapiWrite = "koumu.xapi.write";

    /// <summary>Read attendance records, calendars and derived 指導要録 counts (<c>/koumu/attendance/v1</c>, issue #6; 重要性分類 III), confined like OneRoster reads.</summary>
    public const string AttendanceRead = "koumu.attendance.read";

    /// <summary>Write attendance records and school calendars (<c>/koumu/attendance/v1</c>, issue #6), within the client's orgs.</summary>
    public const string AttendanceWrite = "koumu.attendance.write";

    /// <summary>
    /// See the health details of attendance (symptoms, temperature, disease, 保健室登校: 重要性分類 II); without it a reader gets
    /// the records without them (need-to-know, japan.md §3.5 / §7.7).
    /// </summary>
    public const string AttendanceHealthRead = "koumu.attendance.health.read";

    /// <summary>Read pupils' learning activity linked from the LRS (<c>/koumu/learning/v1</c>, issue #5), confined like OneRoster reads.</summary>
    public const string LearningReadonly = "koumu.learning.readonly";

    public const string OneRosterPrefix = "https://purl.imsglobal.org/spec/or/v1p2/scope/";

    public const string RosterCoreReadonly = OneRosterPrefix + "roster-core.readonly";
    public const string RosterReadonly = OneRosterPrefix + "roster.readonly";
    public const string RosterDemographicsReadonly = OneRosterPrefix + "roster-demographics.readonly";
    public const string GradebookReadonly = OneRosterPrefix + "gradebook.readonly";
    public const string GradebookCoreReadonly = OneRosterPrefix + "gradebook-core.readonly";
    public const string GradebookCreatePut = OneRosterPrefix + "gradebook.createput";
    public const string GradebookCreatePost = OneRosterPrefix + "gradebook.createpost";
    public const string GradebookDelete = OneRosterPrefix + "gradebook.delete";
    public const string AssessmentReadonly = OneRosterPrefix + "assessment.readonly";
    public const string AssessmentCreatePut = OneRosterPrefix + "assessment.createput";
    public const string AssessmentDelete = OneRosterPrefix + "assessment.delete";
    public const string ResourceReadonly = OneRosterPrefix + "resource.readonly";
    public const string ResourceCoreReadonly = OneRosterPrefix + "resource-core.readonly";

    public static readonly IReadOnlyList<string> OneRosterReadOnly =
    [
        RosterCoreReadonly, RosterReadonly, RosterDemographicsReadonly, GradebookReadonly, GradebookCoreReadonly,
        AssessmentReadonly, ResourceReadonly, ResourceCoreReadonly,
    ];

    public static readonly IReadOnlyList<string> OneRoster =
    [
        .. OneRosterReadOnly, GradebookCreatePut, GradebookCreatePost, GradebookDelete, AssessmentCreatePut, AssessmentDelete,
    ];

    public static readonly IReadOnlyList<string> All = [.. OneRoster, ChangesReadonly, XapiRead, XapiWrite, LearningReadonly, AttendanceRead, AttendanceWrite, AttendanceHealthRead, Admin];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
