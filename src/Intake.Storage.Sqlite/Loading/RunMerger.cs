namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// Merges sorted runs into one stream in run-key order (timestamp for interactions, key hash, line).
/// Runs come from consecutive batches, so for equal keys the earlier line comes first, as in the file.
/// </summary>
internal sealed class RunMerger : IDisposable
{
    private readonly List<RunReader> _readers;
    private readonly PriorityQueue<RunReader, (long Timestamp, ulong Hash, long Line)> _queue = new();
    private readonly bool _timeFirst;

    public RunMerger(IReadOnlyList<string> runs, bool timeFirst)
    {
        _timeFirst = timeFirst;
        _readers = runs.Select(path => new RunReader(path)).ToList();
        foreach (var reader in _readers)
        {
            if (reader.MoveNext())
            {
                _queue.Enqueue(reader, KeyOf(reader.Current));
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
            _queue.Enqueue(_current, KeyOf(_current.Current));
        }

        return _queue.TryDequeue(out _current, out _);
    }

    private (long, ulong, long) KeyOf(StagedRecord record) => (_timeFirst ? record.Timestamp : 0, record.Hash, record.Line);

    public void Dispose()
    {
        foreach (var reader in _readers)
        {
            reader.Dispose();
        }
    }
}
