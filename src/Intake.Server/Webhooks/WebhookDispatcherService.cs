using Intake.Core.Webhooks;

namespace Intake.Server.Webhooks;

/// <summary>Runs this node's webhook sender until the host stops; an attempt in flight is abandoned and made again later.</summary>
internal sealed class WebhookDispatcherService(WebhookDispatcher dispatcher) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() => dispatcher.RunAsync(stoppingToken), CancellationToken.None);
}
