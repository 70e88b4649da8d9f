using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Imports;

/// <summary>Per-file limits (DESIGN.md 2.8), bound from the <c>Limits</c> section.</summary>
public sealed class LimitsOptions
{
    /// <summary>Largest file accepted, counted after decompression; an upload may not exceed it either.</summary>
    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 1L << 30;

    [Range(1, long.MaxValue)]
    public long MaxRecords { get; set; } = 10_000_000;

    /// <summary>Rejections kept per import beyond which only the count grows.</summary>
    [Range(100, int.MaxValue)]
    public int MaxStoredErrors { get; set; } = 100_000;

    /// <summary>Largest single record (a CSV row or JSON object); bounds memory against a runaway quote.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxRecordBytes { get; set; } = 16 << 20;

    /// <summary>
    /// The most attribute names a dataset's attribute → type map holds (default 10,000). Every name a load meets stays in
    /// the map and every later load reads the whole map, so a record that would add a name past this is rejected with
    /// <c>UnknownField</c>, and a declaration that would pass it is refused.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxAttributes { get; set; } = 10_000;

    /// <summary>
    /// The most memory one Parquet row group may take once decoded (default 512 MiB), estimated from its column chunks'
    /// uncompressed sizes and value counts before any is read. A file is decoded one row group at a time, so this
    /// bounds what a Parquet import holds; a group over it fails the import with <c>file_too_large</c>, naming the group.
    /// </summary>
    public long MaxParquetRowGroupBytes { get; set; } = 512L << 20;

    /// <summary>
    /// The earliest event time (interaction timestamp, <c>action_at</c>) a record may have; earlier ones are
    /// rejected with <c>TimestampOutOfRange</c>. Default 1990-01-01T00:00:00Z.
    /// </summary>
    [Range(typeof(DateTimeOffset), "0001-01-02T00:00:00+00:00", "9999-12-30T00:00:00+00:00")]
    public DateTimeOffset EventTimeFloor { get; set; } = Records.EventTimeRules.DefaultFloor;

    /// <summary>How far past the start of its load an event time may lie. Default one day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan EventTimeMaxAhead { get; set; } = Records.EventTimeRules.DefaultMaxAhead;

    /// <summary>How a load that starts at <paramref name="now"/> reads event times, in <paramref name="unit"/> or by magnitude.</summary>
    public Records.EventTimeRules EventTimes(Records.TimestampUnit? unit, DateTimeOffset now) => new(unit, EventTimeFloor, now + EventTimeMaxAhead);
}
