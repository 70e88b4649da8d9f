using System.Threading.Channels;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
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
    TimeProvider time)
{
    // One batch being filled, one waiting, one being written: enough to keep both threads busy.
    private const int BatchesInFlight = 3;
    private static readonly TimeSpan s_progressInterval = TimeSpan.FromMilliseconds(500);

    public async Task<LoadOutcome> LoadAsync(Job job, ImportInfo import, CancellationToken cancellationToken)
    {
        // Checkpoint: a load that committed (applied or discarded) but whose job was not marked final (a crash in
        // between) is redelivered; its marker makes the redo a no-op that reports the committed outcome.
        var applied = await records.FindAppliedLoadAsync(import.DatasetId, import.Id, cancellationToken);
        if (applied is not null)
        {
            return LoadOutcome.From(applied.Totals, applied.Failure);
        }

        var options = limits.Value;
        await using var raw = await payloads.OpenReadAsync(import.PayloadId!, cancellationToken);
        using var source = ImportSource.Open(raw, new ImportSourceOptions(
            import.Request.Format, import.Request.ContentType, import.Request.ContentEncoding, import.Request.FileName, options.MaxFileBytes));
        var customTypes = await recordTypes.CustomTypesAsync(import.DatasetId, cancellationToken);
        using var parser = RecordParser.Open(source, import.Request, recordTypes.Catalog, customTypes, options, cancellationToken);
        var attributeTypes = new AttributeTypeMap(await records.GetAttributeTypesAsync(import.DatasetId, cancellationToken),
            await records.GetCsvTextAttributesAsync(import.DatasetId, cancellationToken));
        var budget = new ErrorBudget(import.Request.MaxErrors, import.Request.MaxErrorRatio);

        await using var sink = await records.OpenSinkAsync(
            new LoadRequest(import.DatasetId, import.Id, import.Seq, parser.RecordType, import.Request.Mode, options.MaxStoredErrors),
            cancellationToken);

        // "Now" is the load's start, so a redelivered load can only accept more recent times, never fewer.
        var eventTimes = options.EventTimes(import.Request.TimestampUnit, time.GetUtcNow());
        var progress = new ProgressState(import.PayloadBytes);
        using var reporting = new CancellationTokenSource();
        var reporter = ReportProgressAsync(job.Id, progress, sink, reporting.Token);
        var started = time.GetTimestamp();
        try
        {
            var failure = await ReadAsync(job.Id, parser, source, sink, new RecordWriterSetup(attributeTypes, import.DatasetId, eventTimes), progress, budget,
                cancellationToken);
            var read = time.GetElapsedTime(started);

            // Checkpoint: apply or discard is decided here, where every fact is known (the merge has counted what
            // the load would write and found the keys the store refuses), and carried out by the one commit below:
            // a discarded load commits its rejections and its marker, never a record, a deletion or an attribute type.
            // A budget the reading's rejections exceed already needs no merge; only insert mode's refusals of stored keys,
            // found by the merge, can still exceed it, so only then must a merge that wrote records stay revocable.
            failure ??= budget.Check(sink.Rejected, progress.RecordsRead);
            LoadTotals committed;
            using (IntakeMetrics.Activities.StartActivity("commit"))
            {
                failure ??= LoadOutcome.Judge(await sink.MergeAsync(budget.IsSet && import.Request.Mode == WriteMode.Insert, cancellationToken), budget);
                await faults.BeforeCommitAsync(job.Id, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                committed = await sink.CommitAsync(failure is null ? LoadDecision.Apply(attributeTypes.Changes) : LoadDecision.Discard(failure), cancellationToken);
            }

            // Checkpoint: committed. A crash from here until the final status is stored redoes nothing (the marker).
            await faults.AfterCommitAsync(job.Id, cancellationToken);
            var warnings = parser.Warnings.ToList();
            if (failure is null && committed.Read == 0)
            {
                warnings.Add(new ImportWarning(ImportWarning.NoRecords,
                    $"The file holds no records{(source.Format == FileFormat.Csv ? " after its header" : "")}, so nothing was written."));
            }

            return LoadOutcome.From(committed, failure) with
            {
                Reading = read, Committing = time.GetElapsedTime(started) - read, Warnings = warnings, Kind = parser.RecordType.Kind,
            };
        }
        finally
        {
            await reporting.CancelAsync();
            await reporter;
        }
    }

    /// <summary>
    /// Hands the file to the sink; returns null, or why the file failed (unreadable, over a limit, or over the
    /// error budget's count). Such a failure stops reading, keeps the rejections seen so far,
    /// and leaves the sink ready to be discarded; a cancel or an unexpected error propagates.
    /// </summary>
    private async Task<JobError?> ReadAsync(string jobId, RecordParser parser, ImportSource source, IRecordSink sink, RecordWriterSetup setup,
        ProgressState progress, ErrorBudget budget, CancellationToken cancellationToken)
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
                await sink.WriteAsync(batch, cancellationToken);
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

    /// <summary>Reports progress every half second until the load ends, through the commit (whose merge advances the written count).</summary>
    private async Task ReportProgressAsync(string jobId, ProgressState progress, IRecordSink sink, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_progressInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await jobs.ReportProgressAsync(jobId, progress.Snapshot(sink), cancellationToken);
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
