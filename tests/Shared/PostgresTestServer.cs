using System.Diagnostics;
using System.Text.RegularExpressions;
using Npgsql;

namespace Intake.Tests.Shared;

/// <summary>
/// The PostgreSQL server the tests of one process share. Its admin connection string comes from
/// <c>INTAKE_TEST_PG</c> (set by <c>.ci/run</c>). Without it, under <c>CI=true</c> every PostgreSQL test fails,
/// because CI must never skip a store silently; elsewhere a throwaway server is started once per test process
/// with <c>.ci/postgres.sh</c> and stopped when the process exits, so a plain <c>dotnet test Intake.slnx</c>
/// works on any machine with Debian's <c>postgresql</c> package.
/// </summary>
public static partial class PostgresTestServer
{
    private const string ConnectionStringVariable = "INTAKE_TEST_PG";

    // ExecutionAndPublication: parallel test classes start one server between them, and a failure to start
    // is remembered, so every test reports the same cause instead of each trying again.
    private static readonly Lazy<string> s_adminConnectionString = new(ResolveAdminConnectionString, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A superuser connection to the server's <c>postgres</c> database. Throws with the reason when there is no server.</summary>
    public static string AdminConnectionString => s_adminConnectionString.Value;

    /// <summary>
    /// Creates an empty database <c>&lt;prefix&gt;_&lt;guid&gt;</c>; disposing the result drops it, ending any session still on it.
    /// </summary>
    public static async Task<PostgresTestDatabase> CreateDatabaseAsync(string prefix)
    {
        if (!DatabasePrefix().IsMatch(prefix))
        {
            throw new ArgumentException($"Prefix '{prefix}' must be 1 to 30 lower-case letters, digits or underscores, starting with a letter.", nameof(prefix));
        }

        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\";", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
        return new PostgresTestDatabase(name, connectionString);
    }

    internal static async Task DropDatabaseAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE);", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string ResolveAdminConnectionString()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"{ConnectionStringVariable} is not set, and under CI=true the PostgreSQL tests never skip. " +
                $"Start a server (`.ci/postgres.sh start DIR` prints its connection string) and export it as {ConnectionStringVariable}; .ci/run does both.");
        }

        return StartThrowawayServer();
    }

    private static string StartThrowawayServer()
    {
        var script = Path.Combine(FindRepositoryRoot(), ".ci", "postgres.sh");
        var directory = Path.Combine(Path.GetTempPath(), "intake-test-pg-" + Guid.NewGuid().ToString("N"));
        var (exitCode, output, errors) = RunScript(script, "start", directory, TimeSpan.FromMinutes(10));
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{ConnectionStringVariable} is not set and `{script} start` failed with exit code {exitCode}. " +
                $"Install Debian's postgresql package or point {ConnectionStringVariable} at a server.\n{errors}");
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => RunScript(script, "stop", directory, TimeSpan.FromSeconds(30));
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
    }

    private static (int ExitCode, string Output, string Errors) RunScript(string script, string verb, string directory, TimeSpan limit)
    {
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { script, verb, directory },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{script} {verb}` did not finish within {limit.TotalSeconds} s.");
        }

        return (process.ExitCode, output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult());
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Intake.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No Intake.slnx above {AppContext.BaseDirectory}, so .ci/postgres.sh cannot be found; set {ConnectionStringVariable} instead.");
    }

    // PostgreSQL truncates identifiers at 63 bytes; the prefix, '_' and a 32-digit guid stay within that.
    [GeneratedRegex(@"\A[a-z][a-z0-9_]{0,29}\z")]
    private static partial Regex DatabasePrefix();
}

/// <summary>A database of its own for one test class or server; disposing drops it, ending any session still on it.</summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    private readonly string _name;

    internal PostgresTestDatabase(string name, string connectionString)
    {
        _name = name;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public async ValueTask DisposeAsync()
    {
        // Idle pooled connections of this process would otherwise be cut by the forced drop and fail on next use.
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await PostgresTestServer.DropDatabaseAsync(_name);
    }
}
