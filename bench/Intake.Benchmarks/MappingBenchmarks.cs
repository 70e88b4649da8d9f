using System.Text;
using BenchmarkDotNet.Attributes;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Benchmarks;

/// <summary>Parsing plus validation into record batches, with allocation counts: nothing may be allocated per row.</summary>
[MemoryDiagnoser]
public class MappingBenchmarks
{
    private byte[] _csv = [];

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder("type,source_id,target_id,timestamp,metadata\n");
        for (var i = 0; i < 200_000; i++)
        {
            text.Append("click,user_").Append(i % 100_000).Append(",item_").Append(i % 50_000)
                .Append(",2024-03-01T12:34:56.789Z,\"{\"\"source\"\":\"\"web\"\",\"\"position\"\":").Append(i % 20).Append("}\"\n");
        }

        _csv = Encoding.UTF8.GetBytes(text.ToString());
    }

    [Benchmark]
    public long MapInteractions()
    {
        using var reader = new CsvRowReader(new MemoryStream(_csv));
        var mapper = BuiltInRecordTypes.Interaction.BindCsv(reader.ReadHeader(), out _)!;
        var batch = new RecordBatch(65536, 8 << 20);
        var writer = new RecordWriter(BuiltInRecordTypes.Interaction, new AttributeTypeMap(), "bench", batch);
        long accepted = 0;
        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            mapper.Map(row, writer);
            if (batch.IsFull)
            {
                accepted += batch.Count;
                batch.Reset();
            }
        }

        return accepted + batch.Count;
    }
}
