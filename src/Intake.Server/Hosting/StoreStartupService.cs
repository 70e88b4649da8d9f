using Intake.Core.Storage;

namespace Intake.Server.Hosting;

/// <summary>Migrates the store and recovers interrupted jobs before the server takes requests or workers claim jobs.</summary>
internal sealed class StoreStartupService(IStoreLifecycle store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
