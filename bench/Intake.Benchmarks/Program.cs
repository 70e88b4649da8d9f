using BenchmarkDotNet.Running;
using Intake.Benchmarks;

// parse FILE: single-thread throughput of the CSV field scan and of parse + validate into record batches.
// Anything else runs the BenchmarkDotNet suite (allocation counts of the hot loops).
if (args.Length == 2 && args[0] == "parse")
{
    ParseThroughput.Run(args[1]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(ParseThroughput).Assembly).Run(args);
