using System.Diagnostics;
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

    /// <summary>The load's own directory, deleted with it.</summary>
    public string StagingDirectory => _directory;

    public long Records { get; private set; }

    /// <summary>The batch's records in run-key order (valid until the next call).</summary>
    public ReadOnlySpan<SortKey> Sort(RecordBatch batch)
    {
        var slots = batch.Slots;
        var count = slots.Length;
        if (_order.Length < count)
        {
            _order = new SortKey[count];
        }

        for (var i = 0; i < count; i++)
        {
            _order[i] = new SortKey(_timeFirst ? slots[i].Timestamp : 0, slots[i].KeyHash, i);
        }

        Array.Sort(_order, 0, count);
        return _order.AsSpan(0, count);
    }

    /// <summary>Stages a batch as one run, in the order <see cref="Sort"/> returned for it.</summary>
    public void Write(RecordBatch batch, ReadOnlySpan<SortKey> order)
    {
        var slots = batch.Slots;
        var count = order.Length;
        if (count == 0)
        {
            return;
        }

        Debug.Assert(IsSorted(order), "A run is written in run-key order: the merge reads each run in order.");
        MinTimestamp = Math.Min(MinTimestamp, order[0].Timestamp);
        MaxTimestamp = Math.Max(MaxTimestamp, order[^1].Timestamp);
        var path = Path.Combine(_directory, $"run-{_runs.Count:D6}");
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.SequentialScan))
        {
            var used = 0;
            for (var i = 0; i < count; i++)
            {
                ref var slot = ref slots[order[i].Index];
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

    private static bool IsSorted(ReadOnlySpan<SortKey> order)
    {
        for (var i = 1; i < order.Length; i++)
        {
            if (order[i - 1].CompareTo(order[i]) > 0)
            {
                return false;
            }
        }

        return true;
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
    /// A record's place in run-key order: timestamp (interactions; 0 for entities), then key hash; equal keys (a key
    /// repeated in the file) keep file order, so the last one wins in upsert mode and the first in insert mode.
    /// </summary>
    public readonly record struct SortKey(long Timestamp, ulong Hash, int Index) : IComparable<SortKey>
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
