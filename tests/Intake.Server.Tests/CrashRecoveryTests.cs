using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;
using Intake.Tests.Shared;

namespace Intake.Server.Tests;

/// <summary>
/// A server killed while it loads, and a new process on the same store. Each provider gives the settings of
/// both processes: its store, and whatever lets the new process take the dead one's job over.
/// </summary>
public abstract class CrashRecoveryTests : IAsyncLifetime
{
    private const int Rows = 600_000;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "crash-" + Guid.NewGuid().ToString("N"));
    private IReadOnlyDictionary<string, string> _settings = null!;

    protected abstract Task<IReadOnlyDictionary<string, string>> CreateStoreSettingsAsync();

    protected virtual Task DeleteStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _settings = await CreateStoreSettingsAsync();

    [Fact]
    public async Task Killed_server_redoes_a_processing_import_from_its_staged_file_exactly_once()
    {
        string importId;
        await using (var server = await ServerProcess.StartAsync(_dataDirectory, _settings))
        {
            var client = server.CreateClient();
            await client.CreateDatasetAsync("crash");
            var import = await client.UploadAsync("crash", InteractionsCsv(Rows));
            importId = (string)import["id"]!;
            var processing = await client.WaitForAsync(importId, status => status != "queued");
            Assert.Equal("processing", (string)processing["status"]!);
            await server.KillAsync();
        }

        await using (var server = await ServerProcess.StartAsync(_dataDirectory, _settings))
        {
            var client = server.CreateClient();
            var done = await client.WaitForFinalAsync(importId);

            Assert.Equal("completed", (string)done["status"]!);
            Assert.Equal(Rows, (long)done["progress"]!["records_written"]!);
            Assert.Equal(Rows, (long)(await client.CountsAsync("crash"))["interactions"]!);
            var exported = await client.Http.GetStringAsync("/v1/datasets/crash/export?kind=interaction");
            Assert.Equal(Rows, exported.Count(c => c == '\n'));
            var load = (await client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)done["jobs"]!["dataset_load"]!}"))!;
            Assert.Equal(2, (int)load["attempts"]!);
            Assert.Contains(load["history"]!.AsArray(), h => (string)h!["status"]! == "queued" && ((string?)h["reason"])?.Contains("redelivered") == true);
        }
    }

    [Fact]
    public async Task A_webhook_delivery_cut_short_by_a_kill_after_the_final_transition_is_delivered_after_restart_with_the_same_id()
    {
        // The first attempt hangs at the receiver, so the server is certainly killed after the import's final
        // transition (which wrote the delivery) and before the delivery was recorded as sent.
        await using var receiver = new WebhookReceiver((_, before) => before == 0 ? -1 : 200);
        var settings = new Dictionary<string, string>(_settings)
        {
            ["UrlImports:AllowedAddresses:0"] = "127.0.0.1",
            ["Webhooks:TimeoutSeconds"] = "3",
            ["Webhooks:PollMilliseconds"] = "100",
        };
        string importId, secret;
        ReceivedWebhook first;
        await using (var server = await ServerProcess.StartAsync(_dataDirectory, settings))
        {
            var client = server.CreateClient();
            using var created = await client.Http.PostAsJsonAsync("/v1/webhooks", new { url = receiver.Url, events = new[] { "import.completed" } });
            secret = (string)(await IntakeClient.ExpectAsync(created, System.Net.HttpStatusCode.Created))["secret"]!;
            await client.CreateDatasetAsync("hooked");
            importId = (string)(await client.UploadAsync("hooked", "id,type,name,metadata,media_url\nA,p,a,,\n"))["id"]!;
            first = (await receiver.WaitForAsync(r => r.Count >= 1))[0];
            await server.KillAsync();
        }

        receiver.ReleaseHung();
        await using (var server = await ServerProcess.StartAsync(_dataDirectory, settings))
        {
            var client = server.CreateClient();
            var again = (await receiver.WaitForAsync(r => r.Count >= 2))[1];
            var webhookId = (string)(await client.Http.GetFromJsonAsync<JsonObject>("/v1/webhooks"))!["items"]![0]!["id"]!;
            var delivery = await WaitForDeliveredAsync(client, webhookId);

            Assert.Equal(first.DeliveryId, again.DeliveryId);
            Assert.Equal((string)delivery["id"]!, again.DeliveryId);
            Assert.True(again.IsSignedWith(secret));
            Assert.Equal(("import.completed", importId, "completed"), (again.Event, (string)again.Json["data"]!["id"]!, (string)again.Json["data"]!["status"]!));
            Assert.Equal(200, (int)delivery["history"]!.AsArray()[^1]!["status_code"]!);
            Assert.Equal(2, receiver.Received.Count);
        }
    }

    public async Task DisposeAsync()
    {
        await DeleteStoreAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private static async Task<JsonObject> WaitForDeliveredAsync(IntakeClient client, string webhookId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var items = (await client.Http.GetFromJsonAsync<JsonObject>($"/v1/webhooks/{webhookId}/deliveries"))!["items"]!.AsArray();
            if (items.Count == 1 && (string)items[0]!["status"]! == "delivered")
            {
                return items[0]!.AsObject();
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The delivery is still: {items.ToJsonString()}");
            }

            await Task.Delay(50);
        }
    }

    private static byte[] InteractionsCsv(int rows)
    {
        var text = new StringBuilder("type,source_id,target_id,timestamp,metadata\n", rows * 64);
        for (var i = 0; i < rows; i++)
        {
            text.Append("view,user").Append(i % 5000).Append(",item").Append(i).Append(",1700000000000,\"{\"\"n\"\":").Append(i).Append("}\"\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}

/// <summary>SQLite recovers every processing job when its one process starts again.</summary>
public sealed class SqliteCrashRecoveryTests : CrashRecoveryTests
{
    protected override Task<IReadOnlyDictionary<string, string>> CreateStoreSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
}

/// <summary>
/// PostgreSQL cannot tell a dead node from a live one at start, so the new process takes the job over when its
/// lease runs out: a short lease keeps that wait to seconds.
/// </summary>
public sealed class PostgresCrashRecoveryTests : CrashRecoveryTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<IReadOnlyDictionary<string, string>> CreateStoreSettingsAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync("intake_crash");
        return new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = _database.ConnectionString,
            ["Worker:LeaseSeconds"] = "3",
        };
    }

    protected override async Task DeleteStoreAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
