using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// A seekable, read-only view of an import's content that counts the bytes read through it (for progress):
/// either the staged file itself, or a temporary copy of content that cannot seek. The temporary copy is
/// deleted when this is disposed; a staged file read in place is left to its owner.
/// </summary>
internal sealed class SeekableFile : Stream
{
    private const int CopyBufferBytes = 1 << 16;

    private readonly Stream _inner;
    private readonly bool _owned;
    private long _bytesRead;

    private SeekableFile(Stream inner, bool owned, bool direct)
    {
        _inner = inner;
        _owned = owned;
        Direct = direct;
    }

    /// <summary>True when this reads the staged file in place, so its reads are the import's progress through it.</summary>
    public bool Direct { get; }

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public static SeekableFile InPlace(Stream file, long maxBytes)
    {
        if (file.Length > maxBytes)
        {
            throw new IntakeException(ErrorCodes.FileTooLarge, $"The file is larger than the limit of {maxBytes} bytes.");
        }

        file.Position = 0;
        return new SeekableFile(file, owned: false, direct: true);
    }

    /// <summary>Copies <paramref name="content"/> (which enforces the size limit as it is read) to a temporary file.</summary>
    public static SeekableFile Spool(Stream content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"intake-{Guid.NewGuid():N}.spool");
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, CopyBufferBytes, FileOptions.DeleteOnClose);
        try
        {
            var buffer = new byte[CopyBufferBytes];
            int read;
            while ((read = content.Read(buffer)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                file.Write(buffer, 0, read);
            }

            file.Position = 0;
            return new SeekableFile(file, owned: true, direct: false);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        Interlocked.Add(ref _bytesRead, read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _inner.ReadAsync(buffer, cancellationToken);
        Interlocked.Add(ref _bytesRead, read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _owned)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
