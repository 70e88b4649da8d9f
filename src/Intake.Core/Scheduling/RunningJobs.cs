using System.Collections.Concurrent;

namespace Intake.Core.Scheduling;

/// <summary>
/// The jobs this node is running, each with a token linked to the host's shutdown token. A user's cancel
/// cancels the job's token here; the worker then records the job as canceled. Thread-safe.
/// </summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<string, Entry> _running = new(StringComparer.Ordinal);

    public RunningJob Register(string jobId, CancellationToken shutdown)
    {
        var entry = new Entry(CancellationTokenSource.CreateLinkedTokenSource(shutdown));
        _running[jobId] = entry;
        return new RunningJob(this, jobId, entry);
    }

    /// <summary>Cancels the job if it runs on this node; false otherwise.</summary>
    public bool TryCancel(string jobId)
    {
        if (!_running.TryGetValue(jobId, out var entry))
        {
            return false;
        }

        entry.CancelRequested = true;
        entry.Source.Cancel();
        return true;
    }

    public bool IsRunning(string jobId) => _running.ContainsKey(jobId);

    internal sealed class Entry(CancellationTokenSource source)
    {
        public CancellationTokenSource Source { get; } = source;

        public volatile bool CancelRequested;

        public volatile bool LeaseLost;
    }

    /// <summary>A registration; disposing it forgets the job.</summary>
    public sealed class RunningJob : IDisposable
    {
        private readonly RunningJobs _owner;
        private readonly string _jobId;
        private readonly Entry _entry;

        internal RunningJob(RunningJobs owner, string jobId, Entry entry)
        {
            _owner = owner;
            _jobId = jobId;
            _entry = entry;
        }

        public CancellationToken Token => _entry.Source.Token;

        /// <summary>A user asked for the cancel (locally or through the store).</summary>
        public bool CancelRequested => _entry.CancelRequested;

        /// <summary>The lease was lost: another node owns the job now, so this one must record nothing.</summary>
        public bool LeaseLost => _entry.LeaseLost;

        public void Cancel()
        {
            _entry.CancelRequested = true;
            _entry.Source.Cancel();
        }

        public void AbandonLostLease()
        {
            _entry.LeaseLost = true;
            _entry.Source.Cancel();
        }

        public void Dispose()
        {
            _owner._running.TryRemove(new KeyValuePair<string, Entry>(_jobId, _entry));
            _entry.Source.Dispose();
        }
    }
}
