namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// Merges sorted runs into one stream in (key hash, line) order. Runs come from consecutive batches, so for
/// equal keys the earlier run holds the earlier line and the order is the file's.
/// </summary>
internal sealed class RunMerger : IDisposable
{
    private readonly List<RunReader> _readers;
    private readonly PriorityQueue<RunReader, (ulong Hash, long Line)> _queue = new();

    public RunMerger(IReadOnlyList<string> runs)
    {
        _readers = runs.Select(path => new RunReader(path)).ToList();
        foreach (var reader in _readers)
        {
            if (reader.MoveNext())
            {
                _queue.Enqueue(reader, (reader.Current.Hash, reader.Current.Line));
            }
        }
    }

    private RunReader? _current;

    /// <summary>The record last returned by <see cref="MoveNext"/>, valid until the next call.</summary>
    public StagedRecord Current => _current!.Current;

    public bool MoveNext()
    {
        if (_current is not null && _current.MoveNext())
        {
            _queue.Enqueue(_current, (_current.Current.Hash, _current.Current.Line));
        }

        return _queue.TryDequeue(out _current, out _);
    }

    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }
}
