using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>
/// Receives one load's batches and applies them atomically (Npgsql's binary-import contract): nothing is
/// visible before <see cref="CompleteAsync"/>, and disposing without completing rolls everything back.
/// Called by one consumer at a time.
/// </summary>
public interface IRecordSink : IAsyncDisposable
{
    /// <summary>Records written and rejected so far (rejections include the batch's own), for progress.</summary>
    long Written { get; }

    long Rejected { get; }

    /// <summary>
    /// Writes the batch's accepted records and stores its rejections, adding a rejection for each record
    /// the store refuses (an existing key in insert mode). The batch may be reused once this returns.
    /// </summary>
    ValueTask WriteAsync(RecordBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Commits the records, rejections, <paramref name="newAttributeTypes"/> and the applied-load marker
    /// together; in replace mode first deletes what the load did not write. Returns the totals.
    /// </summary>
    ValueTask<LoadTotals> CompleteAsync(long recordsRead, IReadOnlyList<KeyValuePair<string, AttributeType>> newAttributeTypes, CancellationToken cancellationToken);
}
