using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Core.Tests.Schemas;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Compat;

/// <summary>The bulk-write API (seeds/002): create an upload with a destination, PUT the file, follow both jobs in the log.</summary>
public abstract class BulkWriteApiTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task A_gzipped_ndjson_of_100000_purchases_with_1_percent_malformed_lines_loads_through_the_two_step_upload()
    {
        await _client.EnsureDatasetAsync("purchases");
        var lines = new StringBuilder();
        var purchase = CdpExamples.Json("purchase");
        for (var i = 0; i < 100_000; i++)
        {
            lines.Append(i % 100 == 99 ? "{\"link\": {\"email\": \"broken" : purchase.Replace("\"53059a\"", $"\"P-{i}\"", StringComparison.Ordinal)).Append('\n');
        }

        var upload = await CreateUploadAsync("purchases.ndjson.gz", "purchases", "purchase");
        var import = await PutAsync((string)upload["url"]!, Gzip(lines.ToString()));
        var done = await _client.WaitForFinalAsync((string)import["id"]!);

        Assert.Equal("completed_with_errors", (string)done["status"]!);
        Assert.Equal(100_000, (long)done["progress"]!["records_read"]!);
        Assert.Equal(99_000, (long)done["progress"]!["records_written"]!);
        Assert.Equal(1_000, (long)done["progress"]!["records_rejected"]!);
        var errors = await _client.ErrorsAsync((string)done["id"]!);
        Assert.Equal(1_000, errors.Count);
        Assert.All(errors, e => Assert.Equal("MalformedRecord", (string)e["code"]!));
        Assert.Equal(100, (long)errors[0]["line"]!);

        var log = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs?import={(string)done["id"]!}"))!["items"]!.AsArray();
        Assert.Equal(["dataset_load", "file_upload"], log.Select(j => (string)j!["type"]!));
        var fileUpload = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)done["jobs"]!["file_upload"]!}"))!;
        var datasetLoad = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)done["jobs"]!["dataset_load"]!}"))!;
        Assert.Equal("completed", (string)fileUpload["status"]!);
        Assert.Equal("completed_with_errors", (string)datasetLoad["status"]!);
        Assert.True((DateTimeOffset)fileUpload["finished_at"]! <= (DateTimeOffset)datasetLoad["queued_at"]!);
        Assert.Equal("""{"received":100000,"loaded":99000,"rejected":1000}""", datasetLoad["stats"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(RecordTypes))]
    public async Task Each_cdp_record_type_loads_a_valid_record_and_rejects_an_invalid_one_without_echoing_personal_values(string recordType)
    {
        var dataset = "cdp-" + recordType.Replace('_', '-');
        await _client.EnsureDatasetAsync(dataset);
        var valid = CdpExamples.Json(recordType);
        var invalid = JsonNode.Parse(valid)!.AsObject();
        var broken = recordType == "product" ? "product_reference_type" : "link";
        invalid[broken] = recordType == "product" ? "not-a-reference-type" : new JsonObject { ["email"] = "jane.personal@fake.com", ["extra"] = "Zelda" };

        var upload = await CreateUploadAsync($"{recordType}.ndjson", dataset, recordType);
        var import = await PutAsync((string)upload["url"]!, Encoding.UTF8.GetBytes(valid + "\n" + invalid.ToJsonString() + "\n"));
        var done = await _client.WaitForFinalAsync((string)import["id"]!);

        Assert.Equal("completed_with_errors", (string)done["status"]!);
        Assert.Equal(1, (long)done["progress"]!["records_written"]!);
        var error = Assert.Single(await _client.ErrorsAsync((string)done["id"]!));
        Assert.StartsWith(broken, (string)error["field"]!);
        var output = error.ToJsonString() + await _client.Http.GetStringAsync($"/v1/imports/{(string)done["id"]!}");
        Assert.All(CdpExamples.PersonalValues, value => Assert.DoesNotContain(value, output));
        var stored = Assert.Single(await _client.ExportAsync(dataset));
        Assert.Equal(JsonNode.Parse(valid)!.ToJsonString(), stored["attributes"]!.ToJsonString());
    }

    public static TheoryData<string> RecordTypes => CdpExamples.Names;

    [Fact]
    public async Task Csv_with_dotted_headers_becomes_nested_records()
    {
        await _client.EnsureDatasetAsync("customers");
        const string csv = "link.customer_id,first_name,email,custom_fields.loyalty_status,employee_flag\nC-1,Zelda,jane.personal@fake.com,gold,false\nC-2,Ann,,silver,true\n";

        var upload = await CreateUploadAsync("customers.csv", "customers", "customer_record");
        var done = await _client.WaitForFinalAsync((string)(await PutAsync((string)upload["url"]!, Encoding.UTF8.GetBytes(csv)))["id"]!);

        Assert.Equal("completed", (string)done["status"]!);
        var customer = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/customers/entities/customer_record/customer_id:C-1"))!;
        Assert.Equal("gold", (string)customer["attributes"]!["custom_fields"]!["loyalty_status"]!);
        Assert.False((bool)customer["attributes"]!["employee_flag"]!);
        var ann = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/customers/entities/customer_record/customer_id:C-2"))!;
        Assert.False(ann["attributes"]!.AsObject().ContainsKey("email"));
    }

    [Fact]
    public async Task An_upload_takes_its_file_once_and_an_unknown_destination_is_refused()
    {
        await _client.EnsureDatasetAsync("once");
        var upload = await CreateUploadAsync("a.ndjson", "once", "customer_record");
        await PutAsync((string)upload["url"]!, Encoding.UTF8.GetBytes(CdpExamples.Json("customer_record")));

        using var again = await _client.Http.PutAsync((string)upload["url"]!, new ByteArrayContent([1]));
        using var againWithoutToken = await _client.Http.PutAsync(new Uri((string)upload["url"]!).AbsolutePath, new ByteArrayContent([1]));
        using var noDataset = await _client.Http.PostAsJsonAsync("/v1/uploads", new { filename = "x", destination = new { destination_type = "dataset_load", dataset_id = "nope", record_type = "purchase" } });
        using var badType = await _client.Http.PostAsJsonAsync("/v1/uploads", new { filename = "x", destination = new { destination_type = "dataset_load", dataset_id = "once", record_type = "order" } });
        using var badDestination = await _client.Http.PostAsJsonAsync("/v1/uploads", new { filename = "x", destination = new { destination_type = "s3", dataset_id = "once" } });

        Assert.Equal("upload_token_used", (string)(await IntakeClient.ProblemAsync(again))["code"]!);
        Assert.Equal("upload_already_received", (string)(await IntakeClient.ProblemAsync(againWithoutToken))["code"]!);
        Assert.Equal("dataset_not_found", (string)(await IntakeClient.ProblemAsync(noDataset))["code"]!);
        Assert.Equal("unknown_record_type", (string)(await IntakeClient.ProblemAsync(badType))["code"]!);
        Assert.Equal(HttpStatusCode.BadRequest, badDestination.StatusCode);
    }

    [Fact]
    public async Task A_custom_record_type_is_defined_through_the_schema_and_validates_its_records()
    {
        await _client.EnsureDatasetAsync("custom");
        const string definition = """
            {"kind": "interaction",
             "schema": {"type": "object", "additionalProperties": false, "required": ["member", "at", "visit_id"],
                        "properties": {"member": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
                                       "visit_id": {"type": "string"}, "minutes": {"type": "integer", "minimum": 0}}},
             "key": {"source": "member", "target": "visit_id", "timestamp": "at"}}
            """;
        using var define = await _client.Http.PutAsync("/v1/datasets/custom/schema/record-types/store_visit", new StringContent(definition, Encoding.UTF8, "application/json"));
        var type = await IntakeClient.ExpectAsync(define, HttpStatusCode.OK);
        Assert.False((bool)type["built_in"]!);

        var upload = await CreateUploadAsync("visits.ndjson", "custom", "store_visit");
        var done = await _client.WaitForFinalAsync((string)(await PutAsync((string)upload["url"]!, Encoding.UTF8.GetBytes(
            """
            {"member": "m1", "at": "2024-01-01T10:00:00Z", "visit_id": "v1", "minutes": 12}
            {"member": "m1", "at": "2024-01-01T11:00:00Z", "visit_id": "v2", "minutes": -3}
            """)))["id"]!);

        Assert.Equal("completed_with_errors", (string)done["status"]!);
        Assert.Equal("minutes", (string)(await _client.ErrorsAsync((string)done["id"]!))[0]["field"]!);
        var schema = (await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/custom/schema"))!;
        Assert.Contains(schema["record_types"]!.AsArray(), t => (string)t!["name"]! == "store_visit" && t["definition"] is not null);
        using var badDefinition = await _client.Http.PutAsync("/v1/datasets/custom/schema/record-types/broken",
            new StringContent("""{"kind": "entity", "schema": {"type": "object", "patternProperties": {}}, "key": {"id": "x"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal("invalid_schema", (string)(await IntakeClient.ProblemAsync(badDefinition))["code"]!);
    }

    [Fact]
    public async Task Clear_data_removes_the_records_and_keeps_the_dataset()
    {
        await _client.EnsureDatasetAsync("to-clear");
        var upload = await CreateUploadAsync("p.ndjson", "to-clear", "product");
        await _client.WaitForFinalAsync((string)(await PutAsync((string)upload["url"]!, Encoding.UTF8.GetBytes(CdpExamples.Json("product"))))["id"]!);

        using var clear = await _client.Http.PostAsync("/v1/datasets/to-clear/clear", null);
        var job = await _client.WaitForJobAsync((string)(await IntakeClient.ExpectAsync(clear, HttpStatusCode.Accepted))["id"]!);

        Assert.Equal(("clear_data", "completed"), ((string)job["type"]!, (string)job["status"]!));
        Assert.Equal("""{"removed":1}""", job["stats"]!.ToJsonString());
        Assert.Equal(0, (long)(await _client.CountsAsync("to-clear"))["total"]!);
    }

    private async Task<JsonObject> CreateUploadAsync(string filename, string dataset, string recordType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/uploads")
        {
            Content = JsonContent.Create(new { filename, destination = new { destination_type = "dataset_load", dataset_id = dataset, record_type = recordType } }),
        };
        request.Headers.Add("Auth-Api-Token", "activity-token");
        using var response = await _client.Http.SendAsync(request);
        var upload = await IntakeClient.ExpectAsync(response, HttpStatusCode.Created);
        // Location is the upload's status resource; the url adds the capability token for its one PUT.
        Assert.Equal(response.Headers.Location!.ToString() + "?token=", ((string)upload["url"]!)[..(response.Headers.Location.ToString().Length + 7)]);
        return upload;
    }

    private async Task<JsonObject> PutAsync(string url, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _client.Http.PutAsync(url, content);
        return await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return output.ToArray();
    }
}

public sealed class SqliteBulkWriteApiTests(SqliteServerFactory factory) : BulkWriteApiTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresBulkWriteApiTests(PostgresServerFactory factory) : BulkWriteApiTests(factory), IClassFixture<PostgresServerFactory>;
