using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Core.Jobs;
using Intake.Server.Errors;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

public abstract class DatasetsApiTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task Datasets_are_created_listed_renamed_and_a_duplicate_id_is_a_409()
    {
        await _client.CreateDatasetAsync("ds-crud", "First name");
        using var duplicate = await _client.Http.PostAsJsonAsync("/v1/datasets", new { id = "ds-crud", name = "again" });
        using var patched = await _client.Http.PatchAsJsonAsync("/v1/datasets/ds-crud", new { name = "Renamed", description = "about" });

        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("dataset_exists", (string)(await IntakeClient.ProblemAsync(duplicate))["code"]!);
        Assert.Equal("Renamed", (string)(await IntakeClient.ExpectAsync(patched, HttpStatusCode.OK))["name"]!);
        var listed = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets?limit=1000"))!["items"]!.AsArray();
        Assert.Contains(listed, d => (string)d!["id"]! == "ds-crud" && (string)d["description"]! == "about");
    }

    [Fact]
    public async Task A_dataset_created_with_only_an_id_is_named_by_it_and_one_with_neither_is_refused()
    {
        using var idOnly = await _client.Http.PostAsJsonAsync("/v1/datasets", new { id = "ds-id-only" });
        using var neither = await _client.Http.PostAsJsonAsync("/v1/datasets", new { description = "no id, no name" });

        Assert.Equal("ds-id-only", (string)(await IntakeClient.ExpectAsync(idOnly, HttpStatusCode.Created))["name"]!);
        Assert.Equal(HttpStatusCode.BadRequest, neither.StatusCode);
        Assert.Equal("A dataset needs a name or an id.", (string)(await IntakeClient.ProblemAsync(neither))["detail"]!);
    }

    [Fact]
    public async Task An_invalid_dataset_id_is_refused_with_invalid_request()
    {
        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets", new { id = "../etc", name = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
    }

    [Fact]
    public async Task Clear_data_is_a_job_that_keeps_the_dataset_and_delete_removes_it()
    {
        await _client.CreateDatasetAsync("ds-clear");
        await _client.ImportAsync("ds-clear", "id,type,name,metadata,media_url\na,p,x,\"{\"\"n\"\":1}\",\n");

        using (var clear = await _client.Http.PostAsync("/v1/datasets/ds-clear/clear", null))
        {
            var job = await IntakeClient.ExpectAsync(clear, HttpStatusCode.Accepted);
            Assert.Equal("clear_data", (string)job["type"]!);
            Assert.Equal("completed", (string)(await _client.WaitForJobAsync((string)job["id"]!))["status"]!);
        }

        Assert.Equal(0, (long)(await _client.CountsAsync("ds-clear"))["total"]!);
        var schema = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/ds-clear/schema"))!;
        Assert.Empty(schema["attribute_types"]!.AsObject());

        using (var delete = await _client.Http.DeleteAsync("/v1/datasets/ds-clear"))
        {
            var job = await IntakeClient.ExpectAsync(delete, HttpStatusCode.Accepted);
            Assert.Equal("completed", (string)(await _client.WaitForJobAsync((string)job["id"]!))["status"]!);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _client.Http.GetAsync("/v1/datasets/ds-clear")).StatusCode);
    }

    [Fact]
    public async Task Declared_attribute_types_apply_to_later_imports()
    {
        await _client.CreateDatasetAsync("ds-schema");
        using var declared = await _client.Http.PatchAsJsonAsync("/v1/datasets/ds-schema/schema", new { attributes = new { price = "double" } });
        Assert.Equal("double", (string)(await IntakeClient.ExpectAsync(declared, HttpStatusCode.OK))["attribute_types"]!["price"]!);

        var import = await _client.ImportAsync("ds-schema", "id,type,name,metadata,media_url\na,p,x,\"{\"\"price\"\":\"\"high\"\"}\",\n");

        Assert.Equal("Attribute price with value [high] is not of double type.", (string)import["errors"]![0]!["message"]!);
        using var conflict = await _client.Http.PatchAsJsonAsync("/v1/datasets/ds-schema/schema", new { attributes = new { price = "string" } });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Fact]
    public async Task A_declared_timestamp_attribute_stores_iso_text_as_sent_and_rejects_the_rest()
    {
        await _client.CreateDatasetAsync("ds-times");
        using var declared = await _client.Http.PatchAsJsonAsync("/v1/datasets/ds-times/schema", new { attributes = new { seen_at = "timestamp" } });
        await IntakeClient.ExpectAsync(declared, HttpStatusCode.OK);

        var import = await _client.ImportAsync("ds-times",
            "id,type,name,metadata,media_url\na,p,x,\"{\"\"seen_at\"\":\"\"2024-03-01T12:00:00Z\"\"}\",\nb,p,y,\"{\"\"seen_at\"\":1709294400}\",\n");

        Assert.Equal((1L, 1L), ((long)import["progress"]!["records_written"]!, (long)import["progress"]!["records_rejected"]!));
        Assert.Equal(("p/b", "seen_at"), ((string)import["errors"]![0]!["error_id"]!, (string)import["errors"]![0]!["field"]!));
        var export = await _client.Http.GetStringAsync("/v1/datasets/ds-times/export?kind=entity");
        Assert.Contains("\"seen_at\":\"2024-03-01T12:00:00Z\"", export);
    }

    [Fact]
    public async Task Imports_into_one_dataset_apply_in_acceptance_order()
    {
        await _client.CreateDatasetAsync("ds-order");
        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add((string)(await _client.UploadAsync("ds-order", $"id,type,name,metadata,media_url\nkey,p,v{i},,\nk{i},p,x,,\n"))["id"]!);
        }

        foreach (var id in ids)
        {
            await _client.WaitForFinalAsync(id);
        }

        var entity = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/ds-order/entities/p/key"))!;
        Assert.Equal("v7", (string)entity["name"]!);
        Assert.Equal(ids[^1], (string)entity["batch_id"]!);
        Assert.Equal(9, (long)(await _client.CountsAsync("ds-order"))["entities"]!);
    }

    [Fact]
    public async Task A_url_import_fetches_the_file_from_an_allowed_address()
    {
        await _client.CreateDatasetAsync("ds-url");
        await using var files = await LocalFileServer.StartAsync(new() { ["/data.csv"] = "id,type,name,metadata,media_url\nu1,p,fetched,,\n" });

        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets/ds-url/imports", new { url = files.Url("/data.csv"), tags = new[] { "remote" } });
        var import = await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
        var done = await _client.WaitForFinalAsync((string)import["id"]!);

        Assert.Equal("completed", (string)done["status"]!);
        Assert.Equal(["remote"], done["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal("fetched", (string)(await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/ds-url/entities/p/u1"))!["name"]!);
        var upload = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)done["jobs"]!["file_upload"]!}"))!;
        Assert.Equal(files.Length("/data.csv"), (long)upload["stats"]!["bytes_received"]!);
    }

    [Fact]
    public async Task A_url_that_answers_404_fails_the_import_with_fetch_failed()
    {
        await _client.CreateDatasetAsync("ds-url-404");
        await using var files = await LocalFileServer.StartAsync([]);

        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets/ds-url-404/imports", new { url = files.Url("/missing.csv") });
        var done = await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted))["id"]!);

        Assert.Equal("failed", (string)done["status"]!);
        Assert.Equal("fetch_failed", (string)done["error"]!["code"]!);
        Assert.Contains("404", (string)done["error"]!["message"]!);
    }

    [Fact]
    public async Task The_csv_export_is_in_the_data_batch_layout_and_loads_again()
    {
        await _client.CreateDatasetAsync("ds-csv-out");
        await _client.ImportAsync("ds-csv-out", "type,source_id,target_id,timestamp,metadata\nclick,u1,i1,2024-01-01T00:00:00Z,\"{\"\"a\"\":1}\"\n");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/datasets/ds-csv-out/export?kind=interaction");
        request.Headers.Accept.ParseAdd("text/csv");

        using var response = await _client.Http.SendAsync(request);
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("type,source_id,target_id,timestamp,metadata,value,record_type,batch_id\nclick,u1,i1,2024-01-01T00:00:00.000Z,\"{\"\"a\"\":1}\",", csv);
        await _client.CreateDatasetAsync("ds-csv-back");
        var again = await _client.ImportAsync("ds-csv-back", csv);
        Assert.Equal("completed", (string)again["status"]!);
    }

    [Fact]
    public async Task The_openapi_document_lists_the_native_endpoints()
    {
        var document = (await _client.Http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/v1/datasets/{id}/imports", paths);
        Assert.Contains("/v1/imports/{id}/errors", paths);
        Assert.Contains("/v1/jobs/{id}", paths);
    }

    [Theory]
    [InlineData("text/csv", "/v1/datasets/no-such-dataset/export?kind=entity", 404, "dataset_not_found")]
    [InlineData("application/vnd.apache.parquet", "/v1/datasets/no-such-dataset/export?kind=entity", 404, "dataset_not_found")]
    [InlineData("text/csv", "/v1/datasets/no-such-dataset/export", 400, "invalid_request")]
    [InlineData("text/csv", "/v1/nothing-here", 404, "route_not_found")]
    public async Task A_refusal_is_a_whole_problem_whatever_the_request_accepts(string accept, string path, int status, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);

        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal((code, status), ((string)problem["code"]!, (int)problem["status"]!));
        Assert.False(string.IsNullOrEmpty((string?)problem["title"]));
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
        Assert.StartsWith("00-", (string)problem["trace_id"]!);
    }

    [Fact]
    public async Task Requests_the_framework_refuses_still_carry_a_code()
    {
        using var badJson = await _client.Http.PostAsync("/v1/datasets", new StringContent("{bad json", Encoding.UTF8, "application/json"));
        using var badNumber = await _client.Http.GetAsync("/v1/imports?limit=abc");
        using var noRoute = await _client.Http.GetAsync("/v1/nothing-here");
        using var wrongMethod = await _client.Http.PutAsync("/health", null);

        Assert.Equal("invalid_request", (string)(await IntakeClient.ProblemAsync(badJson))["code"]!);
        Assert.Contains("limit", (string)(await IntakeClient.ProblemAsync(badNumber))["detail"]!);
        Assert.Equal("route_not_found", (string)(await IntakeClient.ProblemAsync(noRoute))["code"]!);
        Assert.Equal("method_not_allowed", (string)(await IntakeClient.ProblemAsync(wrongMethod))["code"]!);
    }

    [Fact]
    public void Every_error_code_maps_to_one_problem_status()
    {
        foreach (var info in ErrorCodes.All)
        {
            var problem = Problems.Create(info.Code, "detail");
            Assert.Equal(info.Code, problem.Extensions["code"]);
            Assert.Equal(Problems.StatusOf(info.Kind), problem.Status);
            Assert.InRange(problem.Status!.Value, 400, 599);
        }

        Assert.Equal(413, Problems.StatusOf(ErrorKind.TooLarge));
        Assert.Equal(404, Problems.StatusOf(ErrorKind.NotFound));
    }
}

public sealed class SqliteDatasetsApiTests(SqliteServerFactory factory) : DatasetsApiTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresDatasetsApiTests(PostgresServerFactory factory) : DatasetsApiTests(factory), IClassFixture<PostgresServerFactory>;
