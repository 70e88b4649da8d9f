using Intake.Core.Datasets;
using Intake.Core.Imports;
using Intake.Core.Quality;
using Intake.Core.Storage;

namespace Intake.Server.Api.Contracts;

/// <summary>A dataset; <see cref="LastImport"/> is its most recently accepted import (without errors), null before the first.</summary>
public sealed record DatasetDto(string Id, string Name, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, CountsDto? Counts,
    ImportDto? LastImport = null, QualityThresholds? Quality = null)
{
    public static DatasetDto From(Dataset dataset, RecordCounts? counts = null, ImportInfo? lastImport = null) =>
        new(dataset.Id, dataset.Name, dataset.Description, dataset.CreatedAt, dataset.UpdatedAt, counts is null ? null : CountsDto.From(counts),
            lastImport is null ? null : ImportDto.From(lastImport), dataset.Quality);
}

public sealed record CountsDto(long Entities, long Interactions, long Total)
{
    public static CountsDto From(RecordCounts counts) => new(counts.Entities, counts.Interactions, counts.Total);
}

/// <summary>Current records per entity type and per interaction type.</summary>
public sealed record TypeCountsDto(IReadOnlyDictionary<string, long> Entities, IReadOnlyDictionary<string, long> Interactions);

public sealed record CreateDatasetRequest(string? Id, string? Name, string? Description);

/// <param name="Quality">The dataset's quality settings (<see cref="QualityThresholds"/>), replacing the old ones; <c>{}</c> clears them.</param>
public sealed record UpdateDatasetRequest(string? Name, string? Description, System.Text.Json.JsonElement? Quality = null);

public sealed record PageDto<T>(IReadOnlyList<T> Items, string? NextCursor);
