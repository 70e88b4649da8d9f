namespace Intake.Core.Scheduling;

/// <summary>
/// Points where tests may stall or crash a load to prove cancellation, re-delivery and idempotency
/// (meilisearch's <c>FailureLocation</c>). Production uses <see cref="NoFaults"/>.
/// </summary>
public interface IFaultInjector
{
    /// <summary>Called after each batch of a load is written to its sink, before the next is taken.</summary>
    ValueTask AfterBatchAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Called when a load has been read and merged (or stopped early), just before its one commit.</summary>
    ValueTask BeforeCommitAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Called when a load has committed, before its job's final status is stored.</summary>
    ValueTask AfterCommitAsync(string jobId, CancellationToken cancellationToken);
}

/// <summary>The production injector: does nothing.</summary>
public sealed class NoFaults : IFaultInjector
{
    public ValueTask AfterBatchAsync(string jobId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask BeforeCommitAsync(string jobId, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask AfterCommitAsync(string jobId, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
