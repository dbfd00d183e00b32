namespace Koumu.Interop.Schemas.Demo;

/// <summary>
/// Common Japanese names with their readings in full-width katakana (the form metadata.jp.kanaFamilyName /
/// kanaGivenName take; the Japan profiles forbid half-width katakana, oneroster.md §3.3). Readings are the usual ones;
/// real registers take the reading from the family, which is why the kana is stored, never derived.
/// </summary>
internal static class JapaneseNames
{
    public readonly record struct Name(string Kanji, string Kana);

    public static readonly Name[] Family =
    [
        new("佐藤", "サトウ"), new("鈴木", "スズキ"), new("高橋", "タカハシ"), new("田中", "タナカ"), new("伊藤", "イトウ"),
        new("渡辺", "ワタナベ"), new("山本", "ヤマモト"), new("中村", "ナカムラ"), new("小林", "コバヤシ"), new("加藤", "カトウ"),
        new("吉田", "ヨシダ"), new("山田", "ヤマダ"), new("佐々木", "ササキ"), new("山口", "ヤマグチ"), new("松本", "マツモト"),
        new("井上", "イノウエ"), new("木村", "キムラ"), new("林", "ハヤシ"), new("斎藤", "サイトウ"), new("清水", "シミズ"),
        new("山崎", "ヤマザキ"), new("森", "モリ"), new("池田", "イケダ"), new("橋本", "ハシモト"), new("阿部", "アベ"),
        new("石川", "イシカワ"), new("山下", "ヤマシタ"), new("中島", "ナカジマ"), new("石井", "イシイ"), new("小川", "オガワ"),
        new("前田", "マエダ"), new("岡田", "オカダ"), new("長谷川", "ハセガワ"), new("藤田", "フジタ"), new("後藤", "ゴトウ"),
        new("近藤", "コンドウ"), new("村上", "ムラカミ"), new("遠藤", "エンドウ"), new("青木", "アオキ"), new("坂本", "サカモト"),
        new("斉藤", "サイトウ"), new("福田", "フクダ"), new("太田", "オオタ"), new("西村", "ニシムラ"), new("藤井", "フジイ"),
        new("金子", "カネコ"), new("岡本", "オカモト"), new("藤原", "フジワラ"), new("中野", "ナカノ"), new("三浦", "ミウラ"),
        new("原田", "ハラダ"), new("中川", "ナカガワ"), new("松田", "マツダ"), new("竹内", "タケウチ"), new("小野", "オノ"),
        new("田村", "タムラ"), new("中山", "ナカヤマ"), new("和田", "ワダ"), new("石田", "イシダ"), new("森田", "モリタ"),
        new("上田", "ウエダ"), new("原", "ハラ"), new("内田", "ウチダ"), new("柴田", "シバタ"), new("酒井", "サカイ"),
        new("宮崎", "ミヤザキ"), new("横山", "ヨコヤマ"), new("高木", "タカギ"), new("安藤", "アンドウ"), new("宮本", "ミヤモト"),
    ];

    public static readonly Name[] Boys =
    [
        new("蓮", "レン"), new("陽翔", "ハルト"), new("湊", "ミナト"), new("蒼", "アオイ"), new("樹", "イツキ"),
        new("大和", "ヤマト"), new("悠真", "ユウマ"), new("陽太", "ヒナタ"), new("朝陽", "アサヒ"), new("律", "リツ"),
        new("結翔", "ユイト"), new("颯真", "ソウマ"), new("大翔", "ヒロト"), new("悠人", "ユウト"), new("奏太", "ソウタ"),
        new("陸", "リク"), new("新", "アラタ"), new("蒼空", "ソラ"), new("颯", "ハヤテ"), new("健太", "ケンタ"),
        new("翔太", "ショウタ"), new("拓海", "タクミ"), new("海斗", "カイト"), new("隼人", "ハヤト"), new("一輝", "カズキ"),
        new("大輝", "ダイキ"), new("晴", "ハル"), new("航", "ワタル"), new("瑛太", "エイタ"), new("碧", "アオイ"),
    ];

    public static readonly Name[] Girls =
    [
        new("陽葵", "ヒマリ"), new("凛", "リン"), new("詩", "ウタ"), new("結菜", "ユイナ"), new("杏", "アン"),
        new("芽依", "メイ"), new("紬", "ツムギ"), new("澪", "ミオ"), new("結愛", "ユア"), new("葵", "アオイ"),
        new("咲良", "サクラ"), new("莉子", "リコ"), new("美桜", "ミオ"), new("結衣", "ユイ"), new("花", "ハナ"),
        new("心春", "コハル"), new("陽菜", "ヒナ"), new("彩葉", "イロハ"), new("琴音", "コトネ"), new("美咲", "ミサキ"),
        new("愛莉", "アイリ"), new("楓", "カエデ"), new("真央", "マオ"), new("七海", "ナナミ"), new("日和", "ヒヨリ"),
        new("千尋", "チヒロ"), new("遥", "ハルカ"), new("菜々子", "ナナコ"), new("瑠奈", "ルナ"), new("美月", "ミヅキ"),
    ];

    public static readonly Name[] Men =
    [
        new("健一", "ケンイチ"), new("浩二", "コウジ"), new("大輔", "ダイスケ"), new("誠", "マコト"), new("直樹", "ナオキ"),
        new("哲也", "テツヤ"), new("亮", "リョウ"), new("達也", "タツヤ"), new("和也", "カズヤ"), new("剛", "ツヨシ"),
        new("修", "オサム"), new("隆", "タカシ"), new("拓也", "タクヤ"), new("聡", "サトシ"), new("智之", "トモユキ"),
        new("秀樹", "ヒデキ"), new("俊介", "シュンスケ"), new("雄一", "ユウイチ"), new("浩", "ヒロシ"), new("学", "マナブ"),
    ];

    public static readonly Name[] Women =
    [
        new("恵子", "ケイコ"), new("由美", "ユミ"), new("裕子", "ユウコ"), new("久美子", "クミコ"), new("直美", "ナオミ"),
        new("智子", "トモコ"), new("陽子", "ヨウコ"), new("真由美", "マユミ"), new("香織", "カオリ"), new("美穂", "ミホ"),
        new("恵", "メグミ"), new("明美", "アケミ"), new("さやか", "サヤカ"), new("麻衣", "マイ"), new("彩", "アヤ"),
        new("愛", "アイ"), new("綾香", "アヤカ"), new("舞", "マイ"), new("千春", "チハル"), new("理恵", "リエ"),
    ];

    /// <summary>Parts of school names (〇〇小学校) and of the names of further municipalities (〇〇市).</summary>
    public static readonly string[] PlacePrefixes =
    [
        "東", "西", "南", "北", "中央", "桜", "緑", "若葉", "青葉", "旭", "朝日", "富士見", "栄", "本町", "大和", "松原",
        "泉", "柳", "白鳥", "光", "城山", "川口", "平和", "梅田",
    ];

    public static readonly string[] PlaceSuffixes = ["", "台", "丘", "野", "川", "原", "田", "山", "浜", "が丘"];

    public static readonly string[] Municipalities =
    [
        "若葉", "桜川", "青葉台", "緑原", "白浜", "朝霧", "星野", "北山", "南野", "東郷", "西岡", "光ヶ丘", "水城", "花園",
        "松風", "月見", "高森", "深山", "楓", "雲雀", "鶴見", "亀岡", "藤沢", "菊池", "萩原", "梅里", "竹原", "柏木",
    ];

    /// <summary>A place name for index <paramref name="i"/>, unique for every index.</summary>
    public static string Place(int i)
    {
        var combinations = PlacePrefixes.Length * PlaceSuffixes.Length;
        var name = PlacePrefixes[i % PlacePrefixes.Length] + PlaceSuffixes[i / PlacePrefixes.Length % PlaceSuffixes.Length];
        return i < combinations ? name : name + "第" + (i / combinations + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A municipality name (without 市) for index <paramref name="i"/>, unique for every index.</summary>
    public static string Municipality(int i) =>
        i < Municipalities.Length
            ? Municipalities[i]
            : Municipalities[i % Municipalities.Length] + (i / Municipalities.Length + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
