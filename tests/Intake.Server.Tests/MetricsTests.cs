using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary><c>/metrics</c> on a server with a master key: Prometheus text, behind the read scope, counters moved by a load with rejections.</summary>
public abstract class MetricsTests : IAsyncLifetime
{
    private const string MasterKey = "master-key-for-metrics";

    private const string Entities =
        """
        id,type,name,metadata,media_url
        a,p,A,"{""price"": 1.5}",
        b,p,B,"{""price"": ""high""}",
        c,p,C,"{""price"": 2}",
        d,p,D,"{""price"": ""x""}",
        e,p,E,,

        """;

    private readonly IntakeServerFactory _factory;

    // Fails each delivery's first attempt, so one import's webhook counts one failed attempt and one delivered.
    private readonly WebhookReceiver _receiver = new((_, before) => before == 0 ? 500 : 200);
    private IntakeClient _client = null!;

    protected MetricsTests()
    {
        _factory = CreateFactory(new Dictionary<string, string?>
        {
            ["Security:MasterKey"] = MasterKey,
            ["BackPressure:MaxQueuedImports"] = "500",
            ["BackPressure:MaxQueuedImportsPerDataset"] = "50",
            ["Webhooks:RetryBaseMilliseconds"] = "100",
            ["Webhooks:PollMilliseconds"] = "50",
        });
    }

    protected abstract IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings);

    public Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        _client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", MasterKey);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_replace_load_counts_the_stored_records_it_deleted()
    {
        await _client.CreateDatasetAsync("metrics-replace");
        await _client.ImportAsync("metrics-replace", "id,type,name,metadata,media_url\na,p,A,,\nb,p,B,,\nc,p,C,,\n");
        var before = await ScrapeAsync(_client.Http);

        await _client.ImportAsync("metrics-replace", "id,type,name,metadata,media_url\na,p,A,,\n", "?mode=replace");
        var after = await ScrapeAsync(_client.Http);

        Assert.Equal(2, after.Sum("intake_records_deleted_total", ("record_kind", "entity")) - before.Sum("intake_records_deleted_total", ("record_kind", "entity")));
        Assert.Equal("counter", after.Types["intake_records_deleted_total"]);
    }

    [Fact]
    public async Task Metrics_parse_as_Prometheus_text_and_move_by_the_right_amounts_after_a_load_with_rejections()
    {
        await _client.CreateDatasetAsync("metrics");
        using (var webhook = await _client.Http.PostAsJsonAsync("/v1/webhooks", new { url = _receiver.Url, events = new[] { "import.completed_with_errors" } }))
        {
            await IntakeClient.ExpectAsync(webhook, HttpStatusCode.Created);
        }

        var before = await ScrapeAsync(_client.Http);

        var import = await _client.ImportAsync("metrics", Entities);
        Assert.Equal("completed_with_errors", (string)import["status"]!);
        await _receiver.WaitForAsync(r => r.Count == 2);
        var after = await ScrapeAsync(_client.Http);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (after.Sum("intake_webhook_deliveries_total", ("outcome", "delivered")) - before.Sum("intake_webhook_deliveries_total", ("outcome", "delivered")) < 1 &&
               DateTime.UtcNow < deadline)
        {
            // The second attempt is counted once it is recorded, a moment after the receiver answered it.
            await Task.Delay(50);
            after = await ScrapeAsync(_client.Http);
        }

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        var entity = ("record_kind", "entity");
        Assert.Equal(1, Delta("intake_imports_accepted_total"));
        Assert.Equal(1, Delta("intake_imports_finished_total", ("status", "completed_with_errors"), entity));
        Assert.Equal(1, Delta("intake_imports_finished_total"));
        Assert.Equal(5, Delta("intake_records_read_total"));
        Assert.Equal(3, Delta("intake_records_written_total", entity));
        Assert.Equal(2, Delta("intake_records_rejected_total", entity));
        Assert.Equal(Encoding.UTF8.GetByteCount(Entities), Delta("intake_received_bytes_total"));
        Assert.Equal(1, Delta("intake_load_duration_seconds_count", ("status", "completed_with_errors"), entity));
        Assert.True(Delta("intake_load_duration_seconds_sum") > 0);
        Assert.Equal("histogram", after.Types["intake_load_duration_seconds"]);
        Assert.Equal("counter", after.Types["intake_records_read_total"]);
        Assert.Equal(1, Delta("intake_webhook_deliveries_total", ("outcome", "failed")));
        Assert.Equal(1, Delta("intake_webhook_deliveries_total", ("outcome", "delivered")));
        Assert.Equal(0, Delta("intake_webhook_deliveries_total", ("outcome", "gave_up")));

        foreach (var kind in new[] { "file_upload", "dataset_load", "clear_data", "delete_batch", "delete_dataset" })
        {
            Assert.Equal(0, after.Sum("intake_jobs_queued", ("kind", kind)));
            Assert.Contains(after.Samples.Keys, k => k.StartsWith("intake_jobs_running{", StringComparison.Ordinal) && k.Contains($"kind=\"{kind}\"", StringComparison.Ordinal));
        }

        Assert.Equal(0, after.Sum("intake_jobs_oldest_queued_age_seconds"));
        Assert.Equal(0, after.Sum("intake_imports_queued"));
        Assert.Equal(500, after.Sum("intake_imports_queue_cap", ("scope", "total")));
        Assert.Equal(50, after.Sum("intake_imports_queue_cap", ("scope", "per_dataset")));

        // What the instrumentation gives: request durations and .NET runtime metrics.
        Assert.True(after.Sum("http_server_request_duration_seconds_count") > 0);
        Assert.Contains(after.Types.Keys, name => name.StartsWith("dotnet_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_need_the_read_scope_when_a_master_key_is_set()
    {
        using var anonymous = new HttpClient { BaseAddress = _client.Http.BaseAddress };
        using var refused = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var created = await _client.Http.PostAsJsonAsync("/v1/keys", new { name = "scraper", scopes = new[] { "read" } });
        var secret = (string)(await IntakeClient.ExpectAsync(created, HttpStatusCode.Created))["secret"]!;
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var scraped = await ScrapeAsync(anonymous);
        Assert.Contains(scraped.Types.Keys, name => name.StartsWith("intake_", StringComparison.Ordinal));
    }

    public static async Task<PrometheusText> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"/metrics answered {(int)response.StatusCode}: {text}");
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(text);
    }
}

[Collection(MetricsCollection.Name)]
public sealed class SqliteMetricsTests : MetricsTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings) => new(settings);

    /// <summary>The listener is a hosting matter, the same for both stores, so one server process shows it.</summary>
    [Fact]
    public async Task A_separate_metrics_listener_serves_metrics_and_nothing_else()
    {
        var port = FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "metrics-port-" + Guid.NewGuid().ToString("N"));
        await using var server = await ServerProcess.StartAsync(dataDirectory, new Dictionary<string, string> { ["Telemetry:MetricsUrl"] = $"http://127.0.0.1:{port}" });
        using var metrics = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var api = server.CreateClient().Http;

        var scraped = await ScrapeAsync(metrics);
        Assert.Contains(scraped.Types.Keys, name => name.StartsWith("intake_", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await metrics.GetAsync("/v1/datasets")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/v1/datasets")).StatusCode);
        await server.KillAsync();
        Directory.Delete(dataDirectory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[Collection(MetricsCollection.Name)]
public sealed class PostgresMetricsTests : MetricsTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings) => new PostgresServerFactory(settings);
}
