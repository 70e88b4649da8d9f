using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Server.Tests;

/// <summary>
/// Issue 9, item 1, on both stores: a plan runs the whole file through the real load and writes nothing; its
/// counts are what the apply then does; plan then apply leaves the dataset as a direct load does; and an apply
/// after the dataset changed is checked again and says so.
/// </summary>
public abstract class PlanModeTests(IntakeServerFactory factory) : IAsyncLifetime
{
    private const string Header = "id,type,name,metadata,media_url\n";
    private const string Seed = Header +
        "p1,product,Kettle,\"{\"\"price\"\":10}\",\n" +
        "p2,product,Toaster,\"{\"\"price\"\":20}\",\n" +
        "p3,product,Mixer,\"{\"\"price\"\":30}\",\n" +
        "p4,product,Blender,\"{\"\"price\"\":40}\",\n";

    // p1 unchanged, p2 updated (price), p5 new then repeated with a change (insert, then update of the file's own
    // record), p6 new, a nameless record of p7 rejected (id missing), p3 and p4 left out (replace deletes them).
    private const string Changes = Header +
        "p1,product,Kettle,\"{\"\"price\"\":10}\",\n" +
        "p2,product,Toaster,\"{\"\"price\"\":25}\",\n" +
        "p5,product,Grill,\"{\"\"price\"\":50}\",\n" +
        "p6,product,Wok,\"{\"\"price\"\":60}\",\n" +
        ",product,Nameless,,\n" +
        "p5,product,Grill XL,\"{\"\"price\"\":55}\",\n";

    private IntakeClient _client = null!;

    public Task InitializeAsync()
    {
        _client = factory.CreateIntakeClient();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("upsert", 0)]
    [InlineData("replace", 2)]
    public async Task A_plan_writes_nothing_and_counts_what_its_apply_then_does(string mode, long deletions)
    {
        var dataset = $"plan-{mode}";
        await SeedAsync(dataset);
        var before = await _client.Http.GetStringAsync($"/v1/datasets/{dataset}/export");

        var plan = await _client.ImportAsync(dataset, Changes, $"?mode={mode}&plan=true");

        Assert.Equal("planned", (string)plan["status"]!);
        Assert.True((bool)plan["plan"]!);
        Assert.Equal(before, await _client.Http.GetStringAsync($"/v1/datasets/{dataset}/export"));
        var planned = plan["planned"]!;
        Assert.Equal((2L, 2L, 1L, deletions, 1L),
            ((long)planned["insert"]!, (long)planned["update"]!, (long)planned["unchanged"]!, (long)planned["delete"]!, (long)planned["rejected"]!));
        Assert.Single(await _client.ErrorsAsync((string)plan["id"]!));
        var update = planned["samples"]!["update"]!.AsArray()
            .Single(u => (string)u!["after"]!["id"]! == "p2");
        Assert.Equal(20, (int)update!["before"]!["attributes"]!["price"]!);
        Assert.Equal(25, (int)update["after"]!["attributes"]!["price"]!);
        Assert.Equal(deletions, planned["samples"]!["delete"]!.AsArray().Count);

        var applied = await ApplyAsync((string)plan["id"]!);

        Assert.Equal("completed_with_errors", (string)applied["status"]!);
        Assert.Equal((string)plan["id"]!, (string)applied["plan_id"]!);
        Assert.Equal(2 + 2 + 1, (long)applied["progress"]!["records_written"]!);
        Assert.Equal(1, (long)applied["progress"]!["records_rejected"]!);
        Assert.Equal(4 + 2 - deletions, (long)(await _client.CountsAsync(dataset))["entities"]!);
        Assert.Equal((string)applied["id"]!, (string)(await _client.GetImportAsync((string)plan["id"]!))["planned"]!["applied_by"]!);

        var direct = $"direct-{mode}";
        await SeedAsync(direct);
        await _client.ImportAsync(direct, Changes, $"?mode={mode}");
        Assert.Equal(await RecordsAsync(direct), await RecordsAsync(dataset));
    }

    [Fact]
    public async Task A_replace_keeps_the_stored_record_of_a_rejected_row_whose_key_it_read_and_its_plan_says_so()
    {
        const string dataset = "plan-replace-rejected";
        await SeedAsync(dataset);
        // p3's new row is rejected (its metadata is not an object) but names its key: the stored p3 stays. The nameless
        // row has no key to keep. p4 is left out: deleted.
        const string sync = Header +
            "p1,product,Kettle,\"{\"\"price\"\":10}\",\n" +
            "p2,product,Toaster,\"{\"\"price\"\":20}\",\n" +
            "p3,product,Mixer 2,[30],\n" +
            ",product,Nameless,,\n";

        var plan = await _client.ImportAsync(dataset, sync, "?mode=replace&plan=true");

        var planned = plan["planned"]!;
        Assert.Equal((1L, 2L), ((long)planned["delete"]!, (long)planned["rejected"]!));
        Assert.Equal("p4", (string)planned["samples"]!["delete"]!.AsArray().Single()!["id"]!);
        var applied = await ApplyAsync((string)plan["id"]!);
        Assert.Equal("completed_with_errors", (string)applied["status"]!);
        Assert.Equal(3, (long)(await _client.CountsAsync(dataset))["entities"]!);
        Assert.Equal("Mixer", (string)(await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/datasets/{dataset}/entities/product/p3"))!["name"]!);
        Assert.Equal(["p1", "p2", "p3"], (await _client.ExportAsync(dataset)).Select(r => (string)r["id"]!).Order(StringComparer.Ordinal));
        var errors = await _client.ErrorsAsync((string)applied["id"]!);
        Assert.Equal(["InvalidType", "MissingField"], errors.Select(e => (string)e["code"]!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_plan_of_interactions_counts_events_new_changed_unchanged_and_repeated()
    {
        const string dataset = "plan-events";
        await _client.CreateDatasetAsync(dataset);
        const string events = "type,source_id,target_id,timestamp,metadata\n";
        await _client.ImportAsync(dataset, events +
            "view,u1,i1,2024-03-01T10:00:00Z,\"{\"\"n\"\":1}\"\n" +
            "view,u1,i2,2024-03-01T10:00:00Z,\"{\"\"n\"\":1}\"\n");
        var before = await _client.Http.GetStringAsync($"/v1/datasets/{dataset}/export");

        var plan = await _client.ImportAsync(dataset, events +
            "view,u1,i1,2024-03-01T10:00:00Z,\"{\"\"n\"\":1}\"\n" +
            "view,u1,i2,2024-03-01T10:00:00Z,\"{\"\"n\"\":2}\"\n" +
            "view,u2,i1,2024-03-02T10:00:00Z,\"{\"\"n\"\":1}\"\n" +
            "view,u2,i1,2024-03-02T10:00:00Z,\"{\"\"n\"\":1}\"\n", "?mode=plan");

        var planned = plan["planned"]!;
        Assert.Equal((1L, 1L, 2L), ((long)planned["insert"]!, (long)planned["update"]!, (long)planned["unchanged"]!));
        Assert.Equal("upsert", (string)plan["mode"]!);
        Assert.Equal(before, await _client.Http.GetStringAsync($"/v1/datasets/{dataset}/export"));
        var applied = await ApplyAsync((string)plan["id"]!);
        Assert.Equal(4, (long)applied["progress"]!["records_written"]!);
        Assert.Equal(3, (long)(await _client.CountsAsync(dataset))["interactions"]!);
    }

    [Fact]
    public async Task An_apply_after_the_dataset_changed_validates_again_and_says_so()
    {
        const string dataset = "plan-changed";
        await SeedAsync(dataset);
        var plan = await _client.ImportAsync(dataset, Header + "p8,product,Pan,,\np9,product,Pot,,\n", "?mode=insert&plan=true");
        Assert.Equal(2, (long)plan["planned"]!["insert"]!);

        await _client.ImportAsync(dataset, Header + "p9,product,Pot,,\n");
        var applied = await ApplyAsync((string)plan["id"]!);

        Assert.Equal("completed_with_errors", (string)applied["status"]!);
        Assert.Equal((1L, 1L), ((long)applied["progress"]!["records_written"]!, (long)applied["progress"]!["records_rejected"]!));
        Assert.Equal("EntityAlreadyExists", (string)(await _client.ErrorsAsync((string)applied["id"]!)).Single()["code"]!);
        Assert.Contains("The dataset changed after plan", await WarningsAsync(applied));

        var unchanged = await _client.ImportAsync(dataset, Header + "p10,product,Lid,,\n", "?plan=true");
        Assert.DoesNotContain("The dataset changed after plan", await WarningsAsync(await ApplyAsync((string)unchanged["id"]!)));
    }

    [Fact]
    public async Task Only_a_finished_plan_is_applied_and_only_once()
    {
        const string dataset = "plan-refusals";
        await SeedAsync(dataset);
        var load = await _client.ImportAsync(dataset, Header + "p11,product,Cup,,\n");
        var failed = await _client.ImportAsync(dataset, Header + ",product,Nameless,,\n", "?mode=plan");
        var plan = await _client.ImportAsync(dataset, Header + "p12,product,Jug,,\n", "?mode=plan");

        Assert.Equal("not_a_plan", (string)(await ProblemOfApplyAsync((string)load["id"]!, HttpStatusCode.Conflict))["code"]!);
        Assert.Equal(("failed", "all_records_rejected"), ((string)failed["status"]!, (string)failed["error"]!["code"]!));
        Assert.Equal("plan_not_appliable", (string)(await ProblemOfApplyAsync((string)failed["id"]!, HttpStatusCode.Conflict))["code"]!);
        Assert.Equal("import_not_found", (string)(await ProblemOfApplyAsync("nope", HttpStatusCode.NotFound))["code"]!);
        using var contradiction = await _client.Http.PostAsync($"/v1/datasets/{dataset}/imports?mode=plan&plan=false", new StringContent(Header));
        Assert.Equal(HttpStatusCode.BadRequest, contradiction.StatusCode);

        using var first = await _client.Http.PostAsync($"/v1/imports/{plan["id"]}/apply", null);
        using var again = await _client.Http.PostAsync($"/v1/imports/{plan["id"]}/apply", null);
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        Assert.Equal((string)(await first.Content.ReadFromJsonAsync<JsonObject>())!["id"]!, (string)(await again.Content.ReadFromJsonAsync<JsonObject>())!["id"]!);
    }

    private async Task SeedAsync(string dataset)
    {
        await _client.CreateDatasetAsync(dataset);
        Assert.Equal("completed", (string)(await _client.ImportAsync(dataset, Seed))["status"]!);
    }

    private async Task<JsonObject> ApplyAsync(string planId)
    {
        using var response = await _client.Http.PostAsync($"/v1/imports/{planId}/apply", null);
        var applying = await IntakeClient.ExpectAsync(response, HttpStatusCode.Accepted);
        return await _client.WaitForFinalAsync((string)applying["id"]!);
    }

    private async Task<JsonObject> ProblemOfApplyAsync(string importId, HttpStatusCode status)
    {
        using var response = await _client.Http.PostAsync($"/v1/imports/{importId}/apply", null);
        Assert.Equal(status, response.StatusCode);
        return await IntakeClient.ProblemAsync(response);
    }

    /// <summary>The warning codes of an import, and of the history of its load (where a load's notes are written too).</summary>
    private async Task<string> WarningsAsync(JsonObject import)
    {
        var job = (await _client.Http.GetFromJsonAsync<JsonObject>($"/v1/jobs/{import["jobs"]!["dataset_load"]}"))!;
        return (import["warnings"]?.ToJsonString() ?? "") + job["history"]!.ToJsonString();
    }

    /// <summary>The records without the import that wrote them, in key order.</summary>
    private async Task<List<string>> RecordsAsync(string dataset) =>
        (await _client.ExportAsync(dataset)).Select(r =>
        {
            r.Remove("batch_id");
            return r.ToJsonString();
        }).Order(StringComparer.Ordinal).ToList();
}

public sealed class SqlitePlanModeTests(SqliteServerFactory factory) : PlanModeTests(factory), IClassFixture<SqliteServerFactory>;

public sealed class PostgresPlanModeTests(PostgresServerFactory factory) : PlanModeTests(factory), IClassFixture<PostgresServerFactory>;
