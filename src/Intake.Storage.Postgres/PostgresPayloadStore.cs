using System.Data;
using Intake.Core.Storage;
using Npgsql;
using NpgsqlTypes;
using static Intake.Storage.Postgres.PostgresSql;
using static Intake.Storage.Relational.ControlRows;

namespace Intake.Storage.Postgres;

/// <summary>
/// Stages files in PostgreSQL as chunks of just under a page, so every node of a cluster reads any staged file
/// with nothing shared but the database. A writer streams its chunks by binary COPY inside one transaction; the payload
/// exists once that commits, and a writer disposed before that leaves nothing. Thread-safe.
/// </summary>
public sealed class PostgresPayloadStore(PostgresDataSource dataSource, TimeProvider time) : IPayloadStore
{
    // A chunk this size fits a heap page with its row even uncompressed, so it is never moved to the TOAST table
    // (the column's storage is MAIN): no TOAST index, and text compressed by lz4 packs several chunks per page.
    // Measured on a 191 MB CSV: 1.0 s to stage as 1 MiB TOASTed chunks, 0.74 s this way.
    private const int ChunkBytes = 8000;

    public async Task<IPayloadWriter> CreateAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var importer = await connection.BeginBinaryImportAsync("COPY payload_chunks (payload_id, seq, data) FROM STDIN (FORMAT BINARY)", cancellationToken);
            return new Writer(Guid.CreateVersion7().ToString("N"), connection, transaction, importer, time);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<Stream> OpenReadAsync(string payloadId, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenAsync(cancellationToken);
        try
        {
            if (await connection.ScalarAsync<string>("SELECT id FROM payloads WHERE id = @id;", cancellationToken, ("id", payloadId)) is null)
            {
                throw new FileNotFoundException($"Staged file '{payloadId}' does not exist.");
            }

            return new ChunkReader(connection, payloadId);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<long> GetLengthAsync(string payloadId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        return await connection.ScalarAsync<long?>("SELECT length FROM payloads WHERE id = @id;", cancellationToken, ("id", payloadId))
            ?? throw new FileNotFoundException($"Staged file '{payloadId}' does not exist.");
    }

    public async Task DeleteAsync(string payloadId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenAsync(cancellationToken);
        await connection.ExecuteAsync("DELETE FROM payload_chunks WHERE payload_id = @id; DELETE FROM payloads WHERE id = @id;", cancellationToken,
            ("id", payloadId));
    }

    private sealed class Writer : IPayloadWriter
    {
        private readonly NpgsqlConnection _connection;
        private readonly NpgsqlTransaction _transaction;
        private readonly NpgsqlBinaryImporter _importer;
        private readonly TimeProvider _time;
        private readonly ChunkWriter _stream;
        private bool _committed;

        public Writer(string id, NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlBinaryImporter importer, TimeProvider time)
        {
            PayloadId = id;
            _connection = connection;
            _transaction = transaction;
            _importer = importer;
            _time = time;
            _stream = new ChunkWriter(id, importer);
        }

        public string PayloadId { get; }

        public Stream Stream => _stream;

        public async Task<long> CommitAsync(CancellationToken cancellationToken)
        {
            await _stream.FlushAsync(cancellationToken);
            await _importer.CompleteAsync(cancellationToken);
            await _importer.DisposeAsync();
            await _connection.ExecuteAsync("INSERT INTO payloads (id, length, created_at) VALUES (@id, @length, @now);", cancellationToken,
                ("id", PayloadId), ("length", _stream.Length), ("now", ToEpoch(_time.GetUtcNow())));
            await _transaction.CommitAsync(cancellationToken);
            _committed = true;
            return _stream.Length;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                try
                {
                    // Disposing an importer that was not completed cancels the COPY.
                    await _importer.DisposeAsync();
                    await _transaction.RollbackAsync(CancellationToken.None);
                }
                catch (Exception exception) when (exception is NpgsqlException or IOException or InvalidOperationException)
                {
                    // The connection is broken; nothing it wrote was committed.
                }
            }

            await _connection.DisposeAsync();
        }
    }

    /// <summary>Cuts what is written into chunks, each sent as one COPY row as soon as it is full.</summary>
    private sealed class ChunkWriter(string payloadId, NpgsqlBinaryImporter importer) : Stream
    {
        private readonly byte[] _chunk = new byte[ChunkBytes];
        private int _used;
        private int _seq;
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (buffer.Length > 0)
            {
                var take = Math.Min(buffer.Length, ChunkBytes - _used);
                buffer[..take].CopyTo(_chunk.AsMemory(_used));
                _used += take;
                _length += take;
                buffer = buffer[take..];
                if (_used == ChunkBytes)
                {
                    await SendAsync(cancellationToken);
                }
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        /// <summary>Sends the last, partial chunk; called once, at commit.</summary>
        public override async Task FlushAsync(CancellationToken cancellationToken)
        {
            if (_used > 0)
            {
                await SendAsync(cancellationToken);
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private async Task SendAsync(CancellationToken cancellationToken)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(payloadId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(_seq++, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(new ArraySegment<byte>(_chunk, 0, _used), NpgsqlDbType.Bytea, cancellationToken);
            _used = 0;
        }
    }

    /// <summary>Reads the chunks back in order from one streaming query, straight into the caller's buffer, holding its connection until disposed.</summary>
    /// <summary>
    /// Reads a payload's chunks in windows of <see cref="WindowChunks"/>, one query each. A reader closed before its
    /// result ends makes Npgsql read the rest of it, so one query over the whole file made a canceled load wait
    /// for the rest of the file to stream (seconds for a 191 MB file on another node); a window bounds that to 1 MB.
    /// </summary>
    private sealed class ChunkReader(NpgsqlConnection connection, string payloadId) : Stream
    {
        private const int WindowChunks = 128;

        private NpgsqlCommand? _command;
        private NpgsqlDataReader? _reader;
        private Stream? _chunk;
        private int _nextSeq;
        private int _windowRows;
        private long _position;
        private bool _done;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!_done && buffer.Length > 0)
            {
                if (_chunk is not null)
                {
                    var read = await _chunk.ReadAsync(buffer, cancellationToken);
                    if (read > 0)
                    {
                        _position += read;
                        return read;
                    }

                    await _chunk.DisposeAsync();
                    _chunk = null;
                }

                if (_reader is null)
                {
                    _command = (NpgsqlCommand)connection.Command(
                        "SELECT data FROM payload_chunks WHERE payload_id = @id AND seq >= @from ORDER BY seq LIMIT @window;",
                        ("id", payloadId), ("from", _nextSeq), ("window", WindowChunks));
                    _reader = await _command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
                    _windowRows = 0;
                }

                if (await _reader.ReadAsync(cancellationToken))
                {
                    _windowRows++;
                    _nextSeq++;
                    _chunk = await _reader.GetStreamAsync(0, cancellationToken);
                    continue;
                }

                _done = _windowRows < WindowChunks;
                await CloseWindowAsync();
            }

            return 0;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override async ValueTask DisposeAsync()
        {
            if (_chunk is not null)
            {
                await _chunk.DisposeAsync();
            }

            await CloseWindowAsync();
            await connection.DisposeAsync();
            await base.DisposeAsync();
        }

        private async Task CloseWindowAsync()
        {
            if (_reader is not null)
            {
                await _reader.DisposeAsync();
                _reader = null;
            }

            if (_command is not null)
            {
                await _command.DisposeAsync();
                _command = null;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _chunk?.Dispose();
                _reader?.Dispose();
                _command?.Dispose();
                connection.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
