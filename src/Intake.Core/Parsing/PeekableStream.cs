namespace Intake.Core.Parsing;

/// <summary>A read-only stream that can show its first bytes before they are read. Disposing disposes the inner stream.</summary>
internal sealed class PeekableStream(Stream inner) : Stream
{
    private byte[] _peeked = [];
    private int _position;

    /// <summary>Up to <paramref name="count"/> bytes from the current position, left unread.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_peeked.Length - _position < count)
        {
            var buffer = new byte[count];
            var kept = _peeked.Length - _position;
            _peeked.AsSpan(_position).CopyTo(buffer);
            var filled = kept + inner.ReadAtLeast(buffer.AsSpan(kept), count - kept, throwOnEndOfStream: false);
            _peeked = buffer[..filled];
            _position = 0;
        }

        return _peeked.AsSpan(_position, Math.Min(count, _peeked.Length - _position));
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position < _peeked.Length)
        {
            var count = Math.Min(buffer.Length, _peeked.Length - _position);
            _peeked.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        return inner.Read(buffer);
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
