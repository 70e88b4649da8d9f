using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Records.BuiltIn;

/// <summary>
/// The data-batch entity: columns <c>id,type,name,metadata,media_url</c>, where <c>metadata</c> is a JSON
/// object in a cell whose properties are the entity's typed attributes.
/// </summary>
public sealed class EntityRecordType() : RecordType("entity", RecordKind.Entity)
{
    private static readonly string[] s_columns = ["id", "type", "name", "metadata", "media_url"];

    public override IReadOnlyList<string> RequiredColumns => s_columns;

    public override IReadOnlyList<string> RequiredFields { get; } = ["id", "type"];

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

    private static void Emit(RecordWriter writer, ReadOnlySpan<byte> id, ReadOnlySpan<byte> type, ReadOnlySpan<byte> name,
        ReadOnlySpan<byte> metadata, ReadOnlySpan<byte> mediaUrl)
    {
        if (id.IsEmpty || type.IsEmpty)
        {
            var field = id.IsEmpty ? "id" : "type";
            writer.Reject(RecordErrorCodes.MissingField, $"Missing value for required field [{field}].", field);
            return;
        }

        writer.SetType(type);
        writer.SetId(id);
        if (!name.IsEmpty)
        {
            writer.SetName(name);
        }

        if (!mediaUrl.IsEmpty)
        {
            writer.SetMediaUrl(mediaUrl);
        }

        if (!metadata.IsEmpty && !AttributeValues.CheckAndStoreObject(metadata, "metadata", writer))
        {
            return;
        }

        writer.Commit();
    }

    private sealed class CsvMapper(CsvHeader header) : ICsvRecordMapper
    {
        private readonly int _id = header.IndexOf("id");
        private readonly int _type = header.IndexOf("type");
        private readonly int _name = header.IndexOf("name");
        private readonly int _metadata = header.IndexOf("metadata");
        private readonly int _mediaUrl = header.IndexOf("media_url");

        public void Map(in CsvRow row, RecordWriter writer)
        {
            writer.Begin(row.Line);
            Emit(writer, row[_id], row[_type], row[_name], row[_metadata], row[_mediaUrl]);
        }
    }
}
