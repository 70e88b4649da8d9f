using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

public sealed class CrashRecoveryTests : IDisposable
{
    private const int Rows = 600_000;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Killed_server_redoes_a_processing_import_from_its_staged_file_exactly_once()
    {
        string importId;
        await using (var server = await ServerProcess.StartAsync(_dataDirectory))
        {
            var client = server.CreateClient();
            await client.CreateDatasetAsync("crash");
            var import = await client.UploadAsync("crash", InteractionsCsv(Rows));
            importId = (string)import["id"]!;
            var processing = await client.WaitForAsync(importId, status => status != "queued");
            Assert.Equal("processing", (string)processing["status"]!);
            await server.KillAsync();
        }

        await using (var server = await ServerProcess.StartAsync(_dataDirectory))
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

    public void Dispose()
    {
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
