namespace Intake.Client;

/// <summary>Imports: uploads, URL imports, two-step uploads, their errors and their lifecycle. Reached through <see cref="IntakeClient.Imports"/>.</summary>
public class ImportsClient
{
    private readonly IntakeClient? _client;
    private readonly IntakeConnection? _connection;

    /// <summary>For mocking.</summary>
    protected ImportsClient()
    {
    }

    internal ImportsClient(IntakeClient client, IntakeConnection connection)
    {
        _client = client;
        _connection = connection;
    }

    private IntakeConnection Connection => _connection!;

    /// <summary>
    /// Uploads <paramref name="content"/> (read from its current position to its end) as a new import of
    /// <paramref name="datasetId"/>, and returns once the server has staged the file: the load runs after.
    /// The caller keeps ownership of the stream. A stream that cannot seek is spooled to a temporary file when
    /// the request must be signed.
    /// </summary>
    /// <exception cref="TimeoutException"><see cref="ImportOptions.Timeout"/> passed before the upload ended.</exception>
    public virtual async Task<ImportOperation> StartImportAsync(string datasetId, Stream content, ImportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        options ??= new ImportOptions();
        using var request = UploadRequest(HttpMethod.Post, Connection.Resolve(ImportQuery($"/v1/datasets/{Query.Escape(datasetId)}/imports", options)), content, options);
        if (options.FileName is { } name)
        {
            // A header holds ASCII only; a name beyond it is sent escaped (its extension, which tells the format, stays readable).
            request.Headers.TryAddWithoutValidation("X-File-Name", name.All(c => c is >= ' ' and <= '~') ? name : Uri.EscapeDataString(name));
        }

        AddIdempotencyKey(request, options);
        var import = await SendUploadAsync(request, options.Timeout, cancellationToken).ConfigureAwait(false);
        return new ImportOperation(_client!, import);
    }

    /// <summary>Uploads the file at <paramref name="path"/>; its name tells the server the format (<c>.csv</c>, <c>.ndjson.gz</c>, …).</summary>
    public virtual async Task<ImportOperation> StartImportAsync(string datasetId, string path, ImportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            options = (options ?? new ImportOptions()) is { FileName: null } unnamed ? unnamed with { FileName = Path.GetFileName(path) } : options!;
            return await StartImportAsync(datasetId, file, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Has the server fetch the file at <paramref name="url"/> (http or https; private addresses only where the server allows them).</summary>
    public virtual async Task<ImportOperation> StartUrlImportAsync(string datasetId, Uri url, ImportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        options ??= new ImportOptions();
        using var request = new HttpRequestMessage(HttpMethod.Post, Connection.Resolve(ImportQuery($"/v1/datasets/{Query.Escape(datasetId)}/imports", options)))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { url = url.AbsoluteUri }, options: IntakeConnection.Json),
        };
        AddIdempotencyKey(request, options);
        var import = await Connection.SendForJsonAsync<Import>(request, cancellationToken).ConfigureAwait(false);
        return new ImportOperation(_client!, import);
    }

    /// <summary>
    /// The first step of a two-step upload: reserves an import of <paramref name="datasetId"/> and returns the
    /// capability URL that takes its file once (<see cref="SendUploadAsync(Upload, Stream, ImportOptions?, CancellationToken)"/>).
    /// </summary>
    public virtual async Task<Upload> CreateUploadAsync(string datasetId, string fileName, ImportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        options ??= new ImportOptions();
        var body = new
        {
            filename = fileName,
            destination = new { destination_type = "dataset_load", dataset_id = datasetId, record_type = options.RecordType, mode = options.Mode, tags = options.Tags },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, Connection.Resolve("/v1/uploads"))
        {
            Content = System.Net.Http.Json.JsonContent.Create(body, options: IntakeConnection.Json),
        };
        AddIdempotencyKey(request, options);
        var created = await Connection.SendForJsonAsync<UploadCreated>(request, cancellationToken).ConfigureAwait(false);
        return new Upload(created.Id, new Uri(created.Url), created.DatasetId, created.RecordType);
    }

    /// <summary>The second step: sends the file to the upload's URL, which starts its import. The caller keeps the stream.</summary>
    public virtual async Task<ImportOperation> SendUploadAsync(Upload upload, Stream content, ImportOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        options ??= new ImportOptions();
        using var request = UploadRequest(HttpMethod.Put, upload.Url, content, options);
        var import = await SendUploadAsync(request, options.Timeout, cancellationToken).ConfigureAwait(false);
        return new ImportOperation(_client!, import);
    }

    /// <summary>Resumes following an import started elsewhere.</summary>
    public virtual ImportOperation GetOperation(string id) => new(_client!, id);

    /// <summary>An import with its progress and first 100 errors.</summary>
    public virtual Task<Import> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.GetAsync<Import>($"/v1/imports/{Query.Escape(id)}", cancellationToken);

    /// <summary>Imports, newest first, selected by <paramref name="filter"/>.</summary>
    public virtual IntakePageable<Import> List(ImportFilter? filter = null) => new(async (cursor, size, cancellationToken) =>
    {
        var query = new Query("/v1/imports").Add("dataset", filter?.DatasetId).Add("status", filter?.Status).Add("tag", filter?.Tag)
            .Add("record_type", filter?.RecordType).Add("from", filter?.From).Add("to", filter?.To).Add("limit", size).Add("cursor", cursor);
        return (await Connection.GetAsync<PageDto<Import>>(query.ToString(), cancellationToken).ConfigureAwait(false)).ToPage();
    });

    /// <summary>A finished load's data-quality figures, its warnings, and the previous load's figures to compare with.</summary>
    public virtual Task<ImportQuality> GetQualityAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.GetAsync<ImportQuality>($"/v1/imports/{Query.Escape(id)}/quality", cancellationToken);

    /// <summary>Every stored error of an import in line order, streamed as the server sends them (never buffered whole).</summary>
    public virtual IAsyncEnumerable<RecordError> GetErrorsAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.StreamNdjsonAsync<RecordError>($"/v1/imports/{Query.Escape(id)}/errors", cancellationToken);

    /// <summary>
    /// Applies a finished plan: the server queues a new import that loads the plan's staged file in its mode (no second
    /// upload) and returns it to follow. Applying a plan again returns the same import. Refused with <c>not_a_plan</c>,
    /// <c>plan_not_appliable</c> or <c>plan_expired</c>.
    /// </summary>
    public virtual async Task<ImportOperation> ApplyAsync(string planId, CancellationToken cancellationToken = default)
    {
        var import = await Connection.SendJsonAsync<Import>(HttpMethod.Post, $"/v1/imports/{Query.Escape(planId)}/apply", null, cancellationToken)
            .ConfigureAwait(false);
        return new ImportOperation(_client!, import);
    }

    /// <summary>Cancels a queued or processing import and returns it once canceled; a finished one throws with <c>illegal_transition</c>.</summary>
    public virtual Task<Import> CancelAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<Import>(HttpMethod.Post, $"/v1/imports/{Query.Escape(id)}/cancel", null, cancellationToken);

    /// <summary>Leaves the import's records out of reads and exports.</summary>
    public virtual Task<Import> ArchiveAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<Import>(HttpMethod.Post, $"/v1/imports/{Query.Escape(id)}/archive", null, cancellationToken);

    /// <summary>Brings an archived import's records back.</summary>
    public virtual Task<Import> UnarchiveAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<Import>(HttpMethod.Post, $"/v1/imports/{Query.Escape(id)}/unarchive", null, cancellationToken);

    /// <summary>Queues a <c>delete_batch</c> job that removes the records this import last wrote (admin).</summary>
    public virtual Task<Job> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<Job>(HttpMethod.Delete, $"/v1/imports/{Query.Escape(id)}", null, cancellationToken);

    private async Task<Import> SendUploadAsync(HttpRequestMessage request, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } after)
        {
            limit.CancelAfter(after);
        }

        try
        {
            return await Connection.SendForJsonAsync<Import>(request, limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && limit.IsCancellationRequested)
        {
            throw new TimeoutException($"The upload did not finish within {timeout}.");
        }
    }

    /// <summary>A request whose body is the file, reporting bytes sent; disposing the request disposes the body, not the caller's stream.</summary>
    private static HttpRequestMessage UploadRequest(HttpMethod method, Uri uri, Stream content, ImportOptions options)
    {
        var body = new UploadContent(content, options.UploadProgress, ownsSource: false);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        return new HttpRequestMessage(method, uri) { Content = body };
    }

    private static string ImportQuery(string path, ImportOptions options) => new Query(path)
        .Add("recordType", options.RecordType).Add("mode", options.Mode).Add("plan", options.Plan ? "true" : null).Add("tags", options.Tags).Add("format", options.Format)
        .Add("delimiter", options.Delimiter).Add("timestampUnit", options.TimestampUnit)
        .Add("maxErrors", options.MaxErrors).Add("maxErrorRatio", options.MaxErrorRatio).ToString();

    private static void AddIdempotencyKey(HttpRequestMessage request, ImportOptions options)
    {
        if (options.IdempotencyKey is { } key)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
    }

    private sealed record UploadCreated(string Id, string Url, string DatasetId, string RecordType);
}

/// <summary>Selects imports; every property is optional.</summary>
public sealed record ImportFilter
{
    /// <summary>A dataset id.</summary>
    public string? DatasetId { get; init; }

    /// <summary>A status.</summary>
    public string? Status { get; init; }

    /// <summary>Imports with this tag.</summary>
    public string? Tag { get; init; }

    /// <summary>A record type.</summary>
    public string? RecordType { get; init; }

    /// <summary>Created at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Created before.</summary>
    public DateTimeOffset? To { get; init; }
}
