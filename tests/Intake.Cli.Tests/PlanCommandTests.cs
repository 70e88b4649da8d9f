using System.Text.Json;

namespace Intake.Cli.Tests;

/// <summary><c>intake import --plan</c> and <c>intake apply</c> against <c>intake serve</c>, as real processes.</summary>
public abstract class PlanCommandTests(CliServer server)
{
    private const string Header = "id,type,name,metadata,media_url\n";

    [Fact]
    public async Task A_plan_shows_what_it_would_change_and_apply_loads_it_without_a_second_upload()
    {
        using var files = new TempDirectory();
        var dataset = "cli-plan-" + Guid.NewGuid().ToString("N")[..8];
        var seed = files.File("seed.csv", Header + "A,p,Kettle,\"{\"\"price\"\": 10}\",\nB,p,Toaster,,\n");
        var changes = files.File("changes.csv", Header + "A,p,Kettle,\"{\"\"price\"\": 12}\",\nB,p,Toaster,,\nC,p,Mixer,,\n");
        await server.RunAsync("datasets", "create", dataset);
        await server.RunAsync("import", seed, "--dataset", dataset, "--wait");

        var plan = await server.RunAsync("import", changes, "--dataset", dataset, "--plan", "--wait");
        var planJson = await server.RunAsync("import", changes, "--dataset", dataset, "--plan", "--wait", "--json");
        var planned = JsonDocument.Parse(planJson.Stdout).RootElement[0];
        var planId = planned.GetProperty("id").GetString()!;
        var apply = await server.RunAsync("apply", planId, "--wait", "--json");
        var again = await server.RunAsync("apply", planId, "--json");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var notAPlan = await server.RunAsync("apply", JsonDocument.Parse(apply.Stdout).RootElement[0].GetProperty("id").GetString()!);

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Contains("planned", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("apply with: intake apply ", plan.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"price\":10", plan.Stdout, StringComparison.Ordinal);
        Assert.Equal("planned", planned.GetProperty("status").GetString());
        Assert.Equal((1, 1, 1), (planned.GetProperty("planned").GetProperty("insert").GetInt64(), planned.GetProperty("planned").GetProperty("update").GetInt64(),
            planned.GetProperty("planned").GetProperty("unchanged").GetInt64()));
        Assert.True(apply.ExitCode == 0, apply.ToString());
        var applied = JsonDocument.Parse(apply.Stdout).RootElement[0];
        Assert.Equal(("completed", planId, 3), (applied.GetProperty("status").GetString(), applied.GetProperty("plan_id").GetString(),
            applied.GetProperty("progress").GetProperty("records_written").GetInt64()));
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(applied.GetProperty("id").GetString(), JsonDocument.Parse(again.Stdout).RootElement[0].GetProperty("id").GetString());
        Assert.True(notAPlan.ExitCode == 4, notAPlan.ToString());
        Assert.Contains("error not_a_plan:", notAPlan.Stderr, StringComparison.Ordinal);
    }
}

public sealed class SqlitePlanCommandTests(CliServer server) : PlanCommandTests(server), IClassFixture<CliServer>;

public sealed class PostgresPlanCommandTests(PostgresCliServer server) : PlanCommandTests(server), IClassFixture<PostgresCliServer>;
