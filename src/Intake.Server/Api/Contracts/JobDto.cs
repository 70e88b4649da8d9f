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
        JobStatsDto.From(job.Kind, job.Stats),
        history?.Select(h => new TransitionDto(h.Status.ToWire(), h.At, h.Reason, h.Node)).ToList());
}

/// <summary>
/// The job's stats table, with the figures of its kind only (docs/api.md): a load's records <c>received</c>,
/// <c>loaded</c> and <c>rejected</c>, and the stored records a <c>replace</c> deleted as <c>removed</c> when there were any; an upload's
/// <c>bytes_received</c>; a clear or delete's records <c>removed</c>.
/// </summary>
public sealed record JobStatsDto(long? Received, long? Loaded, long? Rejected, long? BytesReceived, long? Removed)
{
    public static JobStatsDto From(JobKind kind, JobStats stats) => kind switch
    {
        JobKind.DatasetLoad => new(stats.Received, stats.Loaded, stats.Rejected, null, stats.Deleted > 0 ? stats.Deleted : null),
        JobKind.FileUpload => new(null, null, null, stats.BytesReceived, null),
        _ => new(null, null, null, null, stats.Removed),
    };
}

/// <summary>One history row; <see cref="Node"/> is the node whose worker made the change, null for one made by a request.</summary>
public sealed record TransitionDto(string Status, DateTimeOffset At, string? Reason, string? Node);
