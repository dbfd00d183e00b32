using Koumu.Interop.Schemas.Attendance;

namespace Koumu.Interop.Tests.Attendance;

/// <summary>The canonical code table (japan.md §2.2), its rules, local code mapping and calendar entries.</summary>
public sealed class AttendanceCodeTests
{
    [Fact]
    public void Every_leaf_of_the_reference_table_has_a_code_with_exactly_one_bucket()
    {
        string[] leaves =
        [
            "PRESENT", "PRESENT_DEEMED", "ABSENT_ILLNESS", "ABSENT_ACCIDENT_NOTIFIED", "ABSENT_ACCIDENT_UNNOTIFIED", "ABSENT_OTHER",
            "SUSPENDED_INFECTION", "SUSPENDED_DISCIPLINE", "CLASS_CLOSURE", "BEREAVEMENT", "DISASTER_EXCUSED", "PRINCIPAL_EXCUSED",
            "ONLINE_SPECIAL_LESSON", "NOT_A_SCHOOL_DAY", "STUDYING_ABROAD",
        ];
        Assert.Equal(leaves.Order(), AttendanceCodes.All.Select(AttendanceCodes.Name).Order());
        foreach (var leaf in leaves)
        {
            Assert.True(AttendanceCodes.TryParse(leaf, out var code));
            Assert.Equal(leaf, AttendanceCodes.Name(code));
            Assert.True(Enum.IsDefined(AttendanceCodes.BucketOf(code)));
        }
    }

    [Theory]
    [InlineData("SUSPENDED_INFECTION", YorokuBucket.Excused1Suspension)]
    [InlineData("SUSPENDED_DISCIPLINE", YorokuBucket.Excused1Suspension)]
    [InlineData("CLASS_CLOSURE", YorokuBucket.Excused2ClassClosure)]
    [InlineData("BEREAVEMENT", YorokuBucket.Excused3Bereavement)]
    [InlineData("DISASTER_EXCUSED", YorokuBucket.Excused4Disaster)]
    [InlineData("ONLINE_SPECIAL_LESSON", YorokuBucket.Excused4Disaster)]
    [InlineData("PRINCIPAL_EXCUSED", YorokuBucket.Excused5Principal)]
    [InlineData("PRESENT_DEEMED", YorokuBucket.Present)]
    [InlineData("ABSENT_ACCIDENT_UNNOTIFIED", YorokuBucket.Absent)]
    [InlineData("NOT_A_SCHOOL_DAY", YorokuBucket.NotASchoolDay)]
    public void Codes_fall_into_the_buckets_of_the_notice(string name, YorokuBucket bucket)
    {
        Assert.True(AttendanceCodes.TryParse(name, out var code));
        Assert.Equal(bucket, AttendanceCodes.BucketOf(code));
    }

    [Theory]
    [InlineData("present")]
    [InlineData("PRESENT ")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("ＰＲＥＳＥＮＴ")]
    public void Codes_are_parsed_exactly(string? text) => Assert.False(AttendanceCodes.TryParse(text, out _));

    [Fact]
    public void Vocabulary_names_are_upper_snake_and_round_trip()
    {
        Assert.Equal("EDUCATION_SUPPORT_CENTRE", AttendanceVocabulary.Name(DeemedAttendanceKind.EducationSupportCentre));
        Assert.Equal("ON_DEMAND", AttendanceVocabulary.Name(OnlineLessonMethod.OnDemand));
        Assert.Equal("PARENT_APP", AttendanceVocabulary.Name(ReportedBy.ParentApp));
        foreach (var s in Enum.GetValues<Symptom>())
        {
            Assert.True(AttendanceVocabulary.TryParse<Symptom>(AttendanceVocabulary.Name(s), out var back));
            Assert.Equal(s, back);
        }
    }

    public static TheoryData<AttendanceMark, int?, string, string> Invalid => new()
    {
        { new AttendanceMark { Code = AttendanceCode.PresentDeemed }, null, "deemedKind", AttendanceRules.AttributeRequired },
        { new AttendanceMark { Code = AttendanceCode.SuspendedInfection }, null, "disease", AttendanceRules.AttributeRequired },
        { new AttendanceMark { Code = AttendanceCode.SuspendedInfection, Disease = "FLU" }, null, "disease", AttendanceRules.InvalidValue },
        { new AttendanceMark { Code = AttendanceCode.Bereavement }, null, "relationship", AttendanceRules.AttributeRequired },
        { new AttendanceMark { Code = AttendanceCode.OnlineSpecialLesson }, null, "onlineMethod", AttendanceRules.AttributeRequired },
        { new AttendanceMark { Code = AttendanceCode.Present, Disease = "INFLUENZA" }, null, "disease", AttendanceRules.AttributeNotAllowed },
        { new AttendanceMark { Code = AttendanceCode.AbsentIllness, Late = true }, null, "late", AttendanceRules.ModifierNotAllowed },
        { new AttendanceMark { Code = AttendanceCode.Bereavement, Relationship = BereavementRelationship.Parent, NurseRoom = true }, null, "nurseRoom", AttendanceRules.ModifierNotAllowed },
        { new AttendanceMark { Code = AttendanceCode.Present, ArrivedAt = new TimeOnly(9, 0) }, null, "arrivedAt", AttendanceRules.AttributeNotAllowed },
        { new AttendanceMark { Code = AttendanceCode.Present, Late = true, EarlyLeave = true, ArrivedAt = new TimeOnly(11, 0), LeftAt = new TimeOnly(10, 0) }, null, "leftAt", AttendanceRules.InvalidValue },
        { new AttendanceMark { Code = AttendanceCode.AbsentIllness, Symptoms = [Symptom.Fever, Symptom.Fever] }, null, "symptoms", AttendanceRules.InvalidValue },
        { new AttendanceMark { Code = AttendanceCode.AbsentIllness, Temperature = 38.2m }, null, "temperature", AttendanceRules.AttributeNotAllowed },
        { new AttendanceMark { Code = AttendanceCode.AbsentIllness, Symptoms = [Symptom.Fever], Temperature = 382m }, null, "temperature", AttendanceRules.InvalidValue },
        { new AttendanceMark { Code = AttendanceCode.AbsentOther, Note = new string('あ', 501) }, null, "note", AttendanceRules.InvalidValue },
        { new AttendanceMark { Code = AttendanceCode.ClassClosure }, 2, "code", AttendanceRules.CodeNotForPeriod },
        { new AttendanceMark { Code = AttendanceCode.Present }, 0, "period", AttendanceRules.InvalidValue },
        { new AttendanceMark { Code = AttendanceCode.Present }, 21, "period", AttendanceRules.InvalidValue },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_marks_name_the_field_and_rule(AttendanceMark mark, int? period, string field, string rule) =>
        Assert.Contains(AttendanceRules.Validate(mark, period), p => p.Field == field && p.Rule == rule);

    [Fact]
    public void Complete_marks_of_every_code_are_valid()
    {
        foreach (var code in AttendanceCodes.All) Assert.Empty(AttendanceRules.Validate(AttendanceSamples.Mark(code), null));
        Assert.Empty(AttendanceRules.Validate(new AttendanceMark
        {
            Code = AttendanceCode.Present, Late = true, ArrivedAt = new TimeOnly(9, 30), EarlyLeave = true, LeftAt = new TimeOnly(13, 0),
            NurseRoom = true, Symptoms = [Symptom.Fever, Symptom.Headache], Temperature = 37.8m,
        }, 3));
    }

    [Fact]
    public void Every_disease_has_a_class_from_one_to_three_and_a_unique_code()
    {
        Assert.All(InfectiousDiseases.All, d => Assert.InRange(d.Class, 1, 3));
        Assert.Equal(InfectiousDiseases.All.Count, InfectiousDiseases.All.Select(d => d.Code).Distinct().Count());
        Assert.True(InfectiousDiseases.TryGet("INFLUENZA", out var flu) && flu.Class == 2);
    }

    [Fact]
    public void Local_codes_map_onto_canonical_marks_with_the_records_attributes()
    {
        var map = new LocalCodeMap();
        Assert.Empty(map.Add("kenja", "2", new AttendanceMark { Code = AttendanceCode.SuspendedInfection }));
        Assert.Empty(map.Add("vendor-x", "KS-FLU", new AttendanceMark { Code = AttendanceCode.SuspendedInfection, Disease = "INFLUENZA" }));
        Assert.Empty(map.Add("vendor-x", "CHIKOKU", new AttendanceMark { Code = AttendanceCode.Present, Late = true }));

        Assert.True(map.TryMap("kenja", "2", new AttendanceMark { Code = AttendanceCode.AbsentOther, Disease = "MEASLES" }, out var measles));
        Assert.Equal((AttendanceCode.SuspendedInfection, "MEASLES"), (measles.Code, measles.Disease));
        Assert.True(map.TryMap("vendor-x", "KS-FLU", null, out var flu));
        Assert.Equal("INFLUENZA", flu.Disease);
        Assert.True(map.TryMap("vendor-x", "CHIKOKU", new AttendanceMark { Code = AttendanceCode.Present, ArrivedAt = new TimeOnly(9, 15) }, out var late));
        Assert.True(late.Late);
        Assert.Empty(AttendanceRules.Validate(late, null));
        // Codes are per system and exact.
        Assert.False(map.TryMap("kenja", "KS-FLU", null, out _));
        Assert.False(map.TryMap("vendor-x", "ks-flu", null, out _));
    }

    [Fact]
    public void A_mapping_that_contradicts_its_code_or_repeats_a_key_is_refused()
    {
        var map = new LocalCodeMap();
        Assert.Contains(map.Add("v", "A", new AttendanceMark { Code = AttendanceCode.AbsentIllness, Late = true }), p => p.Rule == AttendanceRules.ModifierNotAllowed);
        Assert.Empty(map.Add("v", "B", new AttendanceMark { Code = AttendanceCode.AbsentIllness }));
        Assert.Contains(map.Add("v", "B", new AttendanceMark { Code = AttendanceCode.AbsentOther }), p => p.Rule == "attendance.duplicate");
        Assert.NotEmpty(map.Add("", "C", new AttendanceMark { Code = AttendanceCode.AbsentOther }));
        Assert.NotEmpty(map.Add("v", new string('x', 65), new AttendanceMark { Code = AttendanceCode.AbsentOther }));
        Assert.Equal(1, map.Count);
    }

    [Theory]
    [InlineData(CalendarScope.Grade, "P3", CalendarDayKind.ClassClosure)]
    [InlineData(CalendarScope.School, null, CalendarDayKind.ClassClosure)]
    [InlineData(CalendarScope.Class, "c1", CalendarDayKind.TemporaryClosure)]
    [InlineData(CalendarScope.Class, null, CalendarDayKind.SchoolDay)]
    [InlineData(CalendarScope.School, "P3", CalendarDayKind.SchoolDay)]
    public void Calendar_entries_keep_closures_at_their_legal_scope(CalendarScope scope, string? key, CalendarDayKind kind) =>
        Assert.Contains(new CalendarEntry(new DateOnly(2026, 6, 1), scope, key, kind).Validate(), p => p.Rule == CalendarEntry.InvalidScope);

    [Fact]
    public void The_most_specific_calendar_entry_wins()
    {
        var d = new DateOnly(2026, 6, 6); // a Saturday
        var calendar = new SchoolCalendar(
        [
            new(d, CalendarScope.School, null, CalendarDayKind.Holiday),
            new(d, CalendarScope.Grade, "P6", CalendarDayKind.SchoolDay), // 学校公開日 for grade 6
            new(d, CalendarScope.Class, "6-2", CalendarDayKind.ClassClosure),
        ]);
        Assert.Equal(CalendarDayKind.Holiday, calendar.Resolve(d, "P5", "5-1"));
        Assert.Equal(CalendarDayKind.SchoolDay, calendar.Resolve(d, "P6", "6-1"));
        Assert.Equal(CalendarDayKind.ClassClosure, calendar.Resolve(d, "P6", "6-2"));
        Assert.Equal(CalendarDayKind.Holiday, calendar.Resolve(d.AddDays(1), "P6", "6-1")); // undeclared = not a school day
    }

    [Theory]
    [InlineData(2026, 4, 1, 2026)]
    [InlineData(2027, 3, 31, 2026)]
    [InlineData(2027, 4, 1, 2027)]
    [InlineData(2026, 1, 15, 2025)]
    public void A_date_belongs_to_the_school_year_whose_April_first_precedes_it(int y, int m, int d, int schoolYear) =>
        Assert.Equal(schoolYear, SchoolYear.Of(new DateOnly(y, m, d)));
}
