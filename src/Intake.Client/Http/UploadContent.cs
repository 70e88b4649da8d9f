using System.Net;
using System.Security.Cryptography;

namespace Intake.Client;

/// <summary>
/// A file body that reports the bytes sent through <see cref="IProgress{T}"/> and can be hashed before it is
/// sent (for a signature) without being held in memory. The caller owns the source stream unless
/// the content is told it owns it.
/// </summary>
internal sealed class UploadContent : HttpContent
{
    private const int BufferBytes = 81920;
    private readonly Stream _original;
    private readonly IProgress<long>? _progress;
    private readonly bool _ownsSource;
    private Stream _source;
    private long _start;
    private FileStream? _spool;

    public UploadContent(Stream source, IProgress<long>? progress, bool ownsSource)
    {
        _original = _source = source;
        _start = source.CanSeek ? source.Position : 0;
        _progress = progress;
        _ownsSource = ownsSource;
    }

    /// <summary>
    /// The hex SHA-256 of the body. A seekable source is read once and rewound; any other is copied to a
    /// temporary file as it is hashed, and that copy is what gets sent.
    /// </summary>
    public async Task<string> HashAsync(CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferBytes];
        if (!_source.CanSeek)
        {
            _spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, BufferBytes,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        }

        int read;
        while ((read = await _source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (_spool is not null)
            {
                await _spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }

        if (_spool is not null)
        {
            if (_ownsSource)
            {
                await _source.DisposeAsync().ConfigureAwait(false);
            }

            _source = _spool;
            _start = 0;
        }

        _source.Position = _start;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None).ConfigureAwait(false);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferBytes];
        long sent = 0;
        int read;
        while ((read = await _source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            sent += read;
            _progress?.Report(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        if (_source.CanSeek)
        {
            length = _source.Length - _start;
            return true;
        }

        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _spool?.Dispose();
            if (_ownsSource)
            {
                _original.Dispose();
            }
        }

        base.Dispose(disposing);
    }
}
