using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// The server as a separate OS process (the built <c>Intake.Server.dll</c> beside the tests, or the <c>intake</c>
/// tool's <c>intake.dll</c> running <c>intake serve</c>), so a test can kill it the hard way (SIGKILL) and start it
/// again on the same data directory.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 200;
    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private volatile bool _listening;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The last lines the server wrote (stdout and stderr), for a failing test's message.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <param name="environment">Raw environment variables (not prefixed), such as <c>http_proxy</c>.</param>
    /// <param name="listenHost">The host the server binds (<c>0.0.0.0</c> for every interface); it is reached through 127.0.0.1.</param>
    /// <param name="workingDirectory">Where the server starts (default: beside the entry assembly).</param>
    /// <param name="hostEnvironment">The hosting environment (<c>DOTNET_ENVIRONMENT</c>).</param>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null,
        string entryAssembly = "Intake.Server.dll", IReadOnlyDictionary<string, string>? environment = null, string listenHost = "127.0.0.1",
        string? workingDirectory = null, string hostEnvironment = "Testing")
    {
        // A free port can be taken by another process between the probe and the server's bind; the server then exits
        // with "address already in use" and is started again on another port.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreePortAsync(dataDirectory, settings, entryAssembly, environment, listenHost, workingDirectory, hostEnvironment);
            }
            catch (PortTakenException) when (attempt < 5)
            {
            }
        }
    }

    private static async Task<ServerProcess> StartOnFreePortAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings,
        string entryAssembly, IReadOnlyDictionary<string, string>? environment, string listenHost, string? workingDirectory, string hostEnvironment)
    {
        var port = FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, entryAssembly), "serve", "--urls", $"http://{listenHost}:{port}" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        start.Environment["INTAKE_Storage__DataDirectory"] = dataDirectory;
        start.Environment["INTAKE_Worker__PollMilliseconds"] = "50";
        start.Environment["DOTNET_ENVIRONMENT"] = hostEnvironment;
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment["INTAKE_" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var server = new ServerProcess(process, address);
        process.OutputDataReceived += (_, line) => server.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => server.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync();
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or OperationCanceledException or PortTakenException)
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Runs the server with exactly <paramref name="arguments"/> and <paramref name="environment"/> (in a fresh data
    /// directory) until it exits on its own; returns its exit code and everything it wrote. <c>{port}</c> in an
    /// argument or value becomes a free port. Fails if it is still running after 60 s.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var port = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "exit-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Intake.Server.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument.Replace("{port}", port, StringComparison.Ordinal));
        }

        start.Environment["INTAKE_Storage__DataDirectory"] = dataDirectory;
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value.Replace("{port}", port, StringComparison.Ordinal);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The server did not exit within 60 s:\n{await stdout}{await stderr}");
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    public int ProcessId => _process.Id;

    public IntakeClient CreateClient() => new(new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromMinutes(5) });

    /// <summary>SIGKILL: no shutdown code runs, as when a machine dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.Contains("Now listening on: ", StringComparison.Ordinal))
        {
            _listening = true;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > KeptOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw RecentOutput.Contains("address already in use", StringComparison.Ordinal)
                    ? new PortTakenException()
                    : new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was ready:\n{RecentOutput}");
            }

            // Until this server says it listens, an answer on the port may come from whoever took it first.
            if (!_listening)
            {
                await Task.Delay(50);
                continue;
            }

            try
            {
                using var response = await http.GetAsync("/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server did not become ready within 60 s:\n{RecentOutput}");
    }

    private sealed class PortTakenException : Exception;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
