using Intake.Core.Jobs;

namespace Intake.Server.Api.Contracts;

public sealed record JobDto(
    string Id,
    string Type,
    string Status,
    string DatasetId,
    string? ImportId,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    ErrorSummaryDto? Error,
    string? CanceledBy,
    int Attempts,
    JobStatsDto Stats,
    IReadOnlyList<TransitionDto>? History)
{
    public static JobDto From(Job job, IReadOnlyList<JobTransition>? history = null) => new(
        job.Id,
        job.Kind.ToWire(),
        job.Status.ToWire(),
        job.DatasetId,
        job.ImportId,
        job.QueuedAt,
        job.StartedAt,
        job.FinishedAt,
        job.Error is null ? null : new ErrorSummaryDto(job.Error.Code, job.Error.Message),
        job.CanceledBy,
        job.Attempts,
        new JobStatsDto(job.Stats.Received, job.Stats.Loaded, job.Stats.Rejected),
        history?.Select(h => new TransitionDto(h.Status.ToWire(), h.At, h.Reason)).ToList());
}

/// <summary>The job's stats table: for a load, records received, loaded and rejected; for an upload, bytes received.</summary>
public sealed record JobStatsDto(long Received, long Loaded, long Rejected);

public sealed record TransitionDto(string Status, DateTimeOffset At, string? Reason);
