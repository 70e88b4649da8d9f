using Intake.Core.Storage;

namespace Intake.Server.Hosting;

/// <summary>Migrates the store and recovers interrupted jobs before the server takes requests or workers claim jobs.</summary>
internal sealed partial class StoreStartupService(IStoreLifecycle store, IConfiguration configuration, ILogger<StoreStartupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.StartAsync(cancellationToken);
        var urls = configuration["urls"] ?? IntakeServerExtensions.DefaultUrl;
        LogDevelopmentMode(urls);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Intake runs without API keys (development mode) on {Urls}. Keep it on a loopback address until keys are configured.")]
    private partial void LogDevelopmentMode(string urls);
}
