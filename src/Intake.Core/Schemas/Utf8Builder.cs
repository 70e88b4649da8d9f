using System.Buffers;

namespace Intake.Core.Schemas;

/// <summary>
/// Concatenates a key (<c>kind:value</c>) on the stack, renting from the pool only for unusually long keys.
/// Dispose to return the rented buffer.
/// </summary>
internal ref struct Utf8Builder(Span<byte> initial)
{
    private Span<byte> _buffer = initial;
    private byte[]? _rented;
    private int _length;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public void Append(scoped ReadOnlySpan<byte> text)
    {
        if (_length + text.Length > _buffer.Length)
        {
            Grow(_length + text.Length);
        }

        text.CopyTo(_buffer[_length..]);
        _length += text.Length;
    }

    public void Append(byte value) => Append([value]);

    public readonly void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }
    }

    private void Grow(int needed)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer[.._length].CopyTo(bigger);
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }

        _rented = bigger;
        _buffer = bigger;
    }
}
