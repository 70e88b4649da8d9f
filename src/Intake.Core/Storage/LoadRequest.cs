using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>What a sink needs to know about the load it applies.</summary>
public sealed record LoadRequest(
    string DatasetId,
    string ImportId,
    long BatchSeq,
    RecordType RecordType,
    WriteMode Mode,
    int MaxStoredErrors);

/// <summary>The outcome counts of a load: what a merge would commit, or what a commit did.</summary>
public sealed record LoadTotals(long Read, long Written, long Rejected, long Deleted, string RecordType);

/// <summary>
/// The applied-load marker of a committed load: its totals, and the failure it was discarded for (null when
/// it was applied). A redelivered load reports this instead of loading again.
/// </summary>
public sealed record AppliedLoad(LoadTotals Totals, JobError? Failure);

/// <summary>How many entities and interactions there are.</summary>
public sealed record RecordCounts(long Entities, long Interactions)
{
    public static readonly RecordCounts Zero = new(0, 0);

    public long Total => Entities + Interactions;
}

/// <summary>How many current records there are of each entity type and of each interaction type.</summary>
public sealed record TypeCounts(IReadOnlyDictionary<string, long> Entities, IReadOnlyDictionary<string, long> Interactions);
