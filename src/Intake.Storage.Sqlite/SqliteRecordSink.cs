using Intake.Core.Imports;
using Intake.Core.Records;
using Intake.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Intake.Storage.Sqlite;

/// <summary>
/// Applies one load to a dataset database inside a single transaction opened with the sink, so the load's
/// records, rejections, attribute types and applied-load marker become visible together at
/// <see cref="CompleteAsync"/>, and disposing before that rolls everything back. Each batch is written in
/// key-hash order, so inserts walk the key index forward instead of touching its pages at random.
/// </summary>
internal sealed class SqliteRecordSink : IRecordSink
{
    private readonly SqliteConnection _connection;
    private readonly LoadRequest _request;
    private readonly long _recordTypeId;
    private readonly SqliteStatement _insert;
    private readonly SqliteStatement _update;
    private readonly SqliteStatement _insertError;
    private ulong[] _sortKeys = new ulong[8192];
    private int[] _order = new int[8192];
    private long _inserted;
    private long _storedErrors;
    private bool _completed;

    private SqliteRecordSink(SqliteConnection connection, LoadRequest request, long recordTypeId)
    {
        _connection = connection;
        _request = request;
        _recordTypeId = recordTypeId;
        var db = connection.Handle!;
        if (request.RecordType.Kind == RecordKind.Entity)
        {
            _insert = new SqliteStatement(db,
                """
                INSERT INTO entities (h, type, id, name, media_url, attrs, record_type, batch)
                SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
                WHERE NOT EXISTS (SELECT 1 FROM entities WHERE h = ?1 AND type = ?2 AND id = ?3);
                """);
            _update = new SqliteStatement(db,
                "UPDATE entities SET name = ?4, media_url = ?5, attrs = ?6, record_type = ?7, batch = ?8 WHERE h = ?1 AND type = ?2 AND id = ?3;");
        }
        else
        {
            _insert = new SqliteStatement(db,
                """
                INSERT INTO interactions (h, type, source_id, target_id, ts, value, attrs, record_type, batch)
                SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9
                WHERE NOT EXISTS (SELECT 1 FROM interactions WHERE h = ?1 AND type = ?2 AND source_id = ?3 AND target_id = ?4 AND ts = ?5);
                """);
            _update = new SqliteStatement(db,
                "UPDATE interactions SET value = ?6, attrs = ?7, record_type = ?8, batch = ?9 WHERE h = ?1 AND type = ?2 AND source_id = ?3 AND target_id = ?4 AND ts = ?5;");
        }

        _insertError = new SqliteStatement(db,
            "INSERT INTO errors (import_id, seq, line, error_id, code, message, field) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7);");
    }

    public long Written { get; private set; }

    public long Rejected { get; private set; }

    public static async Task<SqliteRecordSink> OpenAsync(SqliteConnection connection, LoadRequest request, CancellationToken cancellationToken)
    {
        // The load holds its dataset's write lock from here to the commit; loads of one dataset are
        // serialized by the scheduler anyway, and readers keep their WAL snapshot meanwhile.
        await connection.ExecuteAsync("BEGIN IMMEDIATE;", cancellationToken);
        try
        {
            // A previous attempt of this import may have left rejections only if it committed, in which case
            // the applied-load marker short-circuits the redo before a sink is opened.
            await connection.ExecuteAsync("DELETE FROM errors WHERE import_id = @import;", cancellationToken, ("@import", request.ImportId));
            var recordTypeId = await connection.ScalarAsync<long>(
                "INSERT INTO record_types (name) VALUES (@name) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id;",
                cancellationToken, ("@name", request.RecordType.Name));
            return new SqliteRecordSink(connection, request, recordTypeId);
        }
        catch
        {
            await connection.ExecuteAsync("ROLLBACK;", CancellationToken.None);
            throw;
        }
    }

    public ValueTask WriteAsync(RecordBatch batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var count = SortByKey(batch);
        var slots = batch.Slots;
        var conflicts = batch.Rejections.Count;
        for (var i = 0; i < count; i++)
        {
            ref var slot = ref slots[_order[i]];
            Bind(_insert, batch, ref slot);
            if (_insert.Execute() == 1)
            {
                _inserted++;
                Written++;
                continue;
            }

            if (_request.Mode == WriteMode.Insert)
            {
                batch.Rejections.Add(batch.RecordType!.AlreadyExists(batch, slot));
                continue;
            }

            Bind(_update, batch, ref slot);
            _update.Execute();
            Written++;
        }

        if (batch.Rejections.Count > conflicts)
        {
            // Conflicts were found in key order; stored rejections are read back in line order.
            batch.Rejections.Sort(conflicts, batch.Rejections.Count - conflicts, Comparer<RecordRejection>.Create((a, b) => a.Line.CompareTo(b.Line)));
        }

        StoreRejections(batch.Rejections);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<LoadTotals> CompleteAsync(long recordsRead, IReadOnlyList<KeyValuePair<string, AttributeType>> newAttributeTypes,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var table = _request.RecordType.Kind == RecordKind.Entity ? "entities" : "interactions";
        var deleted = 0L;
        if (_request.Mode == WriteMode.Replace)
        {
            deleted = await _connection.ExecuteAsync($"DELETE FROM {table} WHERE record_type = @type AND batch <> @batch;", cancellationToken,
                ("@type", _recordTypeId), ("@batch", _request.BatchSeq));
        }

        foreach (var (name, type) in newAttributeTypes)
        {
            await _connection.ExecuteAsync("INSERT INTO attribute_types (name, type) VALUES (@name, @type) ON CONFLICT (name) DO NOTHING;",
                cancellationToken, ("@name", name), ("@type", type.ToWire()));
        }

        var totals = new LoadTotals(recordsRead, Written, Rejected, deleted, _request.RecordType.Name);
        await _connection.ExecuteAsync(
            """
            UPDATE counts SET n = n + @delta WHERE kind = @kind;
            INSERT INTO applied_loads (import_id, record_type, read, written, rejected, deleted) VALUES (@import, @recordType, @read, @written, @rejected, @deleted);
            """,
            cancellationToken,
            ("@delta", _inserted - deleted), ("@kind", _request.RecordType.Kind.ToWire()), ("@import", _request.ImportId),
            ("@recordType", totals.RecordType), ("@read", totals.Read), ("@written", totals.Written), ("@rejected", totals.Rejected),
            ("@deleted", totals.Deleted));

        // Checkpoint: the commit below is the single point at which the load becomes visible.
        await _connection.ExecuteAsync("COMMIT;", cancellationToken);
        _completed = true;
        return totals;
    }

    public async ValueTask DisposeAsync()
    {
        _insert.Dispose();
        _update.Dispose();
        _insertError.Dispose();
        if (!_completed && SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
        {
            await _connection.ExecuteAsync("ROLLBACK;", CancellationToken.None);
        }

        await _connection.DisposeAsync();
    }

    private void Bind(SqliteStatement statement, RecordBatch batch, ref RecordSlot slot)
    {
        statement.Bind(1, unchecked((long)slot.KeyHash));
        statement.Bind(2, batch.Text(slot.Type));
        statement.Bind(3, batch.Text(slot.Id));
        if (_request.RecordType.Kind == RecordKind.Entity)
        {
            BindOptional(statement, 4, batch, slot.Name);
            BindOptional(statement, 5, batch, slot.MediaUrl);
            BindOptional(statement, 6, batch, slot.Attributes);
            statement.Bind(7, _recordTypeId);
            statement.Bind(8, _request.BatchSeq);
            return;
        }

        statement.Bind(4, batch.Text(slot.TargetId));
        statement.Bind(5, slot.Timestamp);
        if (slot.HasValue)
        {
            statement.Bind(6, slot.Value);
        }
        else
        {
            statement.BindNull(6);
        }

        BindOptional(statement, 7, batch, slot.Attributes);
        statement.Bind(8, _recordTypeId);
        statement.Bind(9, _request.BatchSeq);
    }

    private static void BindOptional(SqliteStatement statement, int index, RecordBatch batch, Utf8Slice slice)
    {
        if (slice.IsNull)
        {
            statement.BindNull(index);
        }
        else
        {
            statement.Bind(index, batch.Text(slice));
        }
    }

    /// <summary>
    /// Orders the batch by key hash into <see cref="_order"/>. Records with equal hashes (the same key repeated
    /// in the file) keep their file order, so the last one wins in upsert mode and the first in insert mode.
    /// </summary>
    private int SortByKey(RecordBatch batch)
    {
        var slots = batch.Slots;
        var count = slots.Length;
        if (_order.Length < count)
        {
            _order = new int[count];
            _sortKeys = new ulong[count];
        }

        for (var i = 0; i < count; i++)
        {
            _sortKeys[i] = slots[i].KeyHash;
            _order[i] = i;
        }

        Array.Sort(_sortKeys, _order, 0, count);
        for (var start = 0; start < count;)
        {
            var end = start + 1;
            while (end < count && _sortKeys[end] == _sortKeys[start])
            {
                end++;
            }

            if (end - start > 1)
            {
                Array.Sort(_order, start, end - start);
            }

            start = end;
        }

        return count;
    }

    private void StoreRejections(List<RecordRejection> rejections)
    {
        foreach (var rejection in rejections)
        {
            Rejected++;
            if (_storedErrors >= _request.MaxStoredErrors)
            {
                continue;
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
}
