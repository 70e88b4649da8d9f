using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;

namespace Intake.Core.Storage;

/// <summary>
/// The control plane: datasets, imports and the job log, shaped by what the scheduler and the API need.
/// Every status change is a compare-and-set on the statuses <see cref="JobTransitions"/> allows and appends
/// a history row; a lost race returns false, never throws. Implementations are thread-safe.
/// </summary>
public interface IJobStore
{
    Task<bool> CreateDatasetAsync(Dataset dataset, CancellationToken cancellationToken);

    Task<Dataset?> GetDatasetAsync(string id, CancellationToken cancellationToken);

    Task<Page<Dataset>> ListDatasetsAsync(PageRequest page, CancellationToken cancellationToken);

    Task<Dataset?> UpdateDatasetAsync(string id, string? name, string? description, string? quality, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Removes the dataset row and its imports; called by the delete-dataset job after the records are gone.</summary>
    Task RemoveDatasetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Saves (or replaces) a dataset's custom record type definition.</summary>
    Task SaveRecordTypeAsync(string datasetId, string name, string definition, DateTimeOffset now, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredRecordType>> ListRecordTypesAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a new import and its <c>file_upload</c> job: Processing when the caller is receiving the file
    /// now, Queued when a worker must fetch it, or no job yet (null) when the file will arrive in a later
    /// request (<see cref="BeginUploadAsync"/>). A repeated idempotency key returns the existing import.
    /// </summary>
    Task<ImportInfo> CreateImportAsync(NewImport request, JobStatus? uploadStatus, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Starts receiving the file of an import created without an upload job; false if it was started already.</summary>
    Task<bool> BeginUploadAsync(string importId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: completes the upload job with the staged payload and queues the import's
    /// <c>dataset_load</c> job, which takes its place in the dataset's order. Returns the import as that
    /// transaction left it (queued), or null if the upload was canceled.
    /// </summary>
    Task<ImportInfo?> CompleteUploadAsync(string importId, string payloadId, long payloadBytes, DateTimeOffset now, CancellationToken cancellationToken);

    Task<ImportInfo?> GetImportAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: records an import that applies the plan <paramref name="planId"/> (the plan's request
    /// without its plan flag, its staged file, <c>plan_id</c> set) and queues its <c>dataset_load</c> job at the end of
    /// the dataset's order. Only a plan whose status is <c>planned</c> and whose file is still staged is applied;
    /// one applied already returns the import that applies it (Created false). Null when the plan cannot be applied.
    /// </summary>
    Task<PlanApplication?> ApplyPlanAsync(string planId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The import that applies a plan, if one was created.</summary>
    Task<string?> FindPlanApplicationAsync(string planId, CancellationToken cancellationToken);

    Task<Page<ImportInfo>> ListImportsAsync(ImportFilter filter, PageRequest page, CancellationToken cancellationToken);

    /// <summary>The most recently accepted import of each of these datasets that has one.</summary>
    Task<IReadOnlyDictionary<string, ImportInfo>> LatestImportsAsync(IReadOnlyList<string> datasetIds, CancellationToken cancellationToken);

    /// <summary>Archives or unarchives a finished import; false if there is no such import.</summary>
    Task<bool> SetArchivedAsync(string importId, bool archived, CancellationToken cancellationToken);

    /// <summary>
    /// The dataset's imports that reads may see, by seq with their ids: not archived and, when
    /// <paramref name="tags"/> is not empty, holding at least one of them.
    /// </summary>
    Task<IReadOnlyDictionary<long, string>> VisibleBatchesAsync(string datasetId, IReadOnlyList<string> tags, CancellationToken cancellationToken);

    Task<Job> EnqueueAsync(JobKind kind, string datasetId, string? importId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the next runnable job for <paramref name="workerId"/> until <paramref name="leaseUntil"/> and marks it
    /// Processing: uploads to fetch first, then per dataset the lowest-ordered job, and only if no earlier job of
    /// that dataset is unfinished. Null when nothing can run.
    /// </summary>
    Task<Job?> ClaimNextAsync(string workerId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Extends the lease, and tells the worker whether the job is still its to run and whether a cancel was asked.</summary>
    Task<LeaseStatus> RenewLeaseAsync(string jobId, string workerId, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Moves a job (and its import) to <paramref name="next"/> if it is in one of the allowed statuses.</summary>
    Task<bool> TransitionAsync(string jobId, JobStatus next, JobTransitionDetails details, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a cancel request on a job; the caller then cancels it or signals its worker.</summary>
    Task<bool> RequestCancelAsync(string jobId, string canceledBy, CancellationToken cancellationToken);

    Task ReportProgressAsync(string jobId, ImportProgress progress, CancellationToken cancellationToken);

    Task<Job?> GetJobAsync(string id, CancellationToken cancellationToken);

    Task<Page<Job>> ListJobsAsync(JobFilter filter, PageRequest page, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobTransition>> GetHistoryAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Imports waiting in the queue (staged files waiting to load, URL fetches waiting): of one dataset, and in total.</summary>
    Task<(long Dataset, long Total)> CountQueuedImportsAsync(string datasetId, CancellationToken cancellationToken);

    /// <summary>Queued and processing jobs by kind, and when the oldest queued job was queued.</summary>
    Task<QueueStats> GetQueueStatsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Re-delivery: Processing jobs whose lease ran out go back to Queued (loads, fetches) or fail
    /// (uploads whose sender is gone). Returns the number of jobs touched.
    /// </summary>
    Task<int> RecoverExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Retention: forgets the staged files of up to <paramref name="limit"/> imports that finished before
    /// <paramref name="finishedBefore"/> and returns them, so the caller deletes the files.
    /// </summary>
    Task<IReadOnlyList<string>> ReleaseStagedPayloadsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Retention: deletes up to <paramref name="limit"/> final jobs (with their history) that finished before
    /// <paramref name="finishedBefore"/>, and returns the imports whose load was among them, so the caller deletes
    /// their stored rejections. Import rows stay: current records still point at them for tags and archiving.
    /// </summary>
    Task<IReadOnlyList<PurgedImport>> PurgeFinishedJobsAsync(DateTimeOffset finishedBefore, int limit, CancellationToken cancellationToken);
}

/// <summary>The import that applies a plan, and whether this call created it.</summary>
public sealed record PlanApplication(ImportInfo Import, bool Created);

/// <summary>An import whose job records were purged.</summary>
public sealed record PurgedImport(string DatasetId, string ImportId);
