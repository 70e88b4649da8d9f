using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests.Compat;

/// <summary>The data-batch API (seeds/000): every batch goes into one dataset, entity or interaction by its header.</summary>
public abstract class DataBatchApiTests(IntakeServerFactory factory)
{
    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task A_batch_upload_answers_with_its_id_time_tags_and_counts()
    {
        var batch = await PostAsync("id,type,name,metadata,media_url,extra\nb1,product,Bike,\"{\"\"gears\"\": 21}\",,ignored\nb2,product,Helmet,,,\n", "?tags=product-data");

        Assert.Equal(["batch_id", "timestamp", "tags", "num_entities", "num_interactions", "status", "archived"], batch.Select(p => p.Key));
        Assert.Equal(["product-data"], batch["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(2, (long)batch["num_entities"]!);
        Assert.Equal(0, (long)batch["num_interactions"]!);
        Assert.Equal("completed", (string)batch["status"]!);
        Assert.True(DateTimeOffset.UtcNow - (DateTimeOffset)batch["timestamp"]! < TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Interactions_are_told_from_entities_by_their_columns_and_untagged_batches_get_default()
    {
        var batch = await PostAsync("type,source_id,target_id,timestamp,metadata\nview,u1,b1,2024-01-01T00:00:00Z,\nview,u2,b1,1704067200000,\n", "");

        Assert.Equal(2, (long)batch["num_interactions"]!);
        Assert.Equal(["default"], batch["tags"]!.AsArray().Select(t => (string)t!));
    }

    [Fact]
    public async Task Multipart_uploads_with_a_tags_field_load_like_raw_ones()
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent("blog-data,extra"), "tags");
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("id,type,name,metadata,media_url\npost1,article,Hello,,\n")) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "posts.csv");

        using var response = await _client.Http.PostAsync("/data_batch", form);
        var batch = await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);

        Assert.Equal(["blog-data", "extra"], batch["tags"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(1, (long)batch["num_entities"]!);
    }

    [Fact]
    public async Task Csv_written_by_a_spreadsheet_loads()
    {
        var excel = "\uFEFF\"id\",\"type\",\"name\",\"metadata\",\"media_url\"\r\n\"x1\",\"product\",\"Caf\u00e9\",\"\",\"\"\r\n\"x2\",\"product\",\"Tea\",\"\",\"\"\r\n\r\n";

        var batch = await PostAsync(excel, "?tags=excel");

        Assert.Equal("completed", (string)batch["status"]!);
        Assert.Equal(2, (long)batch["num_entities"]!);
        var cafe = await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/default/entities/product/x1");
        Assert.Equal("Caf\u00e9", (string)cafe!["name"]!);
    }

    [Fact]
    public async Task A_repeated_id_overwrites_and_the_batch_query_counts_what_each_batch_holds_now()
    {
        var first = await PostAsync("id,type,name,metadata,media_url\nr1,product,v1,,\nr2,product,v1,,\n", "?tags=overwrite");
        var second = await PostAsync("id,type,name,metadata,media_url\nr1,product,v2,,\n", "?tags=overwrite");

        var firstNow = (await _client.Http.GetFromJsonAsync<JsonObject>($"/data_batch?batch_id={(string)first["batch_id"]!}"))!;
        var byTag = (await _client.Http.GetFromJsonAsync<JsonObject>("/data_batch?tags=overwrite,unused"))!;

        Assert.Equal(1, (long)firstNow["num_entities"]!);
        Assert.Equal(2, byTag["batches"]!.AsArray().Count);
        Assert.Equal(2, (long)byTag["total_entities"]!);
        Assert.Equal([(string)second["batch_id"]!, (string)first["batch_id"]!], byTag["batches"]!.AsArray().Select(b => (string)b!["batch_id"]!));
        Assert.Equal("v2", (string)(await _client.Http.GetFromJsonAsync<JsonObject>("/v1/datasets/default/entities/product/r1"))!["name"]!);
    }

    [Fact]
    public async Task Deleting_a_batch_removes_its_records_and_archiving_hides_them()
    {
        var deleted = await PostAsync("id,type,name,metadata,media_url\nd1,product,x,,\n", "?tags=gone");
        var archived = await PostAsync("id,type,name,metadata,media_url\na1,product,x,,\n", "?tags=hidden");

        using (var delete = await _client.Http.DeleteAsync($"/data_batch/{(string)deleted["batch_id"]!}"))
        {
            Assert.Equal(0, (long)(await IntakeClient.ExpectAsync(delete, HttpStatusCode.OK))["num_entities"]!);
        }

        using (var archive = await _client.Http.PostAsync($"/data_batch/{(string)archived["batch_id"]!}/archive", null))
        {
            Assert.True((bool)(await IntakeClient.ExpectAsync(archive, HttpStatusCode.OK))["archived"]!);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await _client.Http.GetAsync("/v1/datasets/default/entities/product/d1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.Http.GetAsync("/v1/datasets/default/entities/product/a1")).StatusCode);
        Assert.Empty(await _client.ExportAsync("default", "?tags=hidden"));
        Assert.Equal(0, (long)(await _client.Http.GetFromJsonAsync<JsonObject>("/data_batch?tags=hidden"))!["total_entities"]!);
    }

    [Fact]
    public async Task A_deleted_batch_shows_as_deleted_and_deleting_it_again_is_a_404()
    {
        var batch = await PostAsync("id,type,name,metadata,media_url\nz1,product,x,,\nz2,product,y,,\n", "?tags=deleted-twice");
        var id = (string)batch["batch_id"]!;

        using (var delete = await _client.Http.DeleteAsync($"/data_batch/{id}"))
        {
            var deleted = await IntakeClient.ExpectAsync(delete, HttpStatusCode.OK);
            Assert.Equal(("deleted", 0L), ((string)deleted["status"]!, (long)deleted["num_entities"]!));
        }

        var info = (await _client.Http.GetFromJsonAsync<JsonObject>($"/data_batch?batch_id={id}"))!;
        using var again = await _client.Http.DeleteAsync($"/data_batch/{id}");
        var native = await _client.GetImportAsync(id);

        Assert.Equal("deleted", (string)info["status"]!);
        Assert.NotNull(info["deleted_at"]);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        var problem = await IntakeClient.ProblemAsync(again);
        Assert.Equal("import_not_found", (string)problem["code"]!);
        Assert.Contains($"Batch '{id}' was deleted at", (string)problem["detail"]!);
        Assert.Equal((string)info["deleted_at"]!, (string)native["deleted_at"]!);
    }

    [Theory]
    [InlineData("/data_batch")]
    [InlineData("/data_batch/")]
    public async Task A_plain_get_lists_every_batch_newest_first_paged_with_the_totals(string path)
    {
        var older = await PostAsync("id,type,name,metadata,media_url\nl1,product,x,,\n", "?tags=listed");
        var newer = await PostAsync("type,source_id,target_id,timestamp,metadata\nview,u1,l1,2024-01-01T00:00:00Z,\n", "?tags=listed");

        var pages = new List<JsonObject>();
        string? cursor = null;
        do
        {
            var page = (await _client.Http.GetFromJsonAsync<JsonObject>(path + "?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))!;
            pages.Add(page);
            cursor = (string?)page["next_cursor"];
        }
        while (cursor is not null);

        var batches = pages.SelectMany(p => p["batches"]!.AsArray().Select(b => b!.AsObject())).ToList();
        var ids = batches.Select(b => (string)b["batch_id"]!).ToList();
        Assert.All(pages, p => Assert.True(p["batches"]!.AsArray().Count <= 2));
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Equal((long)pages[0]["total_batches"]!, ids.Count);
        var times = batches.Select(b => (DateTimeOffset)b["timestamp"]!).ToList();
        Assert.Equal(times.OrderByDescending(t => t).ToList(), times);
        Assert.True(ids.IndexOf((string)newer["batch_id"]!) < ids.IndexOf((string)older["batch_id"]!));
        var counted = batches.Where(b => !(bool)b["archived"]!).ToList();
        Assert.Equal(counted.Sum(b => (long)b["num_entities"]!), (long)pages[0]["total_entities"]!);
        Assert.Equal(counted.Sum(b => (long)b["num_interactions"]!), (long)pages[0]["total_interactions"]!);
        Assert.All(pages, p => Assert.Equal((long)pages[0]["total_entities"]!, (long)p["total_entities"]!));
    }

    [Fact]
    public async Task A_file_whose_header_fits_nothing_reports_the_missing_columns()
    {
        using var response = await _client.Http.PostAsync("/data_batch", new StringContent("sku,title\n1,a\n", Encoding.UTF8, "text/csv"));
        var batch = await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);

        Assert.Equal("failed", (string)batch["status"]!);
        var import = await _client.GetImportAsync((string)batch["batch_id"]!);
        Assert.Contains("source_id", (string)import["error"]!["message"]!);
    }

    [Fact]
    public async Task Unknown_batches_are_404s()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.Http.GetAsync("/data_batch?batch_id=nope")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _client.Http.DeleteAsync("/data_batch/nope")).StatusCode);
    }

    private async Task<JsonObject> PostAsync(string csv, string query)
    {
        using var response = await _client.Http.PostAsync("/data_batch" + query, new StringContent(csv, Encoding.UTF8, "text/csv"));
        return await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);
    }
}

public sealed class SqliteDataBatchApiTests(SqliteServerFactory factory) : DataBatchApiTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresDataBatchApiTests(PostgresServerFactory factory) : DataBatchApiTests(factory), IClassFixture<PostgresServerFactory>;
