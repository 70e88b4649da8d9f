using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>What the native API gained for the console (issue 13), on both stores.</summary>
public abstract class ConsoleApiTests(IntakeServerFactory factory)
{
    private const string Products =
        "id,type,name,metadata,media_url\n" +
        "sku-1,product,Apple,\"{\"\"price\"\": 1.5}\",\n" +
        "sku-2,product,Pear,\"{\"\"price\"\": \"\"cheap\"\"}\",\n" +
        "sku-3,product,Plum,\"{\"\"price\"\": 2}\",\n" +
        "u1,shopper,Ann,,\n" +
        "sku-4,product,Fig,\"{\"\"price\"\": \"\"dear\"\"}\",\n" +
        "sku-5,product,Kiwi,\"{\"\"price\"\": 3}\",\n";

    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task The_caller_learns_its_scopes_and_the_mode_from_v1_me()
    {
        var me = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/me"))!;

        Assert.True((bool)me["development_mode"]!);
        Assert.Equal(["read", "write", "admin"], me["scopes"]!.AsArray().Select(s => (string)s!));
        Assert.Null(me["key_id"]);
    }

    [Fact]
    public async Task Datasets_carry_their_counts_and_last_import_and_count_records_by_type()
    {
        await _client.CreateDatasetAsync("con-counts", "Counts");
        await _client.CreateDatasetAsync("con-empty", "Empty");
        await _client.ImportAsync("con-counts", "type,source_id,target_id,timestamp,metadata\nclick,u1,sku-1,2024-03-01T12:00:00Z,\nview,u1,sku-1,2024-03-01T12:00:00Z,\nclick,u2,sku-3,2024-03-02T12:00:00Z,\n");
        var last = await _client.ImportAsync("con-counts", Products);

        var listed = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets?limit=1000"))!["items"]!.AsArray();
        var counts = listed.Single(d => (string)d!["id"]! == "con-counts")!;
        var empty = listed.Single(d => (string)d!["id"]! == "con-empty")!;
        var byType = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/con-counts/counts"))!;
        var single = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/con-counts"))!;

        Assert.Equal(4, (long)counts["counts"]!["entities"]!);
        Assert.Equal(3, (long)counts["counts"]!["interactions"]!);
        Assert.Equal((string)last["id"]!, (string)counts["last_import"]!["id"]!);
        Assert.Equal("completed_with_errors", (string)counts["last_import"]!["status"]!);
        Assert.Equal((string)last["id"]!, (string)single["last_import"]!["id"]!);
        Assert.Null(empty["last_import"]);
        Assert.Equal(0, (long)empty["counts"]!["total"]!);
        Assert.Equal(3, (long)byType["entities"]!["product"]!);
        Assert.Equal(1, (long)byType["entities"]!["shopper"]!);
        Assert.Equal(2, (long)byType["interactions"]!["click"]!);
        Assert.Equal(1, (long)byType["interactions"]!["view"]!);

        using var missing = await _client.Http.GetAsync("/v1/datasets/con-nope/counts");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("dataset_not_found", (string)(await IntakeClient.ProblemAsync(missing))["code"]!);
    }

    [Fact]
    public async Task Jobs_are_filtered_by_text_in_their_datasets_id_or_name_ignoring_case()
    {
        await _client.CreateDatasetAsync("con-web-orders", "Spring Sale");
        await _client.CreateDatasetAsync("con-crm", "Customers 50%_off");
        await _client.ImportAsync("con-web-orders", Products);
        await _client.ImportAsync("con-crm", Products);

        async Task<List<string>> DatasetsOfAsync(string text) =>
            (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs?limit=1000&dataset_contains={Uri.EscapeDataString(text)}"))!["items"]!
                .AsArray().Select(j => (string)j!["dataset_id"]!).Distinct().ToList();

        Assert.Equal(["con-web-orders"], await DatasetsOfAsync("WEB-ord"));
        Assert.Equal(["con-web-orders"], await DatasetsOfAsync("spring sale"));
        Assert.Equal(["con-crm"], await DatasetsOfAsync("50%_"));
        Assert.Empty(await DatasetsOfAsync("0%x"));
        Assert.Empty(await DatasetsOfAsync("con_crm"));
    }

    [Fact]
    public async Task Rejected_records_are_paged_by_offset_and_downloaded_as_csv_or_ndjson()
    {
        await _client.CreateDatasetAsync("con-errors", "Errors");
        var import = await _client.ImportAsync("con-errors", Products);
        var id = (string)import["id"]!;

        var all = await _client.ErrorsAsync(id);
        var second = await _client.Http.GetStringAsync($"/v1/imports/{id}/errors?offset=1&limit=1");
        using var csv = await _client.Http.GetAsync($"/v1/imports/{id}/errors?format=csv");
        var csvText = await csv.Content.ReadAsStringAsync();
        using var byAccept = new HttpRequestMessage(HttpMethod.Get, $"/v1/imports/{id}/errors?limit=1");
        byAccept.Headers.Accept.ParseAdd("text/csv");
        using var accepted = await _client.Http.SendAsync(byAccept);
        using var badFormat = await _client.Http.GetAsync($"/v1/imports/{id}/errors?format=xml");
        using var badOffset = await _client.Http.GetAsync($"/v1/imports/{id}/errors?offset=-1");

        Assert.Equal([3, 6], all.Select(e => (long)e["line"]!));
        Assert.Equal(6, (long)JsonNode.Parse(second.Trim())!["line"]!);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{id}-rejected.csv", csv.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(
            "line,error_id,code,field,message\n" +
            "3,product/sku-2,InvalidType,price,Attribute price with value [cheap] is not of double type.\n" +
            "6,product/sku-4,InvalidType,price,Attribute price with value [dear] is not of double type.\n",
            csvText);
        Assert.Equal(2, (await accepted.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Equal("invalid_request", (string)(await IntakeClient.ProblemAsync(badFormat))["code"]!);
        Assert.Equal(HttpStatusCode.BadRequest, badOffset.StatusCode);
    }

    [Fact]
    public async Task A_jobs_history_names_the_node_whose_worker_made_each_change()
    {
        await _client.CreateDatasetAsync("con-node", "Node");
        var import = await _client.ImportAsync("con-node", Products);
        var job = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)import["jobs"]!["dataset_load"]!}"))!;
        var history = job["history"]!.AsArray();

        Assert.Equal(["queued", "processing", "completed_with_errors"], history.Select(h => (string)h!["status"]!));
        Assert.Null(history[0]!["node"]);
        var node = (string)history[1]!["node"]!;
        Assert.False(string.IsNullOrEmpty(node));
        Assert.DoesNotContain('/', node);
        Assert.Equal(node, (string)history[2]!["node"]!);
        Assert.StartsWith($"claimed by {node}/", (string)history[1]!["reason"]!, StringComparison.Ordinal);
    }
}

public sealed class SqliteConsoleApiTests(SqliteServerFactory factory) : ConsoleApiTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresConsoleApiTests(PostgresServerFactory factory) : ConsoleApiTests(factory), IClassFixture<PostgresServerFactory>;
