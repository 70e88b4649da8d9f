using System.Text;
using System.Text.Unicode;
using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// Reads RFC 4180 records from a UTF-8 stream, one <see cref="CsvRow"/> at a time, without allocating
/// per row. Quoted fields may hold delimiters, doubled quotes and line breaks; lines end in CRLF, LF or
/// a CR alone; a UTF-8 BOM at the very start is skipped. A quote inside an unquoted field is data (it
/// only opens quoting at the start of a field), as files in the wild write <c>5" disk</c>. Nothing is
/// repaired: a quoted field with text after its closing quote makes its record
/// <see cref="CsvReadResult.Malformed"/>, and a record whose bytes are not valid UTF-8 says which field
/// (<see cref="CsvRow.InvalidUtf8Field"/>) rather than being decoded with replacement characters.
/// </summary>
/// <remarks>
/// Memory is one buffer of <c>bufferSize</c> bytes that grows only while a single record does not fit,
/// up to about <c>maxRecordBytes</c>; a longer record (typically a quote that is never closed) fails
/// the file. Not thread-safe. Disposing disposes the stream unless <c>leaveOpen</c> is set.
/// </remarks>
public sealed partial class CsvRowReader : IDisposable
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private readonly StreamWindow _window;
    private readonly byte _delimiter;
    private readonly int _maxRecordBytes;
    private CsvField[] _fields = new CsvField[16];
    private int[] _fixups = new int[4];
    private int _fieldCount;
    private int _fixupCount;
    private int _textAfterQuote = -1;
    private int _invalidUtf8Field = -1;
    private int _newlines;
    private int _next;
    private int _start;
    private long _nextLine = 1;
    private bool _started;
    private bool _done;
    private bool _disposed;

    /// <param name="stream">UTF-8 CSV; read forward only.</param>
    /// <param name="delimiter">Any one ASCII byte except a quote, CR or LF.</param>
    /// <param name="bufferSize">The initial read buffer.</param>
    /// <param name="maxRecordBytes">The largest record accepted, without its line break.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on <see cref="Dispose"/>.</param>
    public CsvRowReader(Stream stream, byte delimiter = (byte)',', int bufferSize = 1 << 20, int maxRecordBytes = 16 << 20, bool leaveOpen = false)
    {
        // An ASCII delimiter can never split a UTF-8 sequence, so a record's bytes are valid exactly when its fields are.
        if (delimiter is Quote or Cr or Lf or >= 0x80)
        {
            throw new ArgumentOutOfRangeException(nameof(delimiter), delimiter, "The delimiter must be ASCII and cannot be a quote, CR or LF.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecordBytes, int.MaxValue - 64);
        // Room for a record of the maximum size plus its CRLF, so the limit, not the buffer, decides.
        _window = new StreamWindow(stream, bufferSize, maxRecordBytes + 2, leaveOpen);
        _delimiter = delimiter;
        _maxRecordBytes = maxRecordBytes;
    }

    /// <summary>Why the last <see cref="CsvReadResult.Malformed"/> result was returned, naming the line.</summary>
    public string? LastError { get; private set; }

    /// <summary>The physical line (1-based) on which the last record returned started.</summary>
    public long Line { get; private set; }

    /// <summary>
    /// Reads the first non-blank record as the header: names trimmed of spaces and tabs, quotes
    /// removed. Call it before the first <see cref="TryReadRow"/>.
    /// </summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.EmptyFile"/> when there is no header;
    /// <see cref="ErrorCodes.MalformedFile"/> when the header itself is malformed or too large;
    /// <see cref="ErrorCodes.InvalidEncoding"/> when it is not valid UTF-8.</exception>
    public CsvHeader ReadHeader()
    {
        while (true)
        {
            switch (TryReadRow(out var row))
            {
                case CsvReadResult.End:
                    throw new IntakeException(ErrorCodes.EmptyFile, "The file is empty: it has no header row.");
                case CsvReadResult.Malformed:
                    throw new IntakeException(ErrorCodes.MalformedFile, $"The header cannot be read: {LastError}");
                case CsvReadResult.Row when row.IsBlank:
                    continue;
                case CsvReadResult.Row when row.InvalidUtf8Field >= 0:
                    throw new IntakeException(ErrorCodes.InvalidEncoding,
                        $"The header is not valid UTF-8 (column {row.InvalidUtf8Field + 1}, line {row.Line}): save the file as UTF-8 and send it again.");
                default:
                    var columns = new string[row.Count];
                    for (var i = 0; i < columns.Length; i++)
                    {
                        columns[i] = HeaderName(row[i]);
                    }

                    return new CsvHeader(columns);
            }
        }
    }

    /// <summary>
    /// Reads the next record. The row's spans point into the reader's buffer and are valid only until
    /// the next call.
    /// </summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.MalformedFile"/> when a record is larger
    /// than <c>maxRecordBytes</c>.</exception>
    public CsvReadResult TryReadRow(out CsvRow row)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        row = default;
        if (_done)
        {
            return CsvReadResult.End;
        }

        if (!_started)
        {
            SkipBom();
        }

        while (true)
        {
            if (_start == _window.End)
            {
                if (_window.Eof)
                {
                    _done = true;
                    return CsvReadResult.End;
                }

                Refill();
                continue;
            }

            switch (Scan(_window.Eof))
            {
                case ScanResult.Complete when _textAfterQuote >= 0:
                    var field = _textAfterQuote + 1;
                    CompleteRecord();
                    LastError = $"Field {field} of the record at line {Line} has text after its closing quote; " +
                                "a quoted field must end at its closing quote (write a quote inside it as two quotes).";
                    return CsvReadResult.Malformed;
                case ScanResult.Complete:
                    row = CompleteRecord();
                    return CsvReadResult.Row;
                case ScanResult.Unterminated:
                    // Whether the input ended before or after the limit must not depend on the buffer size.
                    if (_window.End - _start > _maxRecordBytes)
                    {
                        throw RecordTooLarge();
                    }

                    Line = _nextLine;
                    LastError = $"The file has an unterminated quoted field starting at line {_nextLine + _newlines}: a field that opens with a quote must close with one.";
                    _done = true;
                    return CsvReadResult.Malformed;
                default:
                    // A record of max bytes may still be followed by the CR of its CRLF.
                    if (_window.End - _start > _maxRecordBytes + 1)
                    {
                        throw RecordTooLarge();
                    }

                    Refill();
                    break;
            }
        }
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _window.Dispose();
        }
    }

    private CsvRow CompleteRecord()
    {
        var buffer = _window.Buffer;
        var lineEnd = _next;
        if (lineEnd > _start && buffer[lineEnd - 1] == Lf)
        {
            lineEnd--;
        }

        if (lineEnd > _start && buffer[lineEnd - 1] == Cr)
        {
            lineEnd--;
        }

        if (lineEnd - _start > _maxRecordBytes)
        {
            throw RecordTooLarge();
        }

        // Checked on the raw bytes (see IsValidUtf8); only a record that fails is looked at field by field.
        var valid = IsValidUtf8(buffer, lineEnd);
        for (var i = 0; i < _fixupCount; i++)
        {
            ref var field = ref _fields[_fixups[i]];
            field = field with { Length = Unescape(buffer, field.Start, field.Length) };
        }

        _invalidUtf8Field = valid ? -1 : FirstInvalidField(buffer);
        Line = _nextLine;
        _nextLine += 1 + _newlines;
        _start = _next;
        return new CsvRow(buffer, _fields.AsSpan(0, _fieldCount), Line, _invalidUtf8Field);
    }

    private int FirstInvalidField(byte[] buffer)
    {
        for (var i = 0; i < _fieldCount; i++)
        {
            if (!Utf8.IsValid(buffer.AsSpan(_fields[i].Start, _fields[i].Length)))
            {
                return i;
            }
        }

        return -1;
    }

    private void SkipBom()
    {
        _started = true;
        while (_window.End - _start < Utf8Bom.Length && !_window.Eof)
        {
            Refill();
        }

        if (_window.Buffer.AsSpan(_start, _window.End - _start).StartsWith(Utf8Bom))
        {
            _start += Utf8Bom.Length;
        }
    }

    private void Refill()
    {
        var shift = _window.Refill(_start);
        _start -= shift;
        ShiftUtf8(shift);
    }

    private IntakeException RecordTooLarge() =>
        new(ErrorCodes.MalformedFile, $"The record starting at line {_nextLine} is larger than the limit of {_maxRecordBytes} bytes; a quote that is never closed can cause this.");

    private static string HeaderName(ReadOnlySpan<byte> field)
    {
        var name = field.Trim(" \t"u8);
        // A quoted name after a space reads as unquoted (RFC 4180 keeps the space), so unquote it here.
        if (name.Length >= 2 && name[0] == Quote && name[^1] == Quote)
        {
            return Encoding.UTF8.GetString(name[1..^1]).Replace("\"\"", "\"", StringComparison.Ordinal).Trim(' ', '\t');
        }

        return Encoding.UTF8.GetString(name);
    }
}
