using System.Diagnostics;

namespace Intake.Benchmarks;

/// <summary>Measures parsing alone, from memory, on one core: the field scan, then the full mapping into batches.</summary>
public static class ParseThroughput
{
    public static void Run(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var megabytes = bytes.Length / 1e6;
        Measure("csv field scan", "field bytes", megabytes, () => ParseLoops.ScanCsv(bytes));
        Measure("csv parse+validate", "records", megabytes, () => ParseLoops.MapCsv(bytes));
    }

    private static void Measure(string name, string unit, double megabytes, Func<long> run)
    {
        run();
        var best = double.MaxValue;
        long count = 0;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            count = run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        Console.WriteLine($"{name}: {count:N0} {unit}, {megabytes:F0} MB in {best:F2} s = {megabytes / best:F0} MB/s");
    }
}
