namespace Intake.Core.Jobs;

/// <summary>The stats table of a job: records (or bytes, for uploads) received, loaded and rejected.</summary>
public sealed record JobStats(long Received, long Loaded, long Rejected)
{
    public static readonly JobStats Empty = new(0, 0, 0);
}
