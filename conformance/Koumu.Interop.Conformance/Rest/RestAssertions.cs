namespace Koumu.Interop.Conformance.Rest;

/// <summary>
/// The assertion catalogue of the OneRoster 1.2 REST provider target. Sources (shared/reference/oneroster.md §0):
/// OAS-R/OAS-G/OAS-RS = the official 1EdTech OpenAPI 3.0 files of the Rostering, Gradebook and Resources services
/// (19 Sep 2022); RB = the OneRoster 1.2 Rostering REST/JSON Binding v1.0; SF = 1EdTech Security Framework 1.1;
/// JP = OneRoster Japan Profile (第2版 / v1.2.1) and the 学習eポータル/相互運用標準モデル built on it. Where the
/// binding's prose is not confirmed (filter grammar, Link header), the level is SHOULD unless OAS text states it.
/// </summary>
public static class RestAssertions
{
    private const string T = ConformanceTargets.OneRosterRest;

    private static AssertionDefinition Must(string id, string section, string reference, string en, string ja) =>
        new(id, T, section, AssertionLevel.Must, reference, en, ja);

    private static AssertionDefinition Should(string id, string section, string reference, string en, string ja) =>
        new(id, T, section, AssertionLevel.Should, reference, en, ja);

    // ---- auth ------------------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition TokenIssued = Must("OR-REST-AUTH-001", "auth",
        "SF 1.1 §4.1 (OAuth 2.0 client credentials, RFC 6749 §4.4); OAS-R securitySchemes.OAuth2CC",
        "The token endpoint issues a bearer access token for the client credentials grant with the requested OneRoster scopes.",
        "トークンエンドポイントは、クライアントクレデンシャルズ・グラントに対し、要求された OneRoster スコープのベアラーアクセストークンを発行すること。");
    public static readonly AssertionDefinition TokenRequired = Must("OR-REST-AUTH-002", "auth",
        "OAS-R responses 401 (unauthorisedrequest); SF 1.1 §4.1",
        "A request without an access token is refused with 401.",
        "アクセストークンのないリクエストは 401 で拒否されること。");
    public static readonly AssertionDefinition InvalidTokenRefused = Must("OR-REST-AUTH-003", "auth",
        "OAS-R responses 401; RFC 6750 §3.1 invalid_token",
        "A request with an invalid (unknown or forged) access token is refused with 401.",
        "無効な（不明・偽造の）アクセストークンによるリクエストは 401 で拒否されること。");
    public static readonly AssertionDefinition BearerChallenge = Should("OR-REST-AUTH-004", "auth",
        "RFC 6750 §3 (WWW-Authenticate: Bearer)",
        "A 401 response carries a WWW-Authenticate header with the Bearer scheme.",
        "401 応答には Bearer 方式の WWW-Authenticate ヘッダーが付くこと。");
    public static readonly AssertionDefinition UnauthorisedCodeMinor = Must("OR-REST-AUTH-005", "auth",
        "OAS-R responses 401: imsx_StatusInfo with imsx_codeMinorFieldValue unauthorisedrequest",
        "A 401 response body is imsx_StatusInfo with the codeMinor value unauthorisedrequest.",
        "401 応答の本文は codeMinor 値 unauthorisedrequest を持つ imsx_StatusInfo であること。");
    public static readonly AssertionDefinition ScopeEnforced = Must("OR-REST-SCOPE-001", "auth",
        "OAS-R security of each operation: relationship reads need roster.readonly, demographics need roster-demographics.readonly; responses 403",
        "A token holding only roster-core.readonly is refused with 403 on a relationship route and on /demographics.",
        "roster-core.readonly のみのトークンでは、関連（ネスト）ルートと /demographics が 403 で拒否されること。");
    public static readonly AssertionDefinition ForbiddenCodeMinor = Must("OR-REST-SCOPE-002", "auth",
        "OAS-R responses 403: imsx_StatusInfo with imsx_codeMinorFieldValue forbidden",
        "A 403 response body is imsx_StatusInfo with the codeMinor value forbidden.",
        "403 応答の本文は codeMinor 値 forbidden を持つ imsx_StatusInfo であること。");
    public static readonly AssertionDefinition CoreScopeAdmits = Must("OR-REST-SCOPE-003", "auth",
        "OAS-R security: top-level collection reads accept roster-core.readonly",
        "A token holding only roster-core.readonly may read the top-level collections (e.g. /orgs).",
        "roster-core.readonly のみのトークンで最上位コレクション（例: /orgs）を読めること。");

    // ---- contract --------------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition ReadsAnswer200 = Must("OR-REST-STATUS-001", "contract",
        "OAS-R/OAS-G/OAS-RS responses 200 of every GET operation",
        "Every read of a collection, of an existing object and of a relationship of an existing parent answers 200.",
        "コレクション、存在するオブジェクト、存在する親の関連ルートの読み取りはすべて 200 を返すこと。");
    public static readonly AssertionDefinition JsonContentType = Must("OR-REST-CT-001", "contract",
        "OAS-R responses content application/json; RB JSON binding",
        "Every response body (data and errors) has the media type application/json.",
        "すべての応答本文（データ・エラーとも）のメディアタイプが application/json であること。");
    public static readonly AssertionDefinition CollectionSchema = Must("OR-REST-SCHEMA-001", "contract",
        "OAS-R/OAS-G/OAS-RS components *SetDType (and the hub's openapi.yaml components)",
        "Every collection response validates against its *SetDType schema.",
        "すべてのコレクション応答が対応する *SetDType スキーマに適合すること。");
    public static readonly AssertionDefinition SingleSchema = Must("OR-REST-SCHEMA-002", "contract",
        "OAS-R/OAS-G/OAS-RS components Single*DType",
        "Every single-object response validates against its Single*DType schema.",
        "すべての単一オブジェクト応答が対応する Single*DType スキーマに適合すること。");
    public static readonly AssertionDefinition NestedSchema = Must("OR-REST-SCHEMA-003", "contract",
        "OAS-R relationship operations (e.g. getClassesForSchool) responses 200 *SetDType",
        "Every relationship (nested) route response validates against its *SetDType schema.",
        "すべての関連（ネスト）ルートの応答が対応する *SetDType スキーマに適合すること。");
    public static readonly AssertionDefinition StringBooleans = Must("OR-REST-BOOL-001", "contract",
        "OAS-R TrueFalseEnum (enabledUser, primary, demographics flags): the strings \"true\" and \"false\"",
        "Boolean properties are the JSON strings \"true\"/\"false\", never JSON true/false.",
        "真偽値のプロパティは JSON 文字列 \"true\"/\"false\" であり、JSON の true/false ではないこと。");
    public static readonly AssertionDefinition GuidRefShape = Must("OR-REST-REF-001", "contract",
        "OAS-R GUIDRefDType: href (URI), sourcedId and type are required",
        "Every GUIDRef carries an absolute href, a sourcedId and a type.",
        "すべての GUIDRef が絶対 URI の href、sourcedId、type を持つこと。");
    public static readonly AssertionDefinition GuidRefResolves = Should("OR-REST-REF-002", "contract",
        "OAS-R GUIDRefDType.href: \"the URI for the type of object being referenced\"",
        "A GUIDRef's href, read with the same token, returns the referenced object.",
        "GUIDRef の href を同じトークンで読むと、参照先のオブジェクトが返ること。");
    public static readonly AssertionDefinition SingleMatchesCollection = Must("OR-REST-SINGLE-001", "contract",
        "OAS-R getX operations (GET /{collection}/{sourcedId})",
        "GET /{collection}/{sourcedId} returns the object of that sourcedId, equal to its entry in the collection.",
        "GET /{コレクション}/{sourcedId} はその sourcedId のオブジェクトを返し、コレクション中の同じレコードと一致すること。");

    // ---- paging ----------------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition TotalCountHeader = Must("OR-REST-PAGE-001", "paging",
        "OAS-R collection responses 200 headers X-Total-Count (integer)",
        "Every collection response carries X-Total-Count, a non-negative integer.",
        "すべてのコレクション応答に非負整数の X-Total-Count ヘッダーがあること。");
    public static readonly AssertionDefinition LimitHonoured = Must("OR-REST-PAGE-002", "paging",
        "OAS-R parameter limit (\"the number of records to return\")",
        "limit=n returns at most n records, and exactly n while enough records remain.",
        "limit=n では最大 n 件が返り、残りが十分あれば正確に n 件が返ること。");
    public static readonly AssertionDefinition PagesVisitEachOnce = Must("OR-REST-PAGE-003", "paging",
        "OAS-R parameters limit/offset; RB pagination",
        "Paging with limit and offset visits every record of the collection exactly once.",
        "limit と offset によるページングで、コレクションの全レコードをちょうど1回ずつ取得できること。");
    public static readonly AssertionDefinition TotalCountAgrees = Must("OR-REST-PAGE-004", "paging",
        "OAS-R header X-Total-Count (\"the total number of records\")",
        "X-Total-Count equals the number of records the collection holds, on every page.",
        "X-Total-Count はどのページでもコレクションの総レコード数と一致すること。");
    public static readonly AssertionDefinition OffsetHonoured = Must("OR-REST-PAGE-005", "paging",
        "OAS-R parameter offset (\"the number of the first record to be supplied\")",
        "offset=k returns the records from position k of the unpaged order.",
        "offset=k では、ページングしない順序の k 番目以降のレコードが返ること。");
    public static readonly AssertionDefinition LinkHeader = Should("OR-REST-PAGE-006", "paging",
        "OAS-R links next/last/first/prev; RFC 8288 Link header",
        "Collection pages carry a Link header: rel=\"next\" exactly when more records follow, and rel=\"last\".",
        "コレクションのページに Link ヘッダーがあり、続きがあるときだけ rel=\"next\" があり、rel=\"last\" があること。");
    public static readonly AssertionDefinition NextLinksVisitEachOnce = Should("OR-REST-PAGE-007", "paging",
        "OAS-R links next; RFC 8288",
        "Following rel=\"next\" from the first page visits every record exactly once and ends.",
        "先頭ページから rel=\"next\" をたどると全レコードをちょうど1回ずつ取得して終わること。");
    public static readonly AssertionDefinition LastLinkIsLastPage = Should("OR-REST-PAGE-008", "paging",
        "OAS-R links last; RFC 8288",
        "The rel=\"last\" link returns the final page (it holds the last record).",
        "rel=\"last\" のリンクは最終ページ（最後のレコードを含む）を返すこと。");

    // ---- sort ------------------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition SortAscending = Must("OR-REST-SORT-001", "sort",
        "OAS-R parameter sort (\"sort order should follow [UNICODE]\"), orderBy asc",
        "sort=field returns the records in ascending order of that field.",
        "sort=フィールド で、そのフィールドの昇順にレコードが返ること。");
    public static readonly AssertionDefinition SortDescending = Must("OR-REST-SORT-002", "sort",
        "OAS-R parameter orderBy (asc|desc)",
        "sort=field&orderBy=desc returns the records in descending order.",
        "sort=フィールド&orderBy=desc で降順にレコードが返ること。");
    public static readonly AssertionDefinition SortStableAcrossPages = Must("OR-REST-SORT-003", "sort",
        "OAS-R parameters sort + limit/offset",
        "Paging through a sorted collection visits every record exactly once, in sorted order (the sort is stable).",
        "ソート指定のままページングすると、全レコードをソート順にちょうど1回ずつ取得できること（安定したソート）。");

    // ---- filter ----------------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition FilterEquals = Must("OR-REST-FILTER-001", "filter",
        "OAS-R parameter filter; RB filtering (field='value')",
        "filter=field='value' returns exactly the records whose field equals the value.",
        "filter=フィールド='値' で、そのフィールドが値と等しいレコードだけがすべて返ること。");
    public static readonly AssertionDefinition FilterNotEquals = Must("OR-REST-FILTER-002", "filter",
        "OAS-R parameter filter; RB filtering (operator !=)",
        "filter=field!='value' returns exactly the records whose field differs from the value.",
        "filter=フィールド!='値' で、そのフィールドが値と異なるレコードだけがすべて返ること。");
    public static readonly AssertionDefinition FilterLogical = Must("OR-REST-FILTER-003", "filter",
        "RB filtering (two predicates joined by AND or OR)",
        "Two predicates joined by AND, and by OR, return exactly the matching records.",
        "AND および OR で結んだ2つの条件で、該当するレコードだけがすべて返ること。");
    public static readonly AssertionDefinition FilterContains = Should("OR-REST-FILTER-004", "filter",
        "RB filtering (operator ~, contains)",
        "filter=field~'text' returns exactly the records whose field contains the text.",
        "filter=フィールド~'文字列' で、その文字列を含むレコードだけがすべて返ること。");
    public static readonly AssertionDefinition FilterDateLastModified = Must("OR-REST-FILTER-005", "filter",
        "RB filtering on dateLastModified (delta synchronisation), operators > and <=",
        "filter=dateLastModified>'instant' returns exactly the records modified after the instant.",
        "filter=dateLastModified>'日時' で、その日時より後に更新されたレコードだけがすべて返ること。");
    public static readonly AssertionDefinition FilterTotalCount = Must("OR-REST-FILTER-006", "filter",
        "OAS-R header X-Total-Count with parameter filter",
        "Under a filter, X-Total-Count counts the matching records only.",
        "フィルター指定時の X-Total-Count は該当レコードの件数であること。");

    // ---- fields ----------------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition FieldsProject = Must("OR-REST-FIELDS-001", "fields",
        "OAS-R parameter fields (\"to identify the range of fields that should be supplied\")",
        "fields=a,b on a collection returns only those properties of each record.",
        "コレクションで fields=a,b を指定すると、各レコードのそのプロパティだけが返ること。");
    public static readonly AssertionDefinition FieldsProjectSingle = Should("OR-REST-FIELDS-002", "fields",
        "OAS-R parameter fields of the single-object operations",
        "fields=a,b on a single-object read returns only those properties.",
        "単一オブジェクトの読み取りで fields=a,b を指定すると、そのプロパティだけが返ること。");

    // ---- errors ----------------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition UnknownFilterField = Must("OR-REST-ERR-001", "errors",
        "OAS-R responses 400: invalid_filter_field",
        "A filter on an unknown field is refused with 400 and the codeMinor value invalid_filter_field.",
        "存在しないフィールドによるフィルターは 400、codeMinor 値 invalid_filter_field で拒否されること。");
    public static readonly AssertionDefinition UnknownObject = Must("OR-REST-ERR-002", "errors",
        "OAS-R responses 404: unknownobject",
        "GET of an unknown sourcedId answers 404 with the codeMinor value unknownobject.",
        "存在しない sourcedId の取得は 404、codeMinor 値 unknownobject を返すこと。");
    public static readonly AssertionDefinition UnknownParent = Must("OR-REST-ERR-003", "errors",
        "OAS-R relationship operations responses 404: unknownobject",
        "A relationship route under an unknown parent answers 404 with the codeMinor value unknownobject.",
        "存在しない親の関連ルートは 404、codeMinor 値 unknownobject を返すこと。");
    public static readonly AssertionDefinition ErrorPayload = Must("OR-REST-ERR-004", "errors",
        "OAS-R imsx_StatusInfoDType (imsx_codeMajor failure, imsx_severity error, imsx_CodeMinor)",
        "Every error response body is an imsx_StatusInfo with codeMajor failure, severity error and a codeMinor value.",
        "すべてのエラー応答の本文が、codeMajor failure、severity error、codeMinor 値を持つ imsx_StatusInfo であること。");
    public static readonly AssertionDefinition UnknownSelectionField = Should("OR-REST-ERR-005", "errors",
        "OAS-R responses 400: invalid_selection_field",
        "fields naming an unknown property is refused with 400 and the codeMinor value invalid_selection_field.",
        "存在しないプロパティを fields に指定すると 400、codeMinor 値 invalid_selection_field で拒否されること。");
    public static readonly AssertionDefinition UnknownSortField = Should("OR-REST-ERR-006", "errors",
        "OAS-R responses 400 (invalid_sort_field / invalid_selection_field)",
        "sort on an unknown field is refused with 400 and an imsx_StatusInfo.",
        "存在しないフィールドでの sort は 400 と imsx_StatusInfo で拒否されること。");

    // ---- relationships ---------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition NestedBelongToParent = Must("OR-REST-REL-001", "relationships",
        "OAS-R relationship operations (getClassesForSchool, getEnrollmentsForSchool, getClassesForCourse, getStudentsForClass, …)",
        "A relationship route returns only records of its parent (no data of another school, course or class).",
        "関連ルートは親に属するレコードだけを返すこと（他の学校・コース・クラスのデータを含まないこと）。");
    public static readonly AssertionDefinition NestedComplete = Must("OR-REST-REL-002", "relationships",
        "OAS-R relationship operations",
        "A relationship route returns every record of its parent that the collection holds.",
        "関連ルートは、コレクションにある親のレコードをすべて返すこと。");
    public static readonly AssertionDefinition TypedCollections = Must("OR-REST-REL-003", "relationships",
        "OAS-R getAllSchools/getAllStudents/getAllTeachers/getAllTerms/getAllGradingPeriods",
        "/schools holds only orgs of type school, /students and /teachers only users with that role, /terms and /gradingPeriods only sessions of that type.",
        "/schools は種別 school の組織だけ、/students と /teachers はその役割の利用者だけ、/terms と /gradingPeriods はその種別の学期だけを返すこと。");

    // ---- Japan Profile ---------------------------------------------------------------------------------------------
    public static readonly AssertionDefinition JpOrgType = Must("OR-JP-ORG-001", "japan",
        "JP orgs.type: district (教育委員会) or school only (oneroster.md §3.3; hub rule jp.orgs.type)",
        "Under the Japan Profile every org is of type district or school.",
        "日本プロファイルでは、すべての組織の種別が district または school であること。");
    public static readonly AssertionDefinition JpOrgCodes = Must("OR-JP-ORG-002", "japan",
        "JP orgs.identifier: MEXT 学校コード / 教育委員会コード (hub rules jp.orgs.school_code, jp.orgs.school_code_check_digit, jp.orgs.board_code)",
        "A school's identifier is a valid MEXT 学校コード (with its check digit) and a district's a 教育委員会コード.",
        "学校の identifier は検査数字まで正しい文部科学省の学校コード、教育委員会の identifier は教育委員会コードであること。");
    public static readonly AssertionDefinition JpKanaPresent = Should("OR-JP-USER-001", "japan",
        "JP users metadata.jp.kanaGivenName / kanaFamilyName (required from 学習eポータル標準モデル v3; hub rule jp.users.required)",
        "Every user carries metadata.jp.kanaGivenName and metadata.jp.kanaFamilyName.",
        "すべての利用者が metadata.jp.kanaGivenName と metadata.jp.kanaFamilyName を持つこと。");
    public static readonly AssertionDefinition JpKanaFullWidth = Must("OR-JP-USER-002", "japan",
        "JP users metadata.jp.kana*: full-width katakana (hub rule jp.users.kana)",
        "Kana names (metadata.jp.kana*) are full-width katakana.",
        "カナ氏名（metadata.jp.kana*）は全角カタカナであること。");
    public static readonly AssertionDefinition JpNoHalfWidthKana = Should("OR-JP-TEXT-001", "japan",
        "学習eポータル標準モデル: no half-width katakana in names and titles (hub rule jp.text.half_width_katakana)",
        "Names and titles contain no half-width katakana.",
        "氏名・名称・タイトルに半角カタカナを含まないこと。");
    public static readonly AssertionDefinition JpSchoolYear = Must("OR-JP-AS-001", "japan",
        "JP academicSessions: schoolYear sessions from YYYY-04-01 to (YYYY+1)-03-31 (hub rules jp.academic_sessions.*)",
        "Every schoolYear session runs from 1 April to 31 March of the next year (年度).",
        "すべての schoolYear の学期が4月1日から翌年3月31日まで（年度）であること。");

    public static readonly IReadOnlyList<AssertionDefinition> All =
    [
        TokenIssued, TokenRequired, InvalidTokenRefused, BearerChallenge, UnauthorisedCodeMinor, ScopeEnforced, ForbiddenCodeMinor, CoreScopeAdmits,
        ReadsAnswer200, JsonContentType, CollectionSchema, SingleSchema, NestedSchema, StringBooleans, GuidRefShape, GuidRefResolves, SingleMatchesCollection,
        TotalCountHeader, LimitHonoured, PagesVisitEachOnce, TotalCountAgrees, OffsetHonoured, LinkHeader, NextLinksVisitEachOnce, LastLinkIsLastPage,
        SortAscending, SortDescending, SortStableAcrossPages,
        FilterEquals, FilterNotEquals, FilterLogical, FilterContains, FilterDateLastModified, FilterTotalCount,
        FieldsProject, FieldsProjectSingle,
        UnknownFilterField, UnknownObject, UnknownParent, ErrorPayload, UnknownSelectionField, UnknownSortField,
        NestedBelongToParent, NestedComplete, TypedCollections,
        JpOrgType, JpOrgCodes, JpKanaPresent, JpKanaFullWidth, JpNoHalfWidthKana, JpSchoolYear,
    ];
}
