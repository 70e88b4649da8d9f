using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Acceptance;

/// <summary>
/// The data-batch document (seeds/000) in the order it says things, each as a request it implies: load entities
/// and interactions to one endpoint (told apart by their columns, extra columns ignored), overwrite by repeated id
/// in one file and in a later one, a spreadsheet's CSV, tags (and the default tag), batch info by tag, by batch id
/// and from a plain <c>GET</c> of the endpoint, the same information on upload, then delete and archive.
/// </summary>
public abstract class DataBatchDocumentTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task The_document_replays_in_its_own_order_and_ends_as_it_says()
    {
        // "Both entity and interaction data can be uploaded to the same endpoint ... differentiated depending on the
        // column names present"; "Additional columns in the CS files are permitted but will be ignored."
        var products = await UploadAsync("id,type,name,metadata,media_url,warehouse\nsku-1,product,Bike,\"{\"\"gears\"\": 21}\",https://img.example.com/b.jpg,north\nsku-2,product,Helmet,,,south\n", "product-data");
        var views = await UploadAsync("type,source_id,target_id,timestamp,metadata\nview,u1,sku-1,2024-03-01T12:00:00Z,\nview,u2,sku-2,1709294400000,\"{\"\"device\"\": \"\"mobile\"\"}\"\n", "product-data");
        Assert.Equal((2L, 0L, 0L, 2L), ((long)products["num_entities"]!, (long)products["num_interactions"]!, (long)views["num_entities"]!, (long)views["num_interactions"]!));
        var ignored = (await _client.GetImportAsync((string)products["batch_id"]!))["warnings"]!.AsArray().Single()!;
        Assert.Equal(("columns_ignored", "Record type entity does not use the column warehouse, so it was ignored."), ((string)ignored["code"]!, (string)ignored["message"]!));

        // "If an id is repeated (either in the same file or in a subsequent file), it will overwrite the prior version."
        var posts = await UploadAsync("id,type,name,metadata,media_url\npost-1,article,Draft,,\npost-1,article,Hello,,\n", "blog-data");
        Assert.Equal("Hello", await NameAsync("article", "post-1"));
        await UploadAsync("id,type,name,metadata,media_url\npost-1,article,Hello again,,\n", "blog-data");
        Assert.Equal("Hello again", await NameAsync("article", "post-1"));

        // "Some spreadsheet programs, such as Microsoft Excel, may add special characters": a BOM, quoted names,
        // CRLF, and (in many locales) semicolons.
        var excel = await UploadAsync("\uFEFF\"id\";\"type\";\"name\";\"metadata\";\"media_url\"\r\n\"sku-3\";\"product\";\"Café\";\"\";\"\"\r\n", "product-data");
        Assert.Equal((1L, "Café"), ((long)excel["num_entities"]!, await NameAsync("product", "sku-3")));

        // "If no tags are provided, then a default tag will automatically be applied."
        using (var untagged = await _client.Http.PostAsync("/data_batch", new StringContent("id,type,name,metadata,media_url\nmisc-1,note,x,,\n", Encoding.UTF8, "text/csv")))
        {
            Assert.Equal(["default"], (await IntakeClient.ExpectAsync(untagged, HttpStatusCode.OK))["tags"]!.AsArray().Select(t => (string)t!));
        }

        // "query to see the total size by using tags or a batch_id"; "each time you upload a batch, the same
        // information is returned".
        var byTag = (await _client.Http.GetFromJsonAsync<JsonObject>("/data_batch?tags=product-data"))!;
        Assert.Equal((3L, 2L, 3L), ((long)byTag["total_entities"]!, (long)byTag["total_interactions"]!, (long)byTag["total_batches"]!));
        var byId = (await _client.Http.GetFromJsonAsync<JsonObject>($"/data_batch?batch_id={(string)products["batch_id"]!}"))!;
        foreach (var field in new[] { "batch_id", "timestamp", "tags", "num_entities", "num_interactions" })
        {
            Assert.Equal(products[field]!.ToJsonString(), byId[field]!.ToJsonString());
        }

        // "Sending a GET request to the data_batch/ endpoint will return the following": every batch, newest first.
        var all = (await _client.Http.GetFromJsonAsync<JsonObject>("/data_batch/"))!;
        var listed = all["batches"]!.AsArray().Select(b => b!.AsObject()).ToList();
        Assert.Equal(6, listed.Count);
        Assert.Equal((string)products["batch_id"]!, (string)listed[^1]["batch_id"]!);
        Assert.All(listed, b => Assert.Superset(new HashSet<string> { "batch_id", "timestamp", "tags", "num_entities", "num_interactions" }, b.Select(p => p.Key).ToHashSet()));

        // "Delete or archive older datasets no longer needed."
        using (var archive = await _client.Http.PostAsync($"/data_batch/{(string)posts["batch_id"]!}/archive", null))
        {
            Assert.True((bool)(await IntakeClient.ExpectAsync(archive, HttpStatusCode.OK))["archived"]!);
        }

        using (var delete = await _client.Http.DeleteAsync($"/data_batch/{(string)views["batch_id"]!}"))
        {
            Assert.Equal("deleted", (string)(await IntakeClient.ExpectAsync(delete, HttpStatusCode.OK))["status"]!);
        }

        var after = (await _client.Http.GetFromJsonAsync<JsonObject>("/data_batch/"))!;
        Assert.Equal((5L, 0L), ((long)after["total_entities"]!, (long)after["total_interactions"]!));
        Assert.Empty(await _client.ExportAsync("default", "?kind=interaction"));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.Http.DeleteAsync($"/data_batch/{(string)views["batch_id"]!}")).StatusCode);
    }

    private async Task<JsonObject> UploadAsync(string csv, string tags)
    {
        using var response = await _client.Http.PostAsync($"/data_batch?tags={tags}", new StringContent(csv, Encoding.UTF8, "text/csv"));
        var batch = await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);
        Assert.Equal("completed", (string)batch["status"]!);
        return batch;
    }

    private async Task<string> NameAsync(string type, string id) =>
        (string)(await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/default/entities/{type}/{id}"))!["name"]!;
}

public sealed class SqliteDataBatchDocumentTests(SqliteServerFactory factory) : DataBatchDocumentTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresDataBatchDocumentTests(PostgresServerFactory factory) : DataBatchDocumentTests(factory), IClassFixture<PostgresServerFactory>;
