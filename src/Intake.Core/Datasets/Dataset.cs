namespace Intake.Core.Datasets;

/// <summary>A named container of records (a table in the table-batch API).</summary>
public sealed record Dataset(string Id, string Name, string? Description, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>The dataset's quality settings (timestamp floor, thresholds); null when none are set.</summary>
    public Quality.QualityThresholds? Quality { get; init; }
}
