using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests;

/// <summary>
/// Issue 14, item 1: every way an import ends failed or canceled leaves its dataset exactly as it was (records,
/// attribute types, counts), whatever its mode; its own rejections stay readable. Each test seeds a dataset,
/// takes a snapshot of everything it shows, runs one failing import and compares.
/// </summary>
public abstract class FailedImportTests : IAsyncLifetime
{
    protected static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Limits:MaxFileBytes"] = "6000",
        ["Limits:MaxRecords"] = "60",
        ["Worker:BatchSize"] = "16",
        ["Limits:MaxParquetRowGroupBytes"] = "2000",
    };

    private const string Header = "id,type,name,metadata,media_url\n";
    private readonly IntakeServerFactory _factory;
    private IntakeClient _client = null!;

    protected FailedImportTests()
    {
        _factory = CreateFactory(FaultScript.Register);
    }

    protected abstract IntakeServerFactory CreateFactory(Action<IServiceCollection> services);

    private FaultScript Faults => _factory.Services.GetRequiredService<FaultScript>();

    public Task InitializeAsync()
    {
        _client = _factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Bug_14_a_replace_import_whose_every_record_is_rejected_fails_and_deletes_nothing()
    {
        var before = await SeedAsync("all-rejected");

        var import = await _client.ImportAsync("all-rejected", Header + Rows(20, i => $",p,nameless {i},,"), "?mode=replace");

        AssertFailed(import, "all_records_rejected");
        Assert.Equal(before, await SnapshotAsync("all-rejected"));
        Assert.Equal(20, (await _client.ErrorsAsync((string)import["id"]!)).Count);
    }

    [Theory]
    [InlineData("text/csv", "id,type,name,metadata,media_url\n", "")]
    [InlineData("application/json", "[]", "&recordType=entity")]
    [InlineData("text/csv", "id,type,name,metadata,media_url\n", "&plan=true")]
    public async Task A_replace_with_a_file_that_holds_no_records_fails_instead_of_deleting_every_record(string contentType, string body, string query)
    {
        var dataset = "replace-empty-" + (contentType.Length + query.Length);
        var before = await SeedAsync(dataset);

        var import = await _client.ImportAsync(dataset, body, "?mode=replace" + query, contentType);

        AssertFailed(import, "empty_file");
        Assert.StartsWith($"The file holds no records, so a replace with it would delete every entity record of dataset {dataset}; nothing was deleted.",
            (string)import["error"]!["message"]!);
        Assert.Equal(0, (long)import["progress"]!["records_deleted"]!);
        Assert.Equal(before, await SnapshotAsync(dataset));
        var upsert = await _client.ImportAsync(dataset, "id,type,name,metadata,media_url\n");
        Assert.Equal("completed", (string)upsert["status"]!);
        Assert.Equal(before, await SnapshotAsync(dataset));
    }

    [Fact]
    public async Task Bug_14_a_file_found_over_a_limit_while_reading_writes_nothing_in_any_mode()
    {
        var before = await SeedAsync("limits");

        var tooMany = await _client.ImportAsync("limits", Header + Rows(61, i => $"new{i},p,N,\"{{\"\"color\"\":\"\"red\"\"}}\","), "?mode=replace");
        var bomb = await _client.UploadAsync("limits", IntakeClient.Gzip(Header + Rows(40, i => $"big{i},p,{new string('x', 200)},,")), "?mode=upsert");
        var tooLarge = await _client.WaitForFinalAsync((string)bomb["id"]!);

        AssertFailed(tooMany, "too_many_records");
        AssertFailed(tooLarge, "file_too_large");
        Assert.Equal(before, await SnapshotAsync("limits"));
    }

    [Fact]
    public async Task A_parquet_row_group_too_large_to_decode_fails_the_file_and_writes_nothing()
    {
        var before = await SeedAsync("row-group");
        var path = Path.Combine(Path.GetTempPath(), $"intake-row-group-{Guid.NewGuid():N}.parquet");
        using (var duck = new Intake.Tests.Shared.DuckDb())
        {
            duck.Execute($"COPY (SELECT 'g' || i AS id, 'p' AS type, 'N' AS name, NULL AS metadata, NULL AS media_url FROM range(100) t(i)) " +
                $"TO {Intake.Tests.Shared.DuckDb.Quote(path)} (FORMAT PARQUET)");
        }

        var bytes = await File.ReadAllBytesAsync(path);
        File.Delete(path);
        var import = await _client.WaitForFinalAsync((string)(await _client.UploadAsync("row-group", bytes, "?mode=replace", "application/vnd.apache.parquet"))["id"]!);

        AssertFailed(import, "file_too_large");
        Assert.Contains("Row group 1", (string)import["error"]!["message"]!);
        Assert.Equal(before, await SnapshotAsync("row-group"));
    }

    [Fact]
    public async Task Bug_14_a_malformed_file_writes_nothing_and_keeps_the_errors_read_before_it_broke()
    {
        var before = await SeedAsync("malformed");
        var records = Enumerable.Range(0, 40).Select(i => i % 10 == 3 ? """{"type":"p"}""" : $$$"""{"id":"m{{{i}}}","type":"p","metadata":{"color":"red"}}""");
        var json = "[" + string.Join(",\n", records) + ",\n{\"id\": \"broken";

        var import = await _client.ImportAsync("malformed", json, "?mode=replace&recordType=entity", "application/json");

        AssertFailed(import, "malformed_file");
        Assert.Equal(before, await SnapshotAsync("malformed"));
        Assert.NotEmpty(await _client.ErrorsAsync((string)import["id"]!));
    }

    [Fact]
    public async Task Bug_14_a_header_that_fits_no_record_type_writes_nothing()
    {
        var before = await SeedAsync("header");

        var import = await _client.ImportAsync("header", "sku,title\na,b\n", "?mode=replace");

        AssertFailed(import, "header_mismatch");
        Assert.Equal(before, await SnapshotAsync("header"));
    }

    [Fact]
    public async Task Bug_14_insert_mode_rejections_found_only_at_the_merge_fail_the_error_budget_with_nothing_written()
    {
        var before = await SeedAsync("insert");

        var import = await _client.ImportAsync("insert", Header + "a,p,again,,\nb,p,again,,\nf,p,F,\"{\"\"color\"\":\"\"red\"\"}\",\ng,p,G,,\n",
            "?mode=insert&maxErrors=1");

        AssertFailed(import, "error_budget_exceeded");
        Assert.Equal(before, await SnapshotAsync("insert"));
        var errors = await _client.ErrorsAsync((string)import["id"]!);
        Assert.Equal(["EntityAlreadyExists", "EntityAlreadyExists"], errors.Select(e => (string)e["code"]!));
    }

    [Fact]
    public async Task The_error_budget_count_fails_an_import_with_nothing_written_and_its_errors_readable()
    {
        var before = await SeedAsync("count");

        var import = await _client.ImportAsync("count", Header + Rows(60, i => i % 4 == 0 ? $",p,x{i},," : $"c{i},p,C,,"), "?mode=replace&maxErrors=3");

        AssertFailed(import, "error_budget_exceeded");
        Assert.Equal(3, (long)import["max_errors"]!);
        Assert.Equal(before, await SnapshotAsync("count"));
        Assert.True((await _client.ErrorsAsync((string)import["id"]!)).Count > 3);
    }

    [Fact]
    public async Task The_error_budget_ratio_fails_an_import_over_it_with_nothing_written_and_lets_one_under_it_complete()
    {
        var before = await SeedAsync("ratio");
        var csv = Header + Rows(20, i => i % 5 == 0 ? $",p,x{i},," : $"r{i},p,R,,");

        var over = await _client.ImportAsync("ratio", csv, "?maxErrorRatio=0.1");
        AssertFailed(over, "error_budget_exceeded");
        Assert.Contains("4 of 20", (string)over["error"]!["message"]!);
        Assert.Equal(before, await SnapshotAsync("ratio"));

        var under = await _client.ImportAsync("ratio", csv, "?maxErrorRatio=0.25");
        Assert.Equal("completed_with_errors", (string)under["status"]!);
        Assert.Equal(16, (long)under["progress"]!["records_written"]!);
    }

    [Fact]
    public async Task A_url_import_takes_its_error_budget_from_the_json_body()
    {
        await _client.CreateDatasetAsync("url-budget");
        await using var files = await LocalFileServer.StartAsync(new Dictionary<string, string> { ["/f.csv"] = Header + "a,p,A,,\n,p,x,,\n" });

        using var response = await _client.Http.PostAsJsonAsync("/v1/datasets/url-budget/imports",
            new { url = files.Url("/f.csv"), max_errors = 0, max_error_ratio = 0.5 });
        var import = await _client.WaitForFinalAsync((string)(await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted))["id"]!);

        AssertFailed(import, "error_budget_exceeded");
        Assert.Equal((0L, 0.5), ((long)import["max_errors"]!, (double)import["max_error_ratio"]!));
        Assert.Equal(0, (long)(await _client.CountsAsync("url-budget"))["total"]!);
    }

    [Theory]
    [InlineData("maxErrors=-1")]
    [InlineData("maxErrors=ten")]
    [InlineData("maxErrorRatio=1.5")]
    [InlineData("maxErrorRatio=-0.1")]
    public async Task An_error_budget_out_of_range_is_refused_with_invalid_request(string query)
    {
        await _client.EnsureDatasetAsync("budget-params");
        using var response = await _client.Http.PostAsync($"/v1/datasets/budget-params/imports?{query}", new StringContent(Header + "a,p,A,,\n"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (string)(await IntakeClient.ProblemAsync(response))["code"]!);
    }

    [Fact]
    public async Task Bug_14_a_cancel_after_the_merge_writes_nothing_not_even_its_rejections()
    {
        var before = await SeedAsync("cancel-merged");
        Faults.Hold("hold-merged", FaultPoint.BeforeCommit);

        var import = await _client.UploadAsync("cancel-merged", Header + "a,p,A2,,\nz,p,Z,\"{\"\"color\"\":\"\"red\"\"}\",\n,p,x,,\n", "?mode=replace&tags=hold-merged");
        await Faults.HeldAsync("hold-merged");
        using var cancel = await _client.Http.PostAsync($"/v1/imports/{(string)import["id"]!}/cancel", null);
        var done = await _client.WaitForFinalAsync((string)import["id"]!);

        Assert.Equal("canceled", (string)done["status"]!);
        Assert.Equal(before, await SnapshotAsync("cancel-merged"));
        Assert.Empty(await _client.ErrorsAsync((string)import["id"]!));
    }

    [Theory]
    [InlineData(FaultPoint.AfterFirstBatch)]
    [InlineData(FaultPoint.BeforeCommit)]
    [InlineData(FaultPoint.AfterCommit)]
    public async Task Bug_14_a_failed_load_crashed_and_redelivered_ends_with_the_same_failure_and_its_errors_once(FaultPoint point)
    {
        var dataset = "crash-" + point.ToString().ToLowerInvariant();
        var before = await SeedAsync(dataset);
        var tag = "crash-failed-" + point;
        Faults.Crash(tag, point);

        var import = await _client.ImportAsync(dataset, Header + Rows(40, i => $",p,nameless {i},,"), $"?mode=replace&tags={tag}");

        AssertFailed(import, "all_records_rejected");
        Assert.Equal(before, await SnapshotAsync(dataset));
        Assert.Equal(40, (await _client.ErrorsAsync((string)import["id"]!)).Count);
        var job = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{(string)import["jobs"]!["dataset_load"]!}"))!;
        Assert.Equal(2, (int)job["attempts"]!);
    }

    [Fact]
    public async Task A_replace_load_crashed_before_its_commit_is_redone_once_with_exact_counts()
    {
        await SeedAsync("crash-applied");
        Faults.Crash("crash-applied", FaultPoint.BeforeCommit);

        var import = await _client.ImportAsync("crash-applied", Header + "a,p,A2,,\nz,p,Z,,\n", "?mode=replace&tags=crash-applied");

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal(2, (long)(await _client.CountsAsync("crash-applied"))["entities"]!);
        Assert.Equal(["a", "z"], (await _client.ExportAsync("crash-applied", "?kind=entity")).Select(r => (string)r["id"]!).Order());
    }

    private static void AssertFailed(JsonObject import, string code)
    {
        Assert.True((string)import["status"]! == "failed", import.ToJsonString());
        Assert.Equal(code, (string)import["error"]!["code"]!);
        Assert.Equal(0, (long)import["progress"]!["records_written"]!);
    }

    private static string Rows(int count, Func<int, string> row) => string.Concat(Enumerable.Range(0, count).Select(i => row(i) + "\n"));

    /// <summary>Five entities with an integer attribute and two interactions; returns the dataset's snapshot.</summary>
    private async Task<string> SeedAsync(string dataset)
    {
        await _client.CreateDatasetAsync(dataset);
        var entities = await _client.ImportAsync(dataset, Header + Rows(5, i => $"{(char)('a' + i)},p,{(char)('A' + i)},\"{{\"\"n\"\":{i}}}\","));
        var interactions = await _client.ImportAsync(dataset, "type,source_id,target_id,timestamp,metadata\nview,u1,a,1700000000000,\nview,u2,b,1700000001000,\n");
        Assert.Equal(("completed", "completed"), ((string)entities["status"]!, (string)interactions["status"]!));
        return await SnapshotAsync(dataset);
    }

    /// <summary>Everything a dataset shows: its export (in key order: PostgreSQL exports interactions in storage order), its counts and its attribute types.</summary>
    private async Task<string> SnapshotAsync(string dataset)
    {
        var lines = (await _client.Http.GetStringAsync($"/v1/datasets/{dataset}/export")).Split('\n').Order(StringComparer.Ordinal);
        var export = string.Join('\n', lines);
        var schema = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{dataset}/schema"))!["attribute_types"]!.ToJsonString();
        return new StringBuilder(export).Append((await _client.CountsAsync(dataset)).ToJsonString()).Append(schema).ToString();
    }
}

public sealed class SqliteFailedImportTests : FailedImportTests
{
    protected override IntakeServerFactory CreateFactory(Action<IServiceCollection> services) => new(Settings, services);
}

public sealed class PostgresFailedImportTests : FailedImportTests
{
    protected override IntakeServerFactory CreateFactory(Action<IServiceCollection> services) => new PostgresServerFactory(Settings, services);
}
