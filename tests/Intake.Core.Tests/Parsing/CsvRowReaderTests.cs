using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Tests.Parsing;

public sealed class CsvRowReaderTests
{
    [Fact]
    public void Quoted_fields_keep_delimiters_quotes_and_line_breaks_and_line_numbers_stay_exact()
    {
        var rows = ReadAll("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\r\nlines\",z\n3,,\n");

        Assert.Equal(["a", "b", "c"], rows[0].Fields);
        Assert.Equal(["1", "x, y", "say \"hi\""], rows[1].Fields);
        Assert.Equal(["2", "two\r\nlines", "z"], rows[2].Fields);
        Assert.Equal(["3", "", ""], rows[3].Fields);
        Assert.Equal([1L, 2L, 3L, 5L], rows.Select(r => r.Line));
    }

    [Fact]
    public void Crlf_and_lf_line_ends_read_the_same()
    {
        Assert.Equal(
            ReadAll("a,\"b\"\n1,2\n").Select(r => string.Join('|', r.Fields)),
            ReadAll("a,\"b\"\r\n1,2\r\n").Select(r => string.Join('|', r.Fields)));
    }

    [Fact]
    public void A_bom_is_skipped_and_header_names_are_trimmed_and_unquoted()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\"id\", type ,\"na\"\"me\"\r\n1,2,3\r\n")).ToArray();
        using var reader = new CsvRowReader(new MemoryStream(bytes));

        var header = reader.ReadHeader();

        Assert.Equal(["id", "type", "na\"me"], header.Columns);
        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var row));
        Assert.Equal("3", Encoding.UTF8.GetString(row[2]));
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    [InlineData('|')]
    public void Any_one_byte_delimiter_splits_fields(char delimiter)
    {
        var d = delimiter.ToString();
        var rows = ReadAll($"a{d}b{d}c\n\"1{d}2\"{d}3{d}\n", (byte)delimiter);

        Assert.Equal(["1" + d + "2", "3", ""], rows[1].Fields);
    }

    [Fact]
    public void Quoted_cells_are_marked_so_types_can_be_told_apart()
    {
        using var reader = Reader("\"a\",1,\"\"\n");

        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var row));
        Assert.True(row.IsQuoted(0));
        Assert.False(row.IsQuoted(1));
        Assert.True(row.IsQuoted(2));
        Assert.Equal(0, row[2].Length);
    }

    [Fact]
    public void A_trailing_line_end_gives_no_row_and_blank_middle_lines_are_blank_rows()
    {
        var rows = ReadAll("a\n\nb\n");

        Assert.Equal(3, rows.Count);
        Assert.True(rows[1].Blank);
        Assert.Equal(3, rows[2].Line);
    }

    [Fact]
    public void Stray_quotes_are_read_leniently()
    {
        var rows = ReadAll("ab\"c,\"de\"f,g\n");

        Assert.Equal(["ab\"c", "def", "g"], rows[0].Fields);
    }

    [Fact]
    public void An_unterminated_quote_is_reported_as_malformed_with_its_line()
    {
        using var reader = Reader("a,b\n1,\"open\nstill open\n");
        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out _));

        Assert.Equal(CsvReadResult.Malformed, reader.TryReadRow(out _));
        Assert.Contains("line 2", reader.LastError);
        Assert.Equal(CsvReadResult.End, reader.TryReadRow(out _));
    }

    [Fact]
    public void A_record_larger_than_the_limit_fails_the_file()
    {
        using var reader = new CsvRowReader(new MemoryStream(Encoding.UTF8.GetBytes("a\n\"" + new string('x', 5000))), bufferSize: 64, maxRecordBytes: 1000);
        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out _));

        var error = Assert.Throws<IntakeException>(() => reader.TryReadRow(out _));

        Assert.Equal(ErrorCodes.MalformedFile, error.Code);
        Assert.Contains("line 2", error.Message);
    }

    [Fact]
    public void An_empty_file_has_no_header()
    {
        using var reader = Reader("");

        Assert.Equal(ErrorCodes.EmptyFile, Assert.Throws<IntakeException>(() => reader.ReadHeader()).Code);
    }

    [Fact]
    public void Every_buffer_size_reads_the_same_rows()
    {
        const string csv = "id,\"na,me\",meta\r\n1,\"a \"\"quoted\"\" word\",\"{\"\"k\"\":\"\"v\"\"}\"\r\n2,\"multi\nline\"\"x\"\"\",plain\n\n3,,\"\"\r\n\"last\"";
        var expected = ReadAll(csv, bufferSize: 1 << 16);

        for (var size = 1; size <= 64; size++)
        {
            Assert.Equal(Describe(expected), Describe(ReadAll(csv, bufferSize: size)));
        }
    }

    [Fact]
    public void Random_fields_round_trip_through_rfc4180_quoting()
    {
        var random = new Random(1234);
        const string alphabet = "ab,\"\r\n é中;|\t";
        var rows = Enumerable.Range(0, 3000)
            .Select(_ => Enumerable.Range(0, random.Next(1, 6))
                .Select(_ => new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray()))
                .ToArray())
            .ToList();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.Append(string.Join(',', row.Select(f => "\"" + f.Replace("\"", "\"\"") + "\""))).Append(random.Next(2) == 0 ? "\n" : "\r\n");
        }

        var read = ReadAll(text.ToString(), bufferSize: 37);

        Assert.Equal(rows.Count, read.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i], read[i].Fields);
        }
    }

    [Fact]
    public void Reading_rows_allocates_nothing_per_row()
    {
        var text = new StringBuilder("type,source_id,target_id,timestamp,metadata\n");
        for (var i = 0; i < 100_000; i++)
        {
            text.Append("click,user_").Append(i).Append(",item_").Append(i % 977).Append(",2024-03-01T12:34:56.789Z,\"{\"\"p\"\":").Append(i).Append("}\"\n");
        }

        using var reader = new CsvRowReader(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), bufferSize: 1 << 16);
        reader.ReadHeader();
        reader.TryReadRow(out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var count = 1;
        while (reader.TryReadRow(out _) == CsvReadResult.Row)
        {
            count++;
        }

        Assert.Equal(100_000, count);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4096, "reading rows allocated");
    }

    private static CsvRowReader Reader(string text, byte delimiter = (byte)',', int bufferSize = 1 << 16) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(text)), delimiter, bufferSize);

    private static List<ReadRow> ReadAll(string text, byte delimiter = (byte)',', int bufferSize = 1 << 16)
    {
        using var reader = Reader(text, delimiter, bufferSize);
        var rows = new List<ReadRow>();
        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            var fields = new string[row.Count];
            for (var i = 0; i < fields.Length; i++)
            {
                fields[i] = Encoding.UTF8.GetString(row[i]);
            }

            rows.Add(new ReadRow(fields, row.Line, row.IsBlank));
        }

        return rows;
    }

    private static IEnumerable<string> Describe(IEnumerable<ReadRow> rows) =>
        rows.Select(r => $"{r.Line}:{r.Blank}:{string.Join('\u0001', r.Fields)}");

    private sealed record ReadRow(string[] Fields, long Line, bool Blank);
}
