using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Xunit;

namespace Intake.Core.Tests.Parsing;

public class JsonRecordReaderTests
{
    private const string TrickyArray =
        "\uFEFF[\n" +
        "  {\"id\": \"a\", \"text\": \"brackets ] } [ { inside\", \"nested\": {\"deep\": [1, [2, {\"x\": \"]\"}]]}},\n" +
        "  {\"id\": \"b\\\"\", \"esc\": \"quote \\\" backslash \\\\\", \"unicode\": \"\\u00e9 é 日本\"},\r\n" +
        "\n" +
        "  {\"id\"\n:\n\"c\"}  ,  {}, [1,2], \"str]ing\", 12.5e3, true, null,\n" +
        "  {\"last\": {\"a\": []}}\n" +
        "]\n\n";

    [Fact]
    public void Array_yields_each_top_level_element_with_its_line()
    {
        var (records, layout) = ReadAll(TrickyArray);

        Assert.Equal(JsonLayout.Array, layout);
        Assert.Equal(
            [
                (2L, "{\"id\": \"a\", \"text\": \"brackets ] } [ { inside\", \"nested\": {\"deep\": [1, [2, {\"x\": \"]\"}]]}}"),
                (3L, "{\"id\": \"b\\\"\", \"esc\": \"quote \\\" backslash \\\\\", \"unicode\": \"\\u00e9 é 日本\"}"),
                (5L, "{\"id\"\n:\n\"c\"}"),
                (7L, "{}"),
                (7L, "[1,2]"),
                (7L, "\"str]ing\""),
                (7L, "12.5e3"),
                (7L, "true"),
                (7L, "null"),
                (8L, "{\"last\": {\"a\": []}}"),
            ],
            records);
    }

    [Fact]
    public void Array_elements_are_the_same_for_every_buffer_size()
    {
        var expected = ReadAll(TrickyArray).Records;

        foreach (var size in Enumerable.Range(1, 64).Concat([100, 128, 255]))
        {
            var (records, _) = ReadAll(TrickyArray, bufferSize: size);

            Assert.True(expected.SequenceEqual(records), $"buffer size {size}");
        }
    }

    [Fact]
    public void Array_elements_parse_as_the_json_they_were()
    {
        var source = Enumerable.Range(0, 500)
            .Select(i => new { id = i, name = $"n\"{i}]", tags = new[] { "[", "}", "\\" }, nested = new { v = i * 0.5 } })
            .ToList();
        var json = JsonSerializer.Serialize(source);

        var (records, _) = ReadAll(json, bufferSize: 37);

        Assert.Equal(500, records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            using var document = JsonDocument.Parse(records[i].Record);
            Assert.Equal(i, document.RootElement.GetProperty("id").GetInt32());
            Assert.Equal($"n\"{i}]", document.RootElement.GetProperty("name").GetString());
        }
    }

    [Theory]
    [InlineData("[]")]
    [InlineData(" \r\n [ \n ] \n ")]
    public void Empty_array_yields_no_records(string json)
    {
        var (records, layout) = ReadAll(json);

        Assert.Empty(records);
        Assert.Equal(JsonLayout.Array, layout);
    }

    [Theory]
    [InlineData("", JsonLayout.Detect)]
    [InlineData("", JsonLayout.Array)]
    [InlineData("", JsonLayout.Lines)]
    [InlineData("\uFEFF", JsonLayout.Detect)]
    [InlineData(" \n\r\n\t", JsonLayout.Array)]
    public void Empty_input_ends_at_once(string json, JsonLayout layout)
    {
        using var reader = new JsonRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), layout);

        Assert.Equal(JsonReadResult.End, reader.TryRead(out _, out _));
        Assert.Equal(JsonReadResult.End, reader.TryRead(out _, out _));
        Assert.Equal(layout == JsonLayout.Detect ? JsonLayout.Lines : layout, reader.Layout);
    }

    [Theory]
    [InlineData("[{\"a\":1}] x", 1)]
    [InlineData("[{\"a\":1}]\n\n{\"b\":2}\n", 3)]
    [InlineData("[1]\n]", 2)]
    public void Content_after_the_array_throws_malformed_file(string json, int line)
    {
        foreach (var size in new[] { 1, 4, 1 << 20 })
        {
            var error = Assert.Throws<IntakeException>(() => ReadAll(json, bufferSize: size));

            Assert.Equal(ErrorCodes.MalformedFile, error.Code);
            Assert.Contains($"after the end of the JSON array, at line {line}", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("[{\"a\":1},\n\n{\"a\":}]", 3)]
    [InlineData("[{\"a\":1}\n{\"b\":2}]", 2)]
    [InlineData("[\n{\"a\":\"unterminated}]", 2)]
    [InlineData("[\n{\"a\":1},\n", 3)]
    [InlineData("[1,]", 1)]
    public void Syntax_error_in_the_array_throws_malformed_file_naming_the_line(string json, int line)
    {
        foreach (var size in new[] { 1, 3, 1 << 20 })
        {
            var error = Assert.Throws<IntakeException>(() => ReadAll(json, bufferSize: size));

            Assert.Equal(ErrorCodes.MalformedFile, error.Code);
            Assert.Contains($"line {line}", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Records_read_before_a_syntax_error_are_returned()
    {
        using var reader = new JsonRecordReader(new MemoryStream("[{\"a\":1}, {\"b\":2}, {oops}]"u8.ToArray()));

        Assert.Equal(JsonReadResult.Record, reader.TryRead(out var first, out _));
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(first));
        Assert.Equal(JsonReadResult.Record, reader.TryRead(out _, out _));
        Assert.Throws<IntakeException>(() => reader.TryRead(out _, out _));
    }

    [Fact]
    public void Explicit_array_layout_rejects_other_json()
    {
        var error = Assert.Throws<IntakeException>(() => ReadAll("{\"a\":1}\n", JsonLayout.Array));

        Assert.Equal(ErrorCodes.MalformedFile, error.Code);
        Assert.Contains("not a JSON array", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Element_larger_than_the_limit_throws_malformed_file()
    {
        var big = "{\"v\":\"" + new string('x', 200) + "\"}";
        var json = $"[\n{{\"a\":1}},\n{big}]";

        foreach (var size in new[] { 16, 1 << 20 })
        {
            var error = Assert.Throws<IntakeException>(() => ReadAll(json, bufferSize: size, maxRecordBytes: 100));

            Assert.Equal(ErrorCodes.MalformedFile, error.Code);
            Assert.Contains("record starting at line 3 is larger than the limit of 100 bytes", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Element_of_exactly_the_limit_is_read()
    {
        var element = "\"" + new string('x', 98) + "\"";

        var (records, _) = ReadAll($"[ {element} , {element}]", bufferSize: 8, maxRecordBytes: 100);

        Assert.Equal(2, records.Count);
        Assert.Equal(100, records[1].Record.Length);
    }

    [Fact]
    public void Ndjson_skips_blank_lines_and_numbers_lines()
    {
        const string ndjson = "\uFEFF{\"a\":1}\n\n   \n{\"b\":2}\r\n\t{\"c\":3}  \r\n\r\n{\"d\":4}";

        var (records, layout) = ReadAll(ndjson);

        Assert.Equal(JsonLayout.Lines, layout);
        Assert.Equal([(1L, "{\"a\":1}"), (4L, "{\"b\":2}"), (5L, "{\"c\":3}"), (7L, "{\"d\":4}")], records);
    }

    [Fact]
    public void Array_element_nested_deeper_than_a_record_may_be_is_returned_for_its_record_type_to_reject()
    {
        var deep = "{\"a\":" + new string('[', 1000) + new string(']', 1000) + "}";

        var (records, _) = ReadAll($"[{{\"b\":1}},\n{deep},\n{{\"c\":2}}]");

        Assert.Equal([(1L, "{\"b\":1}"), (2L, deep), (3L, "{\"c\":2}")], records);
    }

    [Fact]
    public void Ndjson_malformed_line_is_returned_as_is()
    {
        var (records, _) = ReadAll("{\"a\":1}\n{\"b\": oops\n[1,2]\n{\"c\":3}\n");

        Assert.Equal([(1L, "{\"a\":1}"), (2L, "{\"b\": oops"), (3L, "[1,2]"), (4L, "{\"c\":3}")], records);
    }

    [Fact]
    public void Ndjson_is_the_same_for_every_buffer_size()
    {
        const string ndjson = "{\"a\":\"x\\ny\"}\r\n\r\n  {\"b\":[1,2,3]}\n{\"c\":\"é日本\"}\n\n{bad\n{\"e\":5}\r\n";
        var expected = ReadAll(ndjson).Records;
        Assert.Equal(5, expected.Count);

        for (var size = 1; size <= 64; size++)
        {
            var (records, _) = ReadAll(ndjson, bufferSize: size);

            Assert.True(expected.SequenceEqual(records), $"buffer size {size}");
        }
    }

    [Fact]
    public void Ndjson_line_larger_than_the_limit_throws_malformed_file()
    {
        var ndjson = "{\"a\":1}\n{\"v\":\"" + new string('x', 200) + "\"}\n";

        var error = Assert.Throws<IntakeException>(() => ReadAll(ndjson, bufferSize: 16, maxRecordBytes: 100));

        Assert.Equal(ErrorCodes.MalformedFile, error.Code);
        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explicit_lines_layout_returns_an_array_line_by_line()
    {
        var (records, layout) = ReadAll("[\n{\"a\":1}\n]\n", JsonLayout.Lines);

        Assert.Equal(JsonLayout.Lines, layout);
        Assert.Equal(["[", "{\"a\":1}", "]"], records.Select(r => r.Record));
    }

    private static (List<(long Line, string Record)> Records, JsonLayout Layout) ReadAll(
        string json, JsonLayout layout = JsonLayout.Detect, int bufferSize = 1 << 20, int maxRecordBytes = 16 << 20)
    {
        using var reader = new JsonRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), layout, bufferSize, maxRecordBytes);
        var records = new List<(long, string)>();
        while (reader.TryRead(out var record, out var line) == JsonReadResult.Record)
        {
            records.Add((line, Encoding.UTF8.GetString(record)));
        }

        return (records, reader.Layout);
    }
}
