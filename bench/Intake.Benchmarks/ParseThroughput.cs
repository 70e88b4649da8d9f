using System.Diagnostics;

namespace Intake.Benchmarks;

/// <summary>
/// Measures parsing alone, from memory, on one core: Intake's field scan, Sep's field scan of the same UTF-8 bytes
/// (the peer), then Intake's full mapping into batches, then the mapping with a load's quality report counting every
/// batch (what the report costs in CPU, apart from the store). Each figure is the median of five timed runs after a
/// warm-up, as wall time and as the process's CPU time: the loops run on one thread, so MB per CPU-second is the
/// throughput per core, and it stays steady when other work on a shared machine takes the core away (wall time does not).
/// The four loops take turns, one run of each per round, so a slow spell of the machine (a neighbour on the core's
/// other hardware thread slows a loop's CPU-seconds by a third) falls on all of them alike, not on whichever ran then.
/// </summary>
public static class ParseThroughput
{
    private const int Runs = 5;

    public static void Run(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var megabytes = bytes.Length / 1e6;
        var counts = Measure(megabytes,
            new Loop("csv field scan (Intake)", "field chars", () => ParseLoops.ScanCsv(bytes)),
            new Loop("csv field scan (Sep 0.17.1)", "field chars", () => ParseLoops.ScanCsvWithSep(bytes)),
            new Loop("csv parse+validate", "records", () => ParseLoops.MapCsv(bytes)),
            new Loop("csv parse+validate+quality", "records", () =>
            {
                var quality = new Intake.Core.Quality.QualityCollector(DateTimeOffset.UtcNow, null);
                quality.UseEntityIds(new Intake.Core.Quality.IdTally());
                var records = ParseLoops.MapCsv(bytes, quality.Add);
                return quality.Build(new Dictionary<string, Intake.Core.Records.AttributeType>(), null, null).Records == records ? records : -1;
            }));
        if (counts[0] != counts[1])
        {
            throw new InvalidOperationException($"Intake's scan saw {counts[0]:N0} field characters and Sep's {counts[1]:N0}: they did not read the same fields.");
        }
    }

    private sealed record Loop(string Name, string Unit, Func<long> Run);

    private static long[] Measure(double megabytes, params Loop[] loops)
    {
        foreach (var loop in loops)
        {
            loop.Run();
        }

        var wall = loops.Select(_ => new double[Runs]).ToArray();
        var cpu = loops.Select(_ => new double[Runs]).ToArray();
        var counts = new long[loops.Length];
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < Runs; i++)
        {
            for (var l = 0; l < loops.Length; l++)
            {
                // The garbage of the loop before is collected now, not billed to this one.
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                counts[l] = loops[l].Run();
                wall[l][i] = watch.Elapsed.TotalSeconds;
                process.Refresh();
                cpu[l][i] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
            }
        }

        for (var l = 0; l < loops.Length; l++)
        {
            Array.Sort(wall[l]);
            Array.Sort(cpu[l]);
            var medianWall = wall[l][Runs / 2];
            var medianCpu = cpu[l][Runs / 2];
            Console.WriteLine($"{loops[l].Name}: {counts[l]:N0} {loops[l].Unit}, {megabytes:F0} MB, median of {Runs}: {medianWall:F2} s wall = {megabytes / medianWall:F0} MB/s;"
                + $" {medianCpu:F2} s CPU = {megabytes / medianCpu:F0} MB/s per core");
        }

        return counts;
    }
}
