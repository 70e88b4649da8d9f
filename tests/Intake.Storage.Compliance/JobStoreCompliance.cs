using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;

namespace Intake.Storage.Compliance;

/// <summary>
/// What every job store must do, run unchanged against each provider: subclasses supply
/// <see cref="CreateStoreAsync"/> and nothing else.
/// </summary>
public abstract class JobStoreCompliance : StoreCompliance
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    protected IJobStore Jobs => Store.Jobs;

    [Fact]
    public async Task Created_dataset_is_listed_and_a_duplicate_id_is_refused()
    {
        Assert.True(await Jobs.CreateDatasetAsync(new Dataset("ds-a", "A", "first", s_now, s_now), default));
        Assert.False(await Jobs.CreateDatasetAsync(new Dataset("ds-a", "again", null, s_now, s_now), default));
        await Jobs.CreateDatasetAsync(new Dataset("ds-b", "B", null, s_now, s_now), default);

        var first = await Jobs.ListDatasetsAsync(new PageRequest(1), default);
        var second = await Jobs.ListDatasetsAsync(new PageRequest(1, first.NextCursor), default);

        Assert.Equal("ds-a", Assert.Single(first.Items).Id);
        Assert.Equal("ds-b", Assert.Single(second.Items).Id);
        Assert.Null(second.NextCursor);
        Assert.Equal("first", (await Jobs.GetDatasetAsync("ds-a", default))!.Description);
    }

    [Fact]
    public async Task Completing_an_upload_queues_its_load_and_the_import_follows_its_current_job()
    {
        var import = await Jobs.CreateImportAsync(Request("ds"), JobStatus.Processing, s_now, default);
        Assert.Equal(JobStatus.Processing, import.Status);
        Assert.Null(import.DatasetLoadJobId);

        var staged = await Jobs.CompleteUploadAsync(import.Id, "payload1", 1234, s_now, default);
        import = (await Jobs.GetImportAsync(import.Id, default))!;

        Assert.Equal((JobStatus.Queued, import.DatasetLoadJobId, "payload1"), (staged!.Status, staged.DatasetLoadJobId, staged.PayloadId));

        Assert.Equal(JobStatus.Queued, import.Status);
        Assert.Equal("payload1", import.PayloadId);
        Assert.Equal(1234, import.PayloadBytes);
        var upload = (await Jobs.GetJobAsync(import.FileUploadJobId!, default))!;
        Assert.Equal(JobStatus.Completed, upload.Status);
        Assert.Equal(1234, upload.Stats.Received);
        var load = (await Jobs.GetJobAsync(import.DatasetLoadJobId!, default))!;
        Assert.Equal(JobKind.DatasetLoad, load.Kind);
        Assert.Equal(JobStatus.Queued, load.Status);
        Assert.Null(await Jobs.CompleteUploadAsync(import.Id, "payload2", 1, s_now, default));
    }

    [Fact]
    public async Task Claims_run_one_job_per_dataset_in_acceptance_order_and_datasets_in_parallel()
    {
        var a1 = await StagedImportAsync("ds-a");
        var a2 = await StagedImportAsync("ds-a");
        var b1 = await StagedImportAsync("ds-b");

        var first = await ClaimAsync("w1");
        var second = await ClaimAsync("w2");
        var third = await ClaimAsync("w3");

        Assert.Equal(a1.DatasetLoadJobId, first!.Id);
        Assert.Equal(b1.DatasetLoadJobId, second!.Id);
        Assert.Null(third);

        Assert.True(await Jobs.TransitionAsync(first.Id, JobStatus.Completed, new JobTransitionDetails { WorkerId = "w1" }, s_now, default));
        var next = await ClaimAsync("w3");
        Assert.Equal(a2.DatasetLoadJobId, next!.Id);
        Assert.Equal(JobStatus.Processing, (await Jobs.GetImportAsync(a2.Id, default))!.Status);
    }

    [Fact]
    public async Task A_pending_fetch_holds_back_later_jobs_of_its_dataset_but_is_claimed_itself()
    {
        var fetch = await Jobs.CreateImportAsync(Request("ds") with { SourceUrl = "http://127.0.0.1/file.csv" }, JobStatus.Queued, s_now, default);
        var later = await StagedImportAsync("ds");
        var clear = await Jobs.EnqueueAsync(JobKind.ClearData, "ds", null, s_now, default);

        var claimed = await ClaimAsync("w1");
        Assert.Equal(fetch.FileUploadJobId, claimed!.Id);
        Assert.Null(await ClaimAsync("w2"));

        Assert.NotNull(await Jobs.CompleteUploadAsync(fetch.Id, "p", 10, s_now, default));
        var load = await ClaimAsync("w1");
        Assert.Equal((await Jobs.GetImportAsync(fetch.Id, default))!.DatasetLoadJobId, load!.Id);
        await Jobs.TransitionAsync(load.Id, JobStatus.Completed, new JobTransitionDetails(), s_now, default);
        Assert.Equal(later.DatasetLoadJobId, (await ClaimAsync("w1"))!.Id);
        Assert.Null(await ClaimAsync("w2"));
        await Jobs.TransitionAsync(later.DatasetLoadJobId!, JobStatus.Completed, new JobTransitionDetails(), s_now, default);
        Assert.Equal(clear.Id, (await ClaimAsync("w2"))!.Id);
    }

    [Fact]
    public async Task Transitions_are_compare_and_set_and_each_one_is_in_the_history()
    {
        var import = await StagedImportAsync("ds");
        var job = (await ClaimAsync("w1"))!;

        Assert.False(await Jobs.TransitionAsync(job.Id, JobStatus.Canceled, new JobTransitionDetails { From = [JobStatus.Queued] }, s_now, default));
        Assert.False(await Jobs.TransitionAsync(job.Id, JobStatus.Completed, new JobTransitionDetails { WorkerId = "other" }, s_now, default));
        var stats = new JobStats(10, 8, 2);
        Assert.True(await Jobs.TransitionAsync(job.Id, JobStatus.CompletedWithErrors,
            new JobTransitionDetails { WorkerId = "w1", Stats = stats, Progress = new ImportProgress(100, 100, 10, 8, 2), ResolvedRecordType = "entity" },
            s_now.AddSeconds(5), default));
        Assert.False(await Jobs.TransitionAsync(job.Id, JobStatus.Completed, new JobTransitionDetails(), s_now, default));

        var finished = (await Jobs.GetJobAsync(job.Id, default))!;
        Assert.Equal(JobStatus.CompletedWithErrors, finished.Status);
        Assert.Equal(stats, finished.Stats);
        Assert.Equal(s_now.AddSeconds(5), finished.FinishedAt);
        var history = await Jobs.GetHistoryAsync(job.Id, default);
        Assert.Equal([JobStatus.Queued, JobStatus.Processing, JobStatus.CompletedWithErrors], history.Select(h => h.Status));
        var after = (await Jobs.GetImportAsync(import.Id, default))!;
        Assert.Equal(JobStatus.CompletedWithErrors, after.Status);
        Assert.Equal("entity", after.ResolvedRecordType);
        Assert.Equal(8, after.Progress.RecordsWritten);
    }

    [Fact]
    public async Task Expired_leases_are_redelivered_unless_a_cancel_was_asked()
    {
        await StagedImportAsync("ds-a");
        await StagedImportAsync("ds-b");
        var a = (await ClaimAsync("w1"))!;
        var b = (await ClaimAsync("w2"))!;
        Assert.True(await Jobs.RequestCancelAsync(b.Id, "tester", default));

        Assert.Equal(LeaseStatus.CancelRequested, await Jobs.RenewLeaseAsync(b.Id, "w2", s_now.AddMinutes(1), default));
        Assert.Equal(LeaseStatus.Held, await Jobs.RenewLeaseAsync(a.Id, "w1", s_now.AddMinutes(1), default));
        Assert.Equal(LeaseStatus.Lost, await Jobs.RenewLeaseAsync(a.Id, "intruder", s_now.AddMinutes(1), default));

        Assert.Equal(0, await Jobs.RecoverExpiredAsync(s_now.AddSeconds(30), default));
        Assert.Equal(2, await Jobs.RecoverExpiredAsync(s_now.AddMinutes(2), default));

        Assert.Equal(JobStatus.Queued, (await Jobs.GetJobAsync(a.Id, default))!.Status);
        Assert.Equal(JobStatus.Canceled, (await Jobs.GetJobAsync(b.Id, default))!.Status);
        Assert.Equal(LeaseStatus.Lost, await Jobs.RenewLeaseAsync(a.Id, "w1", s_now.AddMinutes(3), default));
        var again = (await ClaimAsync("w3"))!;
        Assert.Equal(a.Id, again.Id);
        Assert.Equal(2, again.Attempts);
    }

    [Fact]
    public async Task Interrupted_direct_uploads_fail_when_recovered()
    {
        var import = await Jobs.CreateImportAsync(Request("ds"), JobStatus.Processing, s_now, default);

        await Jobs.RecoverExpiredAsync(DateTimeOffset.MaxValue, default);

        var after = (await Jobs.GetImportAsync(import.Id, default))!;
        Assert.Equal(JobStatus.Failed, after.Status);
        Assert.Equal(ErrorCodes.UploadInterrupted, after.Error!.Code);
    }

    [Fact]
    public async Task Visible_batches_leave_out_archived_imports_and_select_by_any_tag()
    {
        var product = await StagedImportAsync("ds", ["product-data"]);
        var blog = await StagedImportAsync("ds", ["blog-data", "extra"]);
        var archived = await StagedImportAsync("ds", ["product-data"]);
        await StagedImportAsync("other", ["product-data"]);
        Assert.True(await Jobs.SetArchivedAsync(archived.Id, true, default));

        var all = await Jobs.VisibleBatchesAsync("ds", [], default);
        var products = await Jobs.VisibleBatchesAsync("ds", ["product-data"], default);
        var either = await Jobs.VisibleBatchesAsync("ds", ["product-data", "blog-data"], default);

        Assert.Equal([product.Seq, blog.Seq], all.Keys.Order());
        Assert.Equal(product.Id, products[product.Seq]);
        Assert.Single(products);
        Assert.Equal(2, either.Count);
    }

    [Fact]
    public async Task Imports_and_jobs_are_listed_newest_first_with_filters_and_cursors()
    {
        var first = await StagedImportAsync("ds", ["x"]);
        var second = await StagedImportAsync("ds", ["y"]);
        await StagedImportAsync("other", ["x"]);

        var page1 = await Jobs.ListImportsAsync(new ImportFilter(DatasetId: "ds"), new PageRequest(1), default);
        var page2 = await Jobs.ListImportsAsync(new ImportFilter(DatasetId: "ds"), new PageRequest(1, page1.NextCursor), default);
        var tagged = await Jobs.ListImportsAsync(new ImportFilter(Tag: "x"), new PageRequest(), default);
        var uploads = await Jobs.ListJobsAsync(new JobFilter(Kind: JobKind.FileUpload, DatasetId: "ds"), new PageRequest(), default);

        Assert.Equal(second.Id, Assert.Single(page1.Items).Id);
        Assert.Equal(first.Id, Assert.Single(page2.Items).Id);
        Assert.Equal(2, tagged.Items.Count);
        Assert.Equal(2, uploads.Items.Count);
        Assert.All(uploads.Items, j => Assert.Equal(JobStatus.Completed, j.Status));
    }

    [Fact]
    public async Task An_upload_created_without_its_file_starts_receiving_once()
    {
        var import = await Jobs.CreateImportAsync(Request("ds"), uploadStatus: null, s_now, default);
        Assert.Equal(JobStatus.Queued, import.Status);
        Assert.Null(import.FileUploadJobId);
        Assert.Null(await ClaimAsync("w1"));

        Assert.True(await Jobs.BeginUploadAsync(import.Id, s_now, default));
        Assert.False(await Jobs.BeginUploadAsync(import.Id, s_now, default));
        var receiving = (await Jobs.GetImportAsync(import.Id, default))!;
        Assert.Equal(JobStatus.Processing, receiving.Status);
        Assert.Equal(JobStatus.Processing, (await Jobs.GetJobAsync(receiving.FileUploadJobId!, default))!.Status);

        Assert.NotNull(await Jobs.CompleteUploadAsync(import.Id, "payload", 5, s_now, default));
        Assert.Equal(JobKind.DatasetLoad, (await ClaimAsync("w1"))!.Kind);
    }

    [Fact]
    public async Task Custom_record_types_are_saved_replaced_and_listed_per_dataset()
    {
        await Jobs.SaveRecordTypeAsync("ds", "visit", "{\"v\":1}", s_now, default);
        await Jobs.SaveRecordTypeAsync("ds", "visit", "{\"v\":2}", s_now.AddMinutes(1), default);
        await Jobs.SaveRecordTypeAsync("ds", "order", "{}", s_now, default);
        await Jobs.SaveRecordTypeAsync("other", "visit", "{}", s_now, default);

        var types = await Jobs.ListRecordTypesAsync("ds", default);

        Assert.Equal(["order", "visit"], types.Select(t => t.Name));
        Assert.Equal("{\"v\":2}", types[1].Definition);
        Assert.Equal(s_now.AddMinutes(1), types[1].UpdatedAt);
    }

    [Fact]
    public async Task Retention_releases_staged_files_and_purges_finished_jobs_but_keeps_imports()
    {
        var old = await StagedImportAsync("ds");
        var recent = await StagedImportAsync("ds");
        var oldLoad = (await ClaimAsync("w1"))!;
        await Jobs.TransitionAsync(oldLoad.Id, JobStatus.Completed, new JobTransitionDetails(), s_now, default);
        var recentLoad = (await ClaimAsync("w1"))!;
        await Jobs.TransitionAsync(recentLoad.Id, JobStatus.Completed, new JobTransitionDetails(), s_now.AddDays(20), default);

        var released = await Jobs.ReleaseStagedPayloadsAsync(s_now.AddDays(10), 100, default);
        var purged = await Jobs.PurgeFinishedJobsAsync(s_now.AddDays(10), 100, default);

        Assert.Equal([old.PayloadId!], released);
        Assert.Empty(await Jobs.ReleaseStagedPayloadsAsync(s_now.AddDays(10), 100, default));
        Assert.Null((await Jobs.GetImportAsync(old.Id, default))!.PayloadId);
        Assert.Equal(recent.PayloadId, (await Jobs.GetImportAsync(recent.Id, default))!.PayloadId);
        Assert.Equal([new PurgedImport("ds", old.Id)], purged);
        Assert.Null(await Jobs.GetJobAsync(oldLoad.Id, default));
        Assert.Null(await Jobs.GetJobAsync(old.FileUploadJobId!, default));
        Assert.Empty(await Jobs.GetHistoryAsync(oldLoad.Id, default));
        Assert.NotNull(await Jobs.GetJobAsync(recentLoad.Id, default));
        Assert.NotNull(await Jobs.GetImportAsync(old.Id, default));
    }

    protected static NewImport Request(string dataset, IReadOnlyList<string>? tags = null) =>
        new() { DatasetId = dataset, Tags = tags ?? ["default"] };

    private async Task<ImportInfo> StagedImportAsync(string dataset, IReadOnlyList<string>? tags = null)
    {
        var import = await Jobs.CreateImportAsync(Request(dataset, tags), JobStatus.Processing, s_now, default);
        Assert.NotNull(await Jobs.CompleteUploadAsync(import.Id, Guid.NewGuid().ToString("N"), 10, s_now, default));
        return (await Jobs.GetImportAsync(import.Id, default))!;
    }

    private Task<Job?> ClaimAsync(string worker) => Jobs.ClaimNextAsync(worker, s_now, s_now.AddMinutes(1), default);
}
