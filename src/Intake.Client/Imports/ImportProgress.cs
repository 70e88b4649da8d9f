namespace Intake.Client;

/// <summary>
/// One snapshot of an import being followed (<see cref="ImportOperation.WatchAsync"/>): the import as the server
/// last described it, and the rate and time left the server computed (null when it gave none, as when polling).
/// </summary>
public sealed record ImportProgress(Import Import, double? RecordsPerSecond, double? BytesPerSecond, TimeSpan? EstimatedRemaining)
{
    /// <summary>The import's status in this snapshot.</summary>
    public ImportStatus Status => Import.Status;

    /// <summary>The counts in this snapshot.</summary>
    public LoadProgress Counts => Import.Progress;
}

/// <summary>What <see cref="ImportOperation.WaitForCompletionAsync"/> returns: an import that ended <c>completed</c> or <c>completed_with_errors</c>.</summary>
public sealed record ImportResult(Import Import)
{
    /// <summary>Whether some records were rejected (status <c>completed_with_errors</c>).</summary>
    public bool HasRejections => Import.Status == ImportStatus.CompletedWithErrors;

    /// <summary>Records read from the file.</summary>
    public long RecordsRead => Import.Progress.RecordsRead;

    /// <summary>Records written.</summary>
    public long RecordsWritten => Import.Progress.RecordsWritten;

    /// <summary>Records rejected.</summary>
    public long RecordsRejected => Import.Progress.RecordsRejected;

    /// <summary>Stored records a <c>replace</c> load deleted, once it is final.</summary>
    public long RecordsDeleted => Import.Progress.RecordsDeleted;
}
