using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// A plan's part of the merge: before the merge overwrites a key that exists, reads whether any field would
/// change (and, for a sample, the stored record); counts inserts, updates and unchanged records as the merge
/// writes them; and, for <c>replace</c>, counts what the commit would delete. The merge itself runs as for a
/// real load, so a repeat later in the file is compared with the record the merge wrote for its key. Not thread-safe.
/// </summary>
internal sealed class PlanClassifier : IDisposable
{
    private readonly RecordKind _kind;
    private readonly RecordColumns _columns;
    private readonly string _recordType;
    private readonly long _batch;
    private readonly NativeStatement _probe;
    private readonly PlannedChangesBuilder _changes = new();
    private StoredRecord? _before;
    private bool _changed;

    public PlanClassifier(NativeConnection connection, RecordKind kind, RecordColumns columns, string recordType, long batch)
    {
        _kind = kind;
        _columns = columns;
        _recordType = recordType;
        _batch = batch;

        // The probe is bound by the merge's own binder (every column's parameter), so it names all of them; the batch
        // parameter's "IS NULL" is never true.
        _probe = connection.Prepare(kind == RecordKind.Entity
            ? $"SELECT name IS NOT ?4 OR media_url IS NOT ?5 OR attrs IS NOT ?6 OR record_type IS NOT ?7 OR ?8 IS NULL, {Before} FROM entities WHERE {columns.KeyMatch}"
            : $"SELECT value IS NOT ?6 OR attrs IS NOT ?7 OR record_type IS NOT ?8 OR ?9 IS NULL, {Before} FROM interactions WHERE {columns.KeyMatch}");
    }

    private string Before => _kind == RecordKind.Entity
        ? "type, id, name, media_url, attrs, (SELECT name FROM record_types t WHERE t.id = record_type), batch"
        : "type, source_id, target_id, ts, value, attrs, (SELECT name FROM record_types t WHERE t.id = record_type), batch";

    /// <summary>Reads the stored record of the key about to be merged; false when there is none.</summary>
    public bool Probe(StagedRecord record)
    {
        _columns.Bind(_probe, 0, record);
        if (!_probe.Step())
        {
            return false;
        }

        _changed = _probe.Int64(0) != 0;
        _before = _changes.WantsSample(_changed ? ChangeKind.Update : ChangeKind.Unchanged) ? Read(_probe, 1) : null;
        _probe.Reset();
        return true;
    }

    public void Inserted(StagedRecord record) =>
        _changes.Add(new PlannedChange(ChangeKind.Insert, null, _changes.WantsSample(ChangeKind.Insert) ? After(record) : null));

    /// <summary>Counts a group of new keys; builds a sample only while samples are wanted.</summary>
    public void Inserted(ReadOnlySpan<StagedRecord> records)
    {
        var sampled = 0;
        for (; sampled < records.Length && _changes.WantsSample(ChangeKind.Insert); sampled++)
        {
            Inserted(records[sampled]);
        }

        _changes.Count(ChangeKind.Insert, records.Length - sampled);
    }

    /// <summary>Counts the overwrite of the key last probed.</summary>
    public void Overwritten(StagedRecord record)
    {
        var kind = _changed ? ChangeKind.Update : ChangeKind.Unchanged;
        _changes.Add(new PlannedChange(kind, _before, _before is null ? null : After(record)));
    }

    /// <summary>After the merge: the stored records of the type that the replace-mode commit would delete (the same predicate).</summary>
    /// <param name="where">The replace load's deletion predicate over its table, with the record type and batch as parameters 1 and 2.</param>
    public void CountDeletions(NativeConnection connection, string where)
    {
        var table = _kind == RecordKind.Entity ? "entities" : "interactions";
        using var count = connection.Prepare($"SELECT count(*) FROM {table} {where}");
        count.Bind(1, _columns.RecordTypeId);
        count.Bind(2, _batch);
        _changes.Count(ChangeKind.Delete, count.ExecuteScalar());
        using var sample = connection.Prepare($"SELECT {Before} FROM {table} {where} LIMIT {PlannedChangesBuilder.SamplesPerKind}");
        sample.Bind(1, _columns.RecordTypeId);
        sample.Bind(2, _batch);
        while (sample.Step())
        {
            _changes.Sample(new PlannedChange(ChangeKind.Delete, Read(sample, 0), null));
        }
    }

    public PlannedChanges Build() => _changes.Build();

    public void Dispose() => _probe.Dispose();

    private StoredRecord Read(NativeStatement row, int at) => _kind == RecordKind.Entity
        ? new StoredRecord(RecordKind.Entity, row.Text(at)!, row.Text(at + 1)!, null, null, row.Text(at + 2), row.Text(at + 3), null, row.Text(at + 4),
            row.Text(at + 5) ?? "", row.Int64(at + 6))
        : new StoredRecord(RecordKind.Interaction, row.Text(at)!, row.Text(at + 1)!, row.Text(at + 2), row.Int64(at + 3), null, null, row.Double(at + 4),
            row.Text(at + 5), row.Text(at + 6) ?? "", row.Int64(at + 7));

    private StoredRecord After(StagedRecord record) => new(
        _kind, Text(record, StagedRecord.Type)!, Text(record, StagedRecord.Id)!, _kind == RecordKind.Interaction ? Text(record, StagedRecord.Target) : null,
        _kind == RecordKind.Interaction ? record.Timestamp : null, Text(record, StagedRecord.Name), Text(record, StagedRecord.MediaUrl),
        _kind == RecordKind.Interaction && record.HasValue ? record.Value : null, Text(record, StagedRecord.Attributes), _recordType, _batch);

    private static string? Text(StagedRecord record, int field) =>
        record.IsNull(field) ? null : System.Text.Encoding.UTF8.GetString(record.Text(field));
}
