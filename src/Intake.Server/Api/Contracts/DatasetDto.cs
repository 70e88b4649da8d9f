using Intake.Core.Datasets;
using Intake.Core.Storage;

namespace Intake.Server.Api.Contracts;

public sealed record DatasetDto(string Id, string Name, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, CountsDto? Counts)
{
    public static DatasetDto From(Dataset dataset, RecordCounts? counts = null) =>
        new(dataset.Id, dataset.Name, dataset.Description, dataset.CreatedAt, dataset.UpdatedAt, counts is null ? null : CountsDto.From(counts));
}

public sealed record CountsDto(long Entities, long Interactions, long Total)
{
    public static CountsDto From(RecordCounts counts) => new(counts.Entities, counts.Interactions, counts.Total);
}

public sealed record CreateDatasetRequest(string? Id, string Name, string? Description);

public sealed record UpdateDatasetRequest(string? Name, string? Description);

public sealed record PageDto<T>(IReadOnlyList<T> Items, string? NextCursor);
