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
    }
}
