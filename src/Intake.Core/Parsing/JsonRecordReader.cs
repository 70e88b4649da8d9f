using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// Splits a JSON array or NDJSON stream into one record's bytes at a time, without parsing the records:
/// each is parsed (and, if malformed, rejected on its own) by its record type. An NDJSON line is a record
/// as it stands; array elements are found by a scanner that tracks strings, escapes and nesting. A broken
/// array cannot be resynchronised, so it fails the file with <c>malformed_file</c>.
/// </summary>
/// <remarks>Memory is one buffer that grows only while a single record does not fit, up to about <c>maxRecordBytes</c>. Not thread-safe.</remarks>
public sealed class JsonRecordReader : IDisposable
{
    private const byte Lf = (byte)'\n';

    private readonly StreamWindow _window;
    private readonly int _maxRecordBytes;
    private int _start;
    private long _line = 1;
    private bool _started;
    private bool _done;
    private bool _arrayOpen;
    private bool _afterElement;

    public JsonRecordReader(Stream stream, JsonLayout layout = JsonLayout.Detect, int bufferSize = 1 << 20, int maxRecordBytes = 16 << 20, bool leaveOpen = false)
    {
        _window = new StreamWindow(stream, bufferSize, maxRecordBytes + 2, leaveOpen);
        _maxRecordBytes = maxRecordBytes;
        Layout = layout;
    }

    /// <summary>The layout, resolved by the first read when it was <see cref="JsonLayout.Detect"/>.</summary>
    public JsonLayout Layout { get; private set; }

    /// <summary>Reads the next record; <paramref name="record"/> is valid until the next call.</summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.MalformedFile"/> for a broken array or an oversized record.</exception>
    public JsonReadResult TryRead(out ReadOnlySpan<byte> record, out long line)
    {
        record = default;
        line = 0;
        if (_done)
        {
            return JsonReadResult.End;
        }

        if (!_started)
        {
            Start();
        }

        var found = Layout == JsonLayout.Array ? NextElement(out var start, out var end, out line) : NextLine(out start, out end, out line);
        if (!found)
        {
            _done = true;
            return JsonReadResult.End;
        }

        record = _window.Buffer.AsSpan(start, end - start);
        return JsonReadResult.Record;
    }

    public void Dispose() => _window.Dispose();

    private void Start()
    {
        _started = true;
        EnsureAvailable(4);
        var buffer = _window.Buffer;
        if (_window.End - _start >= 3 && buffer[_start] == 0xEF && buffer[_start + 1] == 0xBB && buffer[_start + 2] == 0xBF)
        {
            _start += 3;
        }

        if (Layout == JsonLayout.Detect)
        {
            SkipWhitespace();
            Layout = _start < _window.End && _window.Buffer[_start] == (byte)'[' ? JsonLayout.Array : JsonLayout.Lines;
        }
    }

    private bool NextLine(out int start, out int end, out long line)
    {
        while (true)
        {
            var available = _window.Buffer.AsSpan(_start, _window.End - _start);
            var newline = available.IndexOf(Lf);
            if (newline < 0 && !_window.Eof)
            {
                CheckRecordSize(available.Length);
                Refill();
                continue;
            }

            var lineEnd = newline < 0 ? _window.End : _start + newline;
            var content = _window.Buffer.AsSpan(_start, lineEnd - _start);
            var trimmed = content.Trim(" \t\r"u8);
            line = _line;
            start = _start + (content.Length - content.TrimStart(" \t\r"u8).Length);
            end = start + trimmed.Length;
            var atEnd = newline < 0;
            _start = atEnd ? _window.End : lineEnd + 1;
            _line++;
            if (trimmed.Length > 0)
            {
                CheckRecordSize(trimmed.Length);
                return true;
            }

            if (atEnd)
            {
                return false;
            }
        }
    }

    private bool NextElement(out int start, out int end, out long line)
    {
        SkipWhitespace();
        if (!_arrayOpen)
        {
            Expect((byte)'[', "The file should start with '[' but does not");
            _arrayOpen = true;
            SkipWhitespace();
            if (Peek() == ']')
            {
                _start++;
                ExpectOnlyWhitespace();
                start = end = 0;
                line = _line;
                return false;
            }
        }
        else if (_afterElement)
        {
            // The separator after the previous element is read now, not when that element was returned:
            // reading ahead could refill the buffer under the span the caller was holding.
            switch (Peek())
            {
                case (byte)',':
                    _start++;
                    SkipWhitespace();
                    break;
                case (byte)']':
                    _start++;
                    ExpectOnlyWhitespace();
                    start = end = 0;
                    line = _line;
                    return false;
                default:
                    throw Malformed($"Expected ',' or ']' after the array element that ends on line {_line}");
            }
        }

        line = _line;
        start = _start;
        end = ScanElement();
        start = _start;
        _line += CountNewlines(start, end);
        _start = end;
        _afterElement = true;
        return true;
    }

    /// <summary>Finds where the element at <c>_start</c> ends, refilling (and rescanning) as needed.</summary>
    private int ScanElement()
    {
        while (true)
        {
            var buffer = _window.Buffer;
            var depth = 0;
            var inString = false;
            for (var i = _start; i < _window.End; i++)
            {
                var b = buffer[i];
                if (inString)
                {
                    if (b == '\\')
                    {
                        i++;
                    }
                    else if (b == '"')
                    {
                        inString = false;
                    }

                    continue;
                }

                switch (b)
                {
                    case (byte)'"':
                        inString = true;
                        break;
                    case (byte)'{' or (byte)'[':
                        depth++;
                        break;
                    case (byte)'}' or (byte)']':
                        if (depth == 0)
                        {
                            return TrimEnd(i);
                        }

                        depth--;
                        if (depth == 0)
                        {
                            return i + 1;
                        }

                        break;
                    case (byte)',' when depth == 0:
                        return TrimEnd(i);
                }
            }

            if (_window.Eof)
            {
                throw Malformed($"The array ends inside the element that starts on line {_line}");
            }

            CheckRecordSize(_window.End - _start);
            Refill();
        }
    }

    private int TrimEnd(int end)
    {
        while (end > _start && IsWhitespace(_window.Buffer[end - 1]))
        {
            end--;
        }

        if (end == _start)
        {
            throw Malformed($"An array element is missing on line {_line}");
        }

        return end;
    }

    private void ExpectOnlyWhitespace()
    {
        SkipWhitespace();
        if (Peek() != -1)
        {
            throw Malformed($"Unexpected content after the closing ']' on line {_line}");
        }
    }

    private void Expect(byte expected, string message)
    {
        if (Peek() != expected)
        {
            throw Malformed($"{message} (line {_line})");
        }

        _start++;
    }

    private int Peek()
    {
        EnsureAvailable(1);
        return _start < _window.End ? _window.Buffer[_start] : -1;
    }

    private void SkipWhitespace()
    {
        while (true)
        {
            EnsureAvailable(1);
            if (_start >= _window.End || !IsWhitespace(_window.Buffer[_start]))
            {
                return;
            }

            if (_window.Buffer[_start] == Lf)
            {
                _line++;
            }

            _start++;
        }
    }

    private void EnsureAvailable(int bytes)
    {
        while (_window.End - _start < bytes && !_window.Eof)
        {
            Refill();
        }
    }

    private long CountNewlines(int start, int end) => _window.Buffer.AsSpan(start, end - start).Count(Lf);

    private void Refill() => _start -= _window.Refill(_start);

    private void CheckRecordSize(int bytes)
    {
        if (bytes > _maxRecordBytes)
        {
            throw new IntakeException(ErrorCodes.MalformedFile,
                $"The record starting at line {_line} is larger than the limit of {_maxRecordBytes} bytes.");
        }
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static IntakeException Malformed(string message) => new(ErrorCodes.MalformedFile, message + "; the JSON array cannot be read past this point.");
}
