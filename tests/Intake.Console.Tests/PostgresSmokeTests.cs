using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Intake.Console.Tests.Infrastructure;
using Intake.Server.Tests.Infrastructure;

namespace Intake.Console.Tests;

/// <summary>The main walk once on the PostgreSQL store: create, load with rejections, Log View, Clear Data.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PostgresSmokeTests(Browser browser) : ConsoleTest(browser, new PostgresServerFactory())
{
    [Fact]
    public async Task The_console_walk_works_on_postgresql()
    {
        var page = await NewPageAsync();
        var walk = new ConsoleWalk(page, Api);
        var id = await walk.CreateDatasetAsync("Orders", "Purchases from the shop");
        var importId = await walk.LoadDataAsync("Orders", ConsoleWalk.ProductsCsv, "orders.csv", read: 8, written: 6, rejected: 2);
        await walk.CheckLogViewAsync(importId, received: 8, loaded: 6, rejected: 2);
        await walk.ClearDataAsync(id, "Orders");

        // What the console showed is what the store holds: the load's figures as the API reports them.
        var import = (await Api.Http.GetFromJsonAsync<JsonObject>($"/v1/imports/{importId}"))!;
        Assert.Equal(("completed_with_errors", 8L, 6L, 2L),
            ((string)import["status"]!, (long)import["progress"]!["records_read"]!, (long)import["progress"]!["records_written"]!,
             (long)import["progress"]!["records_rejected"]!));
    }
}
