using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Compat;

/// <summary>
/// The table-batch document's users CSV (<c>"interests"</c> as one quoted cell) and users JSON (<c>interests</c> as a
/// list) loaded into the account-wide users dataset one after the other, in both orders: every record loads and the
/// stored value is the same list either way (docs/decisions.md, the list rule).
/// </summary>
public abstract class TableBatchUsersOrderTests(IntakeServerFactory factory) : IAsyncLifetime
{
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

    private readonly IntakeClient _client = factory.CreateIntakeClient();
    private LocalFileServer _files = null!;

    public async Task InitializeAsync() =>
        _files = await LocalFileServer.StartAsync(new() { ["/users_file.csv"] = UsersCsv, ["/users_file.json"] = UsersJson });

    public async Task DisposeAsync() => await _files.DisposeAsync();

    [Theory]
    [InlineData("csv", "json")]
    [InlineData("json", "csv")]
    public async Task Both_orders_load_every_user_with_the_same_list(string first, string second)
    {
        await ClearUsersAsync();

        var firstStatus = await LoadAsync(first);
        var secondStatus = await LoadAsync(second);

        Assert.Equal("""{"status":"completed"}""", Without("requestId", firstStatus));
        Assert.Equal("""{"status":"completed"}""", Without("requestId", secondStatus));
        Assert.Equal(4, (long)(await _client.CountsAsync("users"))["entities"]!);
        Assert.Equal("""{"name":"Katherine Johnson","interests":["science","technology","travel"],"age":35}""", await AttributesAsync("user01"));
        Assert.Equal("""{"name":"Ingrid Daubechies","interests":["technology","education"],"age":66}""", await AttributesAsync("user02"));
        Assert.Equal("""{"name":"Katherine Johnson","interests":["science","technology","travel"],"age":35}""", await AttributesAsync("item01"));
        Assert.Equal("""{"name":"Ingrid Daubechies","interests":["technology","education"],"age":66}""", await AttributesAsync("item02"));
        var schema = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/users/schema"))!["attribute_types"]!;
        Assert.Equal(("list", "string", "integer"), ((string)schema["interests"]!, (string)schema["name"]!, (string)schema["age"]!));
    }

    [Fact]
    public async Task A_value_that_truly_conflicts_is_still_rejected_with_the_documented_message()
    {
        await ClearUsersAsync();
        await LoadAsync("csv");
        await using var files = await LocalFileServer.StartAsync(new()
        {
            ["/bad_users.json"] = """[{"userId": "user09", "age": "old"}, {"userId": "user10", "age": true}, {"userId": "user11", "interests": ["ok"]}]""",
        });

        var status = await SubmitAndWaitAsync(files.Url("/bad_users.json"), "json");

        Assert.Equal("completed_with_errors", (string)status["status"]!);
        Assert.Equal(
            """[{"errorId":"user09","code":"InvalidArgumentException","message":"Attribute age with value [old] is not of integer type."},""" +
            """{"errorId":"user10","code":"InvalidArgumentException","message":"Attribute age with value [true] is not of integer type."}]""",
            status["usersNotAdded"]!.ToJsonString());
    }

    private async Task<JsonObject> LoadAsync(string format) => await SubmitAndWaitAsync(_files.Url($"/users_file.{format}"), format);

    private async Task<JsonObject> SubmitAndWaitAsync(string url, string format)
    {
        using var response = await _client.Http.PostAsync("/v2/recomm/users/batch",
            new StringContent($$"""{"url":"{{url}}","format":"{{format}}"}""", Encoding.UTF8, "application/json"));
        var id = (string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted))["requestId"]!;
        await _client.WaitForFinalAsync(id);
        return (await _client.Http.GetFromJsonAsync<JsonObject>($"/v2/recomm/users/batch/{id}"))!;
    }

    private async Task<string> AttributesAsync(string userId) =>
        JsonNode.Parse((await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/users/entities/user/{userId}"))!["attributes"]!.ToJsonString())!.ToJsonString();

    private static string Without(string property, JsonObject json)
    {
        var copy = json.DeepClone().AsObject();
        copy.Remove(property);
        return copy.ToJsonString();
    }

    private async Task ClearUsersAsync()
    {
        await _client.EnsureDatasetAsync("users");
        using var clear = await _client.Http.PostAsync("/v1/datasets/users/clear", null);
        await _client.WaitForJobAsync((string)(await IntakeClient.ExpectAsync(clear, HttpStatusCode.Accepted))["id"]!);
    }
}

public sealed class SqliteTableBatchUsersOrderTests(SqliteServerFactory factory) : TableBatchUsersOrderTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresTableBatchUsersOrderTests(PostgresServerFactory factory) : TableBatchUsersOrderTests(factory), IClassFixture<PostgresServerFactory>;
