using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// The run keys (timestamp for interactions, then key hash) a dataset held before the load, read in order
/// from the key index on a separate read connection. Under WAL that connection sees the last committed state,
/// never the load's own inserts, so a load can walk it beside its sorted records (a merge join) and skip the
/// existence probe for every key that is absent. Interactions scan only the load's time range.
/// </summary>
internal sealed class ExistingKeys : IDisposable
{
    private readonly NativeConnection _connection;
    private readonly NativeStatement _scan;
    private bool _ended;

    public ExistingKeys(string path, string table, bool timeFirst, long minTimestamp, long maxTimestamp)
    {
        _connection = NativeConnection.Open(path);
        _connection.Execute("BEGIN");
        _scan = _connection.Prepare(timeFirst
            ? $"SELECT h, ts FROM {table} WHERE ts BETWEEN ?1 AND ?2 ORDER BY ts, h"
            : $"SELECT h, 0 FROM {table} ORDER BY h");
        if (timeFirst)
        {
            _scan.Bind(1, minTimestamp);
            _scan.Bind(2, maxTimestamp);
        }

        Advance();
    }

    private long _hash;
    private long _timestamp;

    /// <summary>Whether a key with this run key may exist (its timestamp and hash do); keys must be asked in order.</summary>
    public bool Contains(long timestamp, long hash)
    {
        while (!_ended && (_timestamp < timestamp || (_timestamp == timestamp && _hash < hash)))
        {
            Advance();
        }

        return !_ended && _timestamp == timestamp && _hash == hash;
    }

    public void Dispose()
    {
        _scan.Dispose();
        _connection.Dispose();
    }

    private void Advance()
    {
        if (!_scan.StepRow(out _hash, out _timestamp))
        {
            _ended = true;
        }
    }
}
