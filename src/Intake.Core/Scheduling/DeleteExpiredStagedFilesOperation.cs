using Intake.Core.Storage;
using Microsoft.Extensions.Options;

namespace Intake.Core.Scheduling;

/// <summary>Deletes the staged files of imports that finished more than <see cref="RetentionOptions.StagedFileDays"/> ago.</summary>
public sealed class DeleteExpiredStagedFilesOperation(IJobStore jobs, IPayloadStore payloads, IOptions<RetentionOptions> options) : IMaintenanceOperation
{
    private const int BatchSize = 500;

    public string Description => $"delete staged files of imports finished more than {options.Value.StagedFileDays} days ago";

    public async Task<int> RunAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now.AddDays(-options.Value.StagedFileDays);
        var deleted = 0;
        IReadOnlyList<string> released;
        do
        {
            // The store forgets a file before it is deleted: a crash in between leaves an orphaned file, never an
            // import that points at a missing one.
            released = await jobs.ReleaseStagedPayloadsAsync(cutoff, BatchSize, cancellationToken);
            foreach (var payload in released)
            {
                await payloads.DeleteAsync(payload, cancellationToken);
                deleted++;
            }
        }
        while (released.Count == BatchSize);

        return deleted;
    }
}
