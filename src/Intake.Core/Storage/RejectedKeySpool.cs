using Intake.Core.Records;

namespace Intake.Core.Storage;

/// <summary>
/// The keys of a <c>replace</c> load's rejected records (<see cref="RejectedKey"/>), kept until its merge: the
/// first few thousand in memory, the rest in a temporary file, so a file with millions of rejections loads in
/// bounded memory. Keys are read back in the order added; a key may repeat.
/// </summary>
public sealed class RejectedKeySpool(string directory) : IDisposable
{
    private const int KeptInMemory = 4096;
    private readonly List<RejectedKey> _memory = [];
    private FileStream? _file;
    private BinaryWriter? _writer;

    public long Count { get; private set; }

    public void Add(List<RejectedKey> keys)
    {
        foreach (var key in keys)
        {
            _memory.Add(key);
            if (_memory.Count == KeptInMemory)
            {
                Spill();
            }
        }

        Count += keys.Count;
    }

    /// <summary>Every key added, in order. Adding after this starts is not supported.</summary>
    public IEnumerable<RejectedKey> Read()
    {
        if (_file is not null)
        {
            _writer!.Flush();
            _file.Position = 0;
            using var reader = new BinaryReader(_file, System.Text.Encoding.UTF8, leaveOpen: true);
            while (_file.Position < _file.Length)
            {
                var type = reader.ReadString();
                var id = reader.ReadString();
                var interaction = reader.ReadBoolean();
                yield return interaction ? new RejectedKey(type, id, reader.ReadString(), reader.ReadInt64()) : new RejectedKey(type, id, null, null);
            }
        }

        foreach (var key in _memory)
        {
            yield return key;
        }
    }

    private void Spill()
    {
        if (_writer is null)
        {
            Directory.CreateDirectory(directory);
            _file = new FileStream(Path.Combine(directory, $"rejected-keys-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
                FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            _writer = new BinaryWriter(_file, System.Text.Encoding.UTF8, leaveOpen: true);
        }

        foreach (var key in _memory)
        {
            _writer.Write(key.Type);
            _writer.Write(key.Id);
            _writer.Write(key.TargetId is not null);
            if (key.TargetId is not null)
            {
                _writer.Write(key.TargetId);
                _writer.Write(key.Timestamp ?? 0);
            }
        }

        _memory.Clear();
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _file?.Dispose();
    }
}
