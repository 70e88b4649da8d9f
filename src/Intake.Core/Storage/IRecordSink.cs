using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>
/// Receives one load's batches and applies them atomically (Npgsql's binary-import contract): nothing is
/// visible before <see cref="CommitAsync"/>, and disposing without committing rolls everything back.
/// Called by one consumer at a time, in this order: <see cref="WriteAsync"/> for each batch, at most one
/// <see cref="MergeAsync"/>, then one <see cref="CommitAsync"/>.
/// </summary>
/// <remarks>
/// The split between merge and commit is what lets the caller decide "apply or discard" once every fact is
/// known, inside the load's transaction: the merge counts what the load would write (and finds the keys the
/// store refuses) without making anything visible, and the commit either applies that or undoes it while
/// still keeping the load's rejections and its applied-load marker.
/// </remarks>
public interface IRecordSink : IAsyncDisposable
{
    /// <summary>Records written and rejected so far (rejections include the batch's own), for progress.</summary>
    long Written { get; }

    long Rejected { get; }

    /// <summary>
    /// The dataset's data version when the sink opened (under the load's lock, so nothing changed it since):
    /// every applied load, clear, batch delete and attribute type declaration adds one. A plan keeps it, so
    /// its apply can tell whether the dataset changed in between.
    /// </summary>
    long DatasetVersion { get; }

    /// <summary>
    /// Accepted records whose key repeats an earlier record of the load (duplicates within the file), once the merge
    /// has run; a repeat is found by its key hash, so two keys sharing a 64-bit hash would count as one.
    /// </summary>
    long Repeated { get; }

    /// <summary>A plan's classified changes, once its merge has run; null for a load that is not a plan.</summary>
    PlannedChanges? Planned { get; }

    /// <summary>
    /// Stages the batch's accepted records, keeps its rejections and counts the records it read. The batch may
    /// be reused once this returns.
    /// </summary>
    ValueTask WriteAsync(RecordBatch batch, CancellationToken cancellationToken);

    /// <summary>
    /// Merges the staged records into the dataset inside the load's transaction, invisible to every other
    /// reader. Adds a rejection for each record the store refuses (an existing key in insert mode; no other mode
    /// refuses records here). Returns what the load would commit: records read, written and rejected.
    /// Replace-mode deletions are not counted here; they run at the commit of an applied load.
    /// </summary>
    /// <param name="revocable">
    /// Whether the load may still be discarded after its merge wrote records (the merge's own rejections can
    /// exceed an error budget; a plan). A merge that is not revocable may be discarded only if it wrote nothing;
    /// a store may make every merge revocable, but keeping the undo can cost it (SQLite: a savepoint).
    /// </param>
    ValueTask<LoadTotals> MergeAsync(bool revocable, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the load with one commit. <see cref="LoadDecision.Apply"/> commits the merged records, the
    /// replace-mode deletions, the attribute type changes (a widened attribute's stored text values, in
    /// every record of the dataset, become lists by the <see cref="CsvList"/> rule), the counts, the rejections and the applied-load marker
    /// together (a merge must have run). <see cref="LoadDecision.Discard"/> undoes everything the load wrote to
    /// the dataset and commits only its rejections and the marker carrying the failure; it throws
    /// <see cref="InvalidOperationException"/> after a merge that was not revocable and wrote records.
    /// Returns the committed totals: a discarded load wrote and deleted nothing. Canceling before the commit
    /// point rolls everything back, rejections included.
    /// </summary>
    ValueTask<LoadTotals> CommitAsync(LoadDecision decision, CancellationToken cancellationToken);
}
