namespace Koumu.Interop.Schemas.Validation;

/// <summary>
/// The base rules of the OneRoster 1.2 CSV binding, by layer. Ids are stable (docs/validation-rules.md lists them all);
/// profile rules live with their profiles.
/// </summary>
public static class Rules
{
    private static Rule E(string id, RuleLayer layer, string en, string ja) => new(id, layer, Severity.Error, en, ja);
    private static Rule W(string id, RuleLayer layer, string en, string ja) => new(id, layer, Severity.Warning, en, ja);

    // ---- Package / manifest -------------------------------------------------------------------------------------
    public static readonly Rule ManifestMissing = E("manifest.missing", RuleLayer.Package,
        "The package has no manifest.csv.", "パッケージに manifest.csv がありません。");
    public static readonly Rule ManifestHeader = E("manifest.header", RuleLayer.Package,
        "manifest.csv must have the header 'propertyName,value'.", "manifest.csv のヘッダーは「propertyName,value」でなければなりません。");
    public static readonly Rule ManifestVersion = E("manifest.version", RuleLayer.Package,
        "manifest.version must be '1.0' (found '{0}').", "manifest.version は「1.0」でなければなりません（値: 「{0}」）。");
    public static readonly Rule ManifestOneRosterVersion = E("manifest.oneroster_version", RuleLayer.Package,
        "oneroster.version must be one of 1.2, 1.2.1, 1.2_JP (found '{0}').", "oneroster.version は 1.2、1.2.1、1.2_JP のいずれかでなければなりません（値: 「{0}」）。");
    public static readonly Rule ManifestFileMode = E("manifest.file_mode", RuleLayer.Package,
        "{0} must be absent, bulk or delta (found '{1}').", "{0} は absent、bulk、delta のいずれかでなければなりません（値: 「{1}」）。");
    public static readonly Rule ManifestFileKeyMissing = W("manifest.file_key_missing", RuleLayer.Package,
        "manifest.csv has no {0} row; the file is treated as absent.", "manifest.csv に {0} の行がありません。absent として扱います。");
    public static readonly Rule ManifestUnknownProperty = W("manifest.unknown_property", RuleLayer.Package,
        "manifest.csv property '{0}' is not defined by OneRoster 1.2.", "manifest.csv のプロパティ「{0}」は OneRoster 1.2 で定義されていません。");
    public static readonly Rule ManifestDuplicateProperty = E("manifest.duplicate_property", RuleLayer.Package,
        "manifest.csv property '{0}' appears more than once.", "manifest.csv のプロパティ「{0}」が重複しています。");
    public static readonly Rule FileMissing = E("manifest.file_missing", RuleLayer.Package,
        "manifest.csv declares {0} as {1}, but {0}.csv is not in the package.", "manifest.csv で {0} は {1} と宣言されていますが、{0}.csv がパッケージにありません。");
    public static readonly Rule FileNotDeclared = W("manifest.file_not_declared", RuleLayer.Package,
        "{0} is in the package but manifest.csv declares it absent; it is ignored.", "{0} はパッケージにありますが manifest.csv で absent と宣言されているため無視します。");
    public static readonly Rule UnknownFile = W("package.unknown_file", RuleLayer.Package,
        "{0} is not a OneRoster 1.2 file; it is ignored.", "{0} は OneRoster 1.2 のファイルではないため無視します。");

    // ---- Structure ------------------------------------------------------------------------------------------------
    public static readonly Rule HeaderMissing = E("structure.header_missing", RuleLayer.Structure,
        "The file is empty: the header row is required.", "ファイルが空です。ヘッダー行が必要です。");
    public static readonly Rule HeaderUnknownColumn = E("structure.header_unknown_column", RuleLayer.Structure,
        "Column '{0}' is not defined for this file; extension columns must start with 'metadata.'.", "列「{0}」はこのファイルに定義されていません。拡張列は「metadata.」で始める必要があります。");
    public static readonly Rule HeaderMissingColumn = E("structure.header_missing_column", RuleLayer.Structure,
        "Required header column '{0}' is missing.", "ヘッダー列「{0}」がありません。");
    public static readonly Rule HeaderOrder = E("structure.header_order", RuleLayer.Structure,
        "Header column '{0}' is out of order: expected '{1}' at position {2}.", "ヘッダー列「{0}」の順序が不正です。{2}番目は「{1}」である必要があります。");
    public static readonly Rule HeaderExtensionPosition = E("structure.header_extension_position", RuleLayer.Structure,
        "Extension column '{0}' must come after all OneRoster columns.", "拡張列「{0}」は OneRoster の列の後に置く必要があります。");
    public static readonly Rule HeaderExtensionName = E("structure.header_extension_name", RuleLayer.Structure,
        "Extension column '{0}' must be metadata.<name>[.<name>…] with letters, digits, '_' or '-', and must not also be the prefix of another column.",
        "拡張列「{0}」は metadata.<名前>[.<名前>…]（英数字・「_」・「-」）の形式で、他の列の接頭辞であってはなりません。");
    public static readonly Rule HeaderDuplicate = E("structure.header_duplicate", RuleLayer.Structure,
        "Header column '{0}' appears more than once.", "ヘッダー列「{0}」が重複しています。");
    public static readonly Rule FieldCount = E("structure.field_count", RuleLayer.Structure,
        "The row has {0} fields but the header has {1}.", "行のフィールド数 {0} がヘッダーの列数 {1} と一致しません。");
    public static readonly Rule RecordTooLarge = E("structure.record_too_large", RuleLayer.Structure,
        "A record is longer than {0} characters; reading of this file stopped.", "{0}文字を超えるレコードがあります。このファイルの読み込みを中止しました。");
    public static readonly Rule MalformedCsv = E("structure.malformed_csv", RuleLayer.Structure,
        "The CSV is malformed ({0}); reading of this file stopped.", "CSVの形式が不正です（{0}）。このファイルの読み込みを中止しました。");
    public static readonly Rule InvalidEncoding = E("structure.invalid_utf8", RuleLayer.Structure,
        "The value is not valid UTF-8 (Shift_JIS? re-save as UTF-8 or import with encoding=shift_jis).", "値がUTF-8として不正です（Shift_JISの可能性があります。UTF-8で保存し直すか、encoding=shift_jis を指定してください）。");
    public static readonly Rule ControlCharacter = E("structure.control_character", RuleLayer.Structure,
        "The value contains a control character (U+{0:X4}).", "値に制御文字（U+{0:X4}）が含まれています。");

    // ---- Types, enumerations, lifecycle ---------------------------------------------------------------------------
    public static readonly Rule Required = E("type.required", RuleLayer.Type,
        "'{0}' is required.", "「{0}」は必須です。");
    public static readonly Rule Enumeration = E("type.enumeration", RuleLayer.Type,
        "'{0}' is not a value of {1} (allowed: {2}).", "「{0}」は {1} の値ではありません（許可: {2}）。");
    public static readonly Rule DateFormat = E("type.date", RuleLayer.Type,
        "'{0}' is not a date in the form YYYY-MM-DD.", "「{0}」は YYYY-MM-DD 形式の日付ではありません。");
    public static readonly Rule DateTimeFormat = E("type.datetime", RuleLayer.Type,
        "'{0}' is not an ISO 8601 date-time with a time zone (e.g. 2026-04-01T00:00:00Z).", "「{0}」はタイムゾーン付きの ISO 8601 日時ではありません（例: 2026-04-01T00:00:00Z）。");
    public static readonly Rule BooleanFormat = E("type.boolean", RuleLayer.Type,
        "'{0}' is not a boolean: use 'true' or 'false'.", "「{0}」は真偽値ではありません。「true」または「false」を使用してください。");
    public static readonly Rule FloatFormat = E("type.float", RuleLayer.Type,
        "'{0}' is not a number.", "「{0}」は数値ではありません。");
    public static readonly Rule YearFormat = E("type.year", RuleLayer.Type,
        "'{0}' is not a four-digit year.", "「{0}」は4桁の年ではありません。");
    public static readonly Rule UserIdsFormat = E("type.user_ids", RuleLayer.Type,
        "'{0}' is not a list of {{type:identifier}} items.", "「{0}」は {{type:identifier}} 形式のリストではありません。");
    public static readonly Rule DateRange = E("type.date_range", RuleLayer.Type,
        "endDate '{0}' is before beginDate/startDate '{1}'.", "終了日「{0}」が開始日「{1}」より前です。");
    public static readonly Rule BulkStatus = E("lifecycle.bulk_status_not_blank", RuleLayer.Type,
        "In a bulk file 'status' must be blank (found '{0}').", "bulk ファイルでは status は空欄でなければなりません（値: 「{0}」）。");
    public static readonly Rule BulkDateLastModified = E("lifecycle.bulk_date_last_modified_not_blank", RuleLayer.Type,
        "In a bulk file 'dateLastModified' must be blank (found '{0}').", "bulk ファイルでは dateLastModified は空欄でなければなりません（値: 「{0}」）。");
    public static readonly Rule DeltaStatus = E("lifecycle.delta_status_required", RuleLayer.Type,
        "In a delta file 'status' is required and must be 'active' or 'tobedeleted'.", "delta ファイルでは status は必須で、「active」または「tobedeleted」でなければなりません。");
    public static readonly Rule DeltaDateLastModified = E("lifecycle.delta_date_last_modified_required", RuleLayer.Type,
        "In a delta file 'dateLastModified' is required.", "delta ファイルでは dateLastModified は必須です。");

    // ---- References -----------------------------------------------------------------------------------------------
    public static readonly Rule DuplicateSourcedId = E("reference.duplicate_sourced_id", RuleLayer.Reference,
        "sourcedId '{0}' appears more than once in this file.", "sourcedId「{0}」がこのファイル内で重複しています。");
    public static readonly Rule Unresolved = E("reference.unresolved", RuleLayer.Reference,
        "'{0}' does not name a record of {1} in the package{2}.", "「{0}」に該当する {1} のレコードがパッケージ内{2}にありません。");
    public static readonly Rule Unverifiable = W("reference.unverified", RuleLayer.Reference,
        "'{0}' is not in the package's {1}; it must already be stored (not checked without a store).", "「{0}」はパッケージの {1} にありません。既存データに存在する必要があります（ストアなしでは確認できません）。");
    public static readonly Rule ToDeleted = E("reference.to_deleted", RuleLayer.Reference,
        "'{0}' names a {1} record that this package marks tobedeleted.", "「{0}」はこのパッケージで tobedeleted とされる {1} のレコードを参照しています。");
    public static readonly Rule OrgCycle = E("reference.org_cycle", RuleLayer.Reference,
        "The org hierarchy has a cycle through '{0}'.", "組織の親子関係が「{0}」で循環しています。");
    public static readonly Rule SessionCycle = E("reference.academic_session_cycle", RuleLayer.Reference,
        "The academic session hierarchy has a cycle through '{0}'.", "学期の親子関係が「{0}」で循環しています。");
    public static readonly Rule SelfReference = E("reference.self", RuleLayer.Reference,
        "'{0}' refers to the record itself.", "「{0}」はレコード自身を参照しています。");
}
