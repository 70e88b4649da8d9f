namespace Intake.Server.Compat.DataBatch;

/// <summary>
/// What the data-batch document says a batch query returns: its id, upload time, tags and the number of
/// entities and interactions in it (the current records whose last writer is the batch), plus its status.
/// </summary>
public sealed record BatchInfoDto(
    string BatchId,
    DateTimeOffset Timestamp,
    IReadOnlyList<string> Tags,
    long NumEntities,
    long NumInteractions,
    string Status,
    bool Archived,
    IReadOnlyList<Api.Contracts.RecordErrorDto>? Errors);

/// <summary>A tag query: every batch carrying any of the tags, and their totals.</summary>
public sealed record BatchListDto(IReadOnlyList<string> Tags, IReadOnlyList<BatchInfoDto> Batches, long TotalEntities, long TotalInteractions);
