using System.Globalization;

namespace Koumu.Interop.Schemas.Japan;

/// <summary>
/// MEXT code formats (文部科学省 教育データ標準).
/// <para>
/// 学校コード: 13 characters — 学校種 2 (a letter A–H and 1/2, e.g. B1 小学校, C1 中学校), 都道府県番号 2 (JIS X 0401, 01–47),
/// 設置区分 1 (1 国立, 2 公立, 3 私立), 学校番号 7, 検査数字 1
/// (MEXT "学校コード" specification, https://www.mext.go.jp/content/20210128-mxt_chousa01-000011635_01.pdf; the
/// pattern <c>[A-H][12][0-4][0-9][123][0-9]{7}[0-9]</c> is DA2022 K社 utils_for_pandera_check.py).
/// </para>
/// <para>
/// 教育委員会コード: 6 digits — 県コード 2 + 教育委員会番号 4, e.g. 北海道教育委員会 = 011000 (MEXT 教育委員会コード,
/// https://www.mext.go.jp/b_menu/toukei/mext_00004.html). It has no check digit.
/// </para>
/// Validation and generation share one check-digit routine so generated demo data always validates.
/// </summary>
public static class MextCodes
{
    /// <summary>Whether <paramref name="code"/> is a well-formed 学校コード with a correct 検査数字.</summary>
    public static bool IsValidSchoolCode(string? code) =>
        HasSchoolCodeFormat(code) && code![12] == ComputeSchoolCodeCheckDigit(code.AsSpan(0, 12));

    /// <summary>
    /// Whether <paramref name="code"/> has the 学校コード layout (学校種, 都道府県番号 01–47, 設置区分 1–3, 7-digit 学校番号,
    /// a digit in the 検査数字 position), without checking the 検査数字 itself.
    /// </summary>
    public static bool HasSchoolCodeFormat(string? code)
    {
        if (code is not { Length: 13 }) return false;
        if (code[0] is < 'A' or > 'H' || code[1] is not ('1' or '2')) return false;
        if (!IsPrefecture(code.AsSpan(2, 2))) return false;
        if (code[4] is not ('1' or '2' or '3')) return false;
        for (var i = 5; i < 13; i++)
            if (!char.IsAsciiDigit(code[i])) return false;
        return true;
    }

    /// <summary>
    /// The 検査数字 for the first 12 characters of a 学校コード.
    /// MEXT's rule (modulus 10, weights 1·2 with split products): the 学校種 letter is replaced by its two-digit alphabet
    /// position (A → 01 … H → 08), giving 13 digits; from the left, digits are weighted 1, 2, 1, 2, …; a two-digit product
    /// counts as the sum of its digits; the 検査数字 is (10 − sum mod 10) mod 10.
    /// Worked example (the published sample F112310102342): 0 6 1 1 2 3 1 0 1 0 2 3 4 → 0+(1+2)+1+2+2+6+1+0+1+0+2+6+4 = 28 → 2.
    /// Cross-checked against the rubygems mext_school_code_validator test vectors.
    /// </summary>
    /// <exception cref="ArgumentException">The input is not a letter A–Z followed by 11 ASCII digits.</exception>
    public static char ComputeSchoolCodeCheckDigit(ReadOnlySpan<char> first12)
    {
        if (first12.Length != 12 || !char.IsAsciiLetterUpper(first12[0]))
            throw new ArgumentException("Expected a letter A–Z followed by 11 digits.", nameof(first12));
        var letter = first12[0] - 'A' + 1;
        var sum = Weighted(letter / 10, 0) + Weighted(letter % 10, 1);
        for (var i = 1; i < 12; i++)
        {
            var c = first12[i];
            if (!char.IsAsciiDigit(c)) throw new ArgumentException("Expected a letter A–Z followed by 11 digits.", nameof(first12));
            sum += Weighted(c - '0', i + 1); // position i+1 of the 13-digit expansion
        }
        return (char)('0' + ((10 - (sum % 10)) % 10));

        static int Weighted(int digit, int position)
        {
            var product = digit * (position % 2 == 0 ? 1 : 2);
            return product >= 10 ? product - 9 : product; // digit sum of 10..18
        }
    }

    /// <summary>Builds a full 学校コード from its parts.</summary>
    /// <param name="schoolType">学校種, e.g. "B1" (小学校), "C1" (中学校), "C2" (義務教育学校), "E1" (特別支援学校).</param>
    /// <param name="prefecture">都道府県番号 1–47.</param>
    /// <param name="establisher">設置区分: 1 国立, 2 公立, 3 私立.</param>
    /// <param name="number">学校番号 0–9999999.</param>
    public static string SchoolCode(string schoolType, int prefecture, int establisher, int number)
    {
        ArgumentNullException.ThrowIfNull(schoolType);
        if (schoolType.Length != 2 || schoolType[0] is < 'A' or > 'H' || schoolType[1] is not ('1' or '2'))
            throw new ArgumentException("学校種 must be a letter A–H followed by 1 or 2 (e.g. B1).", nameof(schoolType));
        ArgumentOutOfRangeException.ThrowIfLessThan(prefecture, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefecture, 47);
        ArgumentOutOfRangeException.ThrowIfLessThan(establisher, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(establisher, 3);
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 9_999_999);
        var first12 = string.Create(CultureInfo.InvariantCulture, $"{schoolType}{prefecture:00}{establisher}{number:0000000}");
        return first12 + ComputeSchoolCodeCheckDigit(first12);
    }

    /// <summary>Whether <paramref name="code"/> is a well-formed 教育委員会コード (6 digits, 県コード 01–47 first).</summary>
    public static bool IsValidBoardCode(string? code)
    {
        if (code is not { Length: 6 }) return false;
        foreach (var c in code)
            if (!char.IsAsciiDigit(c)) return false;
        return IsPrefecture(code.AsSpan(0, 2));
    }

    /// <summary>Builds a 教育委員会コード from its 県コード (1–47) and 教育委員会番号 (0–9999).</summary>
    public static string BoardCode(int prefecture, int number)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(prefecture, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefecture, 47);
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 9_999);
        return string.Create(CultureInfo.InvariantCulture, $"{prefecture:00}{number:0000}");
    }

    private static bool IsPrefecture(ReadOnlySpan<char> two) =>
        two.Length == 2 && char.IsAsciiDigit(two[0]) && char.IsAsciiDigit(two[1])
        && (two[0] - '0') * 10 + (two[1] - '0') is >= 1 and <= 47;
}
