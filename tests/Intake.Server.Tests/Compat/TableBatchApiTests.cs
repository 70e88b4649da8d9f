using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Compat;

/// <summary>
/// Replays the table-batch document's examples (seeds/001) with only the host changed: the files they name
/// are served from 127.0.0.1, which the test server allows for URL imports.
/// </summary>
public abstract class TableBatchApiTests(IntakeServerFactory factory) : IAsyncLifetime
{
    private const string ItemsCsv =
        """
        "itemId","name","quantity","origin","price"
        "item01","apple",10,"France",1.75
        "item02","orange",7,"Spain",0.98
        "item03","banana",12,"Colombia",0.76
        """;

    private const string ItemsJson =
        """
        [
            {"itemId": "item01", "name": "apple", "quantity": 10, "origin": "France", "price": 1.75},
            {"itemId": "item02", "name": "orange", "quantity": 7, "origin": "Spain", "price": 0.98},
            {"itemId": "item03", "name": "banana", "quantity": 12, "origin": "Colombia", "price": 0.76}
        ]
        """;

    private const string UsersCsv =
        """
        "userId","name","interests","age"
        "user01","Katherine Johnson","science,technology,travel",35
        "user02","Ingrid Daubechies","technology,education",66
        """;

    private const string UsersJson =
        """
        [
            {"userId": "item01", "name": "Katherine Johnson", "interests": ["science","technology","travel"], "age": 35},
            {"userId": "item02", "name": "Ingrid Daubechies", "interests": ["technology","education"], "age": 66}
        ]
        """;

    private const string InteractionsCsv =
        """
        "userId","itemId","timestamp","interactionName","value"
        "user01","item01",1581681280254,"givestars",1
        "user01","item03",1581680282301,"givestars",5
        "user02","item02",1581673287916,"givestars",4
        """;

    private readonly IntakeClient _client = factory.CreateIntakeClient();
    private LocalFileServer _files = null!;

    public async Task InitializeAsync()
    {
        _files = await LocalFileServer.StartAsync(new Dictionary<string, string>
        {
            ["/items_file.csv"] = ItemsCsv,
            ["/items_file.json"] = ItemsJson,
            ["/users_file.csv"] = UsersCsv,
            ["/users_file.json"] = UsersJson,
            ["/interactions_file.csv"] = InteractionsCsv,
            ["/more_items.csv"] = "\"itemId\",\"price\"\n\"item348\",2.5\n\"item705\",\"high\"\n\"item706\",3\n",
            ["/first_items.csv"] = "\"itemId\",\"price\"\n\"item348\",1.5\n",
            ["/first_users.csv"] = "\"userId\",\"age\"\n\"user816\",40\n",
            ["/more_users.csv"] = "\"userId\",\"age\"\n\"user816\",41\n\"user331\",\"old\"\n\"user332\",29\n",
            ["/again_interactions.csv"] = "\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"user01\",\"item03\",1581673287916,\"givestars\",5\n",
            ["/first_interactions.csv"] = "\"userId\",\"itemId\",\"timestamp\",\"interactionName\",\"value\"\n\"user01\",\"item03\",1581673287916,\"givestars\",4\n",
        });
        await _client.EnsureDatasetAsync("products");
    }

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Fact]
    public async Task Items_upload_example_is_queued_then_completed()
    {
        var queued = await SendAsync(HttpMethod.Post, "/v2/recomm/products/items/batch",
            $$"""{"url":"{{_files.Url("/items_file.csv")}}","format":"csv"}""", HttpStatusCode.Accepted);

        Assert.Equal(["requestId", "status"], queued.Select(p => p.Key));
        Assert.Equal("queued", (string)queued["status"]!);
        var done = await WaitAsync($"/v2/recomm/products/items/batch/{(string)queued["requestId"]!}");
        Assert.Equal("completed", (string)done["status"]!);
        Assert.Equal(["requestId", "status"], done.Select(p => p.Key));
        var apple = await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/products/entities/item/item01");
        Assert.Equal(10, (int)apple!["attributes"]!["quantity"]!);
        Assert.Equal("France", (string)apple["attributes"]!["origin"]!);
    }

    [Fact]
    public async Task Users_upload_example_with_the_query_string_lands_in_the_shared_users_table()
    {
        await ResetUsersAsync();
        var url = _files.Url("/users_file.csv");
        var queued = await SendAsync(HttpMethod.Post, $"/v2/recomm/users/batch?url={url}&format=csv",
            $$"""{"url":"{{url}}","format":"csv"}""", HttpStatusCode.Accepted);

        var id = (string)queued["requestId"]!;
        Assert.Equal("completed", (string)(await WaitAsync($"/v2/recomm/users/batch/{id}"))["status"]!);
        Assert.Equal("completed", (string)(await SendAsync(HttpMethod.Get, $"/v2/recomm/products/items/batch/{id}", null, HttpStatusCode.OK))["status"]!);
        var user = await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/users/entities/user/user01");
        Assert.Equal("science,technology,travel", (string)user!["attributes"]!["interests"]!);
        Assert.Equal(35, (int)user["attributes"]!["age"]!);
    }

    [Fact]
    public async Task Interactions_upload_example_is_completed()
    {
        var queued = await SendAsync(HttpMethod.Post, "/v2/recomm/products/interactions/batch",
            $$"""{"url":"{{_files.Url("/interactions_file.csv")}}","format":"csv"}""", HttpStatusCode.Accepted);

        var done = await WaitAsync($"/v2/recomm/products/interactions/batch/{(string)queued["requestId"]!}");
        Assert.Equal("completed", (string)done["status"]!);
        var interactions = await _client.ExportAsync("products", "?kind=interaction&type=givestars");
        Assert.Contains(interactions, i => (string)i["source_id"]! == "user02" && (string)i["target_id"]! == "item02" && (double)i["value"]! == 4);
    }

    [Fact]
    public async Task Json_files_load_with_arrays_as_list_attributes()
    {
        await _client.EnsureDatasetAsync("fruit");
        await ResetUsersAsync();
        var items = await SendAsync(HttpMethod.Post, "/v2/recomm/fruit/items/batch",
            $$"""{"url":"{{_files.Url("/items_file.json")}}","format":"json"}""", HttpStatusCode.Accepted);
        var users = await SendAsync(HttpMethod.Post, "/v2/recomm/users/batch",
            $$"""{"url":"{{_files.Url("/users_file.json")}}","format":"json"}""", HttpStatusCode.Accepted);

        Assert.Equal("completed", (string)(await WaitAsync($"/v2/recomm/fruit/items/batch/{(string)items["requestId"]!}"))["status"]!);
        Assert.Equal("completed", (string)(await WaitAsync($"/v2/recomm/users/batch/{(string)users["requestId"]!}"))["status"]!);
        var user = await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/users/entities/user/item01");
        Assert.Equal(["science", "technology", "travel"], user!["attributes"]!["interests"]!.AsArray().Select(i => (string)i!));
    }

    [Fact]
    public async Task Items_not_added_carry_the_documented_codes_and_messages()
    {
        await _client.EnsureDatasetAsync("catalog");
        await LoadAsync("/v2/recomm/catalog/items/batch", "/first_items.csv");

        var done = await LoadAsync("/v2/recomm/catalog/items/batch", "/more_items.csv");

        Assert.Equal("completed_with_errors", (string)done["status"]!);
        Assert.Equal(
            """[{"errorId":"item348","code":"EntityAlreadyExistsException","message":"Item [item348] could not be created because it already exists."},{"errorId":"item705","code":"InvalidArgumentException","message":"Attribute price with value [high] is not of double type."}]""",
            done["itemsNotAdded"]!.ToJsonString());
    }

    [Fact]
    public async Task Users_not_added_carry_the_documented_codes_and_messages()
    {
        await ResetUsersAsync();
        await LoadAsync("/v2/recomm/users/batch", "/first_users.csv");

        var done = await LoadAsync("/v2/recomm/users/batch", "/more_users.csv");

        Assert.Equal("completed_with_errors", (string)done["status"]!);
        Assert.Equal(
            """[{"errorId":"user816","code":"EntityAlreadyExistsException","message":"User [user816] could not be created because it already exists."},{"errorId":"user331","code":"InvalidArgumentException","message":"Attribute age with value [old] is not of integer type."}]""",
            done["usersNotAdded"]!.ToJsonString());
    }

    [Fact]
    public async Task Interactions_not_added_carry_the_documented_error_id_and_message()
    {
        await LoadAsync("/v2/recomm/products/interactions/batch", "/first_interactions.csv");

        var done = await LoadAsync("/v2/recomm/products/interactions/batch", "/again_interactions.csv");

        Assert.Equal("error", (string)done["status"]!);
        Assert.Equal(
            """[{"errorId":"user01/products/item03/givestars/1581673287916","code":"EntityAlreadyExistsException","message":"Interaction [givestars] on Item [item03] of User [user01] at time [1581673287916] could not be created because it already exists."}]""",
            done["interactionsNotAdded"]!.ToJsonString());
    }

    [Fact]
    public async Task An_unknown_table_is_a_404()
    {
        using var response = await _client.Http.PostAsJsonAsync("/v2/recomm/no-such-table/items/batch", new { url = _files.Url("/items_file.csv"), format = "csv" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("table_not_found", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
    }

    [Fact]
    public async Task Only_a_queued_request_can_be_canceled()
    {
        await _client.EnsureDatasetAsync("cancel-table");
        var done = await LoadAsync("/v2/recomm/cancel-table/items/batch", "/items_file.csv");

        using var response = await _client.Http.DeleteAsync($"/v2/recomm/cancel-table/items/batch/{(string)done["requestId"]!}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("InvalidArgumentException", (string)problem["code"]!);
        Assert.Equal($"Request {(string)done["requestId"]!} is completed; only a queued request can be canceled.", (string)problem["detail"]!);
    }

    protected IntakeClient Client => _client;

    protected LocalFileServer Files => _files;

    protected async Task<JsonObject> SendAsync(HttpMethod method, string path, string? json, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Sherpa-apikey", "XXXX-SHERPA-DELIVERED-PUBLIC-APIKEY-XXXX");
        request.Headers.Add("X-Sherpa-timestamp", "1548084514112");
        request.Headers.Add("X-Sherpa-nonce", "XXXX-SHERPA-RANDOM-UUID-XXXX");
        request.Headers.Add("X-Sherpa-hmac", "xxxxyyyyyyy***signature******");
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _client.Http.SendAsync(request);
        return await IntakeClient.ExpectAsync(response, expected);
    }

    protected async Task<JsonObject> WaitAsync(string statusPath)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = await SendAsync(HttpMethod.Get, statusPath, null, HttpStatusCode.OK);
            if ((string)status["status"]! is "completed" or "completed_with_errors" or "error" or "canceled" || DateTime.UtcNow > deadline)
            {
                return status;
            }

            await Task.Delay(25);
        }
    }

    /// <summary>
    /// Users are one account-wide dataset, and the document's CSV and JSON user examples type <c>interests</c>
    /// differently (a string, then a list), so each users test starts from a cleared users dataset.
    /// </summary>
    private async Task ResetUsersAsync()
    {
        await _client.EnsureDatasetAsync("users");
        using var clear = await _client.Http.PostAsync("/v1/datasets/users/clear", null);
        await _client.WaitForJobAsync((string)(await IntakeClient.ExpectAsync(clear, HttpStatusCode.Accepted))["id"]!);
    }

    private async Task<JsonObject> LoadAsync(string batchPath, string file)
    {
        var queued = await SendAsync(HttpMethod.Post, batchPath, $$"""{"url":"{{_files.Url(file)}}","format":"csv"}""", HttpStatusCode.Accepted);
        return await WaitAsync($"{batchPath}/{(string)queued["requestId"]!}");
    }
}

public sealed class SqliteTableBatchApiTests(SqliteServerFactory factory) : TableBatchApiTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresTableBatchApiTests(PostgresServerFactory factory) : TableBatchApiTests(factory), IClassFixture<PostgresServerFactory>;
