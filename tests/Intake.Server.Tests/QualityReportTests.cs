using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// Issue 9, item 3, on both stores: a generated dataset with known orphans, cold entities, duplicates, future
/// events and events before the dataset's floor gives exact figures, for each load and for the dataset; a load's
/// report names the previous load of its kind; thresholds add warnings to the import.
/// </summary>
public abstract class QualityReportTests(IntakeServerFactory factory) : IAsyncLifetime
{
    private IntakeClient _client = null!;

    public Task InitializeAsync()
    {
        _client = factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Users u1 to u5; products p1 to p10, each with a price, p1 to p6 with one of three colors.</summary>
    private static string Entities()
    {
        var csv = new StringBuilder("id,type,name,metadata,media_url\n");
        for (var i = 1; i <= 5; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"u{i},user,User {i},,\n");
        }

        string[] colors = ["red", "blue", "green"];
        for (var i = 1; i <= 10; i++)
        {
            var color = i <= 6 ? $",\"\"color\"\":\"\"{colors[i % 3]}\"\"" : "";
            csv.Append(CultureInfo.InvariantCulture, $"p{i},product,Product {i},\"{{\"\"price\"\":{i * 10}{color}}}\",\n");
        }

        return csv.ToString();
    }

    /// <summary>
    /// 18 events: 13 views and 5 purchases; 3 orphans (two views by the unknown user "ghost", one of the unknown
    /// item p99); 2 lines repeating an earlier key; 2 purchases two hours ahead (accepted: within a day); one view
    /// in 2019, before the dataset's floor. p7 to p10 and u5 appear in none (cold).
    /// </summary>
    private static string Interactions(DateTimeOffset future)
    {
        static string At(int second) => $"2024-01-01T00:00:{second:D2}Z";
        var ahead = future.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var later = future.AddMinutes(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string[] lines =
        [
            $"view,u1,p1,{At(1)}", $"view,u1,p2,{At(2)}", $"view,u1,p3,{At(3)}", $"view,u1,p4,{At(4)}", $"view,u1,p5,{At(5)}",
            $"view,u2,p1,{At(6)}", $"view,u2,p2,{At(7)}", $"view,u3,p1,{At(8)}",
            $"view,ghost,p1,{At(9)}", $"view,ghost,p2,{At(10)}", $"view,u4,p99,{At(11)}",
            $"purchase,u1,p1,{At(12)}", $"purchase,u2,p6,{At(13)}", $"purchase,u3,p1,{ahead}", $"purchase,u3,p2,{later}",
            "view,u4,p3,2019-06-01T00:00:00Z",
            $"view,u1,p1,{At(1)}", $"purchase,u1,p1,{At(12)}",
        ];
        return "type,source_id,target_id,timestamp,metadata\n" + string.Join(",\n", lines) + ",\n";
    }

    [Fact]
    public async Task A_generated_dataset_gives_the_exact_figures_for_each_load_and_for_the_dataset()
    {
        const string dataset = "quality-known";
        await _client.CreateDatasetAsync(dataset);
        await SetQualityAsync(dataset, new JsonObject
        {
            ["timestamp_floor"] = "2020-01-01T00:00:00Z", ["max_orphan_share"] = 0.05, ["min_interactions"] = 1000, ["max_future_events"] = 0,
        });
        var first = await _client.ImportAsync(dataset, Entities());
        Assert.True((string)first["status"]! == "completed", first.ToJsonString());
        var events = await _client.ImportAsync(dataset, Interactions(DateTimeOffset.UtcNow.AddHours(2)));
        Assert.True((string)events["status"]! == "completed", events.ToJsonString());
        var second = await _client.ImportAsync(dataset, Entities());

        var load = await QualityOfImportAsync((string)events["id"]!);
        var report = load["report"]!;
        Assert.Equal(("interaction", 18L, 2L, 0.111111), ((string)report["kind"]!, (long)report["records"]!, (long)report["duplicates"]!, (double)report["duplicate_share"]!));
        var interactions = report["interactions"]!;
        Assert.Equal((18L, 3L, 0.166667), ((long)interactions["count"]!, (long)interactions["orphans"]!, (double)interactions["orphan_share"]!));
        var purchase = interactions["by_type"]![0]!;
        var view = interactions["by_type"]![1]!;
        Assert.Equal(("purchase", 5L, 0L, 3L, 3L), ((string)purchase["type"]!, (long)purchase["count"]!, (long)purchase["orphans"]!,
            (long)purchase["distinct_sources"]!, (long)purchase["distinct_targets"]!));
        Assert.Equal(("view", 13L, 3L, 2L, 1L, 5L, 6L), ((string)view["type"]!, (long)view["count"]!, (long)view["orphans"]!, (long)view["orphan_sources"]!,
            (long)view["orphan_targets"]!, (long)view["distinct_sources"]!, (long)view["distinct_targets"]!));
        Assert.Equal((5L, 5L, 1L), Activity(interactions["sources"]!));
        Assert.Equal((7L, 3L, 1L), Activity(interactions["targets"]!));
        var times = interactions["timestamps"]!;
        Assert.Equal((2L, 1L), ((long)times["future"]!, (long)times["before_floor"]!));
        Assert.Equal(new DateTimeOffset(2019, 6, 1, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse((string)times["min"]!, CultureInfo.InvariantCulture));
        Assert.Null(report["entities"]);
        Assert.Null(load["previous"]);
        var warnings = load["warnings"]!.AsArray();
        Assert.Equal(3, warnings.Count);
        Assert.All(warnings, w => Assert.Equal("quality_threshold_crossed", (string)w!["code"]!));
        Assert.Equal(3, (await _client.GetImportAsync((string)events["id"]!))["warnings"]!.AsArray().Count);

        var entities = await QualityOfImportAsync((string)second["id"]!);
        var entityFigures = entities["report"]!["entities"]!;
        Assert.Equal((15L, 5L, 0.333333), ((long)entityFigures["count"]!, (long)entityFigures["cold"]!, (double)entityFigures["cold_share"]!));
        Assert.Equal(("product", 10L, 4L), ((string)entityFigures["by_type"]![0]!["type"]!, (long)entityFigures["by_type"]![0]!["count"]!,
            (long)entityFigures["by_type"]![0]!["cold"]!));
        Assert.Equal(("user", 5L, 1L), ((string)entityFigures["by_type"]![1]!["type"]!, (long)entityFigures["by_type"]![1]!["count"]!,
            (long)entityFigures["by_type"]![1]!["cold"]!));
        Assert.Equal(0L, (long)entities["report"]!["duplicates"]!);
        Assert.Equal(["color entity string 6 0.4 3", "price entity integer 10 0.666667 10"], Attributes(entities["report"]!));
        Assert.Equal((string)first["id"]!, (string)entities["previous"]!["import_id"]!);
        Assert.Equal(15L, (long)entities["previous"]!["report"]!["entities"]!["cold"]!);
        Assert.Empty(entities["warnings"]!.AsArray());

        var whole = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{dataset}/quality"))!["report"]!;
        Assert.Equal(31L, (long)whole["records"]!);
        Assert.Null(whole["duplicates"]);
        Assert.Equal((15L, 5L), ((long)whole["entities"]!["count"]!, (long)whole["entities"]!["cold"]!));
        var stored = whole["interactions"]!;
        Assert.Equal((16L, 3L, 0.1875), ((long)stored["count"]!, (long)stored["orphans"]!, (double)stored["orphan_share"]!));
        Assert.Equal((5L, 5L, 1L), Activity(stored["sources"]!));
        Assert.Equal((7L, 3L, 1L), Activity(stored["targets"]!));
        Assert.Equal((2L, 1L), ((long)stored["timestamps"]!["future"]!, (long)stored["timestamps"]!["before_floor"]!));
        Assert.Equal(["color entity string 6 0.4 3", "price entity integer 10 0.666667 10"], Attributes(whole));
    }

    [Fact]
    public async Task Quality_settings_are_checked_kept_and_cleared()
    {
        const string dataset = "quality-settings";
        await _client.CreateDatasetAsync(dataset);

        using var refused = await _client.Http.PatchAsJsonAsync($"/v1/datasets/{dataset}", new { quality = new { max_orphan_share = 2 } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_request", (string)(await IntakeClient.ProblemAsync(refused))["code"]!);
        using var unknown = await _client.Http.PatchAsJsonAsync($"/v1/datasets/{dataset}", new { quality = new { max_orphans = 2 } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var set = await SetQualityAsync(dataset, new JsonObject { ["min_interactions"] = 10 });
        Assert.Equal(10, (long)set["quality"]!["min_interactions"]!);
        Assert.Equal(10, (long)(await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{dataset}"))!["quality"]!["min_interactions"]!);
        Assert.Null((await SetQualityAsync(dataset, new JsonObject()))["quality"]!["min_interactions"]);

        var load = await _client.ImportAsync(dataset, "type,source_id,target_id,timestamp,metadata\nview,u1,p1,2024-01-01T00:00:00Z,\n");
        Assert.Empty((await QualityOfImportAsync((string)load["id"]!))["warnings"]!.AsArray());
        using var missing = await _client.Http.GetAsync("/v1/imports/nope/quality");
        Assert.Equal("import_not_found", (string)(await IntakeClient.ProblemAsync(missing))["code"]!);
        using var noDataset = await _client.Http.GetAsync("/v1/datasets/nope/quality");
        Assert.Equal("dataset_not_found", (string)(await IntakeClient.ProblemAsync(noDataset))["code"]!);
    }

    private async Task<JsonObject> SetQualityAsync(string dataset, JsonObject quality)
    {
        using var response = await _client.Http.PatchAsJsonAsync($"/v1/datasets/{dataset}", new JsonObject { ["quality"] = quality });
        return await IntakeClient.ExpectAsync(response, HttpStatusCode.OK);
    }

    private async Task<JsonObject> QualityOfImportAsync(string importId) =>
        (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/imports/{importId}/quality"))!;

    private static (long, long, long) Activity(JsonNode figures) =>
        ((long)figures["one_or_more"]!, (long)figures["two_or_more"]!, (long)figures["five_or_more"]!);

    private static List<string> Attributes(JsonNode report) => report["attributes"]!.AsArray()
        .Select(a => string.Join(' ', (string)a!["name"]!, (string)a["kind"]!, (string)a["type"]!, (long)a["present"]!,
            ((double)a["fill_rate"]!).ToString(CultureInfo.InvariantCulture), (long)a["distinct_values"]!))
        .ToList();
}

public sealed class SqliteQualityReportTests(SqliteServerFactory factory) : QualityReportTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresQualityReportTests(PostgresServerFactory factory) : QualityReportTests(factory), IClassFixture<PostgresServerFactory>;
