using System.Text.Json;

namespace Intake.Cli.Tests;

/// <summary><c>intake quality</c> against <c>intake serve</c>, as real processes.</summary>
public abstract class QualityCommandTests(CliServer server)
{
    [Fact]
    public async Task Quality_shows_a_loads_figures_beside_the_previous_loads_and_a_datasets_as_json()
    {
        using var files = new TempDirectory();
        var dataset = "cli-quality-" + Guid.NewGuid().ToString("N")[..8];
        var entities = files.File("entities.csv", "id,type,name,metadata,media_url\nu1,user,U,,\np1,product,P,,\np2,product,Q,,\n");
        var events = files.File("events.csv", "type,source_id,target_id,timestamp,metadata\nview,u1,p1,2024-01-01T00:00:00Z,\nview,ghost,p1,2024-01-02T00:00:00Z,\n");
        await server.RunAsync("datasets", "create", dataset);
        await server.RunAsync("import", entities, "--dataset", dataset, "--wait");
        var first = await server.RunAsync("import", events, "--dataset", dataset, "--wait", "--json");
        var second = await server.RunAsync("import", events, "--dataset", dataset, "--wait", "--json");
        var secondId = JsonDocument.Parse(second.Stdout).RootElement[0].GetProperty("id").GetString()!;

        var shown = await server.RunAsync("quality", secondId);
        var whole = await server.RunAsync("quality", "--dataset", dataset, "--json");
        var neither = await server.RunAsync("quality");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Contains("orphans", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 (50.0%)  (previous: 1 (50.0%))", shown.Stdout, StringComparison.Ordinal);
        Assert.True(whole.ExitCode == 0, whole.ToString());
        var report = JsonDocument.Parse(whole.Stdout).RootElement.GetProperty("report");
        Assert.Equal((2, 1, 1), (report.GetProperty("interactions").GetProperty("count").GetInt64(),
            report.GetProperty("interactions").GetProperty("orphans").GetInt64(), report.GetProperty("entities").GetProperty("cold").GetInt64()));
        Assert.NotEqual(0, neither.ExitCode);
    }
}

public sealed class SqliteQualityCommandTests(CliServer server) : QualityCommandTests(server), IClassFixture<CliServer>;

public sealed class PostgresQualityCommandTests(PostgresCliServer server) : QualityCommandTests(server), IClassFixture<PostgresCliServer>;
