using Microsoft.Extensions.Options;

namespace Intake.Core.Storage;

/// <summary>Options of the staged-file directory.</summary>
public sealed class PayloadStoreOptions
{
    /// <summary>Directory of staged files; in a cluster it must be shared by every node.</summary>
    public string Directory { get; set; } = Path.Combine("data", "staged");
}

/// <summary>
/// Stages payloads as files: written to a <c>.partial</c> name, flushed, then renamed, so a payload id
/// always names a complete file. Thread-safe; each writer and reader owns its own file handle.
/// </summary>
public sealed class FileSystemPayloadStore : IPayloadStore
{
    private readonly string _directory;

    public FileSystemPayloadStore(IOptions<PayloadStoreOptions> options)
    {
        _directory = Path.GetFullPath(options.Value.Directory);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The store in <see cref="StorageOptions.StagedDirectory"/>, or <c>staged</c> under the data directory.</summary>
    public static FileSystemPayloadStore For(StorageOptions storage) =>
        new(Options.Create(new PayloadStoreOptions { Directory = storage.StagedDirectory ?? Path.Combine(storage.DataDirectory, "staged") }));

    public Task<IPayloadWriter> CreateAsync(CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var partial = PathOf(id) + ".partial";
        var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        return Task.FromResult<IPayloadWriter>(new Writer(id, partial, PathOf(id), stream));
    }

    public Task<Stream> OpenReadAsync(string payloadId, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(payloadId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16,
            FileOptions.SequentialScan));

    public Task<long> GetLengthAsync(string payloadId, CancellationToken cancellationToken) =>
        Task.FromResult(new FileInfo(PathOf(payloadId)).Length);

    public Task DeleteAsync(string payloadId, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(payloadId));
        return Task.CompletedTask;
    }

    private string PathOf(string payloadId) => PathIn(_directory, payloadId);

    /// <summary>The file of a payload in <paramref name="directory"/>; refuses an id that is not a plain token (no path tricks).</summary>
    public static string PathIn(string directory, string payloadId)
    {
        if (payloadId.Length == 0 || payloadId.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            throw new ArgumentException("A payload id is a plain token.", nameof(payloadId));
        }

        return Path.Combine(directory, payloadId);
    }

    private sealed class Writer(string id, string partialPath, string finalPath, FileStream stream) : IPayloadWriter
    {
        private bool _committed;

        public string PayloadId => id;

        public Stream Stream => stream;

        public async Task<long> CommitAsync(CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
            var length = stream.Length;
            await stream.DisposeAsync();
            File.Move(partialPath, finalPath);
            _committed = true;
            return length;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync();
            if (!_committed)
            {
                File.Delete(partialPath);
            }
        }
    }
}
