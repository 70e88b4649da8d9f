using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Quality;

namespace Intake.Server.Api.Contracts;

/// <summary>A dataset's figures, computed on demand from its current visible records.</summary>
public sealed record DatasetQualityDto(string DatasetId, DateTimeOffset ComputedAt, QualityReport Report);

/// <summary>
/// A load's figures as its load kept them (null while it runs, and for a failed or canceled load), the warnings
/// its dataset's thresholds raised, and the previous applied load's figures of the same kind to compare with.
/// </summary>
public sealed record ImportQualityDto(string ImportId, string DatasetId, string Status, QualityReport? Report, IReadOnlyList<ImportWarningDto> Warnings,
    PreviousQualityDto? Previous)
{
    public static ImportQualityDto From(QualityService.ImportQuality quality) => new(
        quality.Import.Id, quality.Import.DatasetId, quality.Import.Status.ToWire(), quality.Report, quality.Warnings.Select(w => new ImportWarningDto(w.Code, w.Message)).ToList(),
        quality.PreviousImportId is { } previous ? new PreviousQualityDto(previous, quality.Previous) : null);
}

public sealed record PreviousQualityDto(string ImportId, QualityReport? Report);
