using System.Globalization;
using Koumu.Interop.Schemas.Csv;

namespace Koumu.Interop.Schemas.Demo;

/// <summary>
/// One walk over the planned roster, writing the rows of the files it was given writers for (others are skipped).
/// Column order follows <see cref="CsvBinding"/> (1.2.1 layout, or 1.2 for users when the profile asks for it), with
/// the metadata.jp.* extension columns after the spec columns (oneroster.md §2.1 "Header row").
/// </summary>
internal sealed class DemoTraversal
{
    private const string ShussekiNo = "metadata.jp.shussekiNo";
    private const string LegacyShussekiNo = "metadata.jp.ShussekiNo";

    private readonly DemoOptions _options;
    private readonly ulong _seed;
    private readonly DemoCsvWriter? _orgs, _sessions, _courses, _classes, _users, _roles, _demographics, _enrollments;
    private readonly PupilDraft[] _drafts;
    private readonly string _yearId, _firstTermId, _secondTermId;

    public DemoTraversal(DemoPlan plan, IReadOnlyDictionary<string, DemoCsvWriter> writers)
    {
        Plan = plan;
        Writers = writers;
        _options = plan.Options;
        _seed = plan.Seed;
        _orgs = writers.GetValueOrDefault("orgs");
        _sessions = writers.GetValueOrDefault("academicSessions");
        _courses = writers.GetValueOrDefault("courses");
        _classes = writers.GetValueOrDefault("classes");
        _users = writers.GetValueOrDefault("users");
        _roles = writers.GetValueOrDefault("roles");
        _demographics = writers.GetValueOrDefault("demographics");
        _enrollments = writers.GetValueOrDefault("enrollments");
        _drafts = new PupilDraft[_options.PupilsPerClass];
        _yearId = DemoRandom.Uuid(_seed, EntityKind.Session, 0);
        _firstTermId = DemoRandom.Uuid(_seed, EntityKind.Session, 1);
        _secondTermId = DemoRandom.Uuid(_seed, EntityKind.Session, 2);
    }

    public DemoPlan Plan { get; }

    public IReadOnlyDictionary<string, DemoCsvWriter> Writers { get; }

    public long Pupils { get; private set; }

    public long Teachers { get; private set; }

    public long Guardians { get; private set; }

    public void Run()
    {
        WriteHeaders();
        WriteSessions();
        foreach (var board in Plan.Boards)
        {
            // Japan profile: a district (教育委員会) has no parent; identifier = 教育委員会コード (oneroster.md §3.3).
            if (_orgs is { } w)
            {
                Id(w, EntityKind.Board, board.Index);
                w.Empty(2);
                w.Field(board.Name);
                w.Ascii("district");
                w.Ascii(board.Code);
                w.Empty();
                w.EndRecord();
            }
        }
        long pupil = 0;
        foreach (var school in Plan.Schools) pupil = WriteSchool(school, pupil);
    }

    private void WriteHeaders()
    {
        _orgs?.Header(Names(CsvBinding.Orgs.Layout121));
        _sessions?.Header(Names(CsvBinding.AcademicSessions.Layout121));
        _courses?.Header(Names(CsvBinding.Courses.Layout121));
        _classes?.Header(Names(CsvBinding.Classes.Layout121).Append("metadata.jp.specialNeeds"));
        _users?.Header(Names(_options.Profile.UsersLayout12 ? CsvBinding.Users.Layout12 : CsvBinding.Users.Layout121)
            .Concat(["metadata.jp.kanaGivenName", "metadata.jp.kanaFamilyName", "metadata.jp.homeClass"]));
        _roles?.Header(Names(CsvBinding.Roles.Layout121));
        _demographics?.Header(Names(CsvBinding.Demographics.Layout121));
        _enrollments?.Header(Names(CsvBinding.Enrollments.Layout121)
            .Append(_options.Profile.LegacyEnrollmentExtensionNames ? LegacyShussekiNo : ShussekiNo));

        static IEnumerable<string> Names(IReadOnlyList<ColumnDefinition> columns) => columns.Select(c => c.Name);
    }

    private void WriteSessions()
    {
        if (_sessions is not { } w) return;
        var start = _options.SchoolYear;
        // Base OneRoster: schoolYear = the school year's END year (see DemoGenerator remarks); 2026年度 → 2027.
        var endYear = (start + 1).ToString(CultureInfo.InvariantCulture);
        var title = start.ToString(CultureInfo.InvariantCulture) + "年度";
        Session(_yearId, title, "schoolYear", new DateOnly(start, 4, 1), new DateOnly(start + 1, 3, 31), null);
        if (!_options.Terms) return;
        // 前期/後期 (two-term system): 4/1–9/30 and 10/1–3/31.
        Session(_firstTermId, title + " 前期", "term", new DateOnly(start, 4, 1), new DateOnly(start, 9, 30), _yearId);
        Session(_secondTermId, title + " 後期", "term", new DateOnly(start, 10, 1), new DateOnly(start + 1, 3, 31), _yearId);

        void Session(string id, string title, string type, DateOnly begin, DateOnly end, string? parent)
        {
            w.Ascii(id);
            w.Empty(2);
            w.Field(title);
            w.Ascii(type);
            w.Field(begin);
            w.Field(end);
            if (parent is null) w.Empty(); else w.Ascii(parent);
            w.Ascii(endYear);
            w.EndRecord();
        }
    }

    private long WriteSchool(DemoPlan.School school, long pupil)
    {
        var schoolId = DemoRandom.Uuid(_seed, EntityKind.School, school.Index);
        var board = Plan.Boards[school.Board];
        if (_orgs is { } o)
        {
            // Japan profile: a school has a district parent; identifier = 学校コード (oneroster.md §3.3).
            o.Ascii(schoolId);
            o.Empty(2);
            o.Field(school.Name);
            o.Ascii("school");
            o.Ascii(school.Code);
            Id(o, EntityKind.Board, board.Index);
            o.EndRecord();
        }

        var subjects = school.Elementary ? Subjects.Elementary : Subjects.Junior;
        var teacher = 0;
        for (var g = 0; g < school.PupilsPerGrade.Length; g++)
        {
            var pupils = school.PupilsPerGrade[g];
            if (pupils == 0) continue;
            var grade = (school.Elementary ? "P" : "J") + (g + 1).ToString(CultureInfo.InvariantCulture);
            var gradeName = (g + 1).ToString(CultureInfo.InvariantCulture) + "年";
            var yearTitle = _options.SchoolYear.ToString(CultureInfo.InvariantCulture) + "年度 ";
            var classSubjects = Subjects.ClassSubjects(school.Elementary, g + 1, _options.SubjectClassesPerHomeroom);

            // Courses: ホームルーム plus every 教科 taught in this grade; courseCode is fixed empty in the Japan profile.
            var homeroomCourse = CourseId(school, g, 0);
            Course(homeroomCourse, yearTitle + "ホームルーム", grade, schoolId, default);
            for (var s = 0; s < subjects.Length; s++)
                if (Subjects.IsTaught(school.Elementary, g + 1, s))
                    Course(CourseId(school, g, s + 1), yearTitle + subjects[s].Name, grade, schoolId, subjects[s]);

            var classes = Plan.ClassCount(pupils);
            for (var k = 0; k < classes; k++)
            {
                var size = pupils / classes + (k < pupils % classes ? 1 : 0);
                var title = gradeName + (k + 1).ToString(CultureInfo.InvariantCulture) + "組";
                var code = (g + 1).ToString(CultureInfo.InvariantCulture) + "-" + (k + 1).ToString(CultureInfo.InvariantCulture);
                var homeroom = ClassId(school, g, k, 0);
                Class(homeroom, title, grade, homeroomCourse, code, "homeroom", schoolId, default);
                var subjectClassIds = new string[classSubjects.Length];
                for (var i = 0; i < classSubjects.Length; i++)
                {
                    var subject = subjects[classSubjects[i]];
                    subjectClassIds[i] = ClassId(school, g, k, classSubjects[i] + 1);
                    Class(subjectClassIds[i], title + " " + subject.Name, grade, CourseId(school, g, classSubjects[i] + 1),
                        code + "-" + subject.Code, "scheduled", schoolId, subject);
                }

                // 学級担任: in 小学校 the homeroom teacher also teaches the class's subjects; in 中学校 subject teachers do.
                var homeroomTeacher = Teacher(school, board, schoolId, teacher++);
                TeacherEnrollment(school, g, k, 0, homeroom, schoolId, homeroomTeacher);
                if (school.Elementary)
                    for (var i = 0; i < classSubjects.Length; i++)
                        TeacherEnrollment(school, g, k, classSubjects[i] + 1, subjectClassIds[i], schoolId, homeroomTeacher);

                WritePupils(school, board, schoolId, g, grade, homeroom, subjectClassIds, pupil, size);
                pupil += size;
            }

            if (!school.Elementary)
            {
                // One 教科担任 per grade and subject teaches that subject in every class of the grade.
                for (var i = 0; i < classSubjects.Length; i++)
                {
                    var subjectTeacher = Teacher(school, board, schoolId, teacher++);
                    for (var k = 0; k < classes; k++)
                        TeacherEnrollment(school, g, k, classSubjects[i] + 1, ClassId(school, g, k, classSubjects[i] + 1), schoolId, subjectTeacher);
                }
            }
        }
        return pupil;
    }

    private void WritePupils(DemoPlan.School school, DemoPlan.Board board, string schoolId, int g, string grade, string homeroom,
        string[] subjectClassIds, long first, int size)
    {
        // 学齢: a pupil in grade n (1-based over 小1..中3) of 年度 Y was born between (Y−6−n)-04-02 and (Y−5−n)-04-01
        // (学校教育法 第17条: school starts in the April after the sixth birthday; April 1 birthdays go a year earlier).
        var overall = (school.Elementary ? 0 : 6) + g + 1;
        var earliest = new DateOnly(_options.SchoolYear - 6 - overall, 4, 2);
        var span = new DateOnly(_options.SchoolYear - 5 - overall, 4, 1).DayNumber - earliest.DayNumber + 1;

        var drafts = _drafts.AsSpan(0, size);
        for (var j = 0; j < size; j++)
        {
            var index = first + j;
            var rng = new DemoRandom(_seed, EntityKind.PupilTraits, index);
            var male = rng.Next(2) == 0;
            drafts[j] = new PupilDraft(
                index, male, rng.Next(JapaneseNames.Family.Length),
                rng.Next(male ? JapaneseNames.Boys.Length : JapaneseNames.Girls.Length),
                DateOnly.FromDayNumber(earliest.DayNumber + rng.Next(span)),
                rng.Next(2) == 0, rng.Next(JapaneseNames.Men.Length));
        }
        // 出席番号 follows 五十音順 (kana order) of the class list, the usual practice; ties by pupil number.
        drafts.Sort(static (a, b) =>
        {
            var c = string.CompareOrdinal(JapaneseNames.Family[a.Family].Kana, JapaneseNames.Family[b.Family].Kana);
            if (c == 0) c = string.CompareOrdinal(a.GivenName.Kana, b.GivenName.Kana);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });

        Span<char> pupilId = stackalloc char[36];
        Span<char> guardianId = stackalloc char[36];
        Span<char> master = stackalloc char[36];
        Span<char> roleId = stackalloc char[36];
        Span<char> username = stackalloc char[32];
        for (var j = 0; j < size; j++)
        {
            ref readonly var d = ref drafts[j];
            var family = JapaneseNames.Family[d.Family];
            DemoRandom.WriteUuid(pupilId, _seed, EntityKind.Pupil, d.Index);
            if (_options.Guardians) DemoRandom.WriteUuid(guardianId, _seed, EntityKind.Guardian, d.Index);
            Pupils++;

            if (_users is { } u)
            {
                DemoRandom.WriteUuid(master, _seed, EntityKind.PupilMaster, d.Index);
                var given = d.GivenName;
                User(u, pupilId, Username(username, board, 's', d.Index + 1), given, family,
                    _options.Guardians ? guardianId : default, grade, master, schoolId, homeroom);
                if (_options.Guardians)
                {
                    DemoRandom.WriteUuid(master, _seed, EntityKind.GuardianMaster, d.Index);
                    var parent = d.GuardianMale ? JapaneseNames.Men[d.GuardianGiven % JapaneseNames.Men.Length] : JapaneseNames.Women[d.GuardianGiven % JapaneseNames.Women.Length];
                    User(u, guardianId, Username(username, board, 'g', d.Index + 1), parent, family, default, null, master, schoolId, null);
                }
            }
            if (_options.Guardians) Guardians++;

            if (_roles is { } r)
            {
                DemoRandom.WriteUuid(roleId, _seed, EntityKind.PupilRole, d.Index);
                Role(r, roleId, pupilId, "student", schoolId);
                if (_options.Guardians)
                {
                    DemoRandom.WriteUuid(roleId, _seed, EntityKind.GuardianRole, d.Index);
                    Role(r, roleId, guardianId, "guardian", schoolId);
                }
            }

            if (_demographics is { } dm)
            {
                // demographics.sourcedId is the user's sourcedId (OneRoster 1.2 Demographics).
                dm.Ascii(pupilId);
                dm.Empty(2);
                dm.Field(d.Birth);
                dm.Ascii(d.Male ? "male" : "female");
                dm.Empty(11);
                dm.EndRecord();
            }

            if (_enrollments is { } e)
            {
                // Japan profile: students' primary is false (meibo japan_profile enrollment.rb); 出席番号 on the homeroom.
                Enrollment(e, EntityKind.PupilEnrollment, d.Index, 0, homeroom, schoolId, pupilId, "student", false, j + 1);
                for (var i = 0; i < subjectClassIds.Length; i++)
                    Enrollment(e, EntityKind.PupilEnrollment, d.Index, i + 1, subjectClassIds[i], schoolId, pupilId, "student", false, 0);
            }
        }
    }

    private string Teacher(DemoPlan.School school, DemoPlan.Board board, string schoolId, int local)
    {
        var id = DemoRandom.Uuid(_seed, EntityKind.Teacher, school.Index, local);
        Teachers++;
        if (_users is { } u)
        {
            var rng = new DemoRandom(_seed, EntityKind.TeacherTraits, school.Index, local);
            var male = rng.Next(2) == 0;
            var family = JapaneseNames.Family[rng.Next(JapaneseNames.Family.Length)];
            var given = male ? JapaneseNames.Men[rng.Next(JapaneseNames.Men.Length)] : JapaneseNames.Women[rng.Next(JapaneseNames.Women.Length)];
            Span<char> master = stackalloc char[36];
            DemoRandom.WriteUuid(master, _seed, EntityKind.TeacherMaster, school.Index, local);
            Span<char> username = stackalloc char[32];
            User(u, id, Username(username, board, 't', (long)school.Index * 1000 + local + 1), given, family, default, null, master, schoolId, null);
        }
        if (_roles is { } r)
        {
            Span<char> roleId = stackalloc char[36];
            DemoRandom.WriteUuid(roleId, _seed, EntityKind.TeacherRole, school.Index, local);
            Role(r, roleId, id, "teacher", schoolId);
        }
        return id;
    }

    private void TeacherEnrollment(DemoPlan.School school, int g, int k, int slot, string classId, string schoolId, string teacherId)
    {
        // One teacher enrollment per class, so the class key is the enrollment key. Teachers are primary (OneRoster 1.2).
        if (_enrollments is { } e)
            Enrollment(e, EntityKind.TeacherEnrollment, school.Index, ClassKey(g, k, slot), classId, schoolId, teacherId, "teacher", true, 0);
    }

    private void User(DemoCsvWriter w, ReadOnlySpan<char> id, ReadOnlySpan<char> username, JapaneseNames.Name given, JapaneseNames.Name family,
        ReadOnlySpan<char> agent, string? grade, ReadOnlySpan<char> master, string primaryOrg, string? homeClass)
    {
        w.Ascii(id);
        w.Empty(2);                 // status, dateLastModified: blank in bulk files
        w.Ascii("true");            // enabledUser (fixed true in the Japan profile)
        w.Ascii(username);
        w.Empty();                  // userIds
        w.Field(given.Kanji);
        w.Field(family.Kanji);
        w.Empty(5);                 // middleName, identifier, email, sms, phone
        if (agent.IsEmpty) w.Empty(); else w.Ascii(agent);
        if (grade is null) w.Empty(); else w.Ascii(grade);
        w.Empty();                  // password
        w.Ascii(master);            // userMasterIdentifier: a UUID, required from 学習eポータル v3
        if (_options.Profile.UsersLayout12) w.Empty(); // resourceSourcedIds (1.2 layout only)
        w.Field(given.Kanji);       // preferredGivenName
        w.Empty();                  // preferredMiddleName
        w.Field(family.Kanji);      // preferredFamilyName
        w.Ascii(primaryOrg);
        w.Empty();                  // pronouns
        w.Field(given.Kana);
        w.Field(family.Kana);
        if (homeClass is null) w.Empty(); else w.Ascii(homeClass);
        w.EndRecord();
    }

    private static void Role(DemoCsvWriter w, ReadOnlySpan<char> id, ReadOnlySpan<char> user, string role, string org)
    {
        w.Ascii(id);
        w.Empty(2);
        w.Ascii(user);
        w.Ascii("primary");
        w.Ascii(role);
        w.Empty(2);                 // beginDate, endDate
        w.Ascii(org);
        w.Empty();                  // userProfileSourcedId
        w.EndRecord();
    }

    private void Enrollment(DemoCsvWriter w, EntityKind kind, long a, long b, string classId, string schoolId, ReadOnlySpan<char> user,
        string role, bool primary, int shussekiNo)
    {
        Span<char> id = stackalloc char[36];
        DemoRandom.WriteUuid(id, _seed, kind, a, b);
        w.Ascii(id);
        w.Empty(2);
        w.Ascii(classId);
        w.Ascii(schoolId);
        w.Ascii(user);
        w.Ascii(role);
        w.Field(primary);
        w.Empty(2);                 // beginDate, endDate
        if (shussekiNo > 0) w.Field(shussekiNo); else w.Empty();
        w.EndRecord();
    }

    private void Course(string id, string title, string grade, string schoolId, Subjects.Subject subject)
    {
        if (_courses is not { } w) return;
        w.Ascii(id);
        w.Empty(2);
        w.Ascii(_yearId);
        w.Field(title);
        w.Empty();                  // courseCode: fixed "" in the Japan profile
        w.Ascii(grade);
        w.Ascii(schoolId);
        if (subject.Name is null) w.Empty(2);
        else
        {
            w.Field(subject.Name);
            w.Ascii(subject.Code);
        }
        w.EndRecord();
    }

    private void Class(string id, string title, string grade, string courseId, string classCode, string classType, string schoolId, Subjects.Subject subject)
    {
        if (_classes is not { } w) return;
        w.Ascii(id);
        w.Empty(2);
        w.Field(title);
        w.Ascii(grade);
        w.Ascii(courseId);
        w.Field(classCode);
        w.Ascii(classType);
        w.Empty();                  // location
        w.Ascii(schoolId);
        if (_options.Terms) w.AsciiList(_firstTermId, _secondTermId); else w.Ascii(_yearId);
        if (subject.Name is null) w.Empty(2);
        else
        {
            w.Field(subject.Name);
            w.Ascii(subject.Code);
        }
        w.Empty();                  // periods
        w.Ascii("false");           // metadata.jp.specialNeeds: 通常の学級
        w.EndRecord();
    }

    private string CourseId(DemoPlan.School school, int g, int slot) => DemoRandom.Uuid(_seed, EntityKind.Course, school.Index, ((long)g << 8) | (uint)slot);

    private string ClassId(DemoPlan.School school, int g, int k, int slot) => DemoRandom.Uuid(_seed, EntityKind.Class, school.Index, ClassKey(g, k, slot));

    private static long ClassKey(int g, int k, int slot) => ((long)g << 40) | ((long)k << 8) | (uint)slot;

    private void Id(DemoCsvWriter w, EntityKind kind, long a)
    {
        Span<char> id = stackalloc char[36];
        DemoRandom.WriteUuid(id, _seed, kind, a);
        w.Ascii(id);
    }

    private static ReadOnlySpan<char> Username(Span<char> buffer, DemoPlan.Board board, char kind, long number)
    {
        // e.g. 139001-s0000042: the board's 教育委員会コード, a kind letter (s pupil, g guardian, t teacher) and a number.
        board.Code.AsSpan().CopyTo(buffer);
        buffer[6] = '-';
        buffer[7] = kind;
        number.TryFormat(buffer[8..], out var written, "D7", CultureInfo.InvariantCulture);
        return buffer[..(8 + written)];
    }

    private readonly record struct PupilDraft(long Index, bool Male, int Family, int Given, DateOnly Birth, bool GuardianMale, int GuardianGiven)
    {
        public JapaneseNames.Name GivenName => Male ? JapaneseNames.Boys[Given] : JapaneseNames.Girls[Given];
    }
}
