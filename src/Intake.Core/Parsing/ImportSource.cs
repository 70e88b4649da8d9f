using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// A staged import file opened for reading: decompressed if it is gzip, its format decided, and its
/// size counted against the limit as it is read.
/// </summary>
/// <remarks>
/// The source owns the raw stream: disposing the source, or an <see cref="Open"/> that throws,
/// disposes it. <see cref="RawBytesRead"/> and <see cref="ContentBytesRead"/> may be read from another
/// thread (progress reporting); everything else is single-threaded.
/// </remarks>
public sealed class ImportSource : IDisposable
{
    // Enough to get past a BOM and leading blank lines to the first meaningful byte.
    private const int SniffBytes = 4096;

    private readonly CountingReadStream _raw;
    private readonly CountingReadStream _content;
    private readonly Stream _input;
    private readonly long _maxBytes;
    private SeekableFile? _seekable;

    private ImportSource(Stream content, CountingReadStream raw, CountingReadStream counted, FileFormat format, bool gzip, Stream input, long maxBytes)
    {
        Content = content;
        _raw = raw;
        _content = counted;
        Format = format;
        Gzip = gzip;
        _input = input;
        _maxBytes = maxBytes;
    }

    /// <summary>
    /// The decompressed bytes. Reading past <see cref="ImportSourceOptions.MaxDecompressedBytes"/>
    /// throws <see cref="IntakeException"/> with <see cref="ErrorCodes.FileTooLarge"/>; a corrupt or
    /// truncated gzip stream throws it with <see cref="ErrorCodes.MalformedFile"/>.
    /// </summary>
    public Stream Content { get; }

    public FileFormat Format { get; }

    public bool Gzip { get; }

    /// <summary>Bytes consumed from the raw (possibly compressed) stream so far: progress through the staged file.</summary>
    public long RawBytesRead => _seekable?.Direct == true ? _seekable.BytesRead : _raw.BytesRead;

    /// <summary>Decompressed bytes read so far, including the few read ahead to sniff the format.</summary>
    public long ContentBytesRead => _content.BytesRead;

    /// <summary>
    /// Opens <paramref name="raw"/>. Gzip is recognized by the declared encoding, a <c>.gz</c> name or
    /// the magic bytes; the format comes from the explicit option, else the content type, else the
    /// file name, else the first decompressed bytes (<see cref="FormatDetector.Sniff"/>).
    /// </summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.UnsupportedFormat"/> for an unknown
    /// format option; <see cref="ErrorCodes.MalformedFile"/> or <see cref="ErrorCodes.FileTooLarge"/>
    /// when the bytes read to sniff the format already show it.</exception>
    public static ImportSource Open(Stream raw, ImportSourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDecompressedBytes, 0);

        var declared = FormatDetector.FromName(options.Format);
        if (declared is null && !string.IsNullOrWhiteSpace(options.Format))
        {
            throw new IntakeException(ErrorCodes.UnsupportedFormat, $"The format '{options.Format}' is not supported; use csv, json, ndjson or parquet.");
        }

        var counted = new CountingReadStream(raw, long.MaxValue);
        Stream content = counted;
        var opened = false;
        try
        {
            var peekable = new PeekableStream(counted);
            content = peekable;
            var gzip = FormatDetector.IsGzipEncoding(options.ContentEncoding)
                || FormatDetector.IsGzipName(options.FileName)
                || FormatDetector.IsGzip(peekable.Peek(2));
            if (gzip)
            {
                content = new GzipReadStream(content);
            }

            var limited = new CountingReadStream(content, options.MaxDecompressedBytes);
            content = limited;
            var format = declared
                ?? FormatDetector.FromContentType(options.ContentType)
                ?? FormatDetector.FromFileName(options.FileName);
            if (format is null)
            {
                var sniffed = new PeekableStream(content);
                content = sniffed;
                format = FormatDetector.Sniff(sniffed.Peek(SniffBytes));
            }

            opened = true;
            return new ImportSource(content, counted, limited, format.Value, gzip, raw, options.MaxDecompressedBytes);
        }
        finally
        {
            if (!opened)
            {
                // Each layer disposes the one below it, down to raw.
                content.Dispose();
            }
        }
    }

    /// <summary>
    /// The content as a seekable stream, for formats that read from the end (Parquet's footer). A staged file that
    /// is a plain file is read in place; anything else (gzip, a stream of PostgreSQL chunks) is first copied to a
    /// temporary file in <see cref="Path.GetTempPath"/> (<c>TMPDIR</c>), deleted when the source is disposed, so
    /// memory stays one copy buffer whatever the size. Either way the size limit applies. Call once, before
    /// reading <see cref="Content"/>.
    /// </summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.FileTooLarge"/> when the content is over the limit.</exception>
    public Stream OpenSeekable(CancellationToken cancellationToken)
    {
        if (_seekable is not null)
        {
            throw new InvalidOperationException("The content is opened as a seekable stream once.");
        }

        _seekable = !Gzip && _input.CanSeek ? SeekableFile.InPlace(_input, _maxBytes) : SeekableFile.Spool(Content, cancellationToken);
        return _seekable;
    }

    public void Dispose()
    {
        _seekable?.Dispose();
        Content.Dispose();
    }
}
