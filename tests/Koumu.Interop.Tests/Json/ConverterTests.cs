using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Koumu.Interop.Schemas.Json;

namespace Koumu.Interop.Tests.Json;

public sealed class ConverterTests
{
    private const string Refs = """
        "user":{"href":"https://h/u","sourcedId":"u","type":"user"},"class":{"href":"https://h/c","sourcedId":"c","type":"class"},
        "school":{"href":"https://h/o","sourcedId":"o","type":"org"}
        """;

    private static string EnrollmentJson(string primary, string role = "\"student\"", string dlm = "\"2026-04-01T00:00:00.000Z\"") =>
        $$"""{"sourcedId":"e","status":"active","dateLastModified":{{dlm}},{{Refs}},"role":{{role}},"primary":{{primary}}}""";

    private static string UserJson(string enabledUser) =>
        $$"""{"sourcedId":"u","status":"active","dateLastModified":"2026-04-01T00:00:00Z","enabledUser":{{enabledUser}},"givenName":"g","familyName":"f","roles":[]}""";

    // ---- string booleans ---------------------------------------------------------------------------------------

    [Fact]
    public void Booleans_are_written_as_strings()
    {
        var json = JsonNode.Parse(OneRosterJson.Serialize(Samples.Result()))!;
        Assert.Equal("true", json["late"]!.GetValue<string>());
        Assert.Equal("false", json["missing"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.String, json["inProgress"]!.GetValueKind());
        Assert.Equal("true", JsonNode.Parse(OneRosterJson.Serialize(Samples.User()))!["enabledUser"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("\"true\"", true)]
    [InlineData("\"false\"", false)]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void String_and_json_booleans_are_both_accepted(string literal, bool expected)
    {
        Assert.Equal(expected, OneRosterJson.Deserialize<Enrollment>(EnrollmentJson(literal)).Primary);
        Assert.Equal(expected, OneRosterJson.Deserialize<User>(UserJson(literal)).EnabledUser);
    }

    [Theory]
    [InlineData("\"True\"")]
    [InlineData("\"TRUE\"")]
    [InlineData("\"yes\"")]
    [InlineData("\"1\"")]
    [InlineData("\"\"")]
    [InlineData("\" true\"")]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("{}")]
    [InlineData("[]")]
    public void Other_boolean_values_are_rejected_naming_the_property(string literal)
    {
        var ex = Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(EnrollmentJson(literal)));
        Assert.Contains("'primary'", ex.Message, StringComparison.Ordinal);
        Assert.Equal("$.primary", ex.Path);
        var ex2 = Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<User>(UserJson(literal)));
        Assert.Contains("'enabledUser'", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_for_a_required_boolean_is_rejected_and_null_for_an_optional_one_is_absent()
    {
        Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<User>(UserJson("null")));
        Assert.Null(OneRosterJson.Deserialize<Enrollment>(EnrollmentJson("null")).Primary);
    }

    [Fact]
    public void Missing_required_boolean_is_rejected()
    {
        var json = """{"sourcedId":"u","status":"active","dateLastModified":"2026-04-01T00:00:00Z","givenName":"g","familyName":"f","roles":[]}""";
        Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<User>(json));
    }

    [Fact]
    public void Hostile_long_boolean_value_is_not_echoed_in_full()
    {
        var ex = Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(EnrollmentJson("\"" + new string('x', 100_000) + "\"")));
        Assert.True(ex.Message.Length < 300, ex.Message.Length.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Boolean_converter_round_trips_every_value_property()
    {
        Gen.Bool.Select(Gen.Bool, Gen.Bool).Sample((a, b, c) =>
        {
            var d = new Demographics { SourcedId = "d", Status = "active", DateLastModified = Samples.Modified, Asian = a, White = b, HispanicOrLatinoEthnicity = c };
            var json = OneRosterJson.Serialize(d);
            Assert.Contains($"\"asian\":\"{(a ? "true" : "false")}\"", json, StringComparison.Ordinal);
            var back = OneRosterJson.Deserialize<Demographics>(json);
            return back.Asian == a && back.White == b && back.HispanicOrLatinoEthnicity == c;
        });
    }

    [Fact]
    public void Boolean_converter_accepts_exactly_the_four_literals_property()
    {
        var accepted = new HashSet<string> { "\"true\"", "\"false\"", "true", "false" };
        Gen.OneOf(Gen.String.Select(s => JsonSerializer.Serialize(s)), Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
                Gen.Int[0, 6].Select(i => new[] { "\"true\"", "\"false\"", "true", "false", "\"TRUE\"", "\"False\"", "null" }[i]))
            .Sample(literal =>
            {
                bool ok;
                try { OneRosterJson.Deserialize<Enrollment>(EnrollmentJson(literal)); ok = true; }
                catch (JsonException) { ok = false; }
                return ok == (accepted.Contains(literal) || literal == "null");
            });
    }

    // ---- dates and date-times ------------------------------------------------------------------------------------

    [Fact]
    public void Dates_are_written_as_yyyy_mm_dd_and_instants_as_utc_milliseconds_with_z()
    {
        var json = JsonNode.Parse(OneRosterJson.Serialize(Samples.LineItem()))!;
        Assert.Equal("2026-04-01T00:00:00.000Z", json["dateLastModified"]!.GetValue<string>());
        Assert.Equal("2026-04-08T00:00:00.000Z", json["dueDate"]!.GetValue<string>());
        Assert.Equal("2027-03-31", JsonNode.Parse(OneRosterJson.Serialize(Samples.AcademicSession()))!["endDate"]!.GetValue<string>());
    }

    [Fact]
    public void Local_and_unspecified_instants_are_written_as_utc()
    {
        var local = new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.FromHours(9));
        var org = new Org { SourcedId = "o", Status = "active", DateLastModified = local.UtcDateTime.ToLocalTime(), Name = "n", Type = "school", Identifier = "" };
        Assert.Contains("\"dateLastModified\":\"2026-04-01T00:00:00.000Z\"", OneRosterJson.Serialize(org), StringComparison.Ordinal);
        var unspecified = new Org { SourcedId = "o", Status = "active", DateLastModified = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Unspecified), Name = "n", Type = "school", Identifier = "" };
        Assert.Contains("\"dateLastModified\":\"2026-04-01T00:00:00.000Z\"", OneRosterJson.Serialize(unspecified), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"2026-04-01T09:00:00+09:00\"")]
    [InlineData("\"2026-04-01T00:00:00Z\"")]
    [InlineData("\"2026-04-01T00:00:00.000Z\"")]
    [InlineData("\"2026-03-31T19:00:00-05:00\"")]
    public void Instants_with_a_zone_are_read_as_utc(string literal)
    {
        var e = OneRosterJson.Deserialize<Enrollment>(EnrollmentJson("\"false\"", dlm: literal));
        Assert.Equal(DateTimeKind.Utc, e.DateLastModified.Kind);
        Assert.Equal(literal.Contains("-05:00", StringComparison.Ordinal) ? new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc) : Samples.Modified, e.DateLastModified);
    }

    [Theory]
    [InlineData("\"2026-04-01T00:00:00\"")]
    [InlineData("\"2026-04-01\"")]
    [InlineData("\"01/04/2026\"")]
    [InlineData("\"令和8年4月1日\"")]
    [InlineData("1775001600")]
    [InlineData("\"\"")]
    public void Instants_without_zone_or_in_other_forms_are_rejected_naming_the_property(string literal)
    {
        var ex = Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(EnrollmentJson("\"false\"", dlm: literal)));
        Assert.Contains("'dateLastModified'", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-4-1")]
    [InlineData("2026/04/01")]
    [InlineData("2026-02-30")]
    [InlineData("2026-04-01T00:00:00Z")]
    [InlineData("R8-04-01")]
    public void Dates_in_other_forms_are_rejected_naming_the_property(string value)
    {
        var json = EnrollmentJson("\"false\"").TrimEnd('}') + $",\"beginDate\":\"{value}\"}}";
        var ex = Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(json));
        Assert.Contains("'beginDate'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Date_format_round_trips_property()
    {
        Gen.Int[1, 9999].Select(Gen.Int[1, 12], Gen.Int[1, 28]).Sample((y, m, d) =>
        {
            var date = new DateOnly(y, m, d);
            var e = new Enrollment
            {
                SourcedId = "e", Status = "active", DateLastModified = Samples.Modified, User = Samples.Ref("user", "u"),
                Class = Samples.Ref("class", "c"), School = Samples.Ref("org", "o"), Role = "student", BeginDate = date,
            };
            var json = OneRosterJson.Serialize(e);
            Assert.Contains($"\"beginDate\":\"{date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}\"", json, StringComparison.Ordinal);
            return OneRosterJson.Deserialize<Enrollment>(json).BeginDate == date;
        });
    }

    [Fact]
    public void Instant_format_round_trips_to_the_millisecond_property()
    {
        Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks].Sample(ticks =>
        {
            var instant = new DateTime(ticks, DateTimeKind.Utc);
            var org = new Org { SourcedId = "o", Status = "active", DateLastModified = instant, Name = "n", Type = "school", Identifier = "" };
            var text = JsonNode.Parse(OneRosterJson.Serialize(org))!["dateLastModified"]!.GetValue<string>();
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", text);
            var back = OneRosterJson.Deserialize<Org>(OneRosterJson.Serialize(org)).DateLastModified;
            return back.Kind == DateTimeKind.Utc && back.Ticks == ticks - ticks % TimeSpan.TicksPerMillisecond;
        });
    }

    // ---- enumerations --------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("\"teacher\"")]
    [InlineData("\"ext:guardian\"")]
    [InlineData("\"ext:a.b-c_9\"")]
    public void Extensible_enumerations_accept_standard_and_ext_values(string role) =>
        Assert.Equal(role.Trim('"'), OneRosterJson.Deserialize<Enrollment>(EnrollmentJson("\"false\"", role)).Role);

    [Theory]
    [InlineData("\"Teacher\"")]
    [InlineData("\"guardian\"")]
    [InlineData("\"ext:\"")]
    [InlineData("\"ext:has space\"")]
    [InlineData("\"xext:a\"")]
    [InlineData("\"ext:日本\"")]
    [InlineData("3")]
    public void Other_enumeration_values_are_rejected_naming_the_property(string role)
    {
        var ex = Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(EnrollmentJson("\"false\"", role)));
        Assert.Contains("'role'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Closed_enumerations_reject_ext_values()
    {
        var json = EnrollmentJson("\"false\"").Replace("\"status\":\"active\"", "\"status\":\"ext:archived\"", StringComparison.Ordinal);
        var ex = Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(json));
        Assert.Contains("'status'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ext_values_validate_against_the_official_schema_and_bad_ones_do_not()
    {
        var org = new Org { SourcedId = "o", Status = "active", DateLastModified = Samples.Modified, Name = "n", Type = "ext:prefecture", Identifier = "" };
        Assert.Empty(OasSchemas.Errors(OasSchemas.Rostering, "OrgDType", OneRosterJson.Serialize(org)));
        var bad = new Org { SourcedId = "o", Status = "active", DateLastModified = Samples.Modified, Name = "n", Type = "prefecture", Identifier = "" };
        Assert.NotEmpty(OasSchemas.Errors(OasSchemas.Rostering, "OrgDType", OneRosterJson.Serialize(bad)));
    }

    [Fact]
    public void Resource_roles_items_are_each_checked()
    {
        var ok = """{"sourcedId":"r","status":"active","dateLastModified":"2026-04-01T00:00:00Z","vendorResourceId":"v","roles":["student","ext:x"]}""";
        Assert.Equal(["student", "ext:x"], OneRosterJson.Deserialize<Resource>(ok).Roles!);
        var ex = Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Resource>(ok.Replace("ext:x", "librarian", StringComparison.Ordinal)));
        Assert.Contains("'roles'", ex.Message, StringComparison.Ordinal);
    }

    // ---- hostile input -------------------------------------------------------------------------------------------

    [Fact]
    public void Duplicate_keys_are_rejected()
    {
        var json = EnrollmentJson("\"false\"").TrimEnd('}') + ",\"primary\":\"true\"}";
        Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(json));
    }

    [Fact]
    public void Deeply_nested_metadata_is_rejected()
    {
        var deep = new string('[', 200) + new string(']', 200);
        var json = EnrollmentJson("\"false\"").TrimEnd('}') + ",\"metadata\":{\"x\":" + deep + "}}";
        Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(json));
    }

    [Fact]
    public void Null_for_a_required_reference_is_rejected()
    {
        var json = EnrollmentJson("\"false\"").Replace("\"user\":{\"href\":\"https://h/u\",\"sourcedId\":\"u\",\"type\":\"user\"}", "\"user\":null", StringComparison.Ordinal);
        Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<Enrollment>(json));
    }

    [Fact]
    public void Json_null_document_is_rejected()
    {
        Assert.Throws<JsonException>(() => OneRosterJson.Deserialize<SingleUser>("null"));
    }

    [Fact]
    public void Large_collection_round_trips()
    {
        var set = new OrgSet { Orgs = Enumerable.Range(0, 20_000).Select(i => new Org { SourcedId = "o" + i, Status = "active", DateLastModified = Samples.Modified, Name = "学校" + i, Type = "school", Identifier = "" }).ToList() };
        var back = OneRosterJson.Deserialize<OrgSet>(OneRosterJson.SerializeToUtf8Bytes(set));
        Assert.Equal(20_000, back.Orgs.Count);
        Assert.Equal("学校19999", back.Orgs[^1].Name);
    }
}
