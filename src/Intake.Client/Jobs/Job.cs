using System.Text.Json;
using System.Text.Json.Serialization;

namespace Intake.Client;

/// <summary>One unit of background work: <c>file_upload</c>, <c>dataset_load</c>, <c>clear_data</c>, <c>delete_batch</c> or <c>delete_dataset</c>.</summary>
public sealed record Job
{
    /// <summary>The job's id.</summary>
    public required string Id { get; init; }

    /// <summary>The job's kind (the wire field <c>type</c>).</summary>
    public required string Type { get; init; }

    /// <summary>Where the job is.</summary>
    public ImportStatus Status { get; init; }

    /// <summary>The dataset it works on.</summary>
    public string DatasetId { get; init; } = "";

    /// <summary>The import it belongs to, for <c>file_upload</c> and <c>dataset_load</c>.</summary>
    public string? ImportId { get; init; }

    /// <summary>When it was queued.</summary>
    public DateTimeOffset QueuedAt { get; init; }

    /// <summary>When it started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Why it failed, if it did.</summary>
    public ImportError? Error { get; init; }

    /// <summary>Who canceled it, if someone did.</summary>
    public string? CanceledBy { get; init; }

    /// <summary>How many times a worker started it.</summary>
    public int Attempts { get; init; }

    /// <summary>
    /// The job's figures, which depend on its kind (<c>{received, loaded, rejected}</c> for a load,
    /// <c>{bytes_received}</c> for an upload, <c>{removed}</c> for clears and deletes); read them with
    /// <see cref="Stat"/>. Kept as the server sent them, so figures a later server adds are there too.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement> Stats { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Every status change with its time and reason; only on a single job.</summary>
    public IReadOnlyList<JobTransition>? History { get; init; }

    /// <summary>Fields this version of the client does not model.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>One figure of <see cref="Stats"/> (for example <c>loaded</c>), or null when the job has no such figure.</summary>
    public long? Stat(string name) =>
        Stats.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}

/// <summary>One status change of a job.</summary>
public sealed record JobTransition(ImportStatus Status, DateTimeOffset At, string? Reason);
