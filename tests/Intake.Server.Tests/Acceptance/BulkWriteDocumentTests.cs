using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Core.Tests.Schemas;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Acceptance;

/// <summary>
/// The bulk-write document (seeds/002) step by step, as its console steps map onto the API: create a dataset with
/// a name and description and read its id; format records to a CDP schema as gzipped NDJSON (plain NDJSON and a
/// converted CSV accepted too); upload with a destination; find the File Upload job, then the Dataset Load job it
/// triggers, in the logs; compare the Stats table with what was sent, rejected records included; Clear Data.
/// </summary>
public abstract class BulkWriteDocumentTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task The_document_replays_in_its_own_order_and_ends_as_it_says()
    {
        // 1. Create a new dataset: Name and Description, then View it and record its id.
        using (var created = await _client.Http.PostAsJsonAsync("/v1/datasets", new { name = "Shopify customers", description = "Shopify — customer records" }))
        {
            var dataset = await IntakeClient.ExpectAsync(created, HttpStatusCode.Created);
            Assert.Equal("Shopify — customer records", (string)dataset["description"]!);
            DatasetId = (string)dataset["id"]!;
        }

        var viewed = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{DatasetId}"))!;
        Assert.Equal(("Shopify customers", 0L), ((string)viewed["name"]!, (long)viewed["counts"]!["total"]!));

        // 2. Format the data to the customer_record schema as NDJSON, gzipped with a .gz suffix; one line is malformed.
        var customer = CdpExamples.Json("customer_record");
        var second = customer.Replace("jane.personal@fake.com", "john.personal@fake.com", StringComparison.Ordinal).Replace("C-2819279", "C-2819280", StringComparison.Ordinal);
        var ndjson = $"{customer}\n{{\"link\": {{\"email\": \"broken\n{second}\n";

        // 3. Upload the file to the dataset with the File Upload API and its destination.
        var load = await UploadAsync("datarockstar_customers.ndjson.gz", Gzip(ndjson), "customer_record");

        // 4. Logs: the File Upload job, then (after Reset Filters) the Dataset Load job it triggered.
        var uploads = await JobsAsync("file_upload");
        var loads = await JobsAsync("dataset_load");
        var fileUpload = uploads.Single(j => (string)j["import_id"]! == (string)load["id"]!);
        var datasetLoad = loads.Single(j => (string)j["import_id"]! == (string)load["id"]!);
        Assert.Equal("completed", (string)fileUpload["status"]!);
        Assert.True((DateTimeOffset)fileUpload["finished_at"]! <= (DateTimeOffset)datasetLoad["queued_at"]!);

        // 5. The Stats table against the records sent, and the rejected records.
        var log = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)datasetLoad["id"]!}"))!;
        Assert.Equal(("completed_with_errors", """{"received":3,"loaded":2,"rejected":1}"""), ((string)log["status"]!, log["stats"]!.ToJsonString()));
        Assert.Equal(["queued", "processing", "completed_with_errors"], log["history"]!.AsArray().Select(h => (string)h!["status"]!));
        var rejected = Assert.Single(await _client.ErrorsAsync((string)load["id"]!));
        Assert.Equal(("MalformedRecord", 2L), ((string)rejected["code"]!, (long)rejected["line"]!));
        Assert.DoesNotContain("personal", rejected.ToJsonString());

        // "We will also accept regular NDJSON files"; "Got CSV files?" — a CSV with dotted headers, as csv_to_ndjson reads it.
        await UploadAsync("more_customers.ndjson", Encoding.UTF8.GetBytes(customer.Replace("C-2819279", "C-2819281", StringComparison.Ordinal).Replace("jane.personal", "ann.personal", StringComparison.Ordinal) + "\n"), "customer_record");
        await UploadAsync("customers.csv", Encoding.UTF8.GetBytes("link.customer_id,customer_id,first_name\n\"C-9\",\"C-9\",\"Zoe\"\n"), "customer_record");
        Assert.Equal(4, (long)(await _client.CountsAsync(DatasetId))["entities"]!);

        // Clear your records: Clear Data starts a job that removes the data; the dataset itself is not deleted.
        using var clear = await _client.Http.PostAsync($"/v1/datasets/{DatasetId}/clear", null);
        var job = await _client.WaitForJobAsync((string)(await IntakeClient.ExpectAsync(clear, HttpStatusCode.Accepted))["id"]!);
        Assert.Equal(("clear_data", "completed", """{"removed":4}"""), ((string)job["type"]!, (string)job["status"]!, job["stats"]!.ToJsonString()));
        var kept = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{DatasetId}"))!;
        Assert.Equal(("Shopify customers", 0L), ((string)kept["name"]!, (long)kept["counts"]!["total"]!));
    }

    private string DatasetId { get; set; } = "";

    /// <summary>The File Upload API: an upload with its destination, then the file PUT to the URL it returns; followed to its end.</summary>
    private async Task<JsonObject> UploadAsync(string filename, byte[] content, string recordType)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/uploads")
        {
            Content = JsonContent.Create(new { filename, destination = new { destination_type = "dataset_load", dataset_id = DatasetId, record_type = recordType } }),
        };
        request.Headers.Add("Auth-Api-Token", "activity-token");
        using var created = await _client.Http.SendAsync(request);
        var upload = await IntakeClient.ExpectAsync(created, HttpStatusCode.Created);

        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await _client.Http.PutAsync((string)upload["url"]!, body);
        var import = await IntakeClient.ExpectAsync(put, HttpStatusCode.OK);
        return await _client.WaitForFinalAsync((string)import["id"]!);
    }

    private async Task<List<JsonObject>> JobsAsync(string type) =>
        (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs?type={type}&dataset={DatasetId}"))!["items"]!.AsArray().Select(j => j!.AsObject()).ToList();

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

public sealed class SqliteBulkWriteDocumentTests(SqliteServerFactory factory) : BulkWriteDocumentTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresBulkWriteDocumentTests(PostgresServerFactory factory) : BulkWriteDocumentTests(factory), IClassFixture<PostgresServerFactory>;
