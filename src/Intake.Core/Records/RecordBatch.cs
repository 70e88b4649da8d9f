namespace Intake.Core.Records;

/// <summary>
/// A reusable block of parsed records handed from the parser to a storage sink. All text lives in one
/// pinned byte arena so that filling and writing a batch allocates and copies nothing per record; batches
/// are pooled and <see cref="Reset"/> between uses. Not thread-safe: one producer fills it, then one consumer reads it.
/// </summary>
public sealed class RecordBatch
{
    private readonly int _capacity;
    private byte[] _keyScratch = new byte[256];
    private byte[] _arena;
    private int _arenaUsed;
    private long _rejectionBytes;
    private RecordSlot[] _slots;

    public RecordBatch(int capacity = 8192, int arenaBytes = 1 << 20)
    {
        _capacity = capacity;
        _slots = new RecordSlot[capacity];
        _arena = NewArena(arenaBytes);
    }

    /// <summary>Number of accepted records in <see cref="Slots"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Records read from the file for this batch, accepted or not.</summary>
    public long RecordsRead { get; internal set; }

    /// <summary>Bytes of the (compressed) source consumed when the batch was handed on, for progress.</summary>
    public long SourceBytesRead { get; internal set; }

    /// <summary>Rejections found while parsing and validating; sinks append their own (existing keys).</summary>
    public List<RecordRejection> Rejections { get; } = [];

    /// <summary>The keys of the rejected records whose key fields were read (<see cref="RejectedKey"/>).</summary>
    public List<RejectedKey> RejectedKeys { get; } = [];

    /// <summary>The record type the records were read as; sinks use it to describe key conflicts.</summary>
    public RecordType? RecordType { get; internal set; }

    /// <summary>The dataset the records are for, used in error ids of some record types.</summary>
    public string DatasetId { get; internal set; } = "";

    /// <summary>Sets what the records are, for a batch built outside a <see cref="RecordWriter"/>.</summary>
    public void Bind(RecordType recordType, string datasetId)
    {
        RecordType = recordType;
        DatasetId = datasetId;
    }

    /// <remarks>
    /// Rejections count toward the capacity, and their text toward the arena's: a file whose records were all rejected
    /// never filled a batch with records, so one batch collected every rejection of the file (3 million rejected rows
    /// held 1.7 GB) and the error budget was not checked until the file ended; and rejections whose keys are long
    /// (an error id holds the key) made each batch of 16,384 of them 100 MB.
    /// </remarks>
    public bool IsFull => Count + Rejections.Count >= _capacity || _arenaUsed + _rejectionBytes > _arena.Length - (_arena.Length >> 3);

    /// <summary>Adds a rejection found while parsing and validating.</summary>
    public void Reject(RecordRejection rejection)
    {
        Rejections.Add(rejection);
        _rejectionBytes += rejection.TextLength * sizeof(char);
    }

    public Span<RecordSlot> Slots => _slots.AsSpan(0, Count);

    public ReadOnlySpan<byte> Text(Utf8Slice slice) =>
        slice.IsNull ? default : new ReadOnlySpan<byte>(_arena, slice.Offset, slice.Length);

    public string? GetString(Utf8Slice slice) =>
        slice.IsNull ? null : System.Text.Encoding.UTF8.GetString(_arena, slice.Offset, slice.Length);

    public void Reset()
    {
        Count = 0;
        _arenaUsed = 0;
        RecordsRead = 0;
        SourceBytesRead = 0;
        Rejections.Clear();
        _rejectionBytes = 0;
        RejectedKeys.Clear();
    }

    /// <summary>
    /// Adds a record by its key alone, for a store that must describe a staged record it refused (its error
    /// id and message) after the batch it came in was reused.
    /// </summary>
    public ref RecordSlot AddKey(RecordKind kind, long line, ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ReadOnlySpan<byte> targetId, long timestamp)
    {
        var slot = new RecordSlot
        {
            Line = line, Type = Append(type), Id = Append(id), TargetId = kind == RecordKind.Interaction ? Append(targetId) : Utf8Slice.Null,
            Timestamp = timestamp, Name = Utf8Slice.Null, MediaUrl = Utf8Slice.Null, Attributes = Utf8Slice.Null,
        };
        AddSlot(ref slot, kind);
        return ref _slots[Count - 1];
    }

    internal int ArenaMark => _arenaUsed;

    internal void RewindArena(int mark) => _arenaUsed = mark;

    /// <summary>Whether the text appended since <paramref name="mark"/> holds a NUL byte.</summary>
    internal bool HoldsNulSince(int mark) => _arena.AsSpan(mark, _arenaUsed - mark).Contains((byte)0);

    internal Utf8Slice Append(ReadOnlySpan<byte> text)
    {
        EnsureArena(text.Length);
        text.CopyTo(_arena.AsSpan(_arenaUsed));
        var slice = new Utf8Slice(_arenaUsed, text.Length);
        _arenaUsed += text.Length;
        return slice;
    }

    /// <summary>Space to write up to <paramref name="maxBytes"/> into; follow with <see cref="CommitAppend"/>.</summary>
    internal Span<byte> ReserveAppend(int maxBytes)
    {
        EnsureArena(maxBytes);
        return _arena.AsSpan(_arenaUsed, maxBytes);
    }

    internal Utf8Slice CommitAppend(int written)
    {
        var slice = new Utf8Slice(_arenaUsed, written);
        _arenaUsed += written;
        return slice;
    }

    internal void AddSlot(ref RecordSlot slot, RecordKind kind)
    {
        slot.KeyHash = ComputeKeyHash(ref slot, kind);
        if (Count == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        _slots[Count++] = slot;
    }

    private ulong ComputeKeyHash(ref RecordSlot slot, RecordKind kind) =>
        RecordKeyHash.Compute(ref _keyScratch, kind, Text(slot.Type), Text(slot.Id), Text(slot.TargetId), slot.Timestamp);

    private void EnsureArena(int extra)
    {
        if (_arenaUsed + extra > _arena.Length)
        {
            // Only a record larger than the arena's free space gets here; the batch is handed on
            // when it is seven-eighths full, so this is rare and the bigger arena is kept for reuse.
            var larger = NewArena(Math.Max(_arena.Length * 2, _arenaUsed + extra));
            _arena.AsSpan(0, _arenaUsed).CopyTo(larger);
            _arena = larger;
        }
    }

    // Pinned, so a store may hand the arena's bytes to native code without copying them (its text stays put).
    private static byte[] NewArena(int bytes) => GC.AllocateUninitializedArray<byte>(bytes, pinned: true);
}
