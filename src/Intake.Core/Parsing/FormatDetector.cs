namespace Intake.Core.Parsing;

/// <summary>
/// Decides a file's format and compression from what the client declared (format option,
/// <c>Content-Type</c>, file name, <c>Content-Encoding</c>) or from its first bytes.
/// Each method returns null where its input says nothing, so callers can fall through to the next.
/// </summary>
public static class FormatDetector
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>The media type of Parquet files (registered with IANA in 2024).</summary>
    public const string ParquetMediaType = "application/vnd.apache.parquet";

    /// <summary>An explicit format option: <c>csv</c>, <c>json</c>, <c>ndjson</c>/<c>jsonl</c>/<c>jsonlines</c>, or <c>parquet</c>.</summary>
    public static FileFormat? FromName(string? formatOption) =>
        formatOption?.Trim().ToLowerInvariant() switch
        {
            "csv" => FileFormat.Csv,
            "json" => FileFormat.Json,
            "ndjson" or "jsonl" or "jsonlines" => FileFormat.Ndjson,
            "parquet" => FileFormat.Parquet,
            _ => null,
        };

    /// <summary>
    /// A <c>Content-Type</c>, parameters ignored. Generic types (<c>text/plain</c>,
    /// <c>application/octet-stream</c>, <c>application/gzip</c>) say nothing about the format.
    /// </summary>
    public static FileFormat? FromContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
        return mediaType switch
        {
            "text/csv" or "application/csv" or "text/x-csv" or "application/x-csv" or "text/tab-separated-values" => FileFormat.Csv,
            "application/json" or "text/json" => FileFormat.Json,
            "application/x-ndjson" or "application/ndjson" or "application/jsonl" or "application/x-jsonlines"
                or "application/jsonlines" or "application/json-lines" => FileFormat.Ndjson,
            ParquetMediaType or "application/x-parquet" => FileFormat.Parquet,
            _ when mediaType.EndsWith("+json", StringComparison.Ordinal) => FileFormat.Json,
            _ => null,
        };
    }

    /// <summary>A file name's extension, looking through a trailing <c>.gz</c> (<c>items.csv.gz</c> is CSV).</summary>
    public static FileFormat? FromFileName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var fileName = Path.GetFileName(name.Trim());
        if (IsGzipName(fileName))
        {
            fileName = fileName[..^3];
        }

        return Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".csv" or ".tsv" => FileFormat.Csv,
            ".json" => FileFormat.Json,
            ".ndjson" or ".jsonl" => FileFormat.Ndjson,
            ".parquet" or ".parq" => FileFormat.Parquet,
            _ => null,
        };
    }

    /// <summary>
    /// Guesses from the first (decompressed) bytes: the magic <c>PAR1</c> is Parquet; after a BOM and
    /// whitespace, <c>[</c> is a JSON array, <c>{</c> is NDJSON, anything else (including nothing) is CSV.
    /// </summary>
    public static FileFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PAR1"u8))
        {
            return FileFormat.Parquet;
        }

        if (head.StartsWith(Utf8Bom))
        {
            head = head[Utf8Bom.Length..];
        }

        var first = head.IndexOfAnyExcept(" \t\r\n"u8);
        return first < 0 ? FileFormat.Csv : head[first] switch
        {
            (byte)'[' => FileFormat.Json,
            (byte)'{' => FileFormat.Ndjson,
            _ => FileFormat.Csv,
        };
    }

    /// <summary>True when <paramref name="head"/> starts with the gzip magic bytes 1F 8B.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> head) => head is [0x1F, 0x8B, ..];

    public static bool IsGzipName(string? name) =>
        name is not null && name.TrimEnd().EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for a <c>Content-Encoding</c> of <c>gzip</c> (or the legacy <c>x-gzip</c>).</summary>
    public static bool IsGzipEncoding(string? contentEncoding) =>
        contentEncoding?.Trim().ToLowerInvariant() is "gzip" or "x-gzip";
}
