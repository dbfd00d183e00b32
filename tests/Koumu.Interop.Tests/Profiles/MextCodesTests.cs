using CsCheck;
using Koumu.Interop.Schemas.Japan;

namespace Koumu.Interop.Tests.Profiles;

public sealed class MextCodesTests
{
    private static readonly Gen<string> SchoolType = Gen.Select(Gen.Char['A', 'H'], Gen.Char['1', '2'], (l, d) => string.Concat(l, d));

    private static readonly Gen<string> GeneratedSchoolCode = Gen.Select(SchoolType, Gen.Int[1, 47], Gen.Int[1, 3], Gen.Int[0, 9_999_999],
        MextCodes.SchoolCode);

    [Theory]
    [InlineData("F112310102342")] // the published example
    [InlineData("B101210000018")]
    [InlineData("F139190110515")]
    [InlineData("B147210000005")]
    [InlineData("C239290000059")]
    [InlineData("H239390000083")]
    public void Published_school_codes_validate(string code) => Assert.True(MextCodes.IsValidSchoolCode(code));

    [Fact]
    public void Published_example_check_digit_is_computed() => Assert.Equal('2', MextCodes.ComputeSchoolCodeCheckDigit("F11231010234"));

    [Fact]
    public void Generated_school_codes_always_validate() =>
        GeneratedSchoolCode.Sample(code => MextCodes.IsValidSchoolCode(code) && code.Length == 13);

    [Fact]
    public void A_changed_digit_is_detected() =>
        Gen.Select(GeneratedSchoolCode, Gen.Int[2, 12], Gen.Int[1, 9]).Sample((code, position, delta) =>
        {
            var chars = code.ToCharArray();
            chars[position] = (char)('0' + ((chars[position] - '0' + delta) % 10));
            return !MextCodes.IsValidSchoolCode(new string(chars));
        });

    [Fact]
    public void A_changed_school_type_letter_is_detected() =>
        Gen.Select(GeneratedSchoolCode, Gen.Char['A', 'H']).Where((code, letter) => code[0] != letter).Sample((code, letter) =>
            !MextCodes.IsValidSchoolCode(letter + code[1..]));

    [Fact]
    public void Swapped_adjacent_school_number_digits_are_usually_detected()
    {
        // Luhn-style weights catch every adjacent transposition except 0↔9; this pins the algorithm's strength.
        var code = MextCodes.SchoolCode("B1", 13, 2, 1_234_567);
        var swapped = code[..6] + code[7] + code[6] + code[8..];
        Assert.False(MextCodes.IsValidSchoolCode(swapped));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("F11231010234")]
    [InlineData("F1123101023420")]
    [InlineData("I112310102342")]
    [InlineData("F312310102342")]
    [InlineData("F100310102342")]
    [InlineData("F148310102342")]
    [InlineData("F112010102342")]
    [InlineData("F11231010234X")]
    [InlineData("Ｆ112310102342")]
    public void Malformed_school_codes_are_invalid(string? code) => Assert.False(MextCodes.IsValidSchoolCode(code));

    [Theory]
    [InlineData("Z1", 13, 2, 1)]
    [InlineData("B3", 13, 2, 1)]
    [InlineData("B1", 0, 2, 1)]
    [InlineData("B1", 48, 2, 1)]
    [InlineData("B1", 13, 4, 1)]
    [InlineData("B1", 13, 2, -1)]
    [InlineData("B1", 13, 2, 10_000_000)]
    public void School_code_builder_rejects_impossible_parts(string type, int prefecture, int establisher, int number) =>
        Assert.ThrowsAny<ArgumentException>(() => MextCodes.SchoolCode(type, prefecture, establisher, number));

    [Theory]
    [InlineData("B")]
    [InlineData("B1123101023")]
    [InlineData("B1123101023a")]
    public void Check_digit_of_a_malformed_prefix_throws(string prefix) =>
        Assert.Throws<ArgumentException>(() => MextCodes.ComputeSchoolCodeCheckDigit(prefix));

    [Theory]
    [InlineData("011000")] // 北海道教育委員会 (MEXT example)
    [InlineData("131016")]
    [InlineData("479999")]
    public void Board_codes_validate(string code) => Assert.True(MextCodes.IsValidBoardCode(code));

    [Theory]
    [InlineData(null)]
    [InlineData("01100")]
    [InlineData("0110000")]
    [InlineData("000000")]
    [InlineData("481000")]
    [InlineData("01100a")]
    [InlineData("０１１０００")]
    public void Malformed_board_codes_are_invalid(string? code) => Assert.False(MextCodes.IsValidBoardCode(code));

    [Fact]
    public void Generated_board_codes_always_validate() =>
        Gen.Select(Gen.Int[1, 47], Gen.Int[0, 9_999]).Sample((prefecture, number) => MextCodes.IsValidBoardCode(MextCodes.BoardCode(prefecture, number)));

    [Fact]
    public void Board_code_builder_matches_the_MEXT_example() => Assert.Equal("011000", MextCodes.BoardCode(1, 1000));
}
