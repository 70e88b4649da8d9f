using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests;

/// <summary>
/// Issue 14 item 2: an export that fails part-way must end so the client can tell it is incomplete (the
/// connection is aborted), never with a problem body appended to the NDJSON or CSV. The store is the real
/// one; a fault injected into its export stream fails it after 600 records, when the server has already
/// sent the status line and the first 512 rows.
/// </summary>
public abstract class ExportFailureTests : IAsyncLifetime
{
    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;

    protected ExportFailureTests()
    {
        _factory = CreateFactory(services =>
        {
            var real = services.Single(d => d.ServiceType == typeof(IRecordStore));
            services.Remove(real);
            services.AddSingleton(real.ImplementationType!);
            services.AddSingleton<IRecordStore>(sp => new ExportFaultStore((IRecordStore)sp.GetRequiredService(real.ImplementationType!)));
        });
    }

    protected abstract IntakeServerFactory CreateFactory(Action<IServiceCollection> services);

    public Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Theory]
    [InlineData("ndjson")]
    [InlineData("csv")]
    [InlineData("parquet")]
    public async Task Issue14_an_export_that_fails_part_way_aborts_the_connection_instead_of_appending_a_problem(string format)
    {
        await _client.CreateDatasetAsync("cut");
        var rows = string.Concat(Enumerable.Range(0, 700).Select(i => $"e{i:D4},p,name-{i:D4},,\n"));
        var import = await _client.ImportAsync("cut", "id,type,name,metadata,media_url\n" + rows);
        Assert.Equal("completed", (string)import["status"]!);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/datasets/cut/export?kind=entity&format={format}");

        var received = new MemoryStream();
        var status = (HttpStatusCode)0;
        var error = await Record.ExceptionAsync(async () =>
        {
            // The reset may even overtake the status line in the client's socket buffer; either way the client fails.
            using var response = await _client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            status = response.StatusCode;
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(received);
        });

        Assert.True(error is IOException or HttpRequestException, $"the export ended normally: {error}");
        Assert.True(status is 0 or HttpStatusCode.OK, $"status {status}");
        var text = System.Text.Encoding.UTF8.GetString(received.ToArray());
        Assert.DoesNotContain("internal_error", text, StringComparison.Ordinal);
        Assert.InRange(text.Count(c => c == '\n'), 0, 601);
        Assert.DoesNotContain("name-0600", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_before_the_first_record_is_an_ordinary_problem_response_whose_trace_id_finds_the_log_line()
    {
        await _client.CreateDatasetAsync("empty-cut");
        using var response = await _client.Http.GetAsync("/v1/datasets/empty-cut/export?type=fail-at-once");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("internal_error", (string)problem["code"]!);
        var traceId = (string)problem["trace_id"]!;
        Assert.Contains($"Unexpected error in request {traceId}", ServerErrors.About(traceId), StringComparison.Ordinal);
    }

    /// <summary>The real store, except that its export stream throws after 600 records (or at once for type <c>fail-at-once</c>).</summary>
    private sealed class ExportFaultStore(IRecordStore store) : IRecordStore
    {
        public Task<IRecordSink> OpenSinkAsync(LoadRequest request, CancellationToken cancellationToken) => store.OpenSinkAsync(request, cancellationToken);

        public Task<AppliedLoad?> FindAppliedLoadAsync(string datasetId, string importId, CancellationToken cancellationToken) =>
            store.FindAppliedLoadAsync(datasetId, importId, cancellationToken);

        public Task ReadIdsAsync(string datasetId, RecordKind kind, Intake.Core.Quality.IdTally ids, CancellationToken cancellationToken) =>
            store.ReadIdsAsync(datasetId, kind, ids, cancellationToken);

        public Task<IReadOnlyDictionary<string, AttributeType>> GetAttributeTypesAsync(string datasetId, CancellationToken cancellationToken) =>
            store.GetAttributeTypesAsync(datasetId, cancellationToken);

        public Task<IReadOnlyCollection<string>> GetCsvTextAttributesAsync(string datasetId, CancellationToken cancellationToken) =>
            store.GetCsvTextAttributesAsync(datasetId, cancellationToken);

        public Task<IReadOnlyList<string>> DeclareAttributeTypesAsync(string datasetId, IReadOnlyDictionary<string, AttributeType> types, CancellationToken cancellationToken) =>
            store.DeclareAttributeTypesAsync(datasetId, types, cancellationToken);

        public Task<RecordCounts> CountAsync(string datasetId, CancellationToken cancellationToken) => store.CountAsync(datasetId, cancellationToken);

        public Task<TypeCounts> CountByTypeAsync(string datasetId, CancellationToken cancellationToken) => store.CountByTypeAsync(datasetId, cancellationToken);

        public Task<IReadOnlyDictionary<long, RecordCounts>> CountByBatchAsync(string datasetId, IReadOnlyList<long> batchSeqs, CancellationToken cancellationToken) =>
            store.CountByBatchAsync(datasetId, batchSeqs, cancellationToken);

        public Task<StoredRecord?> FindEntityAsync(string datasetId, string type, string id, CancellationToken cancellationToken) =>
            store.FindEntityAsync(datasetId, type, id, cancellationToken);

        public async IAsyncEnumerable<StoredRecord> ExportAsync(string datasetId, ExportQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            if (query.Type == "fail-at-once")
            {
                throw new InvalidOperationException("Injected export failure before the first record.");
            }

            var count = 0;
            await foreach (var record in store.ExportAsync(datasetId, query, cancellationToken))
            {
                if (++count > 600)
                {
                    throw new InvalidOperationException("Injected export failure after 600 records.");
                }

                yield return record;
            }
        }

        public IAsyncEnumerable<RecordRejection> ReadErrorsAsync(string datasetId, string importId, long offset, int? limit, CancellationToken cancellationToken) =>
            store.ReadErrorsAsync(datasetId, importId, offset, limit, cancellationToken);

        public Task DeleteErrorsAsync(string datasetId, IReadOnlyList<string> importIds, CancellationToken cancellationToken) =>
            store.DeleteErrorsAsync(datasetId, importIds, cancellationToken);

        public Task<long> DeleteBatchAsync(string datasetId, long batchSeq, CancellationToken cancellationToken) =>
            store.DeleteBatchAsync(datasetId, batchSeq, cancellationToken);

        public Task<long> ClearAsync(string datasetId, CancellationToken cancellationToken) => store.ClearAsync(datasetId, cancellationToken);

        public Task DropDatasetAsync(string datasetId, CancellationToken cancellationToken) => store.DropDatasetAsync(datasetId, cancellationToken);
    }
}

public sealed class SqliteExportFailureTests : ExportFailureTests
{
    protected override IntakeServerFactory CreateFactory(Action<IServiceCollection> services) => new(new Dictionary<string, string?>(), services);
}

public sealed class PostgresExportFailureTests : ExportFailureTests
{
    protected override IntakeServerFactory CreateFactory(Action<IServiceCollection> services) => new PostgresServerFactory(new Dictionary<string, string?>(), services);
}
