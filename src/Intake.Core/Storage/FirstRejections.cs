using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>
/// Counts the rejections a load's merge finds (insert-mode conflicts, found in key order) and keeps only the
/// <paramref name="capacity"/> with the lowest lines, the only ones an import can store (<see cref="LoadRequest.MaxStoredErrors"/>),
/// as far as their text fits <see cref="StoredRejections.MaxChars"/>. Keeping them all held every conflict of the file:
/// an insert-mode load of 2 million stored events took 1.5 GB.
/// </summary>
public sealed class FirstRejections(int capacity)
{
    // A max-heap on the line: the root is the kept rejection with the highest line, the first to give way.
    private readonly PriorityQueue<RecordRejection, long> _kept = new(Comparer<long>.Create((a, b) => b.CompareTo(a)));
    private long _chars;

    /// <summary>Every rejection added, kept or not.</summary>
    public long Count { get; private set; }

    public void Add(RecordRejection rejection)
    {
        Count++;
        if (capacity <= 0 || (_kept.Count >= capacity && _kept.TryPeek(out _, out var highest) && rejection.Line > highest))
        {
            return;
        }

        _kept.Enqueue(rejection, rejection.Line);
        _chars += rejection.TextLength;
        while (_kept.Count > capacity || (_chars > StoredRejections.MaxChars && _kept.Count > 0))
        {
            _chars -= _kept.Dequeue().TextLength;
        }
    }

    /// <summary>The kept rejections by line.</summary>
    public List<RecordRejection> InLineOrder()
    {
        var kept = _kept.UnorderedItems.Select(item => item.Element).ToList();
        kept.Sort((a, b) => a.Line.CompareTo(b.Line));
        return kept;
    }
}
