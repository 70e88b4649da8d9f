using System.Text.Json;
using System.Text.Json.Serialization;

namespace Intake.Client;

/// <summary>
/// Data-quality figures of a load's records or of a dataset's (docs/api.md, "Data quality"). Shares are fractions
/// from 0 to 1; <c>distinct_*</c> figures are estimates; a figure the server could not compute exactly is null.
/// </summary>
public sealed record QualityReport
{
    /// <summary><c>entity</c> or <c>interaction</c> for a load; null for a dataset.</summary>
    public string? Kind { get; init; }

    /// <summary>Records counted.</summary>
    public long Records { get; init; }

    /// <summary>A load's records repeating an earlier record's key; null for a dataset.</summary>
    public long? Duplicates { get; init; }

    /// <summary><see cref="Duplicates"/> as a share of <see cref="Records"/>.</summary>
    public double? DuplicateShare { get; init; }

    /// <summary>The interactions' figures; null when there were none.</summary>
    public QualityInteractions? Interactions { get; init; }

    /// <summary>The entities' figures; null when there were none.</summary>
    public QualityEntities? Entities { get; init; }

    /// <summary>Per attribute and kind: type, fill rate, distinct values.</summary>
    public IReadOnlyList<QualityAttribute> Attributes { get; init; } = [];

    /// <summary>Fields this version of the client does not model.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Interactions: orphans (source or target matching no entity), per type, activity of sources and targets, times.</summary>
public sealed record QualityInteractions(long Count, long? Orphans, double? OrphanShare, IReadOnlyList<QualityInteractionType> ByType,
    QualityActivity? Sources, QualityActivity? Targets, QualityTimestamps Timestamps);

/// <summary>One interaction type: events, orphans (either end, and each end), distinct sources and targets (estimates).</summary>
public sealed record QualityInteractionType(string Type, long Count, long? Orphans, double? OrphanShare, long? OrphanSources, long? OrphanTargets,
    long DistinctSources, long DistinctTargets);

/// <summary>Distinct ids with at least 1, 2 and 5 of the records.</summary>
public sealed record QualityActivity(long OneOrMore, long TwoOrMore, long FiveOrMore);

/// <summary>The time range, events in the future, and events before the dataset's floor (when one is set).</summary>
public sealed record QualityTimestamps(DateTimeOffset? Min, DateTimeOffset? Max, long Future, long? BeforeFloor, DateTimeOffset? Floor);

/// <summary>Entities: those no interaction names (cold), and per type.</summary>
public sealed record QualityEntities(long Count, long? Cold, double? ColdShare, IReadOnlyList<QualityEntityType> ByType);

/// <summary>One entity type: entities, distinct ids (estimate), cold ones.</summary>
public sealed record QualityEntityType(string Type, long Count, long DistinctIds, long? Cold);

/// <summary>One attribute: its kind and type, how many records have it, its fill rate and distinct values.</summary>
public sealed record QualityAttribute(string Name, string Kind, string? Type, long Present, double FillRate, long DistinctValues);

/// <summary>A finished load's figures (null while it runs, or if it failed), its warnings, and the previous load's figures.</summary>
public sealed record ImportQuality(string ImportId, string DatasetId, ImportStatus Status, QualityReport? Report, IReadOnlyList<ImportWarning> Warnings,
    PreviousQuality? Previous);

/// <summary>The previous applied load of the same kind, and its figures.</summary>
public sealed record PreviousQuality(string ImportId, QualityReport? Report);

/// <summary>Something a load noticed without failing: <c>quality_threshold_crossed</c>, <c>dataset_changed_since_plan</c>.</summary>
public sealed record ImportWarning(string Code, string Message);

/// <summary>A dataset's figures, computed when asked.</summary>
public sealed record DatasetQuality(string DatasetId, DateTimeOffset ComputedAt, QualityReport Report);
