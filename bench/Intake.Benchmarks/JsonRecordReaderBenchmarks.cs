using BenchmarkDotNet.Attributes;
using Intake.Core.Parsing;

namespace Intake.Benchmarks;

/// <summary>Splitting ~200k in-memory NDJSON interactions into records (no parsing of the records).</summary>
[MemoryDiagnoser]
public class JsonRecordReaderBenchmarks
{
    private byte[] _ndjson = [];

    [Params(200_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup() => _ndjson = InteractionsData.Ndjson(Rows);

    [Benchmark]
    public long SplitNdjson()
    {
        using var reader = new JsonRecordReader(new MemoryStream(_ndjson, writable: false), JsonLayout.Lines);
        long sum = 0;
        while (reader.TryRead(out var record, out _) == JsonReadResult.Record)
        {
            sum += record.Length;
        }

        return sum;
    }
}
