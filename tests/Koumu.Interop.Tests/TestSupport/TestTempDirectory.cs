using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Koumu.Interop.Tests.TestSupport;

/// <summary>
/// Every temporary file of a test run — SQLite stores, CSV packages, hub data directories, and those of the processes the
/// tests start (they inherit <c>TMPDIR</c>) — goes under one directory per run, removed when the run ends. Left in
/// <c>/tmp</c> one by one they had grown to ≈ 95,000 directories and 16 GB on a developer machine.
/// </summary>
internal static class TestTempDirectory
{
    private const string Prefix = "koumu-tests-";

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "The test assembly is the process's entry; TMPDIR must be set before any test asks for a temporary path.")]
    internal static void Use()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return; // Path.GetTempPath reads TMPDIR on Unix only
        var system = Path.GetTempPath();
        RemoveAbandoned(system);
        var run = Path.Combine(system, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(run);
        Environment.SetEnvironmentVariable("TMPDIR", run);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(run, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
    }

    /// <summary>Directories of runs that ended without their exit handler (killed), after a day.</summary>
    private static void RemoveAbandoned(string system)
    {
        try
        {
            foreach (var directory in Directory.EnumerateDirectories(system, Prefix + "*"))
                if (Directory.GetLastWriteTimeUtc(directory) < DateTime.UtcNow.AddDays(-1))
                    Directory.Delete(directory, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
