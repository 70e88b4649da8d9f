using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// The key hashes a dataset held before the load, read in order from the key index on a separate read
/// connection. Under WAL that connection sees the last committed state, never the load's own inserts, so a
/// load can walk it beside its sorted records (a merge join) and skip the existence probe for every key whose
/// hash is absent. Costs one sequential index scan per load.
/// </summary>
internal sealed class ExistingKeys : IDisposable
{
    private readonly NativeConnection _connection;
    private readonly NativeStatement _scan;
    private bool _ended;

    public ExistingKeys(string path, string table)
    {
        _connection = NativeConnection.Open(path);
        _connection.Execute("BEGIN");
        _scan = _connection.Prepare($"SELECT h FROM {table} ORDER BY h");
        Advance();
    }

    /// <summary>The current stored hash; meaningful only while not ended.</summary>
    public long Current { get; private set; }

    /// <summary>Whether a key with stored hash <paramref name="hash"/> may exist (its hash does).</summary>
    public bool Contains(long hash)
    {
        while (!_ended && Current < hash)
        {
            Advance();
        }

        return !_ended && Current == hash;
    }

    public void Dispose()
    {
        _scan.Dispose();
        _connection.Dispose();
    }

    private void Advance()
    {
        if (!_scan.StepRow(out var value))
        {
            _ended = true;
            return;
        }

        Current = value;
    }
}
