using System.Diagnostics;
using System.IO.Compression;
using Intake.Core.Parsing;

namespace Intake.Benchmarks;

/// <summary>
/// Seconds-long throughput check without BenchmarkDotNet: parses a generated ~170 MB CSV (the
/// DESIGN.md section 8 reference size) from memory a few times on one thread and prints MB/s, then
/// the same interactions as NDJSON, plain and gzip-compressed.
/// </summary>
public static class QuickThroughput
{
    private const int Rows = 1_800_000;
    private const int Runs = 5;

    public static void Run()
    {
        var csv = InteractionsData.Csv(Rows);
        Report("CsvRowReader, all fields", csv.Length, () => ParseLoops.ScanCsv(csv));

        var ndjson = InteractionsData.Ndjson(Rows);
        Report("JsonRecordReader, NDJSON lines", ndjson.Length, () => SplitJson(new MemoryStream(ndjson, writable: false), JsonLayout.Lines));

        var array = InteractionsData.JsonArray(ndjson);
        Report("JsonRecordReader, JSON array elements", array.Length, () => SplitJson(new MemoryStream(array, writable: false), JsonLayout.Array));

        var gzip = Compress(ndjson);
        Report($"ImportSource gunzip + NDJSON lines ({gzip.Length / 1e6:F0} MB compressed)", ndjson.Length, () => SplitGzip(gzip));
    }

    private static void Report(string name, long bytes, Func<long> parse)
    {
        var megabytes = bytes / 1e6;
        Console.WriteLine($"{name}: {megabytes:F0} MB, {Runs} runs after one warm-up");
        var checksum = parse();
        var rates = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            var clock = Stopwatch.StartNew();
            if (parse() != checksum)
            {
                throw new InvalidOperationException("The parse is not deterministic.");
            }

            var seconds = clock.Elapsed.TotalSeconds;
            rates.Add(megabytes / seconds);
            Console.WriteLine($"  run {run + 1}: {seconds:F3} s, {megabytes / seconds:F0} MB/s");
        }

        rates.Sort();
        Console.WriteLine($"  median {rates[Runs / 2]:F0} MB/s, best {rates[^1]:F0} MB/s");
    }

    private static long SplitJson(Stream stream, JsonLayout layout)
    {
        using var reader = new JsonRecordReader(stream, layout);
        long sum = 0;
        while (reader.TryRead(out var record, out _) == JsonReadResult.Record)
        {
            sum += record.Length;
        }

        return sum;
    }

    private static long SplitGzip(byte[] gzip)
    {
        using var source = ImportSource.Open(new MemoryStream(gzip, writable: false), new ImportSourceOptions(null, null, null, "interactions.ndjson.gz", long.MaxValue));
        return SplitJson(source.Content, JsonLayout.Lines);
    }

    private static byte[] Compress(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
