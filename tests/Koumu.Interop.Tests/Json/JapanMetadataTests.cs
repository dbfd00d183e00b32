using System.Text.Json;
using System.Text.Json.Nodes;
using Koumu.Interop.Schemas.Json;

namespace Koumu.Interop.Tests.Json;

public sealed class JapanMetadataTests
{
    private const string EnrollmentTail =
        "\"user\":{\"href\":\"https://h/u\",\"sourcedId\":\"u\",\"type\":\"user\"},\"class\":{\"href\":\"https://h/c\",\"sourcedId\":\"c\",\"type\":\"class\"},"
        + "\"school\":{\"href\":\"https://h/o\",\"sourcedId\":\"o\",\"type\":\"org\"},\"role\":\"student\"}";

    private static string EnrollmentWithJp(string jp) =>
        "{\"sourcedId\":\"e\",\"status\":\"active\",\"dateLastModified\":\"2026-04-01T00:00:00Z\",\"metadata\":{\"jp\":" + jp
        + ",\"vendor\":{\"k\":[1,\"a\"]}}," + EnrollmentTail;

    [Fact]
    public void Legacy_ShussekiNo_and_PublicFlg_are_read_and_emitted_under_current_names()
    {
        var e = OneRosterJson.Deserialize<Enrollment>(EnrollmentWithJp("""{"ShussekiNo":"7","PublicFlg":"true"}"""));
        Assert.Equal(7, e.Jp.ShussekiNo);
        Assert.True(e.Jp.PublicFlg);
        var jp = JsonNode.Parse(OneRosterJson.Serialize(e))!["metadata"]!["jp"]!.AsObject();
        Assert.Equal(["shussekiNo", "publicFlg"], jp.Select(p => p.Key).OrderByDescending(k => k));
        Assert.Equal("7", jp["shussekiNo"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("publickFlg")]
    [InlineData("PublickFlg")]
    public void Misspelt_publickFlg_is_accepted(string key)
    {
        var e = OneRosterJson.Deserialize<Enrollment>(EnrollmentWithJp($$"""{"{{key}}":false}"""));
        Assert.False(e.Jp.PublicFlg);
        Assert.Contains("\"publicFlg\":false", OneRosterJson.Serialize(e), StringComparison.Ordinal);
        Assert.DoesNotContain(key, OneRosterJson.Serialize(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_and_current_key_with_different_values_are_rejected()
    {
        Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(EnrollmentWithJp("""{"ShussekiNo":"7","shussekiNo":"8"}""")));
    }

    [Fact]
    public void Legacy_and_current_key_with_the_same_value_collapse()
    {
        var e = OneRosterJson.Deserialize<Enrollment>(EnrollmentWithJp("""{"ShussekiNo":"7","shussekiNo":"7"}"""));
        Assert.Equal(7, e.Jp.ShussekiNo);
        Assert.DoesNotContain("ShussekiNo", OneRosterJson.Serialize(e), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_metadata_keys_round_trip_unchanged()
    {
        var json = EnrollmentWithJp("""{"shussekiNo":"3","futureKey":{"a":[true,null,1.5]}}""");
        var again = JsonNode.Parse(OneRosterJson.Serialize(OneRosterJson.Deserialize<Enrollment>(json)))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json)!["metadata"], again["metadata"]), again.ToJsonString());
    }

    [Fact]
    public void User_kana_fields_and_homeClass_are_typed_views_of_metadata_jp()
    {
        var u = Samples.User();
        var jp = JsonNode.Parse(OneRosterJson.Serialize(u))!["metadata"]!["jp"]!;
        Assert.Equal("タロウ", jp["kanaGivenName"]!.GetValue<string>());
        Assert.Equal("ヤマダ", jp["kanaFamilyName"]!.GetValue<string>());
        Assert.Equal("エム", jp["kanaMiddleName"]!.GetValue<string>());
        Assert.Equal("class-1", jp["homeClass"]!.GetValue<string>());
        Assert.Equal("タロウ", jp["kanaPreferredGivenName"]!.GetValue<string>());
        Assert.Equal("ヤマダ", jp["kanaPreferredFamilyName"]!.GetValue<string>());
        Assert.Equal("エム", jp["kanaPreferredMiddleName"]!.GetValue<string>());
        Assert.Equal("拡張", jp["note"]!.GetValue<string>());
        var back = OneRosterJson.Deserialize<User>(OneRosterJson.Serialize(u));
        Assert.Equal("タロウ", back.Jp.KanaGivenName);
        Assert.Equal("class-1", back.Jp.HomeClass);
    }

    [Fact]
    public void Setting_the_last_jp_field_to_null_removes_jp_and_metadata()
    {
        var c = new Class
        {
            SourcedId = "c", Status = "active", DateLastModified = Samples.Modified, Title = "t", Course = Samples.Ref("course", "x"),
            School = Samples.Ref("org", "o"), Terms = [Samples.Ref("academicSession", "a")],
        };
        c.Jp.SpecialNeeds = true;
        Assert.Contains("\"metadata\":{\"jp\":{\"specialNeeds\":\"true\"}}", OneRosterJson.Serialize(c), StringComparison.Ordinal);
        c.Jp.SpecialNeeds = null;
        Assert.Null(c.Metadata);
        Assert.DoesNotContain("metadata", OneRosterJson.Serialize(c), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"specialNeeds":true}""", true)]
    [InlineData("""{"specialNeeds":"false"}""", false)]
    public void SpecialNeeds_reads_string_and_json_booleans(string jp, bool expected)
    {
        var c = new Class
        {
            SourcedId = "c", Status = "active", DateLastModified = Samples.Modified, Title = "t", Course = Samples.Ref("course", "x"),
            School = Samples.Ref("org", "o"), Terms = [Samples.Ref("academicSession", "a")], Metadata = new JsonObject { ["jp"] = JsonNode.Parse(jp) },
        };
        Assert.Equal(expected, c.Jp.SpecialNeeds);
    }

    [Theory]
    [InlineData("""{"shussekiNo":"abc"}""")]
    [InlineData("""{"shussekiNo":"-1"}""")]
    [InlineData("""{"shussekiNo":"99999999999"}""")]
    [InlineData("""{"shussekiNo":1.5}""")]
    [InlineData("""{"shussekiNo":{}}""")]
    public void Malformed_shussekiNo_is_reported_on_access(string jp)
    {
        var e = OneRosterJson.Deserialize<Enrollment>(EnrollmentWithJp(jp));
        var ex = Assert.Throws<JsonException>(() => e.Jp.ShussekiNo);
        Assert.Contains("shussekiNo", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numeric_shussekiNo_is_accepted()
    {
        Assert.Equal(12, OneRosterJson.Deserialize<Enrollment>(EnrollmentWithJp("""{"shussekiNo":12}""")).Jp.ShussekiNo);
    }

    [Fact]
    public void Metadata_jp_that_is_not_an_object_is_reported_not_overwritten()
    {
        var json = EnrollmentWithJp("1");
        var e = OneRosterJson.Deserialize<Enrollment>(json);
        Assert.Throws<JsonException>(() => e.Jp.PublicFlg);
        var u = Samples.User();
        u.Metadata = new JsonObject { ["jp"] = "text" };
        Assert.Throws<InvalidOperationException>(() => u.Jp.KanaGivenName = "タロウ");
    }
}
