using System.Buffers;
using System.Text;
using System.Text.Json;
using Intake.Core.Records;
using Intake.Core.Storage;
using Intake.Core.Text;
using Parquet;
using Parquet.Schema;

namespace Intake.Core.Datasets;

/// <summary>
/// The columns of a Parquet export of one kind of record, and one row group's worth of values for each. The key
/// and record fields are fixed typed columns; each attribute the dataset has typed is a column of its type; any
/// attribute value that has no such column, or that its column cannot hold exactly, goes into the JSON column
/// <c>attributes</c>, so every value is written once and none is changed. Used by one thread.
/// </summary>
internal sealed class ParquetExportColumns
{
    /// <summary>The column of attribute values that have no typed column of their own (JSON text, null when none).</summary>
    public const string LeftoverColumn = "attributes";

    private static readonly string[] s_entityFields = ["id", "type", "name", "media_url", "record_type", "batch_id"];
    private static readonly string[] s_interactionFields = ["type", "source_id", "target_id", "timestamp", "value", "record_type", "batch_id"];

    private readonly RecordKind _kind;
    private readonly Dictionary<string, ParquetAttributeColumn>.AlternateLookup<ReadOnlySpan<char>> _byName;
    private readonly ParquetAttributeColumn[] _attributes;
    private readonly string?[][] _fields;
    private readonly DateTime[] _timestamps;
    private readonly double?[] _values;
    private readonly string?[] _leftover;
    private readonly ArrayBufferWriter<byte> _leftoverBuffer = new(1024);
    private readonly Utf8JsonWriter _leftoverJson;

    public ParquetExportColumns(RecordKind kind, IReadOnlyDictionary<string, AttributeType> attributeTypes, int rows)
    {
        _kind = kind;
        var fixedNames = kind == RecordKind.Entity ? s_entityFields : s_interactionFields;
        var fields = new List<DataField>();
        foreach (var name in fixedNames)
        {
            fields.Add(name switch
            {
                "timestamp" => new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: false),
                "value" => new DataField<double>(name, true),
                _ => new DataField<string>(name, name is "name" or "media_url"),
            });
        }

        // Engines that read Parquet mostly match names case-insensitively, so a name that differs from a field or
        // another attribute only by case would be ambiguous there: such attributes stay in the JSON column.
        var reserved = new HashSet<string>(s_entityFields.Concat(s_interactionFields).Append(LeftoverColumn), StringComparer.OrdinalIgnoreCase);
        var typed = attributeTypes
            .Where(a => a.Key.Length > 0 && !reserved.Contains(a.Key))
            .GroupBy(a => a.Key, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() == 1)
            .Select(g => g.Single())
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new ParquetAttributeColumn(a.Key, a.Value, rows))
            .ToArray();
        _attributes = typed;
        var byName = typed.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _byName = byName.GetAlternateLookup<ReadOnlySpan<char>>();
        fields.AddRange(typed.Select(c => c.Field));
        fields.Add(new DataField<string>(LeftoverColumn, true));
        Schema = new ParquetSchema(fields.Cast<Field>().ToArray());

        _fields = [.. fixedNames.Select(_ => new string?[rows])];
        _timestamps = new DateTime[rows];
        _values = new double?[rows];
        _leftover = new string?[rows];
        _leftoverJson = new Utf8JsonWriter(_leftoverBuffer, new JsonWriterOptions { Encoder = JsonTextEncoder.Instance, SkipValidation = true });
    }

    public ParquetSchema Schema { get; }

    /// <summary>Puts <paramref name="record"/> in row <paramref name="row"/> of the current row group.</summary>
    public void Set(int row, StoredRecord record, string batchId)
    {
        if (_kind == RecordKind.Entity)
        {
            (_fields[0][row], _fields[1][row], _fields[2][row], _fields[3][row]) = (record.Id, record.Type, record.Name, record.MediaUrl);
            (_fields[4][row], _fields[5][row]) = (record.RecordType, batchId);
        }
        else
        {
            (_fields[0][row], _fields[1][row], _fields[2][row]) = (record.Type, record.Id, record.TargetId);
            _timestamps[row] = DateTime.UnixEpoch.AddMilliseconds(record.Timestamp ?? 0);
            _values[row] = record.Value;
            (_fields[5][row], _fields[6][row]) = (record.RecordType, batchId);
        }

        foreach (var column in _attributes)
        {
            column.Clear(row);
        }

        _leftover[row] = record.AttributesJson is null ? null : SplitAttributes(row, record.AttributesJson);
    }

    /// <summary>Writes the first <paramref name="rows"/> rows as one row group.</summary>
    public async Task WriteRowGroupAsync(ParquetWriter writer, int rows, CancellationToken cancellationToken)
    {
        using var group = writer.CreateRowGroup();
        var fields = Schema.DataFields;
        var next = 0;
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = fields[next++];
            switch (field.Name)
            {
                case "timestamp":
                    await group.WriteAsync<DateTime>(field, _timestamps.AsMemory(0, rows), null, null, cancellationToken);
                    break;
                case "value":
                    await group.WriteAsync<double>(field, _values.AsMemory(0, rows), null, null, cancellationToken);
                    break;
                default:
                    await group.WriteAsync(field, new ArraySegment<string?>(_fields[i], 0, rows)!, null);
                    break;
            }
        }

        foreach (var column in _attributes)
        {
            await column.WriteAsync(group, rows, cancellationToken);
        }

        await group.WriteAsync(fields[^1], new ArraySegment<string?>(_leftover, 0, rows)!, null);
        group.CompleteValidate();
    }

    /// <summary>Sets each attribute's typed column where it fits exactly; returns the others as a JSON object, or null.</summary>
    private string? SplitAttributes(int row, string attributesJson)
    {
        var utf8 = Encoding.UTF8.GetBytes(attributesJson);
        var reader = new Utf8JsonReader(utf8);
        reader.Read();
        _leftoverBuffer.ResetWrittenCount();
        _leftoverJson.Reset(_leftoverBuffer);
        _leftoverJson.WriteStartObject();
        var leftovers = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = AttributeValues.PropertyName(ref reader);
            var column = Find(name);
            reader.Read();
            var valueStart = (int)reader.TokenStartIndex;
            var fitted = column is not null && column.TrySet(row, ref reader, utf8);
            reader.Skip();
            if (!fitted)
            {
                _leftoverJson.WritePropertyName(name);
                _leftoverJson.WriteRawValue(utf8.AsSpan(valueStart, (int)reader.BytesConsumed - valueStart), skipInputValidation: true);
                leftovers++;
            }
        }

        _leftoverJson.WriteEndObject();
        _leftoverJson.Flush();
        return leftovers == 0 ? null : Encoding.UTF8.GetString(_leftoverBuffer.WrittenSpan);
    }

    private ParquetAttributeColumn? Find(ReadOnlySpan<byte> name)
    {
        if (_attributes.Length == 0)
        {
            return null;
        }

        Span<char> buffer = name.Length <= 256 ? stackalloc char[256] : new char[name.Length];
        var chars = buffer[..Encoding.UTF8.GetChars(name, buffer)];
        return _byName.TryGetValue(chars, out var column) ? column : null;
    }
}
