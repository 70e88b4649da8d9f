using System.Text.Json;
using Intake.Tests.Shared;

namespace Intake.Cli.Tests;

/// <summary>Datasets, jobs, keys and export through <c>intake</c> on a server with a master key, and a signed key.</summary>
public sealed class CommandsTests(SecuredCliServer server) : IClassFixture<SecuredCliServer>, IDisposable
{
    private const string Master = SecuredCliServer.MasterKey;
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task A_signed_key_signs_its_requests_and_the_same_key_unsigned_is_refused()
    {
        var dataset = "cli-signed";
        var file = _files.File("p.csv", "id,type,name,metadata,media_url\nA,p,a,,\nB,p,b,,\n");
        await server.RunWithKeyAsync(Master, "datasets", "create", dataset);
        var created = await server.RunWithKeyAsync(Master, "keys", "create", "nightly", "--scope", "read", "--scope", "write", "--signed", "--json");
        var key = JsonDocument.Parse(created.Stdout).RootElement;
        var secret = key.GetProperty("secret").GetString()!;

        var signed = await server.RunWithKeyAsync(secret, "import", file, "--dataset", dataset, "--wait", "--json");
        var noKey = await server.RunAsync("datasets", "list");
        var viaOption = await IntakeProcess.RunAsync("datasets", "show", dataset, "--url", server.Url, "--api-key", secret, "--json");
        var listed = await server.RunWithKeyAsync(Master, "keys", "list", "--json");
        var revoked = await server.RunWithKeyAsync(Master, "keys", "revoke", key.GetProperty("id").GetString()!);
        var afterRevoke = await server.RunWithKeyAsync(secret, "datasets", "show", dataset);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(key.GetProperty("signed").GetBoolean());
        Assert.True(signed.ExitCode == 0, signed.ToString());
        Assert.Equal("completed", JsonDocument.Parse(signed.Stdout).RootElement[0].GetProperty("status").GetString());
        Assert.True(noKey.ExitCode == 4, noKey.ToString());
        Assert.Contains("error unauthorized:", noKey.Stderr, StringComparison.Ordinal);
        Assert.True(viaOption.ExitCode == 0, viaOption.ToString());
        Assert.Equal(2, JsonDocument.Parse(viaOption.Stdout).RootElement.GetProperty("counts").GetProperty("total").GetInt64());
        Assert.DoesNotContain(secret, listed.Stdout, StringComparison.Ordinal);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        Assert.True(afterRevoke.ExitCode == 4, afterRevoke.ToString());
        Assert.Contains("error key_revoked:", afterRevoke.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Datasets_jobs_and_export_commands_answer_in_json_and_as_tables()
    {
        var dataset = "cli-commands";
        var file = _files.File("p.csv", "id,type,name,metadata,media_url\nA,p,a,\"{\"\"price\"\": 1}\",\nB,p,b,\"{\"\"price\"\": \"\"x\"\"}\",\n");
        var create = await server.RunWithKeyAsync(Master, "datasets", "create", dataset, "--name", "Commands", "--description", "for the CLI tests");
        var import = await server.RunWithKeyAsync(Master, "import", file, "-d", dataset, "--tags", "a,b", "--wait", "--json");
        var importId = JsonDocument.Parse(import.Stdout).RootElement[0].GetProperty("id").GetString()!;
        var loadJob = JsonDocument.Parse(import.Stdout).RootElement[0].GetProperty("jobs").GetProperty("dataset_load").GetString()!;

        var list = await server.RunWithKeyAsync(Master, "datasets", "list", "--json");
        var show = await server.RunWithKeyAsync(Master, "datasets", "show", dataset);
        var jobs = await server.RunWithKeyAsync(Master, "jobs", "list", "--dataset", dataset, "--json");
        var job = await server.RunWithKeyAsync(Master, "jobs", "show", loadJob, "--json");
        var errors = await server.RunWithKeyAsync(Master, "jobs", "errors", loadJob);
        var cancelDone = await server.RunWithKeyAsync(Master, "jobs", "cancel", loadJob);
        var exported = _files.Combine("export.ndjson");
        var export = await server.RunWithKeyAsync(Master, "export", "--dataset", dataset, "--tags", "b", "-o", exported, "--json");
        var csv = await server.RunWithKeyAsync(Master, "export", "--dataset", dataset, "--kind", "entity", "--format", "csv");
        var clear = await server.RunWithKeyAsync(Master, "datasets", "clear", dataset, "--json");
        var delete = await server.RunWithKeyAsync(Master, "datasets", "delete", dataset, "--json");

        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Contains("for the CLI tests", create.Stdout, StringComparison.Ordinal);
        Assert.Contains(JsonDocument.Parse(list.Stdout).RootElement.EnumerateArray(), d => d.GetProperty("id").GetString() == dataset);
        Assert.Matches(@"total\s+1", show.Stdout);
        Assert.Equal(["dataset_load", "file_upload"],
            JsonDocument.Parse(jobs.Stdout).RootElement.EnumerateArray().Select(j => j.GetProperty("type").GetString()).Order());
        var stats = JsonDocument.Parse(job.Stdout).RootElement;
        Assert.Equal(importId, stats.GetProperty("import_id").GetString());
        Assert.Equal(1, stats.GetProperty("stats").GetProperty("rejected").GetInt64());
        Assert.NotEmpty(stats.GetProperty("history").EnumerateArray());
        Assert.Contains("line 3\tp/B\tInvalidType\tprice\tAttribute price with value [x] is not of integer type.", errors.Stdout, StringComparison.Ordinal);
        Assert.True(cancelDone.ExitCode == 4, cancelDone.ToString());
        Assert.Contains("error illegal_transition:", cancelDone.Stderr, StringComparison.Ordinal);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Single(ConvertCommandTests.Lines(File.ReadAllText(exported)));
        Assert.StartsWith("id,type,name,metadata,media_url", csv.Stdout, StringComparison.Ordinal);
        Assert.Equal("clear_data", JsonDocument.Parse(clear.Stdout).RootElement.GetProperty("type").GetString());
        Assert.Equal("delete_dataset", JsonDocument.Parse(delete.Stdout).RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Parquet_files_import_and_export_through_the_cli_as_an_independent_reader_sees_them()
    {
        var source = _files.Combine("events-in.parquet");
        var exported = _files.Combine("events-out.parquet");
        using var duck = new DuckDb();
        duck.Execute("COPY (SELECT * FROM (VALUES ('click', 'u1', 'i1', TIMESTAMP '2024-03-01 12:00:00', '{\"position\": 3}'), " +
            "('purchase', 'u2', 'i2', TIMESTAMP '2024-03-01 13:30:00.250', '{\"coupon\": \"été\"}')) AS t(type, source_id, target_id, timestamp, metadata)) " +
            $"TO {DuckDb.Quote(source)} (FORMAT parquet)");
        await server.RunWithKeyAsync(Master, "datasets", "create", "cli-parquet");

        var load = await server.RunWithKeyAsync(Master, "import", source, "-d", "cli-parquet", "--format", "parquet", "--wait", "--json");
        var export = await server.RunWithKeyAsync(Master, "export", "-d", "cli-parquet", "--kind", "interaction", "--format", "parquet", "-o", exported, "--json");
        var noKind = await server.RunWithKeyAsync(Master, "export", "-d", "cli-parquet", "--format", "parquet");

        Assert.True(load.ExitCode == 0, load.ToString());
        Assert.Equal(2, JsonDocument.Parse(load.Stdout).RootElement[0].GetProperty("progress").GetProperty("records_written").GetInt64());
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Equal(new FileInfo(exported).Length, JsonDocument.Parse(export.Stdout).RootElement.GetProperty("bytes").GetInt64());
        var rows = duck.Rows($"SELECT type, source_id, target_id, strftime(timestamp, '%Y-%m-%dT%H:%M:%S.%g'), position, coupon FROM {DuckDb.Quote(exported)} ORDER BY source_id");
        Assert.Equal(
            [["click", "u1", "i1", "2024-03-01T12:00:00.000", "3", null], ["purchase", "u2", "i2", "2024-03-01T13:30:00.250", null, "été"]],
            rows);
        Assert.True(noKind.ExitCode == 3, noKind.ToString());
        Assert.Contains("--kind", noKind.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_has_help_with_a_worked_example()
    {
        string[][] commands =
        [
            ["serve"], ["datasets", "create"], ["datasets", "list"], ["datasets", "show"], ["datasets", "clear"], ["datasets", "delete"],
            ["import"], ["jobs", "list"], ["jobs", "show"], ["jobs", "cancel"], ["jobs", "errors"], ["keys", "create"], ["keys", "list"],
            ["keys", "revoke"], ["export"], ["convert"], ["validate"],
        ];

        foreach (var command in commands)
        {
            var help = await IntakeProcess.RunAsync([.. command, "--help"]);
            Assert.True(help.ExitCode == 0, help.ToString());
            Assert.Contains("Example:", help.Stdout, StringComparison.Ordinal);
            Assert.Contains($"intake {command[0]}", help.Stdout, StringComparison.Ordinal);
        }
    }
}
