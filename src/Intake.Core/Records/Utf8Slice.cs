namespace Intake.Core.Records;

/// <summary>A span of a <see cref="RecordBatch"/>'s byte arena; <see cref="Length"/> &lt; 0 means absent (null).</summary>
public readonly record struct Utf8Slice(int Offset, int Length)
{
    public static readonly Utf8Slice Null = new(0, -1);

    public bool IsNull => Length < 0;
}
