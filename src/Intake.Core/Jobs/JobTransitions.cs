namespace Intake.Core.Jobs;

/// <summary>
/// The single table of legal status changes. Stores apply a transition as a compare-and-set on
/// <see cref="AllowedFrom"/>, so a lost race is a zero-row update, not an exception.
/// </summary>
public static class JobTransitions
{
    private static readonly Dictionary<JobStatus, JobStatus[]> s_allowedFrom = new()
    {
        [JobStatus.Queued] = [JobStatus.Processing],
        [JobStatus.Processing] = [JobStatus.Queued],
        [JobStatus.Completed] = [JobStatus.Processing],
        [JobStatus.CompletedWithErrors] = [JobStatus.Processing],
        [JobStatus.Failed] = [JobStatus.Queued, JobStatus.Processing],
        [JobStatus.Canceled] = [JobStatus.Queued, JobStatus.Processing],
        [JobStatus.Planned] = [JobStatus.Processing],
    };

    // Queued <- Processing is re-delivery: a job whose worker died (or shut down) goes back to the queue.
    // Planned <- Processing only: a plan's load ends there as a completed one would, having written nothing.

    /// <summary>The statuses a job may be in for a move to <paramref name="next"/> to be legal.</summary>
    public static IReadOnlyList<JobStatus> AllowedFrom(JobStatus next) => s_allowedFrom[next];

    public static bool IsAllowed(JobStatus from, JobStatus to) => Array.IndexOf(s_allowedFrom[to], from) >= 0;
}
