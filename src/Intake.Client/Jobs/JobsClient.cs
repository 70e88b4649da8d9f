namespace Intake.Client;

/// <summary>The job log (<c>/v1/jobs</c>). Reached through <see cref="IntakeClient.Jobs"/>.</summary>
public class JobsClient
{
    private readonly IntakeConnection? _connection;

    /// <summary>For mocking.</summary>
    protected JobsClient()
    {
    }

    internal JobsClient(IntakeConnection connection) => _connection = connection;

    private IntakeConnection Connection => _connection!;

    /// <summary>A job with its stats and transition history.</summary>
    public virtual Task<Job> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.GetAsync<Job>($"/v1/jobs/{Query.Escape(id)}", cancellationToken);

    /// <summary>Jobs, newest first, selected by <paramref name="filter"/>.</summary>
    public virtual IntakePageable<Job> List(JobFilter? filter = null) => new(async (cursor, size, cancellationToken) =>
    {
        var query = new Query("/v1/jobs").Add("type", filter?.Type).Add("status", filter?.Status).Add("dataset", filter?.DatasetId)
            .Add("import", filter?.ImportId).Add("from", filter?.From).Add("to", filter?.To).Add("limit", size).Add("cursor", cursor);
        return (await Connection.GetAsync<PageDto<Job>>(query.ToString(), cancellationToken).ConfigureAwait(false)).ToPage();
    });

    /// <summary>
    /// Cancels the import a <c>file_upload</c> or <c>dataset_load</c> job belongs to, and returns the job once
    /// canceled. Other jobs cannot be canceled: they throw with <c>not_cancelable</c> and status 0.
    /// </summary>
    public virtual async Task<Job> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        var job = await GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (job.ImportId is null)
        {
            throw new IntakeRequestException(0, IntakeErrorCode.NotCancelable,
                $"Job {job.Id} is a {job.Type} job; only the jobs of an import (file_upload, dataset_load) can be canceled.");
        }

        await Connection.SendJsonAsync<Import>(HttpMethod.Post, $"/v1/imports/{Query.Escape(job.ImportId)}/cancel", null, cancellationToken).ConfigureAwait(false);
        return await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Selects jobs; every property is optional.</summary>
public sealed record JobFilter
{
    /// <summary>A job kind: <c>file_upload</c>, <c>dataset_load</c>, <c>clear_data</c>, <c>delete_batch</c>, <c>delete_dataset</c>.</summary>
    public string? Type { get; init; }

    /// <summary>A status.</summary>
    public string? Status { get; init; }

    /// <summary>A dataset id.</summary>
    public string? DatasetId { get; init; }

    /// <summary>An import id.</summary>
    public string? ImportId { get; init; }

    /// <summary>Queued at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Queued before.</summary>
    public DateTimeOffset? To { get; init; }
}
