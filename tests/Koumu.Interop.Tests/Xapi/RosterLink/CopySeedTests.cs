using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Bench;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Koumu.Interop.Tests.Xapi.RosterLink;

/// <summary>
/// The LRS benchmark seeds PostgreSQL by COPY (<see cref="LrsCopy"/>) instead of POSTing 10,000,000 Statements: these tests
/// hold it to writing what the store writes — a seeded Statement is returned by every GET (statementId, agent, activity,
/// related_agents, related_activities, registration, verb) exactly as a POSTed twin with the same content and stored instant.
/// </summary>
public sealed class CopySeedTests(PostgresLearningHub hub) : IClassFixture<PostgresLearningHub>
{
    [SkippableFact]
    public async Task A_copy_seeded_statement_is_returned_by_every_get_exactly_like_a_posted_one()
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        var tenant = await hub.NewBoardAsync();
        using var lrs = await hub.LrsClientAsync(tenant);
        var generator = new LrsStatements(LearningHub.HomePage, ["user-s1"]);
        var random = new Random();

        // The POSTed twin: the LRS sets stored and authority; the seeded one is prepared with the same values.
        var posted = JsonNode.Parse(generator.Next(random, DateTimeOffset.UtcNow))!.AsObject();
        using (var response = await lrs.PostAsync("/xapi/statements", new StringContent(posted.ToJsonString(), Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await GetAsync(lrs, $"/xapi/statements?statementId={posted["id"]}");
        var seededId = Guid.NewGuid().ToString();
        var seeded = posted.DeepClone().AsObject();
        seeded["id"] = seededId;
        var storedAt = XapiFormats.TryParseTimestamp(stored["stored"]!.GetValue<string>(), out var at) ? at : throw new InvalidOperationException("stored");
        using (var document = JsonDocument.Parse(seeded.ToJsonString()))
        {
            var prepared = XapiStatements.Prepare(document.RootElement, XapiVersion.V103, storedAt.AddMilliseconds(1), stored["authority"]!.AsObject());
            var tenantId = (await hub.Services.GetRequiredService<RosterStore>().FindTenantAsync(tenant))!.Value;
            await using var connection = new NpgsqlConnection(hub.Services.GetRequiredService<RosterStore>().Options.ConnectionString);
            await connection.OpenAsync();
            Assert.Equal(1, await LrsCopy.CopyAsync(connection, tenantId, [(prepared, storedAt.AddMilliseconds(1).UtcDateTime)]));
        }

        var copy = await GetAsync(lrs, $"/xapi/statements?statementId={seededId}");
        Assert.Equal(Without(stored, "id", "stored"), Without(copy, "id", "stored"));
        Assert.Equal(storedAt.AddMilliseconds(1).UtcDateTime, DateTime.Parse(copy["stored"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal));

        var agent = Uri.EscapeDataString(posted["actor"]!.ToJsonString());
        var activity = Uri.EscapeDataString(posted["object"]!["id"]!.GetValue<string>());
        var parent = Uri.EscapeDataString(posted["context"]!["contextActivities"]!["parent"]![0]!["id"]!.GetValue<string>());
        var authority = Uri.EscapeDataString(stored["authority"]!.ToJsonString());
        foreach (var query in new[]
        {
            $"agent={agent}", $"activity={activity}", $"activity={parent}&related_activities=true", $"agent={authority}&related_agents=true",
            $"registration={posted["context"]!["registration"]}", $"verb={Uri.EscapeDataString(posted["verb"]!["id"]!.GetValue<string>())}",
        })
        {
            var page = await GetAsync(lrs, "/xapi/statements?" + query);
            var ids = page["statements"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).ToList();
            // Newest first: the seeded Statement (stored 1 ms later, next sequence), then its POSTed twin.
            Assert.Equal([seededId, posted["id"]!.GetValue<string>()], ids);
            Assert.Equal(copy.ToJsonString(), page["statements"]![0]!.ToJsonString());
        }

        // And the roster link counts it like a POSTed one.
        using var learning = await hub.LearningClientAsync(tenant);
        var activityOfUser = await GetAsync(learning, "/koumu/learning/v1/users/user-s1/activity");
        Assert.Equal(2, activityOfUser["activity"]!["statements"]!.GetValue<long>());
    }

    [SkippableFact]
    public async Task Copy_refuses_voiding_statements_and_stored_instants_that_go_back()
    {
        Skip.If(hub.Unavailable is not null, hub.Unavailable);
        var tenant = await hub.NewBoardAsync();
        var store = hub.Services.GetRequiredService<RosterStore>();
        var tenantId = (await store.FindTenantAsync(tenant))!.Value;
        var authority = new JsonObject { ["objectType"] = "Agent", ["account"] = new JsonObject { ["homePage"] = "https://hub.example", ["name"] = "k" } };
        var now = DateTimeOffset.UtcNow;
        PreparedStatement Prepare(string json, DateTimeOffset at)
        {
            using var document = JsonDocument.Parse(json);
            return XapiStatements.Prepare(document.RootElement, XapiVersion.V103, at, authority);
        }
        var voiding = Prepare($$$"""{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"{{{XapiStatementValidator.VoidedVerb}}}"},"object":{"objectType":"StatementRef","id":"{{{Guid.NewGuid()}}}"}}""", now);
        var plain = """{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://adlnet.gov/expapi/verbs/attempted"},"object":{"id":"http://example.org/a"}}""";
        await using var connection = new NpgsqlConnection(store.Options.ConnectionString);
        await connection.OpenAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => LrsCopy.CopyAsync(connection, tenantId, [(voiding, now.UtcDateTime)]));
        await Assert.ThrowsAsync<InvalidOperationException>(() => LrsCopy.CopyAsync(connection, tenantId,
            [(Prepare(plain, now), now.UtcDateTime), (Prepare(plain, now.AddSeconds(-1)), now.AddSeconds(-1).UtcDateTime)]));
        Assert.Equal(0L, await new NpgsqlCommand($"SELECT COUNT(*) FROM xapi_statements WHERE tenant_id = {tenantId}", connection).ExecuteScalarAsync());
    }

    private static async Task<JsonNode> GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    private static string Without(JsonNode node, params string[] names)
    {
        var copy = node.DeepClone().AsObject();
        foreach (var name in names) copy.Remove(name);
        return copy.ToJsonString();
    }
}
