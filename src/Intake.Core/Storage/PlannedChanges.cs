namespace Intake.Core.Storage;

/// <summary>How a plan's record would change the dataset.</summary>
public enum ChangeKind
{
    /// <summary>A key the dataset does not hold.</summary>
    Insert,

    /// <summary>A key held with at least one different field (value, attributes, name, media URL or record type).</summary>
    Update,

    /// <summary>A key held with every field identical: applying rewrites it unchanged (it then belongs to the new import).</summary>
    Unchanged,

    /// <summary>A stored record of the type that a <c>replace</c> load would delete.</summary>
    Delete,
}

/// <summary>One sample change of a plan: the record before (null for an insert) and after (null for a delete).</summary>
public sealed record PlannedChange(ChangeKind Kind, StoredRecord? Before, StoredRecord? After);

/// <summary>
/// What a plan's merge found: how many of the load's accepted records would insert, update or leave a key
/// unchanged, how many stored records a <c>replace</c> load would delete, and the first few of each kind.
/// Records repeating a key earlier in the file are compared with that earlier record, as applying writes them
/// in line order; so inserts, updates and unchanged add up to the records an apply writes.
/// </summary>
public sealed record PlannedChanges(long Inserts, long Updates, long Unchanged, long Deletes, IReadOnlyList<PlannedChange> Samples);

/// <summary>
/// Counts a plan's changes and keeps the first <see cref="SamplesPerKind"/> of each kind. A sink asks
/// <see cref="WantsSample"/> before it builds a sample's records, so counting the rest costs nothing more.
/// One caller at a time.
/// </summary>
public sealed class PlannedChangesBuilder
{
    /// <summary>How many samples a plan shows per kind of change.</summary>
    public const int SamplesPerKind = 5;

    private readonly long[] _counts = new long[4];
    private readonly int[] _sampled = new int[4];
    private readonly List<PlannedChange> _samples = [];

    public bool WantsSample(ChangeKind kind) => _sampled[(int)kind] < SamplesPerKind;

    public void Count(ChangeKind kind, long count = 1) => _counts[(int)kind] += count;

    /// <summary>Counts one change and keeps it as a sample if fewer than <see cref="SamplesPerKind"/> of its kind are kept.</summary>
    public void Add(PlannedChange change)
    {
        Count(change.Kind);
        Sample(change);
    }

    /// <summary>Keeps a sample of a change counted already (deletions are counted by one query).</summary>
    public void Sample(PlannedChange change)
    {
        if (WantsSample(change.Kind))
        {
            _sampled[(int)change.Kind]++;
            _samples.Add(change);
        }
    }

    public PlannedChanges Build() => new(
        _counts[(int)ChangeKind.Insert], _counts[(int)ChangeKind.Update], _counts[(int)ChangeKind.Unchanged], _counts[(int)ChangeKind.Delete],
        _samples.OrderBy(s => s.Kind).ToList());
}
