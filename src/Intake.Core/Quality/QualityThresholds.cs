using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Intake.Core.Imports;

namespace Intake.Core.Quality;

/// <summary>
/// A dataset's optional quality settings: the floor below which event times count as too old, and thresholds a
/// load's report is checked against. A crossed threshold adds a warning to the import (and fires the
/// <c>import.quality_warning</c> webhook event where webhooks exist); it never fails the load. Every member is
/// optional; none set checks nothing.
/// </summary>
public sealed record QualityThresholds
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Events before this time are counted as before the floor (the report's <c>before_floor</c>).</summary>
    public DateTimeOffset? TimestampFloor { get; init; }

    /// <summary>The largest share (0 to 1) of a load's interactions that may be orphans.</summary>
    public double? MaxOrphanShare { get; init; }

    /// <summary>The fewest interactions an interaction load may bring.</summary>
    public long? MinInteractions { get; init; }

    /// <summary>The largest share (0 to 1) of a load's records that may repeat an earlier record's key.</summary>
    public double? MaxDuplicateShare { get; init; }

    /// <summary>The most events of a load that may lie in the future.</summary>
    public long? MaxFutureEvents { get; init; }

    /// <summary>The most events of a load that may lie before <see cref="TimestampFloor"/>.</summary>
    public long? MaxBeforeFloor { get; init; }

    /// <summary>The largest share (0 to 1) of an entity load's entities that no interaction names.</summary>
    public double? MaxColdShare { get; init; }

    public string Serialize() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Settings as stored; null for none. Stored text was validated when it was set.</summary>
    public static QualityThresholds? Parse(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<QualityThresholds>(json, s_json);

    /// <summary>Reads settings sent by a client; throws <see cref="JsonException"/> naming what is wrong.</summary>
    public static QualityThresholds Read(JsonElement json)
    {
        var settings = json.Deserialize<QualityThresholds>(s_json) ?? new QualityThresholds();
        foreach (var (name, share) in new[] { ("max_orphan_share", settings.MaxOrphanShare), ("max_duplicate_share", settings.MaxDuplicateShare),
                     ("max_cold_share", settings.MaxColdShare) })
        {
            if (share is < 0 or > 1 || share is { } s && double.IsNaN(s))
            {
                throw new JsonException($"'{name}' is a share from 0 to 1; {share?.ToString(CultureInfo.InvariantCulture)} is not.");
            }
        }

        foreach (var (name, count) in new[] { ("min_interactions", settings.MinInteractions), ("max_future_events", settings.MaxFutureEvents),
                     ("max_before_floor", settings.MaxBeforeFloor) })
        {
            if (count < 0)
            {
                throw new JsonException($"'{name}' is a count of 0 or more; {count?.ToString(CultureInfo.InvariantCulture)} is not.");
            }
        }

        return settings;
    }

    /// <summary>The thresholds a load's report crosses, as warnings, in a fixed order.</summary>
    public IReadOnlyList<ImportWarning> Check(QualityReport report)
    {
        var warnings = new List<ImportWarning>();
        void Over(string what, double value, double limit, bool share) => warnings.Add(new ImportWarning(ImportWarning.QualityThresholdCrossed,
            share
                ? $"The {what} is {value:P2}, over the dataset's threshold of {limit:P2}."
                : $"The {what} is {value.ToString("N0", CultureInfo.InvariantCulture)}, over the dataset's threshold of {limit.ToString("N0", CultureInfo.InvariantCulture)}."));

        if (report.Kind == "interaction" || report.Interactions is not null)
        {
            var count = report.Interactions?.Count ?? 0;
            if (MinInteractions is { } min && count < min)
            {
                warnings.Add(new ImportWarning(ImportWarning.QualityThresholdCrossed,
                    $"The load brought {count.ToString("N0", CultureInfo.InvariantCulture)} interactions, under the dataset's threshold of {min.ToString("N0", CultureInfo.InvariantCulture)}."));
            }

            if (MaxOrphanShare is { } orphans && report.Interactions?.OrphanShare is { } orphanShare && orphanShare > orphans)
            {
                Over("share of orphan interactions (source or target matching no entity)", orphanShare, orphans, share: true);
            }

            if (MaxFutureEvents is { } future && report.Interactions?.Timestamps.Future is { } inFuture && inFuture > future)
            {
                Over("number of events in the future", inFuture, future, share: false);
            }

            if (MaxBeforeFloor is { } floor && report.Interactions?.Timestamps.BeforeFloor is { } beforeFloor && beforeFloor > floor)
            {
                Over("number of events before the timestamp floor", beforeFloor, floor, share: false);
            }
        }

        if (MaxColdShare is { } cold && report.Entities?.ColdShare is { } coldShare && coldShare > cold)
        {
            Over("share of cold entities (named by no interaction)", coldShare, cold, share: true);
        }

        if (MaxDuplicateShare is { } duplicates && report.DuplicateShare is { } duplicateShare && duplicateShare > duplicates)
        {
            Over("share of records repeating an earlier record's key", duplicateShare, duplicates, share: true);
        }

        return warnings;
    }
}
