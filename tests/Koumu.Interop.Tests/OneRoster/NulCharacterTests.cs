using System.Net;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Api.Auth;

namespace Koumu.Interop.Tests.OneRoster;

/// <summary>NUL characters in OneRoster requests, on SQLite.</summary>
public sealed class NulCharacterTests(RosteringHub hub) : NulCharacterSpecification(hub), IClassFixture<RosteringHub>;

/// <summary>The same on PostgreSQL, whose text type cannot hold U+0000 at all (SQLSTATE 22021): without a guard a NUL
/// sent by a client became a 500.</summary>
public sealed class PostgresNulCharacterTests(PostgresRosteringHub hub) : NulCharacterSpecification(hub), IClassFixture<PostgresRosteringHub>;

/// <summary>
/// No stored value can contain U+0000 (imports reject control characters, rule control-character), so a NUL in a filter
/// value is a bad filter (400 invalid_filter_field) and in a Gradebook write body is invalid data (422) — never a server
/// error, on either database. (A NUL in the URL path never reaches the hub: Kestrel answers 400 itself.)
/// </summary>
public abstract class NulCharacterSpecification
{
    private readonly RosteringHub hub;

    protected NulCharacterSpecification(RosteringHub hub)
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        this.hub = hub;
    }

    private static async Task AssertCodeMinorAsync(HttpResponseMessage response, HttpStatusCode status, string codeMinor)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {body}");
        using var json = JsonDocument.Parse(body);
        Assert.Equal(codeMinor, json.RootElement.GetProperty("imsx_CodeMinor").GetProperty("imsx_codeMinorField")[0].GetProperty("imsx_codeMinorFieldValue").GetString());
    }

    [SkippableFact]
    public async Task Nul_in_a_filter_value_is_400_invalid_filter_field()
    {
        using var http = await hub.OneRosterClientAsync(RosteringHub.AllRosterScopes);
        using var response = await http.GetAsync(new Uri("/ims/oneroster/rostering/v1p2/users?filter=" + Uri.EscapeDataString("familyName='a\0b'"), UriKind.Relative));
        await AssertCodeMinorAsync(response, HttpStatusCode.BadRequest, "invalid_filter_field");
    }

    [SkippableTheory]
    [InlineData("/ims/oneroster/gradebook/v1p2/categories/cat-nul-id", "cat\u0000x", "sourcedId")]
    [InlineData("/ims/oneroster/gradebook/v1p2/categories/cat-nul", "cat-nul", "title")]
    [InlineData("/ims/oneroster/gradebook/v1p2/results/res-nul", "res-nul", "reference")]
    public async Task Nul_in_a_gradebook_write_is_422_invaliddata(string path, string sourcedId, string where)
    {
        using var http = await hub.OneRosterClientAsync([KoumuScopes.GradebookCreatePut]);
        object body = where switch
        {
            "reference" => new { result = new
            {
                sourcedId, status = "active", dateLastModified = "2026-04-01T00:00:00Z", scoreStatus = "fully graded", scoreDate = "2026-06-01",
                lineItem = new { href = "x", sourcedId = "li\u0000", type = "lineItem" }, student = new { href = "x", sourcedId = "user-s1", type = "user" },
            } },
            _ => new { category = new { sourcedId, status = "active", dateLastModified = "2026-04-01T00:00:00Z", title = where == "title" ? "定期\u0000考査" : "定期考査" } },
        };
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await http.PutAsync(new Uri(path, UriKind.Relative), content);
        await AssertCodeMinorAsync(response, HttpStatusCode.UnprocessableEntity, "invaliddata");
    }
}
