namespace Koumu.Interop.Tests.Json;

/// <summary>openapi.yaml's own OneRoster schemas are strict enough to catch what the standard forbids.</summary>
public sealed class HubSchemaTests
{
    private const string Org = """{"sourcedId":"o1","status":"active","dateLastModified":"2026-04-01T00:00:00.000Z","name":"A小学校","type":"school","identifier":"B123"}""";

    [Fact]
    public void A_served_org_set_satisfies_the_hub_contract() =>
        Assert.Empty(HubSchemas.Errors("OrgSetDType", $$"""{"orgs":[{{Org}}]}"""));

    [Fact]
    public void Org_without_required_name_breaks_the_hub_contract() =>
        Assert.NotEmpty(HubSchemas.Errors("OrgSetDType", """{"orgs":[{"sourcedId":"o1","status":"active","dateLastModified":"2026-04-01T00:00:00.000Z","type":"school","identifier":"B1"}]}"""));

    [Fact]
    public void Json_boolean_where_the_standard_has_a_string_boolean_breaks_the_hub_contract() =>
        Assert.NotEmpty(HubSchemas.Errors("EnrollmentDType",
            """{"sourcedId":"e1","status":"active","dateLastModified":"2026-04-01T00:00:00.000Z","user":{"href":"http://h/u","sourcedId":"u","type":"user"},"class":{"href":"http://h/c","sourcedId":"c","type":"class"},"school":{"href":"http://h/s","sourcedId":"s","type":"org"},"role":"student","primary":true}"""));

    [Theory]
    [InlineData("deleted")]
    [InlineData("Active")]
    public void Status_outside_the_enumeration_breaks_the_hub_contract(string status) =>
        Assert.NotEmpty(HubSchemas.Errors("OrgDType", Org.Replace("\"active\"", $"\"{status}\"", StringComparison.Ordinal)));

    [Theory]
    [InlineData("ext:kyoiku-iinkai", true)]
    [InlineData("ext:", false)]
    [InlineData("board", false)]
    public void Extensible_enumerations_accept_only_ext_values(string type, bool valid)
    {
        var errors = HubSchemas.Errors("OrgDType", Org.Replace("\"school\"", $"\"{type}\"", StringComparison.Ordinal));
        Assert.Equal(valid, errors.Count == 0);
    }
}
