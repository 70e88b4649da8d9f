namespace Intake.Core.Storage;

/// <summary>What renewing a job's lease found.</summary>
public enum LeaseStatus
{
    Held,

    /// <summary>The job is no longer this worker's: its lease ran out and another took it, or it finished.</summary>
    Lost,

    /// <summary>Still held, and someone asked to cancel it: the worker must stop and mark it canceled.</summary>
    CancelRequested,
}
