using System.Text.Json;

namespace Intake.Core.Parsing;

// A JSON array: Utf8JsonReader runs over the buffer in streaming mode (isFinalBlock false until the
// stream ends, its JsonReaderState carried across refills), and an element's bytes are kept in the
// buffer from its first token until its last, so the caller gets them in one piece.
public sealed partial class JsonRecordReader
{
    // Elements of any depth are split out, so that one nested too deep is rejected on its own by the record type
    // (JsonSyntax.MaxDepth), as it is in NDJSON, rather than failing the whole file.
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = int.MaxValue });
    private ArrayPhase _phase;
    private int _readerPos;
    private int _elementStart = -1;
    private int _lineCountedTo;
    private long _lineAtCounted = 1;

    private enum ArrayPhase
    {
        BeforeArray,
        InArray,
        AfterArray,
    }

    private JsonReadResult ReadElement(out ReadOnlySpan<byte> record, out long line)
    {
        while (_phase != ArrayPhase.AfterArray)
        {
            var buffer = _window.Buffer;
            var reader = new Utf8JsonReader(buffer.AsSpan(_readerPos, _window.End - _readerPos), _window.Eof, _state);
            var elementEnd = -1;
            try
            {
                while (elementEnd < 0 && _phase != ArrayPhase.AfterArray && reader.Read())
                {
                    elementEnd = Step(ref reader);
                }
            }
            catch (JsonException ex)
            {
                throw Malformed($"The JSON array is malformed at line {(ex.LineNumber ?? 0) + 1}: {Describe(ex)}");
            }

            _state = reader.CurrentState;
            _readerPos += (int)reader.BytesConsumed;
            if (elementEnd >= 0)
            {
                var start = _elementStart;
                _elementStart = -1;
                line = LineAt(start);
                if (elementEnd - start > _maxRecordBytes)
                {
                    throw RecordTooLarge(line);
                }

                record = buffer.AsSpan(start, elementEnd - start);
                return JsonReadResult.Record;
            }

            if (_phase == ArrayPhase.AfterArray)
            {
                break;
            }

            if (_window.Eof)
            {
                // The reader throws for most truncations of a final block; this covers the rest.
                throw Malformed($"The JSON array is not closed: the file ends at line {LineAt(_window.End)}.");
            }

            MakeRoom();
        }

        CheckNothingFollows();
        _done = true;
        record = default;
        line = 0;
        return JsonReadResult.End;
    }

    /// <summary>Handles one token; returns the end offset of an element it completes, else -1.</summary>
    private int Step(ref Utf8JsonReader reader)
    {
        if (_phase == ArrayPhase.BeforeArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw Malformed($"The file is not a JSON array: it starts with {reader.TokenType} on line {LineAt(_readerPos + (int)reader.TokenStartIndex)}. Send NDJSON as json lines, or wrap the records in [ ].");
            }

            _phase = ArrayPhase.InArray;
            return -1;
        }

        if (_elementStart < 0)
        {
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                _phase = ArrayPhase.AfterArray;
                return -1;
            }

            _elementStart = _readerPos + (int)reader.TokenStartIndex;
            return reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                ? -1
                : _readerPos + (int)reader.BytesConsumed;
        }

        return reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray
            ? _readerPos + (int)reader.BytesConsumed
            : -1;
    }

    /// <summary>Refills the buffer, keeping the element in progress (or the reader's position).</summary>
    private void MakeRoom()
    {
        var keep = _elementStart >= 0 ? _elementStart : _readerPos;
        var pending = _elementStart >= 0
            ? _window.End - _elementStart
            : _window.End - _readerPos - SeparatorLength(_window.Buffer.AsSpan(_readerPos, _window.End - _readerPos));
        // The second test stops a huge run of whitespace between elements, which the reader does not
        // consume until the next token arrives, from filling the buffer.
        if (pending > _maxRecordBytes || _window.End - keep >= _maxRecordBytes + SeparatorSlack)
        {
            throw RecordTooLarge(LineAt(keep));
        }

        LineAt(keep);
        Refill(keep);
    }

    private void CheckNothingFollows()
    {
        while (true)
        {
            var rest = _window.Buffer.AsSpan(_readerPos, _window.End - _readerPos);
            var other = rest.IndexOfAnyExcept(Whitespace);
            if (other >= 0)
            {
                throw Malformed($"The file has content after the end of the JSON array, at line {LineAt(_readerPos + other)}; a JSON file holds one array.");
            }

            LineAt(_window.End);
            _readerPos = _window.End;
            if (_window.Eof)
            {
                return;
            }

            Refill(_readerPos);
        }
    }

    /// <summary>The 1-based line of <paramref name="offset"/>; offsets asked for never go backwards.</summary>
    private long LineAt(int offset)
    {
        _lineAtCounted += _window.Buffer.AsSpan(_lineCountedTo, offset - _lineCountedTo).Count(Lf);
        _lineCountedTo = offset;
        return _lineAtCounted;
    }

    /// <summary>The whitespace and comma between the last token and the next one.</summary>
    private static int SeparatorLength(ReadOnlySpan<byte> rest)
    {
        var length = rest.IndexOfAnyExcept(" \t\r\n,"u8);
        return length < 0 ? rest.Length : length;
    }

    /// <summary>The reader's message without its 0-based position, which the caller restates 1-based.</summary>
    private static string Describe(JsonException ex)
    {
        var message = ex.Message;
        var position = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return position > 0 ? message[..position] : message;
    }
}
