using System.Text.Unicode;

namespace Intake.Core.Parsing;

// UTF-8 validation, once per buffer rather than once per row: a call per ~100-byte row cost 15% of the field
// scan (bench/Intake.Benchmarks, interactions CSV), one call per refill costs about nothing. Rows inside a
// stretch that fails are checked one by one, so an invalid byte costs a rescan of one buffer at most.
public sealed partial class CsvRowReader
{
    /// <summary>Bytes from <see cref="_start"/> to here are known to be valid UTF-8 and end on a character boundary.</summary>
    private int _cleanTo;

    /// <summary>Bytes from <see cref="_start"/> to here hold an invalid sequence somewhere; rows there are checked alone.</summary>
    private int _dirtyTo;

    /// <summary>Whether the raw record from <see cref="_start"/> to <paramref name="lineEnd"/> is valid UTF-8.</summary>
    private bool IsValidUtf8(byte[] buffer, int lineEnd)
    {
        if (lineEnd <= _cleanTo)
        {
            return true;
        }

        if (lineEnd > _dirtyTo)
        {
            // A record starts after a line break (ASCII), so it starts on a character boundary, as _cleanTo does.
            var from = Math.Max(_start, _cleanTo);
            var to = WholeCharactersEnd(buffer, from, _window.End);
            if (Utf8.IsValid(buffer.AsSpan(from, to - from)))
            {
                _cleanTo = to;
                if (lineEnd <= to)
                {
                    return true;
                }
            }
            else
            {
                _dirtyTo = to;
            }
        }

        return Utf8.IsValid(buffer.AsSpan(_start, lineEnd - _start));
    }

    /// <summary>Moves the validated stretches with the bytes when the window shifts them.</summary>
    private void ShiftUtf8(int shift)
    {
        _cleanTo -= shift;
        _dirtyTo -= shift;
    }

    /// <summary><paramref name="end"/>, or the start of a multi-byte character that the buffer cuts off there.</summary>
    private static int WholeCharactersEnd(byte[] buffer, int from, int end)
    {
        var i = end - 1;
        while (i >= from && i > end - 4 && (buffer[i] & 0xC0) == 0x80)
        {
            i--;
        }

        if (i < from)
        {
            return end;
        }

        var lead = buffer[i];
        var length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return i + length > end ? i : end;
    }
}
