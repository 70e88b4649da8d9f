using System.Collections.Concurrent;
using Intake.Core.Jobs;

namespace Intake.Core.Imports;

/// <summary>
/// The imports this node is loading, each as the store returned it right after the load's last progress report,
/// so a status poll to the node running the load is answered without a store query. During a load the store is
/// busiest (on PostgreSQL its backends share the cores with the load's COPY), and a poll that needs a store round
/// trip then waits for a core at every hop; from here it does not. An entry is the store's row at most one progress
/// interval old (an archive through another node shows within it; through this node at once), is ignored once it
/// is older than <see cref="s_fresh"/> (a store that stopped answering the reports), and is gone before the load's
/// final status is stored, so a poll never answers <c>processing</c> after the store says otherwise.
/// </summary>
public sealed class LiveImports(TimeProvider time)
{
    private static readonly TimeSpan s_fresh = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, Entry> _loading = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time;

    /// <summary>The import as last read by its load on this node, if that load is running and the read is fresh.</summary>
    public ImportInfo? Find(string importId) =>
        _loading.TryGetValue(importId, out var entry) && _time.GetElapsedTime(entry.ReadAt) < s_fresh ? entry.Import : null;

    /// <summary>Starts tracking a load of <paramref name="import"/> (as read when it started) on this node; disposing the scope forgets it.</summary>
    public Scope Track(ImportInfo import)
    {
        var scope = new Scope(this, import.Id);
        scope.Set(import, _time.GetTimestamp());
        return scope;
    }

    /// <summary>
    /// This node changed the import (an archive) and read it back in a read that started at <paramref name="readAt"/>
    /// (<see cref="TimeProvider.GetTimestamp"/>): a tracked entry takes it at once, unless a later read already replaced it.
    /// </summary>
    public void Refresh(ImportInfo import, long readAt)
    {
        while (_loading.TryGetValue(import.Id, out var entry) && entry.ReadAt <= readAt)
        {
            var replaced = import.Status == JobStatus.Processing
                ? _loading.TryUpdate(import.Id, entry with { Import = import, ReadAt = readAt }, entry)
                : _loading.TryRemove(new KeyValuePair<string, Entry>(import.Id, entry));
            if (replaced)
            {
                return;
            }
        }
    }

    private sealed record Entry(ImportInfo Import, long ReadAt, Scope Owner);

    /// <summary>One load's entry; <see cref="Set"/> after <see cref="Dispose"/> does nothing.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly LiveImports _owner;
        private readonly string _importId;
        private readonly Lock _gate = new();
        private bool _closed;

        internal Scope(LiveImports owner, string importId)
        {
            _owner = owner;
            _importId = importId;
        }

        /// <summary>
        /// The import as the store returned it in a read that started at <paramref name="readAt"/>; only a processing
        /// import is served from here, and the latest read wins (a report read before an archive on this node does not undo it).
        /// </summary>
        public void Set(ImportInfo? import, long readAt)
        {
            lock (_gate)
            {
                if (_closed)
                {
                    return;
                }

                if (import is { Status: JobStatus.Processing })
                {
                    var entry = new Entry(import, readAt, this);
                    _owner._loading.AddOrUpdate(_importId, entry, (_, existing) => existing.ReadAt > readAt ? existing : entry);
                }
                else
                {
                    Forget();
                }
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _closed = true;
                Forget();
            }
        }

        private void Forget()
        {
            if (_owner._loading.TryGetValue(_importId, out var entry) && entry.Owner == this)
            {
                _owner._loading.TryRemove(new KeyValuePair<string, Entry>(_importId, entry));
            }
        }
    }
}
