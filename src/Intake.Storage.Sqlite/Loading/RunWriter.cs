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
    private ulong[] _keys = new ulong[8192];
    private int[] _order = new int[8192];

    public RunWriter(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

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
                ref var slot = ref slots[_order[i]];
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

    /// <summary>Orders by key hash; equal hashes (a key repeated in the file) keep file order.</summary>
    private int SortByKey(Span<RecordSlot> slots)
    {
        var count = slots.Length;
        if (_order.Length < count)
        {
            _order = new int[count];
            _keys = new ulong[count];
        }

        for (var i = 0; i < count; i++)
        {
            _keys[i] = slots[i].KeyHash;
            _order[i] = i;
        }

        Array.Sort(_keys, _order, 0, count);
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && _keys[end] == _keys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(_order, start, end - start);
            }

            start = end;
        }

        return count;
    }
}
