namespace Intake.Core.Records;

/// <summary>
/// One accepted record of a <see cref="RecordBatch"/>: its key and fields as slices of the batch arena.
/// Entities use <see cref="Type"/> and <see cref="Id"/>; interactions use <see cref="Type"/>,
/// <see cref="Id"/> (the source), <see cref="TargetId"/> and <see cref="Timestamp"/>.
/// </summary>
public struct RecordSlot
{
    public long Line;
    public ulong KeyHash;
    public Utf8Slice Type;
    public Utf8Slice Id;
    public Utf8Slice TargetId;
    public long Timestamp;
    public Utf8Slice Name;
    public Utf8Slice MediaUrl;
    public double Value;
    public bool HasValue;

    /// <summary>The record's attributes as a UTF-8 JSON object, or null when it has none.</summary>
    public Utf8Slice Attributes;
}
