using Intake.Core.Storage;
using Microsoft.Extensions.Options;

namespace Intake.Core.Scheduling;

/// <summary>
/// Deletes jobs (and their history) finished more than <see cref="RetentionOptions.JobDays"/> ago, and the stored
/// rejections of the loads among them. Imports themselves stay: current records point at them.
/// </summary>
public sealed class DeleteExpiredJobsOperation(IJobStore jobs, IRecordStore records, IOptions<RetentionOptions> options) : IMaintenanceOperation
{
    private const int BatchSize = 1000;

    public string Description => $"delete jobs finished more than {options.Value.JobDays} days ago, with their errors";

    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now.AddDays(-options.Value.JobDays);
        var purged = 0;
        IReadOnlyList<PurgedImport> imports;
        do
        {
            imports = await jobs.PurgeFinishedJobsAsync(cutoff, BatchSize, cancellationToken);
            foreach (var dataset in imports.GroupBy(i => i.DatasetId))
            {
                await records.DeleteErrorsAsync(dataset.Key, dataset.Select(i => i.ImportId).ToList(), cancellationToken);
            }

            purged += imports.Count;
        }
        while (imports.Count > 0 && imports.Count == BatchSize);

        return purged;
    }
}
