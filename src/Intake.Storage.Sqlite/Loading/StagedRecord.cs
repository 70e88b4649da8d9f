using System.Buffers.Binary;
using Intake.Core.Records;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// One record as staged in a sorted run: the key hash, the line, the scalars and six text fields
/// (type, id, target, name, media url, attributes; a negative length is NULL), in a pinned buffer so its
/// text can be bound to SQLite without copying. Reused record after record by one reader.
/// </summary>
internal sealed class StagedRecord
{
    public const int Type = 0;
    public const int Id = 1;
    public const int Target = 2;
    public const int Name = 3;
    public const int MediaUrl = 4;
    public const int Attributes = 5;
    public const int FieldCount = 6;

    /// <summary>h, line, timestamp, value (8 bytes each), has-value (1 byte) and six 4-byte lengths.</summary>
    public const int HeaderBytes = (4 * 8) + 1 + (FieldCount * 4);

    private readonly int[] _offsets = new int[FieldCount];
    private readonly int[] _lengths = new int[FieldCount];
    // Sized for a typical record (a few hundred bytes); a larger one grows it. Thousands are held at once (pending
    // inserts, merged chunks), so a generous start would cost megabytes of pinned memory.
    private byte[] _payload = GC.AllocateUninitializedArray<byte>(512, pinned: true);

    public ulong Hash { get; private set; }

    public long Line { get; private set; }

    public long Timestamp { get; private set; }

    public double Value { get; private set; }

    public bool HasValue { get; private set; }

    public bool IsNull(int field) => _lengths[field] < 0;

    public ReadOnlySpan<byte> Text(int field) =>
        _lengths[field] < 0 ? default : new ReadOnlySpan<byte>(_payload, _offsets[field], _lengths[field]);

    /// <summary>Writes a batch record in staged form; returns the bytes written.</summary>
    public static int Serialize(RecordBatch batch, in RecordSlot slot, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, slot.KeyHash);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], slot.Line);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], slot.Timestamp);
        BinaryPrimitives.WriteDoubleLittleEndian(destination[24..], slot.Value);
        destination[32] = slot.HasValue ? (byte)1 : (byte)0;
        var position = HeaderBytes;
        Span<Utf8Slice> fields = [slot.Type, slot.Id, slot.TargetId, slot.Name, slot.MediaUrl, slot.Attributes];
        for (var i = 0; i < FieldCount; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination[(33 + (i * 4))..], fields[i].Length);
            if (!fields[i].IsNull)
            {
                batch.Text(fields[i]).CopyTo(destination[position..]);
                position += fields[i].Length;
            }
        }

        return position;
    }

    /// <summary>Makes this the batch record <paramref name="slot"/>, copying its text (a record appended while the file is read).</summary>
    public void Load(RecordBatch batch, in RecordSlot slot)
    {
        Hash = slot.KeyHash;
        Line = slot.Line;
        Timestamp = slot.Timestamp;
        Value = slot.Value;
        HasValue = slot.HasValue;
        Span<Utf8Slice> fields = [slot.Type, slot.Id, slot.TargetId, slot.Name, slot.MediaUrl, slot.Attributes];
        var payload = 0;
        for (var i = 0; i < FieldCount; i++)
        {
            payload += Math.Max(0, fields[i].Length);
        }

        if (payload > _payload.Length)
        {
            _payload = GC.AllocateUninitializedArray<byte>(Math.Max(payload, _payload.Length * 2), pinned: true);
        }

        var position = 0;
        for (var i = 0; i < FieldCount; i++)
        {
            _lengths[i] = fields[i].Length;
            _offsets[i] = position;
            if (!fields[i].IsNull)
            {
                batch.Text(fields[i]).CopyTo(_payload.AsSpan(position));
                position += fields[i].Length;
            }
        }
    }

    /// <summary>The staged size of a batch record, to size the write buffer.</summary>
    public static int SizeOf(in RecordSlot slot) => HeaderBytes + Math.Max(0, slot.Type.Length) + Math.Max(0, slot.Id.Length) +
        Math.Max(0, slot.TargetId.Length) + Math.Max(0, slot.Name.Length) + Math.Max(0, slot.MediaUrl.Length) + Math.Max(0, slot.Attributes.Length);

    /// <summary>Reads the header; returns the payload length that must follow.</summary>
    public int ReadHeader(ReadOnlySpan<byte> header)
    {
        Hash = BinaryPrimitives.ReadUInt64LittleEndian(header);
        Line = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        Timestamp = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        Value = BinaryPrimitives.ReadDoubleLittleEndian(header[24..]);
        HasValue = header[32] != 0;
        var payload = 0;
        for (var i = 0; i < FieldCount; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(header[(33 + (i * 4))..]);
            _lengths[i] = length;
            _offsets[i] = payload;
            payload += Math.Max(0, length);
        }

        if (payload > _payload.Length)
        {
            _payload = GC.AllocateUninitializedArray<byte>(Math.Max(payload, _payload.Length * 2), pinned: true);
        }

        return payload;
    }

    public Span<byte> PayloadBuffer(int length) => _payload.AsSpan(0, length);

    /// <summary>Copies this record into <paramref name="target"/> (used to hold rows for a multi-row insert).</summary>
    public void CopyTo(StagedRecord target)
    {
        target.Hash = Hash;
        target.Line = Line;
        target.Timestamp = Timestamp;
        target.Value = Value;
        target.HasValue = HasValue;
        var payload = 0;
        for (var i = 0; i < FieldCount; i++)
        {
            payload += Math.Max(0, _lengths[i]);
        }

        if (payload > target._payload.Length)
        {
            target._payload = GC.AllocateUninitializedArray<byte>(Math.Max(payload, target._payload.Length * 2), pinned: true);
        }

        _payload.AsSpan(0, payload).CopyTo(target._payload);
        _offsets.CopyTo(target._offsets, 0);
        _lengths.CopyTo(target._lengths, 0);
    }
}
