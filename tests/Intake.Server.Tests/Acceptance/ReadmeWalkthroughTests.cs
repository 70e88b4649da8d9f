using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Acceptance;

/// <summary>
/// The README's walkthrough replayed as printed, with only the host changed (<see cref="ReadmeScript"/>): every
/// command answers with a success, every <c># =&gt;</c> line matches what came back, and the datasets end as the
/// README says. A README edit that breaks its own walkthrough fails here.
/// </summary>
public abstract class ReadmeWalkthroughTests(IntakeServerFactory factory) : IAsyncLifetime
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "intake-tests", "readme-" + Guid.NewGuid().ToString("N"));
    private readonly List<Process> _background = [];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var process in _background)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }

        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_readme_walkthrough_runs_as_printed_and_ends_as_it_says()
    {
        var script = ReadmeScript.Load();
        Assert.True(script.Steps.Count(s => s.Command.Contains("curl ", StringComparison.Ordinal)) >= 15, "The walkthrough's curl commands were not found.");

        var answers = await script.RunAsync(_directory, _client.Http.BaseAddress!, FreePort(), StartInBackgroundAsync);

        foreach (var answer in answers.Where(a => a.Status != 0))
        {
            Assert.True(answer.Status is >= 200 and < 300, $"{answer.Command}\nanswered {answer.Status}: {answer.Body}");
            if (answer.Step.Expected is not { } expected)
            {
                continue;
            }

            if (ReadmeScript.ExpectedStatus(expected) is { } status)
            {
                Assert.True(status == answer.Status, $"{answer.Command}\nanswered {answer.Status}, the README says {status}");
            }

            var compact = ReadmeScript.TryParse(answer.Body)?.ToJsonString() ?? answer.Body;
            foreach (var pair in ReadmeScript.ExpectedPairs(expected))
            {
                Assert.True(compact.Contains(pair, StringComparison.Ordinal), $"{answer.Command}\nanswered {compact}\nwithout {pair} (README: {expected})");
            }
        }

        await EndsAsTheReadmeSaysAsync(answers);
    }

    private async Task EndsAsTheReadmeSaysAsync(IReadOnlyList<ReadmeScript.Answer> answers)
    {
        // Load a file: two of the three products loaded, the third was rejected for its price.
        Assert.Equal(2, (long)(await _client.CountsAsync("shop"))["entities"]!);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.Http.GetAsync("/v1/datasets/shop/entities/product/sku-2")).StatusCode);
        var errors = answers.Single(a => a.Command.Contains("/errors", StringComparison.Ordinal)).Body;
        Assert.Contains("Attribute price with value [cheap] is not of double type.", errors);

        // Data-batch: the batch was archived, then deleted.
        var upload = answers.Single(a => a.Command.Contains("-X POST", StringComparison.Ordinal) && a.Command.Contains("/data_batch?", StringComparison.Ordinal));
        var batchId = (string)ReadmeScript.TryParse(upload.Body)!["batch_id"]!;
        using var batchResponse = await _client.Http.GetAsync($"/data_batch?batch_id={batchId}");
        var batch = await IntakeClient.ExpectAsync(batchResponse, HttpStatusCode.OK);
        Assert.Equal(("deleted", true), ((string)batch["status"]!, (bool)batch["archived"]!));

        // Table-batch: the item fetched from the local file server is in the table.
        var apple = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/products/entities/item/item01"))!;
        Assert.Equal((10, "France"), ((int)apple["attributes"]!["quantity"]!, (string)apple["attributes"]!["origin"]!));

        // Bulk-write: the upload loaded one customer, then Clear Data removed it and kept the dataset.
        var clear = ReadmeScript.TryParse(answers[^1].Body)!;
        var job = await _client.WaitForJobAsync((string)clear["id"]!);
        Assert.Equal(("clear_data", "completed", """{"removed":1}"""), ((string)job["type"]!, (string)job["status"]!, job["stats"]!.ToJsonString()));
        Assert.Equal(0, (long)(await _client.CountsAsync("crm"))["total"]!);
    }

    private async Task StartInBackgroundAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = _directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec " + command);
        var process = Process.Start(start)!;
        _background.Add(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var port = int.Parse(command.Split(' ').First(p => p.All(char.IsDigit) && p.Length > 3), System.Globalization.CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class SqliteReadmeWalkthroughTests(SqliteServerFactory factory) : ReadmeWalkthroughTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresReadmeWalkthroughTests(PostgresServerFactory factory) : ReadmeWalkthroughTests(factory), IClassFixture<PostgresServerFactory>;
