namespace Intake.Server.Compat.DataBatch;

/// <summary>
/// What the data-batch document says a batch query returns: its id, upload time, tags and the number of
/// entities and interactions in it (the current records whose last writer is the batch), plus its status:
/// the import's, or <c>deleted</c> once a delete removed its records (<see cref="DeletedAt"/>).
/// </summary>
public sealed record BatchInfoDto(
    string BatchId,
    DateTimeOffset Timestamp,
    IReadOnlyList<string> Tags,
    long NumEntities,
    long NumInteractions,
    string Status,
    bool Archived,
    IReadOnlyList<Api.Contracts.RecordErrorDto>? Errors)
{
    public DateTimeOffset? DeletedAt { get; init; }
}

/// <summary>
/// A page of batches, newest first: every batch (a plain <c>GET /data_batch</c>) or those carrying any of
/// <see cref="Tags"/>. The totals are over every batch listed, not only this page; archived batches are listed
/// but not counted. <see cref="NextCursor"/> is the <c>cursor</c> of the next page, null on the last.
/// </summary>
public sealed record BatchListDto(IReadOnlyList<string> Tags, IReadOnlyList<BatchInfoDto> Batches, long TotalEntities, long TotalInteractions,
    long TotalBatches, string? NextCursor);
