using System.Diagnostics;

namespace Intake.Benchmarks;

/// <summary>
/// Measures parsing alone, from memory, on one core: Intake's field scan, Sep's field scan of the same UTF-8 bytes
/// (the peer), then Intake's full mapping into batches, then the mapping with a load's quality report counting every
/// batch (what the report costs in CPU, apart from the store). Each figure is the median of five timed runs after a
/// warm-up, as wall time and as the process's CPU time: the loops run on one thread, so MB per CPU-second is the
/// throughput per core, and it stays steady when other work on a shared machine takes the core away (wall time does not).
/// </summary>
public static class ParseThroughput
{
    private const int Runs = 5;

    public static void Run(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var megabytes = bytes.Length / 1e6;
        var intake = Measure("csv field scan (Intake)", "field chars", megabytes, () => ParseLoops.ScanCsv(bytes));
        var sep = Measure("csv field scan (Sep 0.17.1)", "field chars", megabytes, () => ParseLoops.ScanCsvWithSep(bytes));
        if (intake != sep)
        {
            throw new InvalidOperationException($"Intake's scan saw {intake:N0} field characters and Sep's {sep:N0}: they did not read the same fields.");
        }

        Measure("csv parse+validate", "records", megabytes, () => ParseLoops.MapCsv(bytes));
        Measure("csv parse+validate+quality", "records", megabytes, () =>
        {
            var quality = new Intake.Core.Quality.QualityCollector(DateTimeOffset.UtcNow, null);
            quality.UseEntityIds(new Intake.Core.Quality.IdTally());
            var records = ParseLoops.MapCsv(bytes, quality.Add);
            return quality.Build(new Dictionary<string, Intake.Core.Records.AttributeType>(), null, null).Records == records ? records : -1;
        });
    }

    private static long Measure(string name, string unit, double megabytes, Func<long> run)
    {
        run();
        var wall = new double[Runs];
        var cpu = new double[Runs];
        long count = 0;
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < Runs; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            count = run();
            wall[i] = watch.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }

        Array.Sort(wall);
        Array.Sort(cpu);
        var medianWall = wall[Runs / 2];
        var medianCpu = cpu[Runs / 2];
        Console.WriteLine($"{name}: {count:N0} {unit}, {megabytes:F0} MB, median of {Runs}: {medianWall:F2} s wall = {megabytes / medianWall:F0} MB/s;"
            + $" {medianCpu:F2} s CPU = {megabytes / medianCpu:F0} MB/s per core");
        return count;
    }
}
