namespace Koumu.Interop.Schemas.Japan;

/// <summary>
/// MEXT code formats: 学校コード (13 characters: 学校種 2, 都道府県番号 2, 設置区分 1, 学校番号 7, 検査数字 1)
/// and 教育委員会コード. Validation and generation share the same check-digit routine.
/// </summary>
public static class MextCodes
{
    /// <summary>Whether <paramref name="code"/> is a well-formed 学校コード with a correct check digit.</summary>
    public static bool IsValidSchoolCode(string? code) =>
        code is { Length: 13 } && code[12] == ComputeSchoolCodeCheckDigit(code.AsSpan(0, 12));

    /// <summary>The check digit for the first 12 characters of a 学校コード.</summary>
    public static char ComputeSchoolCodeCheckDigit(ReadOnlySpan<char> first12)
    {
        // Placeholder (to be replaced with the MEXT algorithm): modulus 10, weights 1,2 alternating over digits,
        // letters mapped to their alphabet position.
        var sum = 0;
        for (var i = 0; i < first12.Length; i++)
        {
            var c = first12[i];
            var v = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiLetterUpper(c) ? c - 'A' + 1 : 0;
            sum += v * (i % 2 == 0 ? 1 : 2);
        }
        return (char)('0' + ((10 - (sum % 10)) % 10));
    }

    /// <summary>Builds a full 学校コード from its parts.</summary>
    public static string SchoolCode(string schoolType, int prefecture, int establisher, int number)
    {
        var first12 = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{schoolType}{prefecture:00}{establisher}{number:0000000}");
        return first12 + ComputeSchoolCodeCheckDigit(first12);
    }

    /// <summary>Whether <paramref name="code"/> is a well-formed 教育委員会コード (6 digits, first 0–4).</summary>
    public static bool IsValidBoardCode(string? code) =>
        code is { Length: 6 } && code[0] is >= '0' and <= '4' && code.All(char.IsAsciiDigit);
}
