namespace Intake.Core.Jobs;

/// <summary>One row of a job's history: the status it entered, when, and why.</summary>
public sealed record JobTransition(JobStatus Status, DateTimeOffset At, string? Reason);
