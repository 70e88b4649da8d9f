using System.Buffers.Binary;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// The run keys (timestamp, key hash) of the records a load appended while its file was read, in the order they
/// were appended, which is run-key order. Kept in a file beside the runs, not in memory: it is read back only when
/// a later batch broke the order and the rest of the file must be merged beside them (<see cref="Cursor"/>).
/// </summary>
internal sealed class StreamedKeys(string path) : IDisposable
{
    private const int PairBytes = 16;
    private readonly FileStream _file = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
    private readonly byte[] _pair = new byte[PairBytes];

    public long Count { get; private set; }

    /// <summary>The last key appended; meaningful once <see cref="Count"/> is above zero.</summary>
    public (long Timestamp, ulong Hash) Last { get; private set; }

    /// <summary>Appends a key; keys come in strictly increasing order, each once.</summary>
    public void Add(long timestamp, ulong hash)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_pair, timestamp);
        BinaryPrimitives.WriteUInt64LittleEndian(_pair.AsSpan(8), hash);
        _file.Write(_pair);
        Last = (timestamp, hash);
        Count++;
    }

    /// <summary>Whether <paramref name="key"/> sorts after every key appended, so appending it keeps the order.</summary>
    public bool Precedes((long Timestamp, ulong Hash) key) =>
        Count == 0 || key.Timestamp > Last.Timestamp || (key.Timestamp == Last.Timestamp && key.Hash > Last.Hash);

    /// <summary>Reads the keys back from the start; asked in increasing order, tells which were appended.</summary>
    public Cursor Read()
    {
        _file.Flush();
        return new Cursor(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan), Count);
    }

    public void Dispose() => _file.Dispose();

    /// <summary>A forward-only walk of the appended keys, beside a merge in the same order.</summary>
    internal sealed class Cursor(FileStream file, long count) : IDisposable
    {
        private readonly byte[] _pair = new byte[PairBytes];
        private long _left = count;
        private (long Timestamp, ulong Hash)? _current;

        public bool Contains(long timestamp, ulong hash)
        {
            while (Behind(timestamp, hash) && _left > 0)
            {
                file.ReadExactly(_pair);
                _current = (BinaryPrimitives.ReadInt64LittleEndian(_pair), BinaryPrimitives.ReadUInt64LittleEndian(_pair.AsSpan(8)));
                _left--;
            }

            return _current == (timestamp, hash);
        }

        private bool Behind(long timestamp, ulong hash) =>
            _current is not { } current || current.Timestamp < timestamp || (current.Timestamp == timestamp && current.Hash < hash);

        public void Dispose() => file.Dispose();
    }
}
