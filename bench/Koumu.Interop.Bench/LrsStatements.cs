using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Koumu.Interop.Bench;

/// <summary>
/// Realistic, distinct xAPI 1.0.3 Statements of a drill app for the LRS benchmark: the actor is a roster pupil (an
/// account with the hub's homePage and the pupil's sourcedId, so every Statement is linked), six verbs, 5 subjects ×
/// 6 grades × 8 units × 10 questions = 2,400 Activities with Japanese names, a result with score/success/duration, and a
/// context with a registration, the platform, the language and parent (unit) / grouping (course) Activities.
/// </summary>
public sealed class LrsStatements(string homePage, IReadOnlyList<string> pupils)
{
    public const int Activities = 2400;

    private static readonly (string Id, string Ja, string En)[] Verbs =
    [
        ("http://adlnet.gov/expapi/verbs/answered", "回答した", "answered"),
        ("http://adlnet.gov/expapi/verbs/attempted", "取り組んだ", "attempted"),
        ("http://adlnet.gov/expapi/verbs/completed", "完了した", "completed"),
        ("http://adlnet.gov/expapi/verbs/passed", "合格した", "passed"),
        ("http://adlnet.gov/expapi/verbs/failed", "不合格だった", "failed"),
        ("http://adlnet.gov/expapi/verbs/experienced", "閲覧した", "experienced"),
    ];

    private static readonly (string Code, string Name)[] Subjects = [("kokugo", "国語"), ("sansu", "算数"), ("rika", "理科"), ("shakai", "社会"), ("eigo", "英語")];

    private const string App = "https://drill.example.jp";

    public IReadOnlyList<string> Pupils => pupils;

    /// <summary>The id of Activity <paramref name="n"/> (0 ≤ n &lt; <see cref="Activities"/>).</summary>
    public static string ActivityId(int n)
    {
        var (subject, grade, unit, question) = Parts(n);
        return string.Create(CultureInfo.InvariantCulture, $"{App}/activities/{Subjects[subject].Code}/g{grade}/u{unit}/q{question}");
    }

    private static (int Subject, int Grade, int Unit, int Question) Parts(int n) => (n % 5, n / 5 % 6 + 1, n / 30 % 8 + 1, n / 240 % 10 + 1);

    /// <summary>The JSON of a new Statement by a random pupil (its id a random UUID), timestamped <paramref name="timestamp"/> in JST.</summary>
    public string Next(Random random, DateTimeOffset timestamp) => Next(random, pupils[random.Next(pupils.Count)], timestamp);

    public string Next(Random random, string pupil, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(random);
        var activity = random.Next(Activities);
        var (subject, grade, unit, question) = Parts(activity);
        var verb = Verbs[random.Next(Verbs.Length)];
        var id = Uuid(random);
        var registration = Uuid(random);
        var raw = random.Next(11);

        using var buffer = new MemoryStream(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("id", id.ToString("D"));
            w.WriteStartObject("actor");
            w.WriteString("objectType", "Agent");
            w.WriteStartObject("account");
            w.WriteString("homePage", homePage);
            w.WriteString("name", pupil);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("verb");
            w.WriteString("id", verb.Id);
            w.WriteStartObject("display");
            w.WriteString("ja-JP", verb.Ja);
            w.WriteString("en-US", verb.En);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("object");
            w.WriteString("objectType", "Activity");
            w.WriteString("id", ActivityId(activity));
            w.WriteStartObject("definition");
            w.WriteStartObject("name");
            w.WriteString("ja-JP", string.Create(CultureInfo.InvariantCulture, $"{Subjects[subject].Name} {grade}年 単元{unit} 問{question}"));
            w.WriteEndObject();
            w.WriteString("type", "http://adlnet.gov/expapi/activities/cmi.interaction");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("result");
            w.WriteStartObject("score");
            w.WriteNumber("scaled", raw / 10.0);
            w.WriteNumber("raw", raw);
            w.WriteNumber("min", 0);
            w.WriteNumber("max", 10);
            w.WriteEndObject();
            w.WriteBoolean("success", raw >= 6);
            w.WriteBoolean("completion", true);
            w.WriteString("duration", string.Create(CultureInfo.InvariantCulture, $"PT{random.Next(5, 600)}S"));
            w.WriteEndObject();
            w.WriteStartObject("context");
            w.WriteString("registration", registration.ToString("D"));
            w.WriteString("platform", "Koumu LRS benchmark drill");
            w.WriteString("language", "ja-JP");
            w.WriteStartObject("contextActivities");
            w.WriteStartArray("parent");
            w.WriteStartObject();
            w.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"{App}/units/{Subjects[subject].Code}/g{grade}/u{unit}"));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartArray("grouping");
            w.WriteStartObject();
            w.WriteString("id", string.Create(CultureInfo.InvariantCulture, $"{App}/courses/{Subjects[subject].Code}/g{grade}"));
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("timestamp", timestamp.ToOffset(TimeSpan.FromHours(9)).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A random (version 4, RFC 9562 §5.4) UUID from <paramref name="random"/>.</summary>
    private static Guid Uuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>A JSON array of <paramref name="count"/> new Statements.</summary>
    public string Batch(Random random, int count, DateTimeOffset timestamp)
    {
        var sb = new StringBuilder(count * 1100).Append('[');
        for (var i = 0; i < count; i++) sb.Append(i == 0 ? "" : ",").Append(Next(random, timestamp));
        return sb.Append(']').ToString();
    }
}
