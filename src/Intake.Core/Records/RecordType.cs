using System.Text;
using Intake.Core.Parsing;

namespace Intake.Core.Records;

/// <summary>Maps the rows of one CSV file, bound to its header, onto records.</summary>
public interface ICsvRecordMapper
{
    /// <summary>Emits the row through <paramref name="writer"/>: exactly one Begin and one Commit or Reject.</summary>
    void Map(in CsvRow row, RecordWriter writer);
}

/// <summary>
/// A named record shape that maps onto an entity or an interaction: which fields it needs, how its key is
/// formed and what its rejections say. Built-in types and datasets' custom types share this contract.
/// Instances are immutable and shared across imports.
/// </summary>
public abstract class RecordType
{
    protected RecordType(string name, RecordKind kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; }

    public RecordKind Kind { get; }

    /// <summary>Fields (CSV columns or JSON properties) a file must have to be read as this type.</summary>
    public abstract IReadOnlyList<string> RequiredColumns { get; }

    /// <summary>
    /// The fields a self-describing record (a JSON object, a Parquet row) must name to be read as this type: its key and
    /// required fields. A record leaves out an optional field by not naming it, where a CSV header names every column of
    /// its layout (<see cref="RequiredColumns"/>, the default).
    /// </summary>
    public virtual IReadOnlyList<string> RequiredFields => RequiredColumns;

    /// <summary>
    /// The only columns (or JSON properties) this type reads, matched case-insensitively, or null when every column
    /// counts (free attributes, schema-validated records). A columnar reader leaves the others undecoded, as CSV
    /// ignores them.
    /// </summary>
    public virtual IReadOnlyList<string>? ReadColumns => null;

    /// <summary>Whether free attributes are typed by the dataset's attribute map (schema-validated types are not).</summary>
    public virtual bool UsesAttributeTypes => true;

    /// <summary>Binds to a CSV header, or returns null with the required columns it lacks.</summary>
    public abstract ICsvRecordMapper? BindCsv(CsvHeader header, out IReadOnlyList<string> missingColumns);

    /// <summary>Columns of <paramref name="header"/> this type does not read; a load ignores them and says so in a warning.</summary>
    /// <remarks>
    /// Columns named like an earlier one (only the first is read) and columns the type does not read
    /// (<see cref="ReadsColumn"/>), each name once. Unnamed columns (a trailing delimiter) are not listed.
    /// </remarks>
    public virtual IReadOnlyList<string> IgnoredColumns(CsvHeader header) =>
        header.Columns
            .Where((name, i) => name.Length > 0 && (header.IndexOf(name) != i || !ReadsColumn(name)))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>Whether a CSV column of this name is read (a key, a field or an attribute) rather than ignored.</summary>
    public virtual bool ReadsColumn(string name) => true;

    /// <summary>Emits one JSON object (an NDJSON line or an array element) through <paramref name="writer"/>.</summary>
    public abstract void MapJson(ReadOnlySpan<byte> json, long line, RecordWriter writer);

    /// <summary>The error id of an accepted record, used when the store rejects it (its key).</summary>
    public virtual string DescribeKey(RecordBatch batch, in RecordSlot slot) => Kind == RecordKind.Entity
        ? $"{batch.GetString(slot.Type)}/{batch.GetString(slot.Id)}"
        : $"{batch.GetString(slot.Id)}/{batch.GetString(slot.TargetId)}/{batch.GetString(slot.Type)}/{slot.Timestamp}";

    /// <summary>
    /// The error id of a rejected record: its key when the mapper had set all of it, else <c>line:N</c>.
    /// </summary>
    public string DescribeRejected(RecordBatch batch, in RecordSlot slot, bool keyComplete) =>
        keyComplete ? DescribeKey(batch, slot) : $"line:{slot.Line}";

    /// <summary>The message for a record whose key exists already (insert mode).</summary>
    public virtual string AlreadyExistsMessage(RecordBatch batch, in RecordSlot slot) => Kind == RecordKind.Entity
        ? $"Entity [{batch.GetString(slot.Id)}] of type [{batch.GetString(slot.Type)}] could not be created because it already exists."
        : $"Interaction [{batch.GetString(slot.Type)}] on [{batch.GetString(slot.TargetId)}] by [{batch.GetString(slot.Id)}] at time [{slot.Timestamp}] could not be created because it already exists.";

    public RecordRejection AlreadyExists(RecordBatch batch, in RecordSlot slot) =>
        new(slot.Line, DescribeKey(batch, slot), Jobs.RecordErrorCodes.EntityAlreadyExists, AlreadyExistsMessage(batch, slot), null);

    /// <summary>The same rejection for a key a store read back rather than a slot of a batch.</summary>
    public RecordRejection AlreadyExists(string datasetId, long line, ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ReadOnlySpan<byte> targetId, long timestamp)
    {
        var scratch = new RecordBatch(1, 1024);
        scratch.Bind(this, datasetId);
        ref var slot = ref scratch.AddKey(Kind, line, type, id, targetId, timestamp);
        return AlreadyExists(scratch, slot);
    }

    protected static string Utf8(ReadOnlySpan<byte> text) => Encoding.UTF8.GetString(text);
}
