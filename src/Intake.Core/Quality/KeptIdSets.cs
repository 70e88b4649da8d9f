using Intake.Core.Records;

namespace Intake.Core.Quality;

/// <summary>
/// The id sets a load's report checks against (a dataset's entity ids, the ids its interactions name), kept in
/// memory between loads so that the dataset's next load need not read them from the store again: reading the
/// ids of 2M stored interactions took longer than the report's own counting. A set is kept for one state of one
/// dataset: its identity (id and creation time, so a dataset deleted and created again never matches) and its
/// data version, which every change to its records moves. A set is taken out for the length of a load (loads of a
/// dataset run one at a time; a second one that overlapped would find nothing and read the store) and put back
/// by the load at the version it leaves. The least recently used sets go first past <paramref name="maxBytes"/>.
/// Thread-safe.
/// </summary>
public sealed class KeptIdSets(long maxBytes)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string DatasetId, RecordKind Kind), Entry> _sets = [];
    private long _bytes;
    private long _uses;

    /// <summary>A dataset in one state: the sets kept for it are exact for that state only.</summary>
    public readonly record struct DatasetState(string DatasetId, DateTimeOffset CreatedAt, long Version)
    {
        /// <summary>The state an applied load leaves: every applied load adds one to the data version.</summary>
        public DatasetState Next() => this with { Version = Version + 1 };
    }

    /// <summary>Takes out the set of <paramref name="kind"/> ids kept for exactly this state; null if none is.</summary>
    public IdTally? Take(DatasetState state, RecordKind kind)
    {
        lock (_lock)
        {
            if (!_sets.Remove((state.DatasetId, kind), out var entry))
            {
                return null;
            }

            _bytes -= entry.Ids.Bytes;
            return entry.State == state ? entry.Ids : null;
        }
    }

    /// <summary>Keeps the set of <paramref name="kind"/> ids of the dataset in this state, unless it overflowed or cannot fit.</summary>
    public void Put(DatasetState state, RecordKind kind, IdTally ids)
    {
        if (ids.Overflowed || ids.Bytes > maxBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_sets.Remove((state.DatasetId, kind), out var replaced))
            {
                _bytes -= replaced.Ids.Bytes;
            }

            while (_bytes + ids.Bytes > maxBytes)
            {
                var oldest = _sets.MinBy(set => set.Value.Use);
                _sets.Remove(oldest.Key);
                _bytes -= oldest.Value.Ids.Bytes;
            }

            _sets[(state.DatasetId, kind)] = new Entry(state, ids, ++_uses);
            _bytes += ids.Bytes;
        }
    }

    private sealed record Entry(DatasetState State, IdTally Ids, long Use);
}
