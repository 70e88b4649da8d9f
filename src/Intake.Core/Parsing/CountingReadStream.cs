using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// Counts the bytes read through it (readable from any thread, for progress) and fails once they
/// exceed a limit. Counting as bytes are read, not trusting a declared size, is what stops a gzip
/// bomb: at most one caller buffer is decompressed past the limit. Disposes the inner stream.
/// </summary>
internal sealed class CountingReadStream(Stream inner, long limit) : ReadOnlyStream
{
    private long _bytesRead;

    public long BytesRead => Interlocked.Read(ref _bytesRead);

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        if (Interlocked.Add(ref _bytesRead, read) > limit)
        {
            throw new IntakeException(ErrorCodes.FileTooLarge, $"The file is larger than the limit of {limit} bytes after decompression.");
        }

        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
