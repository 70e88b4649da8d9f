using BenchmarkDotNet.Attributes;

namespace Intake.Benchmarks;

/// <summary>The CSV field scan over ~200k in-memory interactions; allocations should be the reader's buffers only.</summary>
[MemoryDiagnoser]
public class CsvRowReaderBenchmarks
{
    private byte[] _csv = [];

    [Params(200_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup() => _csv = InteractionsData.Csv(Rows);

    [Benchmark]
    public long ReadAllFields() => ParseLoops.ScanCsv(_csv);
}
