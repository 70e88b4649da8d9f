using Intake.Core.Storage;

namespace Intake.Storage.Postgres;

/// <summary>
/// PostgreSQL start-up: migrations under a lock, then recovery of jobs whose lease ran out. Other nodes may
/// be running, so only expired leases are recovered, never every processing job as the embedded store does.
/// </summary>
public sealed class PostgresStoreLifecycle(PostgresJobStore jobs, TimeProvider time) : IStoreLifecycle
{
    public StoreFeatures Features { get; } = new() { SharedByProcesses = true, NotifiesOnEnqueue = true, ParallelDatasetLoads = true };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await jobs.MigrateAsync(cancellationToken);
        await jobs.RecoverExpiredAsync(time.GetUtcNow(), cancellationToken);
    }

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken) => await jobs.IsReadyAsync(cancellationToken);
}
