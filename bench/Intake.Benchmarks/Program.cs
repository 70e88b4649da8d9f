using BenchmarkDotNet.Running;
using Intake.Benchmarks;

// --quick: reader throughput on generated data. parse FILE: single-core throughput of the field scan and of
// parse + validate into record batches on a given CSV (bench/import.sh uses this). Anything else runs the
// BenchmarkDotNet suite.
if (args.Contains("--quick"))
{
    QuickThroughput.Run();
    return;
}

if (args is ["parse", var path])
{
    ParseThroughput.Run(path);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickThroughput).Assembly).Run(args);
