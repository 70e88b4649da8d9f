using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Intake.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// The real server on a real Kestrel socket (127.0.0.1, a free port) over a fresh store. This base runs on
/// SQLite in a fresh data directory (deleted on dispose); a provider's subclass overrides
/// <see cref="ConfigureStore"/>. Settings override configuration for one factory.
/// </summary>
public class IntakeServerFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public IntakeServerFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    internal IntakeServerFactory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        _settings = settings;
        _services = services;
        DataDirectory = Path.Combine(Path.GetTempPath(), "intake-tests", Guid.NewGuid().ToString("N"));
        // Listen in code rather than UseKestrel(0): that overload rewrites the server's addresses after the host is
        // built, racing the minimal-hosting app that starts Kestrel on its own thread ("Addresses cannot be modified
        // after the server has started", dotnet/aspnetcore#67714).
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public string DataDirectory { get; }

    // Minimal-hosting apps are captured by WebApplicationFactory through a process-wide diagnostic listener;
    // two factories building at the same moment can capture each other's host. Starts are serialized.
    internal static Lock StartLock { get; } = new();

    public IntakeClient CreateIntakeClient()
    {
        lock (StartLock)
        {
            StartServer();
        }

        return new IntakeClient(CreateClient());
    }

    /// <summary>Points the server at this factory's store.</summary>
    protected virtual void ConfigureStore(IWebHostBuilder builder)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        ConfigureStore(builder);
        builder.UseSetting("Worker:PollMilliseconds", "50");
        builder.UseSetting("UrlImports:AllowedAddresses:0", "127.0.0.1");
        builder.ConfigureLogging(logging => logging.AddProvider(ServerErrors.Provider));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    /// <summary>
    /// The factory's UseKestrel registers Kestrel's memory pool again after every other service; choosing the server's
    /// own once more, last, runs the server on the pool <c>intake serve</c> runs on.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureServices(services => services.UseReceiveBlockPool());
        return base.CreateHost(builder);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A straggling handle; the temp directory is cleaned by the OS eventually.
        }
    }
}
