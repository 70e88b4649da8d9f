using System.Threading.Channels;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Quality;
using Intake.Core.Records;
using Intake.Core.Scheduling;
using Intake.Core.Storage;
using Intake.Core.Telemetry;
using Microsoft.Extensions.Options;

namespace Intake.Core.Imports;

/// <summary>
/// Runs one dataset load: reads the staged file on a dedicated thread, hands full batches through a bounded
/// channel to the store's sink (so back-pressure reaches the reader and memory stays bounded), and commits.
/// Cancellation at any point before the commit leaves the dataset untouched. Thread-safe; one call per load.
/// </summary>
public sealed class ImportLoader(
    IJobStore jobs,
    IRecordStore records,
    IPayloadStore payloads,
    RecordTypeRegistry recordTypes,
    IOptions<LimitsOptions> limits,
    IOptions<WorkerOptions> workerOptions,
    IFaultInjector faults,
    IntakeMetrics metrics,
    QualityService quality,
    IOptions<QualityOptions> qualityOptions,
    LiveImports live,
    TimeProvider time)
{
    // One batch being filled, one waiting, one being written: enough to keep both threads busy.
    private const int BatchesInFlight = 3;
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The staged file size from which a load is followed by a full collection (about 170,000 CSV rows).</summary>
    private const long CollectAfterPayloadBytes = 16 << 20;

    public async Task<LoadOutcome> LoadAsync(Job job, ImportInfo import, CancellationToken cancellationToken)
    {
        try
        {
            return await LoadOnceAsync(job, import, cancellationToken);
        }
        finally
        {
            // A large load leaves 15-20 MB of large arrays behind (read buffers, quality tallies, the store's key hashes
            // and COPY buffer), and large objects are freed only by a full collection, which the runtime starts when its
            // large-object budget runs out: several loads' worth later. Ten 1M-row loads in a row raised the server's
            // peak RSS to 310-350 MB that way (ADR 4). A background collection once the load is done frees them before
            // the next one; it runs beside the other threads (pauses of a few ms), not in the load's time. Small loads,
            // which the compatibility APIs may send many of a second, are left to the runtime's own budget.
            if (import.PayloadBytes >= CollectAfterPayloadBytes)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
            }
        }
    }

    private async Task<LoadOutcome> LoadOnceAsync(Job job, ImportInfo import, CancellationToken cancellationToken)
    {
        // Checkpoint: a load that committed (applied or discarded) but whose job was not marked final (a crash in
        // between) is redelivered; its marker makes the redo a no-op that reports the committed outcome.
        var plan = import.Request.Plan;
        var applied = await records.FindAppliedLoadAsync(import.DatasetId, import.Id, cancellationToken);
        if (applied is not null)
        {
            var report = LoadReport.Parse(applied.Report);
            return LoadOutcome.From(applied.Totals, applied.Failure, plan) with { Report = report, Warnings = report?.Warnings ?? [] };
        }

        var options = limits.Value;
        await using var raw = await payloads.OpenReadAsync(import.PayloadId!, cancellationToken);
        using var source = ImportSource.Open(raw, new ImportSourceOptions(
            import.Request.Format, import.Request.ContentType, import.Request.ContentEncoding, import.Request.FileName, options.MaxFileBytes));
        var customTypes = await recordTypes.CustomTypesAsync(import.DatasetId, cancellationToken);
        using var parser = RecordParser.Open(source, import.Request, recordTypes.Catalog, customTypes, options, cancellationToken);
        var attributeTypes = new AttributeTypeMap(await records.GetAttributeTypesAsync(import.DatasetId, cancellationToken),
            await records.GetCsvTextAttributesAsync(import.DatasetId, cancellationToken), options.MaxAttributes);
        var budget = new ErrorBudget(import.Request.MaxErrors, import.Request.MaxErrorRatio);

        await using var sink = await records.OpenSinkAsync(
            new LoadRequest(import.DatasetId, import.Id, import.Seq, parser.RecordType, import.Request.Mode, options.MaxStoredErrors, plan),
            cancellationToken);

        // "Now" is the load's start, so a redelivered load can only accept more recent times, never fewer.
        var eventTimes = options.EventTimes(import.Request.TimestampUnit, time.GetUtcNow());
        var progress = new ProgressState(import.PayloadBytes);
        var collecting = time.GetTimestamp();
        var collector = new TimedCollector(qualityOptions.Value.LoadReports
            ? await quality.StartLoadAsync(import.DatasetId, parser.RecordType.Kind, sink.DatasetVersion, time.GetUtcNow(), cancellationToken)
            : null, time);
        collector.Spent += time.GetElapsedTime(collecting);
        using var reporting = new CancellationTokenSource();
        using var shown = live.Track(import);
        var reporter = ReportProgressAsync(job.Id, import.Id, progress, sink, shown, reporting.Token);
        var started = time.GetTimestamp();
        try
        {
            var failure = await ReadAsync(job.Id, parser, source, sink, new RecordWriterSetup(attributeTypes, import.DatasetId, eventTimes), progress, budget,
                collector, cancellationToken);
            var read = time.GetElapsedTime(started);

            // Checkpoint: apply or discard is decided here, where every fact is known (the merge has counted what
            // the load would write and found the keys the store refuses), and carried out by the one commit below:
            // a discarded load commits its rejections and its marker, never a record, a deletion or an attribute type.
            // A budget the reading's rejections exceed already needs no merge; only insert mode's refusals of stored keys,
            // found by the merge, can still exceed it, so only then must a merge that wrote records stay revocable.
            // A plan's merge always is: it is discarded whatever it finds, after counting it.
            failure ??= budget.Check(sink.Rejected, progress.RecordsRead);
            LoadReport report;
            LoadTotals committed;
            using (IntakeMetrics.Activities.StartActivity("commit"))
            {
                if (failure is null)
                {
                    // A load that failed while it was read is not merged: there is nothing to count, and nothing to undo.
                    var merged = await sink.MergeAsync(plan || (budget.IsSet && import.Request.Mode == WriteMode.Insert), cancellationToken);
                    failure = LoadOutcome.Judge(merged, budget) ?? LoadOutcome.JudgeReplace(import.Request.Mode, merged, import.DatasetId);
                }
                report = new LoadReport
                {
                    DatasetVersion = sink.DatasetVersion, Plan = failure is null ? sink.Planned : null,
                    Warnings = await CompareWithPlanAsync(import, sink.DatasetVersion, cancellationToken),
                };
                if (failure is null && collector.Collector is not null)
                {
                    collecting = time.GetTimestamp();
                    var (figures, crossed, previous) = await quality.FinishLoadAsync(import, collector.Collector, parser.RecordType.Kind,
                        attributeTypes.All, sink.Repeated, cancellationToken);
                    report = report with { Quality = figures, PreviousImportId = previous, Warnings = [.. report.Warnings, .. crossed] };
                    collector.Spent += time.GetElapsedTime(collecting);
                }

                await faults.BeforeCommitAsync(job.Id, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                var decision = failure is not null ? LoadDecision.Discard(failure, report.Serialize())
                    : plan ? LoadDecision.Planned(report.Serialize())
                    : LoadDecision.Apply(attributeTypes.Changes, report.Serialize());
                // The ids an applied load keeps for the next one are gathered beside the commit, which mostly waits for the store's writes.
                var keeping = collector.Load is { } ending && decision.Applies
                    ? Task.Run(() => QualityService.PrepareEnd(ending), CancellationToken.None)
                    : Task.CompletedTask;
                try
                {
                    committed = await sink.CommitAsync(decision, cancellationToken);
                }
                finally
                {
                    await keeping;
                }

                if (collector.Load is { } load)
                {
                    quality.EndLoad(load, decision.Applies, import.Request.Mode);
                }
            }

            // Checkpoint: committed. A crash from here until the final status is stored redoes nothing (the marker).
            await faults.AfterCommitAsync(job.Id, cancellationToken);
            var warnings = parser.Warnings.ToList();
            if (failure is null && committed.Read == 0)
            {
                warnings.Add(new ImportWarning(ImportWarning.NoRecords,
                    $"The file holds no records{(source.Format == FileFormat.Csv ? " after its header" : "")}, so nothing was written."));
            }

            return LoadOutcome.From(committed, failure, plan) with
            {
                Reading = read, Committing = time.GetElapsedTime(started) - read, Quality = collector.Spent, Report = report,
                Warnings = [.. warnings, .. report.Warnings], Kind = parser.RecordType.Kind,
            };
        }
        finally
        {
            await reporting.CancelAsync();
            await reporter;
        }
    }

    /// <summary>
    /// For an import that applies a plan: a warning when the dataset changed between the plan and this load (its
    /// data version differs), saying that the file was checked again against the dataset as it is now.
    /// </summary>
    private async Task<IReadOnlyList<ImportWarning>> CompareWithPlanAsync(ImportInfo import, long? loadedVersion, CancellationToken cancellationToken)
    {
        if (import.Request.PlanId is not { } planId || loadedVersion is not { } version)
        {
            return [];
        }

        var planned = await records.FindAppliedLoadAsync(import.DatasetId, planId, cancellationToken);
        var planVersion = LoadReport.Parse(planned?.Report)?.DatasetVersion;
        if (planVersion == version)
        {
            return [];
        }

        var changes = LoadReport.Parse(planned?.Report)?.Plan;
        var expected = changes is null ? "" :
            $" The plan expected {changes.Inserts:N0} inserts, {changes.Updates:N0} updates, {changes.Unchanged:N0} unchanged, " +
            $"{changes.Deletes:N0} deletions and {planned!.Totals.Rejected:N0} rejections; this import's own counts are what happened.";
        return [new ImportWarning(ImportWarning.DatasetChangedSincePlan,
            $"The dataset changed after plan {planId} was made (data version {planVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}, " +
            $"now {version.ToString(System.Globalization.CultureInfo.InvariantCulture)}), so the file was validated again against it." + expected)];
    }

    /// <summary>
    /// Hands the file to the sink; returns null, or why the file failed (unreadable, over a limit, or over the
    /// error budget's count). Such a failure stops reading, keeps the rejections seen so far,
    /// and leaves the sink ready to be discarded; a cancel or an unexpected error propagates.
    /// </summary>
    private async Task<JobError?> ReadAsync(string jobId, RecordParser parser, ImportSource source, IRecordSink sink, RecordWriterSetup setup,
        ProgressState progress, ErrorBudget budget, TimedCollector collector, CancellationToken cancellationToken)
    {
        using var producing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var full = Channel.CreateBounded<RecordBatch>(new BoundedChannelOptions(BatchesInFlight - 1) { SingleReader = true, SingleWriter = true });
        var free = Channel.CreateBounded<RecordBatch>(BatchesInFlight);
        for (var i = 0; i < BatchesInFlight; i++)
        {
            free.Writer.TryWrite(new RecordBatch(workerOptions.Value.BatchSize, workerOptions.Value.BatchSize * 128));
        }

        var producer = Task.Factory.StartNew(
            () => Produce(parser, source, setup, full.Writer, free.Reader, producing.Token),
            producing.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        JobError? failure = null;
        try
        {
            using var writing = IntakeMetrics.Activities.StartActivity("write");
            await foreach (var batch in full.Reader.ReadAllAsync(cancellationToken))
            {
                // The counting reads the batch while the sink stages it; neither changes its records.
                var counting = collector.AddAsync(batch, cancellationToken);
                await sink.WriteAsync(batch, cancellationToken);
                await counting;
                progress.Update(batch.SourceBytesRead, batch.RecordsRead);
                metrics.RecordsRead(batch.RecordsRead);
                batch.Reset();
                free.Writer.TryWrite(batch);
                await faults.AfterBatchAsync(jobId, cancellationToken);
                if (budget.CheckWhileReading(sink.Rejected, progress.RecordsRead) is { } exceeded)
                {
                    failure = exceeded;
                    break;
                }
            }
        }
        catch (IntakeException exception)
        {
            // The reader's verdict on the file (malformed, over a limit): every batch read before it was handed on.
            failure = new JobError(exception.Code, exception.Message);
        }
        finally
        {
            // Let the producer stop too before the sink is used or disposed; its own exception is secondary then.
            await producing.CancelAsync();
            free.Writer.TryComplete();
            await producer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        if (failure is null)
        {
            await producer;
        }

        return failure;
    }

    private static void Produce(RecordParser parser, ImportSource source, RecordWriterSetup setup,
        ChannelWriter<RecordBatch> full, ChannelReader<RecordBatch> free, CancellationToken cancellationToken)
    {
        try
        {
            // On the reader's own thread, beside the write span: the two run at the same time.
            using var parsing = IntakeMetrics.Activities.StartActivity("parse and validate");
            var batch = Take(free, cancellationToken);
            var writer = new RecordWriter(parser.RecordType, setup.AttributeTypes, setup.DatasetId, batch, setup.EventTimes);
            bool more;
            do
            {
                more = parser.Fill(writer, cancellationToken);
                batch.SourceBytesRead = source.RawBytesRead;
                full.WriteAsync(batch, cancellationToken).AsTask().GetAwaiter().GetResult();
                if (more)
                {
                    batch = Take(free, cancellationToken);
                    writer.Attach(batch);
                }
            }
            while (more);

            full.Complete();
        }
        catch (Exception exception)
        {
            full.TryComplete(exception);
            throw;
        }
    }

    private static RecordBatch Take(ChannelReader<RecordBatch> free, CancellationToken cancellationToken) =>
        free.TryRead(out var batch) ? batch : free.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Reports progress every half second until the load ends, through the commit (whose merge advances the written count),
    /// and reads the import back for the status polls this node answers from memory (<see cref="LiveImports"/>).
    /// </summary>
    private async Task ReportProgressAsync(string jobId, string importId, ProgressState progress, IRecordSink sink, LiveImports.Scope shown,
        CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_progressInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await jobs.ReportProgressAsync(jobId, progress.Snapshot(sink), cancellationToken);
                    var readAt = time.GetTimestamp();
                    shown.Set(await jobs.GetImportAsync(importId, cancellationToken), readAt);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Progress is advisory: a store hiccup skips one report, the load itself goes on, and its
                    // final counts are written with its final status.
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The load ended.
        }
    }

    /// <summary>The load's quality collector (null when load reports are off), timing the work it does.</summary>
    private sealed class TimedCollector(QualityService.LoadQuality? load, TimeProvider time)
    {
        public QualityService.LoadQuality? Load => load;

        public QualityCollector? Collector => load?.Collector;

        public TimeSpan Spent { get; set; }

        public Task AddAsync(RecordBatch batch, CancellationToken cancellationToken) => load is null ? Task.CompletedTask : Task.Run(() =>
        {
            var started = time.GetTimestamp();
            load.Collector.Add(batch);
            Spent += time.GetElapsedTime(started);
        }, cancellationToken);
    }

    private sealed record RecordWriterSetup(AttributeTypeMap AttributeTypes, string DatasetId, EventTimeRules EventTimes);

    /// <summary>Progress shared between the writing loop and the reporter.</summary>
    private sealed class ProgressState(long? bytesTotal)
    {
        private long _bytesRead;
        private long _recordsRead;

        public void Update(long bytesRead, long recordsInBatch)
        {
            Volatile.Write(ref _bytesRead, bytesRead);
            Interlocked.Add(ref _recordsRead, recordsInBatch);
        }

        public long RecordsRead => Volatile.Read(ref _recordsRead);

        public ImportProgress Snapshot(IRecordSink sink) =>
            new(Volatile.Read(ref _bytesRead), bytesTotal, Volatile.Read(ref _recordsRead), sink.Written, sink.Rejected);
    }
}
