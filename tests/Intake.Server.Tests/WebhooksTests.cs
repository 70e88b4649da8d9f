using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Core.Scheduling;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests;

/// <summary>
/// Webhooks against a real receiver on 127.0.0.1 (allowed by configuration): every event kind signed correctly,
/// retries with the same delivery id, and a receiver that hangs cut off by the timeout.
/// </summary>
public abstract class WebhooksTests : IAsyncLifetime
{
    private const string Good = "id,type,name,metadata,media_url\nA,p,a,,\n";
    private const string WithErrors = "id,type,name,metadata,media_url\nA,p,a,\"{\"\"n\"\": 1}\",\nB,p,b,\"{\"\"n\"\": \"\"x\"\"}\",\n";
    private const string NoRecordType = "nothing,we,know\n1,2,3\n";

    private readonly LoadGate _gate = new();
    private readonly IntakeServerFactory _factory;
    private readonly WebhookReceiver _receiver = new();
    private IntakeClient _client = null!;

    protected WebhooksTests()
    {
        _factory = CreateFactory(new Dictionary<string, string?>
        {
            ["Webhooks:TimeoutSeconds"] = "1",
            ["Webhooks:RetryBaseMilliseconds"] = "100",
            ["Webhooks:RetryMaxMilliseconds"] = "400",
            ["Webhooks:PollMilliseconds"] = "50",
        }, services => services.AddSingleton<IFaultInjector>(_gate));
    }

    protected abstract IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services);

    public Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task Every_event_kind_reaches_the_receiver_correctly_signed_and_the_webhook_api_manages_subscriptions()
    {
        var (webhookId, secret) = await CreateWebhookAsync(["import.completed", "import.completed_with_errors", "import.failed", "import.canceled", "job.failed", "import.quality_warning"]);
        await _client.CreateDatasetAsync("hooks");

        // Canceled twice: one while queued behind a load held at the gate, then the held load itself.
        var held = await _client.UploadAsync("hooks", Good);
        await _gate.Held.WaitAsync(TimeSpan.FromSeconds(30));
        var queued = await _client.UploadAsync("hooks", Good);
        await CancelAsync((string)queued["id"]!);
        _gate.Open();
        await CancelAsync((string)held["id"]!);

        var completed = await _client.ImportAsync("hooks", Good);
        var withErrors = await _client.ImportAsync("hooks", WithErrors);
        var failed = await _client.ImportAsync("hooks", NoRecordType);
        Assert.Equal(["completed", "completed_with_errors", "failed"], new[] { completed, withErrors, failed }.Select(i => (string)i["status"]!));

        // A URL import whose fetch fails: the file_upload job fails, and so does its import.
        using (var fetch = await _client.Http.PostAsJsonAsync("/v1/datasets/hooks/imports", new { url = "http://127.0.0.1:9/missing.csv" }))
        {
            await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(fetch, HttpStatusCode.Accepted))["id"]!);
        }

        var expected = new Dictionary<string, int>
        {
            ["import.canceled"] = 2, ["import.completed"] = 1, ["import.completed_with_errors"] = 1, ["import.failed"] = 2, ["job.failed"] = 2,
        };
        var received = await _receiver.WaitForAsync(r => expected.All(e => r.Count(x => x.Event == e.Key) >= e.Value));
        Assert.Equal(expected, received.GroupBy(r => r.Event).ToDictionary(g => g.Key, g => g.Count()));
        foreach (var delivery in received)
        {
            Assert.True(delivery.IsSignedWith(secret), $"Bad signature on {delivery.Event} {delivery.DeliveryId}.");
            Assert.InRange(delivery.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
            var body = delivery.Json;
            Assert.Equal((delivery.DeliveryId, delivery.Event), ((string)body["id"]!, (string)body["event"]!));
            var data = body["data"]!.AsObject();
            Assert.False(data.ContainsKey("errors"));
            Assert.False(data.ContainsKey("history"));
            if (delivery.Event.StartsWith("import.", StringComparison.Ordinal))
            {
                Assert.Equal(delivery.Event["import.".Length..], (string)data["status"]!);
                Assert.Equal("hooks", (string)data["dataset_id"]!);
            }
            else
            {
                Assert.Equal("failed", (string)data["status"]!);
                Assert.Contains((string)data["type"]!, new[] { "dataset_load", "file_upload" });
            }
        }

        Assert.Contains(received, r => r.Event == "import.completed_with_errors" && (string)r.Json["data"]!["id"]! == (string)withErrors["id"]!);
        Assert.Contains(received, r => r.Event == "import.failed" && (string)r.Json["data"]!["error"]!["code"]! == "header_mismatch");
        Assert.Contains(received, r => r.Event == "import.failed" && (string)r.Json["data"]!["error"]!["code"]! == "fetch_failed");

        // The test ping, whatever the webhook subscribes to.
        using (var ping = await _client.Http.PostAsync($"/v1/webhooks/{webhookId}/ping", null))
        {
            await IntakeClient.ExpectAsync(ping, HttpStatusCode.Accepted);
        }

        var pinged = (await _receiver.WaitForAsync(r => r.Any(x => x.Event == "webhook.ping"))).Single(r => r.Event == "webhook.ping");
        Assert.True(pinged.IsSignedWith(secret));
        Assert.Null(pinged.Json["data"]);

        var deliveries = await WaitForDeliveriesAsync(webhookId, d => d.Count == 9 && d.All(x => (string)x["status"]! == "delivered"));
        Assert.All(deliveries, d => Assert.Equal([200], d["history"]!.AsArray().Select(a => (int)a!["status_code"]!)));

        var listed = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/webhooks"))!["items"]!.AsArray();
        Assert.Equal(webhookId, (string)listed.Single()!["id"]!);
        Assert.False(listed.Single()!.AsObject().ContainsKey("secret"));
        Assert.Equal(_receiver.Url, (string)(await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/webhooks/{webhookId}"))!["url"]!);
        using (var deleted = await _client.Http.DeleteAsync($"/v1/webhooks/{webhookId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await _client.Http.GetAsync($"/v1/webhooks/{webhookId}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("webhook_not_found", (string)(await IntakeClient.ProblemAsync(gone))["code"]!);
    }

    [Fact]
    public async Task A_load_that_crosses_a_quality_threshold_sends_import_quality_warning_beside_its_completion()
    {
        _gate.Open();
        var (webhookId, secret) = await CreateWebhookAsync(["import.quality_warning"]);
        await _client.CreateDatasetAsync("hooks-quality");
        await _client.CreateDatasetAsync("hooks-no-thresholds");
        using (var set = await _client.Http.PatchAsJsonAsync("/v1/datasets/hooks-quality", new { quality = new { min_interactions = 10 } }))
        {
            await IntakeClient.ExpectAsync(set, HttpStatusCode.OK);
        }

        const string events = "type,source_id,target_id,timestamp,metadata\nclick,u1,i1,2024-03-01T12:00:00Z,\nclick,u2,i1,2024-03-01T12:05:00Z,\n";
        var crossed = await _client.ImportAsync("hooks-quality", events);
        var plain = await _client.ImportAsync("hooks-no-thresholds", events);

        Assert.Equal(["completed", "completed"], new[] { crossed, plain }.Select(i => (string)i["status"]!));
        Assert.Contains(crossed["warnings"]!.AsArray(), w => (string)w!["code"]! == "quality_threshold_crossed");
        var delivery = (await _receiver.WaitForAsync(r => r.Any(x => x.Event == "import.quality_warning"))).Single();
        Assert.True(delivery.IsSignedWith(secret));
        Assert.Equal((string)crossed["id"]!, (string)delivery.Json["data"]!["id"]!);
        Assert.Contains(delivery.Json["data"]!["warnings"]!.AsArray(), w => (string)w!["code"]! == "quality_threshold_crossed");
        var deliveries = await WaitForDeliveriesAsync(webhookId, d => d.Count >= 1 && d.All(x => (string)x["status"]! == "delivered"));
        Assert.Equal([(string)crossed["id"]!], deliveries.Select(d => (string)d["import_id"]!));
    }

    [Fact]
    public async Task Unknown_events_short_secrets_and_private_targets_are_refused()
    {
        foreach (var (body, code) in new (object, string)[]
        {
            (new { url = _receiver.Url, events = new[] { "import.exploded" } }, "invalid_request"),
            (new { url = _receiver.Url, events = Array.Empty<string>() }, "invalid_request"),
            (new { url = _receiver.Url, events = new[] { "job.failed" }, secret = "short" }, "invalid_request"),
            (new { url = "http://10.1.2.3/hook", events = new[] { "job.failed" } }, "url_not_allowed"),
            (new { url = "http://169.254.169.254/latest", events = new[] { "job.failed" } }, "url_not_allowed"),
            (new { url = "ftp://example.com/hook", events = new[] { "job.failed" } }, "url_not_allowed"),
            (new { url = _receiver.Url, events = new[] { "job.failed" }, dataset = "shop" }, "unknown_parameter"),
        })
        {
            using var response = await _client.Http.PostAsJsonAsync("/v1/webhooks", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(code, (string)(await IntakeClient.ProblemAsync(response))["code"]!);
        }
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_then_succeeds_gets_the_delivery_on_the_third_attempt_with_the_same_delivery_id()
    {
        _gate.Open();
        _receiver.Respond = (_, before) => before < 2 ? 500 : 200;
        var (webhookId, secret) = await CreateWebhookAsync(["import.completed"]);
        await _client.CreateDatasetAsync("retry");
        await _client.ImportAsync("retry", Good);

        var received = await _receiver.WaitForAsync(r => r.Count >= 3);
        var delivery = Assert.Single((await WaitForDeliveriesAsync(webhookId, d => d.Count == 1 && (string)d[0]["status"]! == "delivered")));

        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.DeliveryId).Distinct());
        Assert.Equal((string)delivery["id"]!, received[0].DeliveryId);
        Assert.Equal([1, 2, 3], received.Select(r => r.Attempt));
        Assert.All(received, r => Assert.True(r.IsSignedWith(secret)));
        Assert.Equal(3, (int)delivery["attempts"]!);
        Assert.Equal([500, 500, 200], delivery["history"]!.AsArray().Select(a => (int)a!["status_code"]!));
        Assert.Contains("500", (string)delivery["history"]![0]!["error"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_receiver_that_hangs_is_cut_off_by_the_timeout_and_the_delivery_is_retried()
    {
        _gate.Open();
        _receiver.Respond = (_, before) => before == 0 ? -1 : 200;
        var (webhookId, _) = await CreateWebhookAsync(["import.completed"]);
        await _client.CreateDatasetAsync("hang");
        await _client.ImportAsync("hang", Good);

        var delivery = Assert.Single(await WaitForDeliveriesAsync(webhookId, d => d.Count == 1 && (string)d[0]["status"]! == "delivered"));

        var history = delivery["history"]!.AsArray();
        Assert.Equal(2, history.Count);
        Assert.Null(history[0]!["status_code"]);
        Assert.Contains("did not answer within 1 s", (string)history[0]!["error"]!, StringComparison.Ordinal);
        Assert.InRange((int)history[0]!["duration_ms"]!, 900, 10_000);
        Assert.Equal(200, (int)history[1]!["status_code"]!);
    }

    private async Task<(string Id, string Secret)> CreateWebhookAsync(string[] events)
    {
        using var response = await _client.Http.PostAsJsonAsync("/v1/webhooks", new { url = _receiver.Url, events });
        var created = await IntakeClient.ExpectAsync(response, HttpStatusCode.Created);
        Assert.StartsWith("whsec_", (string)created["secret"]!, StringComparison.Ordinal);
        return ((string)created["id"]!, (string)created["secret"]!);
    }

    private async Task CancelAsync(string importId)
    {
        using var response = await _client.Http.PostAsync($"/v1/imports/{importId}/cancel", null);
        Assert.Equal("canceled", (string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.OK))["status"]!);
    }

    private async Task<List<JsonObject>> WaitForDeliveriesAsync(string webhookId, Func<List<JsonObject>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var page = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/webhooks/{webhookId}/deliveries"))!;
            var deliveries = page["items"]!.AsArray().Select(d => d!.AsObject()).ToList();
            if (done(deliveries))
            {
                return deliveries;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Deliveries of {webhookId} are still: {page.ToJsonString()}");
            }

            await Task.Delay(50);
        }
    }
}

public sealed class SqliteWebhooksTests : WebhooksTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services) =>
        new(settings, services);
}

public sealed class PostgresWebhooksTests : WebhooksTests
{
    protected override IntakeServerFactory CreateFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> services) =>
        new PostgresServerFactory(settings, services);
}
