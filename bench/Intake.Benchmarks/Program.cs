using BenchmarkDotNet.Running;
using Intake.Benchmarks;

// --quick: reader throughput on generated data. parse FILE: single-core throughput of the field scan and of
// parse + validate into record batches on a given CSV (bench/import.sh uses this). parquet write|compare: DuckDB as
// the independent Parquet writer and reader of bench/parquet.sh. latency URL FILE [RATE] [MIN]: status-poll latency,
// idle and while FILE loads (bench/import.sh). Anything else runs the BenchmarkDotNet suite.
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

if (args is ["parquet", "write", var csv, var parquet])
{
    ParquetCheck.Write(csv, parquet);
    return;
}

if (args is ["parquet", "compare", var source, var exported])
{
    Environment.Exit(ParquetCheck.Compare(source, exported) ? 0 : 1);
}

if (args is ["latency", var url, var file, ..] rest)
{
    await StatusLatency.RunAsync(url, file, rest.Length > 3 ? int.Parse(rest[3]) : 250, rest.Length > 4 ? int.Parse(rest[4]) : 2000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(QuickThroughput).Assembly).Run(args);
