using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Intake.Core.Webhooks;

namespace Intake.Storage.Compliance;

/// <summary>
/// The queue figures behind back-pressure and metrics, and the webhook outbox: deliveries written with the final
/// transition, claimed by one sender at a time, recorded only by their claimant. Run unchanged against each provider.
/// </summary>
public abstract class QueueAndOutboxCompliance : StoreCompliance
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private IJobStore Jobs => Store.Jobs;

    private IWebhookStore Webhooks => Store.Webhooks;

    [Fact]
    public async Task Queued_imports_are_counted_per_dataset_and_in_total_and_the_queue_is_summed_by_kind()
    {
        await StagedImportAsync("ds-a");
        await StagedImportAsync("ds-a");
        await StagedImportAsync("ds-b");
        await Jobs.CreateImportAsync(Request("ds-b") with { SourceUrl = "http://127.0.0.1/f.csv" }, JobStatus.Queued, s_now.AddSeconds(-30), default);
        await Jobs.EnqueueAsync(JobKind.ClearData, "ds-c", null, s_now, default);
        var claimed = await Jobs.ClaimNextAsync("w1", s_now, s_now.AddMinutes(1), default);

        Assert.Equal(JobKind.FileUpload, claimed!.Kind);
        Assert.Equal((2L, 3L), await Jobs.CountQueuedImportsAsync("ds-a", default));
        Assert.Equal((1L, 3L), await Jobs.CountQueuedImportsAsync("ds-b", default));
        Assert.Equal((0L, 3L), await Jobs.CountQueuedImportsAsync("ds-none", default));
        var stats = await Jobs.GetQueueStatsAsync(default);
        Assert.Equal(3, stats.Queued[JobKind.DatasetLoad]);
        Assert.Equal(1, stats.Queued[JobKind.ClearData]);
        Assert.Equal(1, stats.Running[JobKind.FileUpload]);
        Assert.Equal(3, stats.QueuedImports);
        Assert.Equal(s_now, stats.OldestQueuedAt);
    }

    [Fact]
    public async Task A_final_transition_writes_a_delivery_for_each_matching_webhook_in_its_transaction()
    {
        await AddWebhookAsync("all", [WebhookEvents.ImportCompleted, WebhookEvents.ImportFailed, WebhookEvents.JobFailed], null);
        await AddWebhookAsync("other-dataset", [WebhookEvents.ImportCompleted], ["ds-other"]);
        await AddWebhookAsync("deleted", [WebhookEvents.ImportCompleted], null);
        Assert.True(await Webhooks.DeleteWebhookAsync("deleted", s_now, default));

        var completed = await StagedImportAsync("ds");
        await ClaimAndEndAsync(completed.DatasetLoadJobId!, JobStatus.Completed);
        var failed = await StagedImportAsync("ds");
        await ClaimAndEndAsync(failed.DatasetLoadJobId!, JobStatus.Failed);

        var deliveries = (await Webhooks.ListDeliveriesAsync("all", new PageRequest(), default)).Items;
        Assert.Equal(
            [(WebhookEvents.JobFailed, failed.Id), (WebhookEvents.ImportFailed, failed.Id), (WebhookEvents.ImportCompleted, completed.Id)],
            deliveries.Select(d => (d.Event, d.ImportId!)).Order().Reverse().OrderBy(d => d.Item2 == completed.Id));
        Assert.All(deliveries, d => Assert.Equal((DeliveryStatus.Pending, 0, "ds"), (d.Status, d.Attempts, d.DatasetId)));
        Assert.Empty((await Webhooks.ListDeliveriesAsync("other-dataset", new PageRequest(), default)).Items);
        Assert.Empty((await Webhooks.ListDeliveriesAsync("deleted", new PageRequest(), default)).Items);

        // A transition that loses its compare-and-set writes nothing.
        Assert.False(await Jobs.TransitionAsync(completed.DatasetLoadJobId!, JobStatus.Failed, new JobTransitionDetails(), s_now, default));
        Assert.Equal(3, (await Webhooks.ListDeliveriesAsync("all", new PageRequest(), default)).Items.Count);
    }

    [Fact]
    public async Task A_claimed_delivery_is_not_claimed_again_until_its_lease_ends_and_only_its_claimant_records_the_attempt()
    {
        await AddWebhookAsync("hook", [WebhookEvents.ImportCompleted], null);
        var ping = await Webhooks.EnqueueDeliveryAsync("hook", WebhookEvents.Ping, s_now, default);

        var claimed = Assert.Single(await Webhooks.ClaimDueDeliveriesAsync("node-1", s_now, s_now.AddSeconds(30), 10, default));
        Assert.Equal((ping.Id, "http://127.0.0.1:9/hook", "secret-of-sixteen-chars"), (claimed.Id, claimed.Url, claimed.Secret));
        Assert.Empty(await Webhooks.ClaimDueDeliveriesAsync("node-2", s_now.AddSeconds(29), s_now.AddSeconds(59), 10, default));

        var retry = claimed with { Status = DeliveryStatus.Pending, Attempts = 1, NextAttemptAt = s_now.AddSeconds(5), Body = "{}", LastStatusCode = 500, LastError = "500" };
        Assert.False(await Webhooks.RecordAttemptAsync(retry, new DeliveryAttempt(1, s_now, 12, 500, "500", "node-2"), default));
        Assert.True(await Webhooks.RecordAttemptAsync(retry, new DeliveryAttempt(1, s_now, 12, 500, "500", "node-1"), default));
        Assert.False(await Webhooks.RecordAttemptAsync(retry, new DeliveryAttempt(1, s_now, 12, 500, "500", "node-1"), default));

        Assert.Empty(await Webhooks.ClaimDueDeliveriesAsync("node-2", s_now.AddSeconds(4), s_now.AddSeconds(34), 10, default));
        var again = Assert.Single(await Webhooks.ClaimDueDeliveriesAsync("node-2", s_now.AddSeconds(5), s_now.AddSeconds(35), 10, default));
        Assert.Equal(("{}", 1), (again.Body, again.Attempts));
        var done = again with { Status = DeliveryStatus.Delivered, Attempts = 2, FinishedAt = s_now.AddSeconds(6), LastStatusCode = 200, LastError = null };
        Assert.True(await Webhooks.RecordAttemptAsync(done, new DeliveryAttempt(2, s_now.AddSeconds(5), 8, 200, null, "node-2"), default));

        var listed = Assert.Single((await Webhooks.ListDeliveriesAsync("hook", new PageRequest(), default)).Items);
        Assert.Equal((DeliveryStatus.Delivered, 2, 200), (listed.Status, listed.Attempts, listed.LastStatusCode));
        Assert.Equal([(1, 500, "node-1"), (2, 200, "node-2")], listed.History.Select(a => (a.Attempt, a.StatusCode ?? 0, a.SentBy)));
        Assert.Empty(await Webhooks.ClaimDueDeliveriesAsync("node-3", s_now.AddHours(1), s_now.AddHours(2), 10, default));
    }

    private Task AddWebhookAsync(string id, IReadOnlyList<string> events, IReadOnlyList<string>? datasets) =>
        Webhooks.CreateWebhookAsync(new Webhook(id, "http://127.0.0.1:9/hook", events, datasets, "secret-of-sixteen-chars", s_now), default);

    private async Task ClaimAndEndAsync(string jobId, JobStatus status)
    {
        var job = await Jobs.ClaimNextAsync("w", s_now, s_now.AddMinutes(1), default);
        Assert.Equal(jobId, job!.Id);
        Assert.True(await Jobs.TransitionAsync(jobId, status, new JobTransitionDetails { WorkerId = "w" }, s_now, default));
    }

    private async Task<ImportInfo> StagedImportAsync(string dataset)
    {
        var import = await Jobs.CreateImportAsync(Request(dataset), JobStatus.Processing, s_now, default);
        var staged = await Jobs.CompleteUploadAsync(import.Id, Guid.NewGuid().ToString("N"), 10, s_now, default);
        Assert.NotNull(staged);
        return staged;
    }

    private static NewImport Request(string dataset) => new() { DatasetId = dataset, RecordType = "entity", Tags = ["default"] };
}
