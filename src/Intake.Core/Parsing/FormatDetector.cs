namespace Intake.Core.Parsing;

/// <summary>
/// Decides a file's format and compression from what the caller said, then from the bytes (DESIGN.md 2.1):
/// an explicit format, else the Content-Type, else the file name, else a sniff of the first bytes.
/// </summary>
public static class FormatDetector
{
    public static FileFormat? FromName(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        "csv" or "tsv" => FileFormat.Csv,
        "json" => FileFormat.Json,
        "ndjson" or "jsonl" or "jsonlines" => FileFormat.Ndjson,
        _ => null,
    };

    public static FileFormat? FromContentType(string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        return mediaType switch
        {
            "text/csv" or "application/csv" or "text/tab-separated-values" => FileFormat.Csv,
            "application/json" or "text/json" => FileFormat.Json,
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" or "application/x-jsonlines" or "application/jsonlines" => FileFormat.Ndjson,
            _ => null,
        };
    }

    public static FileFormat? FromFileName(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return null;
        }

        var name = fileName.ToLowerInvariant();
        if (name.EndsWith(".gz", StringComparison.Ordinal))
        {
            name = name[..^3];
        }

        return Path.GetExtension(name) switch
        {
            ".csv" or ".tsv" => FileFormat.Csv,
            ".json" => FileFormat.Json,
            ".ndjson" or ".jsonl" => FileFormat.Ndjson,
            _ => null,
        };
    }

    /// <summary>Looks at the first bytes (after a BOM and whitespace): <c>[</c> is a JSON array, <c>{</c> NDJSON, anything else CSV.</summary>
    public static FileFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            head = head[3..];
        }

        head = head.TrimStart(" \t\r\n"u8);
        return head.IsEmpty ? FileFormat.Csv : head[0] switch
        {
            (byte)'[' => FileFormat.Json,
            (byte)'{' => FileFormat.Ndjson,
            _ => FileFormat.Csv,
        };
    }

    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B;

    public static bool IsGzipName(string? fileName) => fileName?.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) == true;

    public static bool IsGzipEncoding(string? contentEncoding) =>
        contentEncoding?.Split(',').Any(e => e.Trim().Equals("gzip", StringComparison.OrdinalIgnoreCase)) == true;
}
