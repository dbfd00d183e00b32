using System.Net;

namespace Koumu.Interop.Tests.Xapi.Conformance;

/// <summary>xAPI Communication §3.2 (error codes) across the resources.</summary>
public abstract partial class ConformanceSpecification
{
    /// <summary>XAPI-00324 / XAPI-00325: an unknown parameter, or a known one in another case, is 400 on every resource.</summary>
    public static TheoryData<string, string> MiscasedParameters() => new()
    {
        { "GET", "/xapi/statements?Limit=1" },
        { "GET", "/xapi/statements?statementID=6fbd600f-d17c-4c74-801a-2ec2e53231c7" },
        { "GET", "/xapi/statements?Verb=http%3A%2F%2Fexample.org%2Fv" },
        { "PUT", "/xapi/statements?StatementId=6fbd600f-d17c-4c74-801a-2ec2e53231c7" },
        { "PUT", "/xapi/statements?statementId=true" },
        { "GET", "/xapi/activities?ActivityId=http%3A%2F%2Fexample.org%2Fa" },
        { "GET", "/xapi/agents?Agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.org%22%7D" },
        { "GET", "/xapi/activities/profile?activityId=http%3A%2F%2Fexample.org%2Fa&ProfileId=p" },
        { "PUT", "/xapi/agents/profile?agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.org%22%7D&profileID=p" },
        { "DELETE", "/xapi/activities/state?activityId=http%3A%2F%2Fexample.org%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.org%22%7D&Registration=6fbd600f-d17c-4c74-801a-2ec2e53231c7" },
        { "GET", "/xapi/activities/state?activityId=http%3A%2F%2Fexample.org%2Fa&agent=%7B%22mbox%22%3A%22mailto%3Aa%40example.org%22%7D&since=1" },
    };

    [SkippableTheory]
    [MemberData(nameof(MiscasedParameters))]
    public async Task An_unknown_or_miscased_parameter_is_400_on_every_resource_and_stores_nothing(string method, string url)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await LrsAsync("1.0.3", tenant);
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (method == "PUT") request.Content = Json(Statement(NewActivity()));
        using var response = await lrs.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await BodyAsync(response))["message"]);
        Assert.Equal((0L, 0L), await XapiRequests.CountsAsync(Hub, tenant));
    }
}
