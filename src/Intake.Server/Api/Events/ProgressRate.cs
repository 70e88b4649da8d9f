using Intake.Core.Imports;

namespace Intake.Server.Api.Events;

/// <summary>
/// The rate and ETA of one live-progress stream, from the progress samples that stream saw: the change over
/// the last few seconds, so a rate follows the load's current pace rather than its average since the queue.
/// One instance per stream; not thread-safe.
/// </summary>
public sealed class ProgressRate(TimeProvider time)
{
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(5);

    // Progress is stored every 500 ms by the loader; two samples closer than that may show one report twice.
    private static readonly TimeSpan s_minimumSpan = TimeSpan.FromMilliseconds(400);

    private readonly Queue<(long At, ImportProgress Progress)> _samples = new();

    /// <summary>Adds a sample of a processing load and returns the rate and ETA it gives (null until two samples span enough time).</summary>
    public (RateDto? Rate, double? EtaSeconds) Sample(ImportProgress progress)
    {
        var now = time.GetTimestamp();
        if (_samples.Count > 0 && _samples.Last().Progress.RecordsRead > progress.RecordsRead)
        {
            _samples.Clear(); // a redelivered load started over
        }

        _samples.Enqueue((now, progress));
        while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().At, now) > s_window)
        {
            _samples.Dequeue();
        }

        var (firstAt, first) = _samples.Peek();
        var span = time.GetElapsedTime(firstAt, now);
        if (span < s_minimumSpan)
        {
            return (null, null);
        }

        var seconds = span.TotalSeconds;
        var rate = new RateDto(
            Math.Round((progress.RecordsRead - first.RecordsRead) / seconds, 1),
            Math.Round((progress.BytesRead - first.BytesRead) / seconds, 1));
        double? eta = progress.BytesTotal is not { } total ? null
            : total <= progress.BytesRead ? 0
            : rate.BytesPerSecond > 0 ? Math.Round((total - progress.BytesRead) / rate.BytesPerSecond, 1)
            : null;
        return (rate, eta);
    }

    public void Reset() => _samples.Clear();
}

/// <summary>How fast a load moves, in records and bytes of the staged file per second.</summary>
public sealed record RateDto(double RecordsPerSecond, double BytesPerSecond);
