namespace Koumu.Interop.Schemas.Demo;

/// <summary>
/// 教科 with their OneRoster Japan subjectCodes. The code lists (P010–P100, J010–J090) are identical in four DA2022
/// vendor validators; the code-to-name mapping follows the order of 学校教育法施行規則 第50条 (小学校) and 第72条 (中学校),
/// which japan.md marks as probable but unverified.
/// </summary>
internal static class Subjects
{
    public readonly record struct Subject(string Name, string Code);

    public static readonly Subject[] Elementary =
    [
        new("国語", "P010"), new("社会", "P020"), new("算数", "P030"), new("理科", "P040"), new("生活", "P050"),
        new("音楽", "P060"), new("図画工作", "P070"), new("家庭", "P080"), new("体育", "P090"), new("外国語", "P100"),
    ];

    public static readonly Subject[] Junior =
    [
        new("国語", "J010"), new("社会", "J020"), new("数学", "J030"), new("理科", "J040"), new("音楽", "J050"),
        new("美術", "J060"), new("保健体育", "J070"), new("技術・家庭", "J080"), new("外国語", "J090"),
    ];

    /// <summary>Which subjects get classes first (indexes into the lists above): 国語, 算数/数学, 理科, 社会, 外国語, …</summary>
    public static readonly int[] ElementaryClassOrder = [0, 2, 3, 1, 9, 8, 5, 6, 7, 4];

    public static readonly int[] JuniorClassOrder = [0, 2, 3, 1, 8, 6, 4, 5, 7];

    /// <summary>
    /// Whether a 小学校 subject is a 教科 in grade <paramref name="grade"/> (1–6): 生活 in grades 1–2 only, 社会 and 理科
    /// from grade 3, 家庭 and 外国語 in grades 5–6 (学校教育法施行規則 別表第一). Every 中学校 subject is taught in every grade.
    /// </summary>
    public static bool IsTaught(bool elementary, int grade, int subject)
    {
        if (!elementary) return true;
        return Elementary[subject].Code switch
        {
            "P050" => grade <= 2,
            "P020" or "P040" => grade >= 3,
            "P080" or "P100" => grade >= 5,
            _ => true,
        };
    }

    /// <summary>The subjects that get classes in a grade: the first <paramref name="count"/> taught ones in class order.</summary>
    public static int[] ClassSubjects(bool elementary, int grade, int count)
    {
        var order = elementary ? ElementaryClassOrder : JuniorClassOrder;
        return order.Where(s => IsTaught(elementary, grade, s)).Take(count).ToArray();
    }
}
