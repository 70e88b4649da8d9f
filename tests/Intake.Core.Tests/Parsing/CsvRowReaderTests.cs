using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Xunit;
using static Intake.Core.Tests.Parsing.CsvTestReader;

namespace Intake.Core.Tests.Parsing;

public class CsvRowReaderTests
{
    [Fact]
    public void Reads_unquoted_rows_separated_by_lf()
    {
        var (rows, last, _) = ReadAll("a,b,c\n1,2,3\n");

        Assert.Equal(CsvReadResult.End, last);
        Assert.Equal(2, rows.Count);
        Assert.Equal(["a", "b", "c"], rows[0].Fields);
        Assert.Equal(["1", "2", "3"], rows[1].Fields);
        Assert.Equal(2, rows[1].Line);
    }

    [Fact]
    public void Crlf_line_end_is_not_part_of_the_last_field()
    {
        var (rows, _, _) = ReadAll("a,b\r\n1,\"2\"\r\n3,\r\n");

        Assert.Equal(["a", "b"], rows[0].Fields);
        Assert.Equal(["1", "2"], rows[1].Fields);
        Assert.Equal(["3", ""], rows[2].Fields);
        Assert.Equal(3, rows.Count);
    }

    [Fact]
    public void Lf_and_crlf_files_read_the_same()
    {
        const string lf = "id,name\n1,\"x,y\"\n2,z\n";

        var fromLf = ReadAll(lf).Rows;
        var fromCrlf = ReadAll(lf.Replace("\n", "\r\n", StringComparison.Ordinal)).Rows;

        Assert.Equal(fromLf.Count, fromCrlf.Count);
        Assert.All(fromLf.Zip(fromCrlf), pair => Assert.True(pair.First.Matches(pair.Second), $"{pair.First} vs {pair.Second}"));
    }

    [Fact]
    public void A_cr_alone_ends_a_line_as_lf_and_crlf_do()
    {
        var (rows, _, _) = ReadAll("a\rb,c\r,d\r\ne\n\"f\rg\"\r");

        Assert.Equal([["a"], ["b", "c"], ["", "d"], ["e"], ["f\rg"]], rows.Select(r => r.Fields));
        Assert.Equal([1L, 2, 3, 4, 5], rows.Select(r => r.Line));
    }

    [Fact]
    public void Quoted_field_keeps_embedded_delimiters()
    {
        var (rows, _, _) = ReadAll("\"a,b\",\"c;d\",e\n");

        Assert.Equal(["a,b", "c;d", "e"], rows[0].Fields);
    }

    [Fact]
    public void Doubled_quotes_in_a_quoted_field_become_one_quote()
    {
        var (rows, _, _) = ReadAll("\"say \"\"hi\"\"\",\"\"\"\",\"{\"\"a\"\":1}\"\n");

        Assert.Equal(["say \"hi\"", "\"", "{\"a\":1}"], rows[0].Fields);
    }

    [Fact]
    public void Quoted_field_with_embedded_newline_keeps_line_numbers()
    {
        var (rows, _, _) = ReadAll("h1,h2\n\"line1\nline2\",x\n\"a\r\nb\r\nc\",y\nlast,z\n");

        Assert.Equal(4, rows.Count);
        Assert.Equal(1, rows[0].Line);
        Assert.Equal("line1\nline2", rows[1].Fields[0]);
        Assert.Equal(2, rows[1].Line);
        Assert.Equal("a\r\nb\r\nc", rows[2].Fields[0]);
        Assert.Equal(4, rows[2].Line);
        Assert.Equal(["last", "z"], rows[3].Fields);
        Assert.Equal(7, rows[3].Line);
    }

    [Fact]
    public void Quoted_field_may_hold_a_lone_cr()
    {
        var (rows, _, _) = ReadAll("\"a\rb\",c\r\n");

        Assert.Equal(["a\rb", "c"], rows[0].Fields);
    }

    [Fact]
    public void IsQuoted_tells_quoted_fields_from_unquoted_ones()
    {
        var (rows, _, _) = ReadAll("42,\"42\",,\"\"\n");

        Assert.Equal(["42", "42", "", ""], rows[0].Fields);
        Assert.Equal([false, true, false, true], rows[0].Quoted);
    }

    [Fact]
    public void Utf8_bom_at_the_start_is_skipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("id,name\n1,é\n")).ToArray();

        var (rows, _, _) = ReadAll(bytes);

        Assert.Equal(["id", "name"], rows[0].Fields);
        Assert.Equal(["1", "é"], rows[1].Fields);
    }

    [Fact]
    public void Utf8_bom_after_the_start_is_data()
    {
        var (rows, _, _) = ReadAll("id\n\uFEFFx\n");

        Assert.Equal("\uFEFFx", rows[1].Fields[0]);
    }

    [Theory]
    [InlineData((byte)',')]
    [InlineData((byte)';')]
    [InlineData((byte)'\t')]
    [InlineData((byte)'|')]
    public void Any_one_byte_delimiter_splits_fields(byte delimiter)
    {
        var d = (char)delimiter;
        var text = $"a{d}b{d}c\n1{d}\"x{d}y\"{d}\n";

        var (rows, _, _) = ReadAll(text, delimiter);

        Assert.Equal(["a", "b", "c"], rows[0].Fields);
        Assert.Equal(["1", $"x{d}y", ""], rows[1].Fields);
    }

    [Fact]
    public void Other_delimiters_are_data_when_not_chosen()
    {
        var (rows, _, _) = ReadAll("a,b;c\n", (byte)';');

        Assert.Equal(["a,b", "c"], rows[0].Fields);
    }

    [Theory]
    [InlineData((byte)'"')]
    [InlineData((byte)'\n')]
    [InlineData((byte)'\r')]
    public void Quote_and_line_breaks_cannot_be_delimiters(byte delimiter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvRowReader(new MemoryStream(), delimiter));
    }

    [Fact]
    public void Header_names_are_trimmed_and_unquoted()
    {
        var bytes = Encoding.UTF8.GetBytes("\uFEFF id , \"name\" ,\"quoted \"\"x\"\"\",\" padded \",\tlast\t\r\n1,2,3,4,5\r\n");
        using var reader = new CsvRowReader(new MemoryStream(bytes));

        var header = reader.ReadHeader();

        Assert.Equal(["id", "name", "quoted \"x\"", "padded", "last"], header.Columns);
        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var row));
        Assert.Equal(2, row.Line);
        Assert.Equal(5, row.Count);
    }

    [Fact]
    public void Header_skips_leading_blank_lines()
    {
        using var reader = new CsvRowReader(new MemoryStream("\n\r\nid\n7\n"u8.ToArray()));

        var header = reader.ReadHeader();

        Assert.Equal(["id"], header.Columns);
        Assert.Equal(3, reader.Line);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\uFEFF")]
    [InlineData("\n\n")]
    public void Header_of_an_empty_file_throws_empty_file(string text)
    {
        using var reader = new CsvRowReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));

        var error = Assert.Throws<IntakeException>(() => reader.ReadHeader());

        Assert.Equal(ErrorCodes.EmptyFile, error.Code);
    }

    [Fact]
    public void Trailing_empty_line_yields_no_row()
    {
        var (rows, last, _) = ReadAll("a\n1\n");

        Assert.Equal(2, rows.Count);
        Assert.Equal(CsvReadResult.End, last);
    }

    [Fact]
    public void Last_record_without_a_line_break_is_read()
    {
        var (rows, _, _) = ReadAll("a,b\n1,\"2\"");

        Assert.Equal(["1", "2"], rows[1].Fields);
        Assert.Equal([false, true], rows[1].Quoted);
    }

    [Fact]
    public void Blank_line_in_the_middle_is_a_blank_row()
    {
        using var reader = new CsvRowReader(new MemoryStream("a\n\n\r\nb\n"u8.ToArray()));
        var blanks = new List<(long Line, bool Blank)>();

        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            blanks.Add((row.Line, row.IsBlank));
        }

        Assert.Equal([(1L, false), (2L, true), (3L, true), (4L, false)], blanks);
    }

    [Fact]
    public void Quoted_empty_field_alone_on_a_line_is_not_blank()
    {
        using var reader = new CsvRowReader(new MemoryStream("\"\"\n"u8.ToArray()));

        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var row));
        Assert.False(row.IsBlank);
    }

    [Fact]
    public void Quote_inside_an_unquoted_field_is_kept_literally()
    {
        var (rows, _, _) = ReadAll("5\" disk,a\"b\"c\n");

        Assert.Equal(["5\" disk", "a\"b\"c"], rows[0].Fields);
        Assert.Equal([false, false], rows[0].Quoted);
    }

    [Theory]
    [InlineData("\"ab\"cd,x\n")]
    [InlineData("x,\"x\"\"y\"z\"w\n")]
    [InlineData("x,\"q\" \r\n")]
    public void Text_after_a_closing_quote_makes_only_that_record_malformed(string bad)
    {
        using var reader = new CsvRowReader(new MemoryStream(Encoding.UTF8.GetBytes("a,b\n" + bad + "1,2\n")));
        reader.ReadHeader();

        Assert.Equal(CsvReadResult.Malformed, reader.TryReadRow(out _));
        Assert.Equal(2, reader.Line);
        Assert.Contains("text after its closing quote", reader.LastError, StringComparison.Ordinal);
        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var next));
        Assert.Equal(["1", "2"], Materialize(next).Fields);
        Assert.Equal(3, next.Line);
    }

    [Fact]
    public void Unterminated_quote_is_malformed_naming_its_line()
    {
        using var reader = new CsvRowReader(new MemoryStream("a,b\n1,2\n3,\"x\ny\n\"\"z\n"u8.ToArray()));
        reader.ReadHeader();
        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out _));

        var result = reader.TryReadRow(out _);

        Assert.Equal(CsvReadResult.Malformed, result);
        Assert.Contains("unterminated quoted field starting at line 3", reader.LastError, StringComparison.Ordinal);
        Assert.Equal(CsvReadResult.End, reader.TryReadRow(out _));
    }

    [Fact]
    public void Unterminated_quote_after_a_multiline_field_names_the_quote_line()
    {
        var (_, last, error) = ReadAll("\"a\nb\",\"c\n");

        Assert.Equal(CsvReadResult.Malformed, last);
        Assert.Contains("starting at line 2", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_larger_than_the_limit_throws_malformed_file()
    {
        var text = "a,b\n1,2\n\"" + new string('x', 5000) + "\n";

        var error = Assert.Throws<IntakeException>(() => ReadAll(text, bufferSize: 64, maxRecordBytes: 1000));

        Assert.Equal(ErrorCodes.MalformedFile, error.Code);
        Assert.Contains("record starting at line 3 is larger than the limit of 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(1 << 20)]
    public void Unterminated_quote_longer_than_the_limit_throws_whatever_the_buffer_size(int bufferSize)
    {
        var text = "a\n\"" + new string('x', 300);

        var error = Assert.Throws<IntakeException>(() => ReadAll(text, bufferSize: bufferSize, maxRecordBytes: 100));

        Assert.Contains("record starting at line 2 is larger", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(1 << 20)]
    public void Record_of_exactly_the_limit_is_read(int bufferSize)
    {
        var record = new string('x', 100);

        var (rows, _, _) = ReadAll($"{record}\r\n{record}", bufferSize: bufferSize, maxRecordBytes: 100);

        Assert.Equal(2, rows.Count);
        Assert.Throws<IntakeException>(() => ReadAll($"{record}y\r\n", bufferSize: bufferSize, maxRecordBytes: 100));
        Assert.Throws<IntakeException>(() => ReadAll($"{record}y", bufferSize: bufferSize, maxRecordBytes: 100));
    }

    [Fact]
    public void Short_reads_from_the_stream_give_the_same_rows()
    {
        const string text = "a,\"b\nc\",d\r\n\"x\"\"\",y\n";
        using var reader = new CsvRowReader(new TrickleStream(Encoding.UTF8.GetBytes(text)), bufferSize: 8);

        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var first));
        Assert.Equal(["a", "b\nc", "d"], Materialize(first).Fields);
        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var second));
        Assert.Equal(["x\"", "y"], Materialize(second).Fields);
        Assert.Equal(3, second.Line);
    }

    [Fact]
    public void Dispose_leaves_the_stream_open_only_when_asked()
    {
        var kept = new MemoryStream("a\n"u8.ToArray());
        var closed = new MemoryStream("a\n"u8.ToArray());

        new CsvRowReader(kept, leaveOpen: true).Dispose();
        new CsvRowReader(closed).Dispose();

        Assert.True(kept.CanRead);
        Assert.False(closed.CanRead);
    }
}
