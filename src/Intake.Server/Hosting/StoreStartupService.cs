using Intake.Core.Storage;

namespace Intake.Server.Hosting;

/// <summary>Migrates the store and recovers interrupted jobs before the server takes requests or workers claim jobs.</summary>
internal sealed partial class StoreStartupService(IStoreLifecycle store, IConfiguration configuration, Core.Security.ApiKeyService keys,
    ILogger<StoreStartupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.StartAsync(cancellationToken);
        if (keys.DevelopmentMode)
        {
            LogDevelopmentMode(configuration["urls"] ?? IntakeServerExtensions.DefaultUrl);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Intake runs without a master key (development mode) on {Urls}: requests need no key. Set INTAKE_MASTER_KEY before listening anywhere else.")]
    private partial void LogDevelopmentMode(string urls);
}
