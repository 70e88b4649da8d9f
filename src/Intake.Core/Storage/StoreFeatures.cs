namespace Intake.Core.Storage;

/// <summary>Optional capabilities a store declares, probed by the host instead of testing the store's type.</summary>
public sealed record StoreFeatures
{
    /// <summary>Several processes may share the store (leases matter across nodes).</summary>
    public bool SharedByProcesses { get; init; }

    /// <summary>The store pushes wake-ups when jobs are queued (PostgreSQL LISTEN/NOTIFY).</summary>
    public bool NotifiesOnEnqueue { get; init; }

    /// <summary>Loads into different datasets can run at the same time.</summary>
    public bool ParallelDatasetLoads { get; init; }
}
