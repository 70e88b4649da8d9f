namespace Intake.Core.Parsing;

/// <summary>How JSON records are laid out in a file.</summary>
public enum JsonLayout
{
    /// <summary>Decide from the first byte: <c>[</c> means an array, anything else NDJSON.</summary>
    Detect,

    /// <summary>One JSON array whose elements are the records.</summary>
    Array,

    /// <summary>NDJSON: one record per line.</summary>
    Lines,
}

/// <summary>What <see cref="JsonRecordReader.TryRead"/> found.</summary>
public enum JsonReadResult
{
    Record,
    End,
}
