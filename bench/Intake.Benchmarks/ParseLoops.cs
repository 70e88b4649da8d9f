using Intake.Core.Parsing;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;
using nietras.SeparatedValues;

namespace Intake.Benchmarks;

/// <summary>The loops every benchmark measures, written once: the CSV field scan, and parse + validate into record batches.</summary>
public static class ParseLoops
{
    /// <summary>Reads every field of a CSV; returns the total field length (a checksum the JIT cannot drop).</summary>
    public static long ScanCsv(byte[] csv)
    {
        using var reader = new CsvRowReader(new MemoryStream(csv, writable: false));
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

    /// <summary>
    /// The same scan with Sep, the peer: every field of the same UTF-8 bytes, unescaped. Sep yields UTF-16 fields, so the
    /// checksum counts characters; on the bench's ASCII data it equals <see cref="ScanCsv"/>'s byte count.
    /// </summary>
    public static long ScanCsvWithSep(byte[] csv)
    {
        using var reader = Sep.Reader(o => o with { HasHeader = true, Unescape = true }).From(new MemoryStream(csv, writable: false));
        long sum = 0;
        foreach (var row in reader)
        {
            for (var i = 0; i < row.ColCount; i++)
            {
                sum += row[i].Span.Length;
            }
        }

        return sum;
    }

    /// <summary>
    /// Parses and validates a CSV as the record type its header names, batch by batch, handing each batch to
    /// <paramref name="each"/> before it is reused; returns the records accepted.
    /// </summary>
    public static long MapCsv(byte[] csv, Action<RecordBatch>? each)
    {
        using var reader = new CsvRowReader(new MemoryStream(csv, writable: false));
        var header = reader.ReadHeader();
        var type = RecordTypeCatalog.Detect(BuiltInRecordTypes.AutoCandidates, header, out _)!;
        var mapper = type.BindCsv(header, out _)!;
        var batch = new RecordBatch(32768, 32768 * 128);
        var writer = new RecordWriter(type, new AttributeTypeMap(), "bench", batch);
        long accepted = 0;
        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            mapper.Map(row, writer);
            if (batch.IsFull)
            {
                each?.Invoke(batch);
                accepted += batch.Count;
                batch.Reset();
            }
        }

        each?.Invoke(batch);
        return accepted + batch.Count;
    }

    /// <summary>Parses and validates a CSV as the record type its header names, batch by batch; returns the records accepted.</summary>
    public static long MapCsv(byte[] csv) => MapCsv(csv, null);
}
