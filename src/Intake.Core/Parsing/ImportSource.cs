using System.IO.Compression;
using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>What the caller knows about a staged file, and the decompressed-size limit.</summary>
public sealed record ImportSourceOptions(string? Format, string? ContentType, string? ContentEncoding, string? FileName, long MaxDecompressedBytes);

/// <summary>
/// A staged file opened for reading: decompressed when it is gzip (by Content-Encoding, a <c>.gz</c> name or
/// the magic bytes), with its format settled, and counted on both sides so a load can report progress on
/// the raw file and refuse a file that is too large after decompression. Disposing leaves the raw stream open.
/// </summary>
public sealed class ImportSource : IDisposable
{
    private const int SniffBytes = 4096;
    private readonly CountingStream _raw;
    private readonly CountingStream _decompressed;
    private readonly PeekableStream _content;

    private ImportSource(CountingStream raw, CountingStream decompressed, PeekableStream content, FileFormat format, bool gzip)
    {
        _raw = raw;
        _decompressed = decompressed;
        _content = content;
        Format = format;
        Gzip = gzip;
    }

    /// <summary>The decompressed bytes; reading past the limit throws <c>file_too_large</c>, and a corrupt gzip <c>malformed_file</c>.</summary>
    public Stream Content => _content;

    public FileFormat Format { get; }

    public bool Gzip { get; }

    /// <summary>Bytes consumed from the raw (possibly compressed) file; safe to read from another thread.</summary>
    public long RawBytesRead => _raw.Count;

    public long ContentBytesRead => _decompressed.Count;

    public static ImportSource Open(Stream raw, ImportSourceOptions options)
    {
        var rawCounter = new CountingStream(new NonClosingStream(raw), long.MaxValue, overLimit: null);
        var rawPeek = new PeekableStream(rawCounter);
        var gzip = FormatDetector.IsGzipEncoding(options.ContentEncoding) || FormatDetector.IsGzipName(options.FileName) ||
                   FormatDetector.IsGzip(rawPeek.Peek(2));
        Stream decoded = rawPeek;
        if (gzip)
        {
            var (crc, length) = GzipErrorStream.ReadTrailer(raw);
            decoded = new GzipErrorStream(new GZipStream(rawPeek, CompressionMode.Decompress), crc, length);
        }

        var decompressed = new CountingStream(decoded, options.MaxDecompressedBytes, limit =>
            new IntakeException(ErrorCodes.FileTooLarge, $"The file is larger than the limit of {limit} bytes after decompression."));
        var content = new PeekableStream(decompressed);
        var format = FormatDetector.FromName(options.Format)
            ?? FormatDetector.FromContentType(options.ContentType)
            ?? FormatDetector.FromFileName(options.FileName)
            ?? FormatDetector.Sniff(content.Peek(SniffBytes));
        return new ImportSource(rawCounter, decompressed, content, format, gzip);
    }

    public void Dispose() => _content.Dispose();
}
