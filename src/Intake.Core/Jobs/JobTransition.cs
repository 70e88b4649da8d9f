namespace Intake.Core.Jobs;

/// <summary>One row of a job's history: the status it entered, when, why, and the node whose worker made the change (null for changes made by a request).</summary>
public sealed record JobTransition(JobStatus Status, DateTimeOffset At, string? Reason, string? Node = null);
