using System.Net.Http.Headers;

namespace Intake.Client;

/// <summary>Datasets, their schemas, their records and exports (<c>/v1/datasets</c>). Reached through <see cref="IntakeClient.Datasets"/>.</summary>
public class DatasetsClient
{
    private readonly IntakeConnection? _connection;

    /// <summary>For mocking.</summary>
    protected DatasetsClient()
    {
    }

    internal DatasetsClient(IntakeConnection connection) => _connection = connection;

    private IntakeConnection Connection => _connection!;

    /// <summary>
    /// Creates a dataset (admin). <paramref name="id"/> is generated when null; a taken id throws with <c>dataset_exists</c>.
    /// <paramref name="name"/> defaults to the id.
    /// </summary>
    public virtual Task<Dataset> CreateAsync(string? id, string? name, string? description = null, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<Dataset>(HttpMethod.Post, "/v1/datasets", new { id, name, description }, cancellationToken);

    /// <summary>A dataset with its record counts.</summary>
    public virtual Task<Dataset> GetAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.GetAsync<Dataset>($"/v1/datasets/{Query.Escape(id)}", cancellationToken);

    /// <summary>Every dataset, by id, a page at a time.</summary>
    public virtual IntakePageable<Dataset> List() => new(async (cursor, size, cancellationToken) =>
        (await Connection.GetAsync<PageDto<Dataset>>(new Query("/v1/datasets").Add("limit", size).Add("cursor", cursor).ToString(), cancellationToken)
            .ConfigureAwait(false)).ToPage());

    /// <summary>Renames or describes a dataset (admin); a null argument leaves that field as it is.</summary>
    public virtual Task<Dataset> UpdateAsync(string id, string? name, string? description, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<Dataset>(HttpMethod.Patch, $"/v1/datasets/{Query.Escape(id)}", new { name, description }, cancellationToken);

    /// <summary>Queues a <c>clear_data</c> job (admin): the records and attribute types go, the dataset stays.</summary>
    public virtual Task<Job> ClearAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<Job>(HttpMethod.Post, $"/v1/datasets/{Query.Escape(id)}/clear", null, cancellationToken);

    /// <summary>Queues a <c>delete_dataset</c> job (admin); it runs after every job accepted before it.</summary>
    public virtual Task<Job> DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<Job>(HttpMethod.Delete, $"/v1/datasets/{Query.Escape(id)}", null, cancellationToken);

    /// <summary>The data-quality figures of the dataset's current records, computed now (one pass over them).</summary>
    public virtual Task<DatasetQuality> GetQualityAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.GetAsync<DatasetQuality>($"/v1/datasets/{Query.Escape(id)}/quality", cancellationToken);

    /// <summary>The dataset's record types and attribute types.</summary>
    public virtual Task<DatasetSchema> GetSchemaAsync(string id, CancellationToken cancellationToken = default) =>
        Connection.GetAsync<DatasetSchema>($"/v1/datasets/{Query.Escape(id)}/schema", cancellationToken);

    /// <summary>Declares attribute types (<c>string</c>, <c>integer</c>, <c>double</c>, <c>boolean</c>, <c>timestamp</c>, <c>list</c>, <c>object</c>) (admin).</summary>
    public virtual Task<DatasetSchema> DeclareAttributesAsync(string id, IReadOnlyDictionary<string, string> attributes, CancellationToken cancellationToken = default) =>
        Connection.SendJsonAsync<DatasetSchema>(HttpMethod.Patch, $"/v1/datasets/{Query.Escape(id)}/schema", new { attributes }, cancellationToken);

    /// <summary>Defines or replaces a custom record type from its JSON definition (docs/record-types.md) (admin).</summary>
    public virtual async Task<RecordTypeInfo> DefineRecordTypeAsync(string id, string name, string definitionJson, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Connection.Resolve($"/v1/datasets/{Query.Escape(id)}/schema/record-types/{Query.Escape(name)}"))
        {
            Content = new StringContent(definitionJson, System.Text.Encoding.UTF8, "application/json"),
        };
        return await Connection.SendForJsonAsync<RecordTypeInfo>(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The current entity (an <c>entity_not_found</c> refusal when there is none), as a JSON object.</summary>
    public virtual Task<System.Text.Json.JsonElement> GetEntityAsync(string id, string type, string entityId, CancellationToken cancellationToken = default) =>
        Connection.GetAsync<System.Text.Json.JsonElement>(
            $"/v1/datasets/{Query.Escape(id)}/entities/{Query.Escape(type)}/{Query.Escape(entityId)}", cancellationToken);

    /// <summary>
    /// Streams the dataset's current records: NDJSON, or CSV in the data-batch layout or Parquet by <see cref="ExportOptions.Format"/>.
    /// The caller disposes the stream, which ends the response; the records are read as the stream is, never buffered.
    /// </summary>
    public virtual async Task<Stream> ExportAsync(string id, ExportOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ExportOptions();
        var path = new Query($"/v1/datasets/{Query.Escape(id)}/export")
            .Add("kind", options.Kind).Add("type", options.Type).Add("tags", options.Tags).Add("since", options.Since).ToString();
        using var request = new HttpRequestMessage(HttpMethod.Get, Connection.Resolve(path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(options.Format switch
        {
            ExportFormat.Csv => "text/csv",
            ExportFormat.Parquet => "application/vnd.apache.parquet",
            _ => "application/x-ndjson",
        }));
        return await Connection.OpenStreamAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
