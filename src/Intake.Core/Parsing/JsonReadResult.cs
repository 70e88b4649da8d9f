namespace Intake.Core.Parsing;

/// <summary>What <see cref="JsonRecordReader.TryRead"/> found.</summary>
public enum JsonReadResult
{
    Record,

    /// <summary>The end of the input; every later call returns it again.</summary>
    End,
}
