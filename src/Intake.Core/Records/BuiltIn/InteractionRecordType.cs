using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Records.BuiltIn;

/// <summary>
/// The data-batch interaction: columns <c>type,source_id,target_id,timestamp,metadata</c>; the timestamp is
/// an event time (ISO-8601 or an integer epoch value, see <see cref="EventTimeRules"/>) and <c>metadata</c> a JSON object of typed attributes.
/// </summary>
public sealed class InteractionRecordType() : RecordType("interaction", RecordKind.Interaction)
{
    private static readonly string[] s_columns = ["type", "source_id", "target_id", "timestamp", "metadata"];

    public override IReadOnlyList<string> RequiredColumns => s_columns;

    public override IReadOnlyList<string> RequiredFields { get; } = ["type", "source_id", "target_id", "timestamp"];

    public override IReadOnlyList<string> ReadColumns => s_columns;

    public override ICsvRecordMapper? BindCsv(CsvHeader header, out IReadOnlyList<string> missingColumns)
    {
        missingColumns = header.Missing(s_columns);
        return missingColumns.Count > 0 ? null : new CsvMapper(header);
    }

    public override bool ReadsColumn(string name) => s_columns.Contains(name, StringComparer.OrdinalIgnoreCase);

    public override void MapJson(ReadOnlySpan<byte> json, long line, RecordWriter writer)
    {
        writer.Begin(line);
        var fields = writer.JsonFields;
        if (fields.Read(json, s_columns, writer))
        {
            Emit(writer, fields.Get(json, 0), fields.Get(json, 1), fields.Get(json, 2), fields.Get(json, 3), fields.Get(json, 4));
        }
    }

    internal static bool TrySetTimestamp(RecordWriter writer, ReadOnlySpan<byte> text, string field)
    {
        if (text.IsEmpty)
        {
            writer.Reject(RecordErrorCodes.MissingField, $"Missing value for required field [{field}].", field);
            return false;
        }

        return writer.TrySetEventTime(text, field);
    }

    private static void Emit(RecordWriter writer, ReadOnlySpan<byte> type, ReadOnlySpan<byte> source, ReadOnlySpan<byte> target,
        ReadOnlySpan<byte> timestamp, ReadOnlySpan<byte> metadata)
    {
        var missing = type.IsEmpty ? "type" : source.IsEmpty ? "source_id" : target.IsEmpty ? "target_id" : null;
        if (missing is not null)
        {
            writer.Reject(RecordErrorCodes.MissingField, $"Missing value for required field [{missing}].", missing);
            return;
        }

        writer.SetType(type);
        writer.SetId(source);
        writer.SetTargetId(target);
        if (!TrySetTimestamp(writer, timestamp, "timestamp"))
        {
            return;
        }

        if (!metadata.IsEmpty && !AttributeValues.CheckAndStoreObject(metadata, "metadata", writer))
        {
            return;
        }

        writer.Commit();
    }

    private sealed class CsvMapper(CsvHeader header) : ICsvRecordMapper
    {
        private readonly int _type = header.IndexOf("type");
        private readonly int _source = header.IndexOf("source_id");
        private readonly int _target = header.IndexOf("target_id");
        private readonly int _timestamp = header.IndexOf("timestamp");
        private readonly int _metadata = header.IndexOf("metadata");

        public void Map(in CsvRow row, RecordWriter writer)
        {
            writer.Begin(row.Line);
            Emit(writer, row[_type], row[_source], row[_target], row[_timestamp], row[_metadata]);
        }
    }
}
