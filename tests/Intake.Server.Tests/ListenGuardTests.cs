using System.Net;
using Intake.Server.Security;
using Intake.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Intake.Server.Tests;

/// <summary>
/// #14 (6): the server refuses to serve beyond loopback without a master key of 32+ characters, however the
/// address was configured, and a refusal is a clean exit with code 1 and one log line. Real server processes.
/// </summary>
public sealed class ListenGuardTests
{
    private const string StrongKey = "a-master-key-that-is-long-enough-0123456789";

    public static TheoryData<string[], string[]> OpenBindings => new()
    {
        { ["--urls", "http://0.0.0.0:{port}"], [] },
        { ["--urls", "http://*:{port}"], [] },
        { ["--urls", "http://+:{port}"], [] },
        { ["--urls", "http://intake.example:{port}"], [] },
        { ["--Kestrel:Endpoints:Http:Url=http://0.0.0.0:{port}"], [] },
        { ["--Kestrel:Endpoints:Public:Url=http://0.0.0.0:{port}"], [] },
        { [], ["ASPNETCORE_URLS=http://+:{port}"] },
        { [], ["ASPNETCORE_HTTP_PORTS={port}"] },
        { [], ["INTAKE_Kestrel__Endpoints__Api__Url=http://[::]:{port}"] },
        { [], ["ASPNETCORE_Kestrel__Endpoints__Other__Url=http://0.0.0.0:{port}"] },
        { [], ["INTAKE_URLS=http://0.0.0.0:{port}"] },
    };

    [Theory]
    [MemberData(nameof(OpenBindings))]
    public async Task Binding_beyond_loopback_without_a_master_key_exits_1_with_one_line(string[] arguments, string[] environment)
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync(arguments, Environment(environment));

        AssertRefused(exitCode, output, "without a master key");
    }

    [Fact]
    public async Task A_master_key_shorter_than_32_characters_is_refused_beyond_loopback()
    {
        var (exitCode, output) = await ServerProcess.RunToExitAsync(["--urls", "http://0.0.0.0:{port}"],
            Environment(["INTAKE_Security__MasterKey=" + new string('k', 31)]));

        AssertRefused(exitCode, output, "with a master key shorter than 32 characters");
    }

    [Fact]
    public async Task With_a_master_key_of_32_characters_the_server_serves_every_interface_and_requires_keys()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "open-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await ServerProcess.StartAsync(dataDirectory, new Dictionary<string, string> { ["Security:MasterKey"] = StrongKey },
                listenHost: "0.0.0.0");
            var http = server.CreateClient().Http;

            using var health = await http.GetAsync("/health");
            using var datasets = await http.GetAsync("/v1/datasets");

            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, datasets.StatusCode);
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", true)]
    [InlineData("http://127.8.9.10:5080", true)]
    [InlineData("http://[::1]:5080", true)]
    [InlineData("http://localhost:5080", true)]
    [InlineData("http://unix:/run/intake.sock", true)]
    [InlineData("http://[::]:5080", false)]
    [InlineData("http://0.0.0.0:5080", false)]
    [InlineData("http://10.0.0.5:5080", false)]
    [InlineData("https://intake.example:443", false)]
    public void Loopback_addresses_localhost_and_unix_sockets_are_local(string address, bool local) =>
        Assert.Equal(local, ListenGuard.IsLocal(address));

    [Fact]
    public async Task Without_a_master_key_the_server_serves_localhost()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "local-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await ServerProcess.StartAsync(dataDirectory, listenHost: "localhost");
            using var datasets = await server.CreateClient().Http.GetAsync("/v1/datasets");

            Assert.Equal(HttpStatusCode.OK, datasets.StatusCode);
            Assert.Contains("development mode", server.RecentOutput);
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_listen_configured_in_code_is_judged_too()
    {
        await using var factory = new CodeListenFactory();
        lock (IntakeServerFactory.StartLock)
        {
            factory.StartServer();
        }

        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        var exitCode = factory.Services.GetRequiredService<ListenGuard>().ExitCode;
        factory.ReleaseStop();

        Assert.Equal(1, exitCode);
        Assert.True(lifetime.ApplicationStopping.IsCancellationRequested);
    }

    private static Dictionary<string, string> Environment(string[] assignments) =>
        assignments.Select(a => a.Split('=', 2)).ToDictionary(parts => parts[0], parts => parts[1]);

    private static void AssertRefused(int exitCode, string output, string reason)
    {
        Assert.True(exitCode == 1, $"Exit code {exitCode}; output:\n{output}");
        var refusal = Assert.Single(output.Split('\n'), line => line.Contains("Refusing to serve on", StringComparison.Ordinal));
        Assert.Contains(reason, refusal);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output);
    }

    /// <summary>
    /// The server in this process, listening on every interface through <c>KestrelServerOptions.ListenAnyIP</c>, as a host embedding it might.
    /// </summary>
    /// <remarks>
    /// The guard stops the host as it starts, and the program's entry point, on its own thread, then disposes it:
    /// on a loaded machine that disposal could come before the factory read the bound addresses from the host's
    /// services (inside <c>StartServer</c>) or before the test read the verdict, both failing with
    /// <see cref="ObjectDisposedException"/>. The host's stop is held until <see cref="ReleaseStop"/>, so its
    /// services stay readable until the test has read them.
    /// </remarks>
    private sealed class CodeListenFactory : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", "code-" + Guid.NewGuid().ToString("N"));
        private readonly TaskCompletionSource _stopReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CodeListenFactory()
        {
            UseKestrel(kestrel => kestrel.ListenAnyIP(0));
        }

        public void ReleaseStop() => _stopReleased.TrySetResult();

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            builder.UseSetting("Storage:DataDirectory", _dataDirectory);
            builder.ConfigureServices(services => services.AddSingleton<IHostedService>(new StopHold(_stopReleased.Task)));
        }

        public override async ValueTask DisposeAsync()
        {
            ReleaseStop();
            await base.DisposeAsync();
            if (Directory.Exists(_dataDirectory))
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
        }
    }

    /// <summary>A hosted service whose stop waits for the test (or for the host's shutdown timeout), so the host is not disposed before.</summary>
    private sealed class StopHold(Task released) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.WhenAny(released, Task.Delay(Timeout.Infinite, cancellationToken));
    }
}
