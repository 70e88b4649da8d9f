using System.Text;
using Intake.Core.Parsing;
using Xunit;

namespace Intake.Core.Tests.Schemas;

/// <summary>A CSV row kept for building a <see cref="CsvRow"/> later (a ref struct cannot be stored).</summary>
internal sealed record TestCsvRow(byte[] Data, CsvField[] Fields, long Line)
{
    public CsvRow ToRow() => new(Data, Fields, Line);
}

/// <summary>
/// A small RFC 4180 reader for tests (quoted fields, doubled quotes, commas and newlines inside quotes),
/// so these tests do not depend on the production reader being built in parallel.
/// </summary>
internal static class TestCsv
{
    public static (List<string> Header, List<TestCsvRow> Rows) Parse(string csv)
    {
        var records = new List<(List<(string Text, bool Quoted)> Fields, long Line)>();
        var fields = new List<(string, bool)>();
        var field = new StringBuilder();
        var quoted = false;
        var inQuotes = false;
        long line = 1;
        var recordLine = 1L;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                inQuotes = quoted = true;
            }
            else if (c == ',')
            {
                fields.Add((field.ToString(), quoted));
                field.Clear();
                quoted = false;
            }
            else if (c == '\n')
            {
                fields.Add((field.ToString().TrimEnd('\r'), quoted));
                records.Add((fields, recordLine));
                fields = [];
                field.Clear();
                quoted = false;
                recordLine = ++line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0 || quoted)
        {
            fields.Add((field.ToString(), quoted));
            records.Add((fields, recordLine));
        }

        var header = records[0].Fields.Select(f => f.Text.Trim()).ToList();
        var rows = records.Skip(1).Select(r => ToRow(r.Fields, r.Line)).ToList();
        return (header, rows);
    }

    private static TestCsvRow ToRow(List<(string Text, bool Quoted)> fields, long line)
    {
        var data = new List<byte>();
        var spans = new CsvField[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(fields[i].Text);
            spans[i] = new CsvField(data.Count, bytes.Length, fields[i].Quoted);
            data.AddRange(bytes);
        }

        return new TestCsvRow([.. data], spans, line);
    }
}
