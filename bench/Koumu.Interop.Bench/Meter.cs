using System.Diagnostics;

namespace Koumu.Interop.Bench;

/// <summary>What one phase cost: wall time, bytes allocated, and the peak working set / GC heap seen while it ran.</summary>
public sealed record PhaseResult(string Name, TimeSpan Elapsed, long AllocatedBytes, long PeakWorkingSet, long PeakGcHeap, long ProcessPeakWorkingSet);

/// <summary>
/// Measures a phase. The process peak (Process.PeakWorkingSet64, VmHWM on Linux) only grows, so a sampler also records
/// the peak working set and GC heap seen during this phase alone (every 50 ms).
/// </summary>
public sealed class Meter : IDisposable
{
    private readonly string _name;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _allocated = GC.GetTotalAllocatedBytes(precise: false);
    private readonly Timer _timer;
    private long _peakWorkingSet;
    private long _peakHeap;

    public Meter(string name)
    {
        _name = name;
        Sample();
        _timer = new Timer(_ => Sample(), null, 50, 50);
    }

    private void Sample()
    {
        var ws = Environment.WorkingSet;
        var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        InterlockedMax(ref _peakWorkingSet, ws);
        InterlockedMax(ref _peakHeap, Math.Max(heap, GC.GetTotalMemory(false)));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)))
            if (Interlocked.CompareExchange(ref target, value, current) == current) return;
    }

    public PhaseResult Stop()
    {
        _clock.Stop();
        _timer.Dispose();
        Sample();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new PhaseResult(_name, _clock.Elapsed, GC.GetTotalAllocatedBytes(precise: false) - _allocated,
            Interlocked.Read(ref _peakWorkingSet), Interlocked.Read(ref _peakHeap), process.PeakWorkingSet64);
    }

    public void Dispose() => _timer.Dispose();
}
