using BenchmarkDotNet.Running;
using Intake.Benchmarks;

if (args.Contains("--quick"))
{
    QuickThroughput.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickThroughput).Assembly).Run(args);
