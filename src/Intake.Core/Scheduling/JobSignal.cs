namespace Intake.Core.Scheduling;

/// <summary>
/// Wakes idle workers when work may be waiting (a job queued or finished). Every waiter wakes on a notify;
/// workers also poll, so a lost wake-up only costs one poll interval. Thread-safe.
/// </summary>
public sealed class JobSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits for a notify or the timeout; throws when <paramref name="cancellationToken"/> fires.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var next = Volatile.Read(ref _next).Task;
        try
        {
            await next.WaitAsync(timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Polling: the caller looks for work anyway.
        }
    }
}
