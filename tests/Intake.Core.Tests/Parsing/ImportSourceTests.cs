using System.IO.Compression;
using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Tests.Parsing;

public sealed class ImportSourceTests
{
    [Theory]
    [InlineData("csv", "application/json", "x.json", "[1]", FileFormat.Csv)]
    [InlineData(null, "application/x-ndjson", "x.csv", "a,b", FileFormat.Ndjson)]
    [InlineData(null, "text/csv; charset=utf-8", null, "[1]", FileFormat.Csv)]
    [InlineData(null, "application/octet-stream", "data.jsonl.gz", "a,b", FileFormat.Ndjson)]
    [InlineData(null, null, null, "\uFEFF  [{\"a\":1}]", FileFormat.Json)]
    [InlineData(null, null, null, "{\"a\":1}\n", FileFormat.Ndjson)]
    [InlineData(null, null, null, "id,type\n", FileFormat.Csv)]
    public void Format_is_taken_from_the_option_then_content_type_then_name_then_the_bytes(
        string? format, string? contentType, string? fileName, string content, FileFormat expected)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        var raw = fileName?.EndsWith(".gz") == true ? Gzip(bytes) : bytes;
        using var source = ImportSource.Open(new MemoryStream(raw), new ImportSourceOptions(format, contentType, null, fileName, 1 << 20));

        Assert.Equal(expected, source.Format);
    }

    [Fact]
    public void Gzip_is_found_by_its_magic_bytes_and_read_decompressed()
    {
        var text = "id,type,name,metadata,media_url\n1,a,,,\n";
        using var source = ImportSource.Open(new MemoryStream(Gzip(Encoding.UTF8.GetBytes(text))), new ImportSourceOptions(null, null, null, null, 1 << 20));

        Assert.True(source.Gzip);
        Assert.Equal(FileFormat.Csv, source.Format);
        Assert.Equal(text, new StreamReader(source.Content).ReadToEnd());
        Assert.True(source.RawBytesRead > 0);
    }

    [Fact]
    public void A_small_gzip_that_inflates_past_the_limit_is_refused()
    {
        var bomb = Gzip(new byte[10 << 20]);
        Assert.True(bomb.Length < 100_000);
        using var source = ImportSource.Open(new MemoryStream(bomb), new ImportSourceOptions("csv", null, null, null, 1 << 20));

        var error = Assert.Throws<IntakeException>(() => source.Content.CopyTo(Stream.Null));

        Assert.Equal(ErrorCodes.FileTooLarge, error.Code);
        Assert.Contains((1 << 20).ToString(), error.Message);
    }

    [Fact]
    public void A_truncated_gzip_is_a_malformed_file()
    {
        var gzip = Gzip(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("id,type\n1,a\n", 5000))));
        using var source = ImportSource.Open(new MemoryStream(gzip[..(gzip.Length / 2)]), new ImportSourceOptions("csv", null, null, null, 1 << 30));

        var error = Assert.Throws<IntakeException>(() => source.Content.CopyTo(Stream.Null));

        Assert.Equal(ErrorCodes.MalformedFile, error.Code);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal))
        {
            gzip.Write(bytes);
        }

        return output.ToArray();
    }
}
