using Intake.Server.Tests.Infrastructure;
using Intake.Tests.Shared;

namespace Intake.Server.Tests;

/// <summary>
/// The server as an operator starts it: from a directory of its own choosing, not beside <c>intake.dll</c>. It
/// reads its own <c>appsettings.json</c> anyway, and logs its jobs but not every request (query strings included).
/// </summary>
public abstract class ServerSettingsTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "intake-tests", "settings-" + Guid.NewGuid().ToString("N"));
    private IReadOnlyDictionary<string, string> _settings = null!;

    protected abstract Task<IReadOnlyDictionary<string, string>> CreateStoreSettingsAsync();

    protected virtual Task DeleteStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_root, "elsewhere"));
        _settings = await CreateStoreSettingsAsync();
    }

    public async Task DisposeAsync()
    {
        await DeleteStoreAsync();
        Directory.Delete(_root, recursive: true);
    }

    // The host's default watches its settings files through the content root, which is the working directory, and
    // every directory under it, so a server started where its ./data lives got an inotify event for each write.
    [Fact]
    public async Task Started_in_the_directory_that_holds_its_data_it_watches_no_files()
    {
        var workingDirectory = Path.Combine(_root, "operator");
        Directory.CreateDirectory(Path.Combine(workingDirectory, "nested", "deeper"));
        await using var server = await ServerProcess.StartAsync(Path.Combine(workingDirectory, "data"), _settings, workingDirectory: workingDirectory);
        var client = server.CreateClient();
        await client.CreateDatasetAsync("watched");

        var import = await client.ImportAsync("watched", "id,type,name,metadata,media_url\na,p,A,,\n");

        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal(0, InotifyWatches(server.ProcessId));
    }

    // The inotify watches a process holds (Linux: one "inotify wd:" line per watch in the fdinfo of its inotify descriptors).
    private static int InotifyWatches(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        var watches = 0;
        foreach (var descriptor in Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd"))
        {
            if (new FileInfo(descriptor).LinkTarget is { } target && target.Contains("inotify", StringComparison.Ordinal))
            {
                watches += File.ReadLines($"/proc/{processId}/fdinfo/{Path.GetFileName(descriptor)}").Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
        }

        return watches;
    }

    // "Testing" has no code default for request logging, so only the appsettings.json beside intake.dll turns it
    // off there; "Production" must have it off even without that file.
    [Theory]
    [InlineData("Testing")]
    [InlineData("Production")]
    public async Task Started_from_another_directory_it_reads_its_own_settings_and_logs_jobs_but_not_requests(string environment)
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N")[..8];
        await using var server = await ServerProcess.StartAsync(Path.Combine(_root, "data-" + environment), _settings,
            workingDirectory: Path.Combine(_root, "elsewhere"), hostEnvironment: environment);
        var client = server.CreateClient();
        var dataset = "hygiene-" + environment.ToLowerInvariant();
        await client.CreateDatasetAsync(dataset);

        var import = await client.ImportAsync(dataset, "id,type,name,metadata,media_url\na,p,A,,\n", $"?tags={marker}");

        var loadJob = (string)import["jobs"]!["dataset_load"]!;
        var output = await OutputContainingAsync(server, $"Job {loadJob} (dataset_load) completed: read 1, loaded 1, rejected 0");
        Assert.Contains($"Job {loadJob} (dataset_load) of dataset {dataset} started, attempt 1", output);
        Assert.DoesNotContain("info: Microsoft.AspNetCore", output);
        Assert.DoesNotContain(marker, output);
    }

    /// <summary>The console logger writes from a queue: waits for the line to arrive, then returns all the output.</summary>
    private static async Task<string> OutputContainingAsync(ServerProcess server, string line)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!server.RecentOutput.Contains(line, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The server never wrote '{line}':\n{server.RecentOutput}");
            }

            await Task.Delay(50);
        }

        return server.RecentOutput;
    }
}

public sealed class SqliteServerSettingsTests : ServerSettingsTests
{
    protected override Task<IReadOnlyDictionary<string, string>> CreateStoreSettingsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>());
}

public sealed class PostgresServerSettingsTests : ServerSettingsTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<IReadOnlyDictionary<string, string>> CreateStoreSettingsAsync()
    {
        _database = await PostgresTestServer.CreateDatabaseAsync("intake_settings");
        return new Dictionary<string, string> { ["Storage:Provider"] = "Postgres", ["Storage:ConnectionString"] = _database.ConnectionString };
    }

    protected override async Task DeleteStoreAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>README, "PostgreSQL and cluster mode": the one variable is enough, whatever the shipped settings say.</summary>
    [Fact]
    public async Task INTAKE_POSTGRES_alone_selects_PostgreSQL()
    {
        await using var database = await PostgresTestServer.CreateDatabaseAsync("intake_env");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "env-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var server = await ServerProcess.StartAsync(dataDirectory,
                environment: new Dictionary<string, string> { ["INTAKE_POSTGRES"] = database.ConnectionString }))
            {
                var client = server.CreateClient();
                await client.CreateDatasetAsync("env-selected");
                Assert.Equal("completed", (string)(await client.ImportAsync("env-selected", "id,type,name,metadata,media_url\na,p,A,,\n"))["status"]!);
            }

            await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM imports WHERE dataset_id = 'env-selected' AND status = 'completed'", connection);
            Assert.Equal(1L, await command.ExecuteScalarAsync());
            Assert.False(File.Exists(Path.Combine(dataDirectory, "intake.db")), "the server also opened a SQLite store");
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }
}
