using System.Text;
using Intake.Core.Parsing;

namespace Intake.Core.Tests.Parsing;

internal static class CsvTestReader
{
    public static (List<ReadRow> Rows, CsvReadResult Last, string? Error) ReadAll(
        string text, byte delimiter = (byte)',', int bufferSize = 1 << 20, int maxRecordBytes = 16 << 20) =>
        ReadAll(Encoding.UTF8.GetBytes(text), delimiter, bufferSize, maxRecordBytes);

    public static (List<ReadRow> Rows, CsvReadResult Last, string? Error) ReadAll(
        byte[] bytes, byte delimiter = (byte)',', int bufferSize = 1 << 20, int maxRecordBytes = 16 << 20)
    {
        using var reader = new CsvRowReader(new MemoryStream(bytes), delimiter, bufferSize, maxRecordBytes);
        var rows = new List<ReadRow>();
        CsvReadResult result;
        while ((result = reader.TryReadRow(out var row)) == CsvReadResult.Row)
        {
            rows.Add(Materialize(row));
            if (row.Line != reader.Line)
            {
                throw new InvalidOperationException($"Row line {row.Line} differs from reader line {reader.Line}.");
            }
        }

        return (rows, result, reader.LastError);
    }

    public static ReadRow Materialize(CsvRow row)
    {
        var fields = new string[row.Count];
        var quoted = new bool[row.Count];
        for (var i = 0; i < row.Count; i++)
        {
            fields[i] = Encoding.UTF8.GetString(row[i]);
            quoted[i] = row.IsQuoted(i);
        }

        return new ReadRow(row.Line, fields, quoted);
    }

    public static ReadRow Row(long line, params string[] fields) =>
        new(line, fields, new bool[fields.Length]);
}
