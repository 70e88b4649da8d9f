using System.Text.RegularExpressions;
using Intake.Core.Jobs;
using Intake.Core.Scheduling;
using Intake.Core.Storage;

namespace Intake.Core.Datasets;

/// <summary>Creates, reads and changes datasets; clearing and deleting are queued as jobs in the dataset's order. Thread-safe.</summary>
public sealed partial class DatasetService(IJobStore jobs, IRecordStore records, JobSignal signal, TimeProvider time)
{
    /// <summary>
    /// Dataset ids are slugs, because they name tables in URLs and files on disk. Anchored with <c>\z</c>: in .NET
    /// <c>$</c> also matches before a final newline, which let <c>"shop\n"</c> through (#14).
    /// </summary>
    [GeneratedRegex(@"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    public static bool IsValidId(string id) => IdPattern().IsMatch(id) && !id.Contains("..", StringComparison.Ordinal);

    /// <param name="name">The display name; without one, the dataset is named by its <paramref name="id"/> (as the CLI does).</param>
    public async Task<Dataset> CreateAsync(string? id, string? name, string? description, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) && id is not null)
        {
            name = id;
        }

        id ??= "ds-" + Guid.NewGuid().ToString("N")[..12];
        if (!IsValidId(id))
        {
            throw new IntakeException(ErrorCodes.InvalidRequest,
                $"Dataset id '{id}' is not valid: use 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit.");
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            throw new IntakeException(ErrorCodes.InvalidRequest, "A dataset needs a name or an id.");
        }

        var now = time.GetUtcNow();
        var dataset = new Dataset(id, name.Trim(), description, now, now);
        if (!await jobs.CreateDatasetAsync(dataset, cancellationToken))
        {
            throw new IntakeException(ErrorCodes.DatasetExists, $"Dataset '{id}' exists already.");
        }

        return dataset;
    }

    /// <summary>Returns the dataset, creating it with <paramref name="name"/> if it does not exist (used by compatibility APIs).</summary>
    public async Task<Dataset> GetOrCreateAsync(string id, string name, CancellationToken cancellationToken)
    {
        var existing = await jobs.GetDatasetAsync(id, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        var now = time.GetUtcNow();
        await jobs.CreateDatasetAsync(new Dataset(id, name, null, now, now), cancellationToken);
        return (await jobs.GetDatasetAsync(id, cancellationToken))!;
    }

    public Task<Dataset?> GetAsync(string id, CancellationToken cancellationToken) => jobs.GetDatasetAsync(id, cancellationToken);

    public async Task<Dataset> GetRequiredAsync(string id, CancellationToken cancellationToken) =>
        await jobs.GetDatasetAsync(id, cancellationToken)
        ?? throw new IntakeException(ErrorCodes.DatasetNotFound, $"Dataset '{id}' does not exist.");

    public Task<RecordCounts> CountAsync(string id, CancellationToken cancellationToken) => records.CountAsync(id, cancellationToken);

    public Task<Page<Dataset>> ListAsync(PageRequest page, CancellationToken cancellationToken) => jobs.ListDatasetsAsync(page, cancellationToken);

    /// <param name="quality">New quality settings replacing the old ones (an empty object clears them); null leaves them.</param>
    public async Task<Dataset> UpdateAsync(string id, string? name, string? description, System.Text.Json.JsonElement? quality,
        CancellationToken cancellationToken)
    {
        string? settings = null;
        if (quality is { ValueKind: not System.Text.Json.JsonValueKind.Null } json)
        {
            try
            {
                settings = Quality.QualityThresholds.Read(json).Serialize();
            }
            catch (System.Text.Json.JsonException exception)
            {
                throw new IntakeException(ErrorCodes.InvalidRequest, $"The dataset's 'quality' settings are not valid: {exception.Message}");
            }
        }

        return await jobs.UpdateDatasetAsync(id, name, description, settings, time.GetUtcNow(), cancellationToken)
            ?? throw new IntakeException(ErrorCodes.DatasetNotFound, $"Dataset '{id}' does not exist.");
    }

    /// <summary>Queues a <c>clear_data</c> job: the dataset's records go, the dataset stays.</summary>
    public Task<Job> ClearAsync(string id, CancellationToken cancellationToken) => EnqueueAsync(JobKind.ClearData, id, cancellationToken);

    /// <summary>Queues a <c>delete_dataset</c> job that runs after every job accepted before it.</summary>
    public Task<Job> DeleteAsync(string id, CancellationToken cancellationToken) => EnqueueAsync(JobKind.DeleteDataset, id, cancellationToken);

    private async Task<Job> EnqueueAsync(JobKind kind, string id, CancellationToken cancellationToken)
    {
        await GetRequiredAsync(id, cancellationToken);
        var job = await jobs.EnqueueAsync(kind, id, null, time.GetUtcNow(), cancellationToken);
        signal.Notify();
        return job;
    }
}
