namespace Intake.Core.Quality;

/// <summary>
/// The data-quality figures of a set of records: one load's accepted records (its report, kept with the load),
/// or a whole dataset's current records (computed on demand). Shares are fractions from 0 to 1; distinct counts
/// per type and per attribute are HyperLogLog estimates (±1.6%); every other figure is exact. A figure that
/// could not be computed (an id table over its capacity) is null.
/// </summary>
public sealed record QualityReport
{
    /// <summary>"entity" or "interaction" for a load's report (a load reads one kind); null for a dataset's.</summary>
    public string? Kind { get; init; }

    /// <summary>Accepted records counted (entities plus interactions).</summary>
    public long Records { get; init; }

    /// <summary>
    /// A load's records whose key repeats an earlier record of the same load (the later one wins in upsert and
    /// replace, is refused in insert); null for a dataset, whose keys are unique.
    /// </summary>
    public long? Duplicates { get; init; }

    public double? DuplicateShare { get; init; }

    public InteractionFigures? Interactions { get; init; }

    public EntityFigures? Entities { get; init; }

    public IReadOnlyList<AttributeFigures> Attributes { get; init; } = [];
}

/// <summary>
/// Interactions: orphans (source or target matching no entity of the dataset; null when the dataset holds more
/// entity ids than are tracked), per type, activity of sources (users) and targets (items), and times.
/// </summary>
public sealed record InteractionFigures(
    long Count,
    long? Orphans,
    double? OrphanShare,
    IReadOnlyList<InteractionTypeFigures> ByType,
    ActivityFigures? Sources,
    ActivityFigures? Targets,
    TimeFigures Timestamps);

/// <summary>One interaction type: events, orphans (either end, and each end alone), distinct sources and targets (estimates).</summary>
public sealed record InteractionTypeFigures(
    string Type,
    long Count,
    long? Orphans,
    double? OrphanShare,
    long? OrphanSources,
    long? OrphanTargets,
    long DistinctSources,
    long DistinctTargets);

/// <summary>Distinct ids (users as sources, items as targets) with at least 1, 2 and 5 interactions.</summary>
public sealed record ActivityFigures(long OneOrMore, long TwoOrMore, long FiveOrMore);

/// <summary>Event times: the range, events after the load's start ("the future") and before the dataset's quality floor.</summary>
public sealed record TimeFigures(DateTimeOffset? Min, DateTimeOffset? Max, long Future, long? BeforeFloor, DateTimeOffset? Floor);

/// <summary>Entities: per type, and those that no interaction of the dataset names as source or target (cold).</summary>
public sealed record EntityFigures(long Count, long? Cold, double? ColdShare, IReadOnlyList<EntityTypeFigures> ByType);

public sealed record EntityTypeFigures(string Type, long Count, long DistinctIds, long? Cold);

/// <summary>One attribute: its type in the dataset, how many records have it (and as a share of their kind), distinct values (estimate).</summary>
public sealed record AttributeFigures(string Name, string Kind, string? Type, long Present, double FillRate, long DistinctValues);
