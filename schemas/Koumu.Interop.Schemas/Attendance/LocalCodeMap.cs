namespace Koumu.Interop.Schemas.Attendance;

/// <summary>
/// A board's or vendor's own daily codes mapped onto canonical marks (japan.md §0.1: daily categories are set locally,
/// so the hub needs "a canonical code set plus per-vendor mapping"). A local code maps to a canonical code and may fix
/// the attributes that code needs — e.g. Kenja's <c>DI_CD</c> 2 (出停) → <c>SUSPENDED_INFECTION</c>, or a vendor's
/// <c>KS-FLU</c> → <c>SUSPENDED_INFECTION</c> with disease <c>INFLUENZA</c>.
/// Keys are (system, local code), both compared ordinally: codes are identifiers, and a culture-aware match must never
/// turn one school's code into another's.
/// </summary>
public sealed class LocalCodeMap
{
    private readonly Dictionary<(string System, string Code), AttendanceMark> _entries = [];

    public int Count => _entries.Count;

    /// <summary>Adds a mapping; the template must itself be a valid day mark except for attributes the sender supplies.</summary>
    public IReadOnlyList<AttendanceProblem> Add(string system, string localCode, AttendanceMark template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var problems = new List<AttendanceProblem>();
        if (string.IsNullOrWhiteSpace(system) || system.Length > 64) problems.Add(new("system", AttendanceRules.InvalidValue, "'system' is 1–64 characters."));
        if (string.IsNullOrWhiteSpace(localCode) || localCode.Length > 64) problems.Add(new("localCode", AttendanceRules.InvalidValue, "'localCode' is 1–64 characters."));
        // Required attributes may come from the record later (a vendor code for "infection" with the disease per record), but an
        // attribute that does not belong to the canonical code is a mapping error now.
        problems.AddRange(AttendanceRules.Validate(template, null).Where(p => p.Rule != AttendanceRules.AttributeRequired));
        if (problems.Count == 0 && !_entries.TryAdd((system, localCode), template))
            problems.Add(new("localCode", "attendance.duplicate", $"'{AttendanceRules.Truncate(localCode)}' of '{AttendanceRules.Truncate(system)}' is mapped twice."));
        return problems;
    }

    /// <summary>
    /// The canonical mark of <paramref name="localCode"/> from <paramref name="system"/>, with the record's own attributes
    /// (<paramref name="overlay"/>: the code is replaced, attributes the record sets win over the template's).
    /// </summary>
    public bool TryMap(string system, string localCode, AttendanceMark? overlay, out AttendanceMark mark)
    {
        if (!_entries.TryGetValue((system, localCode), out var template))
        {
            mark = null!;
            return false;
        }
        mark = overlay is null ? template : overlay with
        {
            Code = template.Code,
            DeemedKind = overlay.DeemedKind ?? template.DeemedKind,
            Facility = overlay.Facility ?? template.Facility,
            Disease = overlay.Disease ?? template.Disease,
            Relationship = overlay.Relationship ?? template.Relationship,
            OnlineMethod = overlay.OnlineMethod ?? template.OnlineMethod,
            OnlineParticipated = overlay.OnlineParticipated ?? template.OnlineParticipated,
            Late = overlay.Late || template.Late,
            EarlyLeave = overlay.EarlyLeave || template.EarlyLeave,
            NurseRoom = overlay.NurseRoom || template.NurseRoom,
            SeparateRoom = overlay.SeparateRoom || template.SeparateRoom,
            Symptoms = overlay.Symptoms.Count > 0 ? overlay.Symptoms : template.Symptoms,
        };
        return true;
    }
}
