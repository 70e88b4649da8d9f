using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>Each job kind shows the figures of its kind in <c>stats</c>, as CONTRACTS.md and docs/api.md say.</summary>
public abstract class JobStatsTests(IntakeServerFactory factory)
{
    private const string Entities = "id,type,name,metadata,media_url\na,p,A,,\nb,p,B,\"{\"\"n\"\": 1}\",\nc,p,C,\"{\"\"n\"\": \"\"x\"\"}\",\n";

    private readonly IntakeClient _client = factory.CreateIntakeClient();

    [Fact]
    public async Task An_upload_counts_bytes_and_a_load_counts_records()
    {
        await _client.CreateDatasetAsync("stats-load");
        var import = await _client.ImportAsync("stats-load", Entities);

        var upload = await JobAsync((string)import["jobs"]!["file_upload"]!);
        var load = await JobAsync((string)import["jobs"]!["dataset_load"]!);

        Assert.Equal($$"""{"bytes_received":{{Encoding.UTF8.GetByteCount(Entities)}}}""", upload["stats"]!.ToJsonString());
        Assert.Equal("""{"received":3,"loaded":2,"rejected":1}""", load["stats"]!.ToJsonString());
    }

    [Fact]
    public async Task Clear_delete_batch_and_delete_dataset_count_the_records_removed()
    {
        await _client.CreateDatasetAsync("stats-remove");
        var first = await _client.ImportAsync("stats-remove", "id,type,name,metadata,media_url\na,p,A,,\nb,p,B,,\n");
        await _client.ImportAsync("stats-remove", "id,type,name,metadata,media_url\nc,p,C,,\n");

        var deleteBatch = await FinishedAsync(await _client.Http.DeleteAsync($"/v1/imports/{(string)first["id"]!}"));
        var clear = await FinishedAsync(await _client.Http.PostAsync("/v1/datasets/stats-remove/clear", null));
        await _client.ImportAsync("stats-remove", "id,type,name,metadata,media_url\nd,p,D,,\ne,p,E,,\nf,p,F,,\n");
        var deleteDataset = await FinishedAsync(await _client.Http.DeleteAsync("/v1/datasets/stats-remove"));

        Assert.Equal(("delete_batch", """{"removed":2}"""), ((string)deleteBatch["type"]!, deleteBatch["stats"]!.ToJsonString()));
        Assert.Equal(("clear_data", """{"removed":1}"""), ((string)clear["type"]!, clear["stats"]!.ToJsonString()));
        Assert.Equal(("delete_dataset", """{"removed":3}"""), ((string)deleteDataset["type"]!, deleteDataset["stats"]!.ToJsonString()));
    }

    [Fact]
    public async Task A_replace_load_counts_the_stored_records_it_deleted_on_its_job_and_import()
    {
        await _client.CreateDatasetAsync("stats-replace");
        await _client.ImportAsync("stats-replace", "id,type,name,metadata,media_url\na,p,A,,\nb,p,B,,\nc,p,C,,\nd,p,D,,\n");

        var replace = await _client.ImportAsync("stats-replace", "id,type,name,metadata,media_url\na,p,A2,,\n", "?mode=replace");
        var upsert = await _client.ImportAsync("stats-replace", "id,type,name,metadata,media_url\ne,p,E,,\n");

        Assert.Equal(3, (long)replace["progress"]!["records_deleted"]!);
        Assert.Equal(3, (long)(await _client.GetImportAsync((string)replace["id"]!))["progress"]!["records_deleted"]!);
        Assert.Equal("""{"received":1,"loaded":1,"rejected":0,"removed":3}""", (await JobAsync((string)replace["jobs"]!["dataset_load"]!))["stats"]!.ToJsonString());
        Assert.Equal(0, (long)upsert["progress"]!["records_deleted"]!);
        Assert.Equal("""{"received":1,"loaded":1,"rejected":0}""", (await JobAsync((string)upsert["jobs"]!["dataset_load"]!))["stats"]!.ToJsonString());
    }

    private async Task<JsonObject> JobAsync(string id) => (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{id}"))!;

    private async Task<JsonObject> FinishedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var job = await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
            await _client.WaitForJobAsync((string)job["id"]!);
            return await JobAsync((string)job["id"]!);
        }
    }
}

public sealed class SqliteJobStatsTests(SqliteServerFactory factory) : JobStatsTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresJobStatsTests(PostgresServerFactory factory) : JobStatsTests(factory), IClassFixture<PostgresServerFactory>;
