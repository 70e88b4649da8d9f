using System.IO.Compression;
using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Xunit;
using static Intake.Core.Tests.Parsing.GzipTestData;

namespace Intake.Core.Tests.Parsing;

public class ImportSourceTests
{
    private const long NoLimit = 1L << 40;

    private static readonly byte[] s_csv = Encoding.UTF8.GetBytes("id,name\n1,alpha\n2,beta\n");

    [Fact]
    public void Plain_file_is_read_unchanged()
    {
        using var source = Open(s_csv, contentType: "text/csv");

        Assert.False(source.Gzip);
        Assert.Equal(FileFormat.Csv, source.Format);
        Assert.Equal(s_csv, Read(source.Content));
        Assert.Equal(s_csv.Length, source.RawBytesRead);
        Assert.Equal(s_csv.Length, source.ContentBytesRead);
    }

    [Fact]
    public void Gzip_is_detected_by_magic_bytes_alone()
    {
        var compressed = Compress(s_csv);

        using var source = Open(compressed, contentType: "text/csv");

        Assert.True(source.Gzip);
        Assert.Equal(s_csv, Read(source.Content));
        Assert.Equal(compressed.Length, source.RawBytesRead);
        Assert.Equal(s_csv.Length, source.ContentBytesRead);
    }

    [Theory]
    [InlineData("gzip", null)]
    [InlineData(null, "items.csv.gz")]
    public void Gzip_is_detected_by_encoding_or_name(string? encoding, string? name)
    {
        using var source = Open(Compress(s_csv), encoding: encoding, name: name);

        Assert.True(source.Gzip);
        Assert.Equal(FileFormat.Csv, source.Format);
        Assert.Equal(s_csv, Read(source.Content));
    }

    [Fact]
    public void Declared_gzip_that_is_not_gzip_throws_malformed_file()
    {
        using var source = Open(s_csv, encoding: "gzip", contentType: "text/csv");

        var error = Assert.Throws<IntakeException>(() => Read(source.Content));

        Assert.Equal(ErrorCodes.MalformedFile, error.Code);
        Assert.StartsWith("The gzip stream is corrupt or truncated: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ndjson", "text/csv", "a.json", FileFormat.Ndjson)]
    [InlineData(null, "text/csv", "a.json", FileFormat.Csv)]
    [InlineData(null, "text/plain", "a.json", FileFormat.Json)]
    [InlineData(null, null, "a.jsonl", FileFormat.Ndjson)]
    [InlineData(null, "application/octet-stream", "upload.bin", FileFormat.Ndjson)]
    [InlineData("", null, null, FileFormat.Ndjson)]
    public void Format_comes_from_option_then_content_type_then_name_then_content(
        string? format, string? contentType, string? name, FileFormat expected)
    {
        var ndjson = "\uFEFF\n{\"a\":1}\n"u8.ToArray();

        using var source = Open(ndjson, format: format, contentType: contentType, name: name);

        Assert.Equal(expected, source.Format);
        Assert.Equal(ndjson, Read(source.Content));
    }

    [Theory]
    [InlineData("[{\"a\":1}]", FileFormat.Json)]
    [InlineData("{\"a\":1}", FileFormat.Ndjson)]
    [InlineData("id,name\n", FileFormat.Csv)]
    [InlineData("", FileFormat.Csv)]
    public void Sniffing_reads_the_decompressed_head_without_consuming_it(string text, FileFormat expected)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        using var source = Open(Compress(bytes), name: "upload.gz");

        Assert.Equal(expected, source.Format);
        Assert.Equal(bytes, Read(source.Content, chunk: 3));
    }

    [Fact]
    public void Unknown_format_option_throws_unsupported_format()
    {
        var raw = new MemoryStream(s_csv);

        var error = Assert.Throws<IntakeException>(() => ImportSource.Open(raw, new ImportSourceOptions("xml", null, null, null, NoLimit)));

        Assert.Equal(ErrorCodes.UnsupportedFormat, error.Code);
        Assert.Contains("'xml'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_bomb_stops_at_the_limit_with_file_too_large()
    {
        const int limit = 1 << 20;
        var bomb = Compress(new byte[10 << 20], CompressionLevel.SmallestSize);
        Assert.True(bomb.Length < 64 << 10);

        using var source = Open(bomb, contentType: "text/csv", limit: limit);
        var error = Assert.Throws<IntakeException>(() => Read(source.Content, chunk: 64 << 10));

        Assert.Equal(ErrorCodes.FileTooLarge, error.Code);
        Assert.Equal($"The file is larger than the limit of {limit} bytes after decompression.", error.Message);
        Assert.InRange(source.ContentBytesRead, limit + 1, limit + (64 << 10));
    }

    [Fact]
    public void File_of_exactly_the_limit_is_read_and_one_byte_more_is_not()
    {
        using (var exact = Open(s_csv, contentType: "text/csv", limit: s_csv.Length))
        {
            Assert.Equal(s_csv, Read(exact.Content));
        }

        using var over = Open(s_csv, contentType: "text/csv", limit: s_csv.Length - 1);
        Assert.Equal(ErrorCodes.FileTooLarge, Assert.Throws<IntakeException>(() => Read(over.Content)).Code);
    }

    [Fact]
    public void Limit_hit_while_sniffing_throws_from_open()
    {
        var raw = new MemoryStream(Compress(new byte[100_000]));

        var error = Assert.Throws<IntakeException>(() => ImportSource.Open(raw, new ImportSourceOptions(null, null, null, null, 1000)));

        Assert.Equal(ErrorCodes.FileTooLarge, error.Code);
        Assert.False(raw.CanRead);
    }

    [Fact]
    public void Truncated_gzip_throws_malformed_file_at_every_cut()
    {
        var data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i},item_{i * 7919 % 1000}\n")));
        var compressed = Compress(data);

        // From 2: a single byte is not recognizable as gzip and reads as a plain file.
        for (var cut = 2; cut < compressed.Length; cut++)
        {
            using var source = Open(compressed[..cut], contentType: "text/csv");

            var error = Assert.Throws<IntakeException>(() => Read(source.Content));

            Assert.Equal(ErrorCodes.MalformedFile, error.Code);
            Assert.StartsWith("The gzip stream is corrupt or truncated: ", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Corrupt_gzip_throws_malformed_file()
    {
        var data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 5000).Select(i => $"{i},name {i}\n")));
        var compressed = Compress(data);
        var failures = 0;

        for (var at = 10; at < compressed.Length; at += 7)
        {
            var corrupt = (byte[])compressed.Clone();
            corrupt[at] ^= 0x55;
            using var source = Open(corrupt, contentType: "text/csv");

            var error = Assert.Throws<IntakeException>(() => Read(source.Content));

            Assert.Equal(ErrorCodes.MalformedFile, error.Code);
            failures++;
        }

        Assert.True(failures > 10);
    }

    [Fact]
    public void Concatenated_gzip_members_read_as_one_file()
    {
        var first = "id,name\n1,a\n"u8.ToArray();
        var second = "2,b\n"u8.ToArray();
        byte[] raw = [.. Compress(first), .. Compress([]), .. WithAllHeaderFields(Compress(second))];

        using var source = Open(raw, contentType: "text/csv");

        Assert.True(source.Gzip);
        Assert.Equal([.. first, .. second], Read(source.Content, chunk: 5));
    }

    [Fact]
    public void Data_after_the_last_gzip_member_throws_malformed_file()
    {
        byte[] raw = [.. Compress(s_csv), 0, 0, 0];

        using var source = Open(raw, contentType: "text/csv");

        Assert.Equal(ErrorCodes.MalformedFile, Assert.Throws<IntakeException>(() => Read(source.Content)).Code);
    }

    [Fact]
    public void Empty_gzip_file_has_empty_content()
    {
        using var source = Open([], encoding: "gzip", contentType: "text/csv");

        Assert.Empty(Read(source.Content));
    }

    [Fact]
    public void Large_gzip_file_read_in_small_pieces_round_trips()
    {
        var random = new Random(1234);
        var text = new StringBuilder();
        for (var i = 0; i < 60_000; i++)
        {
            text.Append("row,").Append(random.Next()).Append(",\"").Append((char)random.Next('a', 'z')).Append("\"\n");
        }

        var data = Encoding.UTF8.GetBytes(text.ToString());
        byte[] raw = [.. Compress(data), .. Compress(data, CompressionLevel.Fastest)];

        using var source = ImportSource.Open(new TrickleStream(raw, 777), new ImportSourceOptions(null, null, null, null, NoLimit));

        Assert.Equal([.. data, .. data], Read(source.Content, chunk: 1000));
        Assert.Equal(raw.Length, source.RawBytesRead);
    }

    [Fact]
    public async Task Progress_counters_are_readable_while_another_thread_reads()
    {
        var data = new byte[4 << 20];
        new Random(1234).NextBytes(data);
        var raw = Compress(data, CompressionLevel.Fastest);
        using var source = Open(raw, contentType: "text/csv");

        var reader = Task.Run(() => Read(source.Content, chunk: 4096));
        var samples = new List<long>();
        while (!reader.IsCompleted)
        {
            samples.Add(source.RawBytesRead);
            Thread.SpinWait(1000);
        }

        Assert.Equal(data, await reader);
        Assert.Equal(samples.Order(), samples);
        Assert.Equal(raw.Length, source.RawBytesRead);
    }

    [Fact]
    public void Disposing_the_source_disposes_the_raw_stream()
    {
        var raw = new MemoryStream(s_csv);

        ImportSource.Open(raw, new ImportSourceOptions("csv", null, null, null, NoLimit)).Dispose();

        Assert.False(raw.CanRead);
    }

    private static ImportSource Open(byte[] raw, string? format = null, string? contentType = null, string? encoding = null, string? name = null, long limit = NoLimit) =>
        ImportSource.Open(new MemoryStream(raw), new ImportSourceOptions(format, contentType, encoding, name, limit));
}
