using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Records.BuiltIn;

/// <summary>
/// A table-batch entity (<c>item</c> keyed by <c>itemId</c>, <c>user</c> keyed by <c>userId</c>): every other
/// column is a typed attribute. Error ids are the bare id and messages follow the table-batch document.
/// </summary>
public sealed class TableEntityRecordType : RecordType
{
    private readonly string _idColumn;
    private readonly string _label;
    private readonly string[] _required;
    private readonly byte[] _typeName;

    public TableEntityRecordType(string name, string idColumn, string label)
        : base(name, RecordKind.Entity)
    {
        _idColumn = idColumn;
        _label = label;
        _required = [idColumn];
        _typeName = System.Text.Encoding.UTF8.GetBytes(name);
    }

    public static TableEntityRecordType Item { get; } = new("item", "itemId", "Item");

    public static TableEntityRecordType User { get; } = new("user", "userId", "User");

    public override IReadOnlyList<string> RequiredColumns => _required;

    public override ICsvRecordMapper? BindCsv(CsvHeader header, out IReadOnlyList<string> missingColumns)
    {
        missingColumns = header.Missing(_required);
        return missingColumns.Count > 0 ? null : new CsvMapper(this, header.IndexOf(_idColumn), FreeAttributes.ForHeader(header, _required));
    }

    public override void MapJson(ReadOnlySpan<byte> json, long line, RecordWriter writer)
    {
        writer.Begin(line);
        var fields = writer.JsonFields;
        if (fields.Read(json, _required, writer) && TrySetKey(writer, fields.Get(json, 0)) &&
            FreeAttributes.FromJson(json, _required, writer))
        {
            writer.Commit();
        }
    }

    public override string DescribeKey(RecordBatch batch, in RecordSlot slot) => batch.GetString(slot.Id)!;

    public override string AlreadyExistsMessage(RecordBatch batch, in RecordSlot slot) =>
        $"{_label} [{batch.GetString(slot.Id)}] could not be created because it already exists.";

    private bool TrySetKey(RecordWriter writer, ReadOnlySpan<byte> id)
    {
        if (id.IsEmpty)
        {
            writer.Reject(RecordErrorCodes.MissingField, $"Missing value for required field [{_idColumn}].", _idColumn);
            return false;
        }

        writer.SetType(_typeName);
        writer.SetId(id);
        return true;
    }

    private sealed class CsvMapper(TableEntityRecordType type, int idColumn, FreeAttributes attributes) : ICsvRecordMapper
    {
        public void Map(in CsvRow row, RecordWriter writer)
        {
            writer.Begin(row.Line);
            if (type.TrySetKey(writer, row[idColumn]) && attributes.FromCsv(row, writer))
            {
                writer.Commit();
            }
        }
    }
}
