using System.Buffers;

namespace Intake.Storage.Postgres;

/// <summary>
/// Staged files in PostgreSQL with a local copy on the node that received them. The database holds the file
/// every node can read; the local copy lets this node, which usually loads what it received, read it from its
/// own disk instead of pulling it back through the database while the load's COPY needs the server's CPU.
/// </summary>
/// <remarks>
/// The local copy is only a cache: written without a sync, used only once the database copy is committed,
/// removed with the payload, and swept after a day whatever happened to the payload on other nodes.
/// </remarks>
public sealed class CachedPayloadStore : Core.Storage.IPayloadStore
{
    private static readonly TimeSpan s_cacheLifetime = TimeSpan.FromDays(1);
    private readonly Core.Storage.IPayloadStore _database;
    private readonly string _directory;
    private readonly TimeProvider _time;
    private long _nextSweepTicks;

    public CachedPayloadStore(Core.Storage.IPayloadStore database, string directory, TimeProvider time)
    {
        _database = database;
        _directory = Path.GetFullPath(directory);
        _time = time;
        Directory.CreateDirectory(_directory);
    }

    public async Task<Core.Storage.IPayloadWriter> CreateAsync(CancellationToken cancellationToken)
    {
        SweepDaily();
        var writer = await _database.CreateAsync(cancellationToken);
        var partial = CachePath(writer.PayloadId) + ".partial";
        var local = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        return new Writer(writer, local, partial, CachePath(writer.PayloadId));
    }

    public async Task<Stream> OpenReadAsync(string payloadId, CancellationToken cancellationToken)
    {
        try
        {
            return new FileStream(CachePath(payloadId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return await _database.OpenReadAsync(payloadId, cancellationToken);
        }
    }

    public Task<long> GetLengthAsync(string payloadId, CancellationToken cancellationToken) => _database.GetLengthAsync(payloadId, cancellationToken);

    public async Task DeleteAsync(string payloadId, CancellationToken cancellationToken)
    {
        File.Delete(CachePath(payloadId));
        await _database.DeleteAsync(payloadId, cancellationToken);
    }

    private string CachePath(string payloadId) => Core.Storage.FileSystemPayloadStore.PathIn(_directory, payloadId);

    private void SweepDaily()
    {
        var now = _time.GetUtcNow();
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + TimeSpan.FromHours(1)).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var file in new DirectoryInfo(_directory).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc < (now - s_cacheLifetime).UtcDateTime)
            {
                file.Delete();
            }
        }
    }

    /// <summary>Writes both copies as the bytes arrive; the local one is kept only if the database one commits.</summary>
    private sealed class Writer(Core.Storage.IPayloadWriter database, FileStream local, string partialPath, string finalPath) : Core.Storage.IPayloadWriter
    {
        private readonly TeeStream _stream = new(database.Stream, local);
        private bool _committed;

        public string PayloadId => database.PayloadId;

        public Stream Stream => _stream;

        public async Task<long> CommitAsync(CancellationToken cancellationToken)
        {
            await _stream.FlushAsync(cancellationToken);
            await local.FlushAsync(cancellationToken);
            await local.DisposeAsync();
            var length = await database.CommitAsync(cancellationToken);
            File.Move(partialPath, finalPath, overwrite: true);
            _committed = true;
            return length;
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            await local.DisposeAsync();
            await database.DisposeAsync();
            if (!_committed)
            {
                File.Delete(partialPath);
            }
        }
    }

    /// <summary>
    /// Writes each buffer to the local copy at once and to the database copy in the background, one buffer behind:
    /// compressing and sending a buffer (ADR 4) overlaps receiving the next, on the node's other core.
    /// </summary>
    private sealed class TeeStream(Stream database, Stream local) : Stream
    {
        private byte[] _sending = [];
        private Task _pending = Task.CompletedTask;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _pending;
            if (_sending.Length < buffer.Length)
            {
                ReturnBuffer();
                _sending = ArrayPool<byte>.Shared.Rent(buffer.Length);
            }

            buffer.CopyTo(_sending);
            var copy = _sending.AsMemory(0, buffer.Length);
            _pending = Task.Run(() => database.WriteAsync(copy, cancellationToken).AsTask(), cancellationToken);
            await local.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        /// <summary>Waits until the database copy has been given every buffer written.</summary>
        public override async Task FlushAsync(CancellationToken cancellationToken) => await _pending;

        public override void Flush() => _pending.GetAwaiter().GetResult();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            try
            {
                await _pending;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The write that failed was already reported, or the writer is being abandoned.
            }

            ReturnBuffer();
            await base.DisposeAsync();
        }

        private void ReturnBuffer()
        {
            if (_sending.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_sending);
                _sending = [];
            }
        }
    }
}
