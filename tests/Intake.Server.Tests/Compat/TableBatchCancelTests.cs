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
            ["/users_file.csv"] = "\"userId\",\"name\"\n\"user01\",\"Katherine Johnson\"\n",
            ["/interactions_file.csv"] = "\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"user01\",\"item01\",1581681280254,\"givestars\",1\n",
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
        await AssertRefusedAsync(refused, (string)busy["requestId"]!, "uploading");
        await WaitForStatusAsync((string)busy["requestId"]!, "completed");
        Assert.Equal("canceled", (string)(await StatusAsync((string)queued["requestId"]!))["status"]!);
        Assert.Equal(1, (long)(await _client.CountsAsync("products"))["entities"]!);
    }

    [Fact]
    public async Task The_three_cancel_examples_cancel_queued_items_users_and_interactions()
    {
        var busy = await SubmitAsync("/slow_items.csv");
        var items = await SubmitAsync("/items_file.csv");
        var users = await SubmitAsync("/users_file.csv", "/v2/recomm/users/batch");
        var interactions = await SubmitAsync("/interactions_file.csv", "/v2/recomm/products/interactions/batch");
        await WaitForStatusAsync((string)busy["requestId"]!, "uploading");

        // The document's own paths: the users example cancels through the items path.
        foreach (var (request, path) in new[]
                 {
                     (items, "/v2/recomm/products/items/batch/"), (users, "/v2/recomm/products/items/batch/"),
                     (interactions, "/v2/recomm/products/interactions/batch/"),
                 })
        {
            using var response = await _client.Http.DeleteAsync(path + (string)request["requestId"]!);
            var canceled = await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);
            Assert.Equal($$"""{"requestId":"{{(string)request["requestId"]!}}","status":"canceled"}""", canceled.ToJsonString());
        }

        Assert.Equal("canceled", (string)(await _client.Http.GetFromJsonAsync<JsonObject>($"/v2/recomm/users/batch/{(string)users["requestId"]!}"))!["status"]!);
    }

    [Fact]
    public async Task A_completed_or_already_canceled_request_is_refused_with_its_status_word()
    {
        var busy = await SubmitAsync("/slow_items.csv");
        var queued = await SubmitAsync("/items_file.csv");
        await WaitForStatusAsync((string)busy["requestId"]!, "uploading");
        using (var first = await _client.Http.DeleteAsync($"/v2/recomm/products/items/batch/{(string)queued["requestId"]!}"))
        {
            await IntakeClient.ExpectAsync(first, HttpStatusCode.OK);
        }

        await WaitForStatusAsync((string)busy["requestId"]!, "completed");
        using var again = await _client.Http.DeleteAsync($"/v2/recomm/products/items/batch/{(string)queued["requestId"]!}");
        using var completed = await _client.Http.DeleteAsync($"/v2/recomm/products/items/batch/{(string)busy["requestId"]!}");

        await AssertRefusedAsync(again, (string)queued["requestId"]!, "canceled");
        await AssertRefusedAsync(completed, (string)busy["requestId"]!, "completed");
        Assert.Equal("completed", (string)(await StatusAsync((string)busy["requestId"]!))["status"]!);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string requestId, string statusWord)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("InvalidArgumentException", (string)problem["code"]!);
        Assert.Equal($"Request {requestId} is {statusWord}; only a queued request can be canceled.", (string)problem["detail"]!);
    }

    private async Task<JsonObject> SubmitAsync(string file, string path = "/v2/recomm/products/items/batch")
    {
        using var response = await _client.Http.PostAsJsonAsync(path, new { url = _files.Url(file), format = "csv" });
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

public sealed class PostgresTableBatchCancelTests : TableBatchCancelTests
{
    protected override IntakeServerFactory CreateFactory() => new PostgresServerFactory(OneWorker);
}
