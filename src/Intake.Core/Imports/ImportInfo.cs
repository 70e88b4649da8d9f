using Intake.Core.Jobs;

namespace Intake.Core.Imports;

/// <summary>
/// An import (a batch) as stored: what was asked, where its file is staged, and its current state.
/// <see cref="Status"/> follows the import's current job: its file upload until that completes, then its
/// dataset load. <see cref="Seq"/> is the store-assigned number records use to point at the import.
/// </summary>
public sealed record ImportInfo
{
    public required string Id { get; init; }

    public required long Seq { get; init; }

    public required NewImport Request { get; init; }

    public required JobStatus Status { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? PayloadId { get; init; }

    public long? PayloadBytes { get; init; }

    /// <summary>The record type the load resolved <c>auto</c> to, once known.</summary>
    public string? ResolvedRecordType { get; init; }

    public bool Archived { get; init; }

    public JobError? Error { get; init; }

    public ImportProgress Progress { get; init; } = ImportProgress.None;

    public string? FileUploadJobId { get; init; }

    public string? DatasetLoadJobId { get; init; }

    /// <summary>When a <c>delete_batch</c> job removed the records this import had last written.</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>What its load noticed without refusing the file (<see cref="ImportWarning"/>).</summary>
    public IReadOnlyList<ImportWarning> Warnings { get; init; } = [];

    public string DatasetId => Request.DatasetId;
}
