using Intake.Core.Records;
using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// The columns a record is written to, in parameter order, for both kinds: entities
/// <c>h, type, id, name, media_url, attrs, record_type, batch</c>; interactions
/// <c>h, type, source_id, target_id, ts, value, attrs, record_type, batch</c>.
/// </summary>
internal sealed class RecordColumns(RecordKind kind, long recordTypeId, long batchSeq)
{
    public long RecordTypeId => recordTypeId;

    public string Table { get; } = kind == RecordKind.Entity ? "entities" : "interactions";

    public int Count { get; } = kind == RecordKind.Entity ? 8 : 9;

    public string Names => kind == RecordKind.Entity
        ? "h, type, id, name, media_url, attrs, record_type, batch"
        : "h, type, source_id, target_id, ts, value, attrs, record_type, batch";

    /// <summary>The key equality on parameters ?1.. of one row.</summary>
    public string KeyMatch => kind == RecordKind.Entity
        ? "h = ?1 AND type = ?2 AND id = ?3"
        : "h = ?1 AND type = ?2 AND source_id = ?3 AND target_id = ?4 AND ts = ?5";

    public string UpdateSet => kind == RecordKind.Entity
        ? "name = ?4, media_url = ?5, attrs = ?6, record_type = ?7, batch = ?8"
        : "value = ?6, attrs = ?7, record_type = ?8, batch = ?9";

    /// <summary>The placeholders of <paramref name="rows"/> rows: (?1, ?2, …), (?n+1, …).</summary>
    public string Placeholders(int rows) => string.Join(", ", Enumerable.Range(0, rows)
        .Select(row => "(" + string.Join(", ", Enumerable.Range(1, Count).Select(column => $"?{(row * Count) + column}")) + ")"));

    /// <summary>The stored form of a key hash: the sign bit flipped, so SQLite's signed order is the unsigned order.</summary>
    public static long Stored(ulong hash) => unchecked((long)(hash ^ 0x8000_0000_0000_0000UL));

    public void Bind(NativeStatement statement, int row, StagedRecord record)
    {
        var at = row * Count;
        statement.Bind(at + 1, Stored(record.Hash));
        statement.BindPinned(at + 2, record.Text(StagedRecord.Type));
        statement.BindPinned(at + 3, record.Text(StagedRecord.Id));
        if (kind == RecordKind.Entity)
        {
            BindOptional(statement, at + 4, record, StagedRecord.Name);
            BindOptional(statement, at + 5, record, StagedRecord.MediaUrl);
            BindOptional(statement, at + 6, record, StagedRecord.Attributes);
            statement.Bind(at + 7, recordTypeId);
            statement.Bind(at + 8, batchSeq);
            return;
        }

        statement.BindPinned(at + 4, record.Text(StagedRecord.Target));
        statement.Bind(at + 5, record.Timestamp);
        if (record.HasValue)
        {
            statement.Bind(at + 6, record.Value);
        }
        else
        {
            statement.BindNull(at + 6);
        }

        BindOptional(statement, at + 7, record, StagedRecord.Attributes);
        statement.Bind(at + 8, recordTypeId);
        statement.Bind(at + 9, batchSeq);
    }

    private static void BindOptional(NativeStatement statement, int index, StagedRecord record, int field)
    {
        if (record.IsNull(field))
        {
            statement.BindNull(index);
        }
        else
        {
            statement.BindPinned(index, record.Text(field));
        }
    }
}
