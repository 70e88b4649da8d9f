using System.Collections.Concurrent;
using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite;

/// <summary>
/// Copies a dataset's WAL into its database after a load, in the background and one at a time per file.
/// A passive checkpoint never blocks readers or the next writer; if the process stops first, SQLite replays
/// the WAL when the file is next opened, so a checkpoint is never needed for correctness.
/// </summary>
internal sealed class WalCheckpoints
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);

    public void Schedule(string path) =>
        _running.AddOrUpdate(path, p => Task.Run(() => Checkpoint(p)), (p, previous) => previous.ContinueWith(_ => Checkpoint(p), TaskScheduler.Default));

    public Task WaitAsync(string path) => _running.TryGetValue(path, out var task) ? task : Task.CompletedTask;

    private static void Checkpoint(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var connection = NativeConnection.Open(path);
        using var checkpoint = connection.Prepare("PRAGMA wal_checkpoint(PASSIVE)");
        checkpoint.Execute();
    }
}
