namespace Intake.Core.Scheduling;

/// <summary>
/// Wakes idle workers when work may be waiting (a job queued or finished). Every waiter wakes on a notify;
/// workers also poll, so a lost wake-up only costs one poll interval. Thread-safe.
/// </summary>
public sealed class JobSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>An idle loop's pause: returns on a notify, after the timeout, or when <paramref name="stopping"/> fires (without throwing).</summary>
    public async Task PauseAsync(TimeSpan timeout, TimeProvider time, CancellationToken stopping)
    {
        try
        {
            await WaitAsync(timeout, time, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: the caller's loop sees the token and ends.
        }
    }

    /// <summary>Waits for a notify or the timeout; throws when <paramref name="cancellationToken"/> fires.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        // A timeout is the normal end of a poll: awaited without throwing, since every idle worker and every live-progress
        // stream waits here several times a second.
        var next = Volatile.Read(ref _next).Task;
        await next.WaitAsync(timeout, time, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
