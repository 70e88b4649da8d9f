namespace Intake.Core.Jobs;

/// <summary>Why a job failed or was canceled: a stable code from <see cref="ErrorCodes"/> and a human message.</summary>
public sealed record JobError(string Code, string Message);
