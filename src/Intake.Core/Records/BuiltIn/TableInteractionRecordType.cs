using System.Buffers.Text;
using System.Text;
using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Records.BuiltIn;

/// <summary>
/// The table-batch user-item interaction: <c>userId,itemId,timestamp,interactionName,value</c>. The source is
/// the user, the target the item and the type the interaction name; other columns are typed attributes.
/// </summary>
public sealed class TableInteractionRecordType() : RecordType("user_item_interaction", RecordKind.Interaction)
{
    private static readonly string[] s_required = ["userId", "itemId", "timestamp", "interactionName"];
    private static readonly string[] s_key = ["userId", "itemId", "timestamp", "interactionName", "value"];

    public override IReadOnlyList<string> RequiredColumns => s_required;

    public override ICsvRecordMapper? BindCsv(CsvHeader header, out IReadOnlyList<string> missingColumns)
    {
        missingColumns = header.Missing(s_required);
        return missingColumns.Count > 0 ? null : new CsvMapper(header);
    }

    public override void MapJson(ReadOnlySpan<byte> json, long line, RecordWriter writer)
    {
        writer.Begin(line);
        var fields = writer.JsonFields;
        if (fields.Read(json, s_key, writer) &&
            TrySetKey(writer, fields.Get(json, 0), fields.Get(json, 1), fields.Get(json, 2), fields.Get(json, 3), fields.Get(json, 4)) &&
            FreeAttributes.FromJson(json, s_key, writer))
        {
            writer.Commit();
        }
    }

    /// <summary>The table-batch form <c>user/table/item/interaction/timestamp</c>.</summary>
    public override string DescribeKey(RecordBatch batch, in RecordSlot slot) =>
        $"{batch.GetString(slot.Id)}/{batch.DatasetId}/{batch.GetString(slot.TargetId)}/{batch.GetString(slot.Type)}/{slot.Timestamp}";

    public override string AlreadyExistsMessage(RecordBatch batch, in RecordSlot slot) =>
        $"Interaction [{batch.GetString(slot.Type)}] on Item [{batch.GetString(slot.TargetId)}] of User [{batch.GetString(slot.Id)}] " +
        $"at time [{slot.Timestamp}] could not be created because it already exists.";

    private static bool TrySetKey(RecordWriter writer, ReadOnlySpan<byte> user, ReadOnlySpan<byte> item, ReadOnlySpan<byte> timestamp,
        ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var missing = user.IsEmpty ? "userId" : item.IsEmpty ? "itemId" : name.IsEmpty ? "interactionName" : null;
        if (missing is not null)
        {
            writer.Reject(RecordErrorCodes.MissingField, $"Missing value for required field [{missing}].", missing);
            return false;
        }

        writer.SetType(name);
        writer.SetId(user);
        writer.SetTargetId(item);
        if (!InteractionRecordType.TrySetTimestamp(writer, timestamp, "timestamp"))
        {
            return false;
        }

        if (value.IsEmpty)
        {
            return true;
        }

        if (!Utf8Parser.TryParse(value, out double number, out var consumed) || consumed != value.Length || !double.IsFinite(number))
        {
            writer.Reject(RecordErrorCodes.InvalidType,
                $"Attribute value with value [{Text.Echo.Of(value)}] is not of double type.", "value");
            return false;
        }

        writer.SetValue(number);
        return true;
    }

    private sealed class CsvMapper(CsvHeader header) : ICsvRecordMapper
    {
        private readonly int _user = header.IndexOf("userId");
        private readonly int _item = header.IndexOf("itemId");
        private readonly int _timestamp = header.IndexOf("timestamp");
        private readonly int _name = header.IndexOf("interactionName");
        private readonly int _value = header.IndexOf("value");
        private readonly FreeAttributes _attributes = FreeAttributes.ForHeader(header, s_key);

        public void Map(in CsvRow row, RecordWriter writer)
        {
            writer.Begin(row.Line);
            if (TrySetKey(writer, row[_user], row[_item], row[_timestamp], row[_name], _value < 0 ? default : row[_value]) &&
                _attributes.FromCsv(row, writer))
            {
                writer.Commit();
            }
        }
    }
}
