using System.Text.RegularExpressions;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;
using static Koumu.Interop.Schemas.Profiles.Japan.JapanText;

namespace Koumu.Interop.Schemas.Profiles.Japan;

/// <summary>
/// users: kana names (full-width katakana; required in the standard models), userMasterIdentifier (UUID, unique) and
/// preferred names required in the standard models, enabledUser fixed true, metadata.jp.homeClass names a class
/// (MEIBO japan_profile user.rb/user_set.rb, eportal/v3/user.rb, eportal/v4/user.rb; K社 ib0049–ib0052, ib1073, ib1093, ib1094).
/// </summary>
internal sealed class UserChecks(JapanProfileSettings settings) : IProfileRule
{
    private const string Key = "jp.users";
    private const string KanaGivenName = "metadata.jp.kanaGivenName";
    private const string KanaFamilyName = "metadata.jp.kanaFamilyName";
    private const string HomeClassColumn = "metadata.jp.homeClass";

    private static readonly string[] KanaColumns =
    [
        KanaGivenName, KanaFamilyName, "metadata.jp.kanaMiddleName",
        "metadata.jp.kanaPreferredGivenName", "metadata.jp.kanaPreferredFamilyName", "metadata.jp.kanaPreferredMiddleName",
    ];

    private static readonly string[] RequiredSpecColumns = ["userMasterIdentifier", "preferredGivenName", "preferredFamilyName"];

    private sealed class UserState
    {
        /// <summary>Active and deleted classes of the package (classes.csv is read before users.csv).</summary>
        public HashSet<UInt128> Classes { get; } = [];
        public HashSet<UInt128> DeletedClasses { get; } = [];

        /// <summary>Every userMasterIdentifier (the UUID's 128 bits) with its line, partitioned by hash; checked in <see cref="Complete"/>.</summary>
        public HashPartitions? MasterIdentifiers { get; set; }

        /// <summary>Required kana columns missing from the header (reported once there, not on every row).</summary>
        public HashSet<string> MissingKanaColumns { get; } = new(StringComparer.Ordinal);
    }

    public void CheckHeader(CsvFileDefinition file, IReadOnlyList<string> header, ProfileContext context, IProblemSink sink)
    {
        if (file != CsvBinding.Users || !settings.StandardModel) return;
        var state = State<UserState>(context, Key);
        foreach (var column in new[] { KanaGivenName, KanaFamilyName })
        {
            if (header.Contains(column)) continue;
            state.MissingKanaColumns.Add(column);
            sink.Report(JapanRules.UserRequired.At(file.FileName, 1, column, null, column, context.Profile.Title));
        }
    }

    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.File == CsvBinding.Classes)
        {
            var classes = State<UserState>(context, Key);
            (record.IsDeletion ? classes.DeletedClasses : classes.Classes).Add(Hash(record.SourcedId));
            return;
        }
        if (record.File != CsvBinding.Users || record.IsDeletion) return;
        var state = State<UserState>(context, Key);

        if (record["enabledUser"] is false)
            Report(sink, JapanRules.EnabledUser, record, "enabledUser", "false");

        foreach (var column in KanaColumns)
            if (record.Extension(column) is { } kana && !IsFullWidthKatakana(kana))
                Report(sink, JapanRules.Kana, record, column, kana, column, kana);

        if (settings.StandardModel) CheckStandardModel(record, context, state, sink);
        CheckHomeClass(record, context, state, sink);
    }

    private static void CheckStandardModel(CsvRecord record, ProfileContext context, UserState state, IProblemSink sink)
    {
        foreach (var column in RequiredSpecColumns)
            if (record.Text(column) is null)
                Report(sink, JapanRules.UserRequired, record, column, null, column, context.Profile.Title);
        foreach (var column in new[] { KanaGivenName, KanaFamilyName })
            if (!state.MissingKanaColumns.Contains(column) && record.Extension(column) is null)
                Report(sink, JapanRules.UserRequired, record, column, null, column, context.Profile.Title);

        if (record.Text("userMasterIdentifier") is not { } master) return;
        if (!IsUuid(master) || !Guid.TryParseExact(master, "D", out var guid))
        {
            Report(sink, JapanRules.UserMasterIdentifierUuid, record, "userMasterIdentifier", master, master, context.Profile.Title);
            return;
        }
        // Uniqueness across a prefecture's millions of users is checked once the package is read, one hash partition at
        // a time (bounded memory, like the reference layer's sourcedIds).
        (state.MasterIdentifiers ??= context.NewPartitions()).Add(HashPartitions.PartitionOf(Hash(master.ToLowerInvariant())), ToKey(guid), HashEntry.LineTag(record.Line, 0));
    }

    private static UInt128 ToKey(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes);
    }

    private static Guid FromKey(UInt128 key)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(bytes, key);
        return new Guid(bytes);
    }

    public void Complete(ProfileContext context, IProblemSink sink)
    {
        if (!context.State.TryGetValue(Key, out var value) || ((UserState)value).MasterIdentifiers is not { } identifiers) return;
        // A repeated identifier is reported at its later line, naming the first; the UUID is named in its canonical form.
        var found = new List<(long Line, long First, UInt128 Key)>();
        var table = new PartitionTable();
        for (var p = 0; p < HashPartitions.Count; p++)
        {
            table.Reset(identifiers.SizeOf(p));
            var state = (Table: table, Found: found, Sink: sink);
            identifiers.Read(p, ref state, static (ref (PartitionTable Table, List<(long, long, UInt128)> Found, IProblemSink Sink) s, in HashEntry e) =>
            {
                var other = s.Table.Add(e.Hash, e.Line, deletion: false);
                if (other == 0) return;
                var (line, first) = (Math.Max(other, e.Line), Math.Min(other, e.Line));
                // Beyond the problems a result keeps, a hostile file's repeats are counted, not collected.
                if (s.Found.Count < 100_000) s.Found.Add((line, first, e.Hash));
                else s.Sink.Report(JapanRules.UserMasterIdentifierDuplicate.At(CsvBinding.Users.FileName, line, "userMasterIdentifier", null, "", first));
            });
        }
        foreach (var (line, first, key) in found.OrderBy(f => f.Line))
        {
            var master = FromKey(key).ToString("D");
            sink.Report(JapanRules.UserMasterIdentifierDuplicate.At(CsvBinding.Users.FileName, line, "userMasterIdentifier", master, master, first));
        }
    }

    private static void CheckHomeClass(CsvRecord record, ProfileContext context, UserState state, IProblemSink sink)
    {
        if (record.Extension(HomeClassColumn) is not { } homeClass) return;
        var hash = Hash(homeClass);
        if (state.Classes.Contains(hash)) return;
        var mode = context.Modes.GetValueOrDefault(CsvBinding.Classes.Name, ProcessingMode.Absent);
        // A bulk classes.csv replaces every class, so the class must be in it; so must one this package deletes.
        if (mode == ProcessingMode.Bulk || state.DeletedClasses.Contains(hash))
            Report(sink, JapanRules.HomeClass, record, HomeClassColumn, homeClass, homeClass);
        else
            Report(sink, JapanRules.HomeClassUnverified, record, HomeClassColumn, homeClass, homeClass, mode.ToString().ToLowerInvariant());
    }
}

/// <summary>roles: the standard models' role vocabulary (K社 ib1039 ∪ M社); a secondary role needs a primary role for the same user (K社 ib1099).</summary>
internal sealed class RoleChecks(JapanProfileSettings settings) : IProfileRule
{
    private const string Key = "jp.roles";

    private sealed class RoleState
    {
        /// <summary>Users with a primary role, partitioned by hash (a prefecture has millions); looked up in <see cref="Complete"/>.</summary>
        public HashPartitions? UsersWithPrimary { get; set; }

        /// <summary>First secondary role per user: (user id, line). Bounded by the number of users with a secondary role.</summary>
        public Dictionary<UInt128, (string User, long Line)> FirstSecondary { get; } = [];
    }

    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.File != CsvBinding.Roles || record.IsDeletion) return;
        if (settings.StandardModel && record.Text("role") is { } role && !JapanProfileSettings.StandardModelRoles.Contains(role))
            Report(sink, JapanRules.RoleVocabulary, record, "role", role, role, context.Profile.Title,
                string.Join(", ", JapanProfileSettings.StandardModelRoles));

        if (record.Text("userSourcedId") is not { } user) return;
        var state = State<RoleState>(context, Key);
        var hash = Hash(user);
        switch (record.Text("roleType"))
        {
            case "primary":
                (state.UsersWithPrimary ??= context.NewPartitions()).Add(hash, 0);
                break;
            case "secondary":
                state.FirstSecondary.TryAdd(hash, (user, record.Line));
                break;
        }
    }

    public void Complete(ProfileContext context, IProblemSink sink)
    {
        // In a delta roles.csv the user's primary role may already be stored: only a bulk file is complete.
        if (context.Modes.GetValueOrDefault(CsvBinding.Roles.Name) != ProcessingMode.Bulk) return;
        if (!context.State.TryGetValue(Key, out var value)) return;
        var state = (RoleState)value;
        var missing = new List<(string User, long Line)>();
        var table = new PartitionTable();
        foreach (var group in state.FirstSecondary.GroupBy(kv => HashPartitions.PartitionOf(kv.Key)))
        {
            var primaries = state.UsersWithPrimary;
            table.Reset(primaries?.SizeOf(group.Key) ?? 0);
            primaries?.Read(group.Key, ref table, static (ref PartitionTable t, in HashEntry e) => t.Add(e.Hash, 1, deletion: false));
            foreach (var (hash, (user, line)) in group)
                if (table.Lookup(hash) == PartitionTable.Absent) missing.Add((user, line));
        }
        foreach (var (user, line) in missing.OrderBy(m => m.Line))
            sink.Report(JapanRules.SecondaryWithoutPrimary.At(CsvBinding.Roles.FileName, line, "userSourcedId", user, user));
    }
}

/// <summary>
/// enrollments: role vocabulary with guardian, primary false for students and required in the standard models,
/// metadata.jp.shussekiNo integer, metadata.jp.publicFlg boolean (MEIBO japan_profile enrollment.rb,
/// eportal/v3/enrollment.rb, pse_interoperability_standard/v6/enrollment.rb; K社 ib1082).
/// </summary>
internal sealed partial class EnrollmentChecks(JapanProfileSettings settings) : IProfileRule
{
    private const string Key = "jp.enrollments.header";
    private const string ShussekiNo = "metadata.jp.shussekiNo";
    private const string PublicFlg = "metadata.jp.publicFlg";

    /// <summary>The header spelling of the two extension columns, so problems name the column as the file writes it.</summary>
    private sealed class HeaderNames
    {
        public string ShussekiNo { get; set; } = EnrollmentChecks.ShussekiNo;
        public string PublicFlg { get; set; } = EnrollmentChecks.PublicFlg;
    }

    public void CheckHeader(CsvFileDefinition file, IReadOnlyList<string> header, ProfileContext context, IProblemSink sink)
    {
        if (file != CsvBinding.Enrollments) return;
        var names = State<HeaderNames>(context, Key);
        foreach (var column in header)
        {
            // The pipeline stores legacy spellings (ShussekiNo, PublicFlg, publickFlg) under the current names.
            var normalised = PackageProcessor.NormaliseExtensionName(column);
            if (normalised == ShussekiNo) names.ShussekiNo = column;
            else if (normalised == PublicFlg) names.PublicFlg = column;
        }
    }

    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.File != CsvBinding.Enrollments || record.IsDeletion) return;
        var role = record.Text("role");
        if (role is not null && !JapanProfileSettings.EnrollmentRoles.Contains(role))
            Report(sink, JapanRules.EnrollmentRole, record, "role", role, role, context.Profile.Title);

        var primary = record["primary"] as bool?;
        if (settings.StandardModel && primary is null)
            Report(sink, JapanRules.PrimaryRequired, record, "primary", null, context.Profile.Title);
        if (role == "student" && primary == true)
            Report(sink, JapanRules.StudentPrimary, record, "primary", "true");

        var names = State<HeaderNames>(context, Key);
        if (record.Extension(ShussekiNo) is { } number && !AttendanceNumber().IsMatch(number))
            Report(sink, JapanRules.ShussekiNo, record, names.ShussekiNo, number, names.ShussekiNo, number);
        if (record.Extension(PublicFlg) is { } flag && flag is not ("true" or "false"))
            Report(sink, JapanRules.PublicFlg, record, names.PublicFlg, flag, names.PublicFlg, flag);
    }

    /// <summary>出席番号: a non-negative whole number (MEIBO `integer`), at most 9 digits so it fits every store.</summary>
    [GeneratedRegex("^[0-9]{1,9}$")]
    private static partial Regex AttendanceNumber();
}

/// <summary>demographics.sex: the four base values only, no ext: values (MEIBO japan_profile demographic.rb).</summary>
internal sealed class DemographicChecks : IProfileRule
{
    public void CheckRecord(CsvRecord record, ProfileContext context, IProblemSink sink)
    {
        if (record.File != CsvBinding.Demographics || record.IsDeletion) return;
        if (record.Text("sex") is { } sex && sex is not ("male" or "female" or "unspecified" or "other"))
            Report(sink, JapanRules.Sex, record, "sex", sex, sex, context.Profile.Title);
    }
}
