using System.Text.Json;
using System.Text.Json.Serialization;
using Intake.Core.Storage;

namespace Intake.Core.Imports;

/// <summary>
/// What a load keeps beside its applied-load marker, in the same commit, as one JSON document: the dataset's
/// data version the load saw, for a plan its classified changes, its quality report and warnings. A redelivered load reads it back
/// instead of loading again, and the API shows it. Stores keep the text and never read it.
/// </summary>
public sealed record LoadReport
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The dataset's data version when the load opened (<see cref="IRecordSink.DatasetVersion"/>).</summary>
    public long DatasetVersion { get; init; }

    /// <summary>A plan's changes; null for a load that is not a plan.</summary>
    public PlannedChanges? Plan { get; init; }

    /// <summary>The data-quality figures of the load's accepted records; null for a failed load (and markers older than reports).</summary>
    public Quality.QualityReport? Quality { get; init; }

    /// <summary>The dataset's previous applied load of the same kind with a quality report, to compare with.</summary>
    public string? PreviousImportId { get; init; }

    /// <summary>What the load noticed without failing: crossed quality thresholds, a dataset changed since its plan.</summary>
    public IReadOnlyList<ImportWarning> Warnings { get; init; } = [];

    public string Serialize() => JsonSerializer.Serialize(this, s_json);

    /// <summary>The report kept with a marker; null when none was kept (markers older than reports) or it cannot be read.</summary>
    public static LoadReport? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LoadReport>(json, s_json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
