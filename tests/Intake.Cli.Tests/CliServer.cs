using Intake.Server.Tests.Infrastructure;
using Intake.Tests.Shared;

namespace Intake.Cli.Tests;

/// <summary>
/// A server started the way a user starts one, <c>intake serve</c> as its own process on a free port, over a fresh
/// SQLite directory or a fresh PostgreSQL database; shared by the tests of one class.
/// </summary>
public class CliServer : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly bool _postgres;
    private PostgresTestDatabase? _database;
    private ServerProcess? _server;

    public CliServer()
        : this(new Dictionary<string, string>(), postgres: false)
    {
    }

    protected CliServer(IReadOnlyDictionary<string, string> settings, bool postgres)
    {
        _settings = settings;
        _postgres = postgres;
    }

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "intake-cli-tests", "server-" + Guid.NewGuid().ToString("N"));

    public string Url => _server!.Address.ToString().TrimEnd('/');

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string>(_settings) { ["RateLimits:RequestsPerSecond"] = "1000", ["RateLimits:Burst"] = "1000" };
        if (_postgres)
        {
            _database = await PostgresTestServer.CreateDatabaseAsync("intake_cli");
            settings["Storage:Provider"] = "Postgres";
            settings["Storage:ConnectionString"] = _database.ConnectionString;
        }

        _server = await ServerProcess.StartAsync(DataDirectory, settings, entryAssembly: "intake.dll");
    }

    /// <summary>Runs <c>intake</c> against this server (<c>INTAKE_URL</c>), with <paramref name="apiKey"/> as <c>INTAKE_API_KEY</c> when given.</summary>
    public Task<IntakeRun> RunWithKeyAsync(string? apiKey, params string[] args)
    {
        var environment = new Dictionary<string, string> { ["INTAKE_URL"] = Url };
        if (apiKey is not null)
        {
            environment["INTAKE_API_KEY"] = apiKey;
        }

        return IntakeProcess.RunAsync(args, environment);
    }

    public Task<IntakeRun> RunAsync(params string[] args) => RunWithKeyAsync(null, args);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling handle.
        }
    }
}

/// <summary>The same, on PostgreSQL.</summary>
public sealed class PostgresCliServer() : CliServer(new Dictionary<string, string>(), postgres: true);

/// <summary>The same, with a master key, so every request needs a key.</summary>
public sealed class SecuredCliServer() : CliServer(new Dictionary<string, string> { ["Security:MasterKey"] = MasterKey }, postgres: false)
{
    public const string MasterKey = "cli-tests-master-key";
}
