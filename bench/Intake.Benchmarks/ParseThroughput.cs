using System.Diagnostics;
using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Benchmarks;

/// <summary>Measures parsing alone, from memory, on one core: the field scan, then the full mapping into batches.</summary>
public static class ParseThroughput
{
    public static void Run(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var megabytes = bytes.Length / 1e6;
        Measure("csv field scan", megabytes, () => Scan(bytes));
        Measure("csv parse+validate", megabytes, () => Map(bytes));
    }

    private static void Measure(string name, double megabytes, Func<long> run)
    {
        run();
        var best = double.MaxValue;
        long rows = 0;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            rows = run();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        Console.WriteLine($"{name}: {rows:N0} rows, {megabytes:F0} MB in {best:F2} s = {megabytes / best:F0} MB/s");
    }

    private static long Scan(byte[] bytes)
    {
        using var reader = new CsvRowReader(new MemoryStream(bytes));
        reader.ReadHeader();
        long rows = 0, fields = 0;
        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            rows++;
            fields += row.Count;
        }

        return fields > 0 ? rows : 0;
    }

    private static long Map(byte[] bytes)
    {
        using var reader = new CsvRowReader(new MemoryStream(bytes));
        var header = reader.ReadHeader();
        var type = RecordTypeCatalog.Detect(BuiltInRecordTypes.AutoCandidates, header, out _)!;
        var mapper = type.BindCsv(header, out _)!;
        var batch = new RecordBatch(65536, 8 << 20);
        var writer = new RecordWriter(type, new AttributeTypeMap(), "bench", batch);
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
