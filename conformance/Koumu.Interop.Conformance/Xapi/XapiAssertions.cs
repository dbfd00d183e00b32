namespace Koumu.Interop.Conformance.Xapi;

/// <summary>The xAPI versions the LRS target speaks (C §1.4 of 1.0.3; IEEE 9274.1.1 for 2.0).</summary>
public enum XapiVersion
{
    V103,
    V200,
}

public static class XapiVersions
{
    /// <summary>The X-Experience-API-Version header value the tool sends.</summary>
    public static string Header(this XapiVersion version) => version == XapiVersion.V103 ? "1.0.3" : "2.0.0";

    public static XapiVersion? Parse(string text) => text switch
    {
        "1.0.3" or "1.0" => XapiVersion.V103,
        "2.0.0" or "2.0" => XapiVersion.V200,
        _ => null,
    };
}

/// <summary>
/// One xAPI requirement: its definition (id, section, 1.0.3 level), the level under 2.0 (IEEE 9274.1.1 turned many
/// SHOULD* into SHALL; xapi.md §2) and whether it applies to 2.0 at all.
/// </summary>
internal sealed record XapiRequirement(AssertionDefinition Definition, AssertionLevel? LevelV103, AssertionLevel? LevelV200)
{
    public AssertionLevel? Level(XapiVersion version) => version == XapiVersion.V103 ? LevelV103 : LevelV200;
}

/// <summary>
/// The assertion catalogue of the xAPI LRS target. Sources (shared/reference/xapi.md): C = xAPI 1.0.3
/// Communication (xAPI-Communication.md), D = xAPI 1.0.3 Data (xAPI-Data.md); 2.0 = IEEE Std 9274.1.1-2023 as the ADL
/// suite's 2.0.0 battery tests it. An assertion's id is the same for both versions; a run's results carry the version
/// as a suffix (<c>XAPI-STMT-POST-001@2.0.0</c>) so that a report of both versions names each result once.
/// </summary>
public static class XapiAssertions
{
    private const string T = ConformanceTargets.XapiLrs;
    private static readonly List<XapiRequirement> Requirements = [];

    private static AssertionDefinition Add(string id, string section, AssertionLevel? level, AssertionLevel? level2, string reference, string en, string ja)
    {
        var definition = new AssertionDefinition(id, T, section, level ?? level2!.Value, reference, en, ja);
        Requirements.Add(new XapiRequirement(definition, level, level2));
        return definition;
    }

    private static AssertionDefinition Must(string id, string section, string reference, string en, string ja) =>
        Add(id, section, AssertionLevel.Must, AssertionLevel.Must, reference, en, ja);

    private static AssertionDefinition Should(string id, string section, string reference, string en, string ja) =>
        Add(id, section, AssertionLevel.Should, AssertionLevel.Should, reference, en, ja);

    /// <summary>SHOULD* in 1.0.3, a SHALL (MUST) in 2.0.</summary>
    private static AssertionDefinition ShouldThenMust(string id, string section, string reference, string en, string ja) =>
        Add(id, section, AssertionLevel.Should, AssertionLevel.Must, reference, en, ja);

    // ---- about -------------------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition AboutVersions = Must("XAPI-ABOUT-001", "about", "C §2.8 (About resource: version array)",
        "GET about answers 200 with a JSON object whose version array lists the tested version.",
        "GET about は 200 を返し、JSON オブジェクトの version 配列に試験対象のバージョンが含まれること。");
    public static readonly AssertionDefinition AboutWithoutVersionHeader = Must("XAPI-ABOUT-002", "about", "C §2.8, C §1.4 (About is exempt from the version header)",
        "GET about without X-Experience-API-Version is not rejected (200).",
        "X-Experience-API-Version ヘッダーのない GET about が拒否されないこと（200）。");
    public static readonly AssertionDefinition AboutWithoutAuth = Should("XAPI-ABOUT-003", "about", "C §2.8 (\"the LRS SHOULD NOT require authentication\" for About)",
        "GET about without credentials answers 200.",
        "認証情報のない GET about が 200 を返すこと。");

    // ---- version, auth ---------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition VersionRequired = Must("XAPI-VER-001", "version", "C §1.4 (requests without X-Experience-API-Version are rejected with 400)",
        "A Statement request without X-Experience-API-Version is rejected with 400.",
        "X-Experience-API-Version ヘッダーのない Statement リクエストは 400 で拒否されること。");
    public static readonly AssertionDefinition VersionEchoed = Must("XAPI-VER-002", "version", "C §1.4 (every response carries X-Experience-API-Version)",
        "Every response of the LRS carries X-Experience-API-Version, of the requested major.minor version when the request named a supported one.",
        "LRS のすべての応答に X-Experience-API-Version があり、対応バージョンを要求したときはその major.minor であること。");
    public static readonly AssertionDefinition VersionUnsupported = Must("XAPI-VER-003", "version", "C §1.4; 2.0 Communication 3.3 (reject versions the LRS does not implement)",
        "A request naming an unsupported version (0.9.5, 3.0.0) is rejected with 400.",
        "未対応のバージョン（0.9.5、3.0.0）を指定したリクエストは 400 で拒否されること。");
    public static readonly AssertionDefinition VersionShortForm = Must("XAPI-VER-004", "version", "C §1.4 (1.0 counts as 1.0.0, any 1.0.x is accepted); 2.0: \"2.0\" and 2.0.x accepted",
        "A request with the short form (1.0 / 2.0) or another patch of the version (1.0.0 / 2.0.0) is accepted.",
        "短縮形（1.0／2.0）や別パッチ（1.0.0／2.0.0）のバージョン指定が受け付けられること。");
    public static readonly AssertionDefinition AuthRequired = Must("XAPI-AUTH-001", "auth", "C §4 (authentication), C §3.2 (401)",
        "A Statement request without credentials is refused with 401.",
        "認証情報のない Statement リクエストは 401 で拒否されること。");
    public static readonly AssertionDefinition AuthWrongCredentials = Must("XAPI-AUTH-002", "auth", "C §4, C §3.2 (401)",
        "A Statement request with wrong Basic credentials is refused with 401.",
        "誤った Basic 認証情報の Statement リクエストは 401 で拒否されること。");

    // ---- statements: writing ---------------------------------------------------------------------------------------
    public static readonly AssertionDefinition PutStores = Must("XAPI-STMT-PUT-001", "statements", "C §2.1.1 (PUT Statements: 204 No Content)",
        "PUT statements?statementId= with a new valid Statement answers 204, and the Statement can be read back.",
        "新しい妥当な Statement の PUT statements?statementId= は 204 を返し、読み戻せること。");
    public static readonly AssertionDefinition PutNeedsId = Must("XAPI-STMT-PUT-002", "statements", "C §2.1.1 (statementId parameter required), C §3.2",
        "PUT statements without statementId is rejected with 400.",
        "statementId のない PUT statements は 400 で拒否されること。");
    public static readonly AssertionDefinition PutIdMismatch = Must("XAPI-STMT-PUT-003", "statements", "C §2.1.1 (the Statement's id must equal statementId), C §3.2",
        "PUT whose body has an id different from statementId is rejected with 400.",
        "本文の id が statementId と異なる PUT は 400 で拒否されること。");
    public static readonly AssertionDefinition ConflictUnchanged = Must("XAPI-STMT-CONFLICT-001", "statements", "C §2.1.1 (\"MUST NOT make any modifications to its state\" for a known statementId)",
        "A different Statement sent with an id the LRS already has changes nothing: the stored Statement stays as it was.",
        "既存の id で異なる Statement を送っても何も変わらず、保存済みの Statement がそのままであること。");
    public static readonly AssertionDefinition PutConflict409 = Should("XAPI-STMT-CONFLICT-002", "statements", "C §2.1.1 (SHOULD return 409 Conflict when the Statements differ)",
        "PUT of a different Statement with an existing id answers 409.",
        "既存の id で異なる Statement を PUT すると 409 を返すこと。");
    public static readonly AssertionDefinition PostConflict409 = Should("XAPI-STMT-CONFLICT-003", "statements", "C §2.1.2 (as PUT: 409 for a known id with a different Statement)",
        "POST of a different Statement with an existing id answers 409.",
        "既存の id で異なる Statement を POST すると 409 を返すこと。");
    public static readonly AssertionDefinition PostSingle = Must("XAPI-STMT-POST-001", "statements", "C §2.1.2 (POST Statements: 200 with the array of ids)",
        "POST of one Statement without an id answers 200 with an array holding one UUID.",
        "id のない Statement 1件の POST は、UUID を1つ含む配列と 200 を返すこと。");
    public static readonly AssertionDefinition PostBatchOrder = Must("XAPI-STMT-POST-002", "statements", "C §2.1.2 (ids \"in the same order as the Statements\")",
        "POST of an array answers 200 with the ids in the order of the Statements, a given id kept as sent.",
        "配列の POST は、Statement と同じ順序の id 配列と 200 を返し、指定された id はそのままであること。");
    public static readonly AssertionDefinition BatchAtomic = Must("XAPI-STMT-POST-003", "statements", "C §3.2 (a batch with an invalid Statement is rejected whole), D §2.2",
        "A batch with one invalid Statement is rejected with 400 and none of its valid Statements is stored.",
        "不正な Statement を1件含むバッチは 400 で拒否され、他の妥当な Statement も保存されないこと。");
    public static readonly AssertionDefinition BatchDuplicateId = Should("XAPI-STMT-POST-004", "statements", "C §2.1.2 (a batch with the same id twice SHOULD be rejected with 400)",
        "A batch holding the same id twice is rejected with 400.",
        "同じ id を2回含むバッチは 400 で拒否されること。");

    // ---- statements: reading ---------------------------------------------------------------------------------------
    public static readonly AssertionDefinition GetById = Must("XAPI-STMT-GET-001", "statements", "C §2.1.3 (GET with statementId returns that Statement)",
        "GET statements?statementId= returns that Statement (same id, actor, verb and object).",
        "GET statements?statementId= がその Statement（同じ id・actor・verb・object）を返すこと。");
    public static readonly AssertionDefinition GetUnknown404 = Must("XAPI-STMT-GET-002", "statements", "C §3.2 (404 Not Found)",
        "GET of an unknown statementId answers 404.",
        "存在しない statementId の GET は 404 を返すこと。");
    public static readonly AssertionDefinition GetParamConflict = Must("XAPI-STMT-GET-003", "statements", "C §2.1.3 (statementId/voidedStatementId with each other or with filters: 400)",
        "statementId with voidedStatementId, or statementId with a filter such as verb, is rejected with 400.",
        "statementId と voidedStatementId の併用、または statementId と verb 等のフィルターの併用は 400 で拒否されること。");
    public static readonly AssertionDefinition GetUnknownParam = Must("XAPI-STMT-GET-004", "statements", "C §3.2 (parameters not allowed for the resource: 400)",
        "A GET with an unknown query parameter is rejected with 400.",
        "未知のクエリパラメーターを含む GET は 400 で拒否されること。");
    public static readonly AssertionDefinition StatementResultShape = Must("XAPI-STMT-GET-005", "statements", "C §2.1.3, D §2.5 (StatementResult: statements array, more)",
        "GET without statementId returns a StatementResult: a statements array and a more string.",
        "statementId なしの GET は StatementResult（statements 配列と more 文字列）を返すこと。");
    public static readonly AssertionDefinition HeadLikeGet = Must("XAPI-STMT-HEAD-001", "statements", "C §1.1 (HEAD: as GET, without a body)",
        "HEAD statements answers the status and headers of the same GET, with no body.",
        "HEAD statements は同じ GET と同じステータスとヘッダーを返し、本文を返さないこと。");
    public static readonly AssertionDefinition ConsistentThrough = Must("XAPI-STMT-CONSISTENT-001", "statements", "C §2.1.3 (X-Experience-API-Consistent-Through on all Statement responses)",
        "Every response of the Statement resource carries X-Experience-API-Consistent-Through, an ISO 8601 timestamp.",
        "Statement リソースのすべての応答に ISO 8601 形式の X-Experience-API-Consistent-Through があること。");
    public static readonly AssertionDefinition LastModified = ShouldThenMust("XAPI-STMT-LASTMOD-001", "statements", "C §2.1.3 (1.0.3 SHOULD*); 2.0 Statement resource (Last-Modified matches stored)",
        "GET of a single Statement carries Last-Modified equal (to the second) to its stored.",
        "単一 Statement の GET に、stored と（秒単位で）一致する Last-Modified があること。");
    public static readonly AssertionDefinition UnknownMethod = Must("XAPI-STMT-METHOD-001", "statements", "C §2.1 (the Statement resource has PUT, POST, GET, HEAD), C §3.2",
        "DELETE statements is refused with a 4xx status, and nothing is deleted.",
        "DELETE statements は 4xx で拒否され、何も削除されないこと。");

    // ---- LRS-set properties (D §2.4) ---------------------------------------------------------------------------------
    public static readonly AssertionDefinition IdAssigned = Must("XAPI-DATA-ID-001", "data", "D §2.4.1 (the LRS sets id when absent: a UUID)",
        "A Statement stored without id is returned with the UUID id the LRS assigned.",
        "id なしで保存した Statement は、LRS が付与した UUID の id 付きで返ること。");
    public static readonly AssertionDefinition StoredSet = Must("XAPI-DATA-STORED-001", "data", "D §2.4.8 (stored is set by the LRS; a sent value is overwritten)",
        "stored is set by the LRS to the time it stored the Statement, overwriting a stored the client sent.",
        "stored は LRS が保存時刻に設定し、クライアントが送った stored は上書きされること。");
    public static readonly AssertionDefinition AuthorityPresent = Must("XAPI-DATA-AUTHORITY-001", "data", "D §2.4.9 (the LRS sets authority from the credentials)",
        "Every returned Statement has an authority (an Agent or a Group) set by the LRS.",
        "返されるすべての Statement に LRS が設定した authority（Agent または Group）があること。");
    public static readonly AssertionDefinition AuthorityOverwritten = Should("XAPI-DATA-AUTHORITY-002", "data", "D §2.4.9 (the LRS SHOULD overwrite the authority based on the credentials)",
        "An authority sent by the client is replaced by the one of the credentials used.",
        "クライアントが送った authority は、使用した認証情報の authority に置き換えられること。");
    public static readonly AssertionDefinition TimestampDefaults = Should("XAPI-DATA-TIMESTAMP-001", "data", "D §2.4.7 (if not provided, the LRS SHOULD set timestamp to stored)",
        "A Statement stored without timestamp is returned with timestamp equal to stored.",
        "timestamp なしで保存した Statement は、stored と等しい timestamp 付きで返ること。");
    public static readonly AssertionDefinition TimestampPrecision = Must("XAPI-DATA-TIMESTAMP-002", "data", "D §4.5 (timestamps kept to at least millisecond precision), D §2.4.7",
        "A timestamp sent with milliseconds and a time zone offset is returned as the same instant, to the millisecond.",
        "ミリ秒とタイムゾーンオフセット付きで送った timestamp が、ミリ秒まで同じ時刻として返ること。");
    public static readonly AssertionDefinition VersionProperty = Must("XAPI-DATA-VERSION-001", "data", "D §2.4.10 (version kept as received; set when absent)",
        "A Statement's version is returned as sent, and a Statement sent without one is returned with a version of the tested major.minor.",
        "Statement の version は送った値のまま返り、version なしで送った Statement には試験対象の major.minor の version が付くこと。");
    public static readonly AssertionDefinition ContextActivitiesArrays = Must("XAPI-DATA-CONTEXT-001", "data", "D §2.4.6.2 (contextActivities are returned as arrays, even when sent as one object)",
        "A contextActivities value sent as a single Activity object is returned as an array of it.",
        "単一の Activity オブジェクトとして送った contextActivities の値が、それを含む配列として返ること。");

    // ---- queries (C §2.1.3) ----------------------------------------------------------------------------------------
    public static readonly AssertionDefinition FilterAgent = Must("XAPI-QUERY-AGENT-001", "query", "C §2.1.3 (agent: actor or object is the Agent)",
        "The agent filter returns exactly the Statements whose actor or object is that Agent.",
        "agent フィルターが、actor または object がその Agent である Statement をちょうど返すこと。");
    public static readonly AssertionDefinition FilterVerb = Must("XAPI-QUERY-VERB-001", "query", "C §2.1.3 (verb)",
        "The verb filter returns exactly the Statements with that verb id.",
        "verb フィルターが、その verb id の Statement をちょうど返すこと。");
    public static readonly AssertionDefinition FilterActivity = Must("XAPI-QUERY-ACTIVITY-001", "query", "C §2.1.3 (activity: the object is that Activity)",
        "The activity filter returns exactly the Statements whose object is that Activity (not those where it is only in context).",
        "activity フィルターが、object がその Activity である Statement をちょうど返すこと（context にのみある場合は含まない）。");
    public static readonly AssertionDefinition FilterRegistration = Must("XAPI-QUERY-REGISTRATION-001", "query", "C §2.1.3 (registration)",
        "The registration filter returns exactly the Statements of that registration.",
        "registration フィルターが、その registration の Statement をちょうど返すこと。");
    public static readonly AssertionDefinition RelatedActivities = Must("XAPI-QUERY-RELATED-001", "query", "C §2.1.3 (related_activities=true: also context Activities)",
        "activity with related_activities=true also returns the Statements that have the Activity in contextActivities.",
        "related_activities=true の activity フィルターが、contextActivities にその Activity を持つ Statement も返すこと。");
    public static readonly AssertionDefinition RelatedAgents = Must("XAPI-QUERY-RELATED-002", "query", "C §2.1.3 (related_agents=true: also context instructor/team, authority)",
        "agent with related_agents=true also returns the Statements that have the Agent as context instructor.",
        "related_agents=true の agent フィルターが、その Agent を context の instructor に持つ Statement も返すこと。");
    public static readonly AssertionDefinition FilterSince = Must("XAPI-QUERY-SINCE-001", "query", "C §2.1.3 (since: stored strictly after)",
        "since returns only the Statements stored strictly after the given time.",
        "since が、指定時刻より後（同時刻を含まない）に保存された Statement のみを返すこと。");
    public static readonly AssertionDefinition FilterUntil = Must("XAPI-QUERY-UNTIL-001", "query", "C §2.1.3 (until: stored at or before)",
        "until returns only the Statements stored at or before the given time.",
        "until が、指定時刻以前（同時刻を含む）に保存された Statement のみを返すこと。");
    public static readonly AssertionDefinition OrderDescending = Must("XAPI-QUERY-ORDER-001", "query", "C §2.1.3 (results are ordered by stored, newest first)",
        "Query results are ordered by stored, newest first.",
        "検索結果が stored の新しい順であること。");
    public static readonly AssertionDefinition OrderAscending = Must("XAPI-QUERY-ORDER-002", "query", "C §2.1.3 (ascending=true: oldest first)",
        "ascending=true orders the results by stored, oldest first.",
        "ascending=true で検索結果が stored の古い順になること。");
    public static readonly AssertionDefinition LimitHonoured = Must("XAPI-QUERY-LIMIT-001", "query", "C §2.1.3 (limit: at most that many Statements)",
        "limit=n returns at most n Statements, and a non-empty more while others remain.",
        "limit=n で最大 n 件が返り、残りがあるときは more が空でないこと。");
    public static readonly AssertionDefinition MoreVisitsEachOnce = Must("XAPI-QUERY-MORE-001", "query", "C §2.1.3, D §2.5 (more: fetch the next page; empty at the end)",
        "Following more from the first page visits every matching Statement exactly once and ends with an empty more.",
        "先頭ページから more をたどると、条件に合う Statement をちょうど1回ずつ取得し、最後は more が空になること。");
    public static readonly AssertionDefinition MoreRelative = Must("XAPI-QUERY-MORE-002", "query", "D §2.5 (more: a relative IRL, path and query, no scheme or host)",
        "more is empty or a relative IRL (no scheme or host) that the LRS resolves against its own origin.",
        "more は空文字列か、スキームやホストを含まない相対 IRL であること。");
    public static readonly AssertionDefinition EmptyResult = Must("XAPI-QUERY-EMPTY-001", "query", "C §2.1.3 (no match: 200, statements [], more \"\")",
        "A query matching nothing answers 200 with an empty statements array and an empty more.",
        "該当がない検索は、空の statements 配列と空の more で 200 を返すこと。");

    // ---- voiding (D §2.3.2, C §2.1.4) ------------------------------------------------------------------------------
    public static readonly AssertionDefinition VoidedNotById = Must("XAPI-VOID-001", "voiding", "C §2.1.4 (a voided Statement is not returned for statementId: 404)",
        "GET statementId of a voided Statement answers 404.",
        "取り消された Statement を statementId で GET すると 404 を返すこと。");
    public static readonly AssertionDefinition VoidedById = Must("XAPI-VOID-002", "voiding", "C §2.1.4 (voidedStatementId returns the voided Statement)",
        "GET voidedStatementId returns the voided Statement.",
        "GET voidedStatementId が取り消された Statement を返すこと。");
    public static readonly AssertionDefinition VoidedNotInQueries = Must("XAPI-VOID-003", "voiding", "C §2.1.4 (voided Statements are never returned by queries)",
        "A query never returns a voided Statement.",
        "検索結果に取り消された Statement が含まれないこと。");
    public static readonly AssertionDefinition VoidingVisible = Must("XAPI-VOID-004", "voiding", "D §2.3.2, C §2.1.4 (the voiding Statement is a Statement like any other)",
        "The voiding Statement itself is returned by a query that matches it.",
        "取り消しの Statement 自体は、該当する検索で返ること。");
    public static readonly AssertionDefinition VoidedIdNotVoided = Must("XAPI-VOID-005", "voiding", "C §2.1.4 (voidedStatementId only returns voided Statements), C §3.2",
        "GET voidedStatementId of a Statement that is not voided answers 404.",
        "取り消されていない Statement を voidedStatementId で GET すると 404 を返すこと。");

    // ---- formats (C §2.1.3) ----------------------------------------------------------------------------------------
    public static readonly AssertionDefinition FormatIds = Must("XAPI-FORMAT-001", "format", "C §2.1.3 (format=ids: Agents/Groups by IFI only, Activities/Verbs by id only)",
        "format=ids returns the actor by its IFI only (no name) and the Activity object and Verb by id only.",
        "format=ids で actor は IFI のみ（name なし）、Activity の object と Verb は id のみで返ること。");
    public static readonly AssertionDefinition FormatExact = Must("XAPI-FORMAT-002", "format", "C §2.1.3 (format=exact: as received)",
        "format=exact returns the Statement as received: the definition, display and name as sent, every language kept.",
        "format=exact で Statement が受信したとおり（definition、display、name、全言語）返ること。");
    public static readonly AssertionDefinition FormatCanonical = Must("XAPI-FORMAT-003", "format", "C §2.1.3 (format=canonical: one language per Language Map, by Accept-Language)",
        "format=canonical with Accept-Language returns one language per Language Map, the one asked for.",
        "Accept-Language を付けた format=canonical で、各言語マップが要求した1言語のみで返ること。");
    public static readonly AssertionDefinition FormatUnknown = Must("XAPI-FORMAT-004", "format", "C §2.1.3 (format is ids, exact or canonical), C §3.2",
        "An unknown format value is rejected with 400.",
        "未知の format 値は 400 で拒否されること。");

    // ---- attachments (C §1.5.2, D §2.4.11) ---------------------------------------------------------------------------
    public static readonly AssertionDefinition AttachmentMultipart = Must("XAPI-ATTACH-001", "attachments", "C §1.5.2 (multipart/mixed, parts matched by X-Experience-API-Hash sha2)",
        "A multipart/mixed POST of a Statement with an attachment part (sha2) is stored, and GET attachments=true returns multipart/mixed with that part.",
        "添付パート（sha2）付き Statement の multipart/mixed POST が保存され、GET attachments=true がそのパートを含む multipart/mixed を返すこと。");
    public static readonly AssertionDefinition AttachmentMissingPart = Must("XAPI-ATTACH-002", "attachments", "C §1.5.2 (an attachment without fileUrl needs a matching part: 400)",
        "A Statement whose attachment has no fileUrl and no matching part is rejected with 400.",
        "fileUrl も対応パートもない添付を持つ Statement は 400 で拒否されること。");
    public static readonly AssertionDefinition AttachmentFileUrl = Must("XAPI-ATTACH-003", "attachments", "C §1.5.2 (application/json when every attachment has a fileUrl)",
        "A Statement whose attachments all have a fileUrl is accepted as plain application/json.",
        "すべての添付に fileUrl がある Statement が application/json で受け付けられること。");

    // ---- validation (D §2.2, §2.4, §4): invalid Statements get 400 ------------------------------------------------------
    public static readonly AssertionDefinition ValidAccepted = Must("XAPI-VAL-ACCEPT-001", "validation", "D §2.2, §2.4, §4 (valid Statements are accepted; nulls allowed in extensions, future timestamps, fractional durations, subtags)",
        "Valid but unusual Statements are accepted: null inside extensions, a future timestamp, a fractional duration, a language tag with script and region, a SubStatement, a Group actor.",
        "妥当だが珍しい Statement（extensions 内の null、未来の timestamp、小数の duration、スクリプト・地域付き言語タグ、SubStatement、Group の actor）が受け付けられること。");
    public static readonly AssertionDefinition RejectRequired = Must("XAPI-VAL-REQUIRED-001", "validation", "D §2.4 (actor, verb and object are required)",
        "A Statement missing actor, verb or object is rejected with 400.",
        "actor、verb、object のいずれかがない Statement は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectUnknownKey = Must("XAPI-VAL-KEYS-001", "validation", "D §2.2 (no properties beyond those defined, outside extensions)",
        "A Statement with a property the specification does not define is rejected with 400.",
        "仕様に定義のないプロパティを持つ Statement は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectKeyCase = Must("XAPI-VAL-KEYS-002", "validation", "D §2.2 (property names are case sensitive)",
        "A Statement with a property name in the wrong case (Actor, objectType values like agent) is rejected with 400.",
        "プロパティ名や objectType 値の大文字小文字が誤った Statement は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectNull = Must("XAPI-VAL-NULL-001", "validation", "D §2.2 (null is not a value, outside extensions)",
        "A Statement with a null value outside extensions is rejected with 400.",
        "extensions 以外に null 値を持つ Statement は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectTypes = Must("XAPI-VAL-TYPES-001", "validation", "D §2.2 (values have the JSON type the property defines)",
        "A Statement with a value of the wrong JSON type (\"true\" for a boolean, \"1\" for a number) is rejected with 400.",
        "JSON 型が誤った値（真偽値に \"true\"、数値に \"1\"）を持つ Statement は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectIfi = Must("XAPI-VAL-IFI-001", "validation", "D §2.4.2.1 (an Agent has exactly one IFI)",
        "An Agent with no IFI or with two IFIs is rejected with 400.",
        "IFI がない、または IFI を2つ持つ Agent は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectMbox = Must("XAPI-VAL-MBOX-001", "validation", "D §2.4.2.3 (mbox is a mailto IRI)",
        "An mbox that is not a mailto: IRI is rejected with 400.",
        "mailto: IRI でない mbox は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectAccount = Must("XAPI-VAL-ACCOUNT-001", "validation", "D §2.4.2.4 (account has homePage, an IRL, and name)",
        "An account without homePage or name, or with a homePage that is not an IRL, is rejected with 400.",
        "homePage または name がない、または homePage が IRL でない account は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectGroup = Must("XAPI-VAL-GROUP-001", "validation", "D §2.4.2.2 (an anonymous Group has member; members are not Groups)",
        "An anonymous Group without member, or a Group with a Group member, is rejected with 400.",
        "member のない匿名 Group、または Group を member に持つ Group は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectIri = Must("XAPI-VAL-IRI-001", "validation", "D §2.2, §4.1.1 (verb and Activity ids are IRIs with a scheme)",
        "A verb id or an Activity id that is not an absolute IRI is rejected with 400.",
        "絶対 IRI でない verb id や Activity id は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectUuid = Must("XAPI-VAL-UUID-001", "validation", "D §2.4.1, §4.4 (ids and registrations are UUIDs)",
        "A Statement id or a context registration that is not a UUID is rejected with 400.",
        "UUID でない Statement の id や context の registration は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectTimestamp = Must("XAPI-VAL-TIMESTAMP-001", "validation", "D §2.4.7, §4.5 (timestamps are ISO 8601)",
        "A timestamp that is not ISO 8601 (a bad month, free text) is rejected with 400.",
        "ISO 8601 でない timestamp（不正な月、自由文）は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectDuration = Must("XAPI-VAL-DURATION-001", "validation", "D §4.6 (ISO 8601 durations; weeks not combined with other units)",
        "A result duration that is not an ISO 8601 duration (P4W1D, 1 hour) is rejected with 400.",
        "ISO 8601 の期間でない result.duration（P4W1D、1 hour）は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectLanguageMap = Must("XAPI-VAL-LANGUAGE-001", "validation", "D §4.2 (Language Map keys are RFC 5646 tags, values strings)",
        "A Language Map with a key that is not a language tag, or a value that is not a string, is rejected with 400.",
        "言語タグでないキー、または文字列でない値を持つ言語マップは 400 で拒否されること。");
    public static readonly AssertionDefinition RejectScore = Must("XAPI-VAL-SCORE-001", "validation", "D §2.4.5.1 (scaled in [-1, 1]; min ≤ raw ≤ max)",
        "A score with scaled outside [-1, 1], raw above max, or min above max is rejected with 400.",
        "scaled が [-1, 1] の範囲外、raw が max 超、min が max 超の score は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectSubStatement = Must("XAPI-VAL-SUBSTATEMENT-001", "validation", "D §2.4.4.3 (a SubStatement has no id, stored, version, authority, and no nested SubStatement)",
        "A SubStatement with an id, a stored, or a nested SubStatement is rejected with 400.",
        "id や stored を持つ SubStatement、または入れ子の SubStatement は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectStatementRef = Must("XAPI-VAL-STATEMENTREF-001", "validation", "D §2.4.4.3 (StatementRef id is a UUID); D §2.3.2 (voiding object is a StatementRef)",
        "A StatementRef whose id is not a UUID, or a voiding Statement whose object is not a StatementRef, is rejected with 400.",
        "id が UUID でない StatementRef、または object が StatementRef でない取り消し Statement は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectContext = Must("XAPI-VAL-CONTEXT-001", "validation", "D §2.4.6 (revision and platform only with an Activity object; contextActivities keys parent/grouping/category/other)",
        "context.revision or context.platform on a Statement whose object is an Agent, or an unknown contextActivities key, is rejected with 400.",
        "object が Agent の Statement の context.revision／platform、または未知の contextActivities キーは 400 で拒否されること。");
    public static readonly AssertionDefinition RejectInteraction = Must("XAPI-VAL-INTERACTION-001", "validation", "D §2.4.4.1 (interactionType is one of the defined values)",
        "An Activity definition with an unknown interactionType is rejected with 400.",
        "未知の interactionType を持つ Activity 定義は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectExtensionKey = Must("XAPI-VAL-EXTENSIONS-001", "validation", "D §4.1 (extension keys are IRIs)",
        "An extensions object with a key that is not an IRI is rejected with 400.",
        "IRI でないキーを持つ extensions は 400 で拒否されること。");
    public static readonly AssertionDefinition RejectStatementVersion = Must("XAPI-VAL-VERSION-001", "validation", "D §2.4.10 (the version of a Statement is one the LRS implements)",
        "A Statement whose version property is not one the LRS implements (0.9.5, 3.0.0) is rejected with 400.",
        "LRS が実装しない version（0.9.5、3.0.0）を持つ Statement は 400 で拒否されること。");

    // ---- documents (C §2.2, §2.3, §2.6, §2.7, §3.1) -------------------------------------------------------------------
    public static readonly AssertionDefinition StateRoundTrip = Must("XAPI-DOC-STATE-001", "documents", "C §2.3 (State resource: PUT 204, GET the document)",
        "PUT activities/state answers 204 and GET returns the same document with its Content-Type.",
        "PUT activities/state は 204 を返し、GET が同じ文書をその Content-Type で返すこと。");
    public static readonly AssertionDefinition StateRegistration = Must("XAPI-DOC-STATE-002", "documents", "C §2.3 (registration is part of the State's key)",
        "A State document stored with a registration is not returned without it, and the other way round.",
        "registration 付きで保存した State 文書は registration なしでは返らず、その逆も同じであること。");
    public static readonly AssertionDefinition StateDeleteAll = Must("XAPI-DOC-STATE-003", "documents", "C §2.3 (DELETE without stateId removes every State of the context)",
        "DELETE activities/state without stateId removes every State document of that activity and agent.",
        "stateId なしの DELETE activities/state が、その activity と agent のすべての State 文書を削除すること。");
    public static readonly AssertionDefinition ActivityProfileRoundTrip = Must("XAPI-DOC-ACTPROFILE-001", "documents", "C §2.7 (Activity Profile resource)",
        "PUT activities/profile (If-None-Match: *) answers 204 and GET returns the same document.",
        "PUT activities/profile（If-None-Match: *）は 204 を返し、GET が同じ文書を返すこと。");
    public static readonly AssertionDefinition AgentProfileRoundTrip = Must("XAPI-DOC-AGENTPROFILE-001", "documents", "C §2.6 (Agent Profile resource)",
        "PUT agents/profile (If-None-Match: *) answers 204 and GET returns the same document.",
        "PUT agents/profile（If-None-Match: *）は 204 を返し、GET が同じ文書を返すこと。");
    public static readonly AssertionDefinition DocumentETag = Must("XAPI-DOC-ETAG-001", "documents", "C §3.1 (every GET of a document carries a quoted ETag)",
        "Every document GET (State, Activity Profile, Agent Profile) carries a quoted ETag, which changes when the document changes.",
        "すべての文書の GET（State、Activity Profile、Agent Profile）に引用符付き ETag があり、文書が変わると変わること。");
    public static readonly AssertionDefinition StaleIfMatch412 = Must("XAPI-DOC-IFMATCH-001", "documents", "C §3.1 (a failed If-Match precondition: 412, no change)",
        "PUT of a profile document with a stale If-Match answers 412 and leaves the document unchanged.",
        "古い If-Match でのプロファイル文書の PUT は 412 を返し、文書を変更しないこと。");
    public static readonly AssertionDefinition IfNoneMatch412 = Must("XAPI-DOC-IFNONEMATCH-001", "documents", "C §3.1 (If-None-Match: * on an existing document: 412)",
        "PUT of a profile document with If-None-Match: * when it exists answers 412 and leaves it unchanged.",
        "既存のプロファイル文書への If-None-Match: * 付き PUT は 412 を返し、文書を変更しないこと。");
    public static readonly AssertionDefinition NoPreconditions409 = Must("XAPI-DOC-CONFLICT-001", "documents", "C §3.1 (PUT over an existing profile document without If-Match/If-None-Match: 409)",
        "PUT over an existing profile document without If-Match or If-None-Match answers 409 and changes nothing.",
        "If-Match も If-None-Match もない既存プロファイル文書への PUT は 409 を返し、何も変えないこと。");
    public static readonly AssertionDefinition StateConcurrency = Add("XAPI-DOC-STATE-004", "documents", AssertionLevel.Should, AssertionLevel.Must,
        "C §3.1 (1.0.3: preconditions on State SHOULD* be honoured); 2.0 Concurrency (State: stale If-Match 412)",
        "PUT of a State document with a stale If-Match answers 412 and leaves it unchanged.",
        "古い If-Match での State 文書の PUT は 412 を返し、文書を変更しないこと。");
    public static readonly AssertionDefinition StateConflict409 = Add("XAPI-DOC-STATE-005", "documents", null, AssertionLevel.Must,
        "2.0 Concurrency (PUT without If-Match/If-None-Match over an existing State: 409); 1.0.3 makes State preconditions optional, so 2.0 only",
        "PUT over an existing State document without If-Match or If-None-Match answers 409 and changes nothing (xAPI 2.0 only).",
        "If-Match も If-None-Match もない既存 State 文書への PUT は 409 を返し、何も変えないこと（xAPI 2.0 のみ）。");
    public static readonly AssertionDefinition PostDeleteIfMatch = ShouldThenMust("XAPI-DOC-IFMATCH-002", "documents", "C §3.1 (POST/DELETE with If-Match: 412 SHOULD* in 1.0.3); 2.0 Concurrency",
        "POST and DELETE of a document with a stale If-Match answer 412 and change nothing.",
        "古い If-Match での文書の POST・DELETE は 412 を返し、何も変えないこと。");
    public static readonly AssertionDefinition JsonMerge = Must("XAPI-DOC-MERGE-001", "documents", "C §2.2 (POST of JSON onto JSON merges top-level properties, 204)",
        "POST of a JSON object onto a stored JSON object answers 204 and merges their top-level properties (the posted value wins).",
        "保存済み JSON オブジェクトへの JSON オブジェクトの POST は 204 を返し、最上位プロパティを統合すること（送った値が優先）。");
    public static readonly AssertionDefinition NonJsonMerge400 = Must("XAPI-DOC-MERGE-002", "documents", "C §2.2 (POST merge when either document is not JSON: 400, no change)",
        "POST of a non-JSON document onto a JSON one (or JSON onto non-JSON) answers 400 and changes nothing.",
        "JSON 文書への非 JSON 文書の POST（またはその逆）は 400 を返し、何も変えないこと。");
    public static readonly AssertionDefinition ListIds = Must("XAPI-DOC-LIST-001", "documents", "C §2.3, §2.6, §2.7 (GET without the document id: the array of ids)",
        "GET of a document resource without its id returns the JSON array of the ids stored in that context.",
        "文書 id なしの GET が、その文脈に保存された id の JSON 配列を返すこと。");
    public static readonly AssertionDefinition ListSince = Must("XAPI-DOC-LIST-002", "documents", "C §2.3, §2.6, §2.7 (since: only ids stored or updated after)",
        "GET of the id list with since returns only the ids of documents stored or updated after that time.",
        "since 付きの id 一覧の GET が、その時刻以降に保存・更新された文書の id のみを返すこと。");
    public static readonly AssertionDefinition DeleteDocument = Must("XAPI-DOC-DELETE-001", "documents", "C §2.3, §2.6, §2.7 (DELETE: 204, then GET 404)",
        "DELETE of a document answers 204 and a later GET answers 404.",
        "文書の DELETE は 204 を返し、その後の GET は 404 を返すこと。");
    public static readonly AssertionDefinition DocumentParams = Must("XAPI-DOC-PARAMS-001", "documents", "C §2.3 (activityId and agent required; agent is JSON), C §3.2",
        "A State request without activityId, or with an agent that is not a JSON Agent, is rejected with 400.",
        "activityId のない、または agent が JSON の Agent でない State リクエストは 400 で拒否されること。");
    public static readonly AssertionDefinition DocumentLastModified = ShouldThenMust("XAPI-DOC-LASTMOD-001", "documents", "C §2.2 (Last-Modified SHOULD* on document GETs); 2.0 documents",
        "A document GET carries a Last-Modified header.",
        "文書の GET に Last-Modified ヘッダーがあること。");

    // ---- agents, activities (C §2.4, §2.5) -------------------------------------------------------------------------
    public static readonly AssertionDefinition AgentsPerson = Must("XAPI-AGENTS-001", "agents", "C §2.4 (Agents resource: a Person object)",
        "GET agents?agent= returns a Person object (objectType Person, arrays of identifiers) holding the queried IFI.",
        "GET agents?agent= が、問い合わせた IFI を含む Person オブジェクト（objectType Person、識別子の配列）を返すこと。");
    public static readonly AssertionDefinition AgentsNeedAgent = Must("XAPI-AGENTS-002", "agents", "C §2.4 (agent is required), C §3.2",
        "GET agents without agent, or with an agent that is not valid JSON, is rejected with 400.",
        "agent のない、または agent が妥当な JSON でない GET agents は 400 で拒否されること。");
    public static readonly AssertionDefinition ActivitiesCanonical = Must("XAPI-ACTIVITIES-001", "activities", "C §2.5 (Activities resource: the canonical Activity)",
        "GET activities?activityId= returns the Activity with that id and the definition sent in a Statement.",
        "GET activities?activityId= が、その id と Statement で送った definition を持つ Activity を返すこと。");
    public static readonly AssertionDefinition ActivitiesNeedId = Must("XAPI-ACTIVITIES-002", "activities", "C §2.5 (activityId is required), C §3.2",
        "GET activities without activityId is rejected with 400.",
        "activityId のない GET activities は 400 で拒否されること。");

    /// <summary>Every assertion of the target (at its 1.0.3 level, or its 2.0 level for 2.0-only ones) (the listing and docs/conformance.md).</summary>
    public static IReadOnlyList<AssertionDefinition> All { get; } = [.. Requirements.Select(r => r.Definition)];

    internal static IReadOnlyList<XapiRequirement> Catalogue => Requirements;

    /// <summary>The id a result carries in a run of <paramref name="version"/>.</summary>
    public static string RunId(string id, XapiVersion version) => id + "@" + version.Header();

    /// <summary>The assertions of a run of <paramref name="version"/>: version-suffixed ids, the level that version gives.</summary>
    public static IReadOnlyList<AssertionDefinition> For(XapiVersion version) =>
        [.. Requirements.Where(r => r.Level(version) is not null)
            .Select(r => r.Definition with { Id = RunId(r.Definition.Id, version), Level = r.Level(version)!.Value })];
}
