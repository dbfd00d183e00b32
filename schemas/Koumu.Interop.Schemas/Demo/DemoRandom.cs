namespace Koumu.Interop.Schemas.Demo;

/// <summary>
/// The generator's own pseudo-random source: SplitMix64 (Steele, Lea, Flood 2014). System.Random is not used because
/// its algorithm is not part of .NET's compatibility promise, and the same seed must give byte-identical packages
/// on every runtime. Every entity draws from its own stream keyed by (seed, kind, index), so a value never depends on
/// how many other values were drawn before it — which also lets a zip be written one file per pass.
/// </summary>
internal struct DemoRandom
{
    private ulong _state;

    public DemoRandom(ulong seed, EntityKind kind, long a, long b = 0) => _state = Key(seed, kind, a, b, 0x243F6A8885A308D3UL);

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Finalise(_state);
    }

    /// <summary>A value in [0, <paramref name="bound"/>) (Lemire's multiply-shift; the bias is below 2⁻³² for small bounds).</summary>
    public int Next(int bound) => (int)(((NextUInt64() >> 32) * (ulong)bound) >> 32);

    /// <summary>SplitMix64's output function, a bijection on 64-bit values with full avalanche.</summary>
    internal static ulong Finalise(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal static ulong Key(ulong seed, EntityKind kind, long a, long b, ulong lane)
    {
        var h = Finalise(seed ^ lane);
        h = Finalise(h ^ ((ulong)kind * 0x9E3779B97F4A7C15UL));
        h = Finalise(h ^ (ulong)a);
        return Finalise((h + 0xD1B54A32D192ED03UL) ^ (ulong)b);
    }

    /// <summary>
    /// A deterministic version-4-shaped UUID for (seed, kind, a, b). The Japanese validators (K社 ib1061–1076) expect
    /// RFC 4122 v4 syntax; the two 64-bit halves come from independent lanes so a collision needs both to collide.
    /// </summary>
    public static void WriteUuid(Span<char> destination, ulong seed, EntityKind kind, long a, long b = 0)
    {
        var hi = Key(seed, kind, a, b, 0x13198A2E03707344UL);
        var lo = Key(seed, kind, a, b, 0xA4093822299F31D0UL);
        hi = (hi & 0xFFFFFFFFFFFF0FFFUL) | 0x0000000000004000UL; // version 4 (bits 12–15 of time_hi_and_version)
        lo = (lo & 0x3FFFFFFFFFFFFFFFUL) | 0x8000000000000000UL; // RFC 4122 variant 10xx
        const string hex = "0123456789abcdef";
        var p = 0;
        for (var i = 15; i >= 0; i--)
        {
            if (p is 8 or 13) destination[p++] = '-';
            destination[p++] = hex[(int)((hi >> (i * 4)) & 0xF)];
        }
        for (var i = 15; i >= 0; i--)
        {
            if (p is 18 or 23) destination[p++] = '-';
            destination[p++] = hex[(int)((lo >> (i * 4)) & 0xF)];
        }
    }

    public static string Uuid(ulong seed, EntityKind kind, long a, long b = 0) =>
        string.Create(36, (seed, kind, a, b), static (span, s) => WriteUuid(span, s.seed, s.kind, s.a, s.b));
}

/// <summary>What a deterministic value is for; part of every key so two kinds of record never share an id.</summary>
internal enum EntityKind
{
    Board = 1, School, Session, Course, Class, Pupil, PupilMaster, Guardian, GuardianMaster, Teacher, TeacherMaster,
    PupilRole, GuardianRole, TeacherRole, PupilEnrollment, TeacherEnrollment, PupilTraits, TeacherTraits,
}
