using System.Buffers;
using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Parsing;
using Intake.Core.Records;

namespace Intake.Core.Schemas;

/// <summary>
/// Maps CSV rows with dotted headers onto a <see cref="SchemaRecordType"/>: each row becomes a nested JSON
/// object (cells typed by the schema, see <see cref="DottedCsvToJson"/>) and is then validated and keyed
/// exactly as a JSON record would be. One per file and reader thread; the buffers are reused per row.
/// </summary>
internal sealed class SchemaCsvMapper(SchemaRecordType recordType, CsvHeader header) : ICsvRecordMapper
{
    private readonly DottedCsvToJson _converter = new(header.Columns, recordType.Schema.TypesAt);
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private Utf8JsonWriter? _json;

    public void Map(in CsvRow row, RecordWriter writer)
    {
        writer.Begin(row.Line);
        _buffer.ResetWrittenCount();
        _json ??= new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = Text.JsonTextEncoder.Instance });
        _json.Reset(_buffer);
        if (!_converter.TryWrite(row, _json, out var problem))
        {
            writer.Reject(RecordErrorCodes.MalformedRecord, problem.Message, problem.Column);
            return;
        }

        _json.Flush();
        recordType.MapBegun(_buffer.WrittenMemory, writer);
    }
}
