using Intake.Core.Jobs;
using Intake.Core.Storage;

namespace Intake.Core.Imports;

/// <summary>How a load ended: its final status, the error of a failed load, and the counts.</summary>
public sealed record LoadOutcome(JobStatus Status, JobError? Error, LoadTotals Totals)
{
    /// <summary>Time spent reading the file and handing its batches to the store.</summary>
    public TimeSpan Reading { get; init; }

    /// <summary>Time the store took to merge, decide and commit what it was handed.</summary>
    public TimeSpan Committing { get; init; }

    /// <summary>Time spent on the load's quality report: reading the other kind's ids, counting the records, building it.</summary>
    public TimeSpan Quality { get; init; }

    /// <summary>What the load kept with its marker: the data version it saw, a plan's changes, its quality report.</summary>
    public LoadReport? Report { get; init; }

    /// <summary>What the load noticed without refusing the file, for its import.</summary>
    public IReadOnlyList<ImportWarning> Warnings { get; init; } = [];

    /// <summary>The kind of records the file held; null for a redo that found the load committed already.</summary>
    public Records.RecordKind? Kind { get; init; }

    /// <summary>
    /// The decision taken on what a merge would commit: the reason to discard the load, or null to apply it.
    /// An exceeded error budget comes first (the caller asked for it), then a file whose every record was rejected.
    /// </summary>
    public static JobError? Judge(LoadTotals merged, ErrorBudget budget) =>
        budget.Check(merged.Rejected, merged.Read)
        ?? (merged.Written == 0 && merged.Rejected > 0
            ? new JobError(ErrorCodes.AllRecordsRejected, $"All {merged.Rejected:N0} records were rejected; nothing was written. See the import's errors.")
            : null);

    /// <summary>
    /// A replace whose file holds no records (a header alone, <c>[]</c>) would delete every stored record of its type. It
    /// is refused instead: an empty catalog is far likelier a broken export than a wish to empty one (docs/decisions.md).
    /// </summary>
    public static JobError? JudgeReplace(WriteMode mode, LoadTotals merged, string datasetId) =>
        mode == WriteMode.Replace && merged.Read == 0
            ? new JobError(ErrorCodes.EmptyFile,
                $"The file holds no records, so a replace with it would delete every {merged.RecordType} record of dataset {datasetId}; nothing was " +
                $"deleted. To remove them all, clear the dataset (POST /v1/datasets/{datasetId}/clear) or delete the imports that wrote them.")
            : null;

    /// <summary>
    /// The outcome of a committed load: failed with the reason it was discarded for, otherwise completed, or
    /// completed with errors. A marker without a reason and with nothing written but rejections (written before
    /// failed loads kept their reason) is a file whose every record was rejected.
    /// </summary>
    public static LoadOutcome From(LoadTotals committed, JobError? failure, bool plan = false)
    {
        if (plan)
        {
            // A plan's commit wrote nothing, so its totals cannot tell "every record rejected"; the loader judged that.
            return failure is not null ? new(JobStatus.Failed, failure, committed) : new(JobStatus.Planned, null, committed);
        }

        failure ??= committed.Written == 0 && committed.Rejected > 0 ? Judge(committed, ErrorBudget.None) : null;
        return failure is not null
            ? new(JobStatus.Failed, failure, committed)
            : new(committed.Rejected > 0 ? JobStatus.CompletedWithErrors : JobStatus.Completed, null, committed);
    }
}
