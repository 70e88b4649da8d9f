namespace Intake.Core.Parsing;

/// <summary>Lets the first bytes of a stream be looked at before they are read. Disposes the inner stream.</summary>
internal sealed class PeekableStream(Stream inner) : ReadOnlyStream
{
    private byte[] _head = [];
    private int _headRead;
    private int _headEnd;

    /// <summary>Up to <paramref name="count"/> bytes from the start (fewer only at the end of the stream); call before reading.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_headRead > 0)
        {
            throw new InvalidOperationException("Peek only before the first read.");
        }

        if (_head.Length < count)
        {
            Array.Resize(ref _head, count);
        }

        int read;
        while (_headEnd < count && (read = inner.Read(_head, _headEnd, count - _headEnd)) > 0)
        {
            _headEnd += read;
        }

        return _head.AsSpan(0, Math.Min(_headEnd, count));
    }

    public override int Read(Span<byte> buffer)
    {
        if (_headRead < _headEnd)
        {
            var count = Math.Min(buffer.Length, _headEnd - _headRead);
            _head.AsSpan(_headRead, count).CopyTo(buffer);
            _headRead += count;
            return count;
        }

        return inner.Read(buffer);
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
