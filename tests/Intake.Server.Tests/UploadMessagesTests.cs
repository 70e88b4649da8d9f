using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// Multipart form fields are honoured before the file part and refused after it (never silently dropped), and a
/// URL import whose fetch fails says why, on the native API and beside the table-batch API's <c>error</c> status.
/// </summary>
public abstract class UploadMessagesTests(IntakeServerFactory factory)
{
    private const string Csv = "id,type,name,metadata,media_url\nm1,product,Mug,,\n";

    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Theory]
    [InlineData("/data_batch")]
    [InlineData("/v1/datasets/form-after/imports")]
    public async Task A_tags_field_after_the_file_part_is_refused_and_nothing_is_imported(string path)
    {
        await _client.EnsureDatasetAsync("form-after");
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Encoding.UTF8.GetBytes(Csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "mugs.csv" },
            { new StringContent("late-tag"), "tags" },
        };

        using var response = await _client.Http.PostAsync(path, form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("form_field_after_file", (string)problem["code"]!);
        Assert.Contains("The form field 'tags' comes after the file part", (string)problem["detail"]!);
        Assert.Contains("-F tags=… before -F file=@…", (string)problem["detail"]!);
        var imports = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/imports?tag=late-tag"))!["items"]!.AsArray();
        Assert.Empty(imports);
        using var mug = await _client.Http.GetAsync("/v1/datasets/form-after/entities/product/m1");
        Assert.Equal(HttpStatusCode.NotFound, mug.StatusCode);
    }

    [Fact]
    public async Task Native_form_fields_before_the_file_count_like_query_parameters()
    {
        await _client.EnsureDatasetAsync("form-before");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("form-tag"), "tags" },
            { new StringContent(";"), "delimiter" },
            { new StringContent("0"), "maxErrors" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(Csv.Replace(',', ';'))) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "mugs.csv" },
        };

        using var response = await _client.Http.PostAsync("/v1/datasets/form-before/imports?tags=query-tag", form);
        var import = await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted))["id"]!);

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal(["query-tag", "form-tag"], import["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(0, (long)import["max_errors"]!);
        Assert.Empty(import["warnings"]!.AsArray());
    }

    [Fact]
    public async Task A_native_form_field_it_does_not_take_is_refused()
    {
        await _client.EnsureDatasetAsync("form-unknown");
        using var form = new MultipartFormDataContent
        {
            { new StringContent("item"), "record_type" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(Csv)), "file", "mugs.csv" },
        };

        using var response = await _client.Http.PostAsync("/v1/datasets/form-unknown/imports", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal(("unknown_parameter", "record_type", "recordType"), ((string)problem["code"]!, (string)problem["parameter"]!, (string)problem["nearest"]!));
    }

    [Fact]
    public async Task A_native_url_import_whose_fetch_fails_has_the_reason_in_its_error()
    {
        await _client.EnsureDatasetAsync("fetch-fails");
        await using var files = await LocalFileServer.StartAsync([]);

        using var missing = await _client.Http.PostAsJsonAsync("/v1/datasets/fetch-fails/imports", new { url = files.Url("/missing.csv") });
        using var refused = await _client.Http.PostAsJsonAsync("/v1/datasets/fetch-fails/imports", new { url = $"http://127.0.0.1:{ClosedPort()}/x.csv" });
        var notFound = await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(missing, HttpStatusCode.Accepted))["id"]!);
        var noServer = await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(refused, HttpStatusCode.Accepted))["id"]!);

        Assert.Equal(("failed", "fetch_failed"), ((string)notFound["status"]!, (string)notFound["error"]!["code"]!));
        Assert.Equal($"Fetching {files.Url("/missing.csv")} answered 404 Not Found.", (string)notFound["error"]!["message"]!);
        Assert.Equal(("failed", "fetch_failed"), ((string)noServer["status"]!, (string)noServer["error"]!["code"]!));
        Assert.Contains("failed: Connection refused", (string)noServer["error"]!["message"]!);
    }

    [Fact]
    public async Task A_table_batch_request_whose_fetch_fails_carries_the_reason_beside_its_error_status()
    {
        await _client.EnsureDatasetAsync("fetch-table");
        await using var files = await LocalFileServer.StartAsync([]);

        using var response = await _client.Http.PostAsJsonAsync("/v2/recomm/fetch-table/items/batch", new { url = files.Url("/items_file.csv"), format = "csv" });
        var id = (string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted))["requestId"]!;
        await _client.WaitForFinalAsync(id);
        var status = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v2/recomm/fetch-table/items/batch/{id}"))!;

        Assert.Equal(["requestId", "status", "error"], status.Select(p => p.Key));
        Assert.Equal("error", (string)status["status"]!);
        Assert.Equal("fetch_failed", (string)status["error"]!["code"]!);
        Assert.Equal($"Fetching {files.Url("/items_file.csv")} answered 404 Not Found.", (string)status["error"]!["message"]!);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class SqliteUploadMessagesTests(SqliteServerFactory factory) : UploadMessagesTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresUploadMessagesTests(PostgresServerFactory factory) : UploadMessagesTests(factory), IClassFixture<PostgresServerFactory>;
