using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// A load's orphans and cold entities are checked against id sets the previous load of the dataset keeps in memory
/// (issue 9: the report must stay cheap). On both stores: whatever changes the dataset between loads (loads of
/// either kind, a plan, a failed load, a clear, a replace load, a dataset deleted and created again under the same
/// id) the next load's figures are those of the dataset as it is, never of a set kept for an earlier state.
/// </summary>
public abstract class QualityKeptIdsTests(IntakeServerFactory factory) : IAsyncLifetime
{
    private const string EntityHeader = "id,type,name,metadata,media_url\n";
    private IntakeClient _client = null!;
    private int _second;

    public Task InitializeAsync()
    {
        _client = factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Each_load_is_checked_against_the_dataset_as_it_is_whatever_changed_it_in_between()
    {
        const string dataset = "kept-ids";
        await _client.CreateDatasetAsync(dataset);
        await LoadAsync(dataset, Entities("u1,user", "p1,product"));
        Assert.Equal(1, await OrphansAsync(dataset, ("u1", "p1"), ("u2", "p2")));
        Assert.Equal(0, await ColdAsync(dataset, Entities("u2,user")));            // u2 is named by the interactions loaded
        Assert.Equal(0, await OrphansAsync(dataset, ("u2", "p1")));                 // u2 was added to the entities kept
        Assert.Equal(1, await ColdAsync(dataset, Entities("p3,product")));          // p3 is named by none

        var plan = await _client.ImportAsync(dataset, Entities("p2,product"), "?mode=plan");
        Assert.Equal("planned", (string)plan["status"]!);
        Assert.Equal(1, await OrphansAsync(dataset, ("u1", "p2")));                 // a plan writes nothing
        var failed = await _client.ImportAsync(dataset, EntityHeader + ",product,No id,,\n");
        Assert.Equal("failed", (string)failed["status"]!);
        Assert.Equal(1, await OrphansAsync(dataset, ("u1", "p2")));

        await WaitForJobOfAsync(await _client.Http.PostAsync($"/v1/datasets/{dataset}/clear", null));
        Assert.Equal(1, await OrphansAsync(dataset, ("u1", "p1")));                 // the entities were cleared
        Assert.Equal(0, await ColdAsync(dataset, Entities("u1,user", "p1,product")));
        Assert.Equal(0, await ColdAsync(dataset, Entities("u1,user"), "?mode=replace"));
        Assert.Equal(1, await OrphansAsync(dataset, ("u1", "p1")));                 // the replace deleted p1
    }

    /// <summary>A first entity load keeps the ids its report gathered (one type's own, or the union of several) for the next load.</summary>
    [Theory]
    [InlineData("product", "product")]
    [InlineData("user", "product")]
    public async Task A_first_entity_load_keeps_its_ids_for_the_next_load_and_they_grow_with_the_loads_after_it(string firstType, string secondType)
    {
        var dataset = $"kept-first-{firstType}";
        await _client.CreateDatasetAsync(dataset);
        await LoadAsync(dataset, Entities($"e1,{firstType}", $"e2,{secondType}", $"e1,{firstType}"));
        Assert.Equal(2, await OrphansAsync(dataset, ("e1", "e2"), ("e1", "e3"), ("e9", "e2")));       // e3 and e9 are no entities
        Assert.Equal(0, await ColdAsync(dataset, Entities($"e3,{secondType}")));                   // e3 is named by the events
        Assert.Equal(1, await OrphansAsync(dataset, ("e3", "e1"), ("e2", "e4")));                   // e3 was kept with e1 and e2
    }

    [Fact]
    public async Task A_dataset_deleted_and_created_again_is_not_checked_against_the_ids_of_the_one_before()
    {
        const string dataset = "kept-ids-again";
        await _client.CreateDatasetAsync(dataset);
        await LoadAsync(dataset, Entities("u1,user", "p1,product"));                // kept at data version 1
        await WaitForJobOfAsync(await _client.Http.DeleteAsync($"/v1/datasets/{dataset}"));
        await _client.CreateDatasetAsync(dataset);
        using var declared = await _client.Http.PatchAsJsonAsync($"/v1/datasets/{dataset}/schema", new { attributes = new { color = "string" } });
        Assert.Equal(HttpStatusCode.OK, declared.StatusCode);                       // data version 1 again
        Assert.Equal(2, await OrphansAsync(dataset, ("u1", "p1"), ("u1", "p2")));   // no entity at all
    }

    private static string Entities(params string[] idAndType) =>
        EntityHeader + string.Concat(idAndType.Select(entity => $"{entity},Name,,\n"));

    private async Task<JsonObject> LoadAsync(string dataset, string csv, string query = "")
    {
        var import = await _client.ImportAsync(dataset, csv, query);
        Assert.True((string)import["status"]! == "completed", import.ToJsonString());
        return import;
    }

    private async Task<long> OrphansAsync(string dataset, params (string Source, string Target)[] events)
    {
        var lines = events.Select(e => $"view,{e.Source},{e.Target},2024-01-01T00:{_second / 60:D2}:{_second++ % 60:D2}Z,\n");
        var report = await ReportAsync(await LoadAsync(dataset, "type,source_id,target_id,timestamp,metadata\n" + string.Concat(lines)));
        return (long)report["interactions"]!["orphans"]!;
    }

    private async Task<long> ColdAsync(string dataset, string csv, string query = "") =>
        (long)(await ReportAsync(await LoadAsync(dataset, csv, query)))["entities"]!["cold"]!;

    private async Task<JsonNode> ReportAsync(JsonObject import) =>
        (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/imports/{(string)import["id"]!}/quality"))!["report"]!;

    private async Task WaitForJobOfAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var job = await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
            Assert.Equal("completed", (string)(await _client.WaitForJobAsync((string)job["id"]!))["status"]!);
        }
    }
}

public sealed class SqliteQualityKeptIdsTests(SqliteServerFactory factory) : QualityKeptIdsTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresQualityKeptIdsTests(PostgresServerFactory factory) : QualityKeptIdsTests(factory), IClassFixture<PostgresServerFactory>;
