namespace Intake.Core.Parsing;

// The hot loop: finds one record's field boundaries in the buffer. It never modifies the buffer, so
// a record cut off by the end of the buffer is simply scanned again after a refill.
public sealed partial class CsvRowReader
{
    private const byte Quote = (byte)'"';
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    private enum ScanResult
    {
        Complete,
        NeedMore,
        Unterminated,
    }

    /// <summary>
    /// Scans the record at <see cref="_start"/>. On <see cref="ScanResult.Complete"/> the fields, the
    /// fields still to unescape, the line breaks inside quotes and the next record's offset are set;
    /// on <see cref="ScanResult.Unterminated"/> <see cref="_newlines"/> counts the breaks before the
    /// open quote. <paramref name="final"/> means no more bytes will come.
    /// </summary>
    private ScanResult Scan(bool final)
    {
        var buffer = _window.Buffer;
        var end = _window.End;
        var delimiter = _delimiter;
        var pos = _start;
        var count = 0;
        var fixups = 0;
        var newlines = 0;

        while (true)
        {
            if (count == _fields.Length)
            {
                Array.Resize(ref _fields, count * 2);
            }

            int stop;
            if (pos < end && buffer[pos] == Quote)
            {
                var open = pos;
                var newlinesBefore = newlines;
                var p = pos + 1;
                var fix = false;
                int q;
                while ((q = buffer.AsSpan(p, end - p).IndexOf(Quote)) >= 0)
                {
                    newlines += buffer.AsSpan(p, q).Count(Lf);
                    p += q + 1;
                    if (p == end && !final)
                    {
                        // The byte after this quote decides whether it closes the field or is doubled.
                        return ScanResult.NeedMore;
                    }

                    if (p == end || buffer[p] != Quote)
                    {
                        break;
                    }

                    fix = true;
                    p++;
                }

                if (q < 0)
                {
                    if (!final)
                    {
                        return ScanResult.NeedMore;
                    }

                    _newlines = newlinesBefore;
                    return ScanResult.Unterminated;
                }

                // p is just past the closing quote; anything up to the delimiter or line end is appended.
                var rest = buffer.AsSpan(p, end - p).IndexOfAny(delimiter, Lf);
                if (rest < 0 && !final)
                {
                    return ScanResult.NeedMore;
                }

                stop = rest < 0 ? end : p + rest;
                var fieldEnd = stop;
                if (fieldEnd > p && buffer[fieldEnd - 1] == Cr && (stop == end || buffer[stop] == Lf))
                {
                    fieldEnd--;
                }

                if (fieldEnd > p)
                {
                    fix = true;
                }

                if (fix)
                {
                    if (fixups == _fixups.Length)
                    {
                        Array.Resize(ref _fixups, fixups * 2);
                    }

                    _fixups[fixups++] = count;
                    _fields[count++] = new CsvField(open + 1, fieldEnd - open - 1, true);
                }
                else
                {
                    _fields[count++] = new CsvField(open + 1, p - open - 2, true);
                }
            }
            else
            {
                var next = buffer.AsSpan(pos, end - pos).IndexOfAny(delimiter, Lf);
                if (next < 0 && !final)
                {
                    return ScanResult.NeedMore;
                }

                stop = next < 0 ? end : pos + next;
                var fieldEnd = stop;
                if (fieldEnd > pos && buffer[fieldEnd - 1] == Cr && (stop == end || buffer[stop] == Lf))
                {
                    fieldEnd--;
                }

                _fields[count++] = new CsvField(pos, fieldEnd - pos, false);
            }

            if (stop < end && buffer[stop] == delimiter)
            {
                pos = stop + 1;
                continue;
            }

            _fieldCount = count;
            _fixupCount = fixups;
            _newlines = newlines;
            _next = stop < end ? stop + 1 : end;
            return ScanResult.Complete;
        }
    }

    /// <summary>
    /// Rewrites a quoted field in place: <paramref name="start"/> is just past the opening quote and
    /// the raw text runs to the field's end, including the closing quote and any text after it.
    /// The result never grows, so it stays inside the record's own bytes. Returns the new length.
    /// </summary>
    private static int Unescape(byte[] buffer, int start, int length)
    {
        var end = start + length;
        var read = start;
        var write = start;
        while (true)
        {
            var q = buffer.AsSpan(read, end - read).IndexOf(Quote);
            if (q < 0)
            {
                q = end - read;
            }

            buffer.AsSpan(read, q).CopyTo(buffer.AsSpan(write));
            write += q;
            read += q + 1;
            if (read < end && buffer[read] == Quote)
            {
                buffer[write++] = Quote;
                read++;
                continue;
            }

            break;
        }

        if (read < end)
        {
            buffer.AsSpan(read, end - read).CopyTo(buffer.AsSpan(write));
            write += end - read;
        }

        return write - start;
    }
}
