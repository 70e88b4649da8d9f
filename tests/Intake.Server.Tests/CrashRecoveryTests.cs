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
