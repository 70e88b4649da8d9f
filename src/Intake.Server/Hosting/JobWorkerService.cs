using Intake.Core.Scheduling;
using Microsoft.Extensions.Options;

namespace Intake.Server.Hosting;

/// <summary>
/// Runs this node's worker loops. Stopping first stops claiming; jobs still running after a grace period are
/// aborted through the shutdown token and go back to the queue to be redone (never marked failed).
/// </summary>
/// <remarks>The token sources have no timers or registrations to release, so they are not disposed: a host may call
/// <see cref="StopAsync"/> after disposing its services, and a disposed source would throw there.</remarks>
internal sealed class JobWorkerService(JobWorker worker, IOptions<WorkerOptions> options) : IHostedService
{
    private static readonly TimeSpan s_gracePeriod = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _shutdown = new();
    private Task _loops = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loops = Task.WhenAll(Enumerable.Range(0, options.Value.Count)
            .Select(slot => Task.Run(() => worker.RunAsync(slot, _stopping.Token, _shutdown.Token), CancellationToken.None)));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (await Task.WhenAny(_loops, Task.Delay(s_gracePeriod, cancellationToken)) != _loops)
        {
            await _shutdown.CancelAsync();
        }

        await _loops.WaitAsync(cancellationToken);
    }
}
