using Intake.Core.Jobs;
using Intake.Core.Storage;

namespace Intake.Core.Imports;

/// <summary>How a load ended: its final status, the error of a failed load, and the counts.</summary>
public sealed record LoadOutcome(JobStatus Status, JobError? Error, LoadTotals Totals)
{
    /// <summary>Time spent reading the file and handing its batches to the store.</summary>
    public TimeSpan Reading { get; init; }

    /// <summary>Time the store took to apply and commit what it was handed.</summary>
    public TimeSpan Committing { get; init; }

    /// <summary>A committed load is completed, completed with errors, or failed when every record was rejected.</summary>
    public static LoadOutcome FromTotals(LoadTotals totals)
    {
        if (totals.Written == 0 && totals.Rejected > 0)
        {
            return new(JobStatus.Failed,
                new JobError(ErrorCodes.AllRecordsRejected, $"All {totals.Rejected:N0} records were rejected; see the import's errors."),
                totals);
        }

        return new(totals.Rejected > 0 ? JobStatus.CompletedWithErrors : JobStatus.Completed, null, totals);
    }
}
