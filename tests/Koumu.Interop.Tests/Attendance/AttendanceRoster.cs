using Koumu.Interop.Schemas.Attendance;
using Koumu.Interop.Storage.Attendance;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Attendance;

/// <summary>
/// A roster for attendance tests: 第一小学校 (org-school) with homerooms 3-1 and 3-2 (P3), 第二小学校 (org-school2).
/// s1: 3-1 all year; s2: transfers into 3-1 on 2026-10-01; s3: 3-2; s4: 第二小; s5: left 3-1 after 2026-07-20.
/// </summary>
internal static class AttendanceRoster
{
    public const string School = "org-school";
    public const string School2 = "org-school2";
    public static readonly DateOnly TransferIn = new(2026, 10, 1);
    public static readonly DateOnly TransferOut = new(2026, 7, 20);

    public static PackageBuilder Package() => new PackageBuilder()
        .File("orgs", "bulk", OrgsHeader, [.. OrgRows, "org-school2,,,Second Elementary,school,B113210000029,org-district"])
        .File("academicSessions", "bulk", SessionsHeader, SessionRows)
        .File("courses", "bulk", CoursesHeader, "course-1,,,ay-2026,2026年度 学級,,P3,org-school,,", "course-2,,,ay-2026,2026年度 学級,,P3,org-school2,,")
        .File("classes", "bulk", ClassesHeader,
            "class-3-1,,,3年1組,P3,course-1,,homeroom,,org-school,ay-2026,,,",
            "class-3-2,,,3年2組,P3,course-1,,homeroom,,org-school,ay-2026,,,",
            "class-b-3-1,,,3年1組,P3,course-2,,homeroom,,org-school2,ay-2026,,,")
        .File("users", "bulk", UsersHeader,
            "s1,,,true,pupil1,,太郎,佐藤,,,,,,,P3,,,,,,org-school,",
            "s2,,,true,pupil2,,次郎,鈴木,,,,,,,P3,,,,,,org-school,",
            "s3,,,true,pupil3,,三郎,高橋,,,,,,,P3,,,,,,org-school,",
            "s4,,,true,pupil4,,四郎,田中,,,,,,,P3,,,,,,org-school2,",
            "s5,,,true,pupil5,,五郎,伊藤,,,,,,,P3,,,,,,org-school,")
        .File("roles", "bulk", RolesHeader,
            "r1,,,s1,primary,student,,,org-school,", "r2,,,s2,primary,student,,,org-school,", "r3,,,s3,primary,student,,,org-school,",
            "r4,,,s4,primary,student,,,org-school2,", "r5,,,s5,primary,student,,,org-school,")
        .File("enrollments", "bulk", EnrollmentsHeader,
            "e1,,,class-3-1,org-school,s1,student,false,2026-04-01,",
            "e2,,,class-3-1,org-school,s2,student,false,2026-10-01,",
            "e3,,,class-3-2,org-school,s3,student,false,,",
            "e4,,,class-b-3-1,org-school2,s4,student,false,,",
            "e5,,,class-3-1,org-school,s5,student,false,2026-04-01,2026-07-20");

    public static async Task ImportAsync(TestStore store)
    {
        var outcome = await store.ImportAsync(Package());
        Assert.True(outcome.Committed, string.Join("\n", outcome.Result.Problems.Select(p => p.ToString())));
    }

    public static AttendanceEntry Entry(string pupil, DateOnly date, AttendanceMark mark, int? period = null, string school = School) =>
        new(school, pupil, date, period, mark, ReportedBy.Teacher, "test-suite", null);

    public static AttendanceEntry Entry(string pupil, DateOnly date, AttendanceCode code, int? period = null, string school = School) =>
        Entry(pupil, date, AttendanceSamples.Mark(code), period, school);
}
