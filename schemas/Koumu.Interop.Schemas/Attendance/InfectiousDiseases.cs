using System.Collections.Frozen;

namespace Koumu.Interop.Schemas.Attendance;

/// <summary>
/// 学校において予防すべき感染症 (学校保健安全法施行規則18条; japan.md §5): the disease of a <c>SUSPENDED_INFECTION</c> record,
/// with its class (第一種 / 第二種 / 第三種), so that the infection-surveillance output can count 出席停止 by disease.
/// <c>OTHER_CLASS3</c> is 「その他の感染症」 of 第三種 (感染性胃腸炎, 溶連菌, 手足口病 … as the school doctor decides).
/// </summary>
public static class InfectiousDiseases
{
    public sealed record Disease(string Code, int Class, string JapaneseName);

    public static IReadOnlyList<Disease> All { get; } =
    [
        // 第一種
        new("EBOLA", 1, "エボラ出血熱"),
        new("CRIMEAN_CONGO_HF", 1, "クリミア・コンゴ出血熱"),
        new("SMALLPOX", 1, "痘そう"),
        new("SOUTH_AMERICAN_HF", 1, "南米出血熱"),
        new("PLAGUE", 1, "ペスト"),
        new("MARBURG", 1, "マールブルグ病"),
        new("LASSA", 1, "ラッサ熱"),
        new("POLIO", 1, "急性灰白髄炎"),
        new("DIPHTHERIA", 1, "ジフテリア"),
        new("SARS", 1, "重症急性呼吸器症候群"),
        new("MERS", 1, "中東呼吸器症候群"),
        new("AVIAN_INFLUENZA", 1, "特定鳥インフルエンザ"),
        // 第二種
        new("INFLUENZA", 2, "インフルエンザ"),
        new("PERTUSSIS", 2, "百日咳"),
        new("MEASLES", 2, "麻しん"),
        new("MUMPS", 2, "流行性耳下腺炎"),
        new("RUBELLA", 2, "風しん"),
        new("VARICELLA", 2, "水痘"),
        new("PHARYNGOCONJUNCTIVAL_FEVER", 2, "咽頭結膜熱"),
        new("COVID_19", 2, "新型コロナウイルス感染症"),
        new("TUBERCULOSIS", 2, "結核"),
        new("MENINGOCOCCAL_MENINGITIS", 2, "髄膜炎菌性髄膜炎"),
        // 第三種
        new("CHOLERA", 3, "コレラ"),
        new("SHIGELLOSIS", 3, "細菌性赤痢"),
        new("EHEC", 3, "腸管出血性大腸菌感染症"),
        new("TYPHOID", 3, "腸チフス"),
        new("PARATYPHOID", 3, "パラチフス"),
        new("EPIDEMIC_KERATOCONJUNCTIVITIS", 3, "流行性角結膜炎"),
        new("ACUTE_HEMORRHAGIC_CONJUNCTIVITIS", 3, "急性出血性結膜炎"),
        new("OTHER_CLASS3", 3, "その他の感染症"),
    ];

    private static readonly FrozenDictionary<string, Disease> ByCode = All.ToFrozenDictionary(d => d.Code, StringComparer.Ordinal);

    public static bool TryGet(string? code, out Disease disease) => ByCode.TryGetValue(code ?? "", out disease!);

    public static bool IsKnown(string? code) => ByCode.ContainsKey(code ?? "");
}
