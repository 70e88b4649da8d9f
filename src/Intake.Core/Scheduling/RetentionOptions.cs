using System.ComponentModel.DataAnnotations;

namespace Intake.Core.Scheduling;

/// <summary>How long finished work is kept (DESIGN.md 2.10), bound from the <c>Retention</c> section.</summary>
public sealed class RetentionOptions
{
    /// <summary>Days a finished job stays in the log, with its history and, for a load, its stored rejections.</summary>
    [Range(1, 3650)]
    public int JobDays { get; set; } = 30;

    /// <summary>Days the staged file of a finished import is kept.</summary>
    [Range(0, 3650)]
    public int StagedFileDays { get; set; } = 7;

    /// <summary>How often the maintenance pass runs.</summary>
    [Range(1, 1440)]
    public int IntervalMinutes { get; set; } = 60;
}
