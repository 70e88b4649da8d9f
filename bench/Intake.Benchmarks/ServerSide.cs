using System.Diagnostics;
using System.Globalization;

namespace Intake.Benchmarks;

/// <summary>
/// What the server's own <c>/metrics</c> say about a phase of the status-latency run, to tell where a slow poll's
/// time went: the status handler itself (ASP.NET Core's request-duration histogram for the route), garbage
/// collection pauses, lock contention, the thread pool (its queue and threads, sampled every second) and the
/// process's CPU time against the wall clock. A client-side p99 far above the handler's means the time was spent
/// waiting to run: for a thread (pool queue), for a core (machine load), or in a GC pause.
/// </summary>
internal sealed class ServerSide
{
    private const string StatusRoute = "http_route=\"/v1/imports/{id}\"";

    private readonly HttpClient _http;
    private readonly Dictionary<string, double> _before;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private double _maxQueue;
    private double _maxThreads;

    private ServerSide(HttpClient http, Dictionary<string, double> before)
    {
        _http = http;
        _before = before;
        _sampler = SampleAsync();
    }

    public static async Task<ServerSide> StartAsync(HttpClient http) => new(http, await ScrapeAsync(http));

    public async Task<string> StopAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        var after = await ScrapeAsync(_http);
        var wall = _clock.Elapsed.TotalSeconds;
        double Delta(Func<string, bool> series) => after.Where(p => series(p.Key)).Sum(p => p.Value) - _before.Where(p => series(p.Key)).Sum(p => p.Value);
        double Bucket(string le) => Delta(k => k.StartsWith("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal) &&
            k.Contains(StatusRoute, StringComparison.Ordinal) && k.Contains("le=\"" + le + "\"", StringComparison.Ordinal));
        var requests = Bucket("+Inf");
        double Over(string le) => requests == 0 ? double.NaN : 100 * (requests - Bucket(le)) / requests;
        var gcPause = Delta(k => k.StartsWith("dotnet_gc_pause_time_seconds_total", StringComparison.Ordinal));
        string Collections(string gen) => Delta(k => k.StartsWith("dotnet_gc_collections_total", StringComparison.Ordinal) && k.Contains($"\"{gen}\"", StringComparison.Ordinal))
            .ToString("F0", CultureInfo.InvariantCulture);
        var cpu = Delta(k => k.StartsWith("dotnet_process_cpu_time_seconds_total", StringComparison.Ordinal));
        return string.Create(CultureInfo.InvariantCulture,
            $"             server side: handler over 5 ms {Over("0.005"):F1}%, over 10 ms {Over("0.01"):F1}%, over 25 ms {Over("0.025"):F1}% of {requests:F0}; " +
            $"GC {Collections("gen0")}/{Collections("gen1")}/{Collections("gen2")} (gen0/1/2), paused {gcPause * 1000:F0} ms in {wall:F1} s; " +
            $"lock contentions {Delta(k => k.StartsWith("dotnet_monitor_lock_contentions_total", StringComparison.Ordinal)):F0}; " +
            $"thread pool queue max {_maxQueue:F0}, threads max {_maxThreads:F0}; CPU {cpu:F1} s ({cpu / wall / Environment.ProcessorCount * 100:F0}% of the cores)");
    }

    private async Task SampleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var now = await ScrapeAsync(_http);
            _maxQueue = Math.Max(_maxQueue, now.Where(p => p.Key.StartsWith("dotnet_thread_pool_queue_length", StringComparison.Ordinal)).Sum(p => p.Value));
            _maxThreads = Math.Max(_maxThreads, now.Where(p => p.Key.StartsWith("dotnet_thread_pool_thread_count", StringComparison.Ordinal)).Sum(p => p.Value));
            try
            {
                await Task.Delay(1000, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Every sample line of the Prometheus text, by its name and labels.</summary>
    private static async Task<Dictionary<string, double>> ScrapeAsync(HttpClient http)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in (await http.GetStringAsync("/metrics")).Split('\n'))
        {
            var labelsEnd = line.LastIndexOf('}');
            var keyEnd = labelsEnd >= 0 ? labelsEnd + 1 : line.IndexOf(' ', StringComparison.Ordinal);
            if (line.Length == 0 || line[0] == '#' || keyEnd <= 0)
            {
                continue;
            }

            // The value, then maybe a timestamp.
            var fields = line[keyEnd..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                samples[line[..keyEnd]] = value;
            }
        }

        return samples;
    }
}
