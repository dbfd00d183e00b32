namespace Koumu.Interop.Cli;

/// <summary>The CLI's exit codes, stable for scripts.</summary>
public static class ExitCodes
{
    /// <summary>The package is valid / the command succeeded.</summary>
    public const int Ok = 0;

    /// <summary>The package has errors (nothing was stored).</summary>
    public const int Invalid = 1;

    /// <summary>Wrong usage, or an input that cannot be read at all (missing file, no permission, unknown tenant).</summary>
    public const int Usage = 2;
}
