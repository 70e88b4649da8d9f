using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// A read-only pass-through that counts bytes (readable from another thread) and refuses to read past a
/// limit. Counting decompressed bytes is what stops a small gzip from inflating without bound.
/// </summary>
internal sealed class CountingStream(Stream inner, long limit, Func<long, IntakeException>? overLimit) : Stream
{
    private long _count;

    public long Count => Volatile.Read(ref _count);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Count; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        var total = Interlocked.Add(ref _count, read);
        if (total > limit && overLimit is not null)
        {
            throw overLimit(limit);
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
