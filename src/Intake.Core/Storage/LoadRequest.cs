using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>
/// What a sink needs to know about the load it applies. <paramref name="Plan"/>: the load is a plan, whose merge
/// also classifies every record (<see cref="IRecordSink.Planned"/>) and which is then discarded.
/// </summary>
public sealed record LoadRequest(
    string DatasetId,
    string ImportId,
    long BatchSeq,
    RecordType RecordType,
    WriteMode Mode,
    int MaxStoredErrors,
    bool Plan = false);

/// <summary>The outcome counts of a load: what a merge would commit, or what a commit did.</summary>
public sealed record LoadTotals(long Read, long Written, long Rejected, long Deleted, string RecordType);

/// <summary>
/// The applied-load marker of a committed load: its totals, and the failure it was discarded for (null when
/// it was applied, or was a plan). A redelivered load reports this instead of loading again.
/// <paramref name="Report"/> is what the loader asked to keep with it (a JSON document the store does not read).
/// </summary>
public sealed record AppliedLoad(LoadTotals Totals, JobError? Failure, string? Report = null);

/// <summary>How many entities and interactions there are.</summary>
public sealed record RecordCounts(long Entities, long Interactions)
{
    public static readonly RecordCounts Zero = new(0, 0);

    public long Total => Entities + Interactions;
}

/// <summary>How many current records there are of each entity type and of each interaction type.</summary>
public sealed record TypeCounts(IReadOnlyDictionary<string, long> Entities, IReadOnlyDictionary<string, long> Interactions);
