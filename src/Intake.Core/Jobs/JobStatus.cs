namespace Intake.Core.Jobs;

/// <summary>
/// The life cycle of every job and import (DESIGN.md 2.6). Final states never change again. <see cref="Planned"/>
/// ends a plan (an import with <c>plan</c> set), which writes nothing: its load ran through the whole file and
/// reported what it would change; applying it is a new import.
/// </summary>
public enum JobStatus
{
    Queued,
    Processing,
    Completed,
    CompletedWithErrors,
    Failed,
    Canceled,
    Planned,
}

public static class JobStatusNames
{
    public static string ToWire(this JobStatus status) => status switch
    {
        JobStatus.Queued => "queued",
        JobStatus.Processing => "processing",
        JobStatus.Completed => "completed",
        JobStatus.CompletedWithErrors => "completed_with_errors",
        JobStatus.Failed => "failed",
        JobStatus.Canceled => "canceled",
        JobStatus.Planned => "planned",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static bool TryParse(string? value, out JobStatus status)
    {
        foreach (var candidate in Enum.GetValues<JobStatus>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    public static bool IsFinal(this JobStatus status) => status is not (JobStatus.Queued or JobStatus.Processing);
}
