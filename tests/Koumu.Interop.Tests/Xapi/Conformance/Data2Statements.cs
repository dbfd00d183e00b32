using System.Net;
using Koumu.Interop.Schemas.Xapi;

namespace Koumu.Interop.Tests.Xapi.Conformance;

/// <summary>xAPI Data §2.2 (formatting requirements) and §2.4.6 (context) checked through the Statement resource.</summary>
public abstract partial class ConformanceSpecification
{
    // ---- D §2.2 XAPI-00001: no null or missing value except inside extensions ---------------------------------------

    public static TheoryData<string, string> NullOrEmptyValues() => new()
    {
        { "1.0.3", ",\"result\":{\"response\":null}" },
        { "2.0.0", ",\"result\":{\"success\":null}" },
        { "1.0.3", ",\"context\":{\"instructor\":null}" },
        { "1.0.3", ",\"context\":{\"instructor\":{}}" },
        { "2.0.0", ",\"context\":{\"registration\":\"\"}" },
        { "1.0.3", ",\"timestamp\":\"\"" },
        { "2.0.0", ",\"context\":{\"contextActivities\":{\"parent\":[null]}}" },
    };

    [SkippableTheory]
    [MemberData(nameof(NullOrEmptyValues))]
    public async Task A_null_or_empty_value_outside_extensions_is_400_and_nothing_is_stored(string version, string extra)
    {
        var tenant = XapiHub.NewTenant();
        using var lrs = await LrsAsync(version, tenant);
        using var response = await lrs.PostAsync("/xapi/statements", Json(Statement(NewActivity(), extra: extra)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal((0L, 0L), await XapiRequests.CountsAsync(Hub, tenant));
    }

    /// <summary>
    /// D §2.2.s2.b1 only says Statements "SHOULD NOT include properties with a value of an empty object" — a rule for
    /// the sender, with no LRS duty; the ADL requirement list's "empty object" (XAPI-00001) is not what the suite sends
    /// (it sends null), and D §2.4.6.2 puts no lower bound on contextActivities. So they are stored as sent.
    /// </summary>
    [SkippableTheory]
    [InlineData("1.0.3", ",\"result\":{}")]
    [InlineData("2.0.0", ",\"context\":{\"contextActivities\":{}}")]
    [InlineData("1.0.3", ",\"context\":{\"contextActivities\":{\"parent\":[]}}")]
    public async Task An_empty_object_is_stored_as_sent_because_only_senders_are_asked_to_avoid_it(string version, string extra)
    {
        using var lrs = await LrsAsync(version);
        var id = (await PostAsync(lrs, Statement(NewActivity(), extra: extra)))[0];
        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [SkippableTheory]
    [InlineData("1.0.3")]
    [InlineData("2.0.0")]
    public async Task Extension_values_may_be_null_or_empty(string version)
    {
        using var lrs = await LrsAsync(version);
        var extra = ",\"result\":{\"extensions\":{\"http://example.org/x/null\":null,\"http://example.org/x/empty\":{},\"http://example.org/x/list\":[]}}";
        var id = (await PostAsync(lrs, Statement(NewActivity(), extra: extra)))[0];
        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}");
        var extensions = (await BodyAsync(get))["result"]!["extensions"]!.AsObject();
        Assert.True(extensions.ContainsKey("http://example.org/x/null"));
        Assert.Null(extensions["http://example.org/x/null"]);
        Assert.Empty(extensions["http://example.org/x/empty"]!.AsObject());
    }

    // ---- D §2.2 XAPI-00002: numbers keep at least IEEE 754 single precision -------------------------------------------

    [SkippableTheory]
    [InlineData("1.0.3")]
    [InlineData("2.0.0")]
    public async Task Score_numbers_are_returned_with_their_precision(string version)
    {
        using var lrs = await LrsAsync(version);
        var id = (await PostAsync(lrs, Statement(NewActivity(), extra: ",\"result\":{\"score\":{\"min\":0.12123434,\"raw\":12.125,\"max\":45.45,\"scaled\":0.1234567}}")))[0];
        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}");
        var score = (await BodyAsync(get))["result"]!["score"]!;
        Assert.Equal(0.12123434, score["min"]!.GetValue<double>());
        Assert.Equal(12.125, score["raw"]!.GetValue<double>());
        Assert.Equal(45.45, score["max"]!.GetValue<double>());
        Assert.Equal(0.1234567, score["scaled"]!.GetValue<double>());
    }
    // ---- D §4.5 XAPI-00122: timestamps keep at least millisecond precision (2.0: converted to UTC) ---------------------

    [SkippableTheory]
    [InlineData("1.0.3", "2026-04-08T09:15:30.123456+09:00")]
    [InlineData("2.0.0", "2026-04-08T09:15:30.123456+09:00")]
    [InlineData("2.0.0", "2026-04-08T00:15:30.9876Z")]
    public async Task A_timestamp_keeps_at_least_millisecond_precision(string version, string timestamp)
    {
        using var lrs = await LrsAsync(version);
        var id = (await PostAsync(lrs, Statement(NewActivity(), extra: $",\"timestamp\":\"{timestamp}\"")))[0];
        using var get = await lrs.GetAsync($"/xapi/statements?statementId={id}");
        var returned = (await BodyAsync(get))["timestamp"]!.GetValue<string>();
        Assert.True(XapiFormats.TryParseTimestamp(returned, out var back), returned);
        Assert.True(XapiFormats.TryParseTimestamp(timestamp, out var sent));
        // The same instant to the millisecond (at least three decimals survive).
        Assert.Equal(sent.ToUnixTimeMilliseconds(), back.ToUnixTimeMilliseconds());
        Assert.Matches(@"\.\d{3,}", returned);
        if (version == "2.0.0") Assert.EndsWith("Z", returned, StringComparison.Ordinal);
    }
}
