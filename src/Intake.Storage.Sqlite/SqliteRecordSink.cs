using System.Runtime.InteropServices;
using System.Threading.Channels;
using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Storage.Relational;
using Intake.Storage.Sqlite.Loading;
using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite;

/// <summary>
/// Applies one load to a dataset database inside a single transaction opened with the sink, so the load's
/// records, rejections, attribute types and applied-load marker become visible together at
/// <see cref="CommitAsync"/>, and disposing before that rolls everything back. A discarded load rolls its
/// merge back to a savepoint and commits only its rejections and marker.
/// </summary>
/// <remarks>
/// While the file is parsed, batches are staged as sorted runs on disk (bounded memory). The merge writes
/// them in index order (timestamp then key hash for interactions, key hash for entities) beside the keys the
/// dataset already had (<see cref="ExistingKeys"/>): new keys are inserted many rows per statement, in index
/// order; only keys whose hash exists already, or repeats within the file, take the per-row
/// probe-then-insert-or-update path.
/// Interactions usually arrive in time order, and then each batch, once sorted, comes after everything before
/// it: such batches are written as they arrive, with the same classification, instead of waiting for the
/// merge, so SQLite writes while the file is still parsed (ADR 2). The first batch that breaks the order, and
/// every batch after it, is staged as a run and merged at the end beside the keys already written
/// (<see cref="StreamedKeys"/>). Entities come in no key order, but into a dataset that holds none every key is
/// new unless the load wrote it already (<see cref="KeyHashSet"/>), so their batches are written as they arrive
/// too, while the key index fits the page cache. Writing early puts records in the transaction before the load is decided, so
/// it runs under the savepoint a revocable merge takes, and the rejections are kept to be stored at the commit.
/// While entities are written early their key index is dropped (under that savepoint) and built again, in one sorted
/// pass, when the early writing ends: new keys then cost an append each instead of an insert at a random place in
/// the index. A key that repeats one written early overwrites that key's row, found by the rowid kept with its hash; only
/// a key that shares another's hash (or any repeat, in insert mode) is staged as a run and merged after the index is back.
/// Runs on its own mutex-free connection; one caller at a time.
/// </remarks>
internal sealed class SqliteRecordSink : IRecordSink
{
    private readonly NativeConnection _connection;
    private readonly string _path;
    private readonly LoadRequest _request;
    private readonly RecordColumns _columns;
    private readonly RunWriter _runs;
    private readonly NativeStatement _insertError;
    private readonly bool _timeFirst;
    private readonly StoredRejections _readRejections;
    private readonly FirstRejections _conflicts;
    private readonly RejectedKeySpool? _rejectedKeys;
    private long _read;
    private long _inserted;
    private long _storedErrors;
    private PlanClassifier? _plan;
    private State _state;
    private bool _savepoint;
    private bool _appending;
    private Writers? _writers;
    private StreamedKeys? _streamed;
    private ExistingKeys? _existingForAppends;
    private KeyHashSet? _entitiesWrittenEarly;

    /// <summary>The keys a first entity load wrote early, kept for the merge of what it staged after them.</summary>
    private KeyHashSet? _entityKeysWrittenEarly;
    private readonly List<RunWriter.SortKey> _repeatsOfEarlyKeys = [];
    private string? _entityKeyIndexSql;
    private const string EntityKeyIndex = "entities_key";
    private readonly int _maxEntitiesWrittenEarly;
    private Action? _committed;

    private SqliteRecordSink(NativeConnection connection, string path, LoadRequest request, long recordTypeId, string stagingDirectory,
        bool noEntitiesStored, int cacheMegabytes)
    {
        _connection = connection;
        _path = path;
        _request = request;
        _columns = new RecordColumns(request.RecordType.Kind, recordTypeId, request.BatchSeq);
        _timeFirst = request.RecordType.Kind == RecordKind.Interaction;
        _runs = new RunWriter(stagingDirectory, _timeFirst);
        _rejectedKeys = request.Mode == WriteMode.Replace ? new RejectedKeySpool(stagingDirectory) : null;
        _conflicts = new FirstRejections(request.MaxStoredErrors);
        _readRejections = new StoredRejections(request.MaxStoredErrors);

        // A plan probes every stored key it touches and is classified by the merge, so it is never written early.
        // Entities are written early only into a dataset that holds none, so the keys this load wrote are all the
        // keys there are, and only up to 32 keys per KiB of the load's page cache: the set of their hashes is held in
        // memory with the rows they were written to (24 bytes a key), and the key index is built from all of them when the
        // early writing ends.
        _appending = !request.Plan && (_timeFirst || noEntitiesStored);
        _maxEntitiesWrittenEarly = cacheMegabytes * (1024 * 1024 / 32);
        _insertError = connection.Prepare(
            "INSERT INTO errors (import_id, seq, line, error_id, code, message, field) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    }

    public long Written { get; private set; }

    public long Rejected { get; private set; }

    public long DatasetVersion { get; private init; }

    public long Repeated { get; private set; }

    public PlannedChanges? Planned { get; private set; }

    /// <summary>Opens the load's connection and transaction; the sink owns (and closes) the connection.</summary>
    public static SqliteRecordSink Open(string path, string stagingDirectory, LoadRequest request, int cacheMegabytes, Action committed)
    {
        var connection = NativeConnection.Open(path);
        try
        {
            // No checkpoint at commit: copying the load's WAL into the database (and syncing it) is left to
            // a background checkpoint, so the load is done when its commit is durable in the WAL.
            // temp_store = FILE: the undo copy a revocable merge's savepoint keeps of every page it changes (the
            // sub-journal) spills to a temporary file past 64 KiB instead of growing in memory with the merge.
            connection.Execute($"PRAGMA synchronous = NORMAL; PRAGMA cache_size = -{cacheMegabytes * 1024}; PRAGMA temp_store = FILE; PRAGMA wal_autocheckpoint = 0");

            // The load holds its dataset's write lock from here to the commit; loads of one dataset are
            // serialized by the scheduler anyway, and readers keep their WAL snapshot meanwhile.
            connection.Execute("BEGIN IMMEDIATE");

            // Rejections of an earlier attempt exist only if it committed, and then the applied-load marker
            // short-circuits the redo before a sink is opened; this clears nothing in practice.
            using (var clear = connection.Prepare("DELETE FROM errors WHERE import_id = ?1"))
            {
                clear.Bind(1, request.ImportId);
                clear.Execute();
            }

            using var recordType = connection.Prepare(
                "INSERT INTO record_types (name) VALUES (?1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id");
            recordType.Bind(1, request.RecordType.Name);
            using var version = connection.Prepare("SELECT n FROM data_version");
            var recordTypeId = recordType.ExecuteScalar();
            using var noEntities = connection.Prepare("SELECT NOT EXISTS (SELECT 1 FROM entities)");
            var noEntitiesStored = request.RecordType.Kind == RecordKind.Entity && noEntities.ExecuteScalar() == 1;
            return new SqliteRecordSink(connection, path, request, recordTypeId, stagingDirectory, noEntitiesStored, cacheMegabytes)
            {
                _committed = committed, DatasetVersion = version.ExecuteScalar(),
            };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public ValueTask WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _read += batch.RecordsRead;
        Rejected += batch.Rejections.Count;
        _readRejections.AddRange(batch.Rejections);
        _rejectedKeys?.Add(batch.RejectedKeys);
        var order = _runs.Sort(batch);
        if (order.Length == 0)
        {
            return ValueTask.CompletedTask;
        }

        if (_appending && _timeFirst && (_streamed is null || _streamed.Precedes((order[0].Timestamp, order[0].Hash))))
        {
            Append(batch, order);
        }
        else if (_appending && !_timeFirst && (_entitiesWrittenEarly?.Count ?? 0) + order.Length <= _maxEntitiesWrittenEarly)
        {
            AppendEntities(batch, order);
        }
        else
        {
            StopAppending(moreToStage: true);
            _runs.Write(batch, order);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes an entity batch into a dataset that held no entities, without its key index (dropped at the first batch):
    /// a key is new unless this load wrote it already. A record whose key hash was written already is a repeat in the file,
    /// written over its key's row (<see cref="OverwriteEarlyRows"/>), or, rarely, another key with the same hash, staged as a
    /// run and merged after the index is built again as any staged record is, after every record written early (which all
    /// come before it in the file).
    /// </summary>
    private void AppendEntities(RecordBatch batch, ReadOnlySpan<RunWriter.SortKey> order)
    {
        if (_entitiesWrittenEarly is null)
        {
            _connection.Execute("SAVEPOINT merge");
            _savepoint = true;

            // Rebuilt from its own definition, whatever the migrations made it; the savepoint's undo brings it back.
            using (var definition = _connection.Prepare("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1"))
            {
                definition.Bind(1, EntityKeyIndex);
                _entityKeyIndexSql = (definition.Step() ? definition.Text(0) : null)
                    ?? throw new InvalidOperationException($"The dataset has no index {EntityKeyIndex}.");
                definition.Reset();
            }

            _connection.Execute($"DROP INDEX {EntityKeyIndex}");
            _entitiesWrittenEarly = new KeyHashSet();
        }

        var writers = _writers ??= new Writers(_connection, _columns);
        var slots = batch.Slots;
        _repeatsOfEarlyKeys.Clear();
        foreach (var key in order)
        {
            // The table held no entity, so this load's rows take the rowids 1, 2, 3… in the order it inserts them.
            if (_entitiesWrittenEarly.Add(key.Hash, checked((int)_inserted + 1)))
            {
                writers.Inserter.Add(batch, slots[key.Index]);
                _inserted++;
                Written++;
            }
            else
            {
                _repeatsOfEarlyKeys.Add(key);
            }
        }

        if (_repeatsOfEarlyKeys.Count > 0 && _request.Mode != WriteMode.Insert)
        {
            OverwriteEarlyRows(batch, writers);
        }

        // In key order, as the batch's: the merge reads each run in order.
        _runs.Write(batch, CollectionsMarshal.AsSpan(_repeatsOfEarlyKeys));
    }

    /// <summary>
    /// Writes the batch's repeats of keys written early over the rows those keys were written to, found by rowid, in key
    /// order and, for one key, in file order (the last one wins), and leaves in <see cref="_repeatsOfEarlyKeys"/> only the
    /// records whose row holds another key of the same hash, to be merged once the key index is back. A repeat used to
    /// be staged and merged after the index was built, with a probe of the index and an update each: 5,000 repeats
    /// took 0.1 s of the commit. Insert mode refuses repeats instead, which the merge does.
    /// </summary>
    private void OverwriteEarlyRows(RecordBatch batch, Writers writers)
    {
        // The rows still pending in the inserter must exist before an update can find them.
        writers.Inserter.Flush();
        if (_connection.LastInsertRowId != _inserted)
        {
            // Not the rowids counted (SQLite documents 1 for the first row of an empty table, then the largest plus one):
            // every repeat is staged and merged through the key index, as before there were rows to find.
            return;
        }

        var slots = batch.Slots;
        var update = writers.UpdateRow;
        var kept = 0;
        for (var i = 0; i < _repeatsOfEarlyKeys.Count; i++)
        {
            var key = _repeatsOfEarlyKeys[i];
            _entitiesWrittenEarly!.TryGetRow(key.Hash, out var row);
            writers.Scratch.Load(batch, slots[key.Index]);
            _columns.Bind(update, 0, writers.Scratch);
            update.Bind(_columns.Count + 1, row);
            if (update.Execute() == 1)
            {
                Written++;
                Repeated++;
            }
            else
            {
                _repeatsOfEarlyKeys[kept++] = key;
            }
        }

        _repeatsOfEarlyKeys.RemoveRange(kept, _repeatsOfEarlyKeys.Count - kept);
    }

    /// <summary>
    /// Ends writing batches as they arrive: this batch and the rest are staged as runs. For entities, the key index is
    /// built again, and, if anything is or will be staged, the set of the keys written so far is kept for the merge,
    /// which asks it whether a staged record repeats one of them. (They used to be sorted into a file and walked
    /// beside the merge, as the interactions' keys are: 0.07 s for 495,000 keys, and a walk of all of them for the
    /// few thousand repeats a file usually stages.)
    /// </summary>
    private void StopAppending(bool moreToStage)
    {
        _appending = false;
        if (_entitiesWrittenEarly is { } keys)
        {
            _entitiesWrittenEarly = null;
            _connection.Execute(_entityKeyIndexSql!);
            if (!moreToStage && _runs.Runs.Count == 0)
            {
                return;
            }

            _entityKeysWrittenEarly = keys;
        }
    }

    /// <summary>Writes a batch that sorts after everything written before it, classified as the merge would.</summary>
    private void Append(RecordBatch batch, ReadOnlySpan<RunWriter.SortKey> order)
    {
        if (_streamed is null)
        {
            _connection.Execute("SAVEPOINT merge");
            _savepoint = true;
            _streamed = new StreamedKeys(Path.Combine(_runs.StagingDirectory, "appended-keys"));
            _existingForAppends = new ExistingKeys(_path, _columns.Table, _timeFirst, order[0].Timestamp, long.MaxValue);
        }

        var writers = _writers ??= new Writers(_connection, _columns);
        var slots = batch.Slots;
        foreach (var key in order)
        {
            var repeated = _streamed.Count > 0 && _streamed.Last == (key.Timestamp, key.Hash);
            if (repeated)
            {
                Repeated++;
            }
            else
            {
                _streamed.Add(key.Timestamp, key.Hash);
            }

            ref var slot = ref slots[key.Index];
            if (repeated || _existingForAppends!.Contains(key.Timestamp, RecordColumns.Stored(key.Hash)))
            {
                writers.Scratch.Load(batch, slot);
                WriteOne(writers.Scratch, mayExist: true, writers, _conflicts);
            }
            else
            {
                writers.Inserter.Add(batch, slot);
                _inserted++;
                Written++;
            }
        }
    }

    public async ValueTask<LoadTotals> MergeAsync(bool revocable, CancellationToken cancellationToken)
    {
        if (_state != State.Writing)
        {
            throw new InvalidOperationException($"A load merges once, before its commit; this one is {_state}.");
        }

        // The merge is the first write to the dataset's records. A revocable one runs under a savepoint, so the
        // decision can still undo it while the rejections stored before it stay. Only then, because keeping the
        // undo copies every page the merge changes into the sub-journal once. (The savepoint once made the per-row
        // path 20 times slower: each statement's own journal was truncated by walking the in-memory sub-journal
        // from its start, quadratic in the merge; the merge's statements are OR FAIL now and keep no statement
        // journal. See ADR 2.) A load that wrote batches while its file was read holds the savepoint already.
        StopReadingStoredKeys();
        if (_entitiesWrittenEarly is not null)
        {
            StopAppending(moreToStage: false);
        }

        if (revocable && !_savepoint)
        {
            _connection.Execute("SAVEPOINT merge");
            _savepoint = true;
        }

        _state = State.Merged;
        using var plan = _plan = _request.Plan ? new PlanClassifier(_connection, _request.RecordType.Kind, _columns, _request.RecordType.Name, _request.BatchSeq) : null;
        await MergeStagedRecordsAsync(cancellationToken);
        StageRejectedKeys();
        if (plan is not null)
        {
            if (_request.Mode == WriteMode.Replace)
            {
                plan.CountDeletions(_connection, ReplaceDeletionWhere);
            }

            Planned = plan.Build();
        }

        return new LoadTotals(_read, Written, Rejected, 0, _request.RecordType.Name);
    }

    public ValueTask<LoadTotals> CommitAsync(LoadDecision decision, CancellationToken cancellationToken)
    {
        if (_state == State.Committed || (decision.Applies && _state != State.Merged))
        {
            throw new InvalidOperationException($"A load commits once, and is applied only after its merge; this one is {_state}.");
        }

        if (!decision.Applies && !_savepoint && Written > 0)
        {
            throw new InvalidOperationException("A merge that was not revocable wrote records; it can only be applied or abandoned.");
        }

        StopReadingStoredKeys();

        // Checkpoint: the decision. Applied, the writes stay; discarded, they are undone (a load that wrote nothing
        // before it stopped, or whose merge wrote nothing, has no record to undo), and only the rejections and the
        // marker below remain to commit.
        if (_savepoint)
        {
            _connection.Execute(decision.Applies ? "RELEASE merge" : "ROLLBACK TO merge; RELEASE merge");
            _savepoint = false;
        }

        if (!decision.Applies)
        {
            _inserted = 0;
            Written = 0;
        }

        StoreRejections(_readRejections.Kept);
        StoreRejections(_conflicts.InLineOrder());
        var deleted = decision.Applies ? ApplyChanges(decision.AttributeChanges) : 0L;
        var totals = new LoadTotals(_read, Written, Rejected, deleted, _request.RecordType.Name);
        using (var marker = _connection.Prepare(
            "INSERT INTO applied_loads (import_id, record_type, read, written, rejected, deleted, error_code, error_message, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"))
        {
            marker.Bind(1, _request.ImportId);
            marker.Bind(2, totals.RecordType);
            marker.Bind(3, totals.Read);
            marker.Bind(4, totals.Written);
            marker.Bind(5, totals.Rejected);
            marker.Bind(6, totals.Deleted);
            marker.Bind(7, decision.Failure?.Code);
            marker.Bind(8, decision.Failure?.Message);
            marker.Bind(9, decision.Report);
            marker.Execute();
        }

        // Checkpoint: the commit below is the single point at which the load (or, discarded, its rejections) becomes visible.
        cancellationToken.ThrowIfCancellationRequested();
        _connection.Execute("COMMIT");
        _state = State.Committed;
        _committed?.Invoke();
        return ValueTask.FromResult(totals);
    }

    /// <summary>
    /// Ends the read transaction that gave the stored keys to the batches written early. It holds the dataset as it was
    /// before the load, so while it lasts no checkpoint can copy the load's pages into the database: ended only after the
    /// commit, it raced the checkpoint the commit starts, the WAL was never restarted, and ten 1M-row loads left a
    /// 1.2 GB WAL behind.
    /// </summary>
    private void StopReadingStoredKeys()
    {
        _existingForAppends?.Dispose();
        _existingForAppends = null;
    }

    /// <summary>What only an applied load does besides its records: replace-mode deletions, attribute type changes, counts. Returns the deletions.</summary>
    private long ApplyChanges(IReadOnlyList<AttributeTypeChange> attributeChanges)
    {
        var deleted = 0L;
        if (_request.Mode == WriteMode.Replace)
        {
            using (var delete = _connection.Prepare($"DELETE FROM {_columns.Table} {ReplaceDeletionWhere}"))
            {
                delete.Bind(1, _columns.RecordTypeId);
                delete.Bind(2, _request.BatchSeq);
                deleted = delete.Execute();
            }

            if (_rejectedKeys?.Count > 0)
            {
                _connection.Execute($"DROP TABLE temp.{ReplaceDeletion.KeptKeys}");
            }
        }

        AttributeChanges.Apply(_connection, attributeChanges);

        using var counts = _connection.Prepare("UPDATE counts SET n = n + ?1 WHERE kind = ?2");
        counts.Bind(1, _inserted - deleted);
        counts.Bind(2, _request.RecordType.Kind.ToWire());
        counts.Execute();
        _connection.Execute("UPDATE data_version SET n = n + 1");
        return deleted;
    }

    /// <summary>The stored records a replace load deletes, with the record type and batch as parameters 1 and 2.</summary>
    private string ReplaceDeletionWhere =>
        ReplaceDeletion.Where(_columns.Table, _request.RecordType.Kind, _rejectedKeys?.Count > 0, "?1", "?2");

    /// <summary>
    /// Copies a replace load's rejected keys into a temporary table (on disk: temp_store = FILE) that its deletion leaves
    /// out; dropped by the commit that uses it, or with the transaction.
    /// </summary>
    private void StageRejectedKeys()
    {
        if (_rejectedKeys is not { Count: > 0 })
        {
            return;
        }

        _connection.Execute($"CREATE TEMP TABLE {ReplaceDeletion.KeptKeys} (type TEXT NOT NULL, id TEXT NOT NULL, target_id TEXT, ts INTEGER)");
        using (var insert = _connection.Prepare($"INSERT INTO temp.{ReplaceDeletion.KeptKeys} (type, id, target_id, ts) VALUES (?1, ?2, ?3, ?4)"))
        {
            foreach (var key in _rejectedKeys.Read())
            {
                insert.Bind(1, key.Type);
                insert.Bind(2, key.Id);
                insert.Bind(3, key.TargetId);
                if (key.Timestamp is { } timestamp)
                {
                    insert.Bind(4, timestamp);
                }
                else
                {
                    insert.BindNull(4);
                }

                insert.Execute();
            }
        }

        _connection.Execute($"CREATE INDEX temp.{ReplaceDeletion.KeptKeys}_key ON {ReplaceDeletion.KeptKeys} (id, type, target_id, ts)");
    }

    public ValueTask DisposeAsync()
    {
        _insertError.Dispose();
        _rejectedKeys?.Dispose();
        _writers?.Dispose();
        _existingForAppends?.Dispose();
        _streamed?.Dispose();
        if (_state != State.Committed && _connection.InTransaction)
        {
            _connection.Execute("ROLLBACK");
        }

        _connection.Dispose();
        _runs.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Writes the staged runs in key order, adding the rejections of keys that existed (insert mode) to the
    /// conflicts. The merge of the runs and the scan of existing keys run on their own thread, handing classified
    /// groups of records through a bounded channel to this one, which only talks to SQLite: the two halves overlap.
    /// </summary>
    private async Task MergeStagedRecordsAsync(CancellationToken cancellationToken)
    {
        const int ChunksInFlight = 4;
        var writers = _writers ??= new Writers(_connection, _columns);
        if (_runs.Runs.Count == 0)
        {
            writers.Inserter.Flush();
            return;
        }

        var full = Channel.CreateBounded<MergedChunk>(new BoundedChannelOptions(ChunksInFlight - 1) { SingleReader = true, SingleWriter = true });
        var free = Channel.CreateBounded<MergedChunk>(ChunksInFlight);
        for (var i = 0; i < ChunksInFlight; i++)
        {
            free.Writer.TryWrite(new MergedChunk());
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var merging = Task.Factory.StartNew(() => ClassifyStagedRecords(full.Writer, free.Reader, stop.Token), stop.Token,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await foreach (var chunk in full.Reader.ReadAllAsync(cancellationToken))
            {
                for (var start = 0; start < chunk.Count; start += RowInserter.RowsPerStatement)
                {
                    if (chunk.IsGroupOfNewKeys(start))
                    {
                        writers.Inserter.InsertGroup(chunk.Records, start);
                        _plan?.Inserted(chunk.Records.AsSpan(start, RowInserter.RowsPerStatement));
                        _inserted += RowInserter.RowsPerStatement;
                        Written += RowInserter.RowsPerStatement;
                        continue;
                    }

                    for (var i = start; i < Math.Min(chunk.Count, start + RowInserter.RowsPerStatement); i++)
                    {
                        WriteOne(chunk.Records[i], chunk.MayExist[i], writers, _conflicts);
                    }
                }

                free.Writer.TryWrite(chunk);
            }

            writers.Inserter.Flush();
        }
        finally
        {
            await stop.CancelAsync();
            await merging.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }

        await merging;
    }

    private void WriteOne(StagedRecord record, bool mayExist, Writers writers, FirstRejections rejections)
    {
        var (inserter, insertIfAbsent, update) = (writers.Inserter, writers.InsertIfAbsent, writers.Update);
        if (!mayExist)
        {
            inserter.Add(record);
            _plan?.Inserted(record);
            _inserted++;
            Written++;
            return;
        }

        // The hash is known: the same key (or, rarely, a colliding one) may be stored already, possibly by a
        // row still pending in the inserter. A plan reads the stored record first, before the update replaces it.
        inserter.Flush();
        var planned = _plan is not null && _request.Mode != WriteMode.Insert && _plan.Probe(record);
        _columns.Bind(insertIfAbsent, 0, record);
        if (insertIfAbsent.Execute() == 1)
        {
            _plan?.Inserted(record);
            _inserted++;
            Written++;
        }
        else if (_request.Mode == WriteMode.Insert)
        {
            rejections.Add(DescribeExisting(record));
            Rejected++;
        }
        else
        {
            _columns.Bind(update, 0, record);
            update.Execute();
            if (planned)
            {
                _plan!.Overwritten(record);
            }

            Written++;
        }
    }

    /// <summary>The merging thread: runs merged in key order, each record marked new or possibly existing.</summary>
    private void ClassifyStagedRecords(ChannelWriter<MergedChunk> full, ChannelReader<MergedChunk> free, CancellationToken cancellationToken)
    {
        try
        {
            using var merger = new RunMerger(_runs.Runs, _timeFirst);
            using var existing = new ExistingKeys(_path, _columns.Table, _timeFirst, _runs.MinTimestamp, _runs.MaxTimestamp);

            // Keys written while the file was read come earlier in the file than every staged run: one of them is a repeat.
            using var appended = _streamed?.Read();
            (long Timestamp, ulong Hash)? previous = null;
            var chunk = Take(free, cancellationToken);
            while (merger.MoveNext())
            {
                var record = merger.Current;
                var timestamp = _timeFirst ? record.Timestamp : 0;
                var repeated = previous == (timestamp, record.Hash) || (appended?.Contains(timestamp, record.Hash) ?? false)
                    || (_entityKeysWrittenEarly?.Contains(record.Hash) ?? false);
                previous = (timestamp, record.Hash);
                Repeated += repeated ? 1 : 0;
                record.CopyTo(chunk.Records[chunk.Count]);
                chunk.MayExist[chunk.Count] = repeated || existing.Contains(timestamp, RecordColumns.Stored(record.Hash));
                if (++chunk.Count == MergedChunk.Size)
                {
                    full.WriteAsync(chunk, cancellationToken).AsTask().GetAwaiter().GetResult();
                    chunk = Take(free, cancellationToken);
                }
            }

            if (chunk.Count > 0)
            {
                full.WriteAsync(chunk, cancellationToken).AsTask().GetAwaiter().GetResult();
            }

            full.Complete();
        }
        catch (Exception exception)
        {
            full.TryComplete(exception);
            throw;
        }
    }

    private static MergedChunk Take(ChannelReader<MergedChunk> free, CancellationToken cancellationToken)
    {
        var chunk = free.TryRead(out var ready) ? ready : free.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        chunk.Count = 0;
        return chunk;
    }

    private RecordRejection DescribeExisting(StagedRecord record) =>
        _request.RecordType.AlreadyExists(_request.DatasetId, record.Line, record.Text(StagedRecord.Type), record.Text(StagedRecord.Id),
            record.Text(StagedRecord.Target), record.Timestamp);

    /// <summary>Stores rejections while fewer than <see cref="LoadRequest.MaxStoredErrors"/> are stored (each was counted when found).</summary>
    private void StoreRejections(IReadOnlyList<RecordRejection> rejections)
    {
        foreach (var rejection in rejections)
        {
            if (_storedErrors >= _request.MaxStoredErrors)
            {
                return;
            }

            _insertError.Bind(1, _request.ImportId);
            _insertError.Bind(2, ++_storedErrors);
            _insertError.Bind(3, rejection.Line);
            _insertError.Bind(4, rejection.ErrorId);
            _insertError.Bind(5, rejection.Code);
            _insertError.Bind(6, rejection.Message);
            _insertError.Bind(7, rejection.Field);
            _insertError.Execute();
        }
    }

    /// <summary>The load's write statements, prepared once for the records written early and the merge.</summary>
    private sealed class Writers(NativeConnection connection, RecordColumns columns) : IDisposable
    {
        public RowInserter Inserter { get; } = new(connection, columns);

        public NativeStatement InsertIfAbsent { get; } = connection.Prepare(
            $"INSERT OR FAIL INTO {columns.Table} ({columns.Names}) SELECT {string.Join(", ", Enumerable.Range(1, columns.Count).Select(i => $"?{i}"))} " +
            $"WHERE NOT EXISTS (SELECT 1 FROM {columns.Table} WHERE {columns.KeyMatch})");

        public NativeStatement Update { get; } = connection.Prepare($"UPDATE OR FAIL {columns.Table} SET {columns.UpdateSet} WHERE {columns.KeyMatch}");

        /// <summary>The update of the row given after the record's parameters, if it holds the record's key; needs no key index.</summary>
        public NativeStatement UpdateRow { get; } = connection.Prepare(
            $"UPDATE OR FAIL {columns.Table} SET {columns.UpdateSet} WHERE row = ?{columns.Count + 1} AND {columns.KeyMatch}");

        /// <summary>Holds a record written early that takes the per-row path.</summary>
        public StagedRecord Scratch { get; } = new();

        public void Dispose()
        {
            Inserter.Dispose();
            InsertIfAbsent.Dispose();
            Update.Dispose();
            UpdateRow.Dispose();
        }
    }

    private enum State
    {
        Writing,
        Merged,
        Committed,
    }
}
