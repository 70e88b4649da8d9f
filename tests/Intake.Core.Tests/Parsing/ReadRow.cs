namespace Intake.Core.Tests.Parsing;

/// <summary>A materialized record, so tests can compare whole files.</summary>
internal sealed record ReadRow(long Line, string[] Fields, bool[] Quoted)
{
    public override string ToString() =>
        $"{Line}: " + string.Join(" | ", Fields.Select((f, i) => (Quoted[i] ? "q:" : "") + f.Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)));

    public bool Matches(ReadRow other) =>
        Line == other.Line && Fields.SequenceEqual(other.Fields) && Quoted.SequenceEqual(other.Quoted);
}
