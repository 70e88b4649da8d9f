using System.Text.Json;

namespace Intake.Cli.Tests;

/// <summary><c>intake import --wait</c> against <c>intake serve</c>: one exit status per outcome, JSON, progress lines.</summary>
public abstract class ImportCommandTests(CliServer server)
{
    private const string Header = "id,type,name,metadata,media_url\n";

    [Fact]
    public async Task Each_outcome_has_its_exit_status_and_json_tells_the_counts()
    {
        using var files = new TempDirectory();
        var dataset = "cli-exit-" + Guid.NewGuid().ToString("N")[..8];
        var good = files.File("good.csv", Header + "A,p,a,\"{\"\"price\"\": 1.5}\",\nB,p,b,,\n");
        var partly = files.File("partly.csv", Header + "C,p,c,\"{\"\"price\"\": 2.5}\",\nD,p,d,\"{\"\"price\"\": \"\"high\"\"}\",\n");
        var unreadable = files.File("unreadable.csv", "nothing,here\n1,2\n");

        var created = await server.RunAsync("datasets", "create", dataset, "--json");
        var completed = await server.RunAsync("import", good, "--dataset", dataset, "--wait", "--json");
        var withErrors = await server.RunAsync("import", partly, "--dataset", dataset, "--wait");
        var failed = await server.RunAsync("import", unreadable, "--dataset", dataset, "--wait", "--json");
        var both = await server.RunAsync("import", good, unreadable, "--dataset", dataset, "--wait", "--json");

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal(dataset, JsonDocument.Parse(created.Stdout).RootElement.GetProperty("id").GetString());
        Assert.True(completed.ExitCode == 0, completed.ToString());
        var import = JsonDocument.Parse(completed.Stdout).RootElement.EnumerateArray().Single();
        Assert.Equal("completed", import.GetProperty("status").GetString());
        Assert.Equal(2, import.GetProperty("progress").GetProperty("records_written").GetInt64());
        Assert.Equal("good.csv", import.GetProperty("file_name").GetString());
        Assert.True(withErrors.ExitCode == 1, withErrors.ToString());
        Assert.Contains("completed_with_errors", withErrors.Stdout, StringComparison.Ordinal);
        Assert.Contains("Attribute price with value [high] is not of double type.", withErrors.Stdout, StringComparison.Ordinal);
        Assert.True(failed.ExitCode == 2, failed.ToString());
        var failure = JsonDocument.Parse(failed.Stdout).RootElement[0];
        Assert.Equal("failed", failure.GetProperty("status").GetString());
        Assert.Equal("header_mismatch", failure.GetProperty("error").GetProperty("code").GetString());
        Assert.True(both.ExitCode == 2, both.ToString());
        Assert.Equal(["completed", "failed"], JsonDocument.Parse(both.Stdout).RootElement.EnumerateArray().Select(i => i.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Timestamp_unit_reads_integer_event_times_in_the_unit_given()
    {
        using var files = new TempDirectory();
        var dataset = "cli-unit-" + Guid.NewGuid().ToString("N")[..8];
        var events = files.File("events.csv", "type,source_id,target_id,timestamp,metadata\nclick,u1,i1,1709294400000,\n");
        await server.RunAsync("datasets", "create", dataset);

        var asSeconds = await server.RunAsync("import", events, "-d", dataset, "--timestamp-unit", "seconds", "--wait", "--json");
        var byMagnitude = await server.RunAsync("import", events, "-d", dataset, "--wait", "--json");
        var unknownUnit = await server.RunAsync("import", events, "-d", dataset, "--timestamp-unit", "fortnights");
        var export = await server.RunAsync("export", "-d", dataset);

        Assert.True(asSeconds.ExitCode == 2, asSeconds.ToString());
        var refused = JsonDocument.Parse(asSeconds.Stdout).RootElement[0];
        Assert.Equal("seconds", refused.GetProperty("timestamp_unit").GetString());
        Assert.Equal("all_records_rejected", refused.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("TimestampOutOfRange", refused.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.True(byMagnitude.ExitCode == 0, byMagnitude.ToString());
        Assert.True(unknownUnit.ExitCode == 3, unknownUnit.ToString());
        Assert.Contains("\"timestamp\":\"2024-03-01T12:00:00.000Z\"", export.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_budget_fails_the_import_and_writes_nothing()
    {
        using var files = new TempDirectory();
        var dataset = "cli-budget-" + Guid.NewGuid().ToString("N")[..8];
        var partly = files.File("partly.csv", Header + "A,p,a,\"{\"\"price\"\": 2.5}\",\nB,p,b,\"{\"\"price\"\": \"\"high\"\"}\",\nC,p,c,,\n");
        await server.RunAsync("datasets", "create", dataset);

        var byCount = await server.RunAsync("import", partly, "-d", dataset, "--max-errors", "0", "--wait", "--json");
        var byRatio = await server.RunAsync("import", partly, "-d", dataset, "--max-error-ratio", "0.25", "--wait", "--json");
        var within = await server.RunAsync("import", partly, "-d", dataset, "--max-errors", "1", "--max-error-ratio", "0.5", "--wait", "--json");
        var negative = await server.RunAsync("import", partly, "-d", dataset, "--max-errors", "-1");
        var beyondOne = await server.RunAsync("import", partly, "-d", dataset, "--max-error-ratio", "1.5");

        foreach (var failed in new[] { byCount, byRatio })
        {
            Assert.True(failed.ExitCode == 2, failed.ToString());
            var import = JsonDocument.Parse(failed.Stdout).RootElement[0];
            Assert.Equal("error_budget_exceeded", import.GetProperty("error").GetProperty("code").GetString());
            Assert.Equal(0, import.GetProperty("progress").GetProperty("records_written").GetInt64());
        }

        Assert.Equal(0, JsonDocument.Parse(byCount.Stdout).RootElement[0].GetProperty("max_errors").GetInt64());
        Assert.Equal(0.25, JsonDocument.Parse(byRatio.Stdout).RootElement[0].GetProperty("max_error_ratio").GetDouble());
        Assert.True(within.ExitCode == 1, within.ToString());
        Assert.Equal(2, JsonDocument.Parse(within.Stdout).RootElement[0].GetProperty("progress").GetProperty("records_written").GetInt64());
        Assert.True(negative.ExitCode == 3, negative.ToString());
        Assert.True(beyondOne.ExitCode == 3, beyondOne.ToString());
        Assert.Contains("--max-error-ratio must be from 0 to 1", beyondOne.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_goes_to_stderr_as_plain_lines_when_it_is_not_a_terminal()
    {
        using var files = new TempDirectory();
        var dataset = "cli-lines-" + Guid.NewGuid().ToString("N")[..8];
        var rows = string.Concat(Enumerable.Range(0, 20_000).Select(i => $"sku-{i},product,Product {i},,\n"));
        var file = files.File("products.csv", Header + rows);
        await server.RunAsync("datasets", "create", dataset);

        var run = await server.RunAsync("import", file, "--dataset", dataset, "--tags", "product-data", "--wait");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain('\u001b', run.Stderr);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("upload products.csv: ", StringComparison.Ordinal) && l.Contains("sent, import", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("load products.csv: completed, 20,000 read, 20,000 written, 0 rejected", StringComparison.Ordinal));
        Assert.Contains("completed", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("upload products.csv", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replace_says_how_many_stored_records_it_deleted()
    {
        using var files = new TempDirectory();
        var dataset = "cli-replace-" + Guid.NewGuid().ToString("N")[..8];
        await server.RunAsync("datasets", "create", dataset);
        await server.RunAsync("import", files.File("all.csv", Header + "a,p,A,,\nb,p,B,,\nc,p,C,,\n"), "--dataset", dataset, "--wait");

        var run = await server.RunAsync("import", files.File("sync.csv", Header + "a,p,A2,,\n"), "--dataset", dataset, "--mode", "replace", "--wait");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("load sync.csv: completed, 1 read, 1 written, 0 rejected, 2 deleted", run.Stderr, StringComparison.Ordinal);
        Assert.Matches(@"sync\.csv.*completed.*\b1\b.*\b1\b.*\b0\b.*\b2\b", run.Stdout);
    }

    [Fact]
    public async Task Refusals_and_connection_failures_exit_4_and_usage_errors_exit_3()
    {
        using var files = new TempDirectory();
        var file = files.File("x.csv", Header + "A,p,a,,\n");

        var noDataset = await server.RunAsync("import", file, "--dataset", "no-such-dataset", "--wait", "--json");
        var closedPort = await IntakeProcess.RunAsync("datasets", "list", "--url", "http://127.0.0.1:9");
        var missingOption = await server.RunAsync("import", file);
        var missingFile = await server.RunAsync("import", files.Combine("absent.csv"), "--dataset", "x");
        var badMode = await server.RunAsync("import", file, "--dataset", "x", "--mode", "merge");

        Assert.True(noDataset.ExitCode == 4, noDataset.ToString());
        Assert.Contains("error dataset_not_found:", noDataset.Stderr, StringComparison.Ordinal);
        Assert.Equal("dataset_not_found", JsonDocument.Parse(noDataset.Stdout).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.True(closedPort.ExitCode == 4, closedPort.ToString());
        Assert.Contains("error connection_failed:", closedPort.Stderr, StringComparison.Ordinal);
        Assert.True(missingOption.ExitCode == 3, missingOption.ToString());
        Assert.Contains("--dataset", missingOption.Stderr, StringComparison.Ordinal);
        Assert.True(missingFile.ExitCode == 3, missingFile.ToString());
        Assert.True(badMode.ExitCode == 3, badMode.ToString());
    }
}

public sealed class SqliteImportCommandTests(CliServer server) : ImportCommandTests(server), IClassFixture<CliServer>;

public sealed class PostgresImportCommandTests(PostgresCliServer server) : ImportCommandTests(server), IClassFixture<PostgresCliServer>;
