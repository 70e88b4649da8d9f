using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Intake.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Intake.Core.Scheduling;

/// <summary>
/// Does the work of one claimed job, by kind. Every step is safe to redo, because a job whose node dies is
/// delivered again: loads are idempotent through their applied-load marker, fetches restage the file, and
/// deletes find nothing the second time. Thread-safe.
/// </summary>
public sealed class JobRunner(
    IJobStore jobs,
    IRecordStore records,
    IPayloadStore payloads,
    ImportLoader loader,
    UrlFetcher fetcher,
    IntakeMetrics metrics,
    IOptions<LimitsOptions> limits,
    TimeProvider time)
{
    public async Task<JobResult> RunAsync(Job job, CancellationToken cancellationToken) => job.Kind switch
    {
        JobKind.DatasetLoad => await LoadAsync(job, cancellationToken),
        JobKind.FileUpload => await FetchAsync(job, cancellationToken),
        JobKind.ClearData => Removed(await records.ClearAsync(job.DatasetId, cancellationToken)),
        JobKind.DeleteBatch => await DeleteBatchAsync(job, cancellationToken),
        JobKind.DeleteDataset => await DeleteDatasetAsync(job, cancellationToken),
        _ => throw new InvalidOperationException($"No runner for job kind {job.Kind}."),
    };

    private async Task<JobResult> LoadAsync(Job job, CancellationToken cancellationToken)
    {
        var import = await RequireImportAsync(job, cancellationToken);
        var outcome = await loader.LoadAsync(job, import, cancellationToken);
        var totals = outcome.Totals;
        return new JobResult(outcome.Status)
        {
            Error = outcome.Error,
            Stats = new JobStats(totals.Read, totals.Written, totals.Rejected, totals.Deleted),
            Progress = new ImportProgress(import.PayloadBytes ?? 0, import.PayloadBytes, totals.Read, totals.Written, totals.Rejected, totals.Deleted),
            ResolvedRecordType = totals.RecordType,
            Warnings = outcome.Warnings,
            RecordKind = outcome.Kind,
            Reason = Describe(totals, outcome.Report?.Plan) + $" (reading {outcome.Reading.TotalSeconds:F2} s, committing {outcome.Committing.TotalSeconds:F2} s" +
                $", quality report {outcome.Quality.TotalSeconds:F2} s)" +
                string.Concat(outcome.Warnings.Select(w => "; " + w.Message)),
        };
    }

    private static string Describe(LoadTotals totals, PlannedChanges? plan) => plan is null
        ? $"read {totals.Read}, loaded {totals.Written}, rejected {totals.Rejected}" + (totals.Deleted > 0 ? $", deleted {totals.Deleted}" : "")
        : $"plan: read {totals.Read}, would insert {plan.Inserts}, update {plan.Updates}, leave {plan.Unchanged} unchanged, delete {plan.Deletes}; " +
          $"rejected {totals.Rejected}; nothing written";

    private async Task<JobResult> FetchAsync(Job job, CancellationToken cancellationToken)
    {
        var import = await RequireImportAsync(job, cancellationToken);
        string payloadId;
        long length;
        using (IntakeMetrics.Activities.StartActivity("fetch"))
        await using (var writer = await payloads.CreateAsync(cancellationToken))
        {
            await fetcher.FetchAsync(import.Request.SourceUrl!, writer.Stream, limits.Value.MaxFileBytes, cancellationToken);
            length = await writer.CommitAsync(cancellationToken);
            payloadId = writer.PayloadId;
        }

        metrics.BytesReceived(length);

        // Checkpoint: the file is staged; completing the upload and queuing its load is one transaction.
        if (await jobs.CompleteUploadAsync(import.Id, payloadId, length, time.GetUtcNow(), CancellationToken.None) is null)
        {
            await payloads.DeleteAsync(payloadId, CancellationToken.None);
        }

        return new JobResult(JobStatus.Completed) { Recorded = true };
    }

    private async Task<JobResult> DeleteBatchAsync(Job job, CancellationToken cancellationToken)
    {
        var import = await RequireImportAsync(job, cancellationToken);
        return Removed(await records.DeleteBatchAsync(job.DatasetId, import.Seq, cancellationToken));
    }

    private async Task<JobResult> DeleteDatasetAsync(Job job, CancellationToken cancellationToken)
    {
        var counts = await records.CountAsync(job.DatasetId, cancellationToken);
        await records.DropDatasetAsync(job.DatasetId, cancellationToken);
        await jobs.RemoveDatasetAsync(job.DatasetId, cancellationToken);
        return Removed(counts.Total);
    }

    private static JobResult Removed(long count) =>
        new(JobStatus.Completed) { Stats = JobStats.Removal(count), Reason = $"removed {count} records" };

    private async Task<ImportInfo> RequireImportAsync(Job job, CancellationToken cancellationToken) =>
        await jobs.GetImportAsync(job.ImportId!, cancellationToken)
        ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{job.ImportId}' of job {job.Id} no longer exists.");
}
