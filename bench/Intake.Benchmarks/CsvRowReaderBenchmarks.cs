using BenchmarkDotNet.Attributes;
using Intake.Core.Parsing;

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
    public long ReadAllFields()
    {
        using var reader = new CsvRowReader(new MemoryStream(_csv, writable: false));
        reader.ReadHeader();
        long sum = 0;
        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            for (var i = 0; i < row.Count; i++)
            {
                sum += row[i].Length;
            }
        }

        return sum;
    }
}
