using System.Globalization;
using System.Net;
using System.Text;

namespace Koumu.Interop.Conformance.Reports;

/// <summary>
/// A standalone HTML report a board can send to a vendor (issue #7 §3): Japanese by default with an English switch,
/// no external assets (inline CSS; the switch is two radio buttons and CSS, so it works where scripts are blocked, as in
/// many mail clients). Failures come first, each with the requirement, its source, the message, and the request and
/// response that show it. Every text from a provider is HTML-encoded: a hostile response body cannot script the report.
/// </summary>
public static class HtmlReport
{
    public static string Write(ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Summary;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E($"koumu-conformance {(s.Conformant ? "適合 / conformant" : "不適合 / not conformant")}")).Append("</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n</head>\n<body>\n")
            .Append("<input type=\"radio\" name=\"lang\" id=\"lang-ja\" checked><input type=\"radio\" name=\"lang\" id=\"lang-en\">\n")
            .Append("<nav class=\"switch\"><label for=\"lang-ja\">日本語</label><label for=\"lang-en\">English</label></nav>\n<main>\n");

        html.Append("<h1>").Append(L("OneRoster 適合性検査レポート", "OneRoster conformance report")).Append("</h1>\n");
        html.Append("<p class=\"verdict ").Append(s.Conformant ? "ok" : "ng").Append("\" id=\"verdict\">")
            .Append(s.Conformant
                ? L("適合: 必須（MUST）の検査項目はすべて合格しました。", "Conformant: every MUST assertion passed.")
                : L($"不適合: 必須（MUST）の検査項目 {s.MustFailed} 件が不合格です。", $"Not conformant: {s.MustFailed} MUST assertions failed."))
            .Append("</p>\n");
        html.Append("<table class=\"summary\"><tr>")
            .Append("<th>").Append(L("検査項目", "Assertions")).Append("</th><th>").Append(L("合格", "Passed")).Append("</th><th>")
            .Append(L("不合格", "Failed")).Append("</th><th>").Append(L("うち必須", "of which MUST")).Append("</th><th>")
            .Append(L("うち推奨", "of which SHOULD")).Append("</th><th>").Append(L("スキップ", "Skipped")).Append("</th></tr><tr>")
            .Append(CultureInfo.InvariantCulture, $"<td>{s.Total}</td><td>{s.Passed}</td><td class=\"ng\">{s.Failed}</td><td>{s.MustFailed}</td><td>{s.ShouldFailed}</td><td>{s.Skipped}</td>")
            .Append("</tr></table>\n");

        html.Append("<h2>").Append(L("検査対象", "Tested")).Append("</h2>\n<dl class=\"targets\">");
        foreach (var t in report.Targets)
        {
            html.Append("<dt>").Append(E(t.Target)).Append("</dt><dd><code>").Append(E(t.Location)).Append("</code>");
            foreach (var (k, v) in t.Settings.Where(kv => kv.Value.Length > 0)) html.Append("<br>").Append(E(k)).Append(": <code>").Append(E(v)).Append("</code>");
            html.Append("</dd>");
        }
        html.Append("</dl>\n<p class=\"meta\">")
            .Append(E($"koumu-conformance {report.ToolVersion} · {report.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC – {report.FinishedAt.UtcDateTime:HH:mm:ss} UTC"))
            .Append("</p>\n");

        var failures = report.Results.Where(r => r.Outcome == Outcome.Failed)
            .OrderBy(r => r.Assertion.Level).ToList();
        html.Append("<h2 id=\"failures\">").Append(L($"不合格の項目（{failures.Count} 件）", $"Failures ({failures.Count})")).Append("</h2>\n");
        if (failures.Count == 0) html.Append("<p>").Append(L("不合格の項目はありません。", "No assertion failed.")).Append("</p>\n");
        foreach (var r in failures) Result(html, r, open: true);

        html.Append("<h2>").Append(L("全項目", "All assertions")).Append("</h2>\n<table class=\"all\"><thead><tr><th>ID</th><th>")
            .Append(L("区分", "Section")).Append("</th><th>").Append(L("水準", "Level")).Append("</th><th>").Append(L("結果", "Result"))
            .Append("</th><th>").Append(L("内容", "Requirement")).Append("</th></tr></thead><tbody>\n");
        foreach (var r in report.Results)
        {
            var a = r.Assertion;
            html.Append("<tr class=\"").Append(Css(r.Outcome)).Append("\"><td><a href=\"#").Append(E(a.Id)).Append("\"><code>").Append(E(a.Id)).Append("</code></a></td><td>")
                .Append(E(a.Section)).Append("</td><td>").Append(Level(a.Level)).Append("</td><td>").Append(Badge(r.Outcome)).Append("</td><td>")
                .Append(L(E(a.DescriptionJa), E(a.DescriptionEn)));
            if (r.Outcome == Outcome.Skipped && r.Message is not null) html.Append("<div class=\"reason\">").Append(E(r.Message)).Append("</div>");
            html.Append("</td></tr>\n");
        }
        html.Append("</tbody></table>\n");

        html.Append("<h2>").Append(L("詳細", "Details")).Append("</h2>\n");
        foreach (var r in report.Results.Where(r => r.Outcome != Outcome.Failed)) Result(html, r, open: false);

        html.Append("<footer>").Append(L(
            "本レポートに認証情報（クライアントシークレット・アクセストークン・パスワード）は含まれません。レスポンス本文は一部省略されている場合があります。技術的なメッセージは英語です。",
            "This report holds no credentials (client secret, access tokens, passwords are masked). Response bodies may be truncated."))
            .Append("</footer>\n</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Result(StringBuilder html, AssertionResult r, bool open)
    {
        var a = r.Assertion;
        html.Append("<section class=\"result ").Append(Css(r.Outcome)).Append("\" id=\"").Append(E(a.Id)).Append("\">\n")
            .Append("<h3>").Append(Badge(r.Outcome)).Append(' ').Append(Level(a.Level)).Append(" <code>").Append(E(a.Id)).Append("</code> ")
            .Append(L(E(a.DescriptionJa), E(a.DescriptionEn))).Append("</h3>\n")
            .Append("<p class=\"spec\"><span class=\"label\">").Append(L("仕様", "Specification")).Append("</span> ").Append(E(a.Reference)).Append("</p>\n");
        if (r.Message is not null) html.Append("<p class=\"message\">").Append(E(r.Message)).Append("</p>\n");
        if (r.Details.Count > 0)
        {
            html.Append("<ul class=\"details\">");
            foreach (var d in r.Details) html.Append("<li>").Append(E(d)).Append("</li>");
            html.Append("</ul>\n");
        }
        foreach (var e in r.Exchanges)
        {
            html.Append("<details class=\"exchange\"").Append(open ? " open" : "").Append("><summary>").Append(E($"{e.Method} {e.Url}"))
                .Append(" → ").Append(E(e.Status?.ToString(CultureInfo.InvariantCulture) ?? e.Error ?? "")).Append("</summary>\n")
                .Append("<div class=\"label\">").Append(L("リクエスト", "Request")).Append("</div><pre>").Append(E($"{e.Method} {e.Url}"));
            foreach (var h in e.RequestHeaders) html.Append('\n').Append(E(h));
            if (e.RequestBody is { Length: > 0 } rb) html.Append("\n\n").Append(E(rb));
            html.Append("</pre>\n<div class=\"label\">").Append(L("レスポンス", "Response")).Append("</div><pre>")
                .Append(E(e.Status is { } st ? "HTTP " + st.ToString(CultureInfo.InvariantCulture) : "no response: " + e.Error));
            foreach (var h in e.ResponseHeaders) html.Append('\n').Append(E(h));
            if (e.ResponseBody is { Length: > 0 } body) html.Append("\n\n").Append(E(body));
            html.Append("</pre>\n</details>\n");
        }
        html.Append("</section>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Japanese and English variants of one text; CSS shows the chosen language. Both are already encoded.</summary>
    private static string L(string ja, string en) => $"<span class=\"ja\">{ja}</span><span class=\"en\" lang=\"en\">{en}</span>";

    private static string Badge(Outcome outcome) => outcome switch
    {
        Outcome.Passed => "<span class=\"badge pass\">" + L("合格", "PASS") + "</span>",
        Outcome.Failed => "<span class=\"badge fail\">" + L("不合格", "FAIL") + "</span>",
        _ => "<span class=\"badge skip\">" + L("スキップ", "SKIP") + "</span>",
    };

    private static string Level(AssertionLevel level) => level == AssertionLevel.Must
        ? "<span class=\"level must\">" + L("必須 MUST", "MUST") + "</span>"
        : "<span class=\"level should\">" + L("推奨 SHOULD", "SHOULD") + "</span>";

    private static string Css(Outcome outcome) => outcome switch { Outcome.Passed => "passed", Outcome.Failed => "failed", _ => "skipped" };

    private const string Style = """
        :root { color-scheme: light; --ng: #b3261e; --ok: #1e6b33; --skip: #6b6b6b; }
        body { font-family: "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic", "Meiryo", "IPAPGothic", "IPAGothic", system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fafafa; line-height: 1.6; }
        main { max-width: 1100px; margin: 0 auto; padding: 1rem 1.5rem 3rem; background: #fff; }
        input[name=lang] { position: absolute; opacity: 0; pointer-events: none; }
        #lang-ja:checked ~ main .en, #lang-en:checked ~ main .ja { display: none; }
        #lang-ja:checked ~ nav label[for=lang-ja], #lang-en:checked ~ nav label[for=lang-en] { background: #1b1b1b; color: #fff; }
        nav.switch { position: sticky; top: 0; text-align: right; padding: .4rem 1.5rem; background: #eee; border-bottom: 1px solid #ccc; z-index: 1; }
        nav.switch label { cursor: pointer; padding: .15rem .6rem; border: 1px solid #1b1b1b; margin-left: .3rem; border-radius: 3px; }
        h1 { font-size: 1.6rem; margin: .8rem 0; }
        h2 { font-size: 1.25rem; border-bottom: 2px solid #1b1b1b; margin-top: 2rem; }
        h3 { font-size: 1rem; margin: 0 0 .4rem; }
        .verdict { font-size: 1.2rem; font-weight: bold; padding: .8rem 1rem; border-radius: 4px; }
        .verdict.ok { background: #e3f3e6; color: var(--ok); border: 1px solid var(--ok); }
        .verdict.ng { background: #fbe9e7; color: var(--ng); border: 1px solid var(--ng); }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
        th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; }
        th { background: #f0f0f0; }
        table.summary td { font-size: 1.2rem; text-align: center; }
        td.ng { color: var(--ng); font-weight: bold; }
        tr.failed { background: #fff4f2; }
        tr.skipped { color: var(--skip); }
        .badge, .level { display: inline-block; font-size: .8rem; font-weight: bold; padding: 0 .45rem; border-radius: 3px; white-space: nowrap; }
        .badge.pass { background: var(--ok); color: #fff; }
        .badge.fail { background: var(--ng); color: #fff; }
        .badge.skip { background: var(--skip); color: #fff; }
        .level.must { border: 1px solid var(--ng); color: var(--ng); }
        .level.should { border: 1px solid #8a5a00; color: #8a5a00; }
        section.result { border: 1px solid #ddd; border-left: 6px solid var(--skip); padding: .6rem .9rem; margin: .8rem 0; }
        section.result.failed { border-left-color: var(--ng); }
        section.result.passed { border-left-color: var(--ok); }
        .spec { font-size: .9rem; color: #333; margin: .2rem 0; }
        .label { font-weight: bold; font-size: .85rem; margin-right: .4rem; }
        .message { font-weight: bold; margin: .3rem 0; }
        .reason { font-size: .85rem; color: var(--skip); }
        ul.details { font-family: ui-monospace, "SFMono-Regular", Consolas, monospace; font-size: .82rem; margin: .3rem 0; }
        pre { background: #f6f6f6; border: 1px solid #ddd; padding: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; font-size: .8rem; max-height: 28rem; }
        details.exchange summary { cursor: pointer; font-family: ui-monospace, Consolas, monospace; font-size: .85rem; }
        dl.targets dt { font-weight: bold; }
        .meta, footer { font-size: .85rem; color: #555; }
        footer { margin-top: 2rem; border-top: 1px solid #ccc; padding-top: .5rem; }
        @media print { nav.switch { display: none; } pre { max-height: none; } }
        """;
}
