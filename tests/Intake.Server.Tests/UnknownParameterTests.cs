using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// Query parameters and native JSON body fields an endpoint does not take are refused with
/// <c>unknown_parameter</c> naming the nearest valid one, before anything is stored; the compatibility
/// APIs' bodies stay as lenient as their documents.
/// </summary>
public abstract class UnknownParameterTests(IntakeServerFactory factory)
{
    private const string Entities = "id,type,name,metadata,media_url\na,p,A,,\n";

    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Theory]
    [InlineData("POST", "/v1/datasets/unknown-params/imports?record_type=entity", "record_type", "recordType")]
    [InlineData("POST", "/v1/datasets/unknown-params/imports?tag=a", "tag", "tags")]
    [InlineData("POST", "/v1/datasets/unknown-params/imports?delimeter=;", "delimeter", "delimiter")]
    [InlineData("GET", "/v1/imports?recordType=item", "recordType", "record_type")]
    [InlineData("GET", "/v1/jobs?kind=file_upload", "kind", null)]
    [InlineData("GET", "/v1/jobs?statuss=failed", "statuss", "status")]
    [InlineData("GET", "/v1/datasets?limt=5", "limt", "limit")]
    [InlineData("GET", "/v1/datasets/unknown-params/export?Kinds=entity", "Kinds", "kind")]
    [InlineData("POST", "/data_batch?tag=product-data", "tag", "tags")]
    [InlineData("GET", "/data_batch?batchId=1", "batchId", "batch_id")]
    [InlineData("POST", "/v2/recomm/users/batch?uri=http://127.0.0.1/u.csv", "uri", "url")]
    public async Task A_query_parameter_the_endpoint_does_not_take_is_refused_with_the_nearest_one(string method, string path, string parameter, string? nearest)
    {
        await _client.EnsureDatasetAsync("unknown-params");
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? new StringContent(Entities, Encoding.UTF8, "text/csv") : null };
        using var response = await _client.Http.SendAsync(request);

        var problem = await RefusedAsync(response, parameter, nearest);
        Assert.Contains($"Unknown query parameter '{parameter}'", (string)problem["detail"]!);
        if (nearest is not null)
        {
            Assert.Contains($"did you mean '{nearest}'?", (string)problem["detail"]!);
        }
    }

    [Theory]
    [InlineData("/v1/imports?cursor=abc")]
    [InlineData("/v1/imports?cursor=-1")]
    [InlineData("/v1/jobs?cursor=12x")]
    [InlineData("/v1/jobs?cursor=99999999999999999999")]
    [InlineData("/data_batch?cursor=eyJzZXEiOjF9")]
    public async Task A_cursor_no_list_gave_out_is_refused_rather_than_read_as_the_first_page(string path)
    {
        await _client.EnsureDatasetAsync("unknown-params");

        using var response = await _client.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("invalid_request", (string)problem["code"]!);
        Assert.Contains("is not one this list gives out: pass the next_cursor of the previous page", (string)problem["detail"]!);
    }

    [Fact]
    public async Task A_refused_upload_stores_nothing()
    {
        await _client.CreateDatasetAsync("unknown-nothing");

        using var body = new StringContent(Entities, Encoding.UTF8, "text/csv");
        using var response = await _client.Http.PostAsync("/v1/datasets/unknown-nothing/imports?record_type=entity", body);

        await RefusedAsync(response, "record_type", "recordType");
        var imports = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/imports?dataset=unknown-nothing"))!;
        Assert.Empty(imports["items"]!.AsArray());
        var jobs = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/jobs?dataset=unknown-nothing"))!;
        Assert.Empty(jobs["items"]!.AsArray());
    }

    [Fact]
    public async Task An_endpoint_without_options_refuses_any_query_parameter()
    {
        await _client.CreateDatasetAsync("unknown-none");
        var import = await _client.ImportAsync("unknown-none", Entities);

        using var response = await _client.Http.GetAsync($"/v1/imports/{(string)import["id"]!}?verbose=true");

        var problem = await RefusedAsync(response, "verbose", null);
        Assert.Empty(problem["allowed"]!.AsArray());
        Assert.Contains("GET /v1/imports/{id} takes no query parameters", (string)problem["detail"]!);
    }

    [Fact]
    public async Task Known_parameters_in_any_case_are_taken()
    {
        await _client.CreateDatasetAsync("unknown-case");

        var import = await _client.ImportAsync("unknown-case", Entities, "?RecordType=entity&Tags=x");

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal(["x"], import["tags"]!.AsArray().Select(t => (string)t!));
    }

    [Fact]
    public async Task A_json_body_field_the_endpoint_does_not_take_is_refused_and_nothing_is_created()
    {
        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets", new { id = "unknown-body", name = "N", descripton = "typo" });

        var problem = await RefusedAsync(response, "descripton", "description");
        Assert.Contains("The body of POST /v1/datasets takes id, name, description", (string)problem["detail"]!);
        using var missing = await _client.Http.GetAsync("/v1/datasets/unknown-body");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_nested_body_field_is_named_with_its_path()
    {
        await _client.EnsureDatasetAsync("unknown-params");

        using var response = await _client.Http.PostAsJsonAsync("/v1/uploads",
            new { filename = "p.ndjson", destination = new { destination_type = "dataset_load", dataset_id = "unknown-params", recordtype = "product" } });

        var problem = await RefusedAsync(response, "destination.recordtype", "record_type");
        Assert.Contains("Field destination in the body of POST /v1/uploads takes", (string)problem["detail"]!);
    }

    [Fact]
    public async Task A_url_import_body_field_the_endpoint_does_not_take_is_refused()
    {
        await _client.EnsureDatasetAsync("unknown-params");

        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets/unknown-params/imports",
            new { url = "http://127.0.0.1:9/x.csv", recordType = "item" });

        await RefusedAsync(response, "recordType", "record_type");
    }

    [Theory]
    [InlineData("/v1/datasets", """{"id": 5}""", "Field id in the body of POST /v1/datasets must be a string.")]
    [InlineData("/v1/datasets", "[]", "The body of POST /v1/datasets must be a JSON object.")]
    [InlineData("/v1/datasets", """{"id": "x",""", "The body of POST /v1/datasets is not valid JSON (error at line 1, byte 10).")]
    [InlineData("/v1/datasets", "{\n  \"id\": 'x'\n}", "The body of POST /v1/datasets is not valid JSON (error at line 2, byte 8).")]
    [InlineData("/v1/keys", """{"name": "k", "scopes": "read"}""", "Field scopes in the body of POST /v1/keys must be an array.")]
    [InlineData("/v1/keys", """{"name": "k", "scopes": ["read", 7]}""", "Field scopes of POST /v1/keys holds an element that is not a string.")]
    [InlineData("/v1/keys", """{"name": "k", "signed": "yes"}""", "Field signed in the body of POST /v1/keys must be true or false.")]
    [InlineData("/v1/uploads", """{"filename": "p.csv", "destination": {"destination_type": 3}}""",
        "Field destination.destination_type in the body of POST /v1/uploads must be a string.")]
    [InlineData("/v1/datasets/unknown-params/imports", """{"url": "http://127.0.0.1:9/x.csv", "max_errors": "ten"}""",
        "Field max_errors in the body of POST /v1/datasets/{id}/imports must be a whole number.")]
    public async Task A_body_that_is_not_json_or_holds_a_value_of_the_wrong_kind_is_refused_naming_the_field_and_the_kind(
        string path, string body, string detail)
    {
        await _client.EnsureDatasetAsync("unknown-params");

        using var response = await _client.Http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal(("invalid_request", detail), ((string)problem["code"]!, (string)problem["detail"]!));
    }

    [Theory]
    [InlineData("GET", "/v1/imports?limit=abc", "Query parameter limit 'abc' must be a whole number up to 2147483647.")]
    [InlineData("GET", "/v1/jobs?limit=99999999999", "Query parameter limit '99999999999' must be a whole number up to 2147483647.")]
    [InlineData("GET", "/v1/imports?from=yesterday", "Query parameter from 'yesterday' must be an ISO-8601 time (2024-03-01T12:00:00Z).")]
    [InlineData("POST", "/v1/datasets", "POST /v1/datasets takes a JSON object as its body; none was sent.")]
    [InlineData("POST", "/v1/keys", "POST /v1/keys takes a JSON object as its body; none was sent.")]
    public async Task A_query_value_or_body_the_framework_cannot_bind_is_refused_saying_what_it_takes(string method, string path, string detail)
    {
        using var response = await _client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal(("invalid_request", detail), ((string)problem["code"]!, (string)problem["detail"]!));
    }

    [Theory]
    [InlineData("POST", "/v1/datasets", """{"id": "nul-name", "name": "a\u0000b"}""", "Field name in the body of POST /v1/datasets holds the control character U+0000 (NUL); text fields take printable text.")]
    [InlineData("POST", "/v1/keys", """{"name": "k", "scopes": ["read\u0000"]}""", "Field scopes in the body of POST /v1/keys holds the control character U+0000 (NUL); text fields take printable text.")]
    [InlineData("GET", "/v1/imports?tag=a%00b", null, "Query parameter tag holds the control character U+0000 (NUL); parameters take printable text.")]
    [InlineData("GET", "/v1/datasets/unknown-params/export?type=p%00", null, "Query parameter type holds the control character U+0000 (NUL); parameters take printable text.")]
    [InlineData("GET", "/data_batch?tags=a%00", null, "Query parameter tags holds the control character U+0000 (NUL); parameters take printable text.")]
    public async Task A_nul_in_a_query_value_or_a_body_string_is_refused_on_both_stores(string method, string path, string? body, string detail)
    {
        await _client.EnsureDatasetAsync("unknown-params");
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal(("invalid_request", detail), ((string)problem["code"]!, (string)problem["detail"]!));
    }

    [Fact]
    public async Task The_table_batch_body_stays_as_lenient_as_its_document()
    {
        await _client.EnsureDatasetAsync("unknown-table");
        await using var files = await LocalFileServer.StartAsync(new() { ["/items.csv"] = "\"itemId\",\"name\"\n\"item01\",\"apple\"\n" });

        using var response = await _client.Http.PostAsync("/v2/recomm/unknown-table/items/batch",
            new StringContent($$"""{"url":"{{files.Url("/items.csv")}}","format":"csv","comment":"nightly"}""", Encoding.UTF8, "application/json"));

        var queued = await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
        Assert.Equal("queued", (string)queued["status"]!);
    }

    [Fact]
    public async Task Declared_parameters_are_in_the_openapi_document()
    {
        var document = (await _client.Http.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

        var import = document["paths"]!["/v1/datasets/{id}/imports"]!["post"]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        var export = document["paths"]!["/v1/datasets/{id}/export"]!["get"]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).ToList();
        Assert.Superset(new HashSet<string> { "recordType", "mode", "tags", "format", "delimiter" }, import.ToHashSet());
        Assert.Contains("tags", export);
    }

    private static async Task<JsonObject> RefusedAsync(HttpResponseMessage response, string parameter, string? nearest)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await IntakeClient.ProblemAsync(response);
        Assert.Equal("unknown_parameter", (string)problem["code"]!);
        Assert.Equal(parameter, (string)problem["parameter"]!);
        Assert.Equal(nearest, (string?)problem["nearest"]);
        return problem;
    }
}

public sealed class SqliteUnknownParameterTests(SqliteServerFactory factory) : UnknownParameterTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresUnknownParameterTests(PostgresServerFactory factory) : UnknownParameterTests(factory), IClassFixture<PostgresServerFactory>;
