using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Scheduling;
using Intake.Core.Storage;
using Intake.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Intake.Core.Imports;

/// <summary>
/// Accepts imports and acts on them for every API: stages an uploaded file before anything is queued (a
/// request never waits for the load), queues URL fetches, and cancels, archives and deletes batches.
/// Thread-safe.
/// </summary>
public sealed class ImportService(
    IJobStore jobs,
    IPayloadStore payloads,
    RecordTypeRegistry recordTypes,
    RunningJobs running,
    JobSignal signal,
    UrlFetcher fetcher,
    ImportAdmission admission,
    IntakeMetrics metrics,
    IOptions<LimitsOptions> limits,
    LiveImports live,
    TimeProvider time)
{
    /// <summary>The tag of imports that name none.</summary>
    public const string DefaultTag = "default";

    private static readonly TimeSpan s_cancelWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Stages <paramref name="body"/> and queues its load. A body declared or found larger than the file limit
    /// is refused with <c>payload_too_large</c>; a body that ends early fails the upload with
    /// <c>upload_interrupted</c>. Either way the upload job records the failure and nothing is loaded.
    /// </summary>
    public async Task<ImportInfo> UploadAsync(NewImport request, Stream body, long? declaredLength, CancellationToken cancellationToken)
    {
        request = await ValidateAsync(request, cancellationToken);
        CheckDeclaredLength(declaredLength);
        await admission.CheckAsync(request.DatasetId, declaredLength, cancellationToken);
        var import = await jobs.CreateImportAsync(request, JobStatus.Processing, time.GetUtcNow(), cancellationToken);
        if (import.Status != JobStatus.Processing || import.PayloadId is not null)
        {
            return import; // an idempotent repeat
        }

        return await StageAsync(import, body, cancellationToken);
    }

    /// <summary>
    /// The first step of a two-step upload: records the import and where its file will go, without a file.
    /// Its <c>file_upload</c> job starts when <see cref="ReceiveUploadAsync"/> is given the bytes.
    /// </summary>
    public async Task<ImportInfo> CreateUploadAsync(NewImport request, CancellationToken cancellationToken)
    {
        request = await ValidateAsync(request, cancellationToken);
        await admission.CheckAsync(request.DatasetId, declaredBytes: null, cancellationToken);
        return await jobs.CreateImportAsync(request, uploadStatus: null, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>The second step: stages the bytes of an upload created before and queues its load.</summary>
    public async Task<ImportInfo> ReceiveUploadAsync(string importId, Stream body, long? declaredLength, CancellationToken cancellationToken)
    {
        var created = await jobs.GetImportAsync(importId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.UploadNotFound, $"Upload '{importId}' does not exist; create it with POST /v1/uploads.");
        CheckDeclaredLength(declaredLength);
        await admission.CheckAsync(created.DatasetId, declaredLength, cancellationToken);
        if (!await jobs.BeginUploadAsync(importId, time.GetUtcNow(), cancellationToken))
        {
            throw new IntakeException(ErrorCodes.UploadAlreadyReceived, $"Upload '{importId}' has received its file already; create a new upload.");
        }

        return await StageAsync((await jobs.GetImportAsync(importId, cancellationToken))!, body, cancellationToken);
    }

    private void CheckDeclaredLength(long? declaredLength)
    {
        var maxBytes = limits.Value.MaxFileBytes;
        if (declaredLength > maxBytes)
        {
            throw new IntakeException(ErrorCodes.PayloadTooLarge,
                $"The request body of {declaredLength} bytes is larger than the limit of {maxBytes} bytes.");
        }
    }

    /// <summary>Copies the body to a staged payload and queues the load; a body too large, empty or cut short fails the upload job.</summary>
    private async Task<ImportInfo> StageAsync(ImportInfo import, Stream body, CancellationToken cancellationToken)
    {
        var maxBytes = limits.Value.MaxFileBytes;
        string payloadId;
        long length;
        // The upload's file_upload job runs inside this request, so its span joins the request's trace.
        using var activity = IntakeMetrics.Activities.StartActivity("stage");
        activity?.SetTag("intake.job.id", import.FileUploadJobId).SetTag("intake.job.kind", "file_upload").SetTag("intake.dataset", import.DatasetId)
            .SetTag("intake.import.id", import.Id);
        try
        {
            await using var writer = await payloads.CreateAsync(cancellationToken);
            await StreamCopy.CopyWithLimitAsync(body, writer.Stream, maxBytes, cancellationToken);
            length = await writer.CommitAsync(cancellationToken);
            payloadId = writer.PayloadId;
        }
        catch (IntakeException exception) when (exception.Code == ErrorCodes.FileTooLarge)
        {
            await FailUploadAsync(import, new JobError(ErrorCodes.FileTooLarge, exception.Message));
            throw new IntakeException(ErrorCodes.PayloadTooLarge, $"The request body is larger than the limit of {maxBytes} bytes.");
        }
        catch (IntakeException exception) when (exception.Code != ErrorCodes.FileTooLarge)
        {
            // The body refused itself (a form field after the file part): the upload fails with that reason.
            await FailUploadAsync(import, new JobError(exception.Code, exception.Message));
            throw;
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // A client that goes away mid-body surfaces as an I/O error or an aborted request.
            await FailUploadAsync(import, new JobError(ErrorCodes.UploadInterrupted, "The upload ended before the whole file arrived."));
            throw new IntakeException(ErrorCodes.UploadInterrupted, "The upload ended before the whole file arrived.");
        }

        if (length == 0)
        {
            await payloads.DeleteAsync(payloadId, CancellationToken.None);
            await FailUploadAsync(import, new JobError(ErrorCodes.EmptyBody, "The request body is empty."));
            throw new IntakeException(ErrorCodes.EmptyBody, "The request body is empty; send the file as the body.");
        }

        var staged = await jobs.CompleteUploadAsync(import.Id, payloadId, length, time.GetUtcNow(), CancellationToken.None);
        signal.Notify();
        metrics.BytesReceived(length);
        metrics.ImportAccepted();
        return staged ?? (await jobs.GetImportAsync(import.Id, CancellationToken.None))!;
    }

    /// <summary>Queues an import whose file a worker fetches from <see cref="NewImport.SourceUrl"/>.</summary>
    public async Task<ImportInfo> FetchAsync(NewImport request, CancellationToken cancellationToken)
    {
        var uri = fetcher.Validate(request.SourceUrl ?? throw new IntakeException(ErrorCodes.InvalidRequest, "A URL import needs a url."));
        request = await ValidateAsync(request with { FileName = request.FileName ?? Path.GetFileName(uri.AbsolutePath) }, cancellationToken);
        await admission.CheckAsync(request.DatasetId, declaredBytes: null, cancellationToken);
        var import = await jobs.CreateImportAsync(request, JobStatus.Queued, time.GetUtcNow(), cancellationToken);
        signal.Notify();
        metrics.ImportAccepted();
        return import;
    }

    /// <summary>The import as a status poll sees it: from memory while this node loads it (<see cref="LiveImports"/>), else from the store.</summary>
    public async Task<ImportInfo?> GetAsync(string importId, CancellationToken cancellationToken) =>
        live.Find(importId) ?? await jobs.GetImportAsync(importId, cancellationToken);

    /// <summary>
    /// Applies a plan: queues a new import that loads the plan's staged file (no second upload) in the plan's mode,
    /// with its tags and options, after every import of the dataset accepted before. Applying a plan again returns
    /// the import that applies it (Created false). Refused with <c>not_a_plan</c>, <c>plan_not_appliable</c> (not
    /// <c>planned</c>: still running, failed or canceled) or <c>plan_expired</c> (its file was removed by retention).
    /// </summary>
    public async Task<PlanApplication> ApplyAsync(string planId, CancellationToken cancellationToken)
    {
        var plan = await jobs.GetImportAsync(planId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{planId}' does not exist.");
        if (!plan.Request.Plan)
        {
            throw new IntakeException(ErrorCodes.NotAPlan, $"Import '{planId}' is not a plan; only an import made with mode=plan or plan=true can be applied.");
        }

        var application = await jobs.ApplyPlanAsync(planId, time.GetUtcNow(), cancellationToken);
        if (application is not null)
        {
            signal.Notify();
            return application;
        }

        plan = (await jobs.GetImportAsync(planId, cancellationToken))!;
        throw plan.Status != JobStatus.Planned
            ? new IntakeException(ErrorCodes.PlanNotAppliable,
                $"Plan '{planId}' is {plan.Status.ToWire()}; only a plan that ended planned can be applied" +
                (plan.Status.IsFinal() ? "." : "; wait for it to finish."))
            : new IntakeException(ErrorCodes.PlanExpired,
                $"Plan '{planId}' can no longer be applied: its staged file was removed after the retention time " +
                "(Retention:StagedFileDays after the plan finished). Upload the file again.");
    }

    /// <summary>
    /// Cancels a queued or processing import. A queued one is canceled at once; a processing one is stopped
    /// by its worker (here, or on another node through the store) and nothing it wrote stays. Returns the
    /// import as it stands after a short wait; <c>illegal_transition</c> if it had finished already.
    /// </summary>
    public async Task<ImportInfo> CancelAsync(string importId, string canceledBy, CancellationToken cancellationToken)
    {
        var import = await jobs.GetImportAsync(importId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{importId}' does not exist.");
        var deadline = time.GetUtcNow() + s_cancelWait;
        while (!import.Status.IsFinal())
        {
            var jobId = import.DatasetLoadJobId ?? import.FileUploadJobId
                ?? throw new IntakeException(ErrorCodes.IllegalTransition, $"Import '{importId}' has not received its file yet; there is nothing to cancel.");
            await jobs.RequestCancelAsync(jobId, canceledBy, cancellationToken);
            var canceledQueued = await jobs.TransitionAsync(jobId, JobStatus.Canceled, CancelOfQueued(canceledBy), time.GetUtcNow(), cancellationToken);
            if (canceledQueued)
            {
                metrics.ImportFinished(JobStatus.Canceled, KindOf(import));
            }

            if (!canceledQueued && import.Status == JobStatus.Processing)
            {
                running.TryCancel(jobId);
            }

            if (time.GetUtcNow() > deadline)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
            import = (await jobs.GetImportAsync(importId, cancellationToken))!;
        }

        if (import.Status.IsFinal() && import.Status != JobStatus.Canceled)
        {
            throw new IntakeException(ErrorCodes.IllegalTransition,
                $"Import '{importId}' is {import.Status.ToWire()} and can no longer be canceled.");
        }

        return import;
    }

    /// <summary>
    /// Cancels the import only while it is queued (the table-batch API's rule). Returns it as it then stands and
    /// whether this call canceled it; a processing or finished import is left as it is.
    /// </summary>
    public async Task<(ImportInfo Import, bool Canceled)> CancelQueuedAsync(string importId, string canceledBy, CancellationToken cancellationToken)
    {
        var import = await jobs.GetImportAsync(importId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{importId}' does not exist.");
        var canceled = import.Status == JobStatus.Queued && (import.DatasetLoadJobId ?? import.FileUploadJobId) is { } jobId &&
            await jobs.TransitionAsync(jobId, JobStatus.Canceled, CancelOfQueued(canceledBy), time.GetUtcNow(), cancellationToken);
        return ((await jobs.GetImportAsync(importId, cancellationToken))!, canceled);
    }

    private static JobTransitionDetails CancelOfQueued(string canceledBy) => new()
    {
        Reason = $"canceled by {canceledBy}",
        Error = new JobError(ErrorCodes.CanceledByUser, $"Canceled by {canceledBy}."),
        From = [JobStatus.Queued],
    };

    public async Task<ImportInfo> SetArchivedAsync(string importId, bool archived, CancellationToken cancellationToken)
    {
        if (!await jobs.SetArchivedAsync(importId, archived, cancellationToken))
        {
            throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{importId}' does not exist.");
        }

        var readAt = time.GetTimestamp();
        var import = (await jobs.GetImportAsync(importId, cancellationToken))!;
        live.Refresh(import, readAt);
        return import;
    }

    /// <summary>Queues a <c>delete_batch</c> job that removes the records this import last wrote.</summary>
    public async Task<Job> DeleteBatchAsync(string importId, CancellationToken cancellationToken)
    {
        var import = await jobs.GetImportAsync(importId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{importId}' does not exist.");
        var job = await jobs.EnqueueAsync(JobKind.DeleteBatch, import.DatasetId, import.Id, time.GetUtcNow(), cancellationToken);
        signal.Notify();
        return job;
    }

    private async Task<NewImport> ValidateAsync(NewImport request, CancellationToken cancellationToken)
    {
        if (await jobs.GetDatasetAsync(request.DatasetId, cancellationToken) is null)
        {
            throw new IntakeException(ErrorCodes.DatasetNotFound, $"Dataset '{request.DatasetId}' does not exist; create it first.");
        }

        if (!string.Equals(request.RecordType, RecordTypeCatalog.Auto, StringComparison.OrdinalIgnoreCase) &&
            await recordTypes.FindAsync(request.DatasetId, request.RecordType, cancellationToken) is null)
        {
            throw new IntakeException(ErrorCodes.UnknownRecordType,
                $"Record type '{request.RecordType}' is not known; use auto, a type defined for the dataset, or one of: " +
                $"{string.Join(", ", recordTypes.Catalog.BuiltIn.Select(t => t.Name))}.");
        }

        var tags = ImportTags.Normalize(request.Tags);
        return request with { Tags = tags.Count == 0 ? [DefaultTag] : tags };
    }

    private async Task FailUploadAsync(ImportInfo import, JobError error)
    {
        if (await jobs.TransitionAsync(import.FileUploadJobId!, JobStatus.Failed, new JobTransitionDetails { Error = error }, time.GetUtcNow(), CancellationToken.None))
        {
            metrics.ImportFinished(JobStatus.Failed, KindOf(import));
        }
    }

    /// <summary>The record kind an import asked for by name (a built-in type), or null while <c>auto</c> is unresolved.</summary>
    private RecordKind? KindOf(ImportInfo import) =>
        recordTypes.Catalog.Find(import.ResolvedRecordType ?? import.Request.RecordType, null)?.Kind;

    /// <summary>Waits until the import is final or <paramref name="timeout"/> passes; returns it as it stands.</summary>
    public async Task<ImportInfo> WaitAsync(string importId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        var import = await jobs.GetImportAsync(importId, cancellationToken)
            ?? throw new IntakeException(ErrorCodes.ImportNotFound, $"Import '{importId}' does not exist.");
        while (!import.Status.IsFinal() && time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(25), time, cancellationToken);
            import = (await jobs.GetImportAsync(importId, cancellationToken))!;
        }

        return import;
    }
}
