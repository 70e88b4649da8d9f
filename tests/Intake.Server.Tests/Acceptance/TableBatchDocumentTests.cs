using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Acceptance;

/// <summary>
/// Every example of the table-batch document (seeds/001) in the order it prints them, with only the host changed:
/// its files are served from 127.0.0.1 where its curl examples point, and its requests carry its headers. The items
/// and interactions CSV and JSON examples are the same records in two formats, so each format loads into a table
/// of its own; users have one account-wide table, so both users files load there, which is what issue 11 found
/// failing. The "not added" and cancel examples show outcomes of states the document does not print; the files
/// that make those states are named below. One worker, so a slow fetch keeps later requests queued to cancel.
/// </summary>
public abstract class TableBatchDocumentTests(IntakeServerFactory factory) : IAsyncLifetime
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();
    private LocalFileServer _files = null!;

    public async Task InitializeAsync() => _files = await LocalFileServer.StartAsync(new()
    {
        ["/items_file.csv"] = "\"itemId\",\"name\",\"quantity\",\"origin\",\"price\"\n\"item01\",\"apple\",10,\"France\",1.75\n\"item02\",\"orange\",7,\"Spain\",0.98\n\"item03\",\"banana\",12,\"Colombia\",0.76\n",
        ["/items_file.json"] = """[{"itemId": "item01", "name": "apple", "quantity": 10, "origin": "France", "price": 1.75}, {"itemId": "item02", "name": "orange", "quantity": 7, "origin": "Spain", "price": 0.98}, {"itemId": "item03", "name": "banana", "quantity": 12, "origin": "Colombia", "price": 0.76}]""",
        ["/users_file.csv"] = "\"userId\",\"name\",\"interests\",\"age\"\n\"user01\",\"Katherine Johnson\",\"science,technology,travel\",35\n\"user02\",\"Ingrid Daubechies\",\"technology,education\",66\n",
        ["/users_file.json"] = """[{"userId": "item01", "name": "Katherine Johnson", "interests": ["science","technology","travel"], "age": 35}, {"userId": "item02", "name": "Ingrid Daubechies", "interests": ["technology","education"], "age": 66}]""",
        ["/interactions_file.csv"] = "\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"user01\",\"item01\",1581681280254,\"givestars\",1\n\"user01\",\"item03\",1581680282301,\"givestars\",5\n\"user02\",\"item02\",1581673287916,\"givestars\",4\n",
        ["/interactions_file.json"] = """[{"userId": "user01", "itemId": "item01", "timestamp": 1581681280254, "interactionName": "givestars", "value": 1}, {"userId": "user01", "itemId": "item03", "timestamp": 1581680282301, "interactionName": "givestars", "value": 5}, {"userId": "user02", "itemId": "item02", "timestamp": 1581673287916, "interactionName": "givestars", "value": 4}]""",

        // The states behind the "not added" examples: an element that exists, and a value of the wrong type.
        ["/item348.csv"] = "\"itemId\",\"price\"\n\"item348\",2.5\n",
        ["/more_items.csv"] = "\"itemId\",\"price\"\n\"item348\",2.5\n\"item705\",\"high\"\n\"item706\",3\n",
        ["/user816.csv"] = "\"userId\",\"age\"\n\"user816\",40\n",
        ["/more_users.csv"] = "\"userId\",\"age\"\n\"user816\",41\n\"user331\",\"old\"\n\"user332\",29\n",
        ["/givestars.csv"] = "\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"user01\",\"item03\",1581673287916,\"givestars\",3\n",
        ["/more_givestars.csv"] = "\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"user01\",\"item03\",1581673287916,\"givestars\",3\n\"user02\",\"item03\",1581673287916,\"givestars\",2\n",

        // A fetch that takes seconds, keeping the one worker busy while the cancel examples' requests queue.
        ["/slow_items.csv"] = "\"itemId\",\"name\"\n\"item900\",\"slow\"\n",
    });

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task The_document_replays_in_its_own_order_and_ends_as_it_says()
    {
        await _client.CreateDatasetAsync("products");
        await _client.CreateDatasetAsync("products-json");

        // Upload: items, users (the query-string example, with its body), user-item interactions; each format once.
        var items = await UploadAsync("/v2/recomm/products/items/batch", "", "items_file.csv", "csv");
        await UploadAsync("/v2/recomm/products-json/items/batch", "", "items_file.json", "json");
        var users = await UploadAsync("/v2/recomm/users/batch", $"?url={_files.Url("/users_file.csv")}&format=csv", "users_file.csv", "csv");
        var usersJson = await UploadAsync("/v2/recomm/users/batch", "", "users_file.json", "json");
        var interactions = await UploadAsync("/v2/recomm/products/interactions/batch", "", "interactions_file.csv", "csv");
        await UploadAsync("/v2/recomm/products-json/interactions/batch", "", "interactions_file.json", "json");
        Assert.Equal("completed", (string)(await StatusAsync($"/v2/recomm/users/batch/{usersJson}"))["status"]!);

        // Get upload status: items.
        Assert.Equal($$"""{"requestId":"{{items}}","status":"completed"}""", (await StatusAsync($"/v2/recomm/products/items/batch/{items}")).ToJsonString());

        // Items not added.
        var (moreItems, itemsStatus) = await NotAddedAsync("/v2/recomm/products/items/batch", "item348.csv", "more_items.csv");
        Assert.Equal(
            $$$"""{"requestId":"{{{moreItems}}}","status":"completed_with_errors","itemsNotAdded":[{"errorId":"item348","code":"EntityAlreadyExistsException","message":"Item [item348] could not be created because it already exists."},{"errorId":"item705","code":"InvalidArgumentException","message":"Attribute price with value [high] is not of double type."}]}""",
            itemsStatus);

        // Get upload status: users, through the items path as the document's example does.
        Assert.Equal($$"""{"requestId":"{{users}}","status":"completed"}""", (await StatusAsync($"/v2/recomm/products/items/batch/{users}")).ToJsonString());

        // Users not added.
        var (moreUsers, usersStatus) = await NotAddedAsync("/v2/recomm/users/batch", "user816.csv", "more_users.csv");
        Assert.Equal(
            $$$"""{"requestId":"{{{moreUsers}}}","status":"completed_with_errors","usersNotAdded":[{"errorId":"user816","code":"EntityAlreadyExistsException","message":"User [user816] could not be created because it already exists."},{"errorId":"user331","code":"InvalidArgumentException","message":"Attribute age with value [old] is not of integer type."}]}""",
            usersStatus);

        // Get upload status: user-item interactions.
        Assert.Equal($$"""{"requestId":"{{interactions}}","status":"completed"}""", (await StatusAsync($"/v2/recomm/products/interactions/batch/{interactions}")).ToJsonString());

        // User-item interactions not added.
        var (moreGivestars, givestarsStatus) = await NotAddedAsync("/v2/recomm/products/interactions/batch", "givestars.csv", "more_givestars.csv");
        Assert.Equal(
            $$$"""{"requestId":"{{{moreGivestars}}}","status":"completed_with_errors","interactionsNotAdded":[{"errorId":"user01/products/item03/givestars/1581673287916","code":"EntityAlreadyExistsException","message":"Interaction [givestars] on Item [item03] of User [user01] at time [1581673287916] could not be created because it already exists."}]}""",
            givestarsStatus);

        // Cancel upload: items, users (through the items path, as printed) and interactions, while they are queued.
        var busy = await SubmitAsync("/v2/recomm/products/items/batch", "", "slow_items.csv", "csv");
        await WaitForStatusAsync($"/v2/recomm/products/items/batch/{busy}", "uploading");
        var queuedItems = await SubmitAsync("/v2/recomm/products/items/batch", "", "items_file.csv", "csv");
        var queuedUsers = await SubmitAsync("/v2/recomm/users/batch", "", "users_file.csv", "csv");
        var queuedInteractions = await SubmitAsync("/v2/recomm/products/interactions/batch", "", "interactions_file.csv", "csv");
        foreach (var (path, id) in new[]
                 {
                     ("/v2/recomm/products/items/batch/", queuedItems), ("/v2/recomm/products/items/batch/", queuedUsers),
                     ("/v2/recomm/products/interactions/batch/", queuedInteractions),
                 })
        {
            var canceled = await SendAsync(HttpMethod.Delete, path + id, null, HttpStatusCode.OK);
            Assert.Equal($$"""{"requestId":"{{id}}","status":"canceled"}""", canceled.ToJsonString());
        }

        await WaitForStatusAsync($"/v2/recomm/products/items/batch/{busy}", "completed");

        // Where that leaves the tables: every element added once, none from the canceled requests.
        var apple = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/products/entities/item/item01"))!["attributes"]!;
        Assert.Equal("""{"name":"apple","quantity":10,"origin":"France","price":1.75}""", apple.ToJsonString());
        Assert.Equal((6L, 5L), ((long)(await _client.CountsAsync("products"))["entities"]!, (long)(await _client.CountsAsync("products"))["interactions"]!));
        Assert.Equal((3L, 3L), ((long)(await _client.CountsAsync("products-json"))["entities"]!, (long)(await _client.CountsAsync("products-json"))["interactions"]!));
        Assert.Equal(6, (long)(await _client.CountsAsync("users"))["entities"]!);
        foreach (var user in new[] { "user01", "item01" })
        {
            var interests = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/users/entities/user/{user}"))!["attributes"]!["interests"]!;
            Assert.Equal("""["science","technology","travel"]""", interests.ToJsonString());
        }
    }

    /// <summary>A "not added" example: <paramref name="first"/> makes the state, <paramref name="then"/> meets it; its status as printed.</summary>
    private async Task<(string Id, string Status)> NotAddedAsync(string path, string first, string then)
    {
        await UploadAsync(path, "", first, "csv");
        var id = await UploadAsync(path, "", then, "csv");
        return (id, (await StatusAsync($"{path}/{id}")).ToJsonString());
    }

    /// <summary>A curl upload example: the request is queued, then followed to its end.</summary>
    private async Task<string> UploadAsync(string path, string query, string file, string format)
    {
        var id = await SubmitAsync(path, query, file, format);
        var status = await WaitForStatusAsync($"{path}/{id}", "completed", "completed_with_errors", "error");
        Assert.NotEqual("error", (string)status["status"]!);
        return id;
    }

    private async Task<string> SubmitAsync(string path, string query, string file, string format)
    {
        var queued = await SendAsync(HttpMethod.Post, path + query, $$"""{"url":"{{_files.Url("/" + file)}}","format":"{{format}}"}""", HttpStatusCode.Accepted);
        Assert.Equal(["requestId", "status"], queued.Select(p => p.Key));
        Assert.Equal("queued", (string)queued["status"]!);
        return (string)queued["requestId"]!;
    }

    private Task<JsonObject> StatusAsync(string path) => SendAsync(HttpMethod.Get, path, null, HttpStatusCode.OK);

    private async Task<JsonObject> WaitForStatusAsync(string path, params string[] statuses)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await StatusAsync(path);
            if (statuses.Contains((string)status["status"]!))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} is still {status.ToJsonString()}");
            await Task.Delay(25);
        }
    }

    /// <summary>A request as the document prints it: its headers, and a JSON content type.</summary>
    private async Task<JsonObject> SendAsync(HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Sherpa-apikey", "XXXX-SHERPA-DELIVERED-PUBLIC-APIKEY-XXXX");
        request.Headers.Add("X-Sherpa-timestamp", "1548084514112");
        request.Headers.Add("X-Sherpa-nonce", "XXXX-SHERPA-RANDOM-UUID-XXXX");
        request.Headers.Add("X-Sherpa-hmac", "xxxxyyyyyyy***signature******");
        request.Content = new StringContent(json ?? "", Encoding.UTF8, "application/json");
        using var response = await _client.Http.SendAsync(request);
        return await IntakeClient.ExpectAsync(response, expected);
    }
}

public sealed class SqliteTableBatchDocumentTests(SqliteTableBatchDocumentTests.OneWorker factory) : TableBatchDocumentTests(factory), IClassFixture<SqliteTableBatchDocumentTests.OneWorker>
{
    public sealed class OneWorker() : IntakeServerFactory(new Dictionary<string, string?> { ["Worker:Count"] = "1" });
}

public sealed class PostgresTableBatchDocumentTests(PostgresTableBatchDocumentTests.OneWorker factory) : TableBatchDocumentTests(factory), IClassFixture<PostgresTableBatchDocumentTests.OneWorker>
{
    public sealed class OneWorker() : PostgresServerFactory(new Dictionary<string, string?> { ["Worker:Count"] = "1" });
}
