using Intake.Server.Security;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Intake.Server.Api.Contracts;
using Intake.Server.Api.Events;
using Intake.Server.Errors;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Server.Api;

public static class JobsEndpoints
{
    public static IEndpointRouteBuilder MapJobsEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/v1/jobs").WithTags("Jobs").TakesQuery();
        api.MapGet("/", ListJobsAsync).WithName("ListJobs").WithSummary("The job log, newest first.")
            .TakesQuery("type", "status", "dataset", "dataset_contains", "import", "from", "to", "limit", "cursor");
        api.MapGet("/{id}", GetJobAsync).WithName("GetJob").WithSummary("A job with its stats and transition history.").IsStatusPolling();
        api.MapGet("/{id}/events", StreamEventsAsync).WithName("StreamJobEvents").IsStatusPolling()
            .WithSummary("Live progress as Server-Sent Events: a snapshot, status changes, progress with rate and ETA, a final event.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        return app;
    }

    public static async Task<Ok<PageDto<JobDto>>> ListJobsAsync(IJobStore jobs, CancellationToken cancellationToken,
        string? type = null, string? status = null, string? dataset = null, string? import = null,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int? limit = null, string? cursor = null,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "dataset_contains")] string? datasetContains = null)
    {
        JobKind? kind = null;
        if (type is not null)
        {
            kind = JobKindNames.TryParse(type, out var parsed)
                ? parsed
                : throw new IntakeException(ErrorCodes.InvalidRequest,
                    $"Job type '{type}' is not one of {string.Join(", ", Enum.GetValues<JobKind>().Select(k => k.ToWire()))}.");
        }

        var page = await jobs.ListJobsAsync(new JobFilter(kind, QueryValues.Status(status), dataset, import, from, to, datasetContains),
            new PageRequest(QueryValues.Limit(limit), cursor), cancellationToken);
        return TypedResults.Ok(new PageDto<JobDto>(page.Items.Select(j => JobDto.From(j)).ToList(), page.NextCursor));
    }

    public static async Task<Results<Ok<JobDto>, ProblemHttpResult>> GetJobAsync(string id, IJobStore jobs, CancellationToken cancellationToken)
    {
        var job = await jobs.GetJobAsync(id, cancellationToken);
        return job is null
            ? Problems.Result(ErrorCodes.JobNotFound, $"Job '{id}' does not exist.")
            : TypedResults.Ok(JobDto.From(job, await jobs.GetHistoryAsync(id, cancellationToken)));
    }

    public static async Task<Results<ProgressEventStream, ProblemHttpResult>> StreamEventsAsync(string id, HttpRequest request, ProgressFeeds feeds,
        CancellationToken cancellationToken)
    {
        var first = await feeds.ReadJobAsync(id, cancellationToken);
        return first is null
            ? Problems.Result(ErrorCodes.JobNotFound, $"Job '{id}' does not exist.")
            : new ProgressEventStream(feeds, ct => feeds.ReadJobAsync(id, ct), first, ProgressEventStream.LastEventId(request));
    }
}
