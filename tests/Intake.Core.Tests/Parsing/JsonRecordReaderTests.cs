using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Tests.Parsing;

public sealed class JsonRecordReaderTests
{
    private const string Array =
        """
        [
          {"id": "a", "note": "has ] and } and \" inside", "nested": {"x": [1, {"y": "z"}]}},
          {"id": "b"},
          7
        ]
        """;

    [Fact]
    public void Array_elements_are_returned_whole_with_their_lines()
    {
        var records = ReadAll(Array);

        Assert.Equal(JsonLayout.Array, Detected(Array));
        Assert.Equal(3, records.Count);
        Assert.StartsWith("{\"id\": \"a\"", records[0].Text);
        Assert.EndsWith("}}", records[0].Text);
        Assert.Equal("{\"id\": \"b\"}", records[1].Text);
        Assert.Equal("7", records[2].Text);
        Assert.Equal([2L, 3L, 4L], records.Select(r => r.Line));
    }

    [Fact]
    public void Every_buffer_size_finds_the_same_array_elements()
    {
        var expected = ReadAll(Array);
        for (var size = 1; size <= 64; size++)
        {
            Assert.Equal(expected, ReadAll(Array, bufferSize: size));
        }
    }

    [Fact]
    public void Ndjson_lines_are_returned_as_they_are_skipping_blank_lines()
    {
        const string ndjson = "{\"a\":1}\r\n\n  {\"a\":2}  \n{not json\n{\"a\":3}";
        var records = ReadAll(ndjson);

        Assert.Equal(JsonLayout.Lines, Detected(ndjson));
        Assert.Equal(["{\"a\":1}", "{\"a\":2}", "{not json", "{\"a\":3}"], records.Select(r => r.Text));
        Assert.Equal([1L, 3L, 4L, 5L], records.Select(r => r.Line));
        for (var size = 1; size <= 32; size++)
        {
            Assert.Equal(records, ReadAll(ndjson, bufferSize: size));
        }
    }

    [Fact]
    public void A_bom_before_the_array_is_skipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("[{\"a\":1}]")).ToArray();
        using var reader = new JsonRecordReader(new MemoryStream(bytes));

        Assert.Equal(JsonReadResult.Record, reader.TryRead(out var record, out _));
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(record));
        Assert.Equal(JsonReadResult.End, reader.TryRead(out _, out _));
    }

    [Theory]
    [InlineData("[{\"a\":1}] trailing")]
    [InlineData("[{\"a\":1} {\"b\":2}]")]
    [InlineData("[{\"a\":1},")]
    [InlineData("[{\"a\": \"unterminated}]")]
    public void A_broken_array_fails_the_file(string json)
    {
        var error = Assert.Throws<IntakeException>(() => ReadAll(json));

        Assert.Equal(ErrorCodes.MalformedFile, error.Code);
    }

    [Fact]
    public void Empty_input_and_an_empty_array_hold_no_records()
    {
        Assert.Empty(ReadAll(""));
        Assert.Empty(ReadAll(" [ ] \n"));
    }

    [Fact]
    public void An_oversized_record_fails_the_file()
    {
        var big = "{\"a\":\"" + new string('x', 3000) + "\"}\n";

        Assert.Equal(ErrorCodes.MalformedFile, Assert.Throws<IntakeException>(() => ReadAll(big, bufferSize: 16, maxRecordBytes: 1000)).Code);
    }

    private static JsonLayout Detected(string json)
    {
        using var reader = new JsonRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        reader.TryRead(out _, out _);
        return reader.Layout;
    }

    private static List<(string Text, long Line)> ReadAll(string json, int bufferSize = 1 << 16, int maxRecordBytes = 1 << 20)
    {
        using var reader = new JsonRecordReader(new MemoryStream(Encoding.UTF8.GetBytes(json)), JsonLayout.Detect, bufferSize, maxRecordBytes);
        var records = new List<(string, long)>();
        while (reader.TryRead(out var record, out var line) == JsonReadResult.Record)
        {
            records.Add((Encoding.UTF8.GetString(record), line));
        }

        return records;
    }
}
