namespace Intake.Core.Scheduling;

/// <summary>One periodic piece of housekeeping. Safe to run on several nodes at once, and to repeat.</summary>
public interface IMaintenanceOperation
{
    string Description { get; }

    /// <summary>Does one pass; returns how many things it removed.</summary>
    Task<int> RunAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
