namespace Intake.Core.Jobs;

/// <summary>
/// One unit of background work in the job log. Jobs that change a dataset carry an <see cref="OrderSeq"/>:
/// per dataset they run one at a time, lowest first (DESIGN.md 2.7).
/// </summary>
public sealed record Job
{
    public required string Id { get; init; }

    public required JobKind Kind { get; init; }

    public required JobStatus Status { get; init; }

    public required string DatasetId { get; init; }

    /// <summary>The import (batch) the job belongs to, for uploads, loads and batch deletes.</summary>
    public string? ImportId { get; init; }

    public long? OrderSeq { get; init; }

    public required DateTimeOffset QueuedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public JobError? Error { get; init; }

    /// <summary>Who asked for the cancel; set as soon as it is asked, before the job stops.</summary>
    public string? CanceledBy { get; init; }

    public string? ClaimedBy { get; init; }

    public DateTimeOffset? LeaseUntil { get; init; }

    public int Attempts { get; init; }

    public JobStats Stats { get; init; } = JobStats.Empty;
}
