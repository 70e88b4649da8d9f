using Intake.Core.Jobs;
using Intake.Core.Storage;
using Microsoft.Extensions.Options;

namespace Intake.Core.Imports;

/// <summary>
/// Decides whether a new import may be accepted now (<see cref="BackPressureOptions"/>). The caps are checked
/// against the store's queue when the request arrives, so requests racing each other may overshoot a cap by their
/// number; the free-space floor is checked on the data directory's file system. Thread-safe.
/// </summary>
public sealed class ImportAdmission(IJobStore jobs, IOptions<BackPressureOptions> options, IOptions<StorageOptions> storage)
{
    /// <summary>Throws <c>queue_full</c> or <c>insufficient_storage</c> when the import must be refused.</summary>
    public async Task CheckAsync(string datasetId, long? declaredBytes, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        CheckFreeSpace(declaredBytes ?? 0);
        if (limits.MaxQueuedImports == 0 && limits.MaxQueuedImportsPerDataset == 0)
        {
            return;
        }

        var (dataset, total) = await jobs.CountQueuedImportsAsync(datasetId, cancellationToken);
        var retryAfter = TimeSpan.FromSeconds(limits.RetryAfterSeconds);
        if (limits.MaxQueuedImportsPerDataset > 0 && dataset >= limits.MaxQueuedImportsPerDataset)
        {
            throw new IntakeException(ErrorCodes.QueueFull,
                $"Dataset '{datasetId}' already has {dataset} imports waiting (BackPressure:MaxQueuedImportsPerDataset is {limits.MaxQueuedImportsPerDataset}); retry later.")
            { RetryAfter = retryAfter };
        }

        if (limits.MaxQueuedImports > 0 && total >= limits.MaxQueuedImports)
        {
            throw new IntakeException(ErrorCodes.QueueFull,
                $"{total} imports are waiting (BackPressure:MaxQueuedImports is {limits.MaxQueuedImports}); retry later.")
            { RetryAfter = retryAfter };
        }
    }

    private void CheckFreeSpace(long declaredBytes)
    {
        var floor = options.Value.MinFreeDiskBytes;
        if (floor == 0)
        {
            return;
        }

        var directory = Path.GetFullPath(storage.Value.DataDirectory);
        Directory.CreateDirectory(directory);
        var free = new DriveInfo(directory).AvailableFreeSpace;
        if (free - declaredBytes < floor)
        {
            throw new IntakeException(ErrorCodes.InsufficientStorage,
                $"The data directory has {free:N0} bytes free; staging this upload would leave less than BackPressure:MinFreeDiskBytes ({floor:N0}). " +
                "Free disk space or retry once queued imports have loaded.");
        }
    }
}
