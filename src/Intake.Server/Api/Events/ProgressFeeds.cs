using System.Text.Json;
using System.Text.Json.Nodes;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Scheduling;
using Intake.Core.Storage;
using Intake.Server.Api.Contracts;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Intake.Server.Api.Events;

/// <summary>What a live-progress stream shows of its import or job at one moment, before rate and ETA are added.</summary>
public sealed record ProgressView(JobStatus Status, ImportProgress? Progress, JsonObject Data);

/// <summary>
/// Reads imports and jobs for live-progress streams, from the store, so a stream on any node of a cluster sees a
/// job that runs on another. Streams poll every <see cref="EventsOptions.PollMilliseconds"/> and wake early when
/// this node hears of a finished or queued job (<see cref="JobSignal"/>). Thread-safe.
/// </summary>
public sealed class ProgressFeeds(IJobStore jobs, JobSignal signal, IOptions<JsonOptions> json, IOptions<EventsOptions> options, TimeProvider time)
{
    public JsonSerializerOptions Json => json.Value.SerializerOptions;

    public TimeProvider Time => time;

    public EventsOptions Options => options.Value;

    public Task WaitAsync(CancellationToken cancellationToken) =>
        signal.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), time, cancellationToken);

    /// <summary>The import as <c>GET /v1/imports/{id}</c> shows it, without its errors; null once it does not exist.</summary>
    public async Task<ProgressView?> ReadImportAsync(string id, CancellationToken cancellationToken)
    {
        var import = await jobs.GetImportAsync(id, cancellationToken);
        return import is null ? null : new ProgressView(import.Status, import.Progress, Serialize(ImportDto.From(import)));
    }

    /// <summary>The job as <c>GET /v1/jobs/{id}</c> shows it, without its history; a load's progress is its import's.</summary>
    public async Task<ProgressView?> ReadJobAsync(string id, CancellationToken cancellationToken)
    {
        var job = await jobs.GetJobAsync(id, cancellationToken);
        if (job is null)
        {
            return null;
        }

        ImportProgress? progress = null;
        if (job is { Kind: JobKind.DatasetLoad, Status: JobStatus.Processing, ImportId: { } importId })
        {
            progress = (await jobs.GetImportAsync(importId, cancellationToken))?.Progress;
        }

        return new ProgressView(job.Status, progress, Serialize(JobDto.From(job)));
    }

    private JsonObject Serialize<T>(T dto) => JsonSerializer.SerializeToNode(dto, Json)!.AsObject();
}

/// <summary>Live progress streams, bound from the <c>Events</c> section.</summary>
public sealed class EventsOptions
{
    /// <summary>How often a stream reads its import or job from the store when nothing wakes it sooner.</summary>
    [System.ComponentModel.DataAnnotations.Range(20, 10_000)]
    public int PollMilliseconds { get; set; } = 250;

    /// <summary>Seconds of silence after which a stream sends a <c>: keep-alive</c> comment.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3600)]
    public int KeepAliveSeconds { get; set; } = 15;
}
