using Koumu.Interop.Schemas.Validation;

namespace Koumu.Interop.Schemas.Profiles.Japan;

/// <summary>
/// The rule catalogue of the Japanese profiles (issue #2 §4). Ids are stable and prefixed <c>jp.</c>;
/// docs/profiles.md lists which profile applies which rule and the source of each (shared/reference/oneroster.md §3).
/// </summary>
public static class JapanRules
{
    private static Rule E(string id, string en, string ja) => new(id, RuleLayer.Profile, Severity.Error, en, ja);
    private static Rule W(string id, string en, string ja) => new(id, RuleLayer.Profile, Severity.Warning, en, ja);

    // ---- encoding ------------------------------------------------------------------------------------------------
    public static readonly Rule ByteOrderMark = W("jp.encoding.bom",
        "The file starts with a UTF-8 byte order mark. The hub accepts it, but Japanese importers (学習eポータル) reject it: save as UTF-8 without BOM.",
        "ファイルの先頭にUTF-8のBOMがあります。本ハブでは受け付けますが、学習eポータル等の取込ではエラーになります。BOMなしUTF-8で保存してください。");

    // ---- orgs ----------------------------------------------------------------------------------------------------
    public static readonly Rule OrgType = E("jp.orgs.type",
        "Org type '{0}' is not allowed by {1}: use 'district' (教育委員会) or 'school'.",
        "組織種別「{0}」は {1} では使用できません。「district」（教育委員会）または「school」を使用してください。");
    public static readonly Rule DistrictParent = E("jp.orgs.district_parent",
        "A district (教育委員会) must not have a parent org (found '{0}').",
        "district（教育委員会）に親組織を設定することはできません（値: 「{0}」）。");
    public static readonly Rule SchoolParentRequired = E("jp.orgs.school_parent_required",
        "A school must have its district (教育委員会) as parentSourcedId.",
        "school には親組織として district（教育委員会）の parentSourcedId が必要です。");
    public static readonly Rule SchoolParentNotDistrict = E("jp.orgs.school_parent_not_district",
        "The parent of a school must be a district (教育委員会), but '{0}' is of type '{1}'.",
        "school の親組織は district（教育委員会）でなければなりませんが、「{0}」の種別は「{1}」です。");
    public static readonly Rule SchoolCode = E("jp.orgs.school_code",
        "'{0}' is not a MEXT 学校コード (13 characters: 学校種 A–H+1/2, 都道府県番号 01–47, 設置区分 1–3, 学校番号 7 digits, 検査数字).",
        "「{0}」は文部科学省の学校コード（13桁: 学校種 A～H＋1/2、都道府県番号 01～47、設置区分 1～3、学校番号7桁、検査数字）ではありません。");
    public static readonly Rule SchoolCodeCheckDigit = E("jp.orgs.school_code_check_digit",
        "学校コード '{0}' has the wrong check digit (検査数字): expected {1}.",
        "学校コード「{0}」の検査数字が正しくありません（正しい値: {1}）。");
    public static readonly Rule BoardCode = E("jp.orgs.board_code",
        "'{0}' is not a MEXT 教育委員会コード (6 digits: 県コード 01–47 + 教育委員会番号 4 digits).",
        "「{0}」は文部科学省の教育委員会コード（6桁: 県コード 01～47＋教育委員会番号4桁）ではありません。");

    // ---- academicSessions ----------------------------------------------------------------------------------------
    public static readonly Rule SessionType = E("jp.academic_sessions.type",
        "Academic session type '{0}' is not allowed by {1}: only 'schoolYear'.",
        "学期種別「{0}」は {1} では使用できません。「schoolYear」のみ使用できます。");
    public static readonly Rule SessionTitle = E("jp.academic_sessions.title",
        "Academic session title '{0}' must be the fiscal school year as YYYY年度 (e.g. 2025年度).",
        "学期の title「{0}」は YYYY年度（例: 2025年度）の形式でなければなりません。");
    public static readonly Rule SessionStartDate = E("jp.academic_sessions.start_date",
        "startDate '{0}' must be April 1 of the 年度 ({1}).",
        "startDate「{0}」は年度の開始日（{1}）でなければなりません。");
    public static readonly Rule SessionEndDate = E("jp.academic_sessions.end_date",
        "endDate '{0}' must be March 31 of the following year ({1}).",
        "endDate「{0}」は翌年の3月31日（{1}）でなければなりません。");
    public static readonly Rule SessionSchoolYear = E("jp.academic_sessions.school_year",
        "schoolYear '{0}' does not match {1}年度: use {1} (年度 start year) or {2} (OneRoster end year).",
        "schoolYear「{0}」が {1}年度と一致しません。{1}（年度の開始年）または {2}（OneRoster の終了年）を指定してください。");

    // ---- courses / classes ---------------------------------------------------------------------------------------
    public static readonly Rule CourseCode = E("jp.courses.course_code",
        "courseCode must be empty in {1} (found '{0}').",
        "{1} では courseCode は空欄でなければなりません（値: 「{0}」）。");
    public static readonly Rule CourseTitle = E("jp.courses.title",
        "Course title '{0}' must start with the 年度 as YYYY年度 followed by the subject name or ホームルーム (e.g. 2025年度国語).",
        "教科の title「{0}」は YYYY年度 で始まり、教科名またはホームルームが続く必要があります（例: 2025年度国語）。");
    public static readonly Rule ClassType = E("jp.classes.class_type",
        "classType '{0}' is not allowed by {1}: use 'homeroom' or 'scheduled'.",
        "classType「{0}」は {1} では使用できません。「homeroom」または「scheduled」を使用してください。");
    public static readonly Rule SpecialNeeds = E("jp.classes.special_needs",
        "metadata.jp.specialNeeds '{0}' is not a boolean: use 'true' or 'false'.",
        "metadata.jp.specialNeeds「{0}」は真偽値ではありません。「true」または「false」を使用してください。");

    // ---- code lists ----------------------------------------------------------------------------------------------
    public static readonly Rule Grade = E("jp.grades",
        "Grade '{0}' is not a configured MEXT grade code (allowed: {1}).",
        "学年「{0}」は設定された学年コードではありません（許可: {1}）。");
    public static readonly Rule SubjectCode = E("jp.subject_codes",
        "Subject code '{0}' is not a configured MEXT subject code (allowed: {1}).",
        "教科コード「{0}」は設定された教科コードではありません（許可: {1}）。");

    // ---- every file ----------------------------------------------------------------------------------------------
    public static readonly Rule SourcedIdUuid = E("jp.sourced_id.uuid",
        "sourcedId '{0}' must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx) in {1}.",
        "{1} では sourcedId「{0}」は UUID（xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx）でなければなりません。");
    public static readonly Rule HalfWidthKatakana = E("jp.text.half_width_katakana",
        "'{0}' contains half-width katakana ('{1}'); {2} requires full-width characters.",
        "「{0}」に半角カタカナ（「{1}」）が含まれています。{2} では全角文字を使用してください。");

    // ---- users ---------------------------------------------------------------------------------------------------
    public static readonly Rule UserRequired = E("jp.users.required",
        "'{0}' is required by {1}.",
        "{1} では「{0}」は必須です。");
    public static readonly Rule Kana = E("jp.users.kana",
        "'{0}' must be written in full-width katakana (found '{1}').",
        "「{0}」は全角カタカナで入力してください（値: 「{1}」）。");
    public static readonly Rule UserMasterIdentifierUuid = E("jp.users.user_master_identifier.uuid",
        "userMasterIdentifier '{0}' must be a UUID in {1}.",
        "{1} では userMasterIdentifier「{0}」は UUID でなければなりません。");
    public static readonly Rule UserMasterIdentifierDuplicate = E("jp.users.user_master_identifier.duplicate",
        "userMasterIdentifier '{0}' is already used by another user (line {1}).",
        "userMasterIdentifier「{0}」は他のユーザー（{1}行目）で既に使用されています。");
    public static readonly Rule EnabledUser = W("jp.users.enabled_user",
        "enabledUser is 'false': the Japan Profile fixes it to 'true'; remove users with status 'tobedeleted' instead.",
        "enabledUser が「false」です。日本プロファイルでは「true」固定です。利用停止の場合は status「tobedeleted」で削除してください。");
    public static readonly Rule HomeClass = E("jp.users.home_class",
        "metadata.jp.homeClass '{0}' does not name a class in classes.csv.",
        "metadata.jp.homeClass「{0}」に該当するクラスが classes.csv にありません。");
    public static readonly Rule HomeClassUnverified = W("jp.users.home_class_unverified",
        "metadata.jp.homeClass '{0}' is not in this package's classes.csv ({1}); it must already be stored.",
        "metadata.jp.homeClass「{0}」はこのパッケージの classes.csv（{1}）にありません。既存データに存在する必要があります。");

    // ---- roles ---------------------------------------------------------------------------------------------------
    public static readonly Rule RoleVocabulary = E("jp.roles.role",
        "Role '{0}' is not allowed by {1} (allowed: {2}).",
        "ロール「{0}」は {1} では使用できません（許可: {2}）。");
    public static readonly Rule SecondaryWithoutPrimary = E("jp.roles.secondary_without_primary",
        "User '{0}' has a secondary role but no primary role.",
        "ユーザー「{0}」には secondary のロールがありますが、primary のロールがありません。");

    // ---- enrollments ---------------------------------------------------------------------------------------------
    public static readonly Rule EnrollmentRole = E("jp.enrollments.role",
        "Enrollment role '{0}' is not allowed by {1} (allowed: student, teacher, administrator, guardian).",
        "所属ロール「{0}」は {1} では使用できません（許可: student、teacher、administrator、guardian）。");
    public static readonly Rule PrimaryRequired = E("jp.enrollments.primary_required",
        "'primary' is required by {0}.",
        "{0} では「primary」は必須です。");
    public static readonly Rule StudentPrimary = E("jp.enrollments.student_primary",
        "A student enrollment must have primary 'false'.",
        "児童生徒（student）の所属では primary は「false」でなければなりません。");
    public static readonly Rule ShussekiNo = E("jp.enrollments.shusseki_no",
        "{0} '{1}' is not an attendance number (出席番号): use a whole number such as 1.",
        "{0}「{1}」は出席番号として不正です。1 のような整数を指定してください。");
    public static readonly Rule PublicFlg = E("jp.enrollments.public_flg",
        "{0} '{1}' is not a boolean: use 'true' or 'false'.",
        "{0}「{1}」は真偽値ではありません。「true」または「false」を使用してください。");

    // ---- demographics --------------------------------------------------------------------------------------------
    public static readonly Rule Sex = E("jp.demographics.sex",
        "sex '{0}' is not allowed by {1}: use male, female, unspecified or other.",
        "性別「{0}」は {1} では使用できません。male、female、unspecified、other のいずれかを使用してください。");

    /// <summary>Every rule of the catalogue, for documentation and tests.</summary>
    public static readonly IReadOnlyList<Rule> All =
    [
        OrgType, DistrictParent, SchoolParentRequired, SchoolParentNotDistrict, SchoolCode, SchoolCodeCheckDigit, BoardCode,
        SessionType, SessionTitle, SessionStartDate, SessionEndDate, SessionSchoolYear,
        CourseCode, CourseTitle, ClassType, SpecialNeeds, Grade, SubjectCode, SourcedIdUuid, HalfWidthKatakana,
        UserRequired, Kana, UserMasterIdentifierUuid, UserMasterIdentifierDuplicate, EnabledUser, HomeClass, HomeClassUnverified,
        RoleVocabulary, SecondaryWithoutPrimary, EnrollmentRole, PrimaryRequired, StudentPrimary, ShussekiNo, PublicFlg, Sex,
    ];
}
