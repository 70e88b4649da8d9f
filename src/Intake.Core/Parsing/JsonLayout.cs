namespace Intake.Core.Parsing;

/// <summary>How records are laid out in a JSON file.</summary>
public enum JsonLayout
{
    /// <summary>Decide from the first byte that is not whitespace: <c>[</c> means <see cref="Array"/>, anything else <see cref="Lines"/>.</summary>
    Detect,

    /// <summary>One JSON array; each top-level element is a record.</summary>
    Array,

    /// <summary>NDJSON: each non-blank line is a record.</summary>
    Lines,
}
