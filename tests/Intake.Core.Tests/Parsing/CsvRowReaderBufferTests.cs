using System.Text;
using Intake.Core.Parsing;
using Xunit;
using static Intake.Core.Tests.Parsing.CsvTestReader;

namespace Intake.Core.Tests.Parsing;

/// <summary>Records that straddle the end of the read buffer, randomized files and allocations.</summary>
public class CsvRowReaderBufferTests
{
    private const string Tricky =
        "\uFEFFid,\"na,me\",note\r\n" +
        "1,\"multi\r\nline \"\"quoted\"\"\",x\r\n" +
        "\r\n" +
        "2,\"\",\"trailing\"\r" +
        "3,plain\"quote,é日本\n" +
        "\n" +
        "4,\"a\nb\nc\",\"\"\"\"\r\n" +
        "5,,\r\n" +
        "6,\"end\"";

    [Fact]
    public void Tricky_file_reads_as_expected()
    {
        var (rows, last, _) = ReadAll(Tricky);

        Assert.Equal(CsvReadResult.End, last);
        Assert.Equal(9, rows.Count);
        Assert.Equal(["id", "na,me", "note"], rows[0].Fields);
        Assert.Equal(["1", "multi\r\nline \"quoted\"", "x"], rows[1].Fields);
        Assert.True(rows[2].Fields is [""]);
        Assert.Equal(["2", "", "trailing"], rows[3].Fields);
        Assert.Equal(["3", "plain\"quote", "é日本"], rows[4].Fields);
        Assert.Equal(["4", "a\nb\nc", "\""], rows[6].Fields);
        Assert.Equal(8, rows[6].Line);
        Assert.Equal(["5", "", ""], rows[7].Fields);
        Assert.Equal(["6", "end"], rows[8].Fields);
        Assert.Equal(12, rows[8].Line);
    }

    [Fact]
    public void Every_buffer_size_from_1_to_64_gives_identical_rows()
    {
        // Long enough that the 64-byte SIMD blocks also straddle the buffer end for larger sizes.
        var text = Tricky + "\n" + string.Concat(Enumerable.Repeat(Tricky[1..] + "\r\n", 6));
        var expected = ReadAll(text).Rows;
        Assert.Equal(9 * 7, expected.Count);

        foreach (var size in Enumerable.Range(1, 64).Concat([65, 77, 100, 127, 128, 129, 200, 256, 333, 500]))
        {
            var (rows, last, _) = ReadAll(text, bufferSize: size);

            Assert.Equal(CsvReadResult.End, last);
            Assert.Equal(expected.Count, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                Assert.True(expected[i].Matches(rows[i]), $"buffer {size}, row {i}: {rows[i]} instead of {expected[i]}");
            }
        }
    }

    [Fact]
    public void Every_buffer_size_reports_the_same_unterminated_quote()
    {
        const string text = "a,b\n1,\"x\n\"\"\ny\n";

        for (var size = 1; size <= 64; size++)
        {
            var (rows, last, error) = ReadAll(text, bufferSize: size);

            Assert.Equal(CsvReadResult.Malformed, last);
            Assert.Single(rows);
            Assert.Contains("starting at line 2", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData((byte)',', 1 << 20)]
    [InlineData((byte)',', 7)]
    [InlineData((byte)';', 64)]
    [InlineData((byte)'\t', 333)]
    public void Random_fields_written_rfc4180_quoted_read_back_unchanged(byte delimiter, int bufferSize)
    {
        var random = new Random(1234);
        var d = (char)delimiter;
        var alphabet = new[] { "a", "b", "Z", "0", "9", " ", "\"", ",", ";", "\t", "\n", "\r\n", "\r", "é", "日本", "😀", "x y" };
        var expected = new List<string[]>();
        var text = new StringBuilder();
        var line = 1L;
        var lines = new List<long>();

        for (var row = 0; row < 3000; row++)
        {
            var fields = new string[random.Next(1, 7)];
            for (var f = 0; f < fields.Length; f++)
            {
                var value = new StringBuilder();
                var length = random.Next(0, 12);
                for (var c = 0; c < length; c++)
                {
                    value.Append(alphabet[random.Next(alphabet.Length)]);
                }

                fields[f] = value.ToString();
            }

            if (fields is [""])
            {
                // A lone empty field would be written as a blank line; quote it to keep it a record.
                text.Append("\"\"");
            }
            else
            {
                text.AppendJoin(d, fields.Select(f => Quote(f, d)));
            }

            text.Append(random.Next(3) switch { 0 => "\n", 1 => "\r\n", _ => "\r" });
            expected.Add(fields);
            lines.Add(line);
            // CRLF, LF and a CR alone each count as one line break, inside quotes too.
            line += 1 + fields.Sum(f => f.Replace("\r\n", "\n", StringComparison.Ordinal).Count(ch => ch is '\n' or '\r'));
        }

        var (rows, last, _) = ReadAll(text.ToString(), delimiter, bufferSize);

        Assert.Equal(CsvReadResult.End, last);
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(expected[i], rows[i].Fields);
            Assert.Equal(lines[i], rows[i].Line);
        }
    }

    [Fact]
    public void Reading_rows_allocates_nothing_after_warm_up()
    {
        var text = new StringBuilder("type,source_id,target_id,timestamp,metadata\n");
        for (var i = 0; i < 100_000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"click,user_{i % 977},item_{i % 4513},2024-03-01T12:34:56.789Z,\"{{\"\"source\"\":\"\"web\"\",\"\"position\"\":{i % 10}}}\"\n");
        }

        using var reader = new CsvRowReader(new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), bufferSize: 64 << 10);
        reader.ReadHeader();
        long checksum = 0;
        for (var i = 0; i < 1000; i++)
        {
            reader.TryReadRow(out var row);
            checksum += row[4].Length;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var count = 1000;
        while (reader.TryReadRow(out var row) == CsvReadResult.Row)
        {
            checksum += row[4].Length + (row.IsQuoted(4) ? 1 : 0);
            count++;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(100_000, count);
        Assert.Equal((1000L * 29) + (99_000L * 30), checksum);
        // Any allocation per row costs at least 24 bytes a row (2.4 MB here); under one byte a row proves there is
        // none, while leaving room for the few KB the runtime may allocate on this thread when it recompiles the loop.
        Assert.True(allocated < 99_000, $"{allocated} bytes allocated over 99,000 rows");
    }

    private static string Quote(string field, char delimiter) =>
        field.Length > 0 && field.IndexOfAny(['"', '\r', '\n', delimiter]) < 0 && field[0] != ' '
            ? field
            : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
