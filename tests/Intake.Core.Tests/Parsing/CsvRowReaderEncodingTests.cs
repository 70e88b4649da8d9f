using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Tests.Parsing;

/// <summary>Issue 14 item 3: bytes that are not UTF-8 are reported by field, never decoded with replacement characters.</summary>
public sealed class CsvRowReaderEncodingTests
{
    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void A_field_that_is_not_utf8_is_named_by_the_row(byte[] bad)
    {
        byte[] text = [.. "a,b,c\r\nok,\"x"u8, .. bad, .. "\",é\r\n1,2,3\r\n"u8];
        using var reader = new CsvRowReader(new MemoryStream(text));
        reader.ReadHeader();

        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var bad1));
        Assert.Equal(1, bad1.InvalidUtf8Field);
        Assert.Equal(CsvReadResult.Row, reader.TryReadRow(out var good));
        Assert.Equal(-1, good.InvalidUtf8Field);
    }

    [Fact]
    public void A_multibyte_character_split_by_the_buffer_end_is_still_valid()
    {
        var text = System.Text.Encoding.UTF8.GetBytes("h\n" + string.Concat(Enumerable.Repeat("日本語😀,é\n", 200)));
        for (var size = 1; size < 40; size++)
        {
            using var reader = new CsvRowReader(new MemoryStream(text), bufferSize: size);
            reader.ReadHeader();
            while (reader.TryReadRow(out var row) == CsvReadResult.Row)
            {
                Assert.Equal(-1, row.InvalidUtf8Field);
            }
        }
    }

    [Fact]
    public void Exactly_the_rows_with_invalid_bytes_are_flagged_whatever_the_buffer_size()
    {
        var bad = new HashSet<int> { 3, 7, 8, 30, 59 };
        var text = new List<byte>("h1,h2\n"u8.ToArray());
        for (var row = 0; row < 60; row++)
        {
            text.AddRange(System.Text.Encoding.UTF8.GetBytes($"r{row},日本😀é"));
            if (bad.Contains(row))
            {
                text.AddRange(row % 2 == 0 ? [0xE6, 0x97] : [0xED, 0xA0, 0x80]);
            }

            text.AddRange(row % 3 == 0 ? "\r\n"u8.ToArray() : "\n"u8.ToArray());
        }

        foreach (var size in Enumerable.Range(1, 80).Append(4096))
        {
            using var reader = new CsvRowReader(new MemoryStream([.. text]), bufferSize: size);
            reader.ReadHeader();
            var flagged = new HashSet<int>();
            for (var row = 0; reader.TryReadRow(out var read) == CsvReadResult.Row; row++)
            {
                if (read.InvalidUtf8Field >= 0)
                {
                    Assert.Equal(1, read.InvalidUtf8Field);
                    flagged.Add(row);
                }
            }

            Assert.True(bad.SetEquals(flagged), $"buffer {size}: rows {string.Join(",", flagged)}");
        }
    }

    [Fact]
    public void A_header_that_is_not_utf8_fails_the_file_with_invalid_encoding()
    {
        using var reader = new CsvRowReader(new MemoryStream([.. "id,na"u8, 0xE9, .. "me\n1,2\n"u8]));

        var error = Assert.Throws<IntakeException>(() => reader.ReadHeader());

        Assert.Equal(ErrorCodes.InvalidEncoding, error.Code);
        Assert.Contains("column 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delimiter_must_be_ascii_so_it_never_splits_a_character() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new CsvRowReader(new MemoryStream(), delimiter: 0xA7));
}
