using System.Diagnostics;
using System.Diagnostics.Metrics;
using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Telemetry;

/// <summary>
/// The one <c>Intake</c> meter and activity source (STYLE 4.10). Counters move per batch or per job, never per
/// record, so the load's hot loop pays nothing. Queue gauges read the last <see cref="QueueGauges"/> sample; the
/// server refreshes it before each scrape. Thread-safe.
/// </summary>
public sealed class IntakeMetrics
{
    public const string Name = "Intake";

    /// <summary>One trace per job: <c>job {kind}</c>, with spans <c>fetch</c>/<c>stage</c>, <c>parse and validate</c>, <c>write</c> and <c>commit</c>.</summary>
    public static readonly ActivitySource Activities = new(Name);

    private static readonly double[] s_loadSeconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private readonly Counter<long> _importsAccepted;
    private readonly Counter<long> _importsFinished;
    private readonly Counter<long> _recordsRead;
    private readonly Counter<long> _recordsWritten;
    private readonly Counter<long> _recordsRejected;
    private readonly Counter<long> _recordsDeleted;
    private readonly Counter<long> _bytesReceived;
    private readonly Histogram<double> _loadDuration;
    private readonly Counter<long> _webhookDeliveries;

    public IntakeMetrics(IMeterFactory meters, QueueGauges queue)
    {
        var meter = meters.Create(Name);
        _importsAccepted = meter.CreateCounter<long>("intake.imports.accepted", "{import}", "Imports accepted (files staged or URL fetches queued).");
        _importsFinished = meter.CreateCounter<long>("intake.imports.finished", "{import}", "Imports that reached a final status, by status and record kind.");
        _recordsRead = meter.CreateCounter<long>("intake.records.read", "{record}", "Records read from files by loads, committed or not.");
        _recordsWritten = meter.CreateCounter<long>("intake.records.written", "{record}", "Records written by committed loads.");
        _recordsRejected = meter.CreateCounter<long>("intake.records.rejected", "{record}", "Records rejected by committed loads.");
        _recordsDeleted = meter.CreateCounter<long>("intake.records.deleted", "{record}", "Stored records deleted by committed replace loads.");
        _bytesReceived = meter.CreateCounter<long>("intake.received", "By", "Bytes of files staged, uploaded or fetched.");
        _loadDuration = meter.CreateHistogram("intake.load.duration", "s", "Time from a load's claim to its final status, by status and record kind.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_loadSeconds });
        _webhookDeliveries = meter.CreateCounter<long>("intake.webhook.deliveries", "{attempt}",
            "Webhook delivery attempts by outcome: delivered, failed (to be retried), gave_up (after 24 h).");
        queue.Register(meter);
    }

    public void ImportAccepted() => _importsAccepted.Add(1);

    public void ImportFinished(JobStatus status, RecordKind? kind) =>
        _importsFinished.Add(1, new("status", status.ToWire()), new("record_kind", KindTag(kind)));

    public void RecordsRead(long count) => _recordsRead.Add(count);

    public void LoadFinished(JobStatus status, RecordKind? kind, long written, long rejected, long deleted, TimeSpan duration)
    {
        var statusTag = new KeyValuePair<string, object?>("status", status.ToWire());
        var kindTag = new KeyValuePair<string, object?>("record_kind", KindTag(kind));
        _recordsWritten.Add(written, kindTag);
        _recordsRejected.Add(rejected, kindTag);
        _recordsDeleted.Add(deleted, kindTag);
        _loadDuration.Record(duration.TotalSeconds, statusTag, kindTag);
    }

    public void BytesReceived(long bytes) => _bytesReceived.Add(bytes);

    public void WebhookAttempt(string outcome) => _webhookDeliveries.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private static string KindTag(RecordKind? kind) => kind?.ToWire() ?? "unknown";
}
