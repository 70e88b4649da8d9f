using BenchmarkDotNet.Attributes;

namespace Intake.Benchmarks;

/// <summary>Parsing plus validation into record batches, with allocation counts: nothing may be allocated per row.</summary>
[MemoryDiagnoser]
public class MappingBenchmarks
{
    private byte[] _csv = [];

    [Params(200_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup() => _csv = InteractionsData.Csv(Rows);

    [Benchmark]
    public long MapInteractions() => ParseLoops.MapCsv(_csv);
}
