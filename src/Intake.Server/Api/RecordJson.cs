using System.Text.Json;
using Intake.Core.Records;
using Intake.Core.Storage;

namespace Intake.Server.Api;

/// <summary>The JSON shape of a record read back: its key, fields, attributes, record type and the import that last wrote it.</summary>
internal static class RecordJson
{
    /// <summary>Records are written with the same escaping as every response (docs/decisions.md).</summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = Core.Text.JsonTextEncoder.Instance };

    /// <summary>The record as a JSON element, for a response that embeds a few records (a plan's samples).</summary>
    public static JsonElement ToElement(StoredRecord record, string? batchId)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, record, batchId);
        }

        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    public static void Write(Utf8JsonWriter writer, StoredRecord record, string? batchId)
    {
        writer.WriteStartObject();
        writer.WriteString("kind", record.Kind.ToWire());
        writer.WriteString("type", record.Type);
        if (record.Kind == RecordKind.Entity)
        {
            writer.WriteString("id", record.Id);
            WriteOptional(writer, "name", record.Name);
            WriteOptional(writer, "media_url", record.MediaUrl);
        }
        else
        {
            writer.WriteString("source_id", record.Id);
            writer.WriteString("target_id", record.TargetId);
            writer.WriteString("timestamp", Timestamps.Format(record.Timestamp ?? 0));
            if (record.Value is { } value)
            {
                writer.WriteNumber("value", value);
            }
        }

        if (record.AttributesJson is not null)
        {
            writer.WritePropertyName("attributes");
            writer.WriteRawValue(record.AttributesJson, skipInputValidation: true);
        }

        writer.WriteString("record_type", record.RecordType);
        writer.WriteString("batch_id", batchId);
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
