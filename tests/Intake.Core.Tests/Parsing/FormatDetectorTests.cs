using System.Text;
using Intake.Core.Parsing;
using Xunit;

namespace Intake.Core.Tests.Parsing;

public class FormatDetectorTests
{
    [Theory]
    [InlineData("csv", FileFormat.Csv)]
    [InlineData(" CSV ", FileFormat.Csv)]
    [InlineData("json", FileFormat.Json)]
    [InlineData("ndjson", FileFormat.Ndjson)]
    [InlineData("jsonl", FileFormat.Ndjson)]
    [InlineData("JsonLines", FileFormat.Ndjson)]
    [InlineData("xml", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Format_option_names_a_format(string? option, FileFormat? expected)
    {
        Assert.Equal(expected, FormatDetector.FromName(option));
    }

    [Theory]
    [InlineData("text/csv", FileFormat.Csv)]
    [InlineData("text/csv; charset=utf-8", FileFormat.Csv)]
    [InlineData("Application/CSV", FileFormat.Csv)]
    [InlineData("text/tab-separated-values", FileFormat.Csv)]
    [InlineData("application/json", FileFormat.Json)]
    [InlineData("application/json;charset=UTF-8", FileFormat.Json)]
    [InlineData("application/vnd.example+json", FileFormat.Json)]
    [InlineData("application/x-ndjson", FileFormat.Ndjson)]
    [InlineData("application/ndjson", FileFormat.Ndjson)]
    [InlineData("application/jsonl", FileFormat.Ndjson)]
    [InlineData("text/plain", null)]
    [InlineData("text/plain; charset=utf-8", null)]
    [InlineData("application/octet-stream", null)]
    [InlineData("application/gzip", null)]
    [InlineData("multipart/form-data; boundary=x", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Content_type_names_a_format_or_nothing(string? contentType, FileFormat? expected)
    {
        Assert.Equal(expected, FormatDetector.FromContentType(contentType));
    }

    [Theory]
    [InlineData("items.csv", FileFormat.Csv)]
    [InlineData("ITEMS.CSV", FileFormat.Csv)]
    [InlineData("exports/2024/items.tsv", FileFormat.Csv)]
    [InlineData("items.csv.gz", FileFormat.Csv)]
    [InlineData("items.CSV.GZ", FileFormat.Csv)]
    [InlineData("records.json", FileFormat.Json)]
    [InlineData("records.json.gz", FileFormat.Json)]
    [InlineData("records.ndjson", FileFormat.Ndjson)]
    [InlineData("records.jsonl.gz", FileFormat.Ndjson)]
    [InlineData("records.txt", null)]
    [InlineData("records.gz", null)]
    [InlineData("records", null)]
    [InlineData(null, null)]
    public void File_name_extension_names_a_format_through_gz(string? name, FileFormat? expected)
    {
        Assert.Equal(expected, FormatDetector.FromFileName(name));
    }

    [Theory]
    [InlineData("[{\"a\":1}]", FileFormat.Json)]
    [InlineData("\uFEFF \r\n\t [", FileFormat.Json)]
    [InlineData("{\"a\":1}\n{\"a\":2}", FileFormat.Ndjson)]
    [InlineData("\uFEFF\n\n{", FileFormat.Ndjson)]
    [InlineData("id,name\n1,x\n", FileFormat.Csv)]
    [InlineData("\uFEFFid;name", FileFormat.Csv)]
    [InlineData("", FileFormat.Csv)]
    [InlineData("   ", FileFormat.Csv)]
    public void Sniff_looks_at_the_first_meaningful_byte(string head, FileFormat expected)
    {
        Assert.Equal(expected, FormatDetector.Sniff(Encoding.UTF8.GetBytes(head)));
    }

    [Fact]
    public void Gzip_is_recognized_by_magic_bytes_name_and_encoding()
    {
        Assert.True(FormatDetector.IsGzip([0x1F, 0x8B, 0x08]));
        Assert.True(FormatDetector.IsGzip([0x1F, 0x8B]));
        Assert.False(FormatDetector.IsGzip([0x1F]));
        Assert.False(FormatDetector.IsGzip("id,name"u8));
        Assert.False(FormatDetector.IsGzip([]));

        Assert.True(FormatDetector.IsGzipName("a.csv.gz"));
        Assert.True(FormatDetector.IsGzipName("A.JSON.GZ"));
        Assert.False(FormatDetector.IsGzipName("a.csv"));
        Assert.False(FormatDetector.IsGzipName("a.gzip.csv"));
        Assert.False(FormatDetector.IsGzipName(null));

        Assert.True(FormatDetector.IsGzipEncoding("gzip"));
        Assert.True(FormatDetector.IsGzipEncoding(" GZIP "));
        Assert.True(FormatDetector.IsGzipEncoding("x-gzip"));
        Assert.False(FormatDetector.IsGzipEncoding("br"));
        Assert.False(FormatDetector.IsGzipEncoding("identity"));
        Assert.False(FormatDetector.IsGzipEncoding(null));
    }
}
