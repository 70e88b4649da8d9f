using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

public abstract class ImportsApiTests(IntakeServerFactory factory)
{
    private const string Entities =
        """"
        id,type,name,metadata,media_url
        item1,product,Apple,"{""price"": 1.5, ""color"": ""red""}",http://img/1.png
        item2,product,Orange,"{""price"": 2}",
        item3,article,"How to, peel ""fruit""",,http://img/3.png
        """";

    private const string Interactions =
        """
        type,source_id,target_id,timestamp,metadata
        click,user1,item1,2024-03-01T12:00:00Z,"{""position"": 3}"
        purchase,user1,item2,1709294400000,
        click,user2,item1,2024-03-01T12:05:00.250Z,"{}"
        """;

    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task Entity_csv_is_detected_and_loaded()
    {
        await _client.CreateDatasetAsync("entity-csv");
        var import = await _client.ImportAsync("entity-csv", Entities);

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal("entity", (string)import["record_type"]!);
        Assert.Equal(3, (long)import["progress"]!["records_written"]!);
        var exported = await _client.ExportAsync("entity-csv");
        var article = exported.Single(r => (string)r["id"]! == "item3");
        Assert.Equal("How to, peel \"fruit\"", (string)article["name"]!);
        Assert.Equal("http://img/3.png", (string)article["media_url"]!);
        var apple = exported.Single(r => (string)r["id"]! == "item1");
        Assert.Equal(1.5, (double)apple["attributes"]!["price"]!);
        Assert.Equal(3, (long)(await _client.CountsAsync("entity-csv"))["entities"]!);
    }

    [Fact]
    public async Task Interaction_csv_is_detected_and_loaded_with_both_timestamp_forms()
    {
        await _client.CreateDatasetAsync("interaction-csv");
        var import = await _client.ImportAsync("interaction-csv", Interactions);

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal("interaction", (string)import["record_type"]!);
        var exported = await _client.ExportAsync("interaction-csv", "?kind=interaction");
        Assert.Equal(3, exported.Count);
        Assert.Contains(exported, r => (string)r["type"]! == "purchase" && (string)r["timestamp"]! == "2024-03-01T12:00:00.000Z");
        Assert.Contains(exported, r => (string)r["source_id"]! == "user2" && (string)r["timestamp"]! == "2024-03-01T12:05:00.250Z");
    }

    [Fact]
    public async Task Repeated_id_overwrites_in_the_same_file_and_in_a_later_file()
    {
        await _client.CreateDatasetAsync("overwrite");
        var first = await _client.ImportAsync("overwrite",
            "id,type,name,metadata,media_url\nA,p,first,,\nB,p,bee,,\nA,p,second,,\n");
        Assert.Equal("completed", (string)first["status"]!);
        Assert.Equal("second", await NameOfAsync("overwrite", "A"));

        await _client.ImportAsync("overwrite", "id,type,name,metadata,media_url\nA,p,third,,\n");

        Assert.Equal("third", await NameOfAsync("overwrite", "A"));
        Assert.Equal("bee", await NameOfAsync("overwrite", "B"));
        Assert.Equal(2, (long)(await _client.CountsAsync("overwrite"))["entities"]!);
    }

    [Fact]
    public async Task Insert_mode_rejects_existing_keys_with_EntityAlreadyExists()
    {
        await _client.CreateDatasetAsync("insert-mode");
        await _client.ImportAsync("insert-mode", "id,type,name,metadata,media_url\nA,p,first,,\n");

        var import = await _client.ImportAsync("insert-mode", "id,type,name,metadata,media_url\nA,p,again,,\nB,p,new,,\nB,p,dup,,\n", "?mode=insert");

        Assert.Equal("completed_with_errors", (string)import["status"]!);
        Assert.Equal(1, (long)import["progress"]!["records_written"]!);
        Assert.Equal(2, (long)import["progress"]!["records_rejected"]!);
        var errors = import["errors"]!.AsArray();
        Assert.All(errors, e => Assert.Equal("EntityAlreadyExists", (string)e!["code"]!));
        Assert.Equal([2L, 4L], errors.Select(e => (long)e!["line"]!).ToArray());
        Assert.Equal("p/A", (string)errors[0]!["error_id"]!);
        Assert.Equal("first", await NameOfAsync("insert-mode", "A"));
        Assert.Equal("new", await NameOfAsync("insert-mode", "B"));
    }

    [Fact]
    public async Task Bad_rows_end_completed_with_errors_with_exact_counts_lines_codes_and_fields()
    {
        await _client.CreateDatasetAsync("bad-rows");
        var csv = "type,source_id,target_id,timestamp,metadata\n" +
                  "click,u1,i1,2024-01-01T00:00:00Z,\n" +
                  "click,,i1,2024-01-01T00:00:00Z,\n" +
                  "click,u2,i1,yesterday,\n" +
                  "click,u3,i1,2024-01-01T00:00:00Z,{not json\n" +
                  "click,u4,i1,2024-01-01T00:00:00Z,\"{\"\"price\"\": 3}\"\n" +
                  "click,u5,i1,2024-01-01T00:00:00Z,\"{\"\"price\"\": \"\"high\"\"}\"\n";

        var import = await _client.ImportAsync("bad-rows", csv);

        Assert.Equal("completed_with_errors", (string)import["status"]!);
        var progress = import["progress"]!;
        Assert.Equal(6, (long)progress["records_read"]!);
        Assert.Equal(2, (long)progress["records_written"]!);
        Assert.Equal(4, (long)progress["records_rejected"]!);
        var errors = await _client.ErrorsAsync((string)import["id"]!);
        Assert.Equal(4, errors.Count);
        Assert.Equal((3L, "MissingField", "source_id"), Describe(errors[0]));
        Assert.Equal((4L, "InvalidValue", "timestamp"), Describe(errors[1]));
        Assert.Equal((5L, "MalformedRecord", "metadata"), Describe(errors[2]));
        Assert.Equal((7L, "InvalidType", "price"), Describe(errors[3]));
        Assert.Equal("Attribute price with value [high] is not of integer type.", (string)errors[3]["message"]!);
    }

    [Fact]
    public async Task Header_that_fits_nothing_fails_naming_the_missing_columns()
    {
        await _client.CreateDatasetAsync("bad-header");
        var import = await _client.ImportAsync("bad-header", "id,kind,label\n1,a,b\n");

        Assert.Equal("failed", (string)import["status"]!);
        Assert.Equal("header_mismatch", (string)import["error"]!["code"]!);
        var message = (string)import["error"]!["message"]!;
        Assert.Contains("type", message);
        Assert.Contains("media_url", message);
        Assert.Contains("source_id", message);
        Assert.Equal(0, (long)(await _client.CountsAsync("bad-header"))["total"]!);
    }

    [Fact]
    public async Task Gzip_csv_json_array_and_ndjson_load_the_same_records_as_plain_csv()
    {
        var plain = await LoadAndExportAsync("fmt-plain", System.Text.Encoding.UTF8.GetBytes(Entities), "", "text/csv");
        var gzip = await LoadAndExportAsync("fmt-gzip", IntakeClient.Gzip(Entities), "", "application/octet-stream");
        const string jsonArray =
            """
            [
              {"id": "item1", "type": "product", "name": "Apple", "metadata": {"price": 1.5, "color": "red"}, "media_url": "http://img/1.png"},
              {"id": "item2", "type": "product", "name": "Orange", "metadata": {"price": 2}},
              {"id": "item3", "type": "article", "name": "How to, peel \"fruit\"", "media_url": "http://img/3.png"}
            ]
            """;
        var json = await LoadAndExportAsync("fmt-json", System.Text.Encoding.UTF8.GetBytes(jsonArray), "", "application/json");
        var ndjson = await LoadAndExportAsync("fmt-ndjson",
            IntakeClient.Gzip(string.Join('\n', JsonNode.Parse(jsonArray)!.AsArray().Select(n => n!.ToJsonString()))), "", "application/x-ndjson");

        Assert.Equal(3, plain.Count);
        Assert.Equal(plain, gzip);
        Assert.Equal(plain, json);
        Assert.Equal(plain, ndjson);
    }

    [Fact]
    public async Task Replace_removes_what_the_file_did_not_contain()
    {
        await _client.CreateDatasetAsync("replace");
        await _client.ImportAsync("replace", "id,type,name,metadata,media_url\nA,p,a,,\nB,p,b,,\nC,p,c,,\n");

        var import = await _client.ImportAsync("replace", "id,type,name,metadata,media_url\nB,p,b2,,\nD,p,d,,\n", "?mode=replace");

        Assert.Equal("completed", (string)import["status"]!);
        var ids = (await _client.ExportAsync("replace")).Select(r => (string)r["id"]!).Order().ToArray();
        Assert.Equal(["B", "D"], ids);
        Assert.Equal(2, (long)(await _client.CountsAsync("replace"))["entities"]!);
    }

    [Fact]
    public async Task Tags_select_records_in_the_export()
    {
        await _client.CreateDatasetAsync("tags");
        await _client.ImportAsync("tags", "id,type,name,metadata,media_url\nP1,p,a,,\nP2,p,b,,\n", "?tags=product-data");
        await _client.ImportAsync("tags", "id,type,name,metadata,media_url\nB1,post,c,,\n", "?tags=blog-data");
        var untagged = await _client.ImportAsync("tags", "id,type,name,metadata,media_url\nX1,p,d,,\n");

        Assert.Equal(["default"], untagged["tags"]!.AsArray().Select(t => (string)t!).ToArray());
        Assert.Equal(["P1", "P2"], await IdsAsync("tags", "?tags=product-data"));
        Assert.Equal(["B1"], await IdsAsync("tags", "?tags=blog-data"));
        Assert.Equal(["B1", "P1", "P2"], await IdsAsync("tags", "?tags=product-data,blog-data"));
        Assert.Equal(["B1", "P1", "P2", "X1"], await IdsAsync("tags", ""));
    }

    [Fact]
    public async Task Archived_import_leaves_the_export_and_comes_back_on_unarchive()
    {
        await _client.CreateDatasetAsync("archive");
        await _client.ImportAsync("archive", "id,type,name,metadata,media_url\nA,p,a,,\n");
        var second = await _client.ImportAsync("archive", "id,type,name,metadata,media_url\nB,p,b,,\n");
        var id = (string)second["id"]!;

        using (var archived = await _client.Http.PostAsync($"/v1/imports/{id}/archive", null))
        {
            Assert.True((bool)(await IntakeClient.ExpectAsync(archived, HttpStatusCode.OK))["archived"]!);
        }

        Assert.Equal(["A"], await IdsAsync("archive", ""));
        using (var missing = await _client.Http.GetAsync("/v1/datasets/archive/entities/p/B"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var unarchived = await _client.Http.PostAsync($"/v1/imports/{id}/unarchive", null))
        {
            Assert.False((bool)(await IntakeClient.ExpectAsync(unarchived, HttpStatusCode.OK))["archived"]!);
        }

        Assert.Equal(["A", "B"], await IdsAsync("archive", ""));
    }

    [Fact]
    public async Task Deleting_a_batch_removes_the_records_it_last_wrote()
    {
        await _client.CreateDatasetAsync("delete-batch");
        var first = await _client.ImportAsync("delete-batch", "id,type,name,metadata,media_url\nA,p,a,,\nB,p,b,,\n");
        await _client.ImportAsync("delete-batch", "id,type,name,metadata,media_url\nB,p,b2,,\nC,p,c,,\n");

        using var response = await _client.Http.DeleteAsync($"/v1/imports/{(string)first["id"]!}");
        var job = await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("delete_batch", (string)job["type"]!);
        var done = await _client.WaitForJobAsync((string)job["id"]!);

        Assert.Equal("completed", (string)done["status"]!);
        Assert.Equal(["B", "C"], await IdsAsync("delete-batch", ""));
        Assert.Equal("b2", await NameOfAsync("delete-batch", "B"));
        Assert.Equal(2, (long)(await _client.CountsAsync("delete-batch"))["entities"]!);
    }

    [Fact]
    public async Task Job_log_shows_the_upload_then_the_load_with_stats_and_history()
    {
        await _client.CreateDatasetAsync("job-log");
        var import = await _client.ImportAsync("job-log", Entities);

        var jobs = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/jobs?dataset=job-log"))!["items"]!.AsArray();
        Assert.Equal(["dataset_load", "file_upload"], jobs.Select(j => (string)j!["type"]!).ToArray());
        var load = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)import["jobs"]!["dataset_load"]!}"))!;
        Assert.Equal(3, (long)load["stats"]!["received"]!);
        Assert.Equal(3, (long)load["stats"]!["loaded"]!);
        Assert.Equal(["queued", "processing", "completed"], load["history"]!.AsArray().Select(h => (string)h!["status"]!).ToArray());
    }

    [Fact]
    public async Task Unknown_dataset_is_a_404_problem_with_a_stable_code()
    {
        using var body = new StringContent("id,type\n1,a\n");
        using var response = await _client.Http.PostAsync("/v1/datasets/nope/imports", body);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("dataset_not_found", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
    }

    private async Task<List<string>> LoadAndExportAsync(string dataset, byte[] content, string query, string contentType)
    {
        await _client.CreateDatasetAsync(dataset);
        var import = await _client.UploadAsync(dataset, content, query, contentType);
        var done = await _client.WaitForFinalAsync((string)import["id"]!);
        Assert.Equal("completed", (string)done["status"]!);
        return (await _client.ExportAsync(dataset))
            .Select(r =>
            {
                r.Remove("batch_id");
                return r.ToJsonString();
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private async Task<string?> NameOfAsync(string dataset, string id)
    {
        var entity = await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{dataset}/entities/p/{id}");
        return (string?)entity!["name"];
    }

    private async Task<string[]> IdsAsync(string dataset, string query) =>
        (await _client.ExportAsync(dataset, query)).Select(r => (string)r["id"]!).Order(StringComparer.Ordinal).ToArray();

    private static (long Line, string Code, string? Field) Describe(JsonObject error) =>
        ((long)error["line"]!, (string)error["code"]!, (string?)error["field"]);
}

public sealed class SqliteImportsApiTests(SqliteServerFactory factory) : ImportsApiTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresImportsApiTests(PostgresServerFactory factory) : ImportsApiTests(factory), IClassFixture<PostgresServerFactory>;
