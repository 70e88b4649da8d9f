using System.Text.Json;
using System.Text.Json.Serialization;

namespace Intake.Client;

/// <summary>An import as <c>GET /v1/imports/{id}</c> returns it (docs/api.md). Fields a later server adds are kept in <see cref="Extra"/>.</summary>
public sealed record Import
{
    /// <summary>The import's id (the batch id).</summary>
    public required string Id { get; init; }

    /// <summary>The dataset it loads into.</summary>
    public required string DatasetId { get; init; }

    /// <summary>Where the import is.</summary>
    public ImportStatus Status { get; init; }

    /// <summary>The record type asked for, or the one detected once the file was opened.</summary>
    public string RecordType { get; init; } = "auto";

    /// <summary><c>upsert</c>, <c>insert</c> or <c>replace</c>.</summary>
    public string Mode { get; init; } = "upsert";

    /// <summary>The declared format, if any.</summary>
    public string? Format { get; init; }

    /// <summary>The import's tags.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Whether the import's records are left out of reads.</summary>
    public bool Archived { get; init; }

    /// <summary>The API that accepted it: <c>native</c>, <c>data_batch</c>, <c>table_batch</c>, <c>bulk_write</c>.</summary>
    public string? Origin { get; init; }

    /// <summary>The uploaded file's name, if one was given.</summary>
    public string? FileName { get; init; }

    /// <summary>The URL the file was fetched from, for a URL import.</summary>
    public string? SourceUrl { get; init; }

    /// <summary>When the import was accepted.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When its load started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it reached its final status.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Bytes and records so far (final counts once finished).</summary>
    public LoadProgress Progress { get; init; } = new();

    /// <summary>Why it failed or was canceled; null otherwise.</summary>
    public ImportError? Error { get; init; }

    /// <summary>The first rejected records (up to 100); <see cref="ImportsClient.GetErrorsAsync"/> streams all of them.</summary>
    public IReadOnlyList<RecordError>? Errors { get; init; }

    /// <summary>The ids of the import's <c>file_upload</c> and <c>dataset_load</c> jobs.</summary>
    public ImportJobs? Jobs { get; init; }

    /// <summary>Whether the import is a plan (it writes nothing; <see cref="Mode"/> is the mode it plans for).</summary>
    public bool Plan { get; init; }

    /// <summary>For an import that applies a plan, the plan's id.</summary>
    public string? PlanId { get; init; }

    /// <summary>A finished plan's result (in <see cref="ImportsClient.GetAsync"/>); null otherwise.</summary>
    public PlannedChanges? Planned { get; init; }

    /// <summary>Fields this version of the client does not model (for example <c>warnings</c>), as the server sent them.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>How far an import's load is; during a load <see cref="RecordsWritten"/> stays 0 until the commit phase.</summary>
public sealed record LoadProgress
{
    /// <summary>Bytes of the staged (possibly compressed) file read.</summary>
    public long BytesRead { get; init; }

    /// <summary>The staged file's size, when known.</summary>
    public long? BytesTotal { get; init; }

    /// <summary><see cref="BytesRead"/> as a percentage of <see cref="BytesTotal"/>.</summary>
    public double? Percent { get; init; }

    /// <summary>Records read so far.</summary>
    public long RecordsRead { get; init; }

    /// <summary>Records applied by the store.</summary>
    public long RecordsWritten { get; init; }

    /// <summary>Records rejected so far.</summary>
    public long RecordsRejected { get; init; }

    /// <summary>Stored records a <c>replace</c> load deleted (0 until the load is final, and in other modes).</summary>
    public long RecordsDeleted { get; init; }
}

/// <summary>The code and message of a failed or canceled import or job.</summary>
public sealed record ImportError(IntakeErrorCode Code, string Message);

/// <summary>One rejected record: the physical line it starts on, its key (or <c>line:N</c>), the code, the message and the field.</summary>
public sealed record RecordError(long Line, string ErrorId, string Code, string Message, string? Field);

/// <summary>
/// What applying a plan would do: records inserted, updated (a field changed), left unchanged, deleted (replace) and
/// rejected, up to five samples of each (records as the export writes them), and whether it was applied or until when it can be.
/// </summary>
public sealed record PlannedChanges(long Insert, long Update, long Unchanged, long Delete, long Rejected, long DatasetVersion,
    PlannedSamples Samples, string? AppliedBy, DateTimeOffset? AppliableUntil);

/// <summary>Sample records of a plan by kind; an update has the record before and after.</summary>
public sealed record PlannedSamples(IReadOnlyList<JsonElement> Insert, IReadOnlyList<PlannedUpdate> Update, IReadOnlyList<JsonElement> Unchanged,
    IReadOnlyList<JsonElement> Delete);

/// <summary>A sample update: the stored record (or the file's earlier record of the key) and the file's record.</summary>
public sealed record PlannedUpdate(JsonElement Before, JsonElement After);

/// <summary>The jobs an import is made of.</summary>
public sealed record ImportJobs(string? FileUpload, string? DatasetLoad);
