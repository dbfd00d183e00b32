using CsCheck;
using Koumu.Interop.Storage;
using Koumu.Interop.Storage.Query;

namespace Koumu.Interop.Tests.Query;

/// <summary>The OneRoster 1.2 filter grammar (oneroster.md §1.4): parsing, round trips and hostile input.</summary>
public sealed class FilterParserTests
{
    private static FilterExpression Ok(string filter)
    {
        var result = FilterParser.Parse(filter);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return result.Value;
    }

    private static QueryError Rejected(string filter)
    {
        var result = FilterParser.Parse(filter);
        Assert.False(result.IsSuccess, $"'{filter}' should be rejected");
        Assert.Equal(QueryCodeMinor.InvalidFilterField, result.Error!.CodeMinor);
        Assert.Equal("filter", result.Error.Parameter);
        return result.Error;
    }

    [Theory]
    [InlineData("familyName='Sato'", FilterOperator.Equal)]
    [InlineData("familyName!='Sato'", FilterOperator.NotEqual)]
    [InlineData("familyName>'Sato'", FilterOperator.GreaterThan)]
    [InlineData("familyName>='Sato'", FilterOperator.GreaterThanOrEqual)]
    [InlineData("familyName<'Sato'", FilterOperator.LessThan)]
    [InlineData("familyName<='Sato'", FilterOperator.LessThanOrEqual)]
    [InlineData("familyName~'Sato'", FilterOperator.Contains)]
    [InlineData("familyName = 'Sato'", FilterOperator.Equal)]
    public void Each_operator_parses_to_one_predicate(string filter, FilterOperator op)
    {
        var parsed = Ok(filter);
        Assert.Equal([new FilterPredicate("familyName", op, "Sato")], parsed.Predicates);
    }

    [Fact]
    public void Doubled_quote_inside_a_value_is_one_quote()
    {
        Assert.Equal("O'Brien", Ok("familyName='O''Brien'").Predicates[0].Value);
        Assert.Equal("'", Ok("familyName=''''").Predicates[0].Value);
        Assert.Equal("", Ok("middleName=''").Predicates[0].Value);
    }

    [Fact]
    public void Value_keeps_spaces_operators_and_connectives_literally()
    {
        var parsed = Ok("title='a AND b OR c >= d' AND status='active'");
        Assert.Equal(FilterConnective.And, parsed.Connective);
        Assert.Equal("a AND b OR c >= d", parsed.Predicates[0].Value);
        Assert.Equal("active", parsed.Predicates[1].Value);
    }

    [Fact]
    public void Dotted_paths_and_dates_parse()
    {
        var parsed = Ok("roles.org.sourcedId='org-1' OR dateLastModified>'2026-04-26T12:00:00Z'");
        Assert.Equal(FilterConnective.Or, parsed.Connective);
        Assert.Equal("roles.org.sourcedId", parsed.Predicates[0].Field);
        Assert.Equal(new FilterPredicate("dateLastModified", FilterOperator.GreaterThan, "2026-04-26T12:00:00Z"), parsed.Predicates[1]);
    }

    [Fact]
    public void Any_number_of_predicates_of_one_connective_is_accepted()
    {
        var filter = string.Join(" OR ", Enumerable.Range(0, 10).Select(i => $"sourcedId='u{i}'"));
        Assert.Equal(10, Ok(filter).Predicates.Count);
        Assert.Equal(3, Ok("a='1' and b='2' AND c='3'").Predicates.Count);
    }

    [Theory]
    [InlineData("a='1' AND b='2' OR c='3'")]
    [InlineData("a='1' OR b='2' AND c='3'")]
    public void Mixing_AND_and_OR_is_rejected_because_it_cannot_be_grouped(string filter) =>
        Assert.Contains("cannot be mixed", Rejected(filter).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("familyName='Sato")]               // unbalanced quote
    [InlineData("familyName='Sato''")]             // the doubled quote leaves it open
    [InlineData("familyName=Sato")]                // unquoted value
    [InlineData("familyName=\"Sato\"")]            // double quotes
    [InlineData("familyName")]                     // no operator
    [InlineData("='Sato'")]                        // no field
    [InlineData("familyName=='Sato'")]
    [InlineData("familyName<>'Sato'")]
    [InlineData("familyName='a' AND")]             // dangling connective
    [InlineData("familyName='a' AND ")]
    [InlineData("familyName='a'AND givenName='b'")] // connective needs spaces
    [InlineData("familyName='a' XOR givenName='b'")]
    [InlineData("familyName='a' givenName='b'")]
    [InlineData("(familyName='a')")]
    [InlineData(".sourcedId='a'")]
    [InlineData("class..sourcedId='a'")]
    [InlineData("class.='a'")]
    [InlineData("1=1")]
    [InlineData("familyName='x' OR 1=1 --")]
    [InlineData("familyName='x'; DROP TABLE users; --")]
    [InlineData("familyName='x' /* comment */")]
    public void Malformed_filters_are_invalid_filter_field(string filter) => Rejected(filter);

    [Fact]
    public void Hundred_kilobyte_filter_is_rejected_without_parsing()
    {
        var huge = "familyName='" + new string('a', 100_000) + "'";
        Assert.Contains("longer than", Rejected(huge).Message, StringComparison.Ordinal);
        var many = string.Join(" OR ", Enumerable.Range(0, FilterParser.MaxPredicates + 1).Select(i => $"a='{i}'"));
        Assert.Contains("predicates", Rejected(many).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sql_in_a_value_is_only_a_parameter_value()
    {
        var hostile = "x'; DROP TABLE users; --";
        var query = RosterQueryParser.Parse(QueryCollections.Users,
            new QueryParameters(Filter: "familyName='" + hostile.Replace("'", "''", StringComparison.Ordinal) + "'")).Value;
        foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
        {
            var plan = RosterQueryCompiler.Compile(query, provider, 1, QueryConfinement.None);
            Assert.DoesNotContain("DROP", plan.PageSql, StringComparison.Ordinal);
            Assert.Contains(plan.PageParameters, p => Equals(p.Value, hostile));
        }
    }

    private static readonly Gen<string> FieldGen =
        Gen.Select(Gen.Char["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"], Gen.String["abcdefghijklmnopqrstuvwxyz0123456789_"])
            .Select((first, rest) => first + rest)
            .Array[1, 3].Select(parts => string.Join('.', parts));

    private static readonly Gen<FilterPredicate> PredicateGen =
        Gen.Select(FieldGen, Gen.Enum<FilterOperator>(), Gen.OneOf(Gen.String, Gen.String["' =!<>~ANDOR%_\\"]))
            .Select((field, op, value) => new FilterPredicate(field, op, value));

    [Fact]
    public void Any_generated_filter_round_trips_through_its_canonical_text() =>
        Gen.Select(Gen.Enum<FilterConnective>(), PredicateGen.Array[1, 6]).Sample((connective, predicates) =>
        {
            var expression = new FilterExpression(connective, predicates);
            var text = expression.ToString();
            var parsed = FilterParser.Parse(text);
            Assert.True(parsed.IsSuccess, $"{text}: {parsed.Error}");
            Assert.Equal(predicates.Length == 1 ? FilterConnective.And : connective, parsed.Value.Connective);
            Assert.Equal(predicates, parsed.Value.Predicates);
        }, iter: 2000);

    [Fact]
    public void Arbitrary_text_never_throws_it_parses_or_is_invalid_filter_field() =>
        Gen.OneOf(Gen.String, Gen.String["a='\" ANDOR.=!<>~()-;"]).Sample(text =>
        {
            var result = FilterParser.Parse(text);
            if (!result.IsSuccess) Assert.Equal(QueryCodeMinor.InvalidFilterField, result.Error!.CodeMinor);
        }, iter: 5000);

    [Fact]
    public void Values_never_reach_the_sql_text() =>
        Gen.Select(Gen.Enum<FilterOperator>(), Gen.String).Sample((op, value) =>
        {
            var marker = "ZQX" + value;
            var filter = new FilterExpression(FilterConnective.Or,
            [
                new FilterPredicate("familyName", op, marker),
                new FilterPredicate("roles.role", FilterOperator.Equal, marker),
                new FilterPredicate("grades", FilterOperator.Equal, marker),
            ]).ToString();
            var query = RosterQueryParser.Parse(QueryCollections.Users, new QueryParameters(Filter: filter));
            Assert.True(query.IsSuccess, query.Error?.ToString());
            foreach (var provider in new[] { DatabaseProvider.Sqlite, DatabaseProvider.Postgres })
            {
                var plan = RosterQueryCompiler.Compile(query.Value, provider, 7, QueryConfinement.FieldIn("roles.org.sourcedId", ["ZQXschool"]));
                Assert.DoesNotContain("ZQX", plan.PageSql, StringComparison.Ordinal);
                Assert.DoesNotContain("ZQX", plan.CountSql, StringComparison.Ordinal);
            }
        }, iter: 500);
}
