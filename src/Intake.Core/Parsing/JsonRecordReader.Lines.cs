namespace Intake.Core.Parsing;

// NDJSON: a record is a line, trimmed; whether it is valid JSON is the caller's business.
public sealed partial class JsonRecordReader
{
    private int _start;
    private int _scan;
    private long _line = 1;

    private JsonReadResult ReadLine(out ReadOnlySpan<byte> record, out long line)
    {
        while (true)
        {
            var buffer = _window.Buffer;
            var end = _window.End;
            var lf = buffer.AsSpan(_scan, end - _scan).IndexOf(Lf);
            int lineEnd;
            if (lf >= 0)
            {
                lineEnd = _scan + lf;
            }
            else if (_window.Eof)
            {
                if (_start == end)
                {
                    _done = true;
                    record = default;
                    line = 0;
                    return JsonReadResult.End;
                }

                lineEnd = end;
            }
            else
            {
                // A line of max bytes may still be followed by the CR of its CRLF.
                if (end - _start > _maxRecordBytes + 1)
                {
                    throw RecordTooLarge(_line);
                }

                _scan = end;
                Refill(_start);
                continue;
            }

            var content = lineEnd > _start && buffer[lineEnd - 1] == Cr ? lineEnd - 1 : lineEnd;
            if (content - _start > _maxRecordBytes)
            {
                throw RecordTooLarge(_line);
            }

            var trimmed = buffer.AsSpan(_start, content - _start).Trim(" \t\r"u8);
            line = _line++;
            _start = _scan = Math.Min(lineEnd + 1, end);
            if (!trimmed.IsEmpty)
            {
                record = trimmed;
                return JsonReadResult.Record;
            }
        }
    }
}
