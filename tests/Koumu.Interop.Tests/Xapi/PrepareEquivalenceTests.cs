using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Koumu.Interop.Schemas.Xapi;
using Koumu.Interop.Storage.Xapi;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>
/// <see cref="XapiStatements.Prepare"/> writes the stored JSON, the content hash, the filter values and the Activity
/// definitions in one pass over the request's elements. Stored Statements and their hashes must not change with that:
/// a re-sent Statement is compared by hash with what earlier versions stored (C §2.1.1), and the JSON is returned
/// verbatim. So every output is compared with <see cref="Legacy"/>, the clone-edit-serialise-parse implementation it
/// replaced, kept here verbatim as the specification.
/// </summary>
public sealed class PrepareEquivalenceTests
{
    private static readonly JsonObject Authority = new()
    {
        ["objectType"] = "Agent", ["name"] = "LRS & <credential>", ["account"] = new JsonObject { ["homePage"] = "https://hub.example.jp/xapi", ["name"] = "key-1" },
    };

    private static readonly DateTimeOffset Stored = new(2026, 11, 24, 12, 34, 56, 789, TimeSpan.Zero);

    public static TheoryData<string, XapiVersion> RichStatements => new()
    {
        // Upper-case UUIDs everywhere the LRS lower-cases them; a SubStatement with its own context and a single
        // (unwrapped) context activity; attachments; extension keys and values needing escapes; numbers written
        // several ways; a client-sent stored and authority (overwritten); a version; Japanese text, raw and \u-escaped.
        { """
          {"actor":{"objectType":"Group","name":"三年一組 \"A\"","member":[{"mbox":"mailto:a@example.org"},{"mbox_sha1sum":"ABCDEF0123456789ABCDEF0123456789ABCDEF01"}]},
           "verb":{"id":"http://adlnet.gov/expapi/verbs/commented","display":{"ja-JP":"コメントした","en-US":"commented <b>"}},
           "object":{"objectType":"SubStatement","actor":{"account":{"homePage":"https://portal.example.jp","name":"pupil-1"}},
                     "verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/sub","definition":{"name":{"ja":"\u3042\u3044"},"type":"http://x.org/t"}},
                     "context":{"registration":"0F8FAD5B-D9CB-469F-A165-70867728950E","contextActivities":{"parent":{"id":"http://x.org/p","definition":{"name":{"en":"P"}}},"other":[{"id":"http://x.org/o"}]},
                                "statement":{"objectType":"StatementRef","id":"7C9E6679-7425-40DE-944B-E07FC1F90AE7"}},
                     "timestamp":"2026-04-01T09:00:00+09:00"},
           "result":{"score":{"scaled":0.50,"raw":5.0,"min":0,"max":1E1},"success":true,"extensions":{"http://x.org/e?a=1&b='2'+3":{"k":[1,2.5e-3,"\/x"],"j":"\u0026"}}},
           "context":{"registration":"0F8FAD5B-D9CB-469F-A165-70867728950E","instructor":{"mbox":"mailto:t@example.org"},
                      "team":{"objectType":"Group","member":[{"mbox":"mailto:m@example.org"}]},
                      "contextActivities":{"grouping":{"id":"http://x.org/g","definition":{"name":{"ja":"群"}}},"category":[{"id":"http://x.org/c","definition":{"type":"http://x.org/t2"}}],"parent":{"id":"http://x.org/p2"}},
                      "statement":{"id":"7C9E6679-7425-40DE-944B-E07FC1F90AE7","objectType":"StatementRef"},"language":"ja-JP",
                      "extensions":{"http://x.org/ctx":null}},
           "timestamp":"2026-04-01T09:00:00.123+09:00",
           "stored":"2020-01-01T00:00:00Z",
           "authority":{"mbox":"mailto:forged@example.org"},
           "version":"1.0.3",
           "attachments":[{"usageType":"http://adlnet.gov/expapi/attachments/signature","display":{"en":"s"},"contentType":"application/octet-stream","length":12,"sha2":"0000000000000000000000000000000000000000000000000000000000000000","fileUrl":"https://x.org/f"}],
           "id":"5E2B5B4F-5D7B-4C6A-8D8B-6C2B0E8E2A11"}
          """, XapiVersion.V103 },
        // The same kind of Statement under 2.0: the timestamp is converted to UTC; no id (the LRS assigns one).
        { """
          {"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a","definition":{"name":{"ja":"あ"}}},
           "context":{"contextActivities":{"parent":{"id":"http://x.org/a","definition":{"name":{"en":"second"}}}},
                      "contextAgents":[{"objectType":"contextAgent","agent":{"mbox":"mailto:c@example.org"}}]},
           "timestamp":"2026-04-01T09:00:00.1234567+09:00"}
          """, XapiVersion.V200 },
        // A voiding Statement with an upper-case target.
        { """{"id":"E0B0C0D0-0000-4000-8000-000000000001","actor":{"openid":"https://id.example.org/u"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"7C9E6679-7425-40DE-944B-E07FC1F90AE7"}}""", XapiVersion.V103 },
        // An Agent object.
        { """{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v"},"object":{"objectType":"Agent","mbox":"mailto:peer@example.org"},"timestamp":"2026-04-01T00:00:00Z"}""", XapiVersion.V200 },
    };

    [Theory, MemberData(nameof(RichStatements))]
    public void Prepare_writes_what_the_clone_and_reparse_implementation_wrote(string json, XapiVersion version)
    {
        using var document = JsonDocument.Parse(json);
        Assert.Empty(XapiStatementValidator.Validate(document.RootElement, version));
        AssertSame(document.RootElement, version);
    }

    [Theory]
    [InlineData(XapiVersion.V103)]
    [InlineData(XapiVersion.V200)]
    public void Prepare_writes_what_the_clone_and_reparse_implementation_wrote_for_generated_Statements(XapiVersion version) =>
        XapiSamples.Statement(version).Sample(statement =>
        {
            using var document = JsonDocument.Parse(statement.ToJsonString());
            AssertSame(document.RootElement, version);
        }, iter: 300);

    [Fact]
    public void A_name_repeated_inside_an_extension_value_fails_as_it_did()
    {
        using var document = JsonDocument.Parse("""{"actor":{"mbox":"mailto:a@example.org"},"verb":{"id":"http://x.org/v"},"object":{"id":"http://x.org/a"},"result":{"extensions":{"http://x.org/e":{"k":1,"k":2}}}}""");
        Assert.Empty(XapiStatementValidator.Validate(document.RootElement, XapiVersion.V103));
        Assert.Throws<ArgumentException>(() => Legacy.Prepare(document.RootElement, XapiVersion.V103, Stored, Authority));
        Assert.Throws<ArgumentException>(() => XapiStatements.Prepare(document.RootElement, XapiVersion.V103, Stored, Authority));
    }

    private static void AssertSame(JsonElement statement, XapiVersion version)
    {
        var id = statement.TryGetProperty("id", out _) ? null : "11111111-2222-4333-8444-555555555555";
        var expected = Legacy.Prepare(statement, version, Stored, Authority, id);
        var actual = XapiStatements.Prepare(statement, version, Stored, Authority, id);
        Assert.Equal(expected.Json, actual.Json);
        Assert.Equal(expected.ContentHash, actual.ContentHash);
        Assert.Equal(expected.Index.Id, actual.Index.Id);
        Assert.Equal(expected.Index.ActorIfi, actual.Index.ActorIfi);
        Assert.Equal(expected.Index.VerbId, actual.Index.VerbId);
        Assert.Equal(expected.Index.ActivityId, actual.Index.ActivityId);
        Assert.Equal(expected.Index.Registration, actual.Index.Registration);
        Assert.Equal(expected.Index.VoidsId, actual.Index.VoidsId);
        Assert.Equal(expected.Index.RefId, actual.Index.RefId);
        Assert.Equal(expected.Index.Agents.Order(StringComparer.Ordinal), actual.Index.Agents.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Index.RelatedAgents.Order(StringComparer.Ordinal), actual.Index.RelatedAgents.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Index.RelatedActivities.Order(StringComparer.Ordinal), actual.Index.RelatedActivities.Order(StringComparer.Ordinal));
        // The Activity definitions, in order (later is newer when one Statement names an Activity twice).
        Assert.Equal(Legacy.Definitions(expected), XapiActivityDefinitions.Collect(actual).Select(d => (d.Id, d.Text)));
        // And what the LRS reads back: the stored JSON re-indexed gives the same filter values.
        using var stored = JsonDocument.Parse(actual.Json);
        Assert.Equal(XapiStatements.Index(stored.RootElement).RelatedAgents.Order(StringComparer.Ordinal), actual.Index.RelatedAgents.Order(StringComparer.Ordinal));
    }

    /// <summary>The implementation <see cref="XapiStatements.Prepare"/> replaced (commit cb65ca9), verbatim but for names.</summary>
    private static class Legacy
    {
        public static PreparedStatement Prepare(JsonElement statement, XapiVersion version, DateTimeOffset stored, JsonObject authority, string? id = null)
        {
            var node = JsonObject.Create(statement)!.DeepClone().AsObject();
            var contentHash = ContentHash(node);
            var statementId = id ?? (node["id"]?.GetValue<string>() is { } given ? XapiFormats.NormalizeUuid(given) : Guid.NewGuid().ToString("D"));
            var ordered = new JsonObject { ["id"] = statementId };
            foreach (var (key, value) in node.ToList())
            {
                node.Remove(key);
                if (key is "id" or "stored" or "authority") continue;
                ordered[key] = value;
            }
            var storedText = XapiFormats.FormatTimestamp(stored);
            if (ordered["timestamp"] is null) ordered["timestamp"] = storedText;
            else if (version == XapiVersion.V200 && XapiFormats.TryParseTimestamp(ordered["timestamp"]!.GetValue<string>(), out var ts) && ts.Offset != TimeSpan.Zero)
                ordered["timestamp"] = ts.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
            ordered["stored"] = storedText;
            ordered["authority"] = authority.DeepClone();
            ordered["version"] ??= version == XapiVersion.V200 ? "2.0.0" : "1.0.0";
            NormalizeContext(ordered["context"] as JsonObject);
            if (ordered["object"] is JsonObject obj)
            {
                if (obj["objectType"]?.GetValue<string>() == "StatementRef" && obj["id"] is JsonValue refId) obj["id"] = XapiFormats.NormalizeUuid(refId.GetValue<string>());
                if (obj["objectType"]?.GetValue<string>() == "SubStatement") NormalizeContext(obj["context"] as JsonObject);
            }
            var json = ordered.ToJsonString(XapiStatements.WriteOptions);
            using var document = JsonDocument.Parse(json);
            return new PreparedStatement(json, XapiStatements.Index(document.RootElement), contentHash);
        }

        private static void NormalizeContext(JsonObject? context)
        {
            if (context is null) return;
            if (context["registration"] is JsonValue registration) context["registration"] = XapiFormats.NormalizeUuid(registration.GetValue<string>());
            if (context["statement"] is JsonObject sref && sref["id"] is JsonValue sid) sref["id"] = XapiFormats.NormalizeUuid(sid.GetValue<string>());
            if (context["contextActivities"] is not JsonObject activities) return;
            foreach (var (key, value) in activities.ToList())
            {
                if (value is JsonObject single)
                {
                    activities.Remove(key);
                    activities[key] = new JsonArray(single);
                }
            }
        }

        private static string ContentHash(JsonObject statement)
        {
            var sb = new StringBuilder();
            Canonical(statement, sb, top: true);
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
        }

        private static void Canonical(JsonNode? node, StringBuilder sb, bool top = false)
        {
            switch (node)
            {
                case null: sb.Append("null"); break;
                case JsonObject o:
                    sb.Append('{');
                    foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                    {
                        if (top && k is "id" or "stored" or "authority") continue;
                        sb.Append(JsonSerializer.Serialize(k)).Append(':');
                        Canonical(v, sb);
                        sb.Append(',');
                    }
                    sb.Append('}');
                    break;
                case JsonArray a:
                    sb.Append('[');
                    foreach (var v in a) { Canonical(v, sb); sb.Append(','); }
                    sb.Append(']');
                    break;
                default:
                    var element = node.GetValue<JsonElement>();
                    sb.Append(element.ValueKind == JsonValueKind.Number ? element.GetDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture) : element.GetRawText());
                    break;
            }
        }

        /// <summary>XapiActivityDefinitions.Collect before: the stored JSON parsed again.</summary>
        public static IEnumerable<(string, string)> Definitions(PreparedStatement statement)
        {
            using var document = JsonDocument.Parse(statement.Json, new JsonDocumentOptions { MaxDepth = XapiStatements.MaxDepth });
            return [.. XapiActivityDefinitions.Definitions(document.RootElement).Select(d => (d.Id, d.Definition.ToJsonString(XapiStatements.WriteOptions)))];
        }
    }
}
