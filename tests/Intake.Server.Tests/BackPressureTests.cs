using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Core.Scheduling;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests;

/// <summary>
/// Caps on queued imports (503 <c>queue_full</c> with <c>Retry-After</c>, on the native and the table-batch API)
/// and the free-space floor for staged files (507 <c>insufficient_storage</c>), on one worker held at the gate.
/// </summary>
public abstract class BackPressureTests : IAsyncLifetime
{
    private const string Csv = "id,type,name,metadata,media_url\nA,p,a,,\n";
    private readonly LoadGate _gate = new();
    private readonly List<IntakeServerFactory> _factories = [];

    protected abstract IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var factory in _factories)
        {
            await factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task Uploads_beyond_the_queue_caps_are_refused_at_once_with_503_and_Retry_After()
    {
        var client = Start(new Dictionary<string, string?>
        {
            ["Worker:Count"] = "1",
            ["BackPressure:MaxQueuedImportsPerDataset"] = "1",
            ["BackPressure:MaxQueuedImports"] = "2",
            ["BackPressure:RetryAfterSeconds"] = "7",
        }, services => services.AddSingleton<IFaultInjector>(_gate));
        foreach (var dataset in new[] { "a", "b", "c" })
        {
            await client.CreateDatasetAsync(dataset);
        }

        var held = await client.UploadAsync("a", Csv);
        await _gate.Held.WaitAsync(TimeSpan.FromSeconds(30));
        await client.UploadAsync("a", Csv); // queued: dataset a is at its cap

        await AssertQueueFullAsync(await PostCsvAsync(client, "a"), "MaxQueuedImportsPerDataset");
        await client.UploadAsync("b", Csv); // queued: two in all, the total cap
        await AssertQueueFullAsync(await PostCsvAsync(client, "c"), "MaxQueuedImports");

        // The table-batch API, whose document lists 503, is refused the same way (a table is a dataset).
        using (var tableBatch = await client.Http.PostAsJsonAsync("/v2/recomm/c/items/batch", new { url = "http://127.0.0.1:9/items.csv", format = "csv" }))
        {
            await AssertQueueFullAsync(tableBatch, "MaxQueuedImports");
        }

        var listed = (await client.Http.GetFromJsonAsync<JsonObject>("/v1/imports?dataset=c"))!;
        Assert.Empty(listed["items"]!.AsArray());
        var metrics = await MetricsTests.ScrapeAsync(client.Http);
        Assert.Equal(2, metrics.Sum("intake_imports_queued"));
        Assert.Equal(2, metrics.Sum("intake_jobs_queued", ("kind", "dataset_load")));
        Assert.Equal(1, metrics.Sum("intake_jobs_running", ("kind", "dataset_load")));
        Assert.True(metrics.Sum("intake_jobs_oldest_queued_age_seconds") >= 0);
        Assert.Equal(2, metrics.Sum("intake_imports_queue_cap", ("scope", "total")));
        Assert.Equal(1, metrics.Sum("intake_imports_queue_cap", ("scope", "per_dataset")));

        // Once the queue drains, uploads are accepted again.
        _gate.Open();
        using (var cancel = await client.Http.PostAsync($"/v1/imports/{(string)held["id"]!}/cancel", null))
        {
            await IntakeClient.ExpectAsync(cancel, HttpStatusCode.OK);
        }

        foreach (var dataset in new[] { "a", "b" })
        {
            var imports = (await client.Http.GetFromJsonAsync<JsonObject>($"/v1/imports?dataset={dataset}"))!["items"]!.AsArray();
            foreach (var import in imports)
            {
                await client.WaitForFinalAsync((string)import!["id"]!);
            }
        }

        Assert.Equal("completed", (string)(await client.ImportAsync("c", Csv))["status"]!);
    }

    [Fact]
    public async Task Uploads_below_the_free_space_floor_get_507_insufficient_storage_and_nothing_is_staged()
    {
        _gate.Open();

        // A floor far above any real disk's free space: every upload finds too little room.
        var client = Start(new Dictionary<string, string?> { ["BackPressure:MinFreeDiskBytes"] = (1L << 60).ToString(System.Globalization.CultureInfo.InvariantCulture) }, null);
        await client.CreateDatasetAsync("full");

        using var response = await PostCsvAsync(client, "full");

        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("insufficient_storage", (string)problem["code"]!);
        Assert.Contains("MinFreeDiskBytes", (string)problem["detail"]!, StringComparison.Ordinal);
        Assert.Empty((await client.Http.GetFromJsonAsync<JsonObject>("/v1/imports?dataset=full"))!["items"]!.AsArray());
        Assert.Empty((await client.Http.GetFromJsonAsync<JsonObject>("/v1/jobs?dataset=full"))!["items"]!.AsArray());
    }

    private IntakeClient Start(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services)
    {
        var factory = CreateFactory(settings, services);
        _factories.Add(factory);
        return factory.CreateIntakeClient();
    }

    private static async Task<HttpResponseMessage> PostCsvAsync(IntakeClient client, string dataset)
    {
        using var body = new StringContent(Csv, System.Text.Encoding.UTF8, "text/csv");
        return await client.Http.PostAsync($"/v1/datasets/{dataset}/imports", body);
    }

    private static async Task AssertQueueFullAsync(HttpResponseMessage response, string cap)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
            var problem = await IntakeClient.ProblemAsync(response);
            Assert.Equal("queue_full", (string)problem["code"]!);
            Assert.Contains($"BackPressure:{cap} ", (string)problem["detail"]!, StringComparison.Ordinal);
        }
    }
}

[Collection(MetricsCollection.Name)]
public sealed class SqliteBackPressureTests : BackPressureTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services) =>
        new(settings, services);
}

[Collection(MetricsCollection.Name)]
public sealed class PostgresBackPressureTests : BackPressureTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services) =>
        new PostgresServerFactory(settings, services);
}
