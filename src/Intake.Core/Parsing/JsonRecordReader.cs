using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Parsing;

/// <summary>
/// Splits a JSON array of records or an NDJSON file into one record's UTF-8 bytes at a time, without
/// parsing the records: the caller does, and rejects a bad one on its own. A UTF-8 BOM at the start
/// is skipped. In an array the element boundaries come from <see cref="Utf8JsonReader"/>, so a syntax
/// error anywhere in the array fails the file; in NDJSON a malformed line is returned like any other.
/// </summary>
/// <remarks>
/// Memory is one buffer of <c>bufferSize</c> bytes that grows only while a single record does not fit,
/// up to about <c>maxRecordBytes</c>. Not thread-safe. Disposing disposes the stream unless
/// <c>leaveOpen</c> is set.
/// </remarks>
public sealed partial class JsonRecordReader : IDisposable
{
    private const byte Cr = (byte)'\r';
    private const byte Lf = (byte)'\n';

    // Buffer room beyond the largest record for the separators before it.
    private const int SeparatorSlack = 4096;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> Whitespace => " \t\r\n"u8;

    private readonly StreamWindow _window;
    private readonly int _maxRecordBytes;
    private bool _started;
    private bool _done;
    private bool _disposed;

    /// <param name="stream">UTF-8 JSON or NDJSON; read forward only.</param>
    /// <param name="layout">The layout, or <see cref="JsonLayout.Detect"/>.</param>
    /// <param name="bufferSize">The initial read buffer.</param>
    /// <param name="maxRecordBytes">The largest record (array element or line) accepted.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on <see cref="Dispose"/>.</param>
    public JsonRecordReader(Stream stream, JsonLayout layout = JsonLayout.Detect, int bufferSize = 1 << 20, int maxRecordBytes = 16 << 20, bool leaveOpen = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecordBytes, int.MaxValue - SeparatorSlack);
        if (!Enum.IsDefined(layout))
        {
            throw new ArgumentOutOfRangeException(nameof(layout), layout, "Unknown JSON layout.");
        }

        _window = new StreamWindow(stream, bufferSize, maxRecordBytes + SeparatorSlack, leaveOpen);
        _maxRecordBytes = maxRecordBytes;
        Layout = layout;
    }

    /// <summary>The layout being read; <see cref="JsonLayout.Detect"/> is resolved by the first read
    /// (an empty input resolves to <see cref="JsonLayout.Lines"/>).</summary>
    public JsonLayout Layout { get; private set; }

    /// <summary>
    /// Reads the next record. <paramref name="record"/> points into the reader's buffer and is valid
    /// only until the next call; <paramref name="line"/> is the 1-based line on which it starts.
    /// </summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.MalformedFile"/> for a syntax error in
    /// an array, content after its closing bracket, or a record larger than <c>maxRecordBytes</c>.</exception>
    public JsonReadResult TryRead(out ReadOnlySpan<byte> record, out long line)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        record = default;
        line = 0;
        if (!_started)
        {
            Start();
        }

        if (_done)
        {
            return JsonReadResult.End;
        }

        return Layout == JsonLayout.Array ? ReadElement(out record, out line) : ReadLine(out record, out line);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _window.Dispose();
        }
    }

    /// <summary>Skips the BOM and resolves the layout from the first byte that is not whitespace.</summary>
    private void Start()
    {
        _started = true;
        while (_window.End - _start < Utf8Bom.Length && !_window.Eof)
        {
            Refill(_start);
        }

        if (_window.Buffer.AsSpan(_start, _window.End - _start).StartsWith(Utf8Bom))
        {
            _start += Utf8Bom.Length;
        }

        var first = -1;
        while ((first = _window.Buffer.AsSpan(_start, _window.End - _start).IndexOfAnyExcept(Whitespace)) < 0 && !_window.Eof)
        {
            if (_window.End - _start > _maxRecordBytes)
            {
                throw RecordTooLarge(_line);
            }

            Refill(_start);
        }

        if (first < 0)
        {
            if (Layout == JsonLayout.Detect)
            {
                Layout = JsonLayout.Lines;
            }

            _done = true;
            return;
        }

        if (Layout == JsonLayout.Detect)
        {
            Layout = _window.Buffer[_start + first] == (byte)'[' ? JsonLayout.Array : JsonLayout.Lines;
        }

        _scan = _start;
        _readerPos = _start;
        _lineCountedTo = _start;
    }

    /// <summary>Keeps the bytes from <paramref name="keepFrom"/> on and shifts every offset held.</summary>
    private void Refill(int keepFrom)
    {
        var shift = _window.Refill(keepFrom);
        _start -= shift;
        _scan -= shift;
        _readerPos -= shift;
        _lineCountedTo -= shift;
        if (_elementStart >= 0)
        {
            _elementStart -= shift;
        }
    }

    private IntakeException RecordTooLarge(long line) =>
        new(ErrorCodes.MalformedFile, $"The record starting at line {line} is larger than the limit of {_maxRecordBytes} bytes.");

    private static IntakeException Malformed(string message) => new(ErrorCodes.MalformedFile, message);
}
