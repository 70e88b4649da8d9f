namespace Intake.Core.Parsing;

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
    /// Finds the fields of the record starting at <c>_start</c>. Nothing is changed in the buffer here, so
    /// a record cut by the end of the buffer is simply scanned again after a refill; quoted fields that
    /// need unescaping are listed in <c>_fixups</c> and undone once the record is complete.
    /// </summary>
    private ScanResult Scan(bool eof)
    {
        var buffer = _window.Buffer;
        var end = _window.End;
        var position = _start;
        _fieldCount = 0;
        _fixupCount = 0;
        _newlines = 0;
        while (true)
        {
            if (position < end && buffer[position] == Quote)
            {
                var result = ScanQuoted(buffer, end, eof, ref position);
                if (result != ScanResult.Complete)
                {
                    return result;
                }
            }
            else
            {
                var rest = buffer.AsSpan(position, end - position);
                var index = rest.IndexOfAny(_delimiter, Lf);
                if (index < 0)
                {
                    if (!eof)
                    {
                        return ScanResult.NeedMore;
                    }

                    AddField(position, TrimCr(buffer, position, end), quoted: false);
                    _next = end;
                    return ScanResult.Complete;
                }

                var stop = position + index;
                if (buffer[stop] == _delimiter)
                {
                    AddField(position, stop, quoted: false);
                    position = stop + 1;
                    continue;
                }

                AddField(position, TrimCr(buffer, position, stop), quoted: false);
                _next = stop + 1;
                return ScanResult.Complete;
            }

            // After a quoted field: a delimiter, the end of the line, or the end of the input.
            if (position == end)
            {
                if (!eof)
                {
                    return ScanResult.NeedMore;
                }

                _next = end;
                return ScanResult.Complete;
            }

            if (buffer[position] == _delimiter)
            {
                position++;
                continue;
            }

            _next = position + 1;
            return ScanResult.Complete;
        }
    }

    /// <summary>Scans a quoted field at <paramref name="position"/>, leaving it just after the field (and any text glued to it).</summary>
    private ScanResult ScanQuoted(byte[] buffer, int end, bool eof, ref int position)
    {
        var contentStart = position + 1;
        var index = contentStart;
        var needsUnescape = false;
        while (true)
        {
            var found = buffer.AsSpan(index, end - index).IndexOfAny(Quote, Lf);
            if (found < 0)
            {
                return eof ? ScanResult.Unterminated : ScanResult.NeedMore;
            }

            index += found;
            if (buffer[index] == Lf)
            {
                _newlines++;
                index++;
                continue;
            }

            if (index + 1 == end && !eof)
            {
                return ScanResult.NeedMore;
            }

            if (index + 1 < end && buffer[index + 1] == Quote)
            {
                needsUnescape = true;
                index += 2;
                continue;
            }

            break;
        }

        var contentEnd = index;
        position = index + 1;
        if (position < end && buffer[position] != _delimiter && buffer[position] != Lf &&
            !(buffer[position] == Cr && (position + 1 == end || buffer[position + 1] == Lf)))
        {
            // Lenient: text glued after the closing quote belongs to the field ("ab"cd reads as abcd);
            // the unescape pass drops the lone closing quote.
            var glued = buffer.AsSpan(position, end - position).IndexOfAny(_delimiter, Lf);
            if (glued < 0 && !eof)
            {
                return ScanResult.NeedMore;
            }

            position = glued < 0 ? end : position + glued;
            contentEnd = TrimCr(buffer, contentStart, position);
            needsUnescape = true;
        }
        else if (position < end && buffer[position] == Cr)
        {
            if (position + 1 == end && !eof)
            {
                return ScanResult.NeedMore;
            }

            position++;
        }

        if (needsUnescape)
        {
            if (_fixupCount == _fixups.Length)
            {
                Array.Resize(ref _fixups, _fixups.Length * 2);
            }

            _fixups[_fixupCount++] = _fieldCount;
        }

        AddField(contentStart, contentEnd, quoted: true);
        return ScanResult.Complete;
    }

    private void AddField(int start, int end, bool quoted)
    {
        if (_fieldCount == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        _fields[_fieldCount++] = new CsvField(start, end - start, quoted);
    }

    private static int TrimCr(byte[] buffer, int start, int end) => end > start && buffer[end - 1] == Cr ? end - 1 : end;

    /// <summary>Undoes quoting in place: a doubled quote becomes one and a lone quote (a closing one) is dropped.</summary>
    private static int Unescape(byte[] buffer, int start, int length)
    {
        var span = buffer.AsSpan(start, length);
        var write = 0;
        for (var read = 0; read < span.Length; read++)
        {
            if (span[read] == Quote)
            {
                if (read + 1 < span.Length && span[read + 1] == Quote)
                {
                    span[write++] = Quote;
                    read++;
                }

                continue;
            }

            span[write++] = span[read];
        }

        return write;
    }
}
