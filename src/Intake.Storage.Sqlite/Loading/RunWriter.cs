using Intake.Core.Records;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// Stages a load as sorted runs: each batch is sorted by (key hash, line) and appended to its own run file,
/// so memory holds one batch while a load of any size is later merged in global key order. The files live
/// in a directory owned by the load and are deleted with it.
/// </summary>
internal sealed class RunWriter : IDisposable
{
    private readonly string _directory;
    private readonly List<string> _runs = [];
    private byte[] _buffer = new byte[1 << 20];
    private SortKey[] _order = new SortKey[8192];

    public RunWriter(string directory, bool timeFirst)
    {
        _directory = directory;
        _timeFirst = timeFirst;
        Directory.CreateDirectory(directory);
    }

    private readonly bool _timeFirst;

    /// <summary>The earliest and latest timestamps staged, to bound the scan of existing keys.</summary>
    public long MinTimestamp { get; private set; } = long.MaxValue;

    public long MaxTimestamp { get; private set; } = long.MinValue;

    public IReadOnlyList<string> Runs => _runs;

    public long Records { get; private set; }

    public void Write(RecordBatch batch)
    {
        var slots = batch.Slots;
        if (slots.Length == 0)
        {
            return;
        }

        var count = SortByKey(slots);
        var path = Path.Combine(_directory, $"run-{_runs.Count:D6}");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
        {
            var used = 0;
            for (var i = 0; i < count; i++)
            {
                ref var slot = ref slots[_order[i].Index];
                var size = StagedRecord.SizeOf(slot);
                if (used + size > _buffer.Length)
                {
                    file.Write(_buffer, 0, used);
                    used = 0;
                    if (size > _buffer.Length)
                    {
                        _buffer = new byte[size];
                    }
                }

                used += StagedRecord.Serialize(batch, slot, _buffer.AsSpan(used));
            }

            file.Write(_buffer, 0, used);
        }

        _runs.Add(path);
        Records += count;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was staged.
        }
    }

    /// <summary>
    /// Orders by the run key (timestamp for interactions, then key hash); equal keys (a key repeated in the
    /// file) keep file order, so the last one wins in upsert mode and the first in insert mode.
    /// </summary>
    private int SortByKey(Span<RecordSlot> slots)
    {
        var count = slots.Length;
        if (_order.Length < count)
        {
            _order = new SortKey[count];
        }

        for (var i = 0; i < count; i++)
        {
            var timestamp = _timeFirst ? slots[i].Timestamp : 0;
            MinTimestamp = Math.Min(MinTimestamp, timestamp);
            MaxTimestamp = Math.Max(MaxTimestamp, timestamp);
            _order[i] = new SortKey(timestamp, slots[i].KeyHash, i);
        }

        Array.Sort(_order, 0, count);
        return count;
    }

    private readonly record struct SortKey(long Timestamp, ulong Hash, int Index) : IComparable<SortKey>
    {
        public int CompareTo(SortKey other)
        {
            var byTime = Timestamp.CompareTo(other.Timestamp);
            if (byTime != 0)
            {
                return byTime;
            }

            var byHash = Hash.CompareTo(other.Hash);
            return byHash != 0 ? byHash : Index.CompareTo(other.Index);
        }
    }
}
