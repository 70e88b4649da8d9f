namespace Intake.Core.Parsing;

/// <summary>
/// A read buffer over a stream for the record readers: bytes [0, <see cref="End"/>) of
/// <see cref="Buffer"/> are valid. It starts at the requested size and grows only while one record
/// does not fit, up to <c>maxCapacity</c>, which is what bounds a reader's memory.
/// </summary>
internal sealed class StreamWindow : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxCapacity;
    private byte[] _buffer;

    public StreamWindow(Stream stream, int bufferSize, int maxCapacity, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxCapacity = Math.Max(bufferSize, maxCapacity);
        _buffer = new byte[bufferSize];
    }

    public byte[] Buffer => _buffer;

    public int End { get; private set; }

    /// <summary>True once the stream has returned 0 bytes; everything it holds is in the buffer.</summary>
    public bool Eof { get; private set; }

    /// <summary>
    /// Discards the bytes before <paramref name="keepFrom"/>, moves the rest to the front and reads
    /// until the buffer is full or the stream ends. Returns how far the kept bytes moved down, which
    /// callers subtract from the offsets they hold.
    /// </summary>
    /// <exception cref="InvalidOperationException">The kept bytes already fill the largest buffer;
    /// callers enforce their record limit before that can happen.</exception>
    public int Refill(int keepFrom)
    {
        var kept = End - keepFrom;
        // Growing once the kept part is over half the buffer (not only when it is full) keeps the
        // number of rescans of a long record logarithmic in its length.
        if (kept > _buffer.Length / 2 && _buffer.Length < _maxCapacity)
        {
            var grown = new byte[(int)Math.Min((long)_buffer.Length * 2, _maxCapacity)];
            _buffer.AsSpan(keepFrom, kept).CopyTo(grown);
            _buffer = grown;
        }
        else if (keepFrom > 0)
        {
            _buffer.AsSpan(keepFrom, kept).CopyTo(_buffer);
        }
        else if (kept == _buffer.Length)
        {
            throw new InvalidOperationException("The read buffer is full; the record limit should have been enforced first.");
        }

        End = kept;
        // Filling the whole buffer (not just one Read) means a record that spans the end of the
        // buffer is rescanned once per buffer, not once per short network read.
        while (!Eof && End < _buffer.Length)
        {
            var read = _stream.Read(_buffer, End, _buffer.Length - End);
            if (read == 0)
            {
                Eof = true;
            }

            End += read;
        }

        return keepFrom;
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }
}
