using System.Buffers;
using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Records;

/// <summary>
/// What a <see cref="RecordType"/> mapper uses to emit one record into the current <see cref="RecordBatch"/>:
/// <see cref="Begin"/>, set the key and fields, then <see cref="Commit"/> or <see cref="Reject"/>.
/// A rejected record leaves nothing in the batch but its rejection. Used by the parsing thread only.
/// </summary>
public sealed class RecordWriter
{
    private readonly ArrayBufferWriter<byte> _attributeBuffer = new(4096);
    private readonly Utf8JsonWriter _attributeWriter;
    private RecordBatch _batch;
    private RecordSlot _slot;
    private int _arenaMark;
    private bool _open;
    private bool _hasTimestamp;

    /// <param name="eventTimes">How event times are read; by default by magnitude, in the default window as of now.</param>
    public RecordWriter(RecordType recordType, AttributeTypeMap attributeTypes, string datasetId, RecordBatch batch, EventTimeRules? eventTimes = null)
    {
        RecordType = recordType;
        EventTimes = eventTimes ?? EventTimeRules.Default(DateTimeOffset.UtcNow);
        AttributeTypes = attributeTypes;
        DatasetId = datasetId;
        _batch = batch;
        _attributeWriter = new Utf8JsonWriter(_attributeBuffer, new JsonWriterOptions { SkipValidation = true, Encoder = Text.JsonTextEncoder.Instance });
        Attach(batch);
    }

    public RecordType RecordType { get; }

    public AttributeTypeMap AttributeTypes { get; }

    public string DatasetId { get; }

    /// <summary>The import's unit and window for event times.</summary>
    public EventTimeRules EventTimes { get; }

    public RecordBatch Batch => _batch;

    /// <summary>Scratch space for record types that pick fields out of flat JSON objects.</summary>
    public BuiltIn.FlatJsonFields JsonFields { get; } = new();

    /// <summary>Scratch space for reading attributes objects of the usual, simple form.</summary>
    internal SimpleJsonObject SimpleObject { get; } = new();

    /// <summary>Number of records committed or rejected since the writer was created.</summary>
    public long RecordsSeen { get; private set; }

    public long Line => _slot.Line;

    /// <summary>Points the writer at a fresh batch; the previous one has been handed to the sink.</summary>
    public void Attach(RecordBatch batch)
    {
        _batch = batch;
        batch.RecordType = RecordType;
        batch.DatasetId = DatasetId;
    }

    public void Begin(long line)
    {
        _slot = default;
        _slot.Line = line;
        _slot.Type = Utf8Slice.Null;
        _slot.Id = Utf8Slice.Null;
        _slot.TargetId = Utf8Slice.Null;
        _slot.Name = Utf8Slice.Null;
        _slot.MediaUrl = Utf8Slice.Null;
        _slot.Attributes = Utf8Slice.Null;
        _arenaMark = _batch.ArenaMark;
        _open = true;
        _hasTimestamp = false;
        RecordsSeen++;
        _batch.RecordsRead++;
    }

    public void SetType(ReadOnlySpan<byte> value) => _slot.Type = _batch.Append(value);

    public void SetId(ReadOnlySpan<byte> value) => _slot.Id = _batch.Append(value);

    public void SetTargetId(ReadOnlySpan<byte> value) => _slot.TargetId = _batch.Append(value);

    public void SetTimestamp(long epochMilliseconds)
    {
        _slot.Timestamp = epochMilliseconds;
        _hasTimestamp = true;
    }

    /// <summary>
    /// Reads <paramref name="text"/> as the record's event time under <see cref="EventTimes"/>; on a bad or
    /// out-of-window value the record is rejected and false is returned.
    /// </summary>
    public bool TrySetEventTime(ReadOnlySpan<byte> text, string field)
    {
        if (!EventTimes.TryRead(text, field, out var epochMilliseconds, out var code, out var message))
        {
            Reject(code, message, field);
            return false;
        }

        SetTimestamp(epochMilliseconds);
        return true;
    }

    public void SetName(ReadOnlySpan<byte> value) => _slot.Name = _batch.Append(value);

    public void SetMediaUrl(ReadOnlySpan<byte> value) => _slot.MediaUrl = _batch.Append(value);

    public void SetValue(double value)
    {
        _slot.Value = value;
        _slot.HasValue = true;
    }

    /// <summary>Stores <paramref name="json"/> (a JSON object, already validated) as the record's attributes.</summary>
    public void SetAttributesJson(ReadOnlySpan<byte> json) => _slot.Attributes = _batch.Append(json);

    /// <summary>
    /// A JSON writer for building the attributes object; call <see cref="EndAttributes"/> when done.
    /// The writer is reused across records.
    /// </summary>
    public Utf8JsonWriter BeginAttributes()
    {
        _attributeBuffer.ResetWrittenCount();
        _attributeWriter.Reset(_attributeBuffer);
        _attributeWriter.WriteStartObject();
        return _attributeWriter;
    }

    public void EndAttributes()
    {
        _attributeWriter.WriteEndObject();
        _attributeWriter.Flush();
        _slot.Attributes = _batch.Append(_attributeBuffer.WrittenSpan);
    }

    /// <summary>
    /// Checks a value against the dataset's attribute types. On a mismatch the record is rejected with
    /// the documented message and false is returned; the caller must then stop mapping the record.
    /// </summary>
    public bool CheckAttribute(ReadOnlySpan<byte> name, AttributeType valueType, ReadOnlySpan<byte> valueText)
    {
        if (AttributeTypes.Fits(name, valueType, out var declared) || IsTimestampText(declared, valueType, valueText))
        {
            return true;
        }

        RejectType(name, valueText, declared);
        return false;
    }

    /// <summary>
    /// Every attribute name a load meets stays in its dataset's map, loaded by every later load, so the map has a size
    /// limit: a file whose metadata keys are ids (a million records, a key each) took the server from 225 to 470 MB.
    /// </summary>
    private void RejectOverLimit(ReadOnlySpan<byte> name)
    {
        var attribute = Encoding.UTF8.GetString(name);
        Reject(
            RecordErrorCodes.UnknownField,
            $"Attribute {Text.Echo.Cut(attribute)} is new, and dataset {DatasetId} has {AttributeTypes.MaxAttributes:N0} attributes, the limit " +
            "(Limits:MaxAttributes); keep keys that vary from record to record (ids, dates) inside one object attribute instead.",
            attribute);
    }

    /// <summary>
    /// No value is typed as a timestamp by its form alone, so a declared timestamp attribute takes text that reads as
    /// one. Epoch integers are refused: stored as numbers, their unit would be a guess.
    /// </summary>
    private static bool IsTimestampText(AttributeType declared, AttributeType valueType, ReadOnlySpan<byte> valueText) =>
        declared == AttributeType.Timestamp && valueType == AttributeType.String && Timestamps.TryParseIsoInstant(valueText, out _);

    private void RejectType(ReadOnlySpan<byte> name, ReadOnlySpan<byte> valueText, AttributeType declared)
    {
        if (AttributeTypes.IsRefusedForRoom(name))
        {
            RejectOverLimit(name);
            return;
        }

        var attribute = Encoding.UTF8.GetString(name);
        var hint = declared == AttributeType.Timestamp ? ": use ISO-8601 (2024-03-01T12:00:00Z), years 0001 to 9999." : ".";
        Reject(
            RecordErrorCodes.InvalidType,
            $"Attribute {attribute} with value [{Text.Echo.Of(valueText)}] is not of {declared.ToWire()} type{hint}",
            attribute);
    }

    /// <summary>
    /// Checks a CSV text cell against the dataset's attribute types (<see cref="AttributeTypeMap.FitsCsvText"/>);
    /// <paramref name="asList"/> says it is to be written as a list (<see cref="CsvList"/>). On a mismatch the
    /// record is rejected with the documented message and false is returned.
    /// </summary>
    public bool CheckCsvText(ReadOnlySpan<byte> name, ReadOnlySpan<byte> cell, out bool asList)
    {
        asList = false;
        if (AttributeTypes.FitsCsvText(name, out var declared))
        {
            asList = declared == AttributeType.List;
            return true;
        }

        if (IsTimestampText(declared, AttributeType.String, cell))
        {
            return true;
        }

        RejectType(name, cell, declared);
        return false;
    }

    /// <summary>
    /// The longest key field (a type, an id, a target), in UTF-8 bytes. PostgreSQL's unique index on an entity's type
    /// and id takes at most about 2,700 bytes per entry, so a longer key failed the whole load there while SQLite took
    /// it; one limit for both stores, well above any id seen in practice (URLs and e-mail addresses included).
    /// </summary>
    public const int MaxKeyFieldBytes = 1024;

    public void Commit()
    {
        EnsureOpen();
        if (_batch.HoldsNulSince(_arenaMark))
        {
            RejectNul();
            return;
        }

        if (LongKeyField() is { } tooLong)
        {
            var (field, bytes) = tooLong;
            // A key this long names no stored record: the error id is the line, and replace keeps nothing for it.
            _slot.Id = Utf8Slice.Null;
            Reject(RecordErrorCodes.InvalidValue,
                $"Field [{field}] has {bytes:N0} bytes; a type, id or target has at most {MaxKeyFieldBytes:N0}.", field);
            return;
        }

        _open = false;
        _batch.AddSlot(ref _slot, RecordType.Kind);
    }

    private (string Field, int Bytes)? LongKeyField() =>
        _slot.Type.Length > MaxKeyFieldBytes ? ("type", _slot.Type.Length)
        : _slot.Id.Length > MaxKeyFieldBytes ? (RecordType.Kind == RecordKind.Interaction ? "source_id" : "id", _slot.Id.Length)
        : _slot.TargetId.Length > MaxKeyFieldBytes ? ("target_id", _slot.TargetId.Length)
        : null;

    /// <summary>
    /// A NUL byte is valid UTF-8 but no text: PostgreSQL cannot store it, and it is what a UTF-16 file read as UTF-8 is
    /// full of. One scan of the record's text at its commit keeps both stores refusing it the same way.
    /// </summary>
    private void RejectNul()
    {
        var interaction = RecordType.Kind == RecordKind.Interaction;
        (string? Field, Utf8Slice Slice)[] parts =
        [
            ("type", _slot.Type), (interaction ? "source_id" : "id", _slot.Id), ("target_id", _slot.TargetId), ("name", _slot.Name),
            ("media_url", _slot.MediaUrl), (null, _slot.Attributes),
        ];
        var field = parts.FirstOrDefault(p => _batch.Text(p.Slice).Contains((byte)0)).Field;
        Reject(RecordErrorCodes.InvalidEncoding,
            $"{(field is null ? "The record's attributes hold" : $"Field [{field}] holds")} the byte 0x00 (NUL), which is not text and cannot be " +
            "stored; if the file is UTF-16, save it as UTF-8.", field);
    }

    /// <summary>
    /// Rejects the record being written. <paramref name="errorId"/> defaults to the record's key when the
    /// mapper has set all of it, else <c>line:N</c>. A NUL in the rejection's text is written as <c>\u0000</c>, since
    /// PostgreSQL stores no NUL (a key holding one is no key: the error id is then <c>line:N</c>).
    /// </summary>
    public void Reject(string code, string message, string? field, string? errorId = null)
    {
        EnsureOpen();
        _open = false;
        var keyComplete = KeyComplete && !HoldsNul(_slot.Type, _slot.Id, _slot.TargetId);
        errorId ??= RecordType.DescribeRejected(_batch, _slot, keyComplete);
        if (keyComplete)
        {
            var interaction = RecordType.Kind == RecordKind.Interaction;
            _batch.RejectedKeys.Add(new RejectedKey(_batch.GetString(_slot.Type)!, _batch.GetString(_slot.Id)!,
                interaction ? _batch.GetString(_slot.TargetId) : null, interaction ? _slot.Timestamp : null));
        }

        _batch.RewindArena(_arenaMark);
        _batch.Reject(new RecordRejection(_slot.Line, WithoutNul(errorId), code, WithoutNul(message), field is null ? null : WithoutNul(field)));
    }

    private bool HoldsNul(params ReadOnlySpan<Utf8Slice> slices)
    {
        foreach (var slice in slices)
        {
            if (_batch.Text(slice).Contains((byte)0))
            {
                return true;
            }
        }

        return false;
    }

    private static string WithoutNul(string text) => text.Contains('\0') ? text.Replace("\0", "\\u0000", StringComparison.Ordinal) : text;

    private bool KeyComplete => !_slot.Type.IsNull && !_slot.Id.IsNull &&
        (RecordType.Kind == RecordKind.Entity || (!_slot.TargetId.IsNull && _hasTimestamp));

    /// <summary>Rejects a record that could not even be read (a malformed line) without a <see cref="Begin"/>.</summary>
    public void RejectUnreadable(long line, string message) => RejectUnread(line, RecordErrorCodes.MalformedRecord, message, null);

    /// <summary>Rejects a record before any mapper saw it (bad encoding, a ragged CSV row); its error id is <c>line:N</c>.</summary>
    public void RejectUnread(long line, string code, string message, string? field)
    {
        Begin(line);
        Reject(code, message, field);
    }

    private void EnsureOpen()
    {
        if (!_open)
        {
            ThrowNotOpen();
        }
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ThrowNotOpen() =>
        throw new InvalidOperationException("Begin a record before committing or rejecting it.");
}
