using System.Globalization;
using System.Text.RegularExpressions;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Japan;
using Koumu.Interop.Schemas.Validation;
using static Koumu.Interop.Schemas.Profiles.Japan.JapanText;

namespace Koumu.Interop.Schemas.Profiles.Japan;

/// <summary>sourcedIds are UUIDs in every file of the standard models (K社 ib1061–ib1076, M社 `uuid`).</summary>
internal sealed class SourcedIdUuidCheck : IProfileRule
{
    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (!IsUuid(record.SourcedId))
            Report(sink, JapanRules.SourcedIdUuid, record, "sourcedId", record.SourcedId, record.SourcedId, context.Profile.Title);
    }
}

/// <summary>
/// orgs: only district (教育委員会) and school; a district has no parent; a school has a district parent;
/// identifiers are MEXT codes (MEIBO japan_profile organization(_set).rb; K社 ib1095, ib1098, ib1102).
/// </summary>
internal sealed class OrgChecks : IProfileRule
{
    private const string Key = "jp.orgs";

    private sealed class OrgState
    {
        /// <summary>Type of every org of the package, by id hash (orgs files are small; one entry per org).</summary>
        public Dictionary<UInt128, string> Types { get; } = [];

        /// <summary>Schools whose parent type can only be checked once the whole file was read (parents may come later).</summary>
        public List<(string Parent, long Line)> SchoolParents { get; } = [];
    }

    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.File != CsvBinding.Orgs || record.IsDeletion) return;
        var state = State<OrgState>(context, Key);
        var type = record.Text("type");
        var parent = record.Text("parentSourcedId");
        var identifier = record.Text("identifier");
        if (type is null) return; // already reported by the type layer
        state.Types[Hash(record.SourcedId)] = type switch { "district" => "district", "school" => "school", _ => type };

        switch (type)
        {
            case "district":
                if (parent is not null) Report(sink, JapanRules.DistrictParent, record, "parentSourcedId", parent, parent);
                if (identifier is not null && !MextCodes.IsValidBoardCode(identifier))
                    Report(sink, JapanRules.BoardCode, record, "identifier", identifier, identifier);
                break;
            case "school":
                if (parent is null) Report(sink, JapanRules.SchoolParentRequired, record, "parentSourcedId", null);
                else state.SchoolParents.Add((parent, record.Line));
                if (identifier is null) break;
                if (!MextCodes.HasSchoolCodeFormat(identifier))
                    Report(sink, JapanRules.SchoolCode, record, "identifier", identifier, identifier);
                else if (!MextCodes.IsValidSchoolCode(identifier))
                    Report(sink, JapanRules.SchoolCodeCheckDigit, record, "identifier", identifier, identifier,
                        MextCodes.ComputeSchoolCodeCheckDigit(identifier.AsSpan(0, 12)));
                break;
            default:
                Report(sink, JapanRules.OrgType, record, "type", type, type, context.Profile.Title);
                break;
        }
    }

    public void Complete(ProfileContext context, IProblemSink sink)
    {
        if (!context.State.TryGetValue(Key, out var value)) return;
        var state = (OrgState)value;
        foreach (var (parent, line) in state.SchoolParents)
        {
            // A parent outside the package is the reference layer's business (unresolved or stored).
            if (state.Types.TryGetValue(Hash(parent), out var parentType) && parentType != "district")
                sink.Report(JapanRules.SchoolParentNotDistrict.At(CsvBinding.Orgs.FileName, line, "parentSourcedId", parent, parent, parentType));
        }
    }
}

/// <summary>
/// academicSessions: one schoolYear per 年度, titled YYYY年度, from April 1 to March 31
/// (MEIBO japan_profile academic_session.rb; K社 ib1003, ib1062).
/// </summary>
internal sealed partial class AcademicSessionChecks : IProfileRule
{
    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.File != CsvBinding.AcademicSessions || record.IsDeletion) return;
        var type = record.Text("type");
        if (type is not null && type != "schoolYear")
            Report(sink, JapanRules.SessionType, record, "type", type, type, context.Profile.Title);

        var title = record.Text("title");
        var start = record["startDate"] as DateOnly?;
        int? year = null;
        if (title is not null)
        {
            var match = FiscalYearTitle().Match(title);
            var parsed = match.Success ? int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) : 0;
            // 0000年度 and 9999年度 name no 年度 that has an April 1 and a following March 31.
            if (parsed is >= 1 and <= 9998) year = parsed;
            else Report(sink, JapanRules.SessionTitle, record, "title", title, title);
        }
        year ??= start?.Year;
        if (year is not { } y || y < 1 || y > 9998) return;

        var expectedStart = new DateOnly(y, 4, 1);
        var expectedEnd = new DateOnly(y + 1, 3, 31);
        if (start is { } s && s != expectedStart)
            Report(sink, JapanRules.SessionStartDate, record, "startDate", Iso(s), Iso(s), Iso(expectedStart));
        if (record["endDate"] is DateOnly e && e != expectedEnd)
            Report(sink, JapanRules.SessionEndDate, record, "endDate", Iso(e), Iso(e), Iso(expectedEnd));

        // 年度 names the start year; base OneRoster's schoolYear is the end year. Both are accepted (docs/profiles.md).
        if (record.Text("schoolYear") is { } schoolYear
            && int.TryParse(schoolYear, NumberStyles.None, CultureInfo.InvariantCulture, out var sy) && sy != y && sy != y + 1)
            Report(sink, JapanRules.SessionSchoolYear, record, "schoolYear", schoolYear, schoolYear, y, y + 1);
    }

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^([0-9]{4})年度$")]
    private static partial Regex FiscalYearTitle();
}

/// <summary>courses: courseCode empty (MEIBO course.rb, K社 ib1080); in the standard models the title starts with YYYY年度 (K社 ib1078).</summary>
internal sealed partial class CourseChecks(JapanProfileSettings settings) : IProfileRule
{
    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.File != CsvBinding.Courses || record.IsDeletion) return;
        if (record.Text("courseCode") is { } code)
            Report(sink, JapanRules.CourseCode, record, "courseCode", code, code, context.Profile.Title);
        if (settings.StandardModel && record.Text("title") is { } title && !CourseTitle().IsMatch(title))
            Report(sink, JapanRules.CourseTitle, record, "title", title, title);
    }

    [GeneratedRegex(@"^[0-9]{4}年度")]
    private static partial Regex CourseTitle();
}

/// <summary>classes: classType homeroom/scheduled without ext: values (MEIBO classroom.rb); metadata.jp.specialNeeds boolean (K社 ib1067).</summary>
internal sealed class ClassChecks : IProfileRule
{
    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.File != CsvBinding.Classes || record.IsDeletion) return;
        if (record.Text("classType") is { } type && type is not ("homeroom" or "scheduled"))
            Report(sink, JapanRules.ClassType, record, "classType", type, type, context.Profile.Title);
        if (record.Extension("metadata.jp.specialNeeds") is { } special && special is not ("true" or "false"))
            Report(sink, JapanRules.SpecialNeeds, record, "metadata.jp.specialNeeds", special, special);
    }
}

/// <summary>grades (users, classes, courses) and subjectCodes (courses, classes) from configurable MEXT code lists.</summary>
internal sealed class CodeListChecks(JapanProfileSettings settings) : IProfileRule
{
    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.IsDeletion) return;
        var file = record.File;
        if (file == CsvBinding.Users || file == CsvBinding.Classes || file == CsvBinding.Courses)
            CheckList(record, "grades", settings.GradeCodes(context.Options), JapanRules.Grade, sink);
        if ((file == CsvBinding.Classes || file == CsvBinding.Courses) && settings.SubjectCodes(context.Options) is { } subjects)
            CheckList(record, "subjectCodes", subjects, JapanRules.SubjectCode, sink);
    }

    private static void CheckList(CsvRecord record, string column, IReadOnlySet<string> allowed, Rule rule, IProblemSink sink)
    {
        if (record.Text(column) is not { } list) return;
        foreach (var item in list.Split(','))
            if (!allowed.Contains(item))
                Report(sink, rule, record, column, item, item, string.Join(", ", allowed.Order(StringComparer.Ordinal)));
    }
}

/// <summary>
/// No half-width katakana in names, titles, location, org name and userProfile descriptions
/// (MEIBO eportal/v3 `fullwidth`; K社 ib1064, ib1066, ib1077, ib1083–ib1088, ib1100; M社 `notHalfKana`). Kana columns
/// are checked more strictly by <see cref="UserChecks"/>.
/// </summary>
internal sealed class FullWidthTextChecks : IProfileRule
{
    private static readonly Dictionary<CsvFileDefinition, string[]> Columns = new()
    {
        [CsvBinding.Orgs] = ["name"],
        [CsvBinding.Courses] = ["title"],
        [CsvBinding.Classes] = ["title", "location"],
        [CsvBinding.Users] = ["givenName", "familyName", "middleName", "preferredGivenName", "preferredMiddleName", "preferredFamilyName"],
        [CsvBinding.UserProfiles] = ["description"],
    };

    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.IsDeletion || !Columns.TryGetValue(record.File, out var columns)) return;
        foreach (var column in columns)
            if (record.Text(column) is { } text && FirstHalfWidthKatakana(text) is { } c)
                Report(sink, JapanRules.HalfWidthKatakana, record, column, text, column, c, context.Profile.Title);
    }
}
