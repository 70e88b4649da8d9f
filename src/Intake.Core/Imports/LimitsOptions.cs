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
}
