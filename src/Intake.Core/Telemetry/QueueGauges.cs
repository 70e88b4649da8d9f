using System.Diagnostics.Metrics;
using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Storage;
using Microsoft.Extensions.Options;

namespace Intake.Core.Telemetry;

/// <summary>
/// The queue's gauges. Observable instruments are read synchronously, so they show the last sample taken by
/// <see cref="RefreshAsync"/> (the server refreshes before every scrape) rather than querying the store inside the
/// meter's callback. The figures are the whole store's: every node of a cluster reports the same. Thread-safe.
/// </summary>
public sealed class QueueGauges(IJobStore jobs, IOptions<BackPressureOptions> limits, TimeProvider time)
{
    private volatile Sample _last = new(QueueStats.Empty, time.GetUtcNow());

    private sealed record Sample(QueueStats Stats, DateTimeOffset At);

    public async Task RefreshAsync(CancellationToken cancellationToken) =>
        _last = new Sample(await jobs.GetQueueStatsAsync(cancellationToken), time.GetUtcNow());

    internal void Register(Meter meter)
    {
        meter.CreateObservableGauge("intake.jobs.queued", () => ByKind(_last.Stats.Queued), "{job}", "Jobs waiting to run, by kind.");
        meter.CreateObservableGauge("intake.jobs.running", () => ByKind(_last.Stats.Running), "{job}", "Jobs processing, by kind.");
        meter.CreateObservableGauge("intake.jobs.oldest_queued.age", OldestAge, "s", "How long the oldest queued job has waited (0 when none waits).");
        meter.CreateObservableGauge("intake.imports.queued", () => _last.Stats.QueuedImports, "{import}",
            "Imports waiting: staged files waiting to load and URL fetches waiting to run.");
        meter.CreateObservableGauge("intake.imports.queue_cap", Caps, "{import}",
            "The configured caps on queued imports, by scope (total, per_dataset); absent when a cap is off.");
        meter.CreateObservableGauge("intake.disk.free_floor", () => limits.Value.MinFreeDiskBytes, "By",
            "Free bytes the data directory must keep for an upload to be staged (0: no floor).");
    }

    private static IEnumerable<Measurement<long>> ByKind(IReadOnlyDictionary<JobKind, long> counts) =>
        Enum.GetValues<JobKind>().Select(kind => new Measurement<long>(counts.GetValueOrDefault(kind), new KeyValuePair<string, object?>("kind", kind.ToWire())));

    private double OldestAge()
    {
        var sample = _last;
        return sample.Stats.OldestQueuedAt is { } oldest ? Math.Max(0, (sample.At - oldest).TotalSeconds) : 0;
    }

    private IEnumerable<Measurement<long>> Caps()
    {
        var options = limits.Value;
        if (options.MaxQueuedImports > 0)
        {
            yield return new Measurement<long>(options.MaxQueuedImports, new KeyValuePair<string, object?>("scope", "total"));
        }

        if (options.MaxQueuedImportsPerDataset > 0)
        {
            yield return new Measurement<long>(options.MaxQueuedImportsPerDataset, new KeyValuePair<string, object?>("scope", "per_dataset"));
        }
    }
}
