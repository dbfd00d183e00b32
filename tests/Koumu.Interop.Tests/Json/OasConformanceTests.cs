using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Json;

namespace Koumu.Interop.Tests.Json;

/// <summary>Serialized models validate against the official 1EdTech OAS component schemas (OAS-R, OAS-G, OAS-RS).</summary>
public sealed class OasConformanceTests
{
    public static IEnumerable<object[]> Cases() => Samples.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fully_populated_instance_validates_against_the_official_component_schema(string file, string component, object instance)
    {
        var json = OneRosterJson.Serialize(instance);
        var errors = OasSchemas.Errors(file, component, json);
        Assert.True(errors.Count == 0, $"{component}: {string.Join("; ", errors)}\n{json}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Serialized_instance_reads_back_to_the_same_json(string file, string component, object instance)
    {
        _ = file;
        _ = component;
        var json = OneRosterJson.Serialize(instance);
        var again = OneRosterJson.Serialize(System.Text.Json.JsonSerializer.Deserialize(json, instance.GetType(), OneRosterJson.Options));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(again)), json + "\n" + again);
    }

    [Fact]
    public void Every_component_of_the_three_official_files_is_covered()
    {
        var covered = Samples.All().Select(c => ((string)c[0], (string)c[1])).ToHashSet();
        foreach (var file in new[] { OasSchemas.Rostering, OasSchemas.Gradebook, OasSchemas.Resources })
        {
            var path = Path.Combine(OasSchemas.StandardsFolder(), file);
            Assert.True(File.Exists(path), "missing " + path);
            var names = JsonNode.Parse(File.ReadAllText(path))!["components"]!["schemas"]!.AsObject().Select(p => p.Key);
            var missing = names.Where(n => !covered.Contains((file, n))).ToList();
            Assert.True(missing.Count == 0, $"{file}: no sample for {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void Validator_is_not_vacuous_json_boolean_enabledUser_breaks_the_schema()
    {
        var json = JsonNode.Parse(OneRosterJson.Serialize(Samples.User()))!;
        json["enabledUser"] = true;
        Assert.NotEmpty(OasSchemas.Errors(OasSchemas.Rostering, "UserDType", json.ToJsonString()));
    }

    [Fact]
    public void Validator_is_not_vacuous_user_without_roles_breaks_the_schema()
    {
        var json = JsonNode.Parse(OneRosterJson.Serialize(Samples.User()))!;
        json["roles"] = new JsonArray();
        Assert.NotEmpty(OasSchemas.Errors(OasSchemas.Rostering, "UserDType", json.ToJsonString()));
    }

    [Fact]
    public void Optional_members_are_omitted_not_written_as_null()
    {
        var org = new Org { SourcedId = "o", Status = "active", DateLastModified = Samples.Modified, Name = "n", Type = "school", Identifier = "" };
        var json = OneRosterJson.Serialize(org);
        Assert.Equal("""{"sourcedId":"o","status":"active","dateLastModified":"2026-04-01T00:00:00.000Z","name":"n","type":"school","identifier":""}""", json);
        Assert.Empty(OasSchemas.Errors(OasSchemas.Rostering, "OrgDType", json));
    }

    [Fact]
    public void Class_wrapper_uses_the_reserved_word_class_as_property_name()
    {
        var json = JsonNode.Parse(OneRosterJson.Serialize(new SingleClass { Class = Samples.Class() }))!.AsObject();
        Assert.Equal(["class"], json.Select(p => p.Key));
    }

    [Fact]
    public void Base_members_come_first_in_oas_order()
    {
        var keys = JsonNode.Parse(OneRosterJson.Serialize(Samples.Enrollment()))!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(["sourcedId", "status", "dateLastModified", "metadata", "user", "class", "school", "role", "primary", "beginDate", "endDate"], keys);
    }

    [Fact]
    public void Credential_keeps_additional_properties_the_oas_allows()
    {
        var json = """{"type":"password","username":"u","vendorExtra":{"a":[1,2]}}""";
        var credential = OneRosterJson.Deserialize<Credential>(json);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(OneRosterJson.Serialize(credential))));
    }

    [Fact]
    public void Status_info_failure_has_the_oas_shape()
    {
        var json = OneRosterJson.Serialize(ImsxStatusInfo.Failure(CodeMinorValue.UnknownObject, "Unknown Object", "sourcedId"));
        Assert.Equal("""{"imsx_codeMajor":"failure","imsx_severity":"error","imsx_description":"Unknown Object","imsx_CodeMinor":{"imsx_codeMinorField":[{"imsx_codeMinorFieldName":"sourcedId","imsx_codeMinorFieldValue":"unknownobject"}]}}""", json);
    }
}
