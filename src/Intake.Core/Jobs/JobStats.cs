namespace Intake.Core.Jobs;

/// <summary>
/// The stats table of a job, kept as counters whose meaning follows the job's kind: a
/// <c>dataset_load</c> counts records received, loaded and rejected; a <c>file_upload</c> keeps the bytes
/// received in <see cref="Received"/>; a <c>clear_data</c>, <c>delete_batch</c> or <c>delete_dataset</c>
/// keeps the records removed in <see cref="Received"/>. A <c>dataset_load</c> also counts the stored records a
/// <c>replace</c> deleted in <see cref="Deleted"/>. The API shows only the figures of the kind.
/// </summary>
public sealed record JobStats(long Received, long Loaded, long Rejected, long Deleted = 0)
{
    public static readonly JobStats Empty = new(0, 0, 0);

    /// <summary>The stats of a <c>file_upload</c>.</summary>
    public static JobStats Upload(long bytesReceived) => new(bytesReceived, 0, 0);

    /// <summary>The stats of a job that removes records.</summary>
    public static JobStats Removal(long recordsRemoved) => new(recordsRemoved, 0, 0);

    /// <summary>Bytes received, for a <c>file_upload</c>.</summary>
    public long BytesReceived => Received;

    /// <summary>Records removed, for a clear or a delete.</summary>
    public long Removed => Received;
}
