using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Imports;

/// <summary>
/// Limits that refuse new imports before the service is overwhelmed, bound from the <c>BackPressure</c> section:
/// caps on imports waiting in the queue (503 <c>queue_full</c> with <c>Retry-After</c>) and a floor of free disk
/// space for staged files (507 <c>insufficient_storage</c>).
/// </summary>
public sealed class BackPressureOptions
{
    /// <summary>Imports queued (files staged and waiting to load, URL fetches waiting) across all datasets; 0 means no cap.</summary>
    [Range(0, int.MaxValue)]
    public int MaxQueuedImports { get; set; } = 1000;

    /// <summary>Imports queued for one dataset; 0 means no cap.</summary>
    [Range(0, int.MaxValue)]
    public int MaxQueuedImportsPerDataset { get; set; } = 100;

    /// <summary>
    /// Free bytes the data directory's file system must keep (beyond an upload's declared length) for a new upload
    /// to be staged; 0 turns the check off.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MinFreeDiskBytes { get; set; } = 512L << 20;

    /// <summary>The <c>Retry-After</c> a refused upload gets.</summary>
    [Range(1, 86_400)]
    public int RetryAfterSeconds { get; set; } = 30;
}
