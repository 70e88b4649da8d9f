using Intake.Core.Jobs;

namespace Intake.Core.Storage;

/// <summary>The job queue at one moment, across every node sharing the store.</summary>
public sealed record QueueStats(IReadOnlyDictionary<JobKind, long> Queued, IReadOnlyDictionary<JobKind, long> Running, DateTimeOffset? OldestQueuedAt)
{
    public static readonly QueueStats Empty = new(new Dictionary<JobKind, long>(), new Dictionary<JobKind, long>(), null);

    /// <summary>Imports waiting: staged files waiting to load and URL fetches waiting to run.</summary>
    public long QueuedImports => Queued.GetValueOrDefault(JobKind.DatasetLoad) + Queued.GetValueOrDefault(JobKind.FileUpload);
}
