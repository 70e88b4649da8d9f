using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Storage.Postgres.Loading;
using Intake.Storage.Relational;
using Npgsql;

namespace Intake.Storage.Postgres;

/// <summary>
/// Applies one load in a single transaction. Records stream by binary COPY while the file is parsed:
/// entities into a temporary staging table (a first load: into a new table that replaces the empty one at the
/// commit), interactions straight into the dataset's table (their rows are invisible to everyone else until the
/// commit). <see cref="MergeAsync"/> then merges set-based (<see cref="EntityMerge"/>,
/// <see cref="InteractionMerge"/>), and <see cref="CommitAsync"/> either commits
/// records, rejections, attribute types, counts and the applied-load marker together, or rolls the dataset's
/// changes back to a savepoint and commits only the rejections and the marker. Disposing before that rolls
/// everything back.
/// </summary>
/// <remarks>
/// The transaction holds the dataset's advisory lock: the scheduler already runs one load per dataset at a
/// time, and the lock keeps that true for a node that lost its lease but has not noticed yet.
/// </remarks>
internal sealed class PostgresRecordSink : IRecordSink
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly LoadRequest _request;
    private readonly int _tables;
    private readonly int _recordTypeId;
    private readonly bool _interactions;
    private readonly BinaryCopyWriter _rows = new();
    private readonly StoredRejections _storedRejections;
    private readonly RejectedKeySpool? _rejectedKeys;
    private Stream? _copy;
    private readonly string? _firstLoad;
    private readonly KeyHashes _hashes = new();
    private long _minTimestamp = long.MaxValue;
    private long _maxTimestamp = long.MinValue;
    private long _read;
    private long _inserted;
    private State _state;

    private PostgresRecordSink(NpgsqlConnection connection, NpgsqlTransaction transaction, LoadRequest request, int tables, int recordTypeId, long version,
        string? firstLoad)
    {
        _firstLoad = firstLoad;
        DatasetVersion = version;
        _connection = connection;
        _transaction = transaction;
        _request = request;
        _tables = tables;
        _recordTypeId = recordTypeId;
        _interactions = request.RecordType.Kind == RecordKind.Interaction;
        _rejectedKeys = request.Mode == WriteMode.Replace ? new RejectedKeySpool(Path.GetTempPath()) : null;
        _storedRejections = new StoredRejections(request.MaxStoredErrors);
    }

    public long Written { get; private set; }

    public long Rejected { get; private set; }

    public long DatasetVersion { get; }

    public long Repeated { get; private set; }

    public PlannedChanges? Planned { get; private set; }

    private string Table => _interactions ? DatasetTables.Interactions(_tables) : DatasetTables.Entities(_tables);

    public static async Task<PostgresRecordSink> OpenAsync(PostgresDataSource dataSource, LoadRequest request, int tables, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenLoadAsync(cancellationToken);
        try
        {
            var recordTypeId = await connection.ScalarAsync<int>(
                "INSERT INTO record_type_names (name) VALUES (@name) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id;",
                cancellationToken, ("name", request.RecordType.Name));
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended(@dataset, 11));", cancellationToken, ("dataset", request.DatasetId));
            var version = await connection.ScalarAsync<long>("SELECT version FROM record_sets WHERE dataset_id = @dataset;", cancellationToken,
                ("dataset", request.DatasetId));
            // Everything the load writes to the dataset comes after this savepoint, so a discarded load can undo it
            // and still commit its rejections and marker in the same transaction (one savepoint, one subtransaction).
            await connection.ExecuteAsync("SAVEPOINT load;", cancellationToken);
            var firstLoad = request.RecordType.Kind == RecordKind.Entity
                ? await EntityMerge.BeginFirstLoadAsync(connection, request, DatasetTables.Entities(tables), cancellationToken)
                : null;
            if (request.RecordType.Kind == RecordKind.Entity && firstLoad is null)
            {
                await connection.ExecuteAsync(
                    """CREATE TEMP TABLE stage (line bigint, type text COLLATE "C", id text COLLATE "C", name text, media_url text, attrs text) ON COMMIT DROP;""",
                    cancellationToken);
            }

            return new PostgresRecordSink(connection, transaction, request, tables, recordTypeId, version, firstLoad);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async ValueTask WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        if (_copy is null)
        {
            _copy = await _connection.BeginRawBinaryCopyAsync(
                _interactions
                    ? $"COPY {Table} (ts, h, line, record_type, batch, type, source_id, target_id, value, attrs) FROM STDIN (FORMAT BINARY)"
                    : _firstLoad is not null ? $"COPY {_firstLoad} ({EntityMerge.FirstLoadColumns}) FROM STDIN (FORMAT BINARY)"
                    : "COPY stage (line, type, id, name, media_url, attrs) FROM STDIN (FORMAT BINARY)",
                cancellationToken);
            _rows.Header();
        }

        Serialize(batch);
        Written += batch.Count;
        _read += batch.RecordsRead;
        Reject(batch.Rejections);
        _rejectedKeys?.Add(batch.RejectedKeys);
        await _rows.FlushAsync(_copy, cancellationToken);
    }

    /// <remarks>Every merge here is revocable: the savepoint is taken when the sink opens, before the COPY.</remarks>
    public async ValueTask<LoadTotals> MergeAsync(bool revocable, CancellationToken cancellationToken)
    {
        if (_state != State.Writing)
        {
            throw new InvalidOperationException($"A load merges once, before its commit; this one is {_state}.");
        }

        await EndCopyAsync(cancellationToken);
        _state = State.Merged;

        // A plan classifies the records before the merge overwrites what they are compared with.
        var plan = _request.Plan ? new PlanQuery(_connection, _request, Table, _recordTypeId, _minTimestamp, _maxTimestamp) : null;
        if (plan is not null && Written > 0)
        {
            await plan.ClassifyAsync(cancellationToken);
        }

        // Until the merge subtracts conflicts, every record sent is counted as written.
        var conflicts = new FirstRejections(0);
        if (Written > 0 && _interactions)
        {
            var merge = new InteractionMerge(_connection, _request, Table, Written, _minTimestamp, _maxTimestamp);
            (_inserted, conflicts) = await merge.RunAsync(_hashes.Repeats(), cancellationToken);
            Repeated = merge.Repeats;
        }
        else if (Written > 0 || _firstLoad is not null)
        {
            // A first load settles its table even when it wrote nothing, since the commit swaps it in.
            var merge = new EntityMerge(_connection, _request, Table, _recordTypeId, _firstLoad);
            (_inserted, conflicts) = await merge.RunAsync(Written, _firstLoad is null ? null : _hashes.Repeats(), cancellationToken);
            Repeated = merge.Repeats;
        }

        Written -= conflicts.Count;
        Rejected += conflicts.Count;
        Keep(conflicts.InLineOrder());
        await StageRejectedKeysAsync(cancellationToken);
        if (plan is not null)
        {
            if (_request.Mode == WriteMode.Replace)
            {
                await plan.CountDeletionsAsync(ReplaceDeletionWhere, cancellationToken);
            }

            Planned = plan.Build();
        }

        return new LoadTotals(_read, Written, Rejected, 0, _request.RecordType.Name);
    }

    public async ValueTask<LoadTotals> CommitAsync(LoadDecision decision, CancellationToken cancellationToken)
    {
        if (_state == State.Committed || (decision.Applies && _state != State.Merged))
        {
            throw new InvalidOperationException($"A load commits once, and is applied only after its merge; this one is {_state}.");
        }

        // Checkpoint: the decision. Discarded, everything the load wrote since the savepoint taken when the sink
        // opened (copied rows, the merge, the time range in record_sets) is undone; only the rejections and the
        // marker below remain to commit.
        var deleted = 0L;
        if (decision.Applies)
        {
            deleted = await ApplyChangesAsync(decision.AttributeChanges, cancellationToken);
        }
        else
        {
            await EndCopyAsync(cancellationToken);
            await _connection.ExecuteAsync("ROLLBACK TO SAVEPOINT load;", cancellationToken);
            Written = 0;
        }

        await StoreRejectionsAsync(cancellationToken);
        var totals = new LoadTotals(_read, Written, Rejected, deleted, _request.RecordType.Name);
        await _connection.ExecuteAsync(
            """
            INSERT INTO applied_loads (import_id, dataset_id, record_type, read, written, rejected, deleted, error_code, error_message, report)
            VALUES (@import, @dataset, @type, @read, @written, @rejected, @deleted, @errorCode, @errorMessage, @report);
            """,
            cancellationToken,
            ("import", _request.ImportId), ("dataset", _request.DatasetId), ("type", totals.RecordType), ("read", totals.Read),
            ("written", totals.Written), ("rejected", totals.Rejected), ("deleted", totals.Deleted),
            ("errorCode", decision.Failure?.Code), ("errorMessage", decision.Failure?.Message), ("report", decision.Report));

        // Checkpoint: the commit below is the single point at which the load (or, discarded, its rejections) becomes visible.
        cancellationToken.ThrowIfCancellationRequested();
        await _transaction.CommitAsync(cancellationToken);
        _state = State.Committed;
        return totals;
    }

    /// <summary>What only an applied load does besides its records: replace-mode deletions, attribute type changes, counts. Returns the deletions.</summary>
    private async Task<long> ApplyChangesAsync(IReadOnlyList<AttributeTypeChange> attributeChanges, CancellationToken cancellationToken)
    {
        var deleted = 0L;
        if (_firstLoad is not null)
        {
            // The table replaced was empty: replace mode has nothing to delete.
            await EntityMerge.SwapAsync(_connection, Table, _firstLoad, cancellationToken);
        }
        else if (_request.Mode == WriteMode.Replace)
        {
            deleted = await _connection.ExecuteAsync($"DELETE FROM {Table} {ReplaceDeletionWhere};", cancellationToken,
                ("type", _recordTypeId), ("batch", _request.BatchSeq));
        }

        await AttributeChanges.ApplyAsync(_connection, _request.DatasetId, _tables, attributeChanges, cancellationToken);
        await _connection.ExecuteAsync(
            $"UPDATE record_sets SET {(_interactions ? "interactions = interactions" : "entities = entities")} + @delta, version = version + 1 WHERE dataset_id = @dataset;",
            cancellationToken, ("delta", _inserted - deleted), ("dataset", _request.DatasetId));
        return deleted;
    }

    /// <summary>The stored records a replace load deletes, with the record type and batch as the parameters @type and @batch.</summary>
    private string ReplaceDeletionWhere =>
        ReplaceDeletion.Where(Table, _request.RecordType.Kind, _rejectedKeys?.Count > 0, "@type", "@batch");

    /// <summary>Copies a replace load's rejected keys into a temporary table that its deletion leaves out (dropped at the commit).</summary>
    private async Task StageRejectedKeysAsync(CancellationToken cancellationToken)
    {
        if (_rejectedKeys is not { Count: > 0 })
        {
            return;
        }

        await _connection.ExecuteAsync(
            $"""CREATE TEMP TABLE {ReplaceDeletion.KeptKeys} (type text COLLATE "C" NOT NULL, id text COLLATE "C" NOT NULL, target_id text COLLATE "C", ts bigint) ON COMMIT DROP;""",
            cancellationToken);
        await using (var import = await _connection.BeginBinaryImportAsync(
            $"COPY {ReplaceDeletion.KeptKeys} (type, id, target_id, ts) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var key in _rejectedKeys.Read())
            {
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(key.Type, cancellationToken);
                await import.WriteAsync(key.Id, cancellationToken);
                if (key.TargetId is { } targetId)
                {
                    await import.WriteAsync(targetId, cancellationToken);
                    await import.WriteAsync(key.Timestamp!.Value, cancellationToken);
                }
                else
                {
                    await import.WriteNullAsync(cancellationToken);
                    await import.WriteNullAsync(cancellationToken);
                }
            }

            await import.CompleteAsync(cancellationToken);
        }

        await _connection.ExecuteAsync($"ANALYZE {ReplaceDeletion.KeptKeys};", cancellationToken);
    }

    /// <summary>Ends the load's COPY, if one is open, so the connection can run statements again.</summary>
    private async Task EndCopyAsync(CancellationToken cancellationToken)
    {
        if (_copy is not null)
        {
            _rows.Trailer();
            await _rows.FlushAsync(_copy, cancellationToken);
            await _copy.DisposeAsync();
            _copy = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_copy is not null && _state != State.Committed)
            {
                // Ending the COPY with an error is how the protocol abandons it; the rollback below then discards everything.
                await ((NpgsqlRawCopyStream)_copy).CancelAsync();
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or IOException or InvalidOperationException)
        {
            // The connection is closed below either way.
        }

        if (_state != State.Committed)
        {
            try
            {
                await _transaction.RollbackAsync(CancellationToken.None);
            }
            catch (Exception exception) when (exception is NpgsqlException or IOException or InvalidOperationException)
            {
                // A broken connection has no transaction left to roll back.
            }
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
        _hashes.Dispose();
        _rejectedKeys?.Dispose();
    }

    /// <summary>Appends the batch's rows to the COPY buffer (one batch at a time, so the buffer stays a few MiB).</summary>
    private void Serialize(RecordBatch batch)
    {
        foreach (ref readonly var slot in batch.Slots)
        {
            if (_interactions)
            {
                _rows.StartRow(10);
                _rows.Int64(slot.Timestamp);
                _rows.Int64(unchecked((long)slot.KeyHash));
                _rows.Int32(checked((int)slot.Line));
                _rows.Int32(_recordTypeId);
                _rows.Int64(_request.BatchSeq);
                _rows.Text(batch.Text(slot.Type));
                _rows.Text(batch.Text(slot.Id));
                _rows.Text(batch.Text(slot.TargetId));
                if (slot.HasValue)
                {
                    _rows.Double(slot.Value);
                }
                else
                {
                    _rows.Null();
                }

                Optional(batch, slot.Attributes);
                _hashes.Add(slot.KeyHash);
                _minTimestamp = Math.Min(_minTimestamp, slot.Timestamp);
                _maxTimestamp = Math.Max(_maxTimestamp, slot.Timestamp);
            }
            else
            {
                _rows.StartRow(_firstLoad is null ? (short)6 : (short)9);
                _rows.Int64(slot.Line);
                if (_firstLoad is not null)
                {
                    _rows.Int64(unchecked((long)slot.KeyHash));
                    _hashes.Add(slot.KeyHash);
                }

                _rows.Text(batch.Text(slot.Type));
                _rows.Text(batch.Text(slot.Id));
                Optional(batch, slot.Name);
                Optional(batch, slot.MediaUrl);
                Optional(batch, slot.Attributes);
                if (_firstLoad is not null)
                {
                    _rows.Int32(_recordTypeId);
                    _rows.Int64(_request.BatchSeq);
                }
            }
        }

    }

    private void Optional(RecordBatch batch, Utf8Slice slice)
    {
        if (slice.IsNull)
        {
            _rows.Null();
        }
        else
        {
            _rows.Text(batch.Text(slice));
        }
    }

    /// <summary>Counts every rejection and keeps the first <see cref="LoadRequest.MaxStoredErrors"/>, stored at the commit.</summary>
    private void Reject(List<RecordRejection> rejections)
    {
        Rejected += rejections.Count;
        Keep(rejections);
    }

    private void Keep(List<RecordRejection> rejections) => _storedRejections.AddRange(rejections);

    private async Task StoreRejectionsAsync(CancellationToken cancellationToken)
    {
        if (_storedRejections.Kept.Count == 0)
        {
            return;
        }

        await using var import = await _connection.BeginBinaryImportAsync(
            "COPY load_errors (dataset_id, import_id, seq, line, error_id, code, message, field) FROM STDIN (FORMAT BINARY)", cancellationToken);
        var seq = 0;
        foreach (var rejection in _storedRejections.Kept)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(_request.DatasetId, cancellationToken);
            await import.WriteAsync(_request.ImportId, cancellationToken);
            await import.WriteAsync(++seq, cancellationToken);
            await import.WriteAsync(rejection.Line, cancellationToken);
            await import.WriteAsync(rejection.ErrorId, cancellationToken);
            await import.WriteAsync(rejection.Code, cancellationToken);
            await import.WriteAsync(rejection.Message, cancellationToken);
            if (rejection.Field is null)
            {
                await import.WriteNullAsync(cancellationToken);
            }
            else
            {
                await import.WriteAsync(rejection.Field, cancellationToken);
            }
        }

        await import.CompleteAsync(cancellationToken);
    }

    private enum State
    {
        Writing,
        Merged,
        Committed,
    }
}
