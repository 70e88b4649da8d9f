using Intake.Core.Scheduling;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>
/// A fault injector that holds every load after its first written batch while the gate is closed, so a test
/// can act on an import that is certainly processing. A held load waits until its job is canceled. Once open,
/// each batch may still be slowed by <see cref="BatchDelay"/>, so a small file stays processing long enough to
/// report progress.
/// </summary>
public sealed class LoadGate : IFaultInjector
{
    private volatile bool _closed = true;
    private TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a load is held at the gate.</summary>
    public Task Held => _held.Task;

    public TimeSpan BatchDelay { get; init; }

    public void Open() => _closed = false;

    public async ValueTask AfterBatchAsync(string jobId, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            _held.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        else if (BatchDelay > TimeSpan.Zero)
        {
            await Task.Delay(BatchDelay, cancellationToken);
        }
    }

    public ValueTask BeforeCommitAsync(string jobId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AfterCommitAsync(string jobId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
