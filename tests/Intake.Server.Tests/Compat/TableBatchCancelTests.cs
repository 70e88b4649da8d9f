using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Compat;

/// <summary>The cancel examples of the table-batch document, on a server with one worker kept busy by a slow fetch.</summary>
public abstract class TableBatchCancelTests : IAsyncLifetime
{
    protected static readonly IReadOnlyDictionary<string, string?> OneWorker = new Dictionary<string, string?> { ["Worker:Count"] = "1" };

    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;
    private LocalFileServer _files = null!;

    protected TableBatchCancelTests()
    {
        _factory = CreateFactory();
    }

    protected abstract IntakeServerFactory CreateFactory();

    public async Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        _files = await LocalFileServer.StartAsync(new Dictionary<string, string>
        {
            ["/slow_items.csv"] = "\"itemId\",\"name\"\n\"item01\",\"apple\"\n",
            ["/items_file.csv"] = "\"itemId\",\"name\"\n\"item02\",\"orange\"\n",
        });
        await _client.CreateDatasetAsync("products");
    }

    public async Task DisposeAsync()
    {
        await _files.DisposeAsync();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_queued_request_is_canceled_and_an_uploading_one_is_refused()
    {
        var busy = await SubmitAsync("/slow_items.csv");
        var queued = await SubmitAsync("/items_file.csv");
        await WaitForStatusAsync((string)busy["requestId"]!, "uploading");

        using var cancel = await _client.Http.DeleteAsync($"/v2/recomm/products/items/batch/{(string)queued["requestId"]!}");
        var canceled = await IntakeClient.ExpectAsync(cancel, HttpStatusCode.OK);
        using var refused = await _client.Http.DeleteAsync($"/v2/recomm/products/items/batch/{(string)busy["requestId"]!}");

        Assert.Equal($$"""{"requestId":"{{(string)queued["requestId"]!}}","status":"canceled"}""", canceled.ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("is uploading; only a queued request can be canceled", (string)(await IntakeClient.ProblemAsync(refused))["detail"]!);
        await WaitForStatusAsync((string)busy["requestId"]!, "completed");
        Assert.Equal("canceled", (string)(await StatusAsync((string)queued["requestId"]!))["status"]!);
        Assert.Equal(1, (long)(await _client.CountsAsync("products"))["entities"]!);
    }

    private async Task<JsonObject> SubmitAsync(string file)
    {
        using var response = await _client.Http.PostAsJsonAsync("/v2/recomm/products/items/batch", new { url = _files.Url(file), format = "csv" });
        return await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
    }

    private async Task<JsonObject> StatusAsync(string requestId) =>
        (await _client.Http.GetFromJsonAsync<JsonObject>($"/v2/recomm/products/items/batch/{requestId}"))!;

    private async Task WaitForStatusAsync(string requestId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((string)(await StatusAsync(requestId))["status"]! != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"request {requestId} never became {status}");
            await Task.Delay(20);
        }
    }
}

public sealed class SqliteTableBatchCancelTests : TableBatchCancelTests
{
    protected override IntakeServerFactory CreateFactory() => new(OneWorker);
}
