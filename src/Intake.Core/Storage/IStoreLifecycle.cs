namespace Intake.Core.Storage;

/// <summary>Start-up and health of the store, so the host never branches on the provider.</summary>
public interface IStoreLifecycle
{
    StoreFeatures Features { get; }

    /// <summary>
    /// Applies migrations (under a lock) and recovers what a dead process left: jobs it was running go back
    /// to the queue, uploads it was receiving fail. Called once before workers start.
    /// </summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>True when the store is reachable and its schema is current.</summary>
    Task<bool> IsReadyAsync(CancellationToken cancellationToken);
}
