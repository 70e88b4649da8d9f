using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;
using Intake.Core.Parsing;

namespace Intake.Core.Records.BuiltIn;

/// <summary>
/// The table-batch rule for attributes: every column or property that is not part of the key is a typed
/// attribute. In CSV a quoted cell is text and an unquoted one a number or boolean when it parses as one, else
/// text (an empty unquoted cell is absent); text is a string, or a list where the attribute is a list
/// (<see cref="CsvList"/>). In JSON the value's own type counts. One instance per CSV binding (one reader thread).
/// </summary>
internal sealed class FreeAttributes
{
    private readonly int[] _columns;
    private readonly JsonEncodedText[] _names;
    private readonly byte[][] _nameBytes;
    private readonly bool[] _asList;

    private FreeAttributes(int[] columns, JsonEncodedText[] names, byte[][] nameBytes)
    {
        _columns = columns;
        _names = names;
        _nameBytes = nameBytes;
        _asList = new bool[columns.Length];
    }

    /// <summary>The attribute columns of <paramref name="header"/>: all but <paramref name="keyColumns"/>.</summary>
    public static FreeAttributes ForHeader(CsvHeader header, IReadOnlyCollection<string> keyColumns)
    {
        var columns = Enumerable.Range(0, header.Columns.Count)
            .Where(i => header.Columns[i].Length > 0 && !keyColumns.Contains(header.Columns[i], StringComparer.OrdinalIgnoreCase)
                && header.IndexOf(header.Columns[i]) == i)
            .ToArray();
        return new FreeAttributes(
            columns,
            columns.Select(i => JsonEncodedText.Encode(header.Columns[i])).ToArray(),
            columns.Select(i => Encoding.UTF8.GetBytes(header.Columns[i])).ToArray());
    }

    /// <summary>Types and stores the row's attribute cells; false when the record was rejected.</summary>
    public bool FromCsv(in CsvRow row, RecordWriter writer)
    {
        for (var i = 0; i < _columns.Length; i++)
        {
            var cell = row[_columns[i]];
            var type = row.IsQuoted(_columns[i]) ? AttributeType.String
                : cell.IsEmpty ? (AttributeType?)null
                : AttributeValues.ClassifyUnquoted(cell, out _, out _);
            if (type == AttributeType.String && !row.IsQuoted(_columns[i]) && AttributeValues.IsNonFiniteNumber(cell))
            {
                var attribute = Encoding.UTF8.GetString(_nameBytes[i]);
                writer.Reject(RecordErrorCodes.InvalidValue,
                    $"Attribute {attribute} with value [{Text.Echo.Of(cell)}] is not a finite number; quote the cell to store it as text.", attribute);
                return false;
            }

            var fits = type switch
            {
                null => true,
                AttributeType.String => writer.CheckCsvText(_nameBytes[i], cell, out _asList[i]),
                { } valueType => writer.CheckAttribute(_nameBytes[i], valueType, cell),
            };
            if (!fits)
            {
                return false;
            }
        }

        var json = writer.BeginAttributes();
        for (var i = 0; i < _columns.Length; i++)
        {
            var cell = row[_columns[i]];
            var quoted = row.IsQuoted(_columns[i]);
            if (!quoted && cell.IsEmpty)
            {
                continue;
            }

            if (quoted)
            {
                WriteText(json, i, cell);
                continue;
            }

            switch (AttributeValues.ClassifyUnquoted(cell, out var integer, out var number))
            {
                case AttributeType.Boolean:
                    json.WriteBoolean(_names[i], cell[0] == 't');
                    break;
                case AttributeType.Integer:
                    json.WriteNumber(_names[i], integer);
                    break;
                case AttributeType.Double:
                    json.WriteNumber(_names[i], number);
                    break;
                case AttributeType.String:
                    WriteText(json, i, cell);
                    break;
            }
        }

        writer.EndAttributes();
        return true;
    }

    private void WriteText(Utf8JsonWriter json, int column, ReadOnlySpan<byte> cell)
    {
        if (_asList[column])
        {
            CsvList.Write(json, _names[column], cell);
        }
        else
        {
            json.WriteString(_names[column], cell);
        }
    }

    /// <summary>
    /// Types and stores every property of the JSON object except <paramref name="keyProperties"/>;
    /// false when the record was rejected. The object is known to be well-formed.
    /// </summary>
    public static bool FromJson(ReadOnlySpan<byte> json, ReadOnlySpan<string> keyProperties, RecordWriter writer)
    {
        if (JsonChecks.FindRepeatedName(json, out var objectPath) is { } repeated)
        {
            return JsonChecks.RejectRepeatedName(repeated, objectPath, null, writer);
        }

        var reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = AttributeValues.PropertyName(ref reader);
            var isKey = IsOneOf(name, keyProperties);
            reader.Read();
            var type = AttributeValues.Classify(ref reader);
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            var raw = json[start..(int)reader.BytesConsumed];
            if (!isKey && type is { } valueType &&
                !writer.CheckAttribute(name, valueType, raw.Length >= 2 && raw[0] == '"' ? raw[1..^1] : raw))
            {
                return false;
            }
        }

        var output = writer.BeginAttributes();
        reader = new Utf8JsonReader(json);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = AttributeValues.PropertyName(ref reader);
            var isKey = IsOneOf(name, keyProperties);
            reader.Read();
            var isNull = reader.TokenType == JsonTokenType.Null;
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (!isKey && !isNull)
            {
                output.WritePropertyName(name);
                output.WriteRawValue(json[start..(int)reader.BytesConsumed], skipInputValidation: true);
            }
        }

        writer.EndAttributes();
        return true;
    }

    private static bool IsOneOf(ReadOnlySpan<byte> name, ReadOnlySpan<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (Ascii.EqualsIgnoreCase(name, candidate))
            {
                return true;
            }
        }

        return false;
    }
}
