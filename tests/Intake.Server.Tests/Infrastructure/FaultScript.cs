using System.Collections.Concurrent;
using Intake.Core.Scheduling;
using Intake.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests.Infrastructure;

/// <summary>Where in a load a <see cref="FaultScript"/> acts.</summary>
public enum FaultPoint
{
    AfterFirstBatch,
    BeforeCommit,
    AfterCommit,
}

/// <summary>
/// A fault injector driven by the test: the load of an import carrying a scripted tag is held at a point until
/// its job is canceled, or crashed there once. A crash is what a node that dies and restarts does to the job:
/// the job is taken back (<see cref="IJobStore.RecoverExpiredAsync"/>, as a restarting node or an expired lease
/// does) and the load stops with its transaction uncommitted; the stopped worker's late status is refused,
/// and another worker redoes the load from its staged file.
/// </summary>
public sealed class FaultScript(IServiceProvider services) : IFaultInjector
{
    private readonly ConcurrentDictionary<string, (FaultPoint Point, bool Crash)> _plans = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _crashed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _batches = new(StringComparer.Ordinal);

    /// <summary>Registers the injector on a test server.</summary>
    public static void Register(IServiceCollection services) =>
        services.AddSingleton<FaultScript>().AddSingleton<IFaultInjector>(sp => sp.GetRequiredService<FaultScript>());

    /// <summary>Holds the load of the import tagged <paramref name="tag"/> at <paramref name="point"/> until it is canceled.</summary>
    public void Hold(string tag, FaultPoint point) => _plans[tag] = (point, false);

    /// <summary>Crashes the first attempt of the load tagged <paramref name="tag"/> at <paramref name="point"/>.</summary>
    public void Crash(string tag, FaultPoint point) => _plans[tag] = (point, true);

    /// <summary>Completes when the load tagged <paramref name="tag"/> is held.</summary>
    public Task HeldAsync(string tag) => Held(tag).Task.WaitAsync(TimeSpan.FromSeconds(60));

    public async ValueTask AfterBatchAsync(string jobId, CancellationToken cancellationToken)
    {
        if (_batches.AddOrUpdate(jobId, 1, (_, n) => n + 1) == 1)
        {
            await ActAsync(jobId, FaultPoint.AfterFirstBatch, cancellationToken);
        }
    }

    public ValueTask BeforeCommitAsync(string jobId, CancellationToken cancellationToken) => ActAsync(jobId, FaultPoint.BeforeCommit, cancellationToken);

    public ValueTask AfterCommitAsync(string jobId, CancellationToken cancellationToken) => ActAsync(jobId, FaultPoint.AfterCommit, cancellationToken);

    private async ValueTask ActAsync(string jobId, FaultPoint point, CancellationToken cancellationToken)
    {
        var jobs = services.GetRequiredService<IJobStore>();
        var job = await jobs.GetJobAsync(jobId, CancellationToken.None);
        var import = job?.ImportId is null ? null : await jobs.GetImportAsync(job.ImportId, CancellationToken.None);
        var tag = import?.Request.Tags.FirstOrDefault(t => _plans.ContainsKey(t));
        if (tag is null || _plans[tag].Point != point)
        {
            return;
        }

        if (!_plans[tag].Crash)
        {
            Held(tag).TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        else if (_crashed.TryAdd(tag, true))
        {
            _batches.TryRemove(jobId, out _);
            await jobs.RecoverExpiredAsync(DateTimeOffset.MaxValue, CancellationToken.None);
            throw new IOException($"Simulated crash of job {jobId} at {point}.");
        }
    }

    private TaskCompletionSource Held(string tag) => _held.GetOrAdd(tag, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
