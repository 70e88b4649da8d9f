using Intake.Core.Storage;

namespace Intake.Storage.Sqlite;

/// <summary>
/// SQLite start-up: one process owns the data directory (its lock file), so every job still marked
/// processing belongs to a process that died and is recovered at once, whatever its lease says; so are webhook
/// deliveries it was sending.
/// </summary>
public sealed class SqliteStoreLifecycle(SqliteJobStore jobs) : IStoreLifecycle
{
    public StoreFeatures Features { get; } = new() { ParallelDatasetLoads = true };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await jobs.MigrateAsync(cancellationToken);
        await jobs.RecoverExpiredAsync(DateTimeOffset.MaxValue, cancellationToken);
        await jobs.ReleaseClaimsAsync(cancellationToken);
    }

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken) => await jobs.IsReadyAsync(cancellationToken);
}
