using System.Buffers.Binary;

namespace Intake.Storage.Postgres.Loading;

/// <summary>
/// Writes rows in PostgreSQL's binary COPY format straight from UTF-8 spans into a buffer that is flushed to
/// the COPY stream: no string is made for any field. Text in this format is its UTF-8 bytes, integers and
/// floats are big-endian, and each field is preceded by its length (-1 for null).
/// </summary>
internal sealed class BinaryCopyWriter
{
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private byte[] _buffer = new byte[1 << 20];
    private int _used;

    public int Buffered => _used;

    public void Header()
    {
        Ensure(19);
        Signature.CopyTo(_buffer.AsSpan(_used));
        _used += 11;
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), 0);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used + 4), 0);
        _used += 8;
    }

    public void Trailer()
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_used), -1);
        _used += 2;
    }

    public void StartRow(short fields)
    {
        Ensure(2);
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_used), fields);
        _used += 2;
    }

    public void Text(ReadOnlySpan<byte> utf8)
    {
        Ensure(4 + utf8.Length);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), utf8.Length);
        utf8.CopyTo(_buffer.AsSpan(_used + 4));
        _used += 4 + utf8.Length;
    }

    public void Null()
    {
        Ensure(4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), -1);
        _used += 4;
    }

    public void Int64(long value)
    {
        Ensure(12);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), 8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_used + 4), value);
        _used += 12;
    }

    public void Int32(int value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), 4);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used + 4), value);
        _used += 8;
    }

    public void Double(double value)
    {
        Ensure(12);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), 8);
        BinaryPrimitives.WriteDoubleBigEndian(_buffer.AsSpan(_used + 4), value);
        _used += 12;
    }

    public async ValueTask FlushAsync(Stream destination, CancellationToken cancellationToken)
    {
        if (_used > 0)
        {
            await destination.WriteAsync(_buffer.AsMemory(0, _used), cancellationToken);
            _used = 0;
        }
    }

    private void Ensure(int bytes)
    {
        if (_used + bytes > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + bytes));
        }
    }
}
