using Intake.Core.Imports;
using Intake.Core.Jobs;

namespace Intake.Core.Scheduling;

/// <summary>
/// How a job ended, for the worker to record. <see cref="Recorded"/> means the runner recorded the outcome
/// itself in the same transaction as its effect (a fetched upload queues its load that way).
/// </summary>
public sealed record JobResult(JobStatus Status)
{
    public JobError? Error { get; init; }

    public JobStats? Stats { get; init; }

    public ImportProgress? Progress { get; init; }

    public string? ResolvedRecordType { get; init; }

    /// <summary>The kind of records a load read, for metrics; null where no file was read.</summary>
    public Records.RecordKind? RecordKind { get; init; }

    public string? Reason { get; init; }

    public IReadOnlyList<ImportWarning>? Warnings { get; init; }

    public bool Recorded { get; init; }
}
