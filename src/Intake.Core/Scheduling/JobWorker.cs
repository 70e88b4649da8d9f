using System.Diagnostics;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Intake.Core.Scheduling;

/// <summary>
/// One worker loop: claim a job with a lease, run it while renewing the lease, record its final status.
/// Delivery is at least once: a job whose node dies is claimed again after its lease runs out, so every
/// runner step is idempotent. Host-agnostic; the server runs <see cref="JobWorker.Count"/> loops.
/// </summary>
public sealed partial class JobWorker(
    IJobStore jobs,
    JobRunner runner,
    RunningJobs running,
    JobSignal signal,
    IntakeMetrics metrics,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<JobWorker> logger)
{
    private static readonly TimeSpan s_errorBackoff = TimeSpan.FromSeconds(2);

    public string NodeId { get; } = options.Value.Node;

    public int Count => options.Value.Count;

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.LeaseSeconds);

    /// <summary>
    /// Runs until <paramref name="stopping"/> fires (claim nothing new). <paramref name="shutdown"/> aborts the
    /// job in flight, which is then handed back to the queue rather than marked failed.
    /// </summary>
    public async Task RunAsync(int slot, CancellationToken stopping, CancellationToken shutdown)
    {
        var workerId = $"{NodeId}/{slot}";
        while (!stopping.IsCancellationRequested)
        {
            Job? job;
            try
            {
                var now = time.GetUtcNow();
                job = await jobs.ClaimNextAsync(workerId, now, now + Lease, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogClaimFailed(exception);
                await signal.PauseAsync(s_errorBackoff, time, stopping);
                continue;
            }

            if (job is null)
            {
                await signal.PauseAsync(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), time, stopping);
                continue;
            }

            LogJobStarted(job.Id, job.Kind.ToWire(), job.DatasetId, job.Attempts);
            await ExecuteAsync(job, workerId, shutdown);
            signal.Notify();
        }
    }

    private async Task ExecuteAsync(Job job, string workerId, CancellationToken shutdown)
    {
        // One trace per job: a root span, whatever the loop's context holds.
        Activity.Current = null;
        using var activity = IntakeMetrics.Activities.StartActivity($"job {job.Kind.ToWire()}", ActivityKind.Internal, default(ActivityContext));
        activity?.SetTag("intake.job.id", job.Id).SetTag("intake.job.kind", job.Kind.ToWire()).SetTag("intake.dataset", job.DatasetId)
            .SetTag("intake.import.id", job.ImportId).SetTag("intake.worker", workerId);
        var started = time.GetTimestamp();
        RecordKind? recordKind = null;
        using var registration = running.Register(job.Id, shutdown);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = KeepLeaseAsync(job.Id, workerId, registration, heartbeatStop.Token);
        JobStatus status;
        JobTransitionDetails details;
        try
        {
            if (job.CanceledBy is not null)
            {
                registration.Cancel();
            }

            var result = await runner.RunAsync(job, registration.Token);
            recordKind = result.RecordKind;

            // Checkpoint: the work is done (a load is committed). If the node dies before the status below is
            // stored, the job is redelivered and the redo finds the work done.
            if (result.Recorded)
            {
                LogJobFinished(job.Id, job.Kind.ToWire(), result.Status.ToWire(), result.Reason ?? "recorded by its runner");
                return;
            }

            status = result.Status;
            details = new JobTransitionDetails
            {
                Error = result.Error, Stats = result.Stats, Progress = result.Progress, ResolvedRecordType = result.ResolvedRecordType,
                Reason = result.Reason, Warnings = result.Warnings, WorkerId = workerId,
            };
        }
        catch (Exception) when (registration.LeaseLost)
        {
            LogLeaseLost(job.Id);
            return;
        }
        catch (Exception) when (shutdown.IsCancellationRequested)
        {
            status = JobStatus.Queued;
            details = new JobTransitionDetails { Reason = "the node shut down; redelivered", WorkerId = workerId };
        }
        catch (Exception) when (registration.CancelRequested)
        {
            var by = (await jobs.GetJobAsync(job.Id, CancellationToken.None))?.CanceledBy ?? "user";
            status = JobStatus.Canceled;
            details = new JobTransitionDetails
            {
                Reason = $"canceled by {by}", Error = new JobError(ErrorCodes.CanceledByUser, $"Canceled by {by}; nothing was written."), WorkerId = workerId,
            };
        }
        catch (IntakeException exception)
        {
            status = JobStatus.Failed;
            details = new JobTransitionDetails { Error = new JobError(exception.Code, exception.Message), WorkerId = workerId };
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogJobCrashed(exception, job.Id);
            status = JobStatus.Failed;
            details = new JobTransitionDetails
            {
                Error = new JobError(ErrorCodes.InternalError, $"The job failed unexpectedly: {exception.Message}"), WorkerId = workerId,
            };
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }

        activity?.SetTag("intake.job.status", status.ToWire());
        if (status == JobStatus.Failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, details.Error?.Message);
        }

        if (!await jobs.TransitionAsync(job.Id, status, details, time.GetUtcNow(), CancellationToken.None))
        {
            LogTransitionLost(job.Id, status.ToWire());
            return;
        }

        RecordFinished(job.Kind, status, details.Progress, recordKind, time.GetElapsedTime(started));
        LogJobFinished(job.Id, job.Kind.ToWire(), status.ToWire(), details.Reason ?? details.Error?.Message ?? "");
    }

    /// <summary>Counts a load's outcome, and an import that ended with this job (its load, or a fetch that failed or was canceled).</summary>
    private void RecordFinished(JobKind kind, JobStatus status, Imports.ImportProgress? progress, RecordKind? recordKind, TimeSpan elapsed)
    {
        if (kind == JobKind.DatasetLoad && status.IsFinal())
        {
            metrics.LoadFinished(status, recordKind, progress?.RecordsWritten ?? 0, progress?.RecordsRejected ?? 0, progress?.RecordsDeleted ?? 0, elapsed);
            metrics.ImportFinished(status, recordKind);
        }
        else if (kind == JobKind.FileUpload && status is JobStatus.Failed or JobStatus.Canceled)
        {
            metrics.ImportFinished(status, recordKind);
        }
    }

    private async Task KeepLeaseAsync(string jobId, string workerId, RunningJobs.RunningJob registration, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Lease / 3, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                switch (await jobs.RenewLeaseAsync(jobId, workerId, time.GetUtcNow() + Lease, cancellationToken))
                {
                    case LeaseStatus.Lost:
                        registration.AbandonLostLease();
                        return;
                    case LeaseStatus.CancelRequested:
                        registration.Cancel();
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The job ended.
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A store hiccup: the lease runs on until the next tick; if it expires, another node redoes the job.
            LogRenewFailed(exception, jobId);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Claiming a job failed; retrying")]
    private partial void LogClaimFailed(Exception exception);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Job {JobId} failed unexpectedly")]
    private partial void LogJobCrashed(Exception exception, string jobId);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Job {JobId} lost its lease to another node; abandoning it")]
    private partial void LogLeaseLost(string jobId);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Job {JobId} could not be moved to {Status}: it changed meanwhile")]
    private partial void LogTransitionLost(string jobId, string status);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Renewing the lease of job {JobId} failed")]
    private partial void LogRenewFailed(Exception exception, string jobId);

    [LoggerMessage(EventId = 105, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) of dataset {DatasetId} started, attempt {Attempt}")]
    private partial void LogJobStarted(string jobId, string kind, string datasetId, int attempt);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) {Status}: {Reason}")]
    private partial void LogJobFinished(string jobId, string kind, string status, string reason);
}
