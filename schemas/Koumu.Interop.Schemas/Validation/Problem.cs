namespace Koumu.Interop.Schemas.Validation;

public enum Severity
{
    /// <summary>The package is rejected; nothing is stored.</summary>
    Error,
    /// <summary>Reported, but the package is accepted.</summary>
    Warning,
}

/// <summary>The validation layer a rule belongs to (issue #2: structure → types → references → profile).</summary>
public enum RuleLayer { Package, Structure, Type, Reference, Profile }

/// <summary>
/// A validation rule with a stable id. Ids never change once published: boards script against them.
/// Messages are composite-format templates ({0}, {1} …) in English and Japanese.
/// </summary>
public sealed record Rule(string Id, RuleLayer Layer, Severity Severity, string MessageEn, string MessageJa)
{
    public Problem At(string? file, long? line, string? column, string? value, params object?[] args) =>
        new(file, line, column, Id, Severity,
            string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageEn, args),
            string.Format(System.Globalization.CultureInfo.InvariantCulture, MessageJa, args),
            value is { Length: > 200 } ? value[..200] + "…" : value);
}

/// <summary>One problem found in a package: where (file, 1-based line, column header), which rule, and why.</summary>
public sealed record Problem(
    string? File,
    long? Line,
    string? Column,
    string RuleId,
    Severity Severity,
    string MessageEn,
    string MessageJa,
    string? Value)
{
    public override string ToString() =>
        $"{File ?? "-"}:{Line?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}:{Column ?? "-"} [{RuleId}] {Severity}: {MessageEn} / {MessageJa}";
}

/// <summary>Receives problems as they are found.</summary>
public interface IProblemSink
{
    void Report(Problem problem);
}
