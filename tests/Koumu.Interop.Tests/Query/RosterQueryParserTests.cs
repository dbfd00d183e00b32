using System.Security.Cryptography;
using CsCheck;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Tests.Query;

/// <summary>Query parameters checked against a collection's allow-list (OAS-R parameters; oneroster.md §1.4–1.5).</summary>
public sealed class RosterQueryParserTests
{
    private static RosterQuery Ok(QueryCollection collection, QueryParameters parameters)
    {
        var result = RosterQueryParser.Parse(collection, parameters);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value;
    }

    private static QueryError Rejected(QueryCollection collection, QueryParameters parameters, string codeMinor, string parameter)
    {
        var result = RosterQueryParser.Parse(collection, parameters);
        Assert.False(result.IsSuccess);
        Assert.Equal(codeMinor, result.Error!.CodeMinor);
        Assert.Equal(parameter, result.Error.Parameter);
        return result.Error;
    }

    [Fact]
    public void Defaults_are_limit_100_offset_0_sourcedId_ascending_every_field()
    {
        var query = Ok(QueryCollections.Users, new QueryParameters());
        Assert.Equal((100, 0, SortDirection.Ascending), (query.Limit, query.Offset, query.Direction));
        Assert.Null(query.Sort);
        Assert.Null(query.Fields);
        Assert.Null(query.Filter);
    }

    [Theory]
    [InlineData("10000", 10_000)]
    [InlineData("10001", 10_000)]
    [InlineData("5000", 5_000)]
    [InlineData("1", 1)]
    [InlineData("99999999999999999999999", 10_000)]
    [InlineData("007", 7)]
    public void Limit_above_the_maximum_is_clamped(string limit, int expected) =>
        Assert.Equal(expected, Ok(QueryCollections.Users, new QueryParameters(Limit: limit)).Limit);

    [Theory]
    [InlineData("0")]
    [InlineData("000")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1.5")]
    [InlineData(" 10")]
    [InlineData("+5")]
    public void Zero_negative_or_non_numeric_limit_is_rejected(string limit) =>
        Rejected(QueryCollections.Users, new QueryParameters(Limit: limit), QueryCodeMinor.InvalidData, "limit");

    [Theory]
    [InlineData("-1")]
    [InlineData("x")]
    [InlineData("99999999999")]
    public void Negative_non_numeric_or_overflowing_offset_is_rejected(string offset) =>
        Rejected(QueryCollections.Users, new QueryParameters(Offset: offset), QueryCodeMinor.InvalidData, "offset");

    [Fact]
    public void OrderBy_takes_asc_or_desc_only()
    {
        Assert.Equal(SortDirection.Descending, Ok(QueryCollections.Users, new QueryParameters(Sort: "familyName", OrderBy: "desc")).Direction);
        Rejected(QueryCollections.Users, new QueryParameters(OrderBy: "down"), QueryCodeMinor.InvalidData, "orderBy");
    }

    [Fact]
    public void Unknown_or_multi_valued_sort_field_is_rejected_with_the_services_codeMinor()
    {
        Rejected(QueryCollections.Users, new QueryParameters(Sort: "shoeSize"), QueryCodeMinor.InvalidSelectionField, "sort");
        Rejected(QueryCollections.Users, new QueryParameters(Sort: "roles.role"), QueryCodeMinor.InvalidSelectionField, "sort");
        Rejected(QueryCollections.Users, new QueryParameters(Sort: "grades"), QueryCodeMinor.InvalidSelectionField, "sort");
        Rejected(QueryCollections.ResourceCollection, new QueryParameters(Sort: "shoeSize"), QueryCodeMinor.InvalidSortField, "sort");
        Assert.Equal("school.sourcedId", Ok(QueryCollections.Classes, new QueryParameters(Sort: "school.sourcedId")).Sort!.Path);
    }

    [Fact]
    public void Fields_accept_comma_lists_and_repeated_parameters()
    {
        var query = Ok(QueryCollections.Users, new QueryParameters(Fields: ["givenName,familyName", "sourcedId", "givenName"]));
        Assert.Equal(["givenName", "familyName", "sourcedId"], query.Fields);
        Assert.Equal(["roles", "preferredFirstName"], Ok(QueryCollections.Users, new QueryParameters(Fields: ["roles,preferredFirstName"])).Fields);
    }

    [Theory]
    [InlineData("shoeSize")]
    [InlineData("givenName,shoeSize")]
    [InlineData("preferredGivenName")]   // the CSV name, not the JSON one
    [InlineData("GivenName")]
    public void Unknown_fields_entry_is_invalid_selection_field(string fields) =>
        Rejected(QueryCollections.Users, new QueryParameters(Fields: [fields]), QueryCodeMinor.InvalidSelectionField, "fields");

    [Theory]
    [InlineData("")]
    [InlineData("givenName,,familyName")]
    [InlineData(" , ")]
    public void Blank_fields_entry_is_invalid_selection_field(string fields) =>
        Rejected(QueryCollections.Users, new QueryParameters(Fields: [fields]), QueryCodeMinor.InvalidSelectionField, "fields");

    [Theory]
    [InlineData("shoeSize='42'")]
    [InlineData("preferredGivenName='x'")]
    [InlineData("class.sourcedId='c'")]          // users have no class
    [InlineData("roles.shoeSize='x'")]
    [InlineData("password='x'")]                 // never a search key
    [InlineData("userIds='x'")]
    public void Unknown_filter_field_is_invalid_filter_field(string filter) =>
        Rejected(QueryCollections.Users, new QueryParameters(Filter: filter), QueryCodeMinor.InvalidFilterField, "filter");

    [Theory]
    [InlineData("dateLastModified>'yesterday'")]
    [InlineData("dateLastModified>'2026-04-01T00:00:00'")]   // an instant needs its zone
    [InlineData("enabledUser='yes'")]
    [InlineData("enabledUser>'true'")]
    [InlineData("grades>'P1'")]
    [InlineData("dateLastModified~'2026'")]
    public void Mistyped_filter_value_or_operator_is_invalid_filter_field(string filter) =>
        Rejected(QueryCollections.Users, new QueryParameters(Filter: filter), QueryCodeMinor.InvalidFilterField, "filter");

    [Fact]
    public void Dates_and_instants_bind_as_typed_values()
    {
        var query = Ok(QueryCollections.Users, new QueryParameters(Filter: "dateLastModified>'2026-04-26T21:00:00+09:00' AND preferredFirstName='Ken'"));
        Assert.Equal(new DateTime(2026, 4, 26, 12, 0, 0, DateTimeKind.Utc), query.Filter!.Predicates[0].Value);
        Assert.Equal("preferred_given_name", query.Filter.Predicates[1].Field.Column.StorageName);
        var enrollment = Ok(QueryCollections.Enrollments, new QueryParameters(Filter: "beginDate>='2026-04-01'"));
        Assert.Equal(new DateOnly(2026, 4, 1), enrollment.Filter!.Predicates[0].Value);
        Rejected(QueryCollections.Enrollments, new QueryParameters(Filter: "beginDate>='2026-04-31'"), QueryCodeMinor.InvalidFilterField, "filter");
    }

    [Fact]
    public void Every_filter_path_starts_with_a_json_property_of_its_class()
    {
        foreach (var collection in QueryCollections.All)
            foreach (var field in collection.Fields)
                Assert.True(collection.IsSelectable(field.Path.Split('.')[0]), $"{collection.Name}: {field.Path} is not a property of {collection.Model.Name}");
    }

    [Fact]
    public void Reference_columns_become_dotted_sourcedId_paths()
    {
        Assert.Equal("org.sourcedId", QueryCollections.JsonPath(CsvBinding.Courses.Column("orgSourcedId")));
        Assert.Equal("terms.sourcedId", QueryCollections.JsonPath(CsvBinding.Classes.Column("termSourcedIds")));
        Assert.NotNull(QueryCollections.Users.FindField("roles.org.sourcedId"));
        Assert.NotNull(QueryCollections.Enrollments.FindField("class.sourcedId"));
        Assert.NotNull(QueryCollections.Results.FindField("student.sourcedId"));
        Assert.Equal(QueryFieldShape.RoleColumn, QueryCollections.Users.FindField("roles.role")!.Shape);
    }

    [Fact]
    public void Confinement_and_filter_are_separate_parenthesised_groups()
    {
        var query = Ok(QueryCollections.Users, new QueryParameters(Filter: "familyName='a' OR familyName='b'"));
        var plan = RosterQueryCompiler.Compile(query, DatabaseProvider.Sqlite, 1, QueryConfinement.FieldIn("primaryOrg.sourcedId", ["s1"]));
        Assert.Contains("WHERE t.tenant_id = @tenant AND (t.\"primary_org_sourced_id\" IN (@c0_0)) AND ((t.\"family_name\" = @f0) OR (t.\"family_name\" = @f1))",
            plan.PageSql, StringComparison.Ordinal);
    }

    [Fact]
    public void Cursor_is_tamper_evident_and_bound_to_the_query_shape()
    {
        var codec = new QueryCursorCodec(RandomNumberGenerator.GetBytes(32));
        var parameters = new QueryParameters(Filter: "familyName~'a'", Sort: "familyName");
        var query = Ok(QueryCollections.Users, parameters);
        var token = codec.Encode(query, new KeysetPosition("Sato", "u07"));

        var decoded = RosterQueryParser.Parse(QueryCollections.Users, parameters with { Cursor = token, Offset = "40" }, codec);
        Assert.True(decoded.IsSuccess, decoded.Error?.ToString());
        Assert.Equal(new KeysetPosition("Sato", "u07"), decoded.Value.After);
        Assert.Equal(0, decoded.Value.Offset);

        var chars = token.ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        foreach (var bad in new[] { new string(chars), token[..^2], "", "!!!", new string('A', 5000), token + "A" })
            Rejected(QueryCollections.Users, parameters with { Cursor = bad }, QueryCodeMinor.InvalidData, "cursor");
        Rejected(QueryCollections.Users, parameters with { Cursor = token, Filter = "familyName~'b'" }, QueryCodeMinor.InvalidData, "cursor");
        Rejected(QueryCollections.Users, parameters with { Cursor = token, OrderBy = "desc" }, QueryCodeMinor.InvalidData, "cursor");
        Assert.False(RosterQueryParser.Parse(QueryCollections.Users, parameters with { Cursor = token },
            new QueryCursorCodec(RandomNumberGenerator.GetBytes(32))).IsSuccess);
    }

    [Fact]
    public void Cursor_round_trips_every_sort_value_type() =>
        Gen.OneOf(
                Gen.String.Select(s => (object?)s), Gen.Bool.Select(b => (object?)b),
                Gen.Double.Where(double.IsFinite).Select(d => (object?)d),
                Gen.Int[1, 3_000_000].Select(d => (object?)DateOnly.FromDayNumber(d)),
                Gen.Long[0, DateTime.MaxValue.Ticks].Select(t => (object?)new DateTime(t, DateTimeKind.Utc)),
                Gen.Const((object?)null))
            .Select(Gen.String.Where(s => s.Length > 0))
            .Sample((value, id) =>
            {
                var codec = new QueryCursorCodec(new byte[32]);
                var query = Ok(QueryCollections.Users, new QueryParameters());
                var decoded = codec.Decode(codec.Encode(query, new KeysetPosition(value, id)), query);
                Assert.Equal(new KeysetPosition(value, id), decoded.Value);
            }, iter: 500);
}
