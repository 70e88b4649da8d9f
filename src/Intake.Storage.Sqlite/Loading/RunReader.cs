namespace Intake.Storage.Sqlite.Loading;

/// <summary>Reads one sorted run back, a record at a time, into a reused <see cref="StagedRecord"/>.</summary>
internal sealed class RunReader : IDisposable
{
    private readonly FileStream _file;
    private readonly byte[] _header = new byte[StagedRecord.HeaderBytes];

    public RunReader(string path)
    {
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    }

    public StagedRecord Current { get; } = new();

    /// <summary>Reads the next record into <see cref="Current"/>; false at the end of the run.</summary>
    public bool MoveNext()
    {
        var read = _file.ReadAtLeast(_header, _header.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return false;
        }

        if (read < _header.Length)
        {
            throw new InvalidDataException("A staged run ends inside a record.");
        }

        var payload = Current.ReadHeader(_header);
        _file.ReadExactly(Current.PayloadBuffer(payload));
        return true;
    }

    public void Dispose() => _file.Dispose();
}
