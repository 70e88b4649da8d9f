using Intake.Core.Imports;
using Intake.Core.Jobs;

namespace Intake.Core.Storage;

/// <summary>What a transition records beside the new status.</summary>
public sealed record JobTransitionDetails
{
    public string? Reason { get; init; }

    public JobError? Error { get; init; }

    public JobStats? Stats { get; init; }

    public ImportProgress? Progress { get; init; }

    /// <summary>The record type an <c>auto</c> import resolved to.</summary>
    public string? ResolvedRecordType { get; init; }

    /// <summary>The load's warnings, stored on its import.</summary>
    public IReadOnlyList<ImportWarning>? Warnings { get; init; }

    /// <summary>
    /// Narrows the statuses the job may be in (within what <see cref="JobTransitions"/> allows): a user's
    /// cancel only applies to a queued job, because a processing one must first be stopped by its worker.
    /// </summary>
    public IReadOnlyList<JobStatus>? From { get; init; }

    /// <summary>When set, the transition only applies while the job is leased to this worker.</summary>
    public string? WorkerId { get; init; }
}
